"""evaluate(): tumor context, requires/excludes, thresholds, propagation, conflicts,
ranking, options, the report, and every error path."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

import actionable
from actionable import Report


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


def names(report: Report) -> list[tuple[str, str, str]]:
    return [(r.therapy.name, r.level, r.effect) for r in report.recommendations]


# --------------------------------------------------------------------------- motivating case
def test_colon_nec_braf_v600e_gets_dabrafenib_trametinib_level_1_with_rationale() -> None:
    report = actionable.evaluate(["BRAF V600E", "TP53 R213*"], tumor="colon NEC")
    assert report.tumor is not None and report.tumor.code == "HGNEC"
    best = report.recommendations[0]
    assert (best.therapy.name, best.level, best.effect, best.tier) == (
        "dabrafenib + trametinib",
        "1",
        "sensitivity",
        "IA",
    )
    assert best.therapy.drugs == ("dabrafenib", "trametinib")
    assert best.rule_id == "braf-v600e-solid-tumor-agnostic"
    assert best.match.granularity == "exact"
    assert best.match.tumor_specific is False
    assert best.match.included_by == "all_solid"
    assert best.rationale[0] == (
        "BRAF V600E matches rule braf-v600e-solid-tumor-agnostic (exact: V600E)"
    )
    assert any("HGNEC" in s and "High-Grade Neuroendocrine Carcinoma" in s for s in best.rationale)
    assert any("COADREAD" in s and "does not apply" in s for s in best.rationale)
    assert "braf-v600e-nec-enets" in best.supporting_rules
    assert any("ENETS 2023" in s for s in best.rationale)
    assert any(c.pmid == 36924180 for c in best.evidence)
    assert report.actionable(threshold="2") is True
    curated = actionable.evaluate(
        ["BRAF V600E", "TP53 R213*"], tumor="colon NEC", sources=["curated"]
    )
    assert {r.source for r in curated.recommendations} == {"curated"}
    [tp53] = [u for u in curated.unmatched if u.variant.gene == "TP53"]
    assert tp53.reason == (
        "TP53 R213*: truncating mutation (nonsense) in a tumor suppressor "
        "(oncogenic); no targeted therapy at any level"
    )


def test_colorectal_adenocarcinoma_is_excluded_from_the_tumor_agnostic_label() -> None:
    report = actionable.evaluate(["BRAF V600E"], tumor="COAD")
    # The first-line regimen (2024) ranks before the later-line doublet (issue 11, ranking).
    assert names(report)[:2] == [
        ("encorafenib + cetuximab + fluorouracil + leucovorin + oxaliplatin", "1", "sensitivity"),
        ("encorafenib + cetuximab", "1", "sensitivity"),
    ]
    dt = [r for r in report.recommendations if r.therapy.name == "dabrafenib + trametinib"]
    assert [(r.level, r.effect) for r in dt] == [("R2", "resistance")]
    assert not any(r.rule_id == "braf-v600e-solid-tumor-agnostic" for r in report.recommendations)


def test_hematologic_tumor_gets_no_solid_tumor_rule() -> None:
    report = actionable.evaluate(["BRAF V600E"], tumor="AML")
    assert report.recommendations == () or all(
        r.rule_id != "braf-v600e-solid-tumor-agnostic" for r in report.recommendations
    )
    assert not report.actionable("2")


def test_unknown_tumor_applies_only_rules_for_any_tumor_and_says_so() -> None:
    report = actionable.evaluate(["BRAF V600E", "MSI-H"], tumor=None, sources=["curated"])
    assert report.tumor is None
    assert report.recommendations == ()
    assert any("tumor type unknown" in w for w in report.warnings)
    wider = actionable.evaluate(["BRAF V600E", "MSI-H"], tumor=None, sources=["curated", "civic"])
    assert wider.recommendations, "CIViC has pan-cancer evidence for BRAF V600E"
    assert all(r.match.included_by == "all" for r in wider.recommendations)


# --------------------------------------------------------------------------- test rule set
RULES = """
gene: EGFR
rules:
  - id: t-egfr-l858r-erlotinib
    alteration: [L858R, exon 19 deletion]
    tumor: {include: [NSCLC]}
    therapy: [erlotinib]
    effect: sensitivity
    level: "1"
    summary: Test rule, first-generation EGFR inhibitor in NSCLC.
    evidence: [{pmid: 15118073}]
  - id: t-egfr-t790m-erlotinib-resistance
    alteration: T790M
    tumor: {include: [NSCLC]}
    therapy: [erlotinib]
    effect: resistance
    level: R1
    summary: Test rule, T790M resistance to first-generation inhibitors.
    evidence: [{pmid: 15737014}]
  - id: t-egfr-t790m-osimertinib
    alteration: T790M
    requires: [EGFR L858R]
    tumor: {include: [NSCLC]}
    therapy: [osimertinib]
    effect: sensitivity
    level: "1"
    summary: Test rule, osimertinib when T790M joins a sensitizing mutation.
    evidence: [{pmid: 27959700}]
  - id: t-egfr-codon-719
    alteration: G719
    excluding: [G719S]
    tumor: {include: [LUAD]}
    therapy: [afatinib]
    effect: sensitivity
    level: 2
    summary: Test rule, codon with an exclusion.
    evidence: [{pmid: 26051236}]
