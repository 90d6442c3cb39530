#!/usr/bin/env python3
"""Benchmark prodlint against ruff's closest rule subset on real trees.

Obtains the trees itself (the django sdist from PyPI, this machine's Python standard
library, and a generated set of Kubernetes manifests and Dockerfiles), installs ruff into a
throwaway venv under bench-data/, builds prodlint in release mode, then times alternating
runs and prints medians, the prodlint/ruff ratio, peak memory, and how prodlint's time grows
on 1x, 2x, 4x and 8x copies of the django tree.

    python3 scripts/bench.py [--runs 7] [--skip-scaling]

Nothing here is a test: timings vary by machine. The README's Performance section records
what it printed and on which machine.
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tarfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench-data"
PRODLINT = ROOT / "target" / "release" / "prodlint"
DJANGO = "django==5.1.4"
RUFF_SELECT = "S,ASYNC,RUF006,BLE,T20"


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def venv_ruff():
    venv = DATA / "venv"
    ruff = venv / "bin" / "ruff"
    if not ruff.exists():
        run([sys.executable, "-m", "venv", str(venv)])
        run([str(venv / "bin" / "pip"), "install", "--quiet", "ruff"])
    return ruff


def django_tree():
    target = DATA / "django"
    if not target.exists():
        download = DATA / "download"
        download.mkdir(parents=True, exist_ok=True)
        run([sys.executable, "-m", "pip", "download", "--quiet", "--no-binary", ":all:", "--no-deps",
             "--dest", str(download), DJANGO])
        archive = next(download.glob("*.tar.gz"))
        with tarfile.open(archive) as tar:
            tar.extractall(DATA / "extract", filter="data")
        shutil.move(str(next((DATA / "extract").iterdir())), target)
    return target


def stdlib_tree():
    return Path(sysconfig.get_paths()["stdlib"])


MANIFEST = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: svc-{i}
spec:
  replicas: {replicas}
  template:
    spec:
      containers:
        - name: app
          image: registry.example.com/svc-{i}:1.{i}.0
          command: ["gunicorn", "--bind", "0.0.0.0:8000", "--workers", "{workers}", "svc{i}.wsgi"]
          ports: [{{containerPort: 8000, name: http}}]
{probes}---
apiVersion: v1
kind: Service
metadata:
  name: svc-{i}
spec:
  ports: [{{port: 80, targetPort: http}}]
"""

PROBES = """          readinessProbe: {httpGet: {path: /ready, port: http}}
          livenessProbe: {httpGet: {path: /live, port: http}}
"""

DOCKERFILE = """FROM python:3.12-slim AS build
WORKDIR /src
COPY requirements.txt .
RUN pip wheel --wheel-dir /wheels -r requirements.txt

FROM python:3.12-slim
ENV PYTHONUNBUFFERED=1
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir /wheels/* && rm -rf /wheels
COPY . /app
WORKDIR /app
USER 10001
EXPOSE 8000
{cmd}
"""


def manifests_tree():
    target = DATA / "manifests"
    if not target.exists():
        (target / "k8s").mkdir(parents=True)
        for i in range(250):
            probes = PROBES if i % 3 else ""
            (target / "k8s" / f"svc-{i}.yaml").write_text(
                MANIFEST.format(i=i, replicas=1 + i % 4, workers=2 + i % 3, probes=probes))
        for i in range(40):
            cmd = 'CMD ["gunicorn", "app:app"]' if i % 2 else "CMD gunicorn --bind 0.0.0.0:8000 app:app"
            folder = target / "images" / f"svc-{i}"
            folder.mkdir(parents=True)
            (folder / "Dockerfile").write_text(DOCKERFILE.format(cmd=cmd))
    return target


def scaled_tree(base, factor):
    target = DATA / "scaled" / f"x{factor}"
    if not target.exists():
        target.mkdir(parents=True)
        for n in range(factor):
            shutil.copytree(base, target / f"copy{n}")
    return target


def timed(cmd):
    """Wall seconds and peak RSS (MiB) of one run of `cmd`."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise SystemExit(f"{cmd[0]} failed with status {status}")
    return wall, usage.ru_maxrss / 1024


def compare(name, tree, ruff, runs):
    prodlint_cmd = [str(PRODLINT), "check", "--isolated", "--quiet", "--format", "concise", str(tree)]
    ruff_cmd = [str(ruff), "check", "--no-cache", "--isolated", "--quiet", "--exit-zero",
                "--select", RUFF_SELECT, str(tree)]
    timed(prodlint_cmd), timed(ruff_cmd)  # warm the page cache
    p, r = [], []
    for _ in range(runs):
        p.append(timed(prodlint_cmd))
        r.append(timed(ruff_cmd))
    pw, rw = statistics.median(t for t, _ in p), statistics.median(t for t, _ in r)
    pm, rm = max(m for _, m in p), max(m for _, m in r)
    print(f"| {name} | {pw:.3f} s | {rw:.3f} s | {pw / rw:.2f} | {pm:.0f} MiB | {rm:.0f} MiB |")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--skip-scaling", action="store_true")
    args = parser.parse_args()
    DATA.mkdir(exist_ok=True)
    run(["cargo", "build", "--release", "--quiet"], cwd=ROOT)
    ruff = venv_ruff()
    trees = [("django 5.1.4", django_tree()), ("Python stdlib", stdlib_tree()),
             ("250 manifests + 40 Dockerfiles", manifests_tree())]
    print(f"machine: {os.cpu_count()} cores; {RUFF_SELECT=}; median of {args.runs} alternating runs\n")
    print("| tree | prodlint | ruff | ratio | prodlint peak | ruff peak |")
    print("|---|---|---|---|---|---|")
    for name, tree in trees:
        compare(name, tree, ruff, args.runs)
    if not args.skip_scaling:
        print("\n| django copies | prodlint | per copy |\n|---|---|---|")
        for factor in (1, 2, 4, 8):
            tree = scaled_tree(trees[0][1], factor)
            cmd = [str(PRODLINT), "check", "--isolated", "--quiet", "--format", "concise", str(tree)]
            timed(cmd)
            wall = statistics.median(timed(cmd)[0] for _ in range(args.runs))
            print(f"| {factor}x | {wall:.3f} s | {wall / factor:.3f} s |")


if __name__ == "__main__":
    main()
