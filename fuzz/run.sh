#!/bin/sh
# Runs every fuzz target (or those named) for SECONDS each, one after another, with a
# 10 s bound per input and 2 GiB of memory: a slow or greedy input is a finding too.
# No sanitizer: the code is safe Rust, and ASan made the whole-engine targets 5x slower.
# Usage: fuzz/run.sh SECONDS [TARGET...]   (needs the nightly toolchain and cargo-fuzz)
set -eu
cd "$(dirname "$0")"
seconds=${1:?usage: fuzz/run.sh SECONDS [TARGET...]}
shift
targets=${*:-$(cargo +nightly fuzz list)}
python3 seed.py > /dev/null
mkdir -p logs
for target in $targets; do
    echo "== $target: ${seconds}s"
    cargo +nightly fuzz run -O -s none "$target" "corpus/$target" -- \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        > "logs/$target.log" 2>&1 || { echo "   FOUND something: see fuzz/logs/$target.log and fuzz/artifacts/$target/"; continue; }
    grep -E "^stat::number_of_executed_units|^#[0-9]+.*DONE" "logs/$target.log" | tail -1
done
