"""Findings of the knowledge-base audit of December 2026 (kb-audit-2026-12), one test each.

Every test is named after its finding id (U = unsafe recommendation, M = missing
recommendation, C = wrong citation, K = cosmetic, R = missing resistance rule) and checks
the behaviour through ``actionable.evaluate``: the therapy names, levels and effects a
clinician would read, or the rule and citations behind a recommendation.
"""

from __future__ import annotations

from functools import cache

import pytest

import actionable
from actionable.drugs import resolve_drug
from actionable.models import Recommendation, Report
from actionable.rules import Rule, load_rules

S, R = "sensitivity", "resistance"
HER2_AMP = "ERBB2 amplification"


@cache
def _evaluate(variants: tuple[str, ...], tumor: str | None) -> Report:
    return actionable.evaluate(list(variants), tumor=tumor)


def recs(variants: tuple[str, ...], tumor: str, name: str) -> list[Recommendation]:
    """Every recommendation naming exactly this therapy (drugs joined by " + ")."""
    return [r for r in _evaluate(variants, tumor).recommendations if r.therapy.name == name]


def levels(variants: tuple[str, ...], tumor: str, name: str) -> set[tuple[str, str]]:
    """The (level, effect) pairs at which a therapy is listed."""
    return {(r.level, r.effect) for r in recs(variants, tumor, name)}


def drugs_offered(variants: tuple[str, ...], tumor: str) -> set[str]:
    """Every drug that appears in a sensitivity recommendation, at any level."""
    return {
        d
        for r in _evaluate(variants, tumor).recommendations
        if r.effect == S
        for d in r.therapy.drugs
    }


@cache
def _rules() -> dict[str, Rule]:
    return {r.id: r for r in load_rules(sources=["curated"])}


def pmids(rec: Recommendation) -> set[int]:
    return {c.pmid for c in rec.evidence if c.pmid}


def only(found: list[Recommendation]) -> Recommendation:
    assert len(found) == 1, [str(r) for r in found]
    return found[0]


# --------------------------------------------------------------------------- unsafe (U)
def test_u2_npm1_e4k_gets_no_menin_inhibitor() -> None:
    for name in ("revumenib", "ziftomenib"):
        assert levels(("NPM1 E4K",), "AML", name) == set()
        assert levels(("NPM1 W288Cfs*12",), "AML", name) == {("1", S)}


def test_u2_npm1_missense_at_the_hotspot_codons_is_not_susceptible() -> None:
    assert levels(("NPM1 W288C",), "AML", "revumenib") == set()


def test_u4_braf_v600e_colorectal_no_braf_mek_doublet_or_tovorafenib() -> None:
    v = ("BRAF V600E",)
    assert levels(v, "COAD", "encorafenib + binimetinib") == {("R2", R)}
    assert levels(v, "COAD", "tovorafenib") == set()
    assert levels(v, "READ", "tovorafenib") == set()
    # the approved BRAF regimen for colorectal cancer is untouched
    assert levels(v, "COAD", "encorafenib + cetuximab") == {("1", S)}


def test_u5_her2_gastric_no_tdm1_lapatinib_pertuzumab_neratinib_margetuximab() -> None:
    v = (HER2_AMP,)
    offered = drugs_offered(v, "STAD")
    for drug in ("trastuzumab emtansine", "lapatinib", "pertuzumab", "neratinib", "margetuximab"):
        assert drug not in offered, drug
    assert levels(v, "STAD", "trastuzumab emtansine") == {("R2", R)}
    assert levels(v, "GEJ", "lapatinib") == {("R2", R)}
    assert levels(v, "ESCA", "pertuzumab") == {("R2", R)}
    rec = only(recs(v, "STAD", "lapatinib"))
    assert 24868024 in pmids(rec)  # TyTAN
    assert 30217672 in pmids(only(recs(v, "STAD", "pertuzumab")))  # JACOB
    # the gastric approvals stay
    assert levels(v, "STAD", "trastuzumab + cisplatin + capecitabine") == {("1", S)}
    assert levels(v, "STAD", "trastuzumab deruxtecan") == {("1", S)}


@pytest.mark.parametrize("tumor", ["ASTR3", "ASTR4", "ODG3", "GNOS"])
def test_u6_vorasidenib_not_in_grade_3_4_glioma(tumor: str) -> None:
    variant = "IDH2 R172K" if tumor.startswith("ODG") else "IDH1 R132H"
    assert ("1", S) not in levels((variant,), tumor, "vorasidenib")


def test_u6_vorasidenib_in_grade_2_glioma() -> None:
    assert levels(("IDH1 R132H",), "ASTR2", "vorasidenib") == {("1", S)}
    assert levels(("IDH2 R172K",), "ODG2", "vorasidenib") == {("1", S)}


