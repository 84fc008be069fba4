"""Table-driven checks of the curated indications (rules/*.yaml) through evaluate().

Each positive case is (variants, tumor, therapy name, level, effect): the report must hold a
recommendation for that therapy (drugs joined with " + " in the order the rule lists them)
at that level with that effect. Negative cases name a therapy and level that must NOT be
offered. Tumors are OncoTree codes or free text.
"""

from __future__ import annotations

from functools import cache

import pytest

import actionable
from actionable.models import Recommendation, Report

S, R = "sensitivity", "resistance"
_RANK = {"1": 1, "R1": 1, "2": 2, "3A": 3, "R2": 3, "3B": 4, "4": 5}


@cache
def _evaluate(variants: tuple[str, ...], tumor: str | None) -> Report:
    return actionable.evaluate(list(variants), tumor=tumor)


def best(report: Report, name: str) -> Recommendation | None:
    """The best-level recommendation for a therapy name, or None."""
    found = [r for r in report.recommendations if r.therapy.name == name]
    return min(found, key=lambda r: _RANK[r.level]) if found else None


def has(report: Report, name: str, level: str, effect: str | None = None) -> bool:
    """Whether the report recommends ``name`` at ``level`` (and with ``effect``)."""
    return any(
        r.therapy.name == name and r.level == level and (effect is None or r.effect == effect)
        for r in report.recommendations
    )


def _describe(report: Report) -> str:
    return "; ".join(f"{r.therapy.name} {r.level} {r.effect}" for r in report.recommendations)


EX19 = "EGFR E746_A750del"
EML4_ALK = "EML4::ALK fusion"
BCR_ABL1 = "BCR::ABL1 fusion"
HER2_AMP = "ERBB2 amplification"
FLT3_ITD = "FLT3 F594_D600dup"  # an internal tandem duplication written as an in-frame dup

