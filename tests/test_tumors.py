"""Tumor-type resolution and tumor-context matching (actionable.tumors)."""

from __future__ import annotations

import doctest
import json
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import actionable.tumors as tumors
from actionable.errors import RuleFileError, UnknownTumorError
from actionable.models import TumorContext, TumorType
from actionable.tumors import (
    all_codes,
    descendants,
    get_tumor,
    is_known_code,
    match,
    oncotree_release,
    resolve_tumor,
    validate_context,
)

REPO = Path(__file__).resolve().parent.parent
SHARED_TREE = REPO.parent / "shared" / "data" / "tumor_types" / "oncotree_2025_10_03.json"

# --------------------------------------------------------------------------- resolution

RESOLVED = [
    # OncoTree codes, any case, current and retired
    ("COAD", "COAD", "code"),
    ("luad", "LUAD", "code"),
    ("Luad", "LUAD", "code"),
    (" HGNEC ", "HGNEC", "code"),
    ("nsclc", "NSCLC", "code"),
    ("SCLC", "SCLC", "code"),
    ("ccRCC", "CCRCC", "code"),
    ("RCC", "RCC", "code"),
    ("HCC", "HCC", "code"),
    ("GIST", "GIST", "code"),
    ("AML", "AML", "code"),
    ("CML", "CML", "code"),
    ("MDS", "MDS", "code"),
    ("SM", "SM", "code"),
    ("HGSOC", "HGSOC", "code"),
    ("CUP", "CUP", "code"),
    ("GEJ", "GEJ", "code"),
    ("MDS/MPN", "MDS/MPN", "code"),
    ("hcl-v", "HCL-V", "code"),
    ("MM", "PCM", "code"),  # retired code (history)
    ("CLL", "CLLSLL", "code"),  # retired code (precursor)
    ("GBM", "GB", "code"),  # revoked code
    ("DIPG", "DMG", "code"),
    ("LUNE", "LUNE", "code"),
    ("PNET", "PNET", "code"),  # the OncoTree code wins: Primitive Neuroectodermal Tumor
    # OncoTree names: case, punctuation, spacing, plural, British spelling
    ("Colon Adenocarcinoma", "COAD", "name"),
    ("COLON ADENOCARCINOMA", "COAD", "name"),
    ("colon-adenocarcinoma", "COAD", "name"),
    ("lung adenocarcinoma", "LUAD", "name"),
    ("lung adenocarcinomas", "LUAD", "name"),
    ("Colorectal Adenocarcinoma", "COADREAD", "name"),
    ("small cell lung cancer", "SCLC", "name"),
    ("non small cell lung cancer", "NSCLC", "name"),
    ("Non-Small-Cell Lung Cancer", "NSCLC", "name"),
    ("high-grade neuroendocrine carcinoma of the colon and rectum", "HGNEC", "name"),
    ("Large cell neuroendocrine carcinoma", "LUNE", "name"),
    ("neuroendocrine carcinoma, NOS", "NECNOS", "name"),
    ("Pancreatic Neuroendocrine Carcinoma", "PANEC", "name"),
    ("cholangiocarcinoma", "CHOL", "name"),
    ("melanoma", "MEL", "name"),
    ("uveal melanoma", "UM", "name"),
    ("anaplastic thyroid cancer", "THAP", "name"),
    ("cancer of unknown primary", "CUP", "name"),
    ("small cell carcinoma of unknown primary", "SCUP", "name"),
    ("systemic mastocytosis", "SM", "name"),
    ("Breast Invasive Ductal Carcinoma", "IDC", "name"),
    ("breast invasive ductal carcinomas", "IDC", "name"),
    ("acute myeloid leukaemia", "AML", "name"),
    ("Systemic Mastocytosis with an Associated Haematological Neoplasm", "SMAHN", "name"),
    ("gastrointestinal stromal tumour", "GIST", "name"),
    ("oesophageal adenocarcinoma", "ESCA", "name"),
    ("Oesophageal squamous cell carcinoma", "ESCC", "name"),
    ("Wilms tumour", "WT", "name"),
    ("Hodgkin's lymphoma", "HL", "name"),
    ("Sézary syndrome", "SS", "name"),
    ("Polycythaemia vera", "PV", "name"),
    ("pancreatic adenocarcinoma", "PAAD", "name"),
    # synonyms from knowledgebase/tumor_synonyms.yaml
    ("NSCLC NOS", "NSCLC", "synonym"),
    ("squamous NSCLC", "LUSC", "synonym"),
    ("squamous cell carcinoma of the lung", "LUSC", "synonym"),
    ("LCNEC", "LUNE", "synonym"),
    ("lung LCNEC", "LUNE", "synonym"),
    ("CRC", "COADREAD", "synonym"),
    ("mCRC", "COADREAD", "synonym"),
    ("colorectal cancer", "COADREAD", "synonym"),
    ("bowel cancer", "COADREAD", "synonym"),
    ("colon cancer", "COAD", "synonym"),
    ("rectal cancer", "READ", "synonym"),
    ("colon NEC", "HGNEC", "synonym"),
    ("Colon NEC", "HGNEC", "synonym"),
    ("colorectal NEC", "HGNEC", "synonym"),
    ("rectal NEC", "HGNEC", "synonym"),
    ("neuroendocrine carcinoma of the colon", "HGNEC", "synonym"),
    ("NEC", "NECNOS", "synonym"),
    ("neuroendocrine carcinoma", "NECNOS", "synonym"),
    ("NET", "NETNOS", "synonym"),
    ("colon NET", "GINET", "synonym"),
    ("pancreatic NEC", "PANEC", "synonym"),
    ("pancreatic NET", "PANET", "synonym"),
    ("PanNET", "PANET", "synonym"),
    ("gastric NEC", "HGNES", "synonym"),
    ("oesophageal NEC", "HGNEE", "synonym"),
    ("PDAC", "PAAD", "synonym"),
    ("pancreatic cancer", "PAAD", "synonym"),
    ("TNBC", "BRCA", "synonym"),
    ("triple-negative breast cancer", "BRCA", "synonym"),
    ("breast cancer", "BRCA", "synonym"),
    ("HR+ breast cancer", "BRCA", "synonym"),
    ("HR+/HER2- breast cancer", "BRCA", "synonym"),
    ("thyroid cancer", "THYROID", "synonym"),
    ("ATC", "THAP", "synonym"),
    ("PTC", "THPA", "synonym"),
    ("MTC", "THME", "synonym"),
    ("iCCA", "IHCH", "synonym"),
    ("glioblastoma", "GB", "synonym"),
    ("glioma", "GNOS", "synonym"),
    ("low-grade glioma", "LGGNOS", "synonym"),
    ("ovarian cancer", "OVT", "synonym"),
    ("prostate cancer", "PRAD", "synonym"),
    ("mCRPC", "PRAD", "synonym"),
    ("bladder cancer", "BLCA", "synonym"),
    ("urothelial carcinoma", "BLCA", "synonym"),
    ("gastric cancer", "STAD", "synonym"),
    ("GOJ adenocarcinoma", "GEJ", "synonym"),
    ("gastrooesophageal junction adenocarcinoma", "GEJ", "synonym"),
    ("HNSCC", "HNSC", "synonym"),
    ("endometrial cancer", "UCEC", "synonym"),
    ("cervical cancer", "CERVIX", "synonym"),
    ("sarcoma", "SARCNOS", "synonym"),
    ("multiple myeloma", "PCM", "synonym"),
    ("chronic myeloid leukaemia", "CML", "synonym"),
    ("chronic lymphocytic leukemia", "CLLSLL", "synonym"),
    ("B-ALL", "BLL", "synonym"),
    ("T-ALL", "TLL", "synonym"),
    ("Ph+ ALL", "BLLBCRABL1", "synonym"),
    ("AdvSM", "SM", "synonym"),
    ("myelofibrosis", "PMF", "synonym"),
    ("malignant pleural mesothelioma", "PLMESO", "synonym"),
    ("carcinoma of unknown primary", "CUP", "synonym"),
    ("primary CNS lymphoma", "PCNSL", "synonym"),
    ("lung cancer", "LUNG", "synonym"),
    # staging and qualifiers that do not change the type
    ("stage IV colon NEC", "HGNEC", "synonym"),
    ("Metastatic colorectal cancer", "COADREAD", "synonym"),
    ("stage 3b NSCLC", "NSCLC", "code"),
    ("NSCLC stage IIIB", "NSCLC", "code"),
    ("Stage IIIA non-small-cell lung cancer", "NSCLC", "name"),
    ("relapsed/refractory AML", "AML", "code"),
    ("Relapsed/Refractory Multiple Myeloma", "PCM", "synonym"),
    ("de novo AML", "AML", "code"),
    ("de-novo AML", "AML", "code"),
    ("RECURRENT  Glioblastoma", "GB", "synonym"),
    ("unresectable HCC", "HCC", "code"),
    ("locally advanced pancreatic cancer", "PAAD", "synonym"),
    ("advanced systemic mastocytosis", "SM", "synonym"),  # AdvSM is a listed phrase
    ("primary colon cancer", "COAD", "synonym"),
    ("newly diagnosed multiple myeloma", "PCM", "synonym"),
    ("T2N1M0 breast cancer", "BRCA", "synonym"),
    ("breast cancer with liver metastases", "BRCA", "synonym"),
    ("colon cancer metastatic to the liver", "COAD", "synonym"),
    ("extensive-stage SCLC", "SCLC", "code"),
    # approximate, and safe: reordering, spacing, one slip in a long word
    ("adenocarcinoma of the lung", "LUAD", "grammar"),  # histology + site
    ("carcinoma, hepatocellular", "HCC", "fuzzy"),
    ("nonsmall cell lung cancer", "NSCLC", "fuzzy"),
    ("gastro-oesophageal junction adenocarcinoma", "GEJ", "grammar"),
    ("hepatocelular carcinoma", "HCC", "fuzzy"),
    ("melanomma", "MEL", "fuzzy"),
    ("glioblastomma", "GB", "fuzzy"),
    ("lung adenocarcinomma", "LUAD", "fuzzy"),
    ("rectal adenocarinoma", "READ", "fuzzy"),
    ("cholangiocarcinom", "CHOL", "fuzzy"),
]


