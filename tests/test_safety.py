"""Issue 11, safe by construction: conditions on patient facts, off-label offers that
carry only the biomarker-directed drugs, resistance in the same patient that wins,
ranking a clinician would agree with; and the audit findings they fix (U3, U9, U11,
K12 of ``shared/reviews/kb-audit-2026-12.md``). Each finding's test failed before.
"""

from __future__ import annotations

import textwrap
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import actionable
from actionable import Recommendation, Report
from actionable.facts import check
from actionable.rules import load_rules


def partner_role(drug: str, target: str | None) -> str | None:
    # Imported here so that, before issue 11, each test fails on its own.
    from actionable.drugs import partner_role as role

    return role(drug, target)


def names(recs: tuple[Recommendation, ...]) -> list[tuple[str, str]]:
    return [(r.therapy.name, r.level) for r in recs]


def drugs_of(recs: tuple[Recommendation, ...]) -> set[str]:
    return {d for r in recs for d in r.therapy.drugs}


@cache
def rules_by_id() -> dict[str, actionable.rules.Rule]:  # type: ignore[name-defined]
    return {r.id: r for r in load_rules(sources=["curated"])}


# --------------------------------------------------------------------------- U3: off-label
PARTNERS = {
    "enzalutamide", "abiraterone", "prednisone", "bevacizumab", "letrozole", "fulvestrant",
    "palbociclib", "fluorouracil", "leucovorin", "oxaliplatin", "cetuximab",
}  # fmt: skip


@pytest.mark.parametrize(
    ("variants", "tumor"),
    [
        (["BRCA1 E1836fs"], "BRCA"),
        (["BRCA2 S1982Rfs*22"], "HGSOC"),
        (["PALB2 Q775*"], "BRCA"),
        (["BRCA2 S1982Rfs*22"], "PRAD"),
        (["BRAF V600E"], "MEL"),
        (["PIK3CA H1047R"], "COAD"),
        (["ERBB2 amplification"], "STAD"),
        (["BRAF V600E"], "colon NEC"),
    ],
)
def test_u3_off_label_offers_carry_no_tumor_specific_partner(
    variants: list[str], tumor: str
) -> None:
    report = actionable.evaluate(variants, tumor=tumor)
    off = tuple(r for r in report.recommendations if r.match.off_label)
    assert not drugs_of(off) & PARTNERS, names(off)
    for rec in off:
        assert all(partner_role(d, rec.variant.gene) is None for d in rec.therapy.drugs)
        # No sentence that reads as a contradiction of the offer.
        assert not any("does not apply" in s for s in rec.rationale), rec.rationale


def test_u3_the_directed_drug_travels_alone_and_says_what_the_evidence_is() -> None:
    report = actionable.evaluate(["PIK3CA H1047R"], tumor="COAD")
    assert sorted(names(report.recommendations)) == [
        ("alpelisib", "3B"),
        ("capivasertib", "3B"),
        ("inavolisib", "3B"),
    ]
    alpelisib = next(r for r in report.recommendations if r.therapy.name == "alpelisib")
    assert (
        "alpelisib + fulvestrant is FDA-approved in Invasive Breast Carcinoma (BRCA), "
        "Inflammatory Breast Cancer (IBC), Metaplastic Breast Cancer (MBC), Juvenile Secretory "
        "Carcinoma of the Breast (JSCB) for HR-positive, HER2-negative disease (level 1); "
        "alpelisib is offered as 3B for Colon Adenocarcinoma (COAD): off-label use in another "
        "solid tumor type, without fulvestrant, whose use belongs to that indication"
    ) in alpelisib.rationale
    # Breast conditions are not conditions to confirm in colorectal cancer.
    assert alpelisib.conditions == ()


def test_u3_offers_of_the_same_drug_merge_into_one() -> None:
    report = actionable.evaluate(["PALB2 Q775*"], tumor="BRCA")
    [talazoparib] = [r for r in report.recommendations if r.therapy.name == "talazoparib"]
    assert talazoparib.level == "3B"
    # Talazoparib + enzalutamide is curated for PALB2 prostate cancer once; olaparib
    # comes from its own prostate rule: both are the PARP inhibitor alone here.
    assert talazoparib.rule_id == "palb2-prostate-talazoparib-enzalutamide"