POSITIVE: list[tuple[list[str], str, str, str, str]] = [
    # --- EGFR, NSCLC
    (["EGFR L858R"], "LUAD", "osimertinib", "1", S),
    ([EX19], "LUAD", "osimertinib", "1", S),
    (["EGFR exon 19 deletion"], "NSCLC", "erlotinib", "1", S),
    (["EGFR L858R"], "NSCLC", "gefitinib", "1", S),
    (["EGFR L858R"], "LUAD", "afatinib", "1", S),
    ([EX19], "LUAD", "dacomitinib", "1", S),
    (["EGFR L858R"], "LUAD", "erlotinib + ramucirumab", "1", S),
    ([EX19], "LUAD", "amivantamab + lazertinib", "1", S),
    (["EGFR L858R"], "LUAD", "osimertinib + pemetrexed + carboplatin", "1", S),
    (["EGFR L858R"], "LUAD", "amivantamab + carboplatin + pemetrexed", "1", S),
    (["EGFR L858R"], "LUAD", "datopotamab deruxtecan", "1", S),
    (["EGFR G719A"], "LUAD", "afatinib", "1", S),
    (["EGFR G719S"], "LUAD", "afatinib", "1", S),
    (["EGFR S768I"], "LUAD", "afatinib", "1", S),
    (["EGFR L861Q"], "LUAD", "afatinib", "1", S),
    (["EGFR L861Q"], "LUAD", "osimertinib", "2", S),
    (["EGFR L858R", "EGFR T790M"], "LUAD", "osimertinib", "1", S),
    (["EGFR L858R", "EGFR T790M"], "LUAD", "erlotinib", "R1", R),
    (["EGFR L858R", "EGFR T790M"], "LUAD", "gefitinib", "R1", R),
    (["EGFR L858R", "EGFR T790M"], "LUAD", "afatinib", "R1", R),
    ([EX19, "EGFR T790M", "EGFR C797S"], "LUAD", "osimertinib", "R2", R),
    (["EGFR A767_V769dup"], "LUAD", "amivantamab", "1", S),
    (["EGFR exon 20 insertion"], "LUAD", "sunvozertinib", "1", S),
    (["EGFR exon 20 insertion"], "LUAD", "amivantamab + carboplatin + pemetrexed", "1", S),
    (["EGFR exon 20 insertion"], "LUAD", "erlotinib", "R2", R),
    # --- ALK
    ([EML4_ALK], "LUAD", "alectinib", "1", S),
    ([EML4_ALK], "LUAD", "brigatinib", "1", S),
    ([EML4_ALK], "LUAD", "lorlatinib", "1", S),
    ([EML4_ALK], "LUAD", "crizotinib", "1", S),
    ([EML4_ALK], "LUAD", "ceritinib", "1", S),
    ([EML4_ALK], "LUAD", "ensartinib", "1", S),
    (["NPM1::ALK fusion"], "ALCL", "crizotinib", "1", S),
    (["TPM3::ALK fusion"], "IMT", "crizotinib", "1", S),
    ([EML4_ALK, "ALK G1202R"], "LUAD", "alectinib", "R2", R),
    ([EML4_ALK, "ALK L1196M"], "LUAD", "crizotinib", "R2", R),
    # --- ROS1
    (["CD74::ROS1 fusion"], "LUAD", "crizotinib", "1", S),
    (["CD74::ROS1 fusion"], "LUAD", "entrectinib", "1", S),
    (["CD74::ROS1 fusion"], "LUAD", "repotrectinib", "1", S),
    (["CD74::ROS1 fusion"], "LUAD", "taletrectinib", "1", S),
    (["CD74::ROS1 fusion"], "LUAD", "lorlatinib", "2", S),
    (["CD74::ROS1 fusion", "ROS1 G2032R"], "LUAD", "crizotinib", "R2", R),
    # --- RET
    (["KIF5B::RET fusion"], "LUAD", "selpercatinib", "1", S),
    (["KIF5B::RET fusion"], "LUAD", "pralsetinib", "1", S),
    (["CCDC6::RET fusion"], "THPA", "selpercatinib", "1", S),
    (["CCDC6::RET fusion"], "THPA", "pralsetinib", "1", S),
    (["RET M918T"], "THME", "selpercatinib", "1", S),
    (["RET C634R"], "THME", "selpercatinib", "1", S),
    (["NCOA4::RET fusion"], "PAAD", "selpercatinib", "1", S),
    # --- NTRK (tumor agnostic)
    (["ETV6::NTRK3 fusion"], "IFS", "larotrectinib", "1", S),
    (["ETV6::NTRK3 fusion"], "BRCA", "entrectinib", "1", S),
    (["TPM3::NTRK1 fusion"], "COAD", "repotrectinib", "1", S),
    (["NTRK2 fusion"], "GB", "larotrectinib", "1", S),
    (["TPM3::NTRK1 fusion", "NTRK1 G595R"], "COAD", "larotrectinib", "R2", R),
    # --- MET
    (["MET exon 14 skipping"], "LUAD", "capmatinib", "1", S),
    (["MET exon 14 skipping"], "LUAD", "tepotinib", "1", S),
    (["MET exon 14 skipping"], "LUAD", "crizotinib", "2", S),
    (["MET amplification"], "LUAD", "crizotinib", "2", S),
    (["MET overexpression"], "LUAD", "telisotuzumab vedotin", "1", S),
    (["EGFR L858R", "MET amplification"], "LUAD", "osimertinib", "R2", R),
    # --- KRAS / NRAS
    (["KRAS G12C"], "LUAD", "sotorasib", "1", S),
    (["KRAS G12C"], "LUAD", "adagrasib", "1", S),
    (["KRAS G12C"], "COAD", "sotorasib + panitumumab", "1", S),
    (["KRAS G12C"], "COAD", "adagrasib + cetuximab", "1", S),
    (["KRAS G12C"], "PAAD", "sotorasib", "2", S),
    (["KRAS G12D"], "COAD", "cetuximab", "R1", R),
    (["KRAS G12D"], "COAD", "panitumumab", "R1", R),
    (["KRAS A146T"], "READ", "cetuximab", "R1", R),
    (["NRAS Q61K"], "READ", "panitumumab", "R1", R),
    (["KRAS wildtype", "NRAS wildtype"], "COAD", "cetuximab", "1", S),
    (["KRAS wildtype", "NRAS wildtype"], "COAD", "panitumumab", "1", S),
    # --- BRAF
    (["BRAF V600E"], "SKCM", "dabrafenib + trametinib", "1", S),
    (["BRAF V600K"], "SKCM", "encorafenib + binimetinib", "1", S),
    (["BRAF V600E"], "SKCM", "vemurafenib + cobimetinib", "1", S),
    (["BRAF V600E"], "MEL", "vemurafenib", "1", S),
    (["BRAF V600E"], "MEL", "dabrafenib", "1", S),
    (["BRAF V600K"], "MEL", "trametinib", "1", S),
    (["BRAF V600E"], "MEL", "atezolizumab + cobimetinib + vemurafenib", "1", S),
    (["BRAF V600E"], "LUAD", "dabrafenib + trametinib", "1", S),
    (["BRAF V600E"], "LUAD", "encorafenib + binimetinib", "1", S),
    (["BRAF V600E"], "COAD", "encorafenib + cetuximab", "1", S),
    (
        ["BRAF V600E"],
        "COAD",
        "encorafenib + cetuximab + fluorouracil + leucovorin + oxaliplatin",
        "1",
        S,
    ),
    (["BRAF V600E"], "THAP", "dabrafenib + trametinib", "1", S),
    (["BRAF V600E"], "PAST", "dabrafenib + trametinib", "1", S),
    (["KIAA1549::BRAF fusion"], "PAST", "tovorafenib", "1", S),
    (["BRAF V600E"], "ECD", "vemurafenib", "1", S),
    (["BRAF V600E"], "HGNEC", "dabrafenib + trametinib", "1", S),
    (["BRAF V600E"], "HCL", "vemurafenib", "2", S),
    (["BRAF V600E"], "IHCH", "dabrafenib + trametinib", "1", S),
    (["BRAF V600E"], "COAD", "dabrafenib + trametinib", "R2", R),
    (["BRAF V600E"], "COAD", "cetuximab", "R2", R),
    # --- ERBB2
    ([HER2_AMP], "BRCA", "trastuzumab", "1", S),
    ([HER2_AMP], "BRCA", "pertuzumab + trastuzumab", "1", S),
    ([HER2_AMP], "BRCA", "trastuzumab emtansine", "1", S),
    (["ERBB2 overexpression"], "IDC", "trastuzumab deruxtecan", "1", S),
    ([HER2_AMP], "BRCA", "tucatinib + trastuzumab + capecitabine", "1", S),
    ([HER2_AMP], "BRCA", "neratinib", "1", S),
    ([HER2_AMP], "BRCA", "lapatinib + capecitabine", "1", S),
    ([HER2_AMP], "STAD", "trastuzumab + cisplatin + capecitabine", "1", S),
    ([HER2_AMP], "STAD", "trastuzumab deruxtecan", "1", S),
    ([HER2_AMP], "COAD", "tucatinib + trastuzumab", "1", S),
    ([HER2_AMP], "COAD", "trastuzumab + pertuzumab", "2", S),
    ([HER2_AMP], "COAD", "trastuzumab + lapatinib", "2", S),
    (["ERBB2 Y772_A775dup"], "LUAD", "trastuzumab deruxtecan", "1", S),
    (["ERBB2 Y772_A775dup"], "LUAD", "zongertinib", "1", S),
    (["ERBB2 overexpression"], "BLCA", "trastuzumab deruxtecan", "1", S),
    (["ERBB2 overexpression"], "IHCH", "zanidatamab", "1", S),
    # --- breast: PI3K pathway and ESR1
    (["PIK3CA H1047R"], "BRCA", "alpelisib + fulvestrant", "1", S),
    (["PIK3CA E545K"], "BRCA", "capivasertib + fulvestrant", "1", S),
    (["PIK3CA H1047R"], "BRCA", "inavolisib + palbociclib + fulvestrant", "1", S),
    (["AKT1 E17K"], "BRCA", "capivasertib + fulvestrant", "1", S),
    (["PTEN R130*"], "BRCA", "capivasertib + fulvestrant", "1", S),
    (["ESR1 Y537S"], "BRCA", "elacestrant", "1", S),
    (["ESR1 D538G"], "BRCA", "imlunestrant", "1", S),
    # --- BRCA1/2 and HRR genes
    (["BRCA2 E1308* (germline)"], "BRCA", "olaparib", "1", S),
    (["BRCA1 Q1756Pfs*74 (germline)"], "BRCA", "talazoparib", "1", S),
    (["BRCA1 Q1756Pfs*74"], "HGSOC", "olaparib", "1", S),
    (["BRCA1 Q1756Pfs*74"], "HGSOC", "olaparib + bevacizumab", "1", S),
    (["BRCA2 E1308*"], "HGSOC", "rucaparib", "1", S),
    (["BRCA2 E1308* (germline)"], "HGSOC", "niraparib", "1", S),
    (["BRCA2 E1308*"], "PRAD", "olaparib", "1", S),
    (["BRCA2 E1308*"], "PRAD", "talazoparib + enzalutamide", "1", S),
    (["BRCA2 E1308*"], "PRAD", "niraparib + abiraterone + prednisone", "1", S),
    (["BRCA1 Q1756Pfs*74"], "PRAD", "olaparib + abiraterone + prednisone", "1", S),
    (["BRCA2 deletion"], "PRAD", "rucaparib", "1", S),
    (["BRCA2 E1308* (germline)"], "PAAD", "olaparib", "1", S),
    (["ATM Q1970*"], "PRAD", "olaparib", "1", S),
    (["CDK12 Q1046*"], "PRAD", "talazoparib + enzalutamide", "1", S),
    (["PALB2 Q775*"], "PRAD", "olaparib", "1", S),
    (["HRD"], "HGSOC", "olaparib + bevacizumab", "1", S),
    # --- GIST, mastocytosis, melanoma (KIT / PDGFRA)
    (["KIT W557_K558del"], "GIST", "imatinib", "1", S),
    (["KIT A502_Y503dup"], "GIST", "imatinib", "1", S),
    (["PDGFRA D842V"], "GIST", "avapritinib", "1", S),
    (["PDGFRA D842V"], "GIST", "imatinib", "R1", R),
    (["PDGFRA V561D"], "GIST", "imatinib", "2", S),
    (["KIT W557_K558del", "KIT V654A"], "GIST", "imatinib", "R2", R),
    (["KIT D816V"], "ISM", "avapritinib", "1", S),  # K10: label is advanced and indolent SM
    (["KIT D816V"], "ASM", "midostaurin", "1", S),
    (["KIT D816V"], "SM", "imatinib", "R1", R),
    (["KIT L576P"], "SKCM", "imatinib", "2", S),
    # --- cholangiocarcinoma, bladder, glioma
    (["FGFR2::BICC1 fusion"], "IHCH", "pemigatinib", "1", S),
    (["FGFR2::BICC1 fusion"], "IHCH", "futibatinib", "1", S),
    (["IDH1 R132C"], "IHCH", "ivosidenib", "1", S),
    (["FGFR3 S249C"], "BLCA", "erdafitinib", "1", S),
    (["FGFR3::TACC3 fusion"], "BLCA", "erdafitinib", "1", S),
    (["IDH1 R132H"], "ASTR2", "vorasidenib", "1", S),  # U6: grade 2 only
    (["IDH2 R172K"], "ODG2", "vorasidenib", "1", S),
    # --- AML / MDS
    ([FLT3_ITD], "AML", "midostaurin + cytarabine + daunorubicin", "1", S),
    (["FLT3 D835Y"], "AML", "gilteritinib", "1", S),
    ([FLT3_ITD], "AML", "quizartinib + cytarabine + daunorubicin", "1", S),
    (["FLT3 D835Y"], "AML", "quizartinib", "R2", R),
    (["IDH1 R132H"], "AML", "ivosidenib", "1", S),
    (["IDH1 R132H"], "AML", "olutasidenib", "1", S),
    (["IDH1 R132C"], "AML", "ivosidenib + azacitidine", "1", S),
    (["IDH2 R140Q"], "AML", "enasidenib", "1", S),
    (["IDH1 R132H"], "MDS", "ivosidenib", "1", S),
    (["KMT2A::MLLT3 fusion"], "AML", "revumenib", "1", S),
    (["KMT2A::AFF1 fusion"], "BLL", "revumenib", "1", S),
    (["NPM1 W288Cfs*12"], "AML", "revumenib", "1", S),
    (["NPM1 W288Cfs*12"], "AML", "ziftomenib", "1", S),
    # --- CML / Ph+ ALL
    ([BCR_ABL1], "CML", "imatinib", "1", S),
    ([BCR_ABL1], "CML", "dasatinib", "1", S),
    ([BCR_ABL1], "CML", "nilotinib", "1", S),
    ([BCR_ABL1], "CML", "bosutinib", "1", S),
    ([BCR_ABL1], "CML", "ponatinib", "1", S),
    ([BCR_ABL1], "CML", "asciminib", "1", S),
    ([BCR_ABL1], "BLL", "dasatinib", "1", S),
    ([BCR_ABL1], "BLL", "imatinib", "1", S),
    ([BCR_ABL1, "ABL1 T315I"], "CML", "imatinib", "R1", R),
    ([BCR_ABL1, "ABL1 T315I"], "CML", "dasatinib", "R1", R),
    ([BCR_ABL1, "ABL1 T315I"], "CML", "nilotinib", "R1", R),
    ([BCR_ABL1, "ABL1 T315I"], "CML", "bosutinib", "R1", R),
    ([BCR_ABL1, "ABL1 T315I"], "CML", "ponatinib", "1", S),
    ([BCR_ABL1, "ABL1 T315I"], "CML", "asciminib", "1", S),
    ([BCR_ABL1, "ABL1 F317L"], "CML", "dasatinib", "R1", R),
    ([BCR_ABL1, "ABL1 Y253H"], "CML", "nilotinib", "R1", R),
    # --- MSI / MMR / TMB
    (["MSI-H"], "COAD", "pembrolizumab", "1", S),
    (["MSI-H"], "COAD", "nivolumab + ipilimumab", "1", S),
    (["dMMR"], "COAD", "nivolumab", "1", S),
    (["MSI-H"], "STAD", "pembrolizumab", "1", S),
    (["dMMR"], "UEC", "dostarlimab", "1", S),
    (["dMMR"], "PAAD", "dostarlimab", "1", S),
    (["MSI-H"], "UEC", "dostarlimab + carboplatin + paclitaxel", "1", S),
    (["dMMR"], "UEC", "durvalumab + carboplatin + paclitaxel", "1", S),
    (["pMMR"], "UEC", "pembrolizumab + lenvatinib", "1", S),
    (["dMMR"], "READ", "dostarlimab", "1", S),
    (["TMB 12 mut/Mb"], "LUAD", "pembrolizumab", "1", S),
    # --- other biomarker-defined approvals
    (["CD74::NRG1 fusion"], "LUAD", "zenocutuzumab", "1", S),
    (["ATP1B1::NRG1 fusion"], "PAAD", "zenocutuzumab", "1", S),
    (["EZH2 Y646N"], "FL", "tazemetostat", "1", S),
    (["FIP1L1::PDGFRA fusion"], "CELNOS", "imatinib", "1", S),
    (["ETV6::PDGFRB fusion"], "CMML", "imatinib", "1", S),
    (["FGFR1 fusion"], "MLNFGFR1", "pemigatinib", "1", S),
    (["VHL R167W (germline)"], "CCRCC", "belzutifan", "1", S),
    (["NF1 R1947* (germline)"], "NFIB", "selumetinib", "1", S),
]

