"""Exceptions inside class rules (issue 11, mechanism 1) and the findings that need them.

* ``excluding`` on any alteration pattern: class, exon, codon range, ``oncogenic mutations``;
* per-gene truncation cut-offs (BRCA2: K3326* and everything 3' of it is not deleterious);
* curated benign/neutral variants that never satisfy a class pattern and that the report
  names as such (knowledgebase/benign_variants.yaml);
* curated pathogenic missense variants of tumor suppressors that do satisfy
  ``oncogenic mutations`` (knowledgebase/pathogenic_missense.yaml).

Findings U1, U12 and M3 of the 2026-12 knowledge-base audit each have a test named after
them that fails on commit 5e43829.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import actionable
from actionable import Report
from actionable.engine import Matcher, compile_patterns, condition_for, evaluate_condition, fact_for
from actionable.errors import RuleFileError
from actionable.oncogenicity import (
    benign_alterations,
    benign_variant,
    describe,
    gene_role,
    neutral_truncation,
    pathogenic_missense,
)
from actionable.rules import load_rule_file, parse_pattern
from actionable.variants._checks import conflict


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


def drugs(report: Report) -> set[str]:
    return {d for r in report.recommendations for d in r.therapy.drugs}


def reason(report: Report) -> str:
    [unmatched] = report.unmatched
    return unmatched.reason


PARP = {"olaparib", "niraparib", "rucaparib", "talazoparib"}


# --------------------------------------------------------------------------- U1
@pytest.mark.parametrize("tumor", ["HGSOC", "PRAD"])
def test_u1_brca2_k3326_stop_is_benign(tumor: str) -> None:
    report = actionable.evaluate(["BRCA2 K3326*"], tumor=tumor)
    assert report.recommendations == ()
    assert reason(report).startswith("BRCA2 K3326*: known benign/neutral variant (benign: ")
    assert "ENIGMA" in reason(report) and "PMID 26586665" in reason(report)


def test_u1_brca2_k3326_stop_in_c_notation_is_named_benign() -> None:
    report = actionable.evaluate(["BRCA2 c.9976A>T"], tumor="HGSOC")
    assert report.recommendations == ()
    assert reason(report).startswith("BRCA2 c.9976A>T: known benign/neutral variant")


def test_u1_brca2_s3366nfs_3prime_of_k3326_is_not_oncogenic() -> None:
    report = actionable.evaluate(["BRCA2 S3366Nfs*4"], tumor="HGSOC")
    assert report.recommendations == ()
    assert reason(report).startswith(
        "BRCA2 S3366Nfs*4: truncating change at or after BRCA2 codon 3326, where truncations "
        "are not deleterious"
    )
    # 5' of the cut-off a truncation is still an oncogenic mutation: level 1 PARP inhibitors.
    before = actionable.evaluate(["BRCA2 E3309*"], tumor="HGSOC")
    assert PARP & drugs(before)
    assert {r.level for r in before.recommendations if r.therapy.drugs == ("olaparib",)} == {"1"}


def test_u1_brca1_c594_2a_c_splice_variant_is_benign() -> None:
    report = actionable.evaluate(["BRCA1 c.594-2A>C"], tumor="HGSOC")
    assert report.recommendations == ()
    assert reason(report).startswith("BRCA1 c.594-2A>C: known benign/neutral variant")
    assert "PMID 27008870" in reason(report)
    # Another canonical acceptor change of the same gene stays an oncogenic mutation.
    other = actionable.evaluate(["BRCA1 c.5075-1G>A"], tumor="HGSOC")
    assert {"olaparib", "niraparib", "rucaparib"} <= drugs(other)


def test_u1_benign_variant_never_satisfies_any_class_pattern(rules_dir: Path) -> None:
    write(
        rules_dir,
        "BRCA2.yaml",
        """
        gene: BRCA2
        rules:
          - id: t-truncating
            alteration: truncating mutations
            tumor: {include: [all_solid]}
            therapy: [olaparib]
            effect: sensitivity
            level: "1"
            summary: Test rule, the literal truncating class.
            evidence: [{pmid: 30345884}]
          - id: t-any
            alteration: mutations
            tumor: {include: [all_solid]}
            therapy: [niraparib]
            effect: sensitivity
            level: "2"
            summary: Test rule, any coding change.
            evidence: [{pmid: 30345884}]
          - id: t-range
            alteration: codons 3300-3418
            tumor: {include: [all_solid]}
            therapy: [rucaparib]
            effect: sensitivity
            level: "2"
            summary: Test rule, a codon range around K3326.
            evidence: [{pmid: 30345884}]
          - id: t-requires
            alteration: amplification
            requires: [BRCA2 truncating mutations]
            tumor: {include: [all_solid]}
            therapy: [talazoparib]
            effect: sensitivity
            level: "2"
            summary: Test rule, requires a truncating BRCA2 change.
            evidence: [{pmid: 30345884}]
          - id: t-excludes
            alteration: amplification
            excludes: [BRCA2 truncating mutations]
            tumor: {include: [all_solid]}
            therapy: [carboplatin]
            effect: sensitivity
            level: "2"
            summary: Test rule, vetoed by a second truncating BRCA2 change.
            evidence: [{pmid: 30345884}]
        """,
    )
    engine = actionable.Engine.load(rules_dir)
    benign = actionable.evaluate(["BRCA2 K3326*"], tumor="HGSOC", rules=engine)
    assert benign.recommendations == ()
    assert reason(benign).startswith("BRCA2 K3326*: known benign/neutral variant")
    # The same codon with another change is not benign: every class pattern takes it.
    other = actionable.evaluate(["BRCA2 K3326E"], tumor="HGSOC", rules=engine)
    assert drugs(other) == {"niraparib", "rucaparib"}
    # A benign variant neither satisfies ``requires`` nor triggers ``excludes``.
    pair = actionable.evaluate(["BRCA2 amplification", "BRCA2 K3326*"], tumor="HGSOC", rules=engine)
    assert drugs(pair) == {"carboplatin"}
    real = actionable.evaluate(["BRCA2 amplification", "BRCA2 E3309*"], tumor="HGSOC", rules=engine)
    assert "talazoparib" in drugs(real) and "carboplatin" not in drugs(real)


def test_u1_a_curated_rule_cannot_name_a_benign_variant(rules_dir: Path) -> None:
    path = write(
        rules_dir,
        "BRCA2.yaml",
        """
        gene: BRCA2
        rules:
          - id: t-benign
            alteration: [E3309*, K3326*]
            tumor: {include: [HGSOC]}
            therapy: [olaparib]
            effect: sensitivity
            level: "1"
            summary: Test rule naming a benign polymorphism.
            evidence: [{pmid: 30345884}]
        """,
    )
    with pytest.raises(RuleFileError) as error:
        load_rule_file(path)
    assert "BRCA2 K3326* is a known benign/neutral variant" in str(error.value)
    assert error.value.line == 4
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "alteration: [E3309*, K3326*]", "alteration: E3309*\n    requires: [BRCA2 c.9976A>T]"
        ),
        encoding="utf-8",
    )
    with pytest.raises(RuleFileError) as error:
        load_rule_file(path)
    assert "BRCA2 c.9976A>T is a known benign/neutral variant" in str(error.value)
    assert error.value.field == "requires"


# --------------------------------------------------------------------------- U12
def test_u12_germline_vhl_vus_gets_no_belzutifan() -> None:
    vus = actionable.evaluate(["VHL P81S (germline)"], tumor="CCRCC")
    assert "belzutifan" not in drugs(vus)
    assert reason(vus).startswith("VHL P81S (germline): missense mutation in a tumor suppressor")
    for pathogenic in ("VHL R167Q (germline)", "VHL Q195* (germline)", "VHL deletion (germline)"):
        report = actionable.evaluate([pathogenic], tumor="CCRCC")
        [best] = [r for r in report.recommendations if r.therapy.drugs == ("belzutifan",)]
        assert best.level == "1"
        assert any("VHL disease diagnosis must be confirmed" in s for s in best.rationale)


def test_u12_germline_nf1_missense_vus_gets_no_mek_inhibitor() -> None:
    vus = actionable.evaluate(["NF1 V2184I (germline)"], tumor="NFIB")
    assert not {"selumetinib", "mirdametinib"} & drugs(vus)
    for pathogenic in ("NF1 L844P (germline)", "NF1 R440* (germline)"):
        report = actionable.evaluate([pathogenic], tumor="NFIB")
        mek = {r.therapy.name: r for r in report.recommendations}
        assert {mek["selumetinib"].level, mek["mirdametinib"].level} == {"1"}
        assert all(
            any("NF1 diagnosis must be confirmed" in s for s in r.rationale) for r in mek.values()
        )


# --------------------------------------------------------------------------- M3
@pytest.mark.parametrize(
    ("variant", "tumor"),
    [("BRCA1 C61G", "HGSOC"), ("BRCA1 R1699W", "HGSOC"), ("BRCA1 M1775R", "PRAD")],
)
def test_m3_pathogenic_brca1_missense_matches_oncogenic_mutations(variant: str, tumor: str) -> None:
    report = actionable.evaluate([variant], tumor=tumor)
    [olaparib] = [r for r in report.recommendations if r.therapy.drugs == ("olaparib",)]
    assert olaparib.level == "1"
    assert olaparib.match.pattern == (
        "oncogenic mutations (curated pathogenic missense variant of a tumor suppressor)"
    )
    # An uncurated missense change of BRCA1 stays of uncertain effect.
    assert actionable.evaluate(["BRCA1 S1613G"], tumor=tumor).recommendations == ()


@pytest.mark.parametrize("variant", ["PTEN R130Q", "PTEN R130G", "PTEN C124S"])
def test_m3_pathogenic_pten_missense_matches_oncogenic_mutations(variant: str) -> None:
    report = actionable.evaluate([variant], tumor="IDC")
    capivasertib = [r for r in report.recommendations if "capivasertib" in r.therapy.drugs]
    assert capivasertib, report.unmatched
    assert capivasertib[0].match.pattern.startswith("oncogenic mutations (curated pathogenic")


# --------------------------------------------------------------------------- excluding
EXCLUDING = """
gene: EGFR
rules:
  - id: t-exon-excluding
    alteration: exon 20 insertion
    excluding: [A763_Y764insFQEA]
    tumor: {include: [NSCLC]}
    therapy: [erlotinib]
    effect: resistance
    level: R2
    summary: Test rule, an exon class with one exact exception.
    evidence: [{pmid: 24353160}]
  - id: t-class-excluding-range
    alteration: missense mutations
    excluding: [codons 858-861]
    tumor: {include: [NSCLC]}
    therapy: [afatinib]
    effect: sensitivity
    level: "4"
    summary: Test rule, a class with a codon-range exception.
    evidence: [{pmid: 26051236}]
  - id: t-oncogenic-excluding-exon
    alteration: oncogenic mutations
    excluding: [exon 19 deletion]
    tumor: {include: [NSCLC]}
    therapy: [osimertinib]
    effect: sensitivity
    level: "2"
    summary: Test rule, oncogenic mutations except the exon 19 deletions.
    evidence: [{pmid: 29151359}]
  - id: t-range-excluding-class
    alteration: codons 700-800
    excluding: [inframe insertions]
    tumor: {include: [NSCLC]}
    therapy: [gefitinib]
    effect: sensitivity
    level: "3A"
    summary: Test rule, a codon range except in-frame insertions.
    evidence: [{pmid: 26051236}]
