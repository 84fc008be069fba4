"""The report-line corpus: lines as clinical sequencing reports print them.

``tests/corpus/report_lines.tsv`` holds each line with the canonical variants it must
give and the annotations read from it; ``tests/corpus/bad_lines.tsv`` holds lines that
must be refused, with a fragment of the expected message.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

import actionable
from actionable.errors import VariantParseError
from actionable.variants import parse_report_line, parse_variant, parse_variants

CORPUS = Path(__file__).parent / "corpus"


def _rows(name: str) -> list[list[str]]:
    rows = []
    for line in (CORPUS / name).read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        rows.append(line.split("\t"))
    return rows


LINES = _rows("report_lines.tsv")
BAD = _rows("bad_lines.tsv")
_NUMBERS = {"vaf", "copy_number"}


def _value(name: str, text: str) -> Any:
    if name in _NUMBERS:
        return float(text)
    if name == "depth":
        return int(text)
    return text


def test_corpus_is_large_and_distinct() -> None:
    texts = [row[0] for row in LINES]
    assert len(texts) >= 300
    assert len(set(texts)) == len(texts)
    assert len(BAD) >= 30


@pytest.mark.parametrize(("text", "expected", "annotations"), LINES, ids=[r[0] for r in LINES])
def test_report_line(text: str, expected: str, annotations: str) -> None:
    variants = parse_report_line(text)
    assert " | ".join(map(str, variants)) == expected
    # Every line reduces to the same canonical variants as its short form (an HRD score
    # is kept as the value, which the short form "HRD" does not state).
    assert [parse_variant(str(v)) for v in variants if v.unit != "GIS"] == [
        v for v in variants if v.unit != "GIS"
    ]
    if annotations != "-":
        for name, value in re.findall(r"(\w+)=(.*?)(?= \w+=|$)", annotations):
            got = [getattr(v, name) for v in variants]
            assert _value(name, value) in got, (name, got)


@pytest.mark.parametrize(("text", "fragment"), BAD, ids=[r[0] for r in BAD])
def test_bad_line(text: str, fragment: str) -> None:
    with pytest.raises(VariantParseError) as info:
        parse_report_line(text)
    assert fragment in str(info.value)
    assert info.value.suggestion, "every refusal suggests a fix"


def test_two_findings_on_one_line() -> None:
    assert [str(v) for v in parse_variants(["BCR-ABL1 E255K", "KRAS G12D"])] == [
        "BCR::ABL1 fusion",
        "ABL1 E255K",
        "KRAS G12D",
    ]
    with pytest.raises(VariantParseError, match="states 2 alterations") as info:
        parse_variant("BCR-ABL1 E255K")
    assert "parse_report_line()" in str(info.value)


def test_met_splice_donor_gets_exon14_therapies() -> None:
    # Audit finding M1: the exon 14 splice donor in HGVS c. notation.
    report = actionable.evaluate(["MET c.3028+1G>A"], tumor="LUAD")
    level1 = {r.therapy.name for r in report.recommendations if r.level == "1"}
    assert {"capmatinib", "tepotinib"} <= level1
    best = report.recommendations[0]
    assert best.rationale[0] == (
        "read 'MET c.3028+1G>A' as MET exon 14 skipping: c.3028+1 is in the exon 14 splice donor"
    )


def test_fusion_kinase_change_gives_both_findings_to_evaluate() -> None:
    report = actionable.evaluate(["BCR-ABL1 T315I"], tumor="CML")
    assert [str(v) for v in report.variants] == ["BCR::ABL1 fusion", "ABL1 T315I"]
    drugs = {r.therapy.name for r in report.recommendations if r.effect == "sensitivity"}
    assert "ponatinib" in drugs


def test_gene_level_query_matches_class_rules_only() -> None:
    report = actionable.evaluate(["BRCA2 oncogenic mutation"], tumor="PRAD")
    assert report.recommendations
    for rec in report.recommendations:
        assert rec.match.granularity == "class"
        assert "the specific change would be more precise" in rec.rationale[0]
    # Nothing finer: an EGFR gene-level query meets no exon or codon rule.
    assert not actionable.evaluate(["EGFR mutation"], tumor="LUAD").recommendations


def test_fact_lines_become_patient_facts() -> None:
    report = actionable.evaluate(["PIK3CA H1047R", "ER positive", "HER2 IHC 2+/ISH-"], "BRCA")
    assert [str(v) for v in report.variants] == ["PIK3CA H1047R"]
    assert report.facts.er == "positive"
    assert report.facts.her2_status() == "low"


def test_warn_keeps_good_lines() -> None:
    report = actionable.evaluate(["KRSA G12C", "BRAF V600E (VAF 31%)"], "MEL", errors="warn")
    assert [str(v) for v in report.variants] == ["BRAF V600E"]
    assert report.variants[0].vaf == 0.31
    assert any("Did you mean 'KRAS'" in w for w in report.warnings)


def test_and_joins_changes_only_as_a_word() -> None:
    # "insAND" inserts Ala-Asn-Asp; only a spaced "and" or a "+" joins two changes.
    assert [str(v) for v in parse_report_line("APC S447_S448insAND")] == ["APC S447_S448insAND"]
    assert [str(v) for v in parse_report_line("EGFR L858R+T790M")] == [
        "EGFR L858R",
        "EGFR T790M",
    ]