# HRR genes in prostate cancer (PROfound, TALAPRO-2): a truncating change in each gene
POSITIVE += [
    (["ATR R1346*"], "PRAD", "talazoparib + enzalutamide", "1", S),
    (["BARD1 Q564*"], "PRAD", "olaparib", "1", S),
    (["BRIP1 R798*"], "PRAD", "olaparib", "1", S),
    (["CHEK1 R379*"], "PRAD", "olaparib", "1", S),
    (["CHEK2 T367Mfs*15"], "PRAD", "olaparib", "1", S),
    (["FANCA R1117*"], "PRAD", "talazoparib + enzalutamide", "1", S),
    (["FANCL E163*"], "PRAD", "olaparib", "1", S),
    (["MLH1 R226*"], "PRAD", "talazoparib + enzalutamide", "1", S),
    (["MRE11 R572*"], "PRAD", "talazoparib + enzalutamide", "1", S),
    (["NBN K219fs*19"], "PRAD", "talazoparib + enzalutamide", "1", S),
    (["RAD51B R47*"], "PRAD", "olaparib", "1", S),
    (["RAD51C R193*"], "PRAD", "olaparib", "1", S),
    (["RAD51D R206*"], "PRAD", "olaparib", "1", S),
    (["RAD54L Q512*"], "PRAD", "olaparib", "1", S),
]

