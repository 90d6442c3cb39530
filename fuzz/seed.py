#!/usr/bin/env python3
"""Seeds each fuzz target's corpus (fuzz/corpus/<target>/) from the project's fixtures,
by the kind of file each target lints. Run from anywhere: python3 fuzz/seed.py"""

import hashlib
import shutil
from pathlib import Path

FUZZ = Path(__file__).resolve().parent
FIXTURES = FUZZ.parent / "fixtures"
EXAMPLES = FUZZ.parent / "examples"


def target_of(path: Path) -> str | None:
    name = path.name.lower()
    text = path.read_text(errors="replace")
    if name.startswith("gunicorn") and name.endswith(".py"):
        return "gunicorn"
    if name.endswith(".py"):
        return "python"
    if name.endswith(".rs"):
        return "rust"
    if name.startswith("dockerfile") or name.endswith(".dockerfile") or name == "containerfile":
        return "dockerfile"
    if name.endswith((".yml", ".yaml")):
        if "templates" in path.parts:
            return "helm"
        if "compose" in name or text.lstrip().startswith("services:"):
            return "compose"
        if "kind:" in text:
            return "kubernetes"
        return None
    if name.endswith(".sh"):
        return "shell"
    if name.startswith(".env") or name.endswith(".env"):
        return "dotenv"
    if name.startswith("procfile"):
        return "procfile"
    if name.endswith(".toml"):
        return "config"
    return None


def main() -> None:
    counts: dict[str, int] = {}
    for root in (FIXTURES, EXAMPLES):
        for path in sorted(root.rglob("*")):
            if not path.is_file():
                continue
            target = target_of(path)
            if target is None:
                continue
            corpus = FUZZ / "corpus" / target
            corpus.mkdir(parents=True, exist_ok=True)
            digest = hashlib.sha1(path.read_bytes()).hexdigest()
            shutil.copyfile(path, corpus / digest)
            counts[target] = counts.get(target, 0) + 1
    for target, count in sorted(counts.items()):
        print(f"{target:12} {count} seeds")


if __name__ == "__main__":
    main()