"""

ERBB2 = """
gene: ERBB2
rules:
  - id: t-erbb2-amp-crc
    alteration: amplification
    excludes: [KRAS mutations, NRAS mutations]
    tumor: {include: [COADREAD]}
    therapy: [tucatinib, trastuzumab]
    effect: sensitivity
    level: "1"
    summary: Test rule, HER2-amplified colorectal cancer needs RAS wild type.
    evidence: [{fda: Tukysa (tucatinib) prescribing information, year: 2023}]
"""

TMB = """
biomarker: TMB
rules:
  - id: t-tmb
    alteration: TMB >= 10
    tumor: {include: [all_solid]}
    therapy: [pembrolizumab]
    effect: sensitivity
    level: "1"
    summary: Test rule, TMB-high tumor-agnostic.
    evidence: [{pmid: 32919526}]
  - id: t-any-tumor
    alteration: TMB >= 100
    tumor: {include: [all]}
    therapy: [nivolumab]
    effect: sensitivity
    level: "4"
    summary: Test rule that applies to any tumor, even an unknown one.
    evidence: [{pmid: 32919526}]
"""


@pytest.fixture
def test_rules(rules_dir: Path) -> actionable.Engine:
    write(rules_dir, "EGFR.yaml", RULES)
    write(rules_dir, "ERBB2.yaml", ERBB2)
    write(rules_dir, "TMB.yaml", TMB)
    return actionable.Engine.load(rules_dir)


def test_codon_rule_with_excluding(test_rules: actionable.Engine) -> None:
    g719a = actionable.evaluate(["EGFR G719A"], tumor="LUAD", rules=test_rules)
    assert names(g719a) == [("afatinib", "2", "sensitivity")]
    assert g719a.recommendations[0].match.granularity == "codon"
    g719s = actionable.evaluate(["EGFR G719S"], tumor="LUAD", rules=test_rules)
    assert g719s.recommendations == ()
    assert "rule t-egfr-codon-719 excludes G719S" in g719s.unmatched[0].reason


def test_exon_rule_matches_an_inframe_deletion_inside_the_exon(
    test_rules: actionable.Engine,
) -> None:
    report = actionable.evaluate(["EGFR E746_A750del"], tumor="LUAD", rules=test_rules)
    assert names(report) == [("erlotinib", "1", "sensitivity")]
    assert report.recommendations[0].match.granularity == "exon"
    assert report.recommendations[0].match.pattern == "exon 19 deletion"
    assert report.recommendations[0].match.tumor_path == ("LUAD", "NSCLC")


def test_requires_needs_the_other_alteration(test_rules: actionable.Engine) -> None:
    alone = actionable.evaluate(["EGFR T790M"], tumor="LUAD", rules=test_rules)
    assert ("osimertinib", "1", "sensitivity") not in names(alone)
    both = actionable.evaluate(["EGFR T790M", "EGFR L858R"], tumor="LUAD", rules=test_rules)
    [osi] = [r for r in both.recommendations if r.therapy.name == "osimertinib"]
    assert [str(v) for v in osi.variants] == ["EGFR T790M", "EGFR L858R"]
    assert "the rule requires EGFR L858R: present as EGFR L858R" in osi.rationale


def test_excludes_vetoes_and_otherwise_asks_to_confirm(test_rules: actionable.Engine) -> None:
    wild = actionable.evaluate(["ERBB2 amplification"], tumor="COAD", rules=test_rules)
    assert names(wild) == [("tucatinib + trastuzumab", "1", "sensitivity")]
    assert (
        "the rule requires no KRAS mutations: none reported; confirm the gene was tested"
        in wild.recommendations[0].rationale
    )
    mutant = actionable.evaluate(
        ["ERBB2 amplification", "KRAS G12D"], tumor="COAD", rules=test_rules
    )
    assert mutant.recommendations == ()
    [erbb2] = [u for u in mutant.unmatched if u.variant.gene == "ERBB2"]
    assert "KRAS G12D is present and the rule requires no KRAS mutations" in erbb2.reason


def test_conflict_between_sensitivity_and_resistance_is_shown_on_both(
    test_rules: actionable.Engine,
) -> None:
    # Issue 11: the patient's own resistance wins: erlotinib leaves the options for the
    # contraindicated list, and both sides name both rules.
    report = actionable.evaluate(["EGFR L858R", "EGFR T790M"], tumor="LUAD", rules=test_rules)
    erlotinib = [r for r in report.recommendations if r.therapy.name == "erlotinib"]
    assert [(r.level, r.effect) for r in erlotinib] == [("R1", "resistance")]
    [sens] = report.contraindicated
    assert (sens.therapy.name, sens.level, sens.effect) == ("erlotinib", "1", "sensitivity")
    assert sens.conflicts[0].startswith(
        "withheld: EGFR T790M predicts resistance to erlotinib (level R1, rule "
        "t-egfr-t790m-erlotinib-resistance)"
    )
    assert erlotinib[0].conflicts[0].startswith(
        "withholds erlotinib (level 1 for EGFR L858R, rule t-egfr-l858r-erlotinib)"
    )


def test_ranking_best_level_first_and_sensitivity_before_resistance_at_equal_rank(
    test_rules: actionable.Engine,
) -> None:
    report = actionable.evaluate(["EGFR L858R", "EGFR T790M"], tumor="LUAD", rules=test_rules)
    assert names(report) == [
        ("osimertinib", "1", "sensitivity"),
        ("erlotinib", "R1", "resistance"),
    ]


def test_propagation_to_another_solid_tumor_is_3b_and_marked_off_label(
    test_rules: actionable.Engine,
) -> None:
    report = actionable.evaluate(["EGFR L858R"], tumor="BRCA", rules=test_rules)
    [rec] = report.recommendations
    assert (rec.therapy.name, rec.level, rec.tier) == ("erlotinib", "3B", "IIC")
    assert rec.match.off_label is True
    assert any("off-label" in s for s in rec.rationale)
    # Level 2 propagates too; resistance does not, nor does anything to a hematologic cancer.
    assert names(actionable.evaluate(["EGFR G719A"], tumor="BRCA", rules=test_rules)) == [
        ("afatinib", "3B", "sensitivity")
    ]
    assert actionable.evaluate(["EGFR T790M"], tumor="BRCA", rules=test_rules).recommendations == ()
    assert actionable.evaluate(["EGFR L858R"], tumor="AML", rules=test_rules).recommendations == ()


def test_threshold_default_override_and_categorical(test_rules: actionable.Engine) -> None:
    high = actionable.evaluate(["TMB 14 mut/Mb"], tumor="COAD", rules=test_rules)
    assert names(high) == [("pembrolizumab", "1", "sensitivity")]
    assert (
        "TMB 14 mut/Mb is at or above the 10 mut/Mb threshold" in high.recommendations[0].rationale
    )
    raised = actionable.evaluate(
        ["TMB 14 mut/Mb"], tumor="COAD", rules=test_rules, thresholds={"TMB": 16}
    )
    assert raised.recommendations == ()
    assert "below the 16 mut/Mb threshold" in raised.unmatched[0].reason
    low = actionable.evaluate(["TMB 1.6"], tumor="COAD", rules=test_rules)
    assert low.unmatched[0].reason.startswith("TMB 1.6 mut/Mb: below the 10 mut/Mb threshold")
    categorical = actionable.evaluate(["TMB-H"], tumor="COAD", rules=test_rules)
    assert names(categorical) == [("pembrolizumab", "1", "sensitivity")]
    assert "TMB-H is read as at least 10 mut/Mb" in categorical.recommendations[0].rationale


def test_unknown_tumor_keeps_rules_for_all(test_rules: actionable.Engine) -> None:
    report = actionable.evaluate(["TMB 120 mut/Mb"], rules=test_rules)
    assert names(report) == [("nivolumab", "4", "sensitivity")]


def test_max_level_drops_weaker_recommendations(test_rules: actionable.Engine) -> None:
    report = actionable.evaluate(
        ["EGFR L858R", "EGFR T790M", "EGFR G719A"], tumor="LUAD", rules=test_rules, max_level="1"
    )
    assert {r.level for r in report.recommendations} == {"1", "R1"}
    with pytest.raises(ValueError, match="max_level '5' is not a level"):
        actionable.evaluate(["EGFR L858R"], tumor="LUAD", rules=test_rules, max_level="5")


def test_prior_therapies_by_brand_are_marked_and_ranked_after(
    test_rules: actionable.Engine,
) -> None:
    report = actionable.evaluate(
        ["EGFR L858R", "EGFR T790M"], tumor="LUAD", rules=test_rules, prior_therapies=["Tarceva"]
    )
    first = report.recommendations[0]
    assert (first.therapy.name, first.previously_received) == ("osimertinib", False)
    [second] = report.contraindicated  # T790M withholds erlotinib (issue 11)
    assert (second.therapy.name, second.previously_received) == ("erlotinib", True)
    assert "the patient has already received erlotinib" in second.rationale


# --------------------------------------------------------------------------- report
def test_report_is_json_serialisable_and_readable() -> None:
    report = actionable.evaluate(["BRAF V600E", "TMB 1.6 mut/Mb", "MSS"], tumor="colon NEC")
    data = json.loads(json.dumps(report.to_dict()))
    assert data["tumor"]["code"] == "HGNEC"
    assert data["recommendations"][0]["therapy"]["name"] == "dabrafenib + trametinib"
    assert data["kb_version"] == report.kb_version
    text = str(report)
    assert "1. [1] dabrafenib + trametinib (sensitivity) for BRAF V600E" in text
    assert f"Knowledge base: {report.kb_version}" in text


def test_actionable_threshold_validation() -> None:
    report = actionable.evaluate(["BRAF V600E"], tumor="HGNEC")
    assert report.actionable("1") is True
    with pytest.raises(ValueError, match="not a sensitivity level"):
        report.actionable("R1")


def test_variants_may_be_parsed_objects_or_a_single_string() -> None:
    v = actionable.parse_variant("BRAF V600E")
    assert names(actionable.evaluate(v, tumor="MEL")) == names(
        actionable.evaluate("BRAF V600E", tumor="MEL")
    )


# --------------------------------------------------------------------------- errors
def test_bad_variant_raises_variant_parse_error() -> None:
    with pytest.raises(actionable.VariantParseError, match="BRAF V600EE"):
        actionable.evaluate(["BRAF V600EE"], tumor="MEL")


def test_unknown_tumor_text_raises_with_suggestions() -> None:
    with pytest.raises(actionable.UnknownTumorError) as info:
        actionable.evaluate(["BRAF V600E"], tumor="melanomma of the sky")
    assert info.value.suggestions


def test_rule_file_errors_name_file_line_and_field(rules_dir: Path) -> None:
    path = write(rules_dir, "EGFR.yaml", RULES.replace("level: R1", "level: R9"))
    with pytest.raises(actionable.RuleFileError) as info:
        actionable.evaluate(["EGFR L858R"], tumor="LUAD", rules=rules_dir)
    error = info.value
    assert error.path == str(path)
    assert error.field == "rules.1.level"
    assert error.line == 16
    assert "R1" in error.valid
    assert f"{path}:16" in str(error)


def test_rules_directory_that_does_not_exist(tmp_path: Path) -> None:
    with pytest.raises(actionable.RuleFileError, match="not a directory"):
        actionable.evaluate(["EGFR L858R"], tumor="LUAD", rules=tmp_path / "missing")


def test_errors_warn_keeps_the_readable_lines() -> None:
    report = actionable.evaluate(["BRAF V600EE", "BRAF V600E"], tumor="MEL", errors="warn")
    assert [str(v) for v in report.variants] == ["BRAF V600E"]
    assert report.warnings[0].startswith("not evaluated: cannot parse variant 'BRAF V600EE'")
    assert report.recommendations[0].level == "1"
    with pytest.raises(ValueError, match="errors='ignore': use 'raise' or 'warn'"):
        actionable.evaluate(["BRAF V600E"], errors="ignore")  # type: ignore[arg-type]


def test_a_tumor_given_too_broadly_is_not_treated_as_another_tumor_type() -> None:
    # "lung cancer" resolves to the tissue node LUNG, which may be SCLC: NSCLC rules do
    # not apply, are not offered off-label either, and the report asks for the subtype.
    report = actionable.evaluate(["EGFR L858R"], tumor="lung cancer")
    assert report.tumor is not None and report.tumor.code == "LUNG"
    assert report.recommendations == ()
    assert report.warnings == (
        "LUNG (Lung) is broader than tumor types that have rules for these alterations "
        "(NSCLC); give the more specific type to apply them",
    )
    specific = actionable.evaluate(["EGFR L858R"], tumor="lung adenocarcinoma")
    assert specific.recommendations[0].level == "1" and specific.warnings == ()


def test_escat_where_it_follows_from_the_level() -> None:
    nec = actionable.evaluate(["BRAF V600E"], tumor="colon NEC")
    by_name = {r.therapy.name: r for r in nec.recommendations}
    assert by_name["dabrafenib + trametinib"].escat == "I-C"  # tumor-agnostic approval
    assert by_name["encorafenib + binimetinib"].escat == "III-A"  # another tumor type
    crc = actionable.evaluate(["BRAF V600E"], tumor="COAD")
    first = crc.recommendations[0]
    assert (first.therapy.name, first.escat) == (
        "encorafenib + cetuximab + fluorouracil + leucovorin + oxaliplatin",
        None,
    )
