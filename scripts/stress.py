#!/usr/bin/env python3
"""Worst-case sweep (issue 17): time and peak memory of `prodlint check` on generated
inputs of growing size, one shape per front-end, to show that work stays linear and
memory stays near "10x the input plus a fixed budget".

Each shape is generated at 1x, 2x and 4x of its unit count into a fresh folder (a git
root holding only that file) and linted once with `--exit-zero`. The table gives input
bytes, seconds, peak RSS, and the growth of time and of memory above the fixed budget
(the RSS of linting an empty folder) from one size to the next: about 2.0 is linear.

    python3 scripts/stress.py --bin target/release/prodlint [--scale 1.0] [--only NAME]

Python 3.11 standard library only; needs GNU time at /usr/bin/time for peak RSS.
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def token(rng: random.Random, n: int = 32) -> str:
    return "".join(rng.choice("abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123456789") for _ in range(n))


def shapes(rng: random.Random):
    """name -> (file name, unit count at 1x, function of count -> text)."""
    return {
        "python-calls": ("app.py", 20_000, lambda n: "import requests\n" + "".join(
            f"def f{i}(u):\n    return requests.get(u)\n" for i in range(n))),
        "python-one-line": ("min.py", 20_000, lambda n: "import requests\n" + "requests.get(u);" * n + "\n"),
        "python-nesting": ("deep.py", 2_000, lambda n: "x = " + "(" * n + "1" + ")" * n + "\n"),
        "dotenv-secrets": (".env", 15_000, lambda n: "".join(
            f"API_TOKEN_{i}={token(rng)}\n" for i in range(n))),
        "dockerfile-env-chain": ("Dockerfile", 2_000, lambda n: "FROM python:3.12\n" + "".join(
            f"ENV V{i}=${{V{i - 1}}}x\n" for i in range(1, n)) + 'CMD ["python", "app.py"]\n'),
        "dockerfile-stages": ("Dockerfile", 500, lambda n: "FROM python:3.12 AS s0\nENV A=1\n" + "".join(
            f"FROM s{i - 1} AS s{i}\nENV A$A=$A\n" for i in range(1, n))),
        "urls": ("urls.txt.py", 20_000, lambda n: "".join(
            f"U{i} = 'https://user:{token(rng, 12)}@host{i}.example.com/db'\n" for i in range(n))),
        "kubernetes-docs": ("deploy.yaml", 1_000, lambda n: "".join(
            f"---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app{i}\nspec:\n"
            f"  template:\n    spec:\n      containers:\n      - name: app\n        image: app:latest\n"
            for i in range(n))),
        "yaml-nesting": ("deep.yaml", 2_000, lambda n: "kind: Pod\nspec: " + "[" * n + "]" * n + "\n"),
        "compose-services": ("compose.yaml", 1_000, lambda n: "services:\n" + "".join(
            f"  s{i}:\n    image: registry.example.com/app{i}:latest\n    privileged: true\n"
            for i in range(n))),
        "helm-actions": ("chart/templates/deploy.yaml", 20_000, lambda n: "kind: Pod\nmetadata:\n  name: "
            + "{{ .Values.a }}" * n + "\n"),
        "rust-nesting": ("src/lib.rs", 500, lambda n: "fn f() { " + "{ " * n + "}" * n + " }\n"),
    }


def measure(binary: Path, folder: Path) -> tuple[float, int]:
    start = time.perf_counter()
    proc = subprocess.run(
        ["/usr/bin/time", "-f", "%M", str(binary), "check", "--exit-zero", "-q", "."],
        cwd=folder, capture_output=True, text=True,
    )
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"prodlint exited {proc.returncode} in {folder}: {proc.stderr[-2000:]}")
    peak_kb = int(proc.stderr.strip().splitlines()[-1])
    return seconds, peak_kb


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bin", required=True, type=Path)
    parser.add_argument("--scale", type=float, default=1.0, help="multiplies every unit count")
    parser.add_argument("--only", nargs="*", help="shape names")
    parser.add_argument("--seed", type=int, default=17)
    args = parser.parse_args()
    binary = args.bin.resolve()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as empty:
        (Path(empty) / ".git").mkdir()
        _, fixed_kb = measure(binary, Path(empty))
    print(f"fixed budget (empty folder): {fixed_kb / 1024:.1f} MiB")
    print(f"{'shape':<22} {'size':>5} {'input':>9} {'seconds':>8} {'peak':>9} "
          f"{'mem/input':>9} {'time x':>7} {'mem x':>6}")
    for name, (file_name, unit, generate) in shapes(rng).items():
        if args.only and name not in args.only:
            continue
        previous = None
        for factor in (1, 2, 4):
            count = max(1, int(unit * args.scale * factor))
            with tempfile.TemporaryDirectory() as tmp:
                folder = Path(tmp)
                (folder / ".git").mkdir()
                path = folder / file_name
                path.parent.mkdir(parents=True, exist_ok=True)
                if file_name.startswith("chart/"):
                    (folder / "chart/Chart.yaml").write_text("apiVersion: v2\nname: c\nversion: 1.0.0\n")
                text = generate(count)
                path.write_text(text)
                seconds, peak_kb = measure(binary, folder)
            size = len(text.encode())
            above_kb = max(peak_kb - fixed_kb, 1)
            growth = ""
            if previous:
                growth = f"{seconds / max(previous[0], 1e-3):>7.1f} {above_kb / previous[1]:>6.1f}"
            print(f"{name:<22} {factor:>4}x {size / 1024:>7.0f}KB {seconds:>8.2f} "
                  f"{peak_kb / 1024:>7.1f}MB {above_kb * 1024 / size:>8.1f}x {growth}")
            previous = (seconds, above_kb)
    return 0


if __name__ == "__main__":
    sys.exit(main())
