"""No rule file the loader accepts can reach an engine error or a hang (issue 18)."""

from __future__ import annotations

from pathlib import Path

import pytest

import actionable
from actionable.errors import EngineLimitError, RuleFileError

RULE = """\
  - id: r{i}
    alteration: "{alteration}"
    tumor:
      include: [MEL]
    therapy: [dabrafenib]
    effect: sensitivity
    level: "4"
    summary: A synthetic rule that probes the engine's limits.
    evidence:
      - pmid: 22663011
"""


def _rules(tmp_path: Path, alterations: list[str]) -> Path:
    folder = tmp_path / "rules"
    folder.mkdir()
    body = "".join(RULE.format(i=i, alteration=a) for i, a in enumerate(alterations))
    (folder / "BRAF.yaml").write_text("gene: BRAF\nrules:\n" + body, encoding="utf-8")
    return folder


def test_65_overlapping_codon_lists_evaluate(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ACTIONABLE_NO_CACHE", "1")
    # Each list shares codon 600, placed after 25 codons of its own.
    lists = [
        "codons " + ", ".join([*(str(10 + i * 30 + j) for j in range(25)), "600"])
        for i in range(65)
    ]
    engine = actionable.Engine.load(_rules(tmp_path, lists))
    [hits] = engine.match_indices([actionable.parse_variant("BRAF V600E")])
    assert len(hits) == 65
    report = actionable.evaluate(["BRAF V600E"], tumor="MEL", rules=engine)
    assert [r.level for r in report.recommendations] == ["4"]


def test_512_codon_alternatives_in_one_rule_are_refused_at_load(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ACTIONABLE_NO_CACHE", "1")
    wide = "codons " + ", ".join(str(2 * j + 1) for j in range(512))
    with pytest.raises(EngineLimitError, match="alternatives"):
        actionable.Engine.load(_rules(tmp_path, [wide]))


def test_many_rules_with_wide_codon_lists_split_into_rulesets(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ACTIONABLE_NO_CACHE", "1")
    lists = ["codons " + ", ".join(str(300 + i + 10 * j) for j in range(100)) for i in range(10)]
    engine = actionable.Engine.load(_rules(tmp_path, lists))
    assert engine.compiled.stats["rulesets"] >= 3  # 1,000 alternatives, 400 per node
    [hits] = engine.match_indices([actionable.parse_variant("BRAF V600E")])
    assert [engine.compiled.patterns[i].text for i in hits] == [lists[0]]


@pytest.mark.parametrize(
    ("alteration", "message"),
    [
        ("codons " + "9" * 5000, "past the longest human protein"),
        ("codons 600-99999", "past the longest human protein"),
        ("exon " + "1" * 5000 + " deletion", "not an exon number"),
        ("TMB >= " + "9" * 5000, "not a cut-off"),
    ],
)
def test_huge_numbers_in_rules_are_rule_file_errors(
    tmp_path: Path, alteration: str, message: str
) -> None:
    with pytest.raises(RuleFileError, match=message):
        actionable.rules.load_rules(_rules(tmp_path, [alteration]))