def test_u3_partner_only_regimens_do_not_travel() -> None:
    # Elacestrant for ESR1-mutant breast cancer is endocrine therapy: it is no offer
    # for an ESR1 mutation in another tumor type; nor is cetuximab for RAS wild type.
    assert rules_by_id()["esr1-mutation-breast-elacestrant"].propagate == ()
    assert rules_by_id()["kras-wildtype-crc-cetuximab"].propagate == ()
    report = actionable.evaluate(["ESR1 D538G"], tumor="UCEC")
    assert report.recommendations == ()


def test_propagate_false_and_lists_are_read_from_rule_files(rules_dir: Path) -> None:
    (rules_dir / "KRAS.yaml").write_text(
        textwrap.dedent(
            """
            gene: KRAS
            rules:
              - id: t-kras-g12c-crc
                alteration: G12C
                tumor: {include: [COADREAD]}
                therapy: [sotorasib, panitumumab]
                effect: sensitivity
                level: "1"
                propagate: false
                summary: Test rule that stays in its tumor type.
                evidence: [{pmid: 37870968}]
              - id: t-kras-g12c-crc-list
                alteration: G12C
                tumor: {include: [COADREAD]}
                therapy: [adagrasib, cetuximab]
                effect: sensitivity
                level: "1"
                propagate: [adagrasib]
                summary: Test rule naming the drug that travels.
                evidence: [{pmid: 38587856}]
            """
        ).lstrip(),
        encoding="utf-8",
    )
    engine = actionable.Engine.load(rules_dir)
    report = actionable.evaluate(["KRAS G12C"], tumor="PAAD", rules=engine)
    assert names(report.recommendations) == [("adagrasib", "3B")]
    bad = rules_dir / "KRAS.yaml"
    bad.write_text(
        bad.read_text(encoding="utf-8").replace("propagate: [adagrasib]", "propagate: [sotorasib]"),
        encoding="utf-8",
    )
    with pytest.raises(actionable.RuleFileError, match="not in the rule's therapy"):
        actionable.Engine.load(rules_dir)


# --------------------------------------------------------------------------- U9: HER2/HR
PARPI = {"olaparib", "talazoparib", "niraparib", "rucaparib"}


def test_u9_gbrca_with_erbb2_amplification_gets_no_parp_inhibitor() -> None:
    report = actionable.evaluate(
        ["BRCA1 Q1756Pfs*74 (germline)", "ERBB2 amplification"], tumor="BRCA"
    )
    assert not drugs_of(report.recommendations) & PARPI, names(report.recommendations)
    [brca1] = [u for u in report.unmatched if u.variant.gene == "BRCA1"]
    assert (
        "rule brca1-germline-breast-olaparib (olaparib, level 1) does not apply: requires "
        "HER2-negative disease: ERBB2 amplification is reported (HER2-positive disease), so "
        "it does not apply"
    ) in brca1.reason
    # Without the amplification both are level 1, with HER2 status still to confirm.
    alone = actionable.evaluate(["BRCA1 Q1756Pfs*74 (germline)"], tumor="BRCA")
    assert names(alone.recommendations)[:2] == [("talazoparib", "1"), ("olaparib", "1")]
    olaparib = next(r for r in alone.recommendations if r.therapy.name == "olaparib")
    assert olaparib.rationale[0] == "requires HER2-negative disease: not given; confirm before use"
    assert olaparib.conditions == ("requires HER2-negative disease: not given",)