@pytest.mark.parametrize(("text", "code", "how"), RESOLVED)
def test_resolve(text: str, code: str, how: str) -> None:
    tumor = resolve_tumor(text)
    assert (tumor.code, tumor.matched_by) == (code, how)
    assert tumor.text == text


def test_resolution_table_is_large_enough() -> None:
    assert len(RESOLVED) >= 80
    assert len({text for text, _, _ in RESOLVED}) == len(RESOLVED)


def test_resolved_fields() -> None:
    tumor = resolve_tumor("colon NEC")
    assert tumor == TumorType(
        code="HGNEC",
        name="High-Grade Neuroendocrine Carcinoma of the Colon and Rectum",
        main_type="Gastrointestinal Neuroendocrine Tumor",
        tissue="Bowel",
        ancestors=("GINET", "BOWEL", "TISSUE"),
        is_solid=True,
        matched_by="synonym",
        text="colon NEC",
        reading="read 'colon NEC' as HGNEC: histology nec, site colon, a curated synonym",
    )
    assert tumor.lineage() == ("HGNEC", "GINET", "BOWEL", "TISSUE")


def test_hgnec_is_not_under_colorectal_adenocarcinoma() -> None:
    hgnec = resolve_tumor("HGNEC")
    assert "BOWEL" in hgnec.ancestors
    assert "COADREAD" not in hgnec.ancestors
    assert "HGNEC" not in descendants("COADREAD")
    assert resolve_tumor("COAD").ancestors == ("COADREAD", "BOWEL", "TISSUE")


