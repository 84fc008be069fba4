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
    "<stats>",
    "sources.md",
    "cohort.md",
    "benchmarks.md",
    "data.md",
    "development.md",
]


def stats_section() -> str:
    """Counts of the bundled rules, as `actionable rules stats` prints them."""
    sys.path.insert(0, str(ROOT / "src"))
    from actionable.rules import load_rules, summarize

    rules = load_rules()
    summary = summarize(rules)
    sources = list(summary["by_source"])
    per_source = {src: summarize([r for r in rules if r.source == src]) for src in sources}
    lines = [
        "### Rule statistics",
        "",
        "Generated from the bundled rules (`actionable rules stats --json` prints the same",
        "counts as one object with `total`, `by_source`, `by_level`, `by_gene`, `by_tumor`).",
        "",
        "| level | " + " | ".join(sources) + " | total |",
        "|---|" + "---:|" * (len(sources) + 1),
        *(
            f"| {level} | "
            + " | ".join(str(per_source[src]["by_level"].get(level, 0)) for src in sources)
            + f" | {count} |"
            for level, count in summary["by_level"].items()
        ),
        "| **all** | "
        + " | ".join(str(per_source[src]["total"]) for src in sources)
        + f" | **{summary['total']}** |",
        "",
        "Curated rules by gene or biomarker: "
        + ", ".join(f"{k} {v}" for k, v in per_source["curated"]["by_gene"].items())
        + ".",
        "",
        "Tumor contexts the curated rules name most often: "
        + ", ".join(f"{k} {v}" for k, v in list(per_source["curated"]["by_tumor"].items())[:20])
        + ".",
    ]
    return "\n".join(lines) + "\n"


def assemble() -> str:
    """The README text from the sections that exist, in ORDER."""
    parts = []
    for name in ORDER:
        if name == "<stats>":
            parts.append(stats_section())
            continue
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