def test_u9_pik3ca_breast_needs_hr_positive_her2_negative() -> None:
    amplified = actionable.evaluate(["PIK3CA H1047R", "ERBB2 amplification"], tumor="BRCA")
    assert not drugs_of(amplified.recommendations) & {"alpelisib", "capivasertib", "inavolisib"}
    unknown = actionable.evaluate(["PIK3CA H1047R"], tumor="BRCA")
    assert {r.therapy.name for r in unknown.recommendations} == {
        "alpelisib + fulvestrant",
        "capivasertib + fulvestrant",
        "inavolisib + palbociclib + fulvestrant",
    }
    for rec in unknown.recommendations:
        assert rec.rationale[0] == (
            "requires HR-positive, HER2-negative disease: not given; confirm before use"
        )
    tnbc = actionable.evaluate(
        ["PIK3CA H1047R"], tumor="BRCA", facts={"ER": "-", "PR": "-", "HER2": "0"}
    )
    assert tnbc.recommendations == ()
    assert "requires HR-positive disease: the patient's HR is negative" in tnbc.unmatched[0].reason
    known = actionable.evaluate(
        ["PIK3CA H1047R"], tumor="BRCA", facts={"HER2": "1+", "ER": "positive"}
    )
    assert all(r.conditions == () for r in known.recommendations)
    assert "requires HER2-negative disease: met (HER2 low)" in known.recommendations[0].rationale


@pytest.mark.parametrize(
    ("variant", "rule_ids"),
    [
        ("AKT1 E17K", ["akt1-mutation-breast-capivasertib-fulvestrant"]),
        ("PTEN R233*", ["pten-alteration-breast-capivasertib-fulvestrant"]),
        ("ESR1 D538G", ["esr1-mutation-breast-elacestrant", "esr1-mutation-breast-imlunestrant"]),
        ("BRCA2 S1982Rfs*22 (germline)", ["brca2-germline-breast-talazoparib"]),
    ],
)
def test_u9_her2_positive_facts_withhold_every_her2_negative_label(
    variant: str, rule_ids: list[str]
) -> None:
    report = actionable.evaluate([variant, "HER2 IHC 3+"], tumor="BRCA")
    assert not {r.rule_id for r in report.recommendations} & set(rule_ids)
    negative = actionable.evaluate([variant], tumor="BRCA", facts={"HER2": "0", "HR": "+"})
    assert set(rule_ids) <= {r.rule_id for r in negative.recommendations}


# --------------------------------------------------------------------------- U11
def test_u11_pembrolizumab_trastuzumab_gastric_needs_cps_1_and_chemotherapy() -> None:
    name = "pembrolizumab + trastuzumab + capecitabine + oxaliplatin"
    untested = actionable.evaluate(["ERBB2 amplification"], tumor="STAD")
    [rec] = [r for r in untested.recommendations if r.therapy.name == name]
    assert rec.level == "1"
    assert rec.rationale[0] == "requires PD-L1 CPS >= 1 disease: not given; confirm before use"
    # Ranked after the level-1 options whose conditions are met.
    assert untested.recommendations.index(rec) == 2
    negative = actionable.evaluate(["ERBB2 amplification"], tumor="STAD", facts={"CPS": 0})
    assert name not in {r.therapy.name for r in negative.recommendations}
    positive = actionable.evaluate(["ERBB2 amplification"], tumor="STAD", facts={"CPS": 5})
    [rec] = [r for r in positive.recommendations if r.therapy.name == name]
    assert rec.conditions == ()
    assert "requires PD-L1 CPS >= 1 disease: met (PD-L1 CPS 5.0)" in rec.rationale


# --------------------------------------------------------------------------- K12 and mechanism 5
def test_k12_anti_egfr_resistance_explains_its_use_with_the_g12c_inhibitor() -> None:
    report = actionable.evaluate(["KRAS G12C"], tumor="COAD")
    assert names(report.recommendations)[:2] == [
        ("sotorasib + panitumumab", "1"),
        ("adagrasib + cetuximab", "1"),
    ]
    assert report.contraindicated == ()
    panitumumab = next(r for r in report.recommendations if r.therapy.name == "panitumumab")
    assert panitumumab.level == "R1"
    assert (
        "panitumumab is used for KRAS G12C only together with sotorasib (sotorasib + "
        "panitumumab, level 1, rule kras-g12c-crc-sotorasib-panitumumab); this resistance "
        "applies to panitumumab without it"
    ) in panitumumab.rationale
    combo = report.recommendations[0]
    assert any(
        s.startswith("KRAS G12C predicts resistance to panitumumab given without sotorasib")
        for s in combo.rationale
    )