def test_ancestors_of_tissue_and_root() -> None:
    assert resolve_tumor("BOWEL").ancestors == ("TISSUE",)
    assert resolve_tumor("TISSUE").ancestors == ()
    assert resolve_tumor("SMAHN").ancestors == ("SM", "MCD", "MNM", "MYELOID", "TISSUE")


def test_tumor_type_is_returned_as_is() -> None:
    tumor = TumorType(code="XYZ", name="Made up", matched_by="model")
    assert resolve_tumor(tumor) is tumor


def test_resolve_rejects_non_text() -> None:
    with pytest.raises(TypeError):
        resolve_tumor(42)  # type: ignore[arg-type]


# Misspellings and texts that must fail, with what the suggestions must contain.
UNRESOLVED = [
    ("NSLC", ("NSCLC", "SCLC")),
    ("coln NEC", ("colon NEC", "colon NET")),  # a short word: could be anything
    ("colan NEC", ("colon NEC",)),
    ("pancreatik NEC", ("pancreatic NEC", "pancreatic NET")),  # NEC and NET both near
    ("SCLS", ("SCLC",)),
    ("LAUD", ("LUAD",)),
    ("luad adeno", ("lung adeno",)),
    ("qwertyuiop carcinoma", ()),
    ("tumour", ()),
]


@pytest.mark.parametrize(("text", "expected"), UNRESOLVED)
def test_unknown_raises_with_suggestions(text: str, expected: tuple[str, ...]) -> None:
    with pytest.raises(UnknownTumorError) as info:
        resolve_tumor(text)
    assert info.value.text == text
    assert 1 <= len(info.value.suggestions) <= 3
    for suggestion in expected:
        assert suggestion in info.value.suggestions
    assert isinstance(info.value, ValueError)


