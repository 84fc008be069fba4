"""Patient facts: how they are read, combined and checked against rule conditions."""

from __future__ import annotations

import pytest

from actionable import FactError, PatientFacts, evaluate
from actionable.facts import check, extract_facts, from_mapping, merge, parse_condition, read_fact


@pytest.mark.parametrize(
    ("line", "field", "value"),
    [
        ("ER positive", "er", "positive"),
        ("ER+ (90%)", "er", "positive"),
        ("PR negative", "pr", "negative"),
        ("PR-", "pr", "negative"),
        ("HR+", "hr", "positive"),
        ("hormone receptor positive", "hr", "positive"),
        ("HER2 IHC 2+/ISH+", "her2_ish", "positive"),
        ("HER2 IHC 2+, ISH negative", "her2_ish", "negative"),
        ("HER2 1+", "her2_ihc", "1+"),
        ("HER2 0", "her2_ihc", "0"),
        ("HER2-low", "her2", "low"),
        ("HER2 FISH not amplified", "her2_ish", "negative"),
        ("PD-L1 TPS 85%", "pdl1_tps", 85.0),
        ("PD-L1 (22C3) CPS 5", "pdl1_cps", 5.0),
        ("PD-L1 TPS <1%", "pdl1_tps", 0.0),
        ("grade 2", "grade", "2"),
        ("WHO grade III", "grade", "3"),
        ("low-grade", "grade", "low"),
    ],
)
def test_report_lines_become_typed_facts(line: str, field: str, value: object) -> None:
    facts = read_fact(line)
    assert facts is not None
    assert getattr(facts, field) == value
    assert facts.sources == (f"report line {line!r}",)


@pytest.mark.parametrize("line", ["BRAF V600E", "ERBB2 amplification", "TMB 12", "MSI-H"])
def test_alterations_are_not_facts(line: str) -> None:
    assert read_fact(line) is None


@pytest.mark.parametrize(
    ("facts", "status"),
    [
        (PatientFacts(her2_ihc="3+"), "positive"),
        (PatientFacts(her2_ihc="2+", her2_ish="positive"), "positive"),
        (PatientFacts(her2_ihc="2+"), "equivocal"),
        (PatientFacts(her2_ihc="2+", her2_ish="negative"), "low"),
        (PatientFacts(her2_ihc="1+"), "low"),
        (PatientFacts(her2_ihc="ultralow"), "ultralow"),
        (PatientFacts(her2_ihc="0"), "zero"),
        (PatientFacts(her2="negative"), "negative"),
        (PatientFacts(), None),
    ],
)
def test_her2_categories(facts: PatientFacts, status: str | None) -> None:
    assert facts.her2_status() == status


@pytest.mark.parametrize(
    ("key", "value", "facts", "state"),
    [
        ("HER2", "negative", PatientFacts(her2_ihc="1+"), "met"),
        ("HER2", "negative", PatientFacts(her2_ihc="3+"), "contradicted"),
        ("HER2", "negative", PatientFacts(her2_ihc="2+"), "unknown"),
        ("HER2", "negative", PatientFacts(), "unknown"),
        ("HER2", "low", PatientFacts(her2="negative"), "unknown"),
        ("HER2", "low or ultralow", PatientFacts(her2_ihc="0"), "contradicted"),
        ("HR", "positive", PatientFacts(er="negative", pr="negative"), "contradicted"),
        ("HR", "positive", PatientFacts(pr="positive"), "met"),
        ("HR", "positive", PatientFacts(er="negative"), "unknown"),
        ("PD-L1 CPS", ">= 1", PatientFacts(pdl1_cps=0.5), "contradicted"),
        ("PD-L1 CPS", ">= 1", PatientFacts(pdl1_cps=1), "met"),
        ("PD-L1 TPS", ">= 50", PatientFacts(), "unknown"),
        ("grade", "2", PatientFacts(grade="3"), "contradicted"),
        ("grade", "low", PatientFacts(grade="2"), "met"),
        ("age group", "pediatric", PatientFacts(age_group="adult"), "contradicted"),
    ],
)
def test_condition_states(key: str, value: str, facts: PatientFacts, state: str) -> None:
    result = check(parse_condition(key, value), facts)
    assert result.state == state
    assert result.sentence.startswith("requires ")


def test_unknown_condition_is_refused_with_the_valid_keys() -> None:
    with pytest.raises(ValueError, match=r"unknown patient fact 'Ki-67'.*HER2"):
        parse_condition("Ki-67", "high")


def test_receptor_statements_are_taken_out_of_tumor_text() -> None:
    facts, rest = extract_facts("ER+ PR- HER2 1+ invasive ductal carcinoma")
    assert facts is not None
    assert (facts.er, facts.pr, facts.her2_ihc) == ("positive", "negative", "1+")
    assert rest == "invasive ductal carcinoma"
    facts, rest = extract_facts("triple-negative IDC")
    assert facts is not None and facts.hr_status() == "negative"
    assert rest == "IDC"
    assert extract_facts("prostate adenocarcinoma") == (None, "prostate adenocarcinoma")


def test_disagreeing_facts_raise_naming_both_places() -> None:
    with pytest.raises(FactError, match="ER is negative here but positive in report line"):
        merge([read_fact("ER positive"), read_fact("ER negative")])


def test_facts_argument_is_read_and_reported() -> None:
    report = evaluate(["BRAF V600E"], tumor="MEL", facts={"HER2": "2+/ISH-", "PD-L1 CPS": 5})
    assert report.facts.her2_status() == "low"
    assert report.facts.pdl1_cps == 5.0
    with pytest.raises(FactError, match="unknown patient fact"):
        from_mapping({"Ki-67": "40%"})