NEGATIVE: list[tuple[list[str], str, str, str]] = [
    # colorectal adenocarcinoma is excluded from the tumor-agnostic BRAF approval
    (["BRAF V600E"], "COAD", "dabrafenib + trametinib", "1"),
    (["BRAF V600E"], "READ", "dabrafenib + trametinib", "1"),
    # the tumor-agnostic BRAF approval covers solid tumors only
    (["BRAF V600E"], "AML", "dabrafenib + trametinib", "1"),
    # no anti-EGFR sensitivity with a RAS mutation
    (["KRAS G12D"], "COAD", "cetuximab", "1"),
    (["KRAS G12D"], "COAD", "panitumumab", "1"),
    (["KRAS G12D", "KRAS wildtype", "NRAS wildtype"], "COAD", "cetuximab", "1"),
    (["KRAS wildtype"], "COAD", "panitumumab", "1"),  # NRAS not reported as tested
    (["KRAS G12D", HER2_AMP], "COAD", "tucatinib + trastuzumab", "1"),
    # exon 20 insertions are not covered by the sensitizing-mutation approvals
    (["EGFR exon 20 insertion"], "LUAD", "amivantamab + lazertinib", "1"),
    (["EGFR exon 20 insertion"], "LUAD", "erlotinib", "1"),
    # PDGFRA D842V and KIT D816V are imatinib resistant
    (["PDGFRA D842V"], "GIST", "imatinib", "1"),
    (["PDGFRA D842V"], "GIST", "imatinib", "2"),
    (["KIT D816V"], "SM", "imatinib", "1"),
    # T315I alone gives no first/second-generation TKI sensitivity
    (["ABL1 T315I"], "CML", "nilotinib", "1"),
    # MSS colorectal cancer gets no checkpoint inhibitor
    (["MSS"], "COAD", "pembrolizumab", "1"),
    (["pMMR"], "COAD", "nivolumab + ipilimumab", "1"),
    # rules stay within their tumor types
    (["NTRK3 fusion"], "AML", "larotrectinib", "1"),
    (["EML4::ALK fusion"], "COAD", "alectinib", "1"),
    (["BRAF V600E"], "COAD", "tovorafenib", "1"),
    (["KRAS G12C"], "PAAD", "sotorasib + panitumumab", "1"),
    # "oncogenic mutations" of a tumor suppressor: truncating changes, not any missense
    (["RAD51C A126T"], "PRAD", "olaparib", "1"),
    (["CHEK2 I157T"], "PRAD", "olaparib", "1"),
]