def test_suggestions_are_ranked_and_resolvable() -> None:
    with pytest.raises(UnknownTumorError) as info:
        resolve_tumor("NSLC")
    assert info.value.suggestions == ("NSCLC", "SCLC", "NSCLCPD")
    with pytest.raises(UnknownTumorError) as info:
        resolve_tumor("coln NEC")
    assert info.value.suggestions[0] == "colon NEC"
    for suggestion in info.value.suggestions:
        resolve_tumor(suggestion)
    assert "did you mean 'colon NEC'" in str(info.value)


@pytest.mark.parametrize("text", ["", "   ", "metastatic", "stage IV"])
def test_empty_or_only_qualifiers_raises(text: str) -> None:
    with pytest.raises(UnknownTumorError) as info:
        resolve_tumor(text)
    assert info.value.suggestions == ()


AMBIGUOUS = [
    ("ALL", ("B-Lymphoblastic Leukemia/Lymphoma", "T-Lymphoblastic Leukemia/Lymphoma")),
    (
        "acute lymphoblastic leukaemia",
        ("B-Lymphoblastic Leukemia/Lymphoma", "T-Lymphoblastic Leukemia/Lymphoma"),
    ),
    ("lung NEC", ("Small Cell Lung Cancer", "Large Cell Neuroendocrine Carcinoma")),
    (
        "mesothelioma",
        ("Pleural Mesothelioma", "Peritoneal Mesothelioma", "Testicular Mesothelioma"),
    ),
    ("esophageal cancer", ("Esophageal Adenocarcinoma", "Esophageal Squamous Cell Carcinoma")),
    ("oesophageal cancer", ("Esophageal Adenocarcinoma", "Esophageal Squamous Cell Carcinoma")),
    ("haematological malignancy", ("Myeloid", "Lymphoid")),
    ("immature teratoma", ("BIMT", "OIMT", "VIMT")),  # OncoTree repeats the name
]


@pytest.mark.parametrize(("text", "expected"), AMBIGUOUS)
def test_ambiguous_raises_with_all_candidates(text: str, expected: tuple[str, ...]) -> None:
    with pytest.raises(UnknownTumorError) as info:
        resolve_tumor(text)
    assert info.value.suggestions == expected
    for suggestion in expected:
        resolve_tumor(suggestion)


def test_gep_nen_lists_every_family_member() -> None:
    with pytest.raises(UnknownTumorError) as info:
        resolve_tumor("GEP-NEN")
    assert len(info.value.suggestions) == 5
    assert "Pancreatic Neuroendocrine Carcinoma" in info.value.suggestions


# --------------------------------------------------------------------------- solid / liquid


@pytest.mark.parametrize(
    ("text", "solid"),
    [
        ("AML", False),
        ("CML", False),
        ("MM", False),
        ("multiple myeloma", False),
        ("SM", False),
        ("CLL", False),
        ("ECD", False),  # histiocytic: filed under MYELOID
        ("Malignant Lymphoma", False),  # MLYM, a lymphoma filed under the brain
        ("TLYM", False),
        ("LUAD", True),
        ("HGNEC", True),
        ("COAD", True),
        ("MEL", True),
        ("GIST", True),
        ("CUP", True),
        ("TISSUE", False),  # undetermined: neither solid nor liquid
        ("MIXED", False),
    ],
)
def test_is_solid(text: str, solid: bool) -> None:
    assert resolve_tumor(text).is_solid is solid


# --------------------------------------------------------------------------- lookups


def test_get_tumor_and_known_codes() -> None:
    assert get_tumor("HGNEC").name == "High-Grade Neuroendocrine Carcinoma of the Colon and Rectum"
    assert get_tumor("hgnec").code == "HGNEC"
    with pytest.raises(UnknownTumorError) as info:
        get_tumor("COADRED")
    assert "COADREAD" in info.value.suggestions
    with pytest.raises(UnknownTumorError) as info:
        get_tumor("colon NEC")  # no name or synonym lookup here
    assert is_known_code("COADREAD") is True
    assert is_known_code("coadread") is False
    assert is_known_code("MM") is False
    assert is_known_code("all_solid") is False


def test_all_codes_and_descendants() -> None:
    codes = all_codes()
    assert len(codes) == 898
    assert {"TISSUE", "HGNEC", "COADREAD", "PCM"} <= codes
    assert "MM" not in codes
    assert descendants("COADREAD") == frozenset({"READ", "MACR", "COAD", "SRCCR", "CAIS"})
    assert descendants("GINET") == frozenset({"RWDNET", "AWDNET", "HGNEC", "SBWDNET"})
    assert descendants("HGNEC") == frozenset()
    assert descendants("TISSUE") == codes - {"TISSUE"}
    with pytest.raises(UnknownTumorError):
        descendants("NOPE")