FIRST_GENERATION = {"erlotinib", "gefitinib", "afatinib", "dacomitinib"}


def test_t790m_withholds_first_and_second_generation_egfr_inhibitors() -> None:
    report = actionable.evaluate(["EGFR L858R", "EGFR T790M"], tumor="LUAD")
    options = tuple(r for r in report.recommendations if r.effect == "sensitivity")
    assert not drugs_of(options) & FIRST_GENERATION
    assert options[0].therapy.name == "osimertinib"
    assert [str(v) for v in options[0].variants] == ["EGFR L858R", "EGFR T790M"]
    assert {r.therapy.name for r in report.contraindicated} == {
        "erlotinib", "gefitinib", "afatinib", "dacomitinib", "erlotinib + ramucirumab",
    }  # fmt: skip
    erlotinib = next(r for r in report.contraindicated if r.therapy.name == "erlotinib")
    assert erlotinib.rationale[0] == (
        "withheld: EGFR T790M predicts resistance to erlotinib (level R1, rule "
        "egfr-t790m-nsclc-erlotinib-resistance); erlotinib (level 1 for EGFR L858R, rule "
        "egfr-sensitizing-nsclc-erlotinib) is not an option for this patient"
    )


def test_c797s_flags_osimertinib() -> None:
    report = actionable.evaluate(["EGFR E746_A750del", "EGFR T790M", "EGFR C797S"], tumor="LUAD")
    options = tuple(r for r in report.recommendations if r.effect == "sensitivity")
    assert "osimertinib" not in drugs_of(options)
    assert {"osimertinib", "osimertinib + pemetrexed + carboplatin"} <= {
        r.therapy.name for r in report.contraindicated
    }


def test_alk_g1202r_after_alectinib_puts_lorlatinib_first() -> None:
    report = actionable.evaluate(
        ["EML4::ALK fusion", "ALK G1202R"], tumor="LUAD", prior_therapies=["alectinib"]
    )
    first = report.recommendations[0]
    assert (first.therapy.name, first.level) == ("lorlatinib", "1")
    assert "alk-g1202r-nsclc-lorlatinib" in first.supporting_rules
    assert {"alectinib", "crizotinib", "ceritinib"} <= {
        r.therapy.name for r in report.contraindicated
    }
    options = tuple(r for r in report.recommendations if r.effect == "sensitivity")
    assert not drugs_of(options) & {"alectinib", "crizotinib", "ceritinib"}
    # Lorlatinib is one option, not twice at two levels.
    assert [r.therapy.name for r in options].count("lorlatinib") == 1


def test_braf_v600e_colorectal_keeps_encorafenib_cetuximab() -> None:
    report = actionable.evaluate(["BRAF V600E"], tumor="COAD")
    assert ("encorafenib + cetuximab", "1") in names(report.recommendations)
    assert report.contraindicated == ()
    # A KRAS mutation next to BRAF V600E was not part of that regimen's evidence.
    both = actionable.evaluate(["BRAF V600E", "KRAS G12D"], tumor="COAD")
    assert "encorafenib + cetuximab" in {r.therapy.name for r in both.contraindicated}
    assert "cetuximab" not in drugs_of(
        tuple(r for r in both.recommendations if r.effect == "sensitivity")
    )


# --------------------------------------------------------------------------- mechanism 6
def test_a_regimen_built_on_a_received_drug_is_marked() -> None:
    report = actionable.evaluate(["EGFR L858R"], tumor="LUAD", prior_therapies=["erlotinib"])
    marked = {r.therapy.name for r in report.recommendations if r.previously_received}
    assert marked == {"erlotinib", "erlotinib + ramucirumab"}
    ramucirumab = next(
        r for r in report.recommendations if r.therapy.name == "erlotinib + ramucirumab"
    )
    assert (
        "the patient has already received erlotinib, on which this regimen is built"
        in ramucirumab.rationale
    )
    # A shared chemotherapy partner is said, not marked.
    shared = actionable.evaluate(["EGFR L858R"], tumor="LUAD", prior_therapies=["carboplatin"])
    chemo = next(
        r
        for r in shared.recommendations
        if r.therapy.name == "osimertinib + pemetrexed + carboplatin"
    )
    assert not chemo.previously_received
    assert "the patient has already received carboplatin" in chemo.rationale