"""


@pytest.fixture
def excluding_rules(rules_dir: Path) -> actionable.Engine:
    write(rules_dir, "EGFR.yaml", EXCLUDING)
    return actionable.Engine.load(rules_dir)


@pytest.mark.parametrize(
    ("variant", "present", "excluded"),
    [
        # exon class minus one exact insertion; range minus the in-frame insertion class
        ("EGFR A767_V769dup", {"erlotinib", "osimertinib"}, {"gefitinib"}),
        ("EGFR A763_Y764insFQEA", {"osimertinib"}, {"erlotinib", "gefitinib"}),
        ("EGFR D770_N771insG", {"erlotinib", "osimertinib"}, {"gefitinib"}),
        # missense class minus a codon range
        ("EGFR G719S", {"afatinib", "osimertinib", "gefitinib"}, set()),
        ("EGFR L858R", {"osimertinib"}, {"afatinib"}),
        ("EGFR L861Q", {"osimertinib"}, {"afatinib"}),
        # oncogenic mutations minus an exon event
        ("EGFR E746_A750del", {"gefitinib"}, {"osimertinib"}),
    ],
)
def test_excluding_works_on_every_kind_of_pattern(
    excluding_rules: actionable.Engine, variant: str, present: set[str], excluded: set[str]
) -> None:
    report = actionable.evaluate([variant], tumor="LUAD", rules=excluding_rules)
    assert drugs(report) == present
    assert not excluded & drugs(report)


def test_excluding_is_named_when_it_leaves_nothing(excluding_rules: actionable.Engine) -> None:
    report = actionable.evaluate(["EGFR L858R"], tumor="LUAD", rules=excluding_rules,
                                 max_level="3A")  # fmt: skip
    assert [r.therapy.name for r in report.recommendations] == ["osimertinib"]
    alone = actionable.evaluate(["EGFR E746_A750del"], tumor="LUAD", rules=excluding_rules,
                                max_level="2")  # fmt: skip
    assert alone.recommendations == ()
    assert "rule t-oncogenic-excluding-exon excludes E746_A750del" in reason(alone)


def test_excluding_names_changes_of_the_rules_own_gene(rules_dir: Path) -> None:
    path = write(rules_dir, "EGFR.yaml", EXCLUDING.replace("excluding: [codons 858-861]",
                                                          "excluding: [KRAS G12C]"))  # fmt: skip
    with pytest.raises(RuleFileError) as error:
        load_rule_file(path)
    assert error.value.field == "excluding.0"
    assert "List other genes' alterations under excludes" in str(error.value)


# --------------------------------------------------------------------------- the engine
def test_brca2_oncogenic_pattern_is_decided_by_the_classifier() -> None:
    [cls] = parse_pattern("oncogenic mutations", "BRCA2")
    assert (cls.kind, cls.granularity) == ("oncogenic", "class")
    assert condition_for(cls) == {"o": 1}
    # The cut-off and the benign list live in the classifier, which the engine fact carries.
    assert "o" in fact_for(actionable.parse_variant("BRCA2 E3309*"))
    assert "o" not in fact_for(actionable.parse_variant("BRCA2 S3366Nfs*4"))
    assert "o" not in fact_for(actionable.parse_variant("BRCA2 c.9976A>T"))


def _free(ref: str) -> st.SearchStrategy[int]:
    """BRCA2 positions where the library knows no other residue than ``ref``."""
    return st.integers(1, 3418).filter(lambda p: conflict("BRCA2", p, None, ref) is None)


_BRCA2_LINES = st.one_of(
    st.builds(lambda p: f"BRCA2 E{p}*", _free("E")),
    st.builds(lambda p: f"BRCA2 S{p}fs", _free("S")),
    st.builds(lambda p: f"BRCA2 K{p}*", st.sampled_from([3325, 3326, 3327])),
    st.builds(lambda p: f"BRCA2 X{p}_splice", st.integers(3300, 3418)),
    st.sampled_from(["BRCA2 deletion", "BRCA2 c.9976A>T", "BRCA2 c.7008-1G>A", "BRCA2 D2723H"]),
)


@settings(max_examples=60, deadline=None)
@given(_BRCA2_LINES)
def test_engine_and_python_agree_on_the_narrowed_class(line: str) -> None:
    """durable_rules and the plain-Python reading of the same condition give one answer,
    and the answer is the biology: truncating before codon 3326 or deletion, not benign."""
    [cls] = parse_pattern("oncogenic mutations", "BRCA2")
    variant = actionable.parse_variant(line)
    [hits] = Matcher(compile_patterns([cls])).match([variant])
    python = evaluate_condition(condition_for(cls), fact_for(variant))
    assert bool(hits) == python
    expected = (
        variant.kind in ("nonsense", "frameshift", "splice", "deletion")
        and benign_variant(variant) is None
        and neutral_truncation(variant) is None
    )
    assert python == expected


# --------------------------------------------------------------------------- the lists
def test_curated_lists_are_cited_and_readable() -> None:
    assert benign_alterations("BRCA2") == ("K3326*", "c.9976A>T", "N372H")
    assert benign_variant(actionable.parse_variant("BRCA1 c.594-2A>C")) is not None
    role = gene_role("BRCA2")
    assert role is not None and role.neutral_truncations_from == 3326
    assert "PMID" in role.truncation_citation
    for gene in ("BRCA1", "PTEN", "VHL", "NF1"):
        entries = pathogenic_missense(gene)
        assert entries, gene
        for entry in entries:
            assert entry.classification in ("pathogenic", "likely pathogenic")
            assert any(source in entry.citation for source in ("PMID", "CIViC", "ClinVar"))
            # Each entry reads as rule grammar for its gene (an exact change or codon range).
            assert parse_pattern(entry.variant, gene)
    # Every pathogenic entry is a tumor suppressor's: an oncogene's are its hotspots.
    for gene in ("BRCA1", "PTEN", "VHL", "NF1"):
        assert gene_role(gene).role == "tumor_suppressor"  # type: ignore[union-attr]
    assert describe(actionable.parse_variant("TP53 R175H")) is None