def test_release() -> None:
    assert oncotree_release() == "oncotree_2025_10_03"


# --------------------------------------------------------------------------- matching

BRAF = TumorContext(include=("all_solid",), exclude=("COADREAD",))


@pytest.mark.parametrize(
    ("text", "matched", "included_by", "excluded_by"),
    [
        ("colon NEC", True, "all_solid", None),
        ("HGNEC", True, "all_solid", None),
        ("rectal NEC", True, "all_solid", None),
        ("COAD", False, "all_solid", "COADREAD"),
        ("READ", False, "all_solid", "COADREAD"),
        ("COADREAD", False, "all_solid", "COADREAD"),
        ("colon cancer", False, "all_solid", "COADREAD"),
        ("mCRC", False, "all_solid", "COADREAD"),
        ("MACR", False, "all_solid", "COADREAD"),
        ("BOWEL", False, "all_solid", "COADREAD"),  # broader: might be COADREAD
        ("MEL", True, "all_solid", None),
        ("LUAD", True, "all_solid", None),
        ("ATC", True, "all_solid", None),
        ("AML", False, None, None),
        ("SM", False, None, None),
        ("multiple myeloma", False, None, None),
        ("TISSUE", False, None, "COADREAD"),
    ],
)
def test_braf_tumor_agnostic_context(
    text: str, matched: bool, included_by: str | None, excluded_by: str | None
) -> None:
    result = match(BRAF, resolve_tumor(text))
    assert (result.matched, result.included_by, result.excluded_by) == (
        matched,
        included_by,
        excluded_by,
    )
    assert result.tumor == resolve_tumor(text).code
    assert result.checked_exclusions == ("COADREAD",)


def test_braf_reasons_for_colon_nec() -> None:
    result = match(BRAF, resolve_tumor("colon NEC"))
    assert result.reasons == (
        "colon NEC resolves to HGNEC (High-Grade Neuroendocrine Carcinoma of the Colon and "
        "Rectum) under GINET (Gastrointestinal Neuroendocrine Tumors) and BOWEL (Bowel)",
        "HGNEC is included through the group all_solid (HGNEC is a solid tumor)",
        "the context excludes COADREAD (Colorectal Adenocarcinoma); HGNEC is not COADREAD "
        "nor under it, so the exclusion does not apply",
        "the rule's tumor context therefore applies to HGNEC",
    )


def test_braf_reasons_for_colon_adenocarcinoma() -> None:
    result = match(BRAF, resolve_tumor("COAD"))
    assert result.reasons == (
        "COAD (Colon Adenocarcinoma) lies under COADREAD (Colorectal Adenocarcinoma) and "
        "BOWEL (Bowel)",
        "COAD is included through the group all_solid (COAD is a solid tumor)",
        "the context excludes COADREAD (Colorectal Adenocarcinoma); COAD is under COADREAD, "
        "so the exclusion applies",
        "the rule's tumor context therefore does not apply to COAD",
    )


def test_reasons_for_liquid_and_broader_tumors() -> None:
    aml = match(BRAF, resolve_tumor("AML"))
    assert aml.reasons[1] == (
        "AML is not included: the group all_solid does not cover it because AML is a "
        "hematologic (liquid) cancer (Myeloid branch)"
    )
    bowel = match(BRAF, resolve_tumor("bowel"))
    assert bowel.reasons[2] == (
        "the context excludes COADREAD (Colorectal Adenocarcinoma); BOWEL is broader and "
        "may be COADREAD, so to be safe the exclusion applies (give a more specific type)"
    )


def test_tissue_and_its_cancer_types_agree() -> None:
    # Every node under COADREAD, and COADREAD itself, gives the same answer; the
    # tissue above it (which may be COADREAD) is treated the same way.
    for code in {"COADREAD", *descendants("COADREAD"), "BOWEL"}:
        result = match(BRAF, get_tumor(code))
        assert result.matched is False, code
        assert result.excluded_by == "COADREAD", code
    # A context written for the tissue applies to every type under it.
    lung = TumorContext(include=("LUNG",))
    for code in {"LUNG", *descendants("LUNG")}:
        result = match(lung, get_tumor(code))
        assert result.matched is True, code
        assert result.included_by == ("LUNG"), code
    # A context for a cancer type does not apply to the broader tissue.
    nsclc = TumorContext(include=("NSCLC",))
    assert match(nsclc, resolve_tumor("LUAD")).included_by == "NSCLC"
    assert match(nsclc, resolve_tumor("NSCLC")).included_by == "NSCLC"
    broader = match(nsclc, resolve_tumor("lung cancer"))
    assert broader.matched is False
    assert broader.reasons[1] == (
        "LUNG is broader than the included NSCLC (Non-Small Cell Lung Cancer): the tumor may "
        "not be one of them, so it is not included (give a more specific type)"
    )