RANKING_RULES = """
gene: BRAF
rules:
  - id: t-a-older
    alteration: V600E
    tumor: {include: [MEL]}
    therapy: [vemurafenib]
    effect: sensitivity
    level: "1"
    summary: Test rule, an older approval.
    evidence: [{fda: Zelboraf label, year: 2011}]
  - id: t-b-newer
    alteration: V600E
    tumor: {include: [MEL]}
    therapy: [dabrafenib]
    effect: sensitivity
    level: "1"
    summary: Test rule, a newer approval.
    evidence: [{fda: Tafinlar label, year: 2013}]
  - id: t-c-conditional
    alteration: V600E
    requires: {grade: "3-4"}
    tumor: {include: [MEL]}
    therapy: [binimetinib]
    effect: sensitivity
    level: "1"
    summary: Test rule, newest but with a condition on a fact.
    evidence: [{fda: Mektovi label, year: 2018}]
  - id: t-d-agnostic
    alteration: V600E
    tumor: {include: [all_solid]}
    therapy: [encorafenib]
    effect: sensitivity
    level: "1"
    summary: Test rule, tumor agnostic and newest.
    evidence: [{fda: Braftovi label, year: 2024}]
"""


def test_ranking_within_a_level_is_clinical_not_alphabetical(rules_dir: Path) -> None:
    (rules_dir / "BRAF.yaml").write_text(RANKING_RULES.lstrip(), encoding="utf-8")
    engine = actionable.Engine.load(rules_dir)
    report = actionable.evaluate(["BRAF V600E"], tumor="MEL", rules=engine)
    # Specific before agnostic, then newest approval; conditions still to confirm last.
    assert [r.therapy.name for r in report.recommendations] == [
        "dabrafenib", "vemurafenib", "encorafenib", "binimetinib",
    ]  # fmt: skip
    met = actionable.evaluate(["BRAF V600E"], tumor="MEL", rules=engine, facts={"grade": 3})
    assert [r.therapy.name for r in met.recommendations] == [
        "binimetinib", "dabrafenib", "vemurafenib", "encorafenib",
    ]  # fmt: skip
    low = actionable.evaluate(["BRAF V600E"], tumor="MEL", rules=engine, facts={"grade": 1})
    assert "binimetinib" not in {r.therapy.name for r in low.recommendations}


def test_report_text_shows_the_contraindicated_section() -> None:
    text = str(actionable.evaluate(["EGFR L858R", "EGFR T790M"], tumor="LUAD"))
    assert "Contraindicated by this patient's resistance (not options):" in text
    assert "  - [1] erlotinib (sensitivity) for EGFR L858R" in text


# --------------------------------------------------------------------------- property
@cache
def _alteration_pool() -> dict[str, tuple[str, ...]]:
    """Per tumor code the curated rules name: report lines built from those rules' own
    alterations (exact changes, fusions, amplification for class rules)."""
    pool: dict[str, dict[str, None]] = {}
    for rule in rules_by_id().values():
        lines: list[str] = []
        for p in rule.patterns:
            if not rule.gene or not p.alteration:
                continue
            if p.granularity == "exact":
                fusion = p.kind == "fusion" and "::" in p.alteration
                lines.append(p.alteration if fusion else f"{rule.gene} {p.alteration}")
            elif p.granularity == "fusion":
                lines.append(f"{rule.gene} fusion")
        for code in rule.tumor.include:
            if not code.startswith("all"):
                pool.setdefault(code, {}).update(dict.fromkeys(lines))
    usable: dict[str, tuple[str, ...]] = {}
    for code, lines in pool.items():
        ok = []
        for line in lines:
            try:
                actionable.parse_variant(line)
            except actionable.VariantParseError:
                continue
            ok.append(line)
        if ok:
            usable[code] = tuple(sorted(ok))
    return usable


