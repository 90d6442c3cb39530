#!/usr/bin/env python3
"""Ecosystem check: run prodlint on pinned real repositories and compare runs.

Like ruff's ecosystem check, this shows what a change to prodlint adds and removes on
real code, and keeps the reviewed sample that measures each rule's precision.

    scripts/ecosystem.py checkout --mirrors /work/.mirror --dest /work/eco/repos
    scripts/ecosystem.py run --bin target/release/prodlint --repos /work/eco/repos --out run.jsonl
    scripts/ecosystem.py diff scripts/ecosystem/baseline.jsonl run.jsonl
    scripts/ecosystem.py sample --run run.jsonl --seed 11 --size 200 --min-per-rule 3 --out review.tsv
    scripts/ecosystem.py precision review.tsv
    scripts/ecosystem.py keep --review scripts/ecosystem/must-keep.tsv --run run.jsonl

The pinned list is scripts/ecosystem/repos.toml. A run is JSON Lines: one `meta` line,
one `repo` line per repository (commit, seconds, per-rule counts), then one finding per
line as `[repo, path, line, column, rule, severity, message]`, sorted. Python 3.11
standard library only; the repositories' code is only read, never executed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import tomllib
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent / "ecosystem"
REPOS_TOML = HERE / "repos.toml"
REVIEW_COLUMNS = ["repo", "location", "rule", "severity", "message", "verdict", "reason"]
VERDICTS = ("TP", "FP", "debatable")


# --- findings -----------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class Finding:
    repo: str
    path: str
    line: int
    column: int
    rule: str
    severity: str
    message: str

    def row(self) -> list:
        return [self.repo, self.path, self.line, self.column, self.rule, self.severity, self.message]

    @property
    def location(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"

    @property
    def key(self) -> tuple:
        """What identifies a finding across runs when lines move."""
        return (self.repo, self.path, self.rule, normalize_message(self.message))


_PATH_LINE = re.compile(r"(\S+?\.[A-Za-z0-9_]+|\S*/\S+):\d+(?::\d+)?")


def normalize_message(message: str) -> str:
    """A message with `file:line` references made line-free, so moved lines still match."""
    return _PATH_LINE.sub(lambda m: m.group(1) + ":N", message)


def one_line(text: str) -> str:
    return " ".join(str(text).split())


# --- repos.toml -----------------------------------------------------------------------


def load_repos(path: Path = REPOS_TOML, only: list[str] | None = None) -> list[dict]:
    with open(path, "rb") as f:
        repos = tomllib.load(f)["repo"]
    names = [r["name"] for r in repos]
    if len(set(names)) != len(names):
        sys.exit(f"{path}: repository names must be unique")
    for r in repos:
        if not ("commit" in r or "sdist" in r):
            sys.exit(f"{path}: {r['name']} needs `commit` (or `sdist` and `sha256`)")
    if only:
        unknown = set(only) - set(names)
        if unknown:
            sys.exit(f"unknown repositories: {', '.join(sorted(unknown))}")
        repos = [r for r in repos if r["name"] in only]
    return repos


def pin(repo: dict) -> str:
    return repo.get("commit") or f"sdist:{repo['sdist']}"


# --- checkout -------------------------------------------------------------------------


def git(*args: str, git_dir: Path | None = None, env: dict | None = None, **kw):
    cmd = ["git"] + ([f"--git-dir={git_dir}"] if git_dir else []) + list(args)
    return subprocess.run(cmd, check=True, env=env, **kw)


def find_mirror(mirrors: Path, github: str) -> Path | None:
    base = mirrors / github.replace("/", "+") / "repo"
    for candidate in (base / ".git", base):
        if (candidate / "HEAD").is_file() and (candidate / "objects").is_dir():
            return candidate
    return None


def has_commit(git_dir: Path, commit: str) -> bool:
    probe = subprocess.run(["git", f"--git-dir={git_dir}", "cat-file", "-e", f"{commit}^{{commit}}"],
                           capture_output=True)
    return probe.returncode == 0


def clone_from_github(github: str, into: Path) -> Path:
    """A bare clone from GitHub, for machines without a local mirror."""
    url = f"https://github.com/{github}.git"
    try:
        git("clone", "--bare", "--quiet", "--filter=blob:none", url, str(into),
            capture_output=True, timeout=600)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as err:
        stderr = getattr(err, "stderr", b"") or b""
        sys.exit(f"no local mirror of {github}, and cloning {url} failed: "
                 f"{stderr.decode(errors='replace').strip() or err}")
    return into


def tree_entries(git_dir: Path, commit: str) -> list[tuple[str, str, str]]:
    """(mode, blob id, path) of every file of the commit."""
    out = git("ls-tree", "-r", "-z", "--full-tree", commit, git_dir=git_dir,
              capture_output=True).stdout
    entries = []
    for record in out.split(b"\0"):
        if record:
            meta, _, path = record.partition(b"\t")
            mode, kind, blob = meta.decode().split()
            if kind == "blob":
                entries.append((mode, blob, path.decode("utf-8", "surrogateescape")))
    return entries


def read_blobs(git_dir: Path, blobs: list[str]):
    """Yield (blob id, bytes or None when the mirror lacks it), in order."""
    with tempfile.TemporaryFile() as ids:
        ids.write("".join(b + "\n" for b in blobs).encode())
        ids.seek(0)
        proc = subprocess.Popen(["git", f"--git-dir={git_dir}", "cat-file", "--batch"],
                                stdin=ids, stdout=subprocess.PIPE)
        for blob in blobs:
            header = proc.stdout.readline().split()
            if len(header) == 2 and header[1] == b"missing":
                yield blob, None
                continue
            size = int(header[2])
            data = proc.stdout.read(size)
            proc.stdout.read(1)  # the newline after each object
            yield blob, data
        proc.stdout.close()
        if proc.wait() != 0:
            sys.exit(f"git cat-file failed in {git_dir}")


def materialize_commit(git_dir: Path, commit: str, dest: Path) -> int:
    """Write the commit's files into dest, touching nothing in the mirror.

    Unlike `git archive`, this keeps files marked `export-ignore`: the repository as its
    developers see it. Snapshots lack blobs of 4 MiB and more (which prodlint skips
    anyway); those are left out and counted. Submodules are skipped, and so are symbolic
    links that point outside the tree. Returns the number of files left out.
    """
    dest.mkdir(parents=True)
    entries = tree_entries(git_dir, commit)
    left_out = 0
    for (mode, _, rel), (_, data) in zip(entries, read_blobs(git_dir, [e[1] for e in entries])):
        target = dest / rel
        if data is None:
            left_out += 1
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        if mode == "120000":
            link = data.decode("utf-8", "surrogateescape")
            inside = (target.parent / link).resolve().is_relative_to(dest.resolve())
            if not os.path.isabs(link) and inside:
                target.symlink_to(link)
            continue
        target.write_bytes(data)
        if mode == "100755":
            target.chmod(0o755)
    return left_out


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def materialize_sdist(repo: dict, sdists: Path, dest: Path) -> None:
    """Unpack the pinned sdist (downloaded with pip if it is not in `sdists` yet)."""
    sdists.mkdir(parents=True, exist_ok=True)
    name, _, version = repo["sdist"].partition("==")
    wanted = re.compile(rf"{re.escape(name)}-{re.escape(version)}\.tar\.gz$", re.IGNORECASE)
    found = [p for p in sdists.iterdir() if wanted.match(p.name)]
    if not found:
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                        "--no-binary", ":all:", "--dest", str(sdists), repo["sdist"]], check=True)
        found = [p for p in sdists.iterdir() if wanted.match(p.name)]
    if not found:
        sys.exit(f"{repo['name']}: pip did not produce {name}-{version}.tar.gz in {sdists}")
    archive = found[0]
    if sha256_of(archive) != repo["sha256"]:
        sys.exit(f"{repo['name']}: {archive} does not have the pinned sha256")
    with tempfile.TemporaryDirectory(dir=dest.parent) as tmp, tarfile.open(archive) as tar:
        tar.extractall(tmp, filter="data")
        (top,) = Path(tmp).iterdir()
        top.rename(dest)


def stamp_path(dest_root: Path, name: str) -> Path:
    return dest_root / ".pins" / name


def checkout_one(repo: dict, mirrors: Path, dest_root: Path, sdists: Path) -> str:
    dest = dest_root / repo["name"]
    stamp = stamp_path(dest_root, repo["name"])
    if dest.exists() and stamp.is_file() and stamp.read_text().strip() == pin(repo):
        return "up to date"
    if dest.exists():
        shutil.rmtree(dest)
    if "sdist" in repo:
        materialize_sdist(repo, sdists, dest)
    else:
        git_dir = find_mirror(mirrors, repo["github"])
        source = "mirror"
        if git_dir is None or not has_commit(git_dir, repo["commit"]):
            git_dir = clone_from_github(repo["github"], dest_root / ".clones" / repo["name"])
            source = "github"
        if not has_commit(git_dir, repo["commit"]):
            sys.exit(f"{repo['name']}: commit {repo['commit']} is not in {git_dir}")
        left_out = materialize_commit(git_dir, repo["commit"], dest)
        source = f"{source} {git_dir}" + (f" ({left_out} large files not in the mirror)" if left_out else "")
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.write_text(pin(repo) + "\n")
    return "sdist" if "sdist" in repo else source


def cmd_checkout(args) -> int:
    dest_root = Path(args.dest).resolve()
    dest_root.mkdir(parents=True, exist_ok=True)
    sdists = Path(args.sdists).resolve() if args.sdists else dest_root / ".sdists"
    for repo in load_repos(only=args.only):
        status = checkout_one(repo, Path(args.mirrors), dest_root, sdists)
        print(f"{repo['name']:<28} {pin(repo)[:40]:<40} {status}")
    return 0


# --- run ------------------------------------------------------------------------------


def lint_repo(binary: Path, repo_dir: Path, name: str, threads: int | None,
              select: str | None = None) -> tuple[list[Finding], float]:
    cmd = [str(binary), "check", "--format", "json", "--exit-zero", "--quiet"]
    if select:
        cmd += ["--select", select]
    if threads:
        cmd += ["--threads", str(threads)]
    start = time.perf_counter()
    proc = subprocess.run(cmd + ["."], cwd=repo_dir, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"{name}: prodlint exited {proc.returncode}: {proc.stderr.strip()[:2000]}")
    findings = [
        Finding(name, d["path"].removeprefix("./"), d["line"], d["column"], d["rule"],
                d["severity"], one_line(d["message"]))
        for d in json.loads(proc.stdout)
    ]
    return findings, seconds


def binary_version(binary: Path) -> str:
    out = subprocess.run([str(binary), "--version"], capture_output=True, text=True, check=True)
    return out.stdout.strip()


def write_run(path: Path, meta: dict, repos: list[dict], findings: list[Finding]) -> None:
    with open(path, "w", encoding="utf-8") as out:
        out.write(json.dumps({"kind": "meta", **meta}, sort_keys=True) + "\n")
        for r in repos:
            out.write(json.dumps({"kind": "repo", **r}, sort_keys=True) + "\n")
        for f in sorted(findings):
            out.write(json.dumps(f.row(), ensure_ascii=False) + "\n")


def read_run(path: Path) -> tuple[dict, dict[str, dict], list[Finding]]:
    meta, repos, findings = {}, {}, []
    with open(path, encoding="utf-8") as f:
        for line in f:
            item = json.loads(line)
            if isinstance(item, list):
                findings.append(Finding(*item))
            elif item.get("kind") == "meta":
                meta = item
            elif item.get("kind") == "repo":
                repos[item["repo"]] = item
    return meta, repos, findings


def cmd_run(args) -> int:
    binary = Path(args.bin).resolve()
    repos_root = Path(args.repos).resolve()
    all_findings, repo_lines = [], []
    for repo in load_repos(only=args.only):
        repo_dir = repos_root / repo["name"]
        stamp = stamp_path(repos_root, repo["name"])
        if not repo_dir.is_dir():
            sys.exit(f"{repo_dir} is missing: run `checkout` first")
        if not stamp.is_file() or stamp.read_text().strip() != pin(repo):
            sys.exit(f"{repo_dir} is not at the pinned {pin(repo)}: run `checkout` again")
        findings, seconds = lint_repo(binary, repo_dir, repo["name"], args.threads, args.select)
        counts = Counter(f.rule for f in findings)
        repo_lines.append({"repo": repo["name"], "pin": pin(repo), "seconds": round(seconds, 2),
                           "findings": len(findings), "counts": dict(sorted(counts.items()))})
        all_findings += findings
        print(f"{repo['name']:<28} {len(findings):>6} findings  {seconds:6.2f} s", file=sys.stderr)
    meta = {"prodlint": binary_version(binary), "label": args.label or binary.name,
            "binary_sha256": sha256_of(binary)[:16], "findings": len(all_findings)}
    write_run(Path(args.out), meta, repo_lines, all_findings)
    print(f"{len(all_findings)} findings in {len(repo_lines)} repositories -> {args.out}", file=sys.stderr)
    return 0


# --- diff -----------------------------------------------------------------------------


def match_findings(old: list[Finding], new: list[Finding]) -> tuple[list[Finding], list[Finding]]:
    """(removed, added): findings of one side with no partner of the same key on the other.

    Within a key, findings on the same line pair first, then the rest in line order, so a
    finding that only moved is matched, not reported as one removed and one added.
    """
    by_key_old, by_key_new = defaultdict(list), defaultdict(list)
    for f in old:
        by_key_old[f.key].append(f)
    for f in new:
        by_key_new[f.key].append(f)
    removed, added = [], []
    for key in by_key_old.keys() | by_key_new.keys():
        olds, news = sorted(by_key_old.get(key, [])), sorted(by_key_new.get(key, []))
        new_lines = Counter(f.line for f in news)
        unmatched_old = []
        for f in olds:
            if new_lines[f.line]:
                new_lines[f.line] -= 1
            else:
                unmatched_old.append(f)
        old_lines = Counter(f.line for f in olds)
        unmatched_new = []
        for f in news:
            if old_lines[f.line]:
                old_lines[f.line] -= 1
            else:
                unmatched_new.append(f)
        pairs = min(len(unmatched_old), len(unmatched_new))
        removed += unmatched_old[pairs:]
        added += unmatched_new[pairs:]
    return sorted(removed), sorted(added)


def count_table(title: str, names: list[str], old: Counter, new: Counter,
                added: Counter, removed: Counter) -> list[str]:
    lines = [f"| {title} | old | new | added | removed |", "|---|---:|---:|---:|---:|"]
    for name in names:
        if old[name] or new[name]:
            lines.append(f"| {name} | {old[name]} | {new[name]} | +{added[name]} | -{removed[name]} |")
    lines.append(f"| **total** | {sum(old.values())} | {sum(new.values())} | "
                 f"+{sum(added.values())} | -{sum(removed.values())} |")
    return lines


def finding_list(title: str, findings: list[Finding], limit: int) -> list[str]:
    lines = [f"### {title} ({len(findings)})", ""]
    for f in findings[:limit]:
        lines.append(f"- `{f.repo}` `{f.location}` **{f.rule}** ({f.severity}) {f.message}")
    if len(findings) > limit:
        lines.append(f"- … and {len(findings) - limit} more")
    return lines + [""]


def cmd_diff(args) -> int:
    old_meta, old_repos, old = read_run(Path(args.old))
    new_meta, new_repos, new = read_run(Path(args.new))
    common = old_repos.keys() & new_repos.keys()
    old = [f for f in old if f.repo in common]
    new = [f for f in new if f.repo in common]
    removed, added = match_findings(old, new)
    out = [f"## Ecosystem diff: `{old_meta.get('label', args.old)}` → `{new_meta.get('label', args.new)}`",
           "", f"{len(old)} → {len(new)} findings in {len(common)} repositories: "
           f"**+{len(added)} added, -{len(removed)} removed**.", ""]
    for name in sorted(old_repos.keys() ^ new_repos.keys()):
        side = "new" if name in new_repos else "old"
        out.append(f"> `{name}` is only in the {side} run and is left out of the comparison.")
    for name in sorted(old_repos.keys() & new_repos.keys()):
        if old_repos[name].get("pin") != new_repos[name].get("pin"):
            out.append(f"> `{name}` was linted at different pins: {old_repos[name].get('pin')} → "
                       f"{new_repos[name].get('pin')}.")
    rules = sorted({f.rule for f in old + new})
    repos = sorted({f.repo for f in old + new})
    out += ["", "### By rule", ""]
    out += count_table("rule", rules, Counter(f.rule for f in old), Counter(f.rule for f in new),
                       Counter(f.rule for f in added), Counter(f.rule for f in removed))
    out += ["", "### By repository", ""]
    out += count_table("repo", repos, Counter(f.repo for f in old), Counter(f.repo for f in new),
                       Counter(f.repo for f in added), Counter(f.repo for f in removed))
    out += [""]
    out += finding_list("Added", added, args.limit)
    out += finding_list("Removed", removed, args.limit)
    print("\n".join(out))
    return 0


# --- review sheets --------------------------------------------------------------------


def allot(counts: dict[str, int], size: int, minimum: int) -> dict[str, int]:
    """How many findings of each rule a stratified sample of `size` takes.

    Every rule gets min(minimum, its count); the rest is shared in proportion to the
    rules' counts (largest remainder), never more than a rule has.
    """
    take = {rule: min(minimum, n) for rule, n in counts.items()}
    left = size - sum(take.values())
    while left > 0:
        room = {rule: counts[rule] - take[rule] for rule in counts if counts[rule] > take[rule]}
        if not room:
            break
        weight = sum(counts[rule] for rule in room)
        shares = {rule: left * counts[rule] / weight for rule in room}
        granted = {rule: min(room[rule], int(share)) for rule, share in shares.items()}
        if not any(granted.values()):
            # Hand out the remainder one by one, largest fractional share first.
            order = sorted(room, key=lambda r: (-(shares[r] - int(shares[r])), -counts[r], r))
            granted = {rule: 1 for rule in order[:left]}
        for rule, n in granted.items():
            take[rule] += n
        left -= sum(granted.values())
    return take


def stratified_sample(findings: list[Finding], size: int, minimum: int, seed: int) -> list[Finding]:
    by_rule = defaultdict(list)
    for f in sorted(findings):
        by_rule[f.rule].append(f)
    take = allot({rule: len(fs) for rule, fs in by_rule.items()}, size, minimum)
    rng = random.Random(seed)
    chosen = []
    for rule in sorted(by_rule):
        chosen += rng.sample(by_rule[rule], take[rule])
    return sorted(chosen, key=lambda f: (f.rule, f.repo, f.path, f.line, f.column))


def write_sheet(path: Path, rows: list[dict]) -> None:
    """A tab-separated sheet with a header; each cell is one line without tabs."""
    with open(path, "w", encoding="utf-8") as out:
        out.write("\t".join(REVIEW_COLUMNS) + "\n")
        for row in rows:
            cells = [one_line(row.get(k, "")).replace("\t", " ") for k in REVIEW_COLUMNS]
            out.write("\t".join(cells) + "\n")


def read_sheet(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        header, *lines = [line.rstrip("\n") for line in f if line.strip()]
    columns = header.split("\t")
    if columns[:len(REVIEW_COLUMNS)] != REVIEW_COLUMNS:
        sys.exit(f"{path}: the header must be {' '.join(REVIEW_COLUMNS)}")
    rows = []
    for number, line in enumerate(lines, start=2):
        cells = line.split("\t")
        if len(cells) > len(columns):
            sys.exit(f"{path}:{number}: {len(cells)} cells, the header has {len(columns)}")
        row = dict(zip(columns, cells + [""] * (len(columns) - len(cells))))
        row["verdict"] = canonical_verdict(row["verdict"], path)
        rows.append(row)
    return rows


def canonical_verdict(text: str, path: Path) -> str:
    text = text.strip()
    for verdict in VERDICTS:
        if text.lower() == verdict.lower():
            return verdict
    if text:
        sys.exit(f"{path}: unknown verdict {text!r} (use {', '.join(VERDICTS)})")
    return ""


def sheet_finding(row: dict) -> Finding:
    path, line, column = row["location"].rsplit(":", 2)
    return Finding(row["repo"], path, int(line), int(column), row["rule"], row["severity"], row["message"])


def cmd_sample(args) -> int:
    _, _, findings = read_run(Path(args.run))
    chosen = stratified_sample(findings, args.size, args.min_per_rule, args.seed)
    write_sheet(Path(args.out), [
        {"repo": f.repo, "location": f.location, "rule": f.rule, "severity": f.severity,
         "message": f.message} for f in chosen])
    rules = Counter(f.rule for f in chosen)
    print(f"{len(chosen)} findings of {len(rules)} rules from {len({f.repo for f in chosen})} "
          f"repositories -> {args.out}", file=sys.stderr)
    return 0


def precision_table(rows: list[dict]) -> list[str]:
    by_rule = defaultdict(Counter)
    for row in rows:
        by_rule[row["rule"]][row["verdict"] or "unjudged"] += 1
    lines = ["| rule | sampled | TP | FP | debatable | unjudged | precision | TP/(TP+FP) |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]

    def line(name: str, c: Counter) -> str:
        judged = c["TP"] + c["FP"] + c["debatable"]
        precision = f"{c['TP'] / judged:.0%}" if judged else "–"
        strict = f"{c['TP'] / (c['TP'] + c['FP']):.0%}" if c["TP"] + c["FP"] else "–"
        return (f"| {name} | {sum(c.values())} | {c['TP']} | {c['FP']} | {c['debatable']} | "
                f"{c['unjudged']} | {precision} | {strict} |")

    for rule in sorted(by_rule):
        lines.append(line(rule, by_rule[rule]))
    lines.append(line("**total**", sum(by_rule.values(), Counter())))
    return lines


def cmd_precision(args) -> int:
    rows = read_sheet(Path(args.review))
    judged = Counter(row["verdict"] or "unjudged" for row in rows)
    total = len(rows)
    print("\n".join(precision_table(rows)))
    print()
    print("precision = TP / (TP + FP + debatable); debatable findings count against the rule.")
    if total:
        print(f"Of {total}: " + ", ".join(f"{judged[v]} {v} ({judged[v] / total:.0%})"
                                          for v in (*VERDICTS, "unjudged") if judged[v]) + ".")
    return 0


def pedantic_rules(binary: Path) -> set[str]:
    """The rules of the opt-in `pedantic` group, as the binary lists them."""
    out = subprocess.run([str(binary), "rules", "--json"], capture_output=True, text=True, check=True)
    return {r["id"] for r in json.loads(out.stdout) if r.get("group") == "pedantic"}


def cmd_keep(args) -> int:
    rows = [row for row in read_sheet(Path(args.review)) if row["verdict"] == "TP"]
    # A true positive of a rule moved to the opt-in group is still owed: it is checked
    # against a run with that group selected (`run --select pedantic`), not the default run.
    opt_in = pedantic_rules(Path(args.bin))
    runs = {False: read_run(Path(args.run))}
    if args.pedantic_run:
        runs[True] = read_run(Path(args.pedantic_run))
    by_place = {kind: defaultdict(list) for kind in runs}
    for kind, (_, _, findings) in runs.items():
        for f in findings:
            by_place[kind][(f.repo, f.path, f.rule)].append(f)
    lost, reworded, unchecked = [], [], []
    for row in rows:
        want = sheet_finding(row)
        kind = want.rule in opt_in
        if kind not in runs:
            unchecked.append(want)
            continue
        if want.repo not in runs[kind][1]:
            lost.append((want, "repository not in the run"))
            continue
        candidates = by_place[kind].get((want.repo, want.path, want.rule), [])
        if any(f.key == want.key for f in candidates):
            continue
        same_line = [f for f in candidates if f.line == want.line]
        if same_line:
            reworded.append((want, same_line[0]))
        else:
            lost.append((want, "not reported"))
    checked = len(rows) - len(unchecked)
    against = args.run + (f" and {args.pedantic_run}" if args.pedantic_run else "")
    print(f"{len(rows)} true positives, {checked} checked against {against}: "
          f"{checked - len(lost)} kept, {len(lost)} lost.")
    for want, now in reworded:
        print(f"  kept, message changed: {want.repo} {want.location} {want.rule}: {now.message}")
    for want, why in lost:
        print(f"  LOST ({why}): {want.repo} {want.location} {want.rule}: {want.message}")
    for want in unchecked:
        print(f"  not checked (opt-in rule; pass --pedantic-run): {want.repo} {want.location} {want.rule}")
    return 1 if lost else 0


# --- command line ---------------------------------------------------------------------


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="command", required=True)

    c = sub.add_parser("checkout", help="materialise each pinned repository")
    c.add_argument("--mirrors", default="/work/.mirror", help="folder of <owner>+<name>/repo git mirrors")
    c.add_argument("--dest", required=True, help="where the repositories are written")
    c.add_argument("--sdists", help="where sdists are found or downloaded (default: DEST/.sdists)")
    c.add_argument("--only", nargs="+", metavar="NAME", help="only these repositories")
    c.set_defaults(func=cmd_checkout)

    r = sub.add_parser("run", help="lint every repository and record the findings")
    r.add_argument("--bin", default="target/release/prodlint", help="prodlint binary")
    r.add_argument("--repos", required=True, help="folder written by `checkout`")
    r.add_argument("--out", required=True, help="run file to write (JSON Lines)")
    r.add_argument("--label", help="name of this run in diffs (default: the binary's file name)")
    r.add_argument("--threads", type=int, help="pass --threads to prodlint")
    r.add_argument("--only", nargs="+", metavar="NAME", help="only these repositories")
    r.add_argument("--select", help="pass --select to prodlint (e.g. `pedantic` for the opt-in group)")
    r.set_defaults(func=cmd_run)

    d = sub.add_parser("diff", help="what a new run adds and removes, as Markdown")
    d.add_argument("old")
    d.add_argument("new")
    d.add_argument("--limit", type=int, default=1000, help="most findings listed per section")
    d.set_defaults(func=cmd_diff)

    s = sub.add_parser("sample", help="a seeded sample stratified by rule, as a review sheet")
    s.add_argument("--run", required=True)
    s.add_argument("--seed", type=int, required=True)
    s.add_argument("--size", type=int, default=200)
    s.add_argument("--min-per-rule", type=int, default=3)
    s.add_argument("--out", required=True)
    s.set_defaults(func=cmd_sample)

    pr = sub.add_parser("precision", help="per-rule precision of a reviewed sheet, as Markdown")
    pr.add_argument("review")
    pr.set_defaults(func=cmd_precision)

    k = sub.add_parser("keep", help="check every TP of a review sheet is still reported")
    k.add_argument("--review", default=str(HERE / "must-keep.tsv"))
    k.add_argument("--run", required=True, help="a default run")
    k.add_argument("--pedantic-run", help="a run with --select pedantic, for TPs of opt-in rules")
    k.add_argument("--bin", default="target/release/prodlint", help="prodlint binary (for the rule groups)")
    k.set_defaults(func=cmd_keep)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