@pytest.mark.parametrize("tumor", ["AGNG", "APXA"])
def test_u7_anaplastic_encapsulated_glioma_not_pediatric_lgg(tumor: str) -> None:
    v = ("BRAF V600E",)
    assert levels(v, tumor, "tovorafenib") == set()
    rec = only(recs(v, tumor, "dabrafenib + trametinib"))
    assert (rec.level, rec.rule_id) == ("1", "braf-v600e-solid-tumor-agnostic")
    # pilocytic astrocytoma keeps both pediatric LGG approvals
    assert levels(("BRAF V600E",), "PAST", "tovorafenib") == {("1", S)}


def test_u8_egfr_fqea_is_not_an_exon20_resistance_mutation() -> None:
    v = ("EGFR A763_Y764insFQEA",)
    for drug in ("erlotinib", "gefitinib", "osimertinib", "afatinib"):
        assert levels(v, "LUAD", drug) == set(), drug
    # it is still an exon 20 insertion for the exon 20-directed approvals
    assert levels(v, "LUAD", "amivantamab") == {("1", S)}
    assert levels(("EGFR A767_V769dup",), "LUAD", "erlotinib") == {("R2", R)}


def test_u10_futibatinib_is_intrahepatic_only() -> None:
    v = ("FGFR2::BICC1 fusion",)
    assert ("1", S) not in levels(v, "EHCH", "futibatinib")
    assert ("1", S) not in levels(v, "PHCH", "futibatinib")
    assert levels(v, "IHCH", "futibatinib") == {("1", S)}
    assert levels(v, "EHCH", "pemigatinib") == {("1", S)}


@pytest.mark.parametrize("tumor", ["BLAD", "BLSC", "SCBC", "URMM"])
def test_u13_erdafitinib_is_urothelial_only(tumor: str) -> None:
    assert ("1", S) not in levels(("FGFR3 S249C",), tumor, "erdafitinib")


@pytest.mark.parametrize("tumor", ["BLCA", "UTUC", "UCU"])
def test_u13_erdafitinib_in_urothelial_carcinoma(tumor: str) -> None:
    assert levels(("FGFR3 S249C",), tumor, "erdafitinib") == {("1", S)}


@pytest.mark.parametrize(
    ("variants", "tumor", "name"),
    [
        (("BRCA1 Q1756Pfs*74",), "ODYS", "olaparib"),  # ovarian germ-cell tumor
        (("BRCA1 Q1756Pfs*74",), "GRCT", "olaparib"),  # sex-cord stromal tumor
        (("BRCA2 E1308*",), "PRSCC", "olaparib"),  # prostate small-cell carcinoma
        (("BRCA2 E1308*",), "PRNE", "talazoparib + enzalutamide"),
        (("BRCA2 E1308* (germline)",), "MPT", "olaparib"),  # malignant phyllodes tumor
        (("BRCA2 E1308* (germline)",), "DCIS", "talazoparib"),
        ((HER2_AMP,), "BA", "trastuzumab"),  # breast angiosarcoma
        ((HER2_AMP,), "STSC", "trastuzumab + cisplatin + capecitabine"),  # gastric small-cell
    ],
)
def test_u14_label_tumor_scope(variants: tuple[str, ...], tumor: str, name: str) -> None:
    assert ("1", S) not in levels(variants, tumor, name)


@pytest.mark.parametrize(
    ("variants", "tumor", "name"),
    [
        (("BRCA1 Q1756Pfs*74",), "HGSFT", "olaparib"),
        (("BRCA1 Q1756Pfs*74",), "PSEC", "olaparib"),
        (("BRCA1 Q1756Pfs*74",), "CCOV", "olaparib"),
        (("BRCA2 E1308*",), "PRAD", "olaparib"),
        (("BRCA2 E1308* (germline)",), "ILC", "olaparib"),
        (("BRCA2 E1308* (germline)",), "IBC", "talazoparib"),
        ((HER2_AMP,), "GEJ", "trastuzumab + cisplatin + capecitabine"),
    ],
)
def test_u14_label_tumors_keep_level_1(variants: tuple[str, ...], tumor: str, name: str) -> None:
    assert ("1", S) in levels(variants, tumor, name)


@pytest.mark.parametrize(
    "name", ["trastuzumab + pertuzumab", "trastuzumab + lapatinib", "trastuzumab deruxtecan"]
)
def test_u15_her2_crc_doublets_need_braf_wild_type(name: str) -> None:
    assert ("2", S) not in levels((HER2_AMP, "BRAF V600E"), "COAD", name)
    assert ("2", S) in levels((HER2_AMP,), "COAD", name)