def test_most_specific_inclusion_is_reported() -> None:
    context = TumorContext(include=("all", "all_solid", "NSCLC", "LUAD"))
    assert match(context, resolve_tumor("LUAD")).included_by == "LUAD"
    assert match(context, resolve_tumor("LUSC")).included_by == "NSCLC"
    assert match(context, resolve_tumor("COAD")).included_by == "all_solid"
    assert match(context, resolve_tumor("AML")).included_by == "all"
    result = match(context, resolve_tumor("LUAD"))
    assert result.reasons[1] == "the context includes LUAD itself"
    result = match(context, resolve_tumor("LUSC"))
    assert result.reasons[1] == (
        "LUSC is included through its ancestor NSCLC (Non-Small Cell Lung Cancer)"
    )


def test_liquid_groups() -> None:
    liquid = TumorContext(include=("all_liquid",))
    assert match(liquid, resolve_tumor("AML")).matched is True
    assert match(liquid, resolve_tumor("SM")).matched is True
    assert match(liquid, resolve_tumor("MM")).matched is True
    assert match(liquid, resolve_tumor("LUAD")).matched is False
    assert match(liquid, resolve_tumor("TISSUE")).matched is False
    no_liquid = TumorContext(include=("all",), exclude=("all_liquid",))
    assert match(no_liquid, resolve_tumor("HGNEC")).matched is True
    result = match(no_liquid, resolve_tumor("CML"))
    assert (result.matched, result.included_by, result.excluded_by) == (False, "all", "all_liquid")
    # Whether TISSUE is liquid is unknown, so the exclusion is applied to be safe.
    assert match(no_liquid, resolve_tumor("TISSUE")).excluded_by == "all_liquid"


def test_ancestor_exclusion_with_code_include() -> None:
    context = TumorContext(include=("BOWEL",), exclude=("COADREAD",))
    assert match(context, resolve_tumor("HGNEC")).matched is True
    assert match(context, resolve_tumor("HGNEC")).included_by == "BOWEL"
    assert match(context, resolve_tumor("READ")).matched is False
    assert match(context, resolve_tumor("LUAD")).matched is False
    assert match(context, resolve_tumor("LUAD")).reasons[1] == (
        "LUAD is not included: LUAD is not BOWEL (Bowel) nor under it"
    )


def test_tumor_outside_the_tree_uses_its_own_lineage() -> None:
    tumor = TumorType(
        code="NEWCODE", name="New", ancestors=("COADREAD", "BOWEL", "TISSUE"), matched_by="model"
    )
    result = match(BRAF, tumor)
    assert (result.matched, result.excluded_by) == (False, "COADREAD")


# --------------------------------------------------------------------------- unknown tumor


def test_unknown_tumor_matches_only_all_without_exclusions() -> None:
    everything = match(TumorContext(), None)
    assert (everything.matched, everything.tumor, everything.included_by) == (True, None, "all")
    assert everything.reasons == (
        "the tumor type is unknown (not given or not resolved to OncoTree)",
        "the context includes every tumor type (all) and excludes none, so it applies "
        "whatever the tumor is",
        "the rule's tumor context therefore applies",
    )
    solid = match(TumorContext(include=("all_solid",)), None)
    assert (solid.matched, solid.included_by) == (False, None)
    assert "unknown" in solid.reasons[0]
    braf = match(BRAF, None)
    assert (braf.matched, braf.excluded_by, braf.checked_exclusions) == (False, None, ("COADREAD",))
    with_exclusion = match(TumorContext(include=("all",), exclude=("COADREAD",)), None)
    assert with_exclusion.matched is False
    assert with_exclusion.reasons[1] == (
        "the context excludes COADREAD (Colorectal Adenocarcinoma); an unknown tumor could be "
        "one of them, so to be safe the context is not applied"
    )
    assert match(TumorContext(include=("LUAD",)), None).matched is False


# --------------------------------------------------------------------------- validation


def test_valid_contexts_pass() -> None:
    validate_context(BRAF)
    validate_context(TumorContext())
    validate_context(TumorContext(include=("all_liquid", "HGNEC"), exclude=("SMAHN",)))