PASSENGERS = (
    "TP53 R175H", "APC R1450*", "KRAS G12D", "ERBB2 amplification", "EGFR T790M",
    "HER2 IHC 3+",
)  # fmt: skip
FACTS = st.fixed_dictionaries(
    {},
    optional={
        "HER2": st.sampled_from(["0", "1+", "2+/ISH-", "3+", "negative", "positive", "low"]),
        "ER": st.sampled_from(["positive", "negative"]),
        "PR": st.sampled_from(["positive", "negative"]),
        "PD-L1 CPS": st.sampled_from([0, 1, 10]),
        "PD-L1 TPS": st.sampled_from([0, 50]),
        "grade": st.sampled_from(["1", "2", "3", "4"]),
    },
)


@st.composite
def patients(draw: st.DrawFn) -> tuple[list[str], str, dict[str, object]]:
    pool = _alteration_pool()
    code = draw(st.sampled_from(sorted(pool)))
    # The tumor's own rules' alterations (so resistance and sensitivity meet), one from
    # any tumor type (so off-label offers happen), and passengers.
    variants = draw(st.lists(st.sampled_from(pool[code]), min_size=1, max_size=4, unique=True))
    other = pool[draw(st.sampled_from(sorted(pool)))]
    variants += draw(st.lists(st.sampled_from(other), max_size=1))
    variants += draw(st.lists(st.sampled_from(PASSENGERS), max_size=2, unique=True))
    tumor = draw(st.sampled_from([code, *tumors_under(code)]))
    return list(dict.fromkeys(variants)), tumor, draw(FACTS)


@cache
def tumors_under(code: str) -> tuple[str, ...]:
    """A few OncoTree codes below ``code`` (the rules name roots such as NSCLC)."""
    from actionable.tumors import descendants

    return tuple(sorted(descendants(code) - {code}))[:5]


def _withheld_drugs(report: Report, rec: Recommendation) -> set[tuple[str, str]]:
    """(drug, resistance variant) pairs for which a contraindicated recommendation was
    withheld, read from the resistance recommendations its rationale names."""
    out: set[tuple[str, str]] = set()
    for r in report.recommendations:
        if r.effect == "resistance" and any(f"rule {r.rule_id})" in s for s in rec.conflicts):
            out.update((d, str(r.variant)) for d in set(r.therapy.drugs) & set(rec.therapy.drugs))
    return out


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(patients())
def test_no_drug_is_both_an_option_and_contraindicated(
    patient: tuple[list[str], str, dict[str, object]],
) -> None:
    variants, tumor, facts = patient
    try:
        report = actionable.evaluate(variants, tumor=tumor, facts=facts)
    except actionable.FactError:
        return  # facts that contradict each other (HER2 3+ and HER2 negative) are refused
    options = [r for r in report.recommendations if r.effect == "sensitivity"]
    option_therapies = {r.therapy.drugs for r in options}
    # One therapy is one option, never twice at two levels.
    assert len({frozenset(r.therapy.drugs) for r in options}) == len(options)
    for rec in report.contraindicated:
        assert rec.therapy.drugs not in option_therapies, rec.therapy.name
        for drug, resisted_by in _withheld_drugs(report, rec):
            # The drug a withholding is about is offered nowhere, except as a partner of a
            # regimen designed for the very alteration that predicts the resistance.
            for option in options:
                if drug in option.therapy.drugs:
                    assert resisted_by in {str(v) for v in option.variants}, (
                        drug, option.therapy.name,
                    )  # fmt: skip
                    assert partner_role(drug, option.variant.gene) is not None
    rules = rules_by_id()
    her2_positive = any(
        v.gene == "ERBB2" and v.kind in ("amplification", "overexpression") for v in report.variants
    )
    for option in options:
        rule = rules.get(option.rule_id)
        if rule is None:
            continue
        for condition in rule.conditions:
            # No option violates a fact the patient has.
            assert check(condition, report.facts).state != "contradicted", option.rule_id
            if condition.key == "HER2" and condition.expected != "positive":
                assert not her2_positive, option.rule_id


def test_cli_takes_patient_facts(capsys: pytest.CaptureFixture[str]) -> None:
    from actionable.cli import main

    assert main(["evaluate", "PIK3CA H1047R", "--tumor", "BRCA", "--fact", "HER2=3+"]) == 0
    out = capsys.readouterr().out
    assert "Recommendations: none" in out
    assert "requires HER2-negative disease: the patient's HER2 is positive" in out