# --------------------------------------------------------------------------- missing (M)
@pytest.mark.parametrize("variant", ["FLT3 I836del", "FLT3 D835del", "FLT3 D835Y"])
def test_m2_flt3_tkd_deletions_are_tkd_mutations(variant: str) -> None:
    assert levels((variant,), "AML", "gilteritinib") == {("1", S)}
    assert levels((variant,), "AML", "midostaurin + cytarabine + daunorubicin") == {("1", S)}


def test_m4_esr1_predicts_resistance_to_every_aromatase_inhibitor() -> None:
    for drug in ("letrozole", "anastrozole", "exemestane"):
        assert levels(("ESR1 Y537S",), "BRCA", drug) == {("R2", R)}, drug
    assert resolve_drug("Arimidex") == "anastrozole"
    assert resolve_drug("Aromasin") == "exemestane"


@pytest.mark.parametrize(
    "variant", ["RET E632_L633del", "RET D631_L633delinsE", "RET C634_R635insHELC"]
)
def test_m5_ret_exon11_inframe_indels_in_mtc(variant: str) -> None:
    assert levels((variant,), "THME", "selpercatinib") == {("1", S)}


def test_m5_ret_exon11_range_adds_no_missense() -> None:
    assert levels(("RET E632K",), "THME", "selpercatinib") == set()


# --------------------------------------------------------------------------- citations (C)
def test_c1_alk_l1196m_cites_choi_2010() -> None:
    rec = only([r for r in recs(("ALK L1196M",), "LUAD", "crizotinib") if r.effect == R])
    assert pmids(rec) == {20979473}


def test_c2_trastuzumab_deruxtecan_nsclc_cites_destiny_lung02() -> None:
    rec = only(recs(("ERBB2 Y772_A775dup",), "LUAD", "trastuzumab deruxtecan"))
    assert 37694347 in pmids(rec)


def test_c3_esr1_ai_resistance_cites_ai_resistance_data() -> None:
    rec = only(recs(("ESR1 D538G",), "BRCA", "letrozole"))
    assert {36183733, 24185512} <= pmids(rec)  # PADA-1, Toy et al.
    assert 35584336 not in pmids(rec)  # EMERALD is an elacestrant trial


def test_c4_quizartinib_d835_resistance_cites_smith_2012() -> None:
    rec = only(recs(("FLT3 D835Y",), "AML", "quizartinib"))
    assert (rec.level, rec.effect) == ("R2", R)
    assert 22504184 in pmids(rec)


def test_c5_afatinib_t790m_cites_afatinib_evidence() -> None:
    rec = only([r for r in recs(("EGFR L858R", "EGFR T790M"), "LUAD", "afatinib") if r.effect == R])
    assert (rec.level, rec.effect) == ("R1", R)
    assert 24035188 in pmids(rec)
    assert not [c for c in rec.evidence if c.fda and "osimertinib" in c.fda]


# --------------------------------------------------------------------------- cosmetic (K)
def test_k1_braf_agnostic_summary_children_one_year() -> None:
    rec = only(recs(("BRAF V600E",), "IHCH", "dabrafenib + trametinib"))
    text = " ".join(rec.rationale)
    assert "1 year and older" in text and "6 years" not in text


def test_k2_selumetinib_summary_includes_adults() -> None:
    rec = only(recs(("NF1 R1947* (germline)",), "NFIB", "selumetinib"))
    text = " ".join(rec.rationale)
    assert "adults since November 2025" in text and "1 year" in text


def test_k3_osimertinib_with_pemetrexed_and_either_platinum() -> None:
    v = ("EGFR L858R",)
    assert levels(v, "LUAD", "osimertinib + pemetrexed + carboplatin") == {("1", S)}
    assert levels(v, "LUAD", "osimertinib + pemetrexed + cisplatin") == {("1", S)}


def test_k4_quizartinib_with_idarubicin_induction() -> None:
    itd = ("FLT3 F594_D600dup",)
    assert levels(itd, "AML", "quizartinib + cytarabine + idarubicin") == {("1", S)}
    assert resolve_drug("Idamycin") == "idarubicin"


def test_k5_inavolisib_line_follows_the_label() -> None:
    rec = only(recs(("PIK3CA H1047R",), "BRCA", "inavolisib + palbociclib + fulvestrant"))
    line = _rules()[rec.rule_id].line or ""
    assert "on or after completing adjuvant endocrine therapy" in line
    assert "12 months" not in line


def test_k7_fusilev_is_levoleucovorin() -> None:
    assert resolve_drug("Fusilev") == "levoleucovorin"
    assert resolve_drug("folinic acid") == "leucovorin"