@pytest.mark.parametrize(
    ("context", "message"),
    [
        (
            TumorContext(include=("COADRED",)),
            "invalid tumor context: include: unknown OncoTree code 'COADRED' "
            "(did you mean COADREAD, COAD, CEAD?)",
        ),
        (
            TumorContext(include=("all",), exclude=("coadread",)),
            "invalid tumor context: exclude: write OncoTree code 'coadread' as 'COADREAD'",
        ),
        (
            TumorContext(include=("MM",)),
            "invalid tumor context: include: 'MM' is a retired OncoTree code; use 'PCM'",
        ),
        (
            TumorContext(include=("ALL",)),
            "invalid tumor context: include: 'ALL' is a retired OncoTree code; use 'BLL' or 'TLL'",
        ),
        (
            TumorContext(include=("colon NEC",)),
            "invalid tumor context: include: 'colon NEC' is not an OncoTree code; it resolves "
            "to 'HGNEC'",
        ),
        (
            TumorContext(include=("All_Solid",)),
            "invalid tumor context: include: write group 'All_Solid' as 'all_solid'",
        ),
        (
            TumorContext(include=()),
            "invalid tumor context: the include list is empty, so no tumor could match "
            "(use ('all',) for every tumor type)",
        ),
        (
            TumorContext(include=("all",), exclude=("all",)),
            "invalid tumor context: exclude: 'all' would exclude every tumor type; 'all' is "
            "both included and excluded",
        ),
        (
            TumorContext(include=("COAD", "XXXX"), exclude=("COAD",)),
            "invalid tumor context: include: unknown OncoTree code 'XXXX' (did you mean AFX, "
            "JXG, PXA?); 'COAD' is both included and excluded",
        ),
    ],
)
def test_invalid_contexts(context: TumorContext, message: str) -> None:
    with pytest.raises(ValueError) as info:
        validate_context(context)
    assert str(info.value) == message
    with pytest.raises(ValueError):
        match(context, resolve_tumor("LUAD"))


# --------------------------------------------------------------------------- files


def test_synonym_file_is_consistent() -> None:
    # Loading validates every entry; this also checks that every listed code exists
    # in the tree and that the header example still resolves.
    tumors._clear_caches()
    assert resolve_tumor("colon NEC").code == "HGNEC"
    index = tumors._index()
    assert len(index.synonyms) >= 150  # the grammar composes what the file once listed
    assert set(index.synonyms.values()) <= all_codes()


def _copy_knowledgebase(tmp_path: Path, synonyms: str) -> Path:
    kb = tmp_path / "knowledgebase"
    kb.mkdir()
    shutil.copy(REPO / "knowledgebase" / "oncotree.json", kb / "oncotree.json")
    shutil.copy(
        REPO / "knowledgebase" / "tumor_ontology_synonyms.tsv", kb / "tumor_ontology_synonyms.tsv"
    )
    (kb / "tumor_synonyms.yaml").write_text(synonyms, encoding="utf-8")
    return kb