def _id(case: tuple) -> str:
    return f"{'+'.join(case[0])}|{case[1]}|{case[2]}|{case[3]}"


def test_table_is_large_enough() -> None:
    assert len(POSITIVE) + len(NEGATIVE) >= 120


@pytest.mark.parametrize("case", POSITIVE, ids=_id)
def test_indication(case: tuple[list[str], str, str, str, str]) -> None:
    variants, tumor, name, level, effect = case
    report = _evaluate(tuple(variants), tumor)
    assert has(report, name, level, effect), (
        f"expected {name} at level {level} ({effect}); got: {_describe(report)}"
    )


@pytest.mark.parametrize("case", NEGATIVE, ids=_id)
def test_not_indicated(case: tuple[list[str], str, str, str]) -> None:
    variants, tumor, name, level = case
    report = _evaluate(tuple(variants), tumor)
    assert not has(report, name, level, "sensitivity"), (
        f"{name} must not be offered at level {level}; got: {_describe(report)}"
    )


def test_braf_colorectal_best_is_encorafenib_cetuximab() -> None:
    report = _evaluate(("BRAF V600E",), "COAD")
    rec = best(report, "encorafenib + cetuximab")
    assert rec is not None and rec.level == "1" and rec.effect == "sensitivity"
    dt = best(report, "dabrafenib + trametinib")
    assert dt is None or dt.level != "1"


