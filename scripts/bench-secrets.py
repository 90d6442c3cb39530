#!/usr/bin/env python3
"""Throughput of prodlint's secrets engine (SC001 provider formats + SC002 secret
assignments) on a large tree, in MB/s of text read.

    python3 scripts/bench-secrets.py [--runs 5] [PATH ...]

Without paths it scans this machine's Python standard library (site-packages and
__pycache__ excluded). Pass more trees (extracted PyPI sdists, a monorepo) to add them.
For each selection — the secrets rules alone, SC001 alone, SC002 alone, every rule, and
every rule but the secrets — it times
`prodlint check --isolated` over all paths (median of --runs after one warm-up) and prints
wall time, MB/s, and what the secrets add to a full run. SC001 (the text scan) is
the engine proper; SC002 needs each Python file parsed, which the other rules share. Uses target/release/prodlint (or
$CARGO_TARGET_DIR/release/prodlint); build it first with `cargo build --release`.

Nothing here is a test: timings vary by machine and by disk cache.
"""

import argparse
import os
import statistics
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXCLUDED_DIRS = {"site-packages", "__pycache__", ".git", "node_modules", "target"}
MAX_FILE_BYTES = 4 * 1024 * 1024  # prodlint skips larger files


def prodlint_binary():
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    binary = target / "release" / "prodlint"
    if not binary.exists():
        sys.exit(f"{binary} not found: run `cargo build --release` first")
    return binary


def text_bytes(paths):
    """Bytes and count of the text files prodlint reads (no NUL in the first 8 KiB)."""
    total = files = 0
    for top in paths:
        for folder, dirs, names in os.walk(top):
            dirs[:] = [d for d in dirs if d not in EXCLUDED_DIRS]
            for name in names:
                path = os.path.join(folder, name)
                try:
                    size = os.path.getsize(path)
                    if size > MAX_FILE_BYTES or os.path.islink(path):
                        continue
                    with open(path, "rb") as f:
                        if b"\0" in f.read(8192):
                            continue
                except OSError:
                    continue
                total += size
                files += 1
    return total, files


def time_run(binary, select, paths, runs):
    select, _, ignore = select.partition("-")
    cmd = [str(binary), "check", "--isolated", "--quiet", "--format", "concise",
           "--select", select]
    if ignore:
        cmd += [f"--ignore={ignore}"]
    cmd += [f"--exclude={d}" for d in sorted(EXCLUDED_DIRS)]
    cmd += [str(p) for p in paths]
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # warm-up
    times = []
    findings = 0
    for _ in range(runs):
        start = time.perf_counter()
        out = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        times.append(time.perf_counter() - start)
        if out.returncode not in (0, 1):
            sys.exit(f"prodlint failed ({out.returncode}): {out.stderr.strip()}")
        findings = len(out.stdout.splitlines())
    return statistics.median(times), findings


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("paths", nargs="*", type=Path)
    args = parser.parse_args()
    paths = [Path(sysconfig.get_paths()["stdlib"])] + args.paths
    binary = prodlint_binary()
    size, files = text_bytes(paths)
    mb = size / 1e6
    print(f"tree: {', '.join(map(str, paths))}")
    print(f"      {files} text files, {mb:.1f} MB; {os.cpu_count()} CPUs; median of {args.runs}")
    results = {}
    for label, select in [("secrets (SC)", "SC"), ("SC001 only", "SC001"),
                          ("SC002 only", "SC002"), ("all rules", "ALL"),
                          ("all but SC", "ALL-SC")]:
        seconds, findings = time_run(binary, select, paths, args.runs)
        results[select] = seconds
        print(f"{label:14} {seconds:7.3f} s  {mb / seconds:8.1f} MB/s  {findings:6} findings")
    share = results["SC"] / results["ALL"] if results["ALL"] else 0.0
    added = results["ALL"] - results["ALL-SC"]
    print(f"secrets alone take {share:.0%} of the time of a run with every rule;")
    print(f"adding them to every other rule costs {added:.3f} s "
          f"({added / results['ALL']:.0%} of the full run): the Python parse is shared")


if __name__ == "__main__":
    main()