@pytest.fixture
def isolated_kb(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    def use(synonyms: str) -> None:
        kb = _copy_knowledgebase(tmp_path, synonyms)
        monkeypatch.setattr(tumors.vocabulary, "knowledgebase_dir", lambda: kb)
        tumors._clear_caches()

    yield use
    monkeypatch.undo()
    tumors._clear_caches()


def test_clinician_can_add_a_synonym(isolated_kb) -> None:  # type: ignore[no-untyped-def]
    text = (REPO / "knowledgebase" / "tumor_synonyms.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "\n    - colon NEC\n",
        "\n    - colon NEC\n    - neuroendocrine carcinoma of the sigmoid\n",
        1,
    )
    isolated_kb(text)
    tumor = resolve_tumor("Neuroendocrine carcinoma of the sigmoid")
    assert (tumor.code, tumor.matched_by) == ("HGNEC", "synonym")


@pytest.mark.parametrize(
    ("synonyms", "problem"),
    [
        ("synonyms:\n  HGNECX: [colon NEC]\n", "unknown OncoTree code 'HGNECX'"),
        ("synonyms:\n  COAD: [colon NEC]\n  HGNEC: [colon NEC]\n", "already a synonym of COAD"),
        ("synonyms:\n  PANET: [PNET]\n", "it is the OncoTree code PNET"),
        ("synonyms:\n  SM: [mastocytosis]\n", "it is the OncoTree name of MCD"),
        ("synonyms:\n  PCM: [ALL]\n", "retired OncoTree code for BLL, TLL"),
        ("ambiguous:\n  ALL: [BLL]\n", "at least two codes"),
        ("synonyms:\n  COAD: colon cancer\n", "expected a list of phrasings"),
        ("- just a list\n", "expected a mapping"),
    ],
)
def test_bad_synonym_files_fail_loudly(isolated_kb, synonyms: str, problem: str) -> None:  # type: ignore[no-untyped-def]
    isolated_kb(synonyms)
    with pytest.raises(RuleFileError) as info:
        resolve_tumor("LUAD")
    assert problem in str(info.value)
    assert "tumor_synonyms.yaml" in str(info.value)


def test_compact_tree_content() -> None:
    data = json.loads((REPO / "knowledgebase" / "oncotree.json").read_text(encoding="utf-8"))
    assert data["release"] == "oncotree_2025_10_03"
    assert len(data["codes"]) == 898
    assert data["codes"]["HGNEC"] == {
        "level": 3,
        "mainType": "Gastrointestinal Neuroendocrine Tumor",
        "name": "High-Grade Neuroendocrine Carcinoma of the Colon and Rectum",
        "nci": ["C96156"],
        "parent": "GINET",
        "tissue": "Bowel",
        "umls": ["C3272607"],
    }
    assert data["codes"]["PCM"]["history"] == ["MM"]


@pytest.mark.skipif(not SHARED_TREE.exists(), reason="shared OncoTree source not available")
def test_build_script_reproduces_committed_file(tmp_path: Path) -> None:
    out = tmp_path / "oncotree.json"
    subprocess.run(
        [sys.executable, str(REPO / "scripts" / "build_oncotree.py"), "--output", str(out)],
        check=True,
        capture_output=True,
    )
    assert out.read_bytes() == (REPO / "knowledgebase" / "oncotree.json").read_bytes()


# --------------------------------------------------------------------------- runtime


def test_loading_is_thread_safe() -> None:
    tumors._clear_caches()
    results: list[str] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            results.append(resolve_tumor("colon NEC").code)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert results == ["HGNEC"] * 16
    assert tumors._build_index.cache_info().misses == 1


def test_docstring_examples() -> None:
    from actionable.tumors import contexts, lookups, matching

    tried = failures = 0
    for module in (tumors, matching, lookups, contexts):
        result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
        tried, failures = tried + result.attempted, failures + result.failed
    assert tried >= 10
    assert failures == 0


# --------------------------------------------------------------------------- whole vocabulary


def test_every_code_name_and_synonym_resolves_to_its_node() -> None:
    index = tumors._index()
    for code, node in index.nodes.items():
        assert resolve_tumor(code).code == code
        assert resolve_tumor(code.lower()).code == code
        if len(index.names[tumors._normalise(node.name)]) == 1:
            resolved = resolve_tumor(node.name)
            assert resolved.code == code, node.name
            assert resolved.matched_by in ("name", "code"), node.name
    for key, code in index.synonyms.items():
        assert resolve_tumor(key).code == code, key


@given(
    phrase=st.sampled_from(["colon NEC", "Small Cell Lung Cancer", "mCRPC", "HR+ breast cancer"]),
    upper=st.lists(st.booleans(), min_size=40, max_size=40),
    prefix=st.sampled_from(["", "metastatic ", "Stage IV ", "relapsed/refractory ", "  "]),
)
def test_case_and_qualifiers_never_change_the_answer(
    phrase: str, upper: list[bool], prefix: str
) -> None:
    mixed = "".join(
        c.upper() if flag else c.lower() for c, flag in zip(phrase, upper, strict=False)
    )
    assert resolve_tumor(prefix + mixed).code == resolve_tumor(phrase).code


def test_suggestions_are_computed_only_when_shown_and_cached() -> None:
    from actionable.tumors import matching

    text = "pancreatic adenocarcinomma of unknown kind zzq"
    matching._suggest.cache_clear()
    with pytest.raises(UnknownTumorError) as info:
        resolve_tumor(text)
    assert matching._suggest.cache_info().misses == 0  # raising costs no fuzzy search
    first = str(info.value)
    assert matching._suggest.cache_info().misses == 1
    assert "did you mean" in first and info.value.suggestions
    with pytest.raises(UnknownTumorError) as again:
        resolve_tumor(text)
    assert str(again.value) == first
    assert matching._suggest.cache_info().hits == 1  # the same unknown text: from the cache


def test_package_split_keeps_every_import() -> None:
    import actionable.tumors as package
    from actionable.tumors import contexts, lookups, matching, tree, vocabulary

    assert package.resolve_tumor is matching.resolve_tumor
    assert package.match is contexts.match
    assert package.descendants is lookups.descendants
    assert package._build_index is vocabulary._build_index
    assert package.ROOT == tree.ROOT == "TISSUE"
    for name in package.__all__:
        assert getattr(package, name) is not None