def test_t790m_switches_to_osimertinib() -> None:
    report = _evaluate(("EGFR L858R", "EGFR T790M"), "LUAD")
    assert has(report, "osimertinib", "1", "sensitivity")
    for drug in ("erlotinib", "gefitinib"):
        assert has(report, drug, "R1", "resistance")


def test_colon_nec_braf_is_level_1() -> None:
    """The motivating case: BRAF V600E colon neuroendocrine carcinoma."""
    report = _evaluate(("BRAF V600E", "TP53 R213*"), "colon NEC")
    rec = best(report, "dabrafenib + trametinib")
    assert rec is not None and rec.level == "1"


# --------------------------------------------------------------------------- per-file coverage
def _curated_files() -> dict[str, list[actionable.rules.Rule]]:  # type: ignore[name-defined]
    from pathlib import Path

    from actionable.rules import load_rules

    files: dict[str, list] = {}
    for rule in load_rules(sources=["curated"]):
        files.setdefault(Path(rule.file).stem, []).append(rule)
    return files


_OPPOSITE = {"MSI-H": "MSS", "dMMR": "pMMR", "TMB-H": "TMB 2 mut/Mb", "HRD": "HRD negative"}


def _negative_for(rule) -> str:  # type: ignore[no-untyped-def]
    """A variant of the rule's gene (or biomarker) that no rule of its file should match:
    a synonymous change at the rule's own codon, wild type, or the opposite biomarker state."""
    pattern = rule.patterns[0]
    if pattern.kind == "biomarker":
        return _OPPOSITE.get(pattern.alteration or "", "TMB 2 mut/Mb")
    if pattern.kind == "exact" and pattern.alteration:
        variant = actionable.parse_variant(f"{rule.gene} {pattern.alteration}")
        if variant.position and variant.ref and len(variant.ref) == 1:
            return f"{rule.gene} {variant.ref}{variant.position}="
    return f"{rule.gene} wildtype"


def test_every_curated_file_has_positive_and_negative_cases() -> None:
    files = _curated_files()
    file_of = {r.id: stem for stem, rules in files.items() for r in rules}
    positive: set[str] = set()
    for variants, tumor, name, level, effect in POSITIVE:
        report = _evaluate(tuple(variants), tumor)
        for r in report.recommendations:
            if (r.therapy.name, r.level, r.effect) == (name, level, effect):
                positive.add(file_of.get(r.rule_id, "?"))
                positive.update(file_of.get(s, "?") for s in r.supporting_rules)
    assert sorted(set(files) - positive) == []
    for stem, rules in files.items():
        rule = rules[0]
        tumor = next((c for c in rule.tumor.include if not c.startswith("all")), "LUAD")
        negative = _negative_for(rule)
        report = _evaluate((negative,), tumor)
        offered = [r.rule_id for r in report.recommendations if file_of.get(r.rule_id) == stem]
        assert offered == [], f"{stem}: {negative} in {tumor} must not match; got {offered}"