def test_clinical_table_columns_become_patient_facts(tmp_path: Path) -> None:
    from actionable.cohort import ANNOTATION_COLUMNS, Annotator
    from actionable.io.clinical import read_clinical

    table = tmp_path / "clinical.tsv"
    table.write_text(
        "sample_id\ttumor\ther2\ter\tpd_l1_cps\n"
        "P1\tBRCA\t3+\tpositive\t\n"
        "P2\tBRCA\t0\tpositive\t\n"
        "P3\tBRCA\tmaybe\t\t\n",
        encoding="utf-8",
    )
    records = {r.sample: r for r in read_clinical(table)}
    assert records["P1"].facts == (("ER", "positive"), ("HER2", "3+"))
    assert records["P3"].error is not None and "HER2" in records["P3"].error
    annotator = Annotator(records)
    variant = actionable.parse_variant("PIK3CA H1047R")
    highest = ANNOTATION_COLUMNS.index("HIGHEST_LEVEL")
    assert annotator.columns(variant, "P1")[highest] == ""  # HER2-positive: no PIK3CA label
    assert annotator.columns(variant, "P2")[highest] != ""


def test_prior_therapies_given_as_facts_count_like_the_argument() -> None:
    by_fact = actionable.evaluate(
        ["EGFR L858R"], tumor="LUAD", facts={"prior_therapies": ["Tarceva"], "line": 2}
    )
    marked = {r.therapy.name for r in by_fact.recommendations if r.previously_received}
    assert marked == {"erlotinib", "erlotinib + ramucirumab"}


def test_resistance_to_a_combination_withholds_only_that_combination() -> None:
    # R2 for encorafenib + binimetinib in BRAF V600E colorectal cancer (no EGFR blockade)
    # must not withhold encorafenib + cetuximab, the regimen designed for that tumor.
    report = actionable.evaluate(["BRAF V600E"], tumor="COAD")
    options = {(r.therapy.name, r.level) for r in report.recommendations}
    assert ("encorafenib + cetuximab", "1") in options
    assert ("encorafenib + binimetinib", "R2") in options
    assert report.contraindicated == ()


@pytest.mark.parametrize(
    ("variant", "tumor", "drug"),
    [
        ("IDH1 R132H", "ASTR4", "vorasidenib"),  # label: grade 2 astrocytoma/oligodendroglioma
        ("FGFR2::BICC1 fusion", "EHCH", "futibatinib"),  # label: intrahepatic only
        ("FGFR3 S249C", "BLSC", "erdafitinib"),  # label: urothelial carcinoma
    ],
)
def test_a_label_limited_to_a_subtype_is_not_carried_to_its_siblings(
    variant: str, tumor: str, drug: str
) -> None:
    # Mechanism 3 with mechanism 4: another grade or histology of the same disease is
    # not "another tumor type" for a 3B offer; the label left it out on purpose.
    report = actionable.evaluate([variant], tumor=tumor)
    assert all(drug not in r.therapy.drugs for r in report.recommendations)
    assert all(drug not in r.therapy.drugs for r in report.contraindicated)


def test_the_sibling_block_is_explained() -> None:
    report = actionable.evaluate(["FGFR3 S249C"], tumor="BLSC")
    assert report.recommendations == ()
    [unmatched] = report.unmatched
    assert (
        "rule fgfr3-alteration-urothelial-erdafitinib (erdafitinib, level 1) is limited to "
        "BLCA, UTUC, UCU within Bladder Cancer; BLSC is left out of that label, so it is not "
        "offered off-label here"
    ) in unmatched.reason


def test_pemetrexed_regimens_are_not_offered_in_squamous_nsclc() -> None:
    report = actionable.evaluate(["EGFR L858R"], tumor="LUSC")
    assert all("pemetrexed" not in r.therapy.drugs for r in report.recommendations)
    report = actionable.evaluate(["EGFR L858R"], tumor="LUAD")
    assert any("pemetrexed" in r.therapy.drugs and r.level == "1" for r in report.recommendations)
