"""Assemble README.md from the sections in docs/readme/ (run from anywhere).

Each section is owned by the part of the library it documents; keeping them apart
lets each change touch one file. A test checks that README.md is up to date.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ORDER = [
    "intro.md",
    "parser.md",
    "tumors.md",
    "../rule_format.md",
    "engine.md",
    "curation.md",
    "sources.md",
    "cohort.md",
    "benchmarks.md",
    "data.md",
    "development.md",
]


def assemble() -> str:
    """The README text from the sections that exist, in ORDER."""
    parts = []
    for name in ORDER:
        path = ROOT / "docs" / "readme" / name
        if path.is_file():
            parts.append(path.read_text(encoding="utf-8").strip() + "\n")
    return "\n".join(parts)


def main() -> int:
    text = assemble()
    target = ROOT / "README.md"
    if "--check" in sys.argv:
        return 0 if target.read_text(encoding="utf-8") == text else 1
    target.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