def test_k8_zongertinib_not_for_squamous_nsclc() -> None:
    v = ("ERBB2 Y772_A775dup",)
    assert levels(v, "LUSC", "zongertinib") == set()
    assert levels(v, "LUAD", "zongertinib") == {("1", S)}


def test_k9_nec_guidance_rule_is_digestive_only() -> None:
    def rules_behind(tumor: str) -> set[str]:
        found = recs(("BRAF V600E",), tumor, "dabrafenib + trametinib")
        return {r.rule_id for r in found} | {s for r in found for s in r.supporting_rules}

    assert "braf-v600e-nec-enets" not in rules_behind("NECNOS")  # NEC of unknown primary
    assert "braf-v600e-solid-tumor-agnostic" in rules_behind("NECNOS")
    assert "braf-v600e-nec-enets" in rules_behind("HGNES")


def test_k10_avapritinib_not_for_smoldering_sm() -> None:
    assert levels(("KIT D816V",), "SSM", "avapritinib") == set()
    for tumor in ("ISM", "ASM", "SMMCL"):
        assert levels(("KIT D816V",), tumor, "avapritinib") == {("1", S)}, tumor


def test_k11_msi_pembrolizumab_agnostic_line() -> None:
    rec = only(recs(("MSI-H",), "PAAD", "pembrolizumab"))
    assert rec.rule_id == "msi-h-pembrolizumab-tumor-agnostic"
    assert "after progression on prior treatment" in (_rules()[rec.rule_id].line or "")


# --------------------------------------------------------------------------- resistance (R)
def test_ra_esr1_anastrozole_exemestane() -> None:
    for drug in ("anastrozole", "exemestane"):
        rec = only(recs(("ESR1 E380Q",), "ILC", drug))
        assert (rec.level, rec.effect) == ("R2", R)


def test_rb_braf_v600e_crc_encorafenib_binimetinib() -> None:
    rec = only(recs(("BRAF V600E",), "READ", "encorafenib + binimetinib"))
    assert (rec.level, rec.effect) == ("R2", R)
    assert {22281684, 26392102} <= pmids(rec)


def test_rc_egfr_exon20_insertion_afatinib() -> None:
    rec = only(recs(("EGFR D770_N771insSVD",), "LUAD", "afatinib"))
    assert (rec.level, rec.effect, pmids(rec)) == ("R2", R, {26051236})


def test_re_met_d1228_crizotinib() -> None:
    rec = only(
        [
            r
            for r in recs(("MET exon 14 skipping", "MET D1228N"), "LUAD", "crizotinib")
            if r.effect == R
        ]
    )
    assert (rec.level, pmids(rec)) == ("R2", {27343442})


@pytest.mark.parametrize(
    ("mutation", "drug", "pmid"),
    [
        ("ALK I1171N", "alectinib", 25393796),
        ("ALK I1171T", "alectinib", 25228534),
        ("ALK C1156Y", "crizotinib", 20979473),
        ("ALK G1269A", "crizotinib", 22235099),
        ("ALK G1202R", "brigatinib", 27432227),
    ],
)
def test_rf_alk_resistance_mutations(mutation: str, drug: str, pmid: int) -> None:
    found = [r for r in recs(("EML4::ALK fusion", mutation), "LUAD", drug) if r.effect == R]
    rec = only(found)
    assert rec.level == "R2" and pmid in pmids(rec)


@pytest.mark.parametrize(("drug", "pmid"), [("larotrectinib", 30624546), ("entrectinib", 26546295)])
def test_rh_ntrk1_xdfg_g667(drug: str, pmid: int) -> None:
    found = [r for r in recs(("TPM3::NTRK1 fusion", "NTRK1 G667C"), "COAD", drug) if r.effect == R]
    rec = only(found)
    assert rec.level == "R2" and pmid in pmids(rec)


def test_ri_ret_g810_selpercatinib() -> None:
    found = [
        r
        for r in recs(("KIF5B::RET fusion", "RET G810R"), "LUAD", "selpercatinib")
        if r.effect == R
    ]
    rec = only(found)
    assert rec.level == "R2"
    assert any(c.doi == "10.1016/j.jtho.2020.01.006" for c in rec.evidence)


def test_u14_ovarian_cancer_as_clinicians_write_it_keeps_its_parp_inhibitors() -> None:
    # The ovarian PARP-inhibitor rules are narrowed to epithelial codes (OVT, HGSFT, PSEC);
    # "ovarian cancer" as written in a clinic means epithelial ovarian cancer (OVT).
    report = actionable.evaluate(["BRCA1 Q1756Pfs*74"], tumor="ovarian cancer")
    level_one = {r.therapy.name for r in report.recommendations if r.level == "1"}
    assert {"olaparib", "niraparib", "rucaparib"} <= level_one
    assert report.tumor is not None and report.tumor.code == "OVT"
