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
    "safety.md",
    "engine.md",
    "curation.md",
    "<stats>",
    "oncogenicity.md",
    "sources.md",
    "cohort.md",
    "reliability.md",
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


def _outcome(report: object, drug: str) -> str:
    """Where a drug stands in a report: an option (with its best level), contraindicated,
    or not offered."""
    from actionable.resolve import level_rank

    options = [r for r in report.recommendations if r.effect == "sensitivity"]  # type: ignore[attr-defined]
    found = [r for r in options if drug in r.therapy.drugs]
    if found:
        best = min(found, key=lambda r: level_rank(r.level))
        return f"option at {best.level}" + (" (off-label)" if best.match.off_label else "")
    if any(drug in r.therapy.drugs for r in report.contraindicated):  # type: ignore[attr-defined]
        return "contraindicated"
    return "not offered"


def safety_table() -> str:
    """The README's safety table: each example of docs/readme/safety.yaml evaluated."""
    import yaml

    sys.path.insert(0, str(ROOT / "src"))
    import actionable

    examples = yaml.safe_load((ROOT / "docs" / "readme" / "safety.yaml").read_text("utf-8"))
    lines = [
        "| # | mechanism | what it prevents | example | what the library does now |",
        "|---|---|---|---|---|",
    ]
    for number, ex in enumerate(examples, 1):
        report = actionable.evaluate(
            ex["variants"], tumor=ex["tumor"], prior_therapies=ex.get("prior_therapies", ())
        )
        got = {drug: _outcome(report, drug) for drug in ex["drugs"]}
        if "first" in ex["expected"]:
            got["first"] = report.recommendations[0].therapy.name
        done = all(got.get(k) == v for k, v in ex["expected"].items())
        after = f" after {', '.join(ex['prior_therapies'])}" if ex.get("prior_therapies") else ""
        example = f"{' + '.join(ex['variants'])} in {ex['tumor']}{after}".replace("*", "\\*")
        now = "; ".join(f"{k}: {v}" for k, v in got.items())
        lines.append(
            f"| {number} | {ex['mechanism']} | {ex['prevents']} | {example} | "
            + (now if done else f"**not yet**: {now}")
            + " |"
        )
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
            text = path.read_text(encoding="utf-8").strip() + "\n"
            if "<!-- safety table -->" in text:
                text = text.replace("<!-- safety table -->\n", safety_table())
            parts.append(text)
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
