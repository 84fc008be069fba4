"""The motivating case: two metastatic colon neuroendocrine carcinomas with BRAF V600E.

Both patients responded to dabrafenib + trametinib. The tumor type decides it: the
tumor-agnostic BRAF V600E approval excludes colorectal *adenocarcinoma*, not a colon
*neuroendocrine carcinoma*. For contrast, the same variants are evaluated in a colon
adenocarcinoma.

Each report is printed in full for recommendations at level 2 or better (the study's
definition of actionable); off-label level 3B options are then listed by name.

Run with ``make demo`` or ``python examples/nec_case.py``.
"""

from __future__ import annotations

import actionable

PATIENTS = {
    "Patient 1 (colon NEC)": (["BRAF V600E", "TP53 R175H", "TMB 1.6 mut/Mb", "MSS"], "colon NEC"),
    "Patient 2 (colon NEC)": (
        ["BRAF V600E", "TP53 R213*", "GNA11 F341L", "ZFP36L2 R160fs*314", "MSS"],
        "neuroendocrine carcinoma of the colon",
    ),
    "Contrast (colon adenocarcinoma)": (
        ["BRAF V600E", "TP53 R213*", "MSS"],
        "colon adenocarcinoma",
    ),
}


def main() -> None:
    engine = actionable.Engine.load()
    for title, (variants, tumor) in PATIENTS.items():
        report = actionable.evaluate(variants, tumor=tumor, rules=engine, max_level="2")
        everything = actionable.evaluate(variants, tumor=tumor, rules=engine)
        print("=" * 78)
        print(f"{title}: {', '.join(variants)}  |  tumor: {tumor!r}")
        print(f"actionable at OncoKB level 2 or better: {report.actionable(threshold='2')}")
        print("-" * 78)
        print(report)
        shown = {(r.rule_id, str(r.variant)) for r in report.recommendations}
        more = [r for r in everything.recommendations if (r.rule_id, str(r.variant)) not in shown]
        if more:
            print(f"Further options below level 2 ({len(more)}):")
            for r in more:
                tag = ", off-label" if r.match.off_label else ""
                print(f"  - [{r.level}{tag}] {r.therapy.name} ({r.effect}) for {r.variant}")
    print("=" * 78)


if __name__ == "__main__":
    main()
