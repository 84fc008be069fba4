"""Tumor text as clinicians write it: the corpus, placeholders that must be refused, the
reading stated in the rationale, tumor-agnostic contexts and the vocabulary build."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from actionable import evaluate
from actionable.errors import UnknownTumorError
from actionable.models import TumorContext
from actionable.tumors import is_agnostic, match, resolve_tumor, validate_context

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "tests" / "corpus"
SHARED_OBO = (
    REPO.parent / "shared" / "data" / "tumor_types" / "doid_2026-07-31_NCIthesaurus_subset.obo"
)


def _rows(name: str, width: int) -> list[tuple[str, ...]]:
    rows = []
    for line in (CORPUS / name).read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#") or line.startswith("text\t"):
            continue
        cells = line.split("\t")
        rows.append(tuple((cells + [""] * width)[:width]))
    return rows


TUMORS = _rows("tumors.tsv", 5)
NOT_TUMORS = _rows("not_tumors.tsv", 2)


def test_corpus_is_large_and_varied() -> None:
    assert len(TUMORS) >= 200
    assert len({row[0] for row in TUMORS}) == len(TUMORS)
    assert len({row[1] for row in TUMORS}) >= 120
    assert sum(1 for row in TUMORS if row[2]) >= 20
    assert sum(1 for row in TUMORS if row[3]) >= 30
    assert sum(1 for row in TUMORS if row[4]) >= 8
    assert len(NOT_TUMORS) >= 30


@pytest.mark.parametrize(("text", "code", "grade", "course", "facts"), TUMORS)
def test_corpus(text: str, code: str, grade: str, course: str, facts: str) -> None:
    tumor = resolve_tumor(text)
    assert tumor.code == code, tumor.reading
    assert tumor.text == text
    assert tumor.reading and tumor.reading.startswith(f"read {text.strip()!r} as ")
    if grade:
        assert tumor.grade == grade
        assert tumor.facts is not None and tumor.facts.grade == grade
    if course:
        assert set(tumor.course) == set(course.split(","))
        assert tumor.facts is not None and set(tumor.facts.course) == set(course.split(","))
    if facts:
        assert tumor.facts is not None
        for pair in facts.split(";"):
            key, value = pair.split("=")
            assert getattr(tumor.facts, key) == value, pair
        assert tumor.facts.sources == (f"tumor text {text.strip()!r}",)


@pytest.mark.parametrize(("text", "suggestion"), NOT_TUMORS)
def test_not_a_tumor_is_refused_with_suggestions(text: str, suggestion: str) -> None:
    with pytest.raises(UnknownTumorError) as info:
        resolve_tumor(text)
    assert info.value.text == text
    assert 1 <= len(info.value.suggestions) <= 3
    if suggestion:
        assert suggestion in info.value.suggestions
    for option in info.value.suggestions:
        resolve_tumor(option)


def test_a_text_naming_no_tumor_says_so_instead_of_guessing_a_type() -> None:
    # "did you mean 'any solid tumor'?" read as if the clinician had misspelled it.
    with pytest.raises(UnknownTumorError) as info:
        resolve_tumor("awaiting histology")
    assert info.value.names_no_tumor
    assert str(info.value) == (
        "'awaiting histology' names no tumor type; while the type is not known, write "
        "'any solid tumor' or 'cancer of unknown primary' (tumor-agnostic rules only), or "
        "leave the tumor out. Once the histology is known, give it or its OncoTree code."
    )
    with pytest.raises(UnknownTumorError) as misspelt:
        resolve_tumor("colonn adenocarcinomma of the ileum xyz")
    assert not misspelt.value.names_no_tumor
    assert str(misspelt.value).startswith("unknown tumor type")


# --------------------------------------------------------------------------- reading


@pytest.mark.parametrize(
    ("text", "code", "how", "reading"),
    [
        (
            "left-sided colon adenocarcinoma",
            "COAD",
            "name",
            "read 'left-sided colon adenocarcinoma' as COAD: histology adenocarcinoma, "
            "site colon, an OncoTree name; 'left-sided' kept as a sub-site",
        ),
        (
            "neuroendocrine carcinoma of the cecum",
            "HGNEC",
            "grammar",
            "read 'neuroendocrine carcinoma of the cecum' as HGNEC: histology neuroendocrine "
            "carcinoma, site colon; 'cecum' kept as a sub-site",
        ),
        (
            "GIST of the rectum",
            "GIST",
            "grammar",
            "read 'GIST of the rectum' as GIST: histology gist, site rectum",
        ),
        (
            "anaplastic oligodendroglioma",
            "ODG3",
            "grammar",
            "read 'anaplastic oligodendroglioma' as ODG3: histology oligodendroglioma, grade 3 "
            "selects ODG3 under ODG; grade 3 ('anaplastic')",
        ),
        (
            "adenocarcinoma of the descending colon, pT3N1",
            "COAD",
            "grammar",
            "read 'adenocarcinoma of the descending colon, pT3N1' as COAD: histology "
            "adenocarcinoma, site colon; 'descending colon' kept as a sub-site; 'pT3N1' set aside",
        ),
        (
            "AML in first relapse",
            "AML",
            "code",
            "read 'AML in first relapse' as AML: the OncoTree code AML; course relapsed kept "
            "as patient facts; 'in first relapse' set aside",
        ),
        (
            "relapsed/refractory AML",
            "AML",
            "code",
            "read 'relapsed/refractory AML' as AML: the OncoTree code AML; course relapsed, "
            "refractory kept as patient facts",
        ),
    ],
)
def test_reading_says_how_the_text_was_read(text: str, code: str, how: str, reading: str) -> None:
    tumor = resolve_tumor(text)
    assert (tumor.code, tumor.matched_by, tumor.reading) == (code, how, reading)


def test_grade_picks_graded_nodes() -> None:
    cases = {
        "grade 2 glioma": "LGGNOS",
        "grade IV glioma": "HGGNOS",
        "astrocytoma, IDH-mutant, WHO grade 2": "ASTR2",
        "astrocytoma grade 3": "ASTR3",
        "IDH-mutant astrocytoma, CNS WHO grade 4": "ASTR4",
        "oligodendroglioma grade II": "ODG2",
        "oligodendroglioma, grade 3": "ODG3",
        "low-grade serous carcinoma of the ovary": "LGSOC",
        "serous ovarian cancer, high grade": "HGSOC",
        "low-grade endometrial stromal sarcoma": "LGESS",
        "oligodendroglioma": "ODG",  # no grade: the ungraded parent
        "glioma": "GNOS",
    }
    for text, code in cases.items():
        assert resolve_tumor(text).code == code, text
    # A grade the tree has no node for is kept, never invented.
    tumor = resolve_tumor("oligodendroglioma grade 4")
    assert (tumor.code, tumor.grade) == ("ODG", "4")


def test_sub_sites_and_qualifiers_are_kept_on_the_tumor() -> None:
    tumor = resolve_tumor(
        "Adenocarcinoma of the sigmoid colon, moderately differentiated, pT3 N1b M0"
    )
    assert tumor.code == "COAD"
    assert tumor.subsite == "sigmoid colon"
    assert tumor.grade == "2"
    assert tumor.qualifiers == ("pT3N1bM0",)
    tumor = resolve_tumor("prostate adenocarcinoma, Gleason 4+3=7, ISUP grade group 3, cT2N0")
    assert tumor.code == "PRAD"
    assert tumor.qualifiers == ("Gleason 4+3=7", "ISUP grade group 3", "cT2N0")
    tumor = resolve_tumor("GIST, small bowel, high risk")
    assert tumor.code == "GIST"
    assert "histology gist, site small bowel" in (tumor.reading or "")
    assert tumor.qualifiers == ("high risk",)
    tumor = resolve_tumor("malignant pleural mesothelioma, epithelioid")
    assert tumor.code == "PLMESO"
    assert "epithelioid" in tumor.qualifiers  # not read: set aside and shown


def test_alterations_in_the_tumor_text_are_set_aside_and_said() -> None:
    tumor = resolve_tumor("KRAS G12C NSCLC")
    assert (tumor.code, tumor.matched_by) == ("NSCLC", "grammar")
    assert tumor.qualifiers == ("KRAS G12C (an alteration: give it as a report line)",)
    assert "give it as a report line" in (tumor.reading or "")
    # Where the metastasis is, is not what the tumor is.
    tumor = resolve_tumor("Brain metastasis of breast cancer")
    assert (tumor.code, tumor.course) == ("BRCA", ("metastatic",))


def test_receptor_facts_from_the_tumor_text_reach_the_report() -> None:
    report = evaluate(["PIK3CA H1047R"], tumor="ER+ PR- HER2 1+ invasive breast carcinoma")
    assert report.facts.er == "positive"
    assert report.facts.her2_status() == "low"
    assert "tumor text 'ER+ PR- HER2 1+ invasive breast carcinoma'" in report.facts.sources


def test_rationale_states_the_reading() -> None:
    context = TumorContext(include=("all_solid",), exclude=("COADREAD",))
    result = match(context, resolve_tumor("neuroendocrine carcinoma of the cecum, stage IV"))
    assert result.matched is True
    assert result.reasons[0] == (
        "neuroendocrine carcinoma of the cecum, stage IV resolves to HGNEC (High-Grade "
        "Neuroendocrine Carcinoma of the Colon and Rectum) under GINET (Gastrointestinal "
        "Neuroendocrine Tumors) and BOWEL (Bowel) (read 'neuroendocrine carcinoma of the "
        "cecum, stage IV' as HGNEC: histology neuroendocrine carcinoma, site colon; 'cecum' "
        "kept as a sub-site; 'stage iv' set aside)"
    )


# --------------------------------------------------------------------------- tumor-agnostic


def test_any_solid_tumor_gets_tumor_agnostic_rules_only() -> None:
    tumor = resolve_tumor("any solid tumor")
    assert is_agnostic(tumor) and tumor.is_solid and tumor.matched_by == "grammar"
    report = evaluate(["BRAF V600E"], tumor="any solid tumor")
    assert [(r.level, r.therapy.name) for r in report.recommendations] == [
        ("1", "dabrafenib + trametinib")
    ]
    rationale = report.recommendations[0].rationale
    assert any("tumor-agnostic context" in step for step in rationale)
    assert (
        "the context excludes COADREAD (Colorectal Adenocarcinoma); the tumor was given only "
        "as any solid tumor, so this applies only if the tumor is not COADREAD: confirm it"
    ) in rationale
    assert any("give the more specific type" in w for w in report.warnings)


def test_agnostic_contexts_respect_groups() -> None:
    solid = resolve_tumor("solid tumour NOS")
    anything = resolve_tumor("any tumor type")
    assert not anything.is_solid
    named = TumorContext(include=("MEL",))
    assert match(named, solid).matched is False
    assert match(TumorContext(include=("all_solid",)), anything).matched is False
    assert match(TumorContext(include=("all",)), anything).matched is True
    assert match(TumorContext(include=("all",), exclude=("all_liquid",)), anything).matched is False
    assert match(TumorContext(include=("all_liquid",)), solid).matched is False


def test_rule_contexts_name_groups_not_agnostic_text() -> None:
    with pytest.raises(ValueError, match="write the group 'all_solid'"):
        validate_context(TumorContext(include=("any solid tumor",)))


# --------------------------------------------------------------------------- property

_PREFIXES = ["", "stage IV ", "metastatic ", "relapsed ", "recurrent ", "newly diagnosed ",
             "locally advanced ", "left ", "right-sided ", "bilateral ",
             "Relapsed/refractory "]  # fmt: skip
_SUFFIXES = ["", ", pT3N1", ", ypT2N0M1", " cT4bN2", ", stage IIIB", ", FIGO IIIC",
             ", relapsed", " in first relapse", ", metastatic", ", recurrent", " (stage 2)",
             ", refractory", ", unresectable"]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(
    row=st.sampled_from(TUMORS),
    prefix=st.sampled_from(_PREFIXES),
    suffix=st.sampled_from(_SUFFIXES),
)
def test_qualifiers_never_change_the_code(row: tuple[str, ...], prefix: str, suffix: str) -> None:
    text, code = row[0], row[1]
    assert resolve_tumor(prefix + text + suffix).code == code


# --------------------------------------------------------------------------- vocabulary


@pytest.mark.skipif(
    not SHARED_OBO.exists() or importlib.util.find_spec("obonet") is None,
    reason="Disease Ontology source or obonet not available",
)
def test_vocabulary_build_reproduces_committed_file(tmp_path: Path) -> None:
    out = tmp_path / "tumor_ontology_synonyms.tsv"
    subprocess.run(
        [sys.executable, str(REPO / "scripts" / "build_tumor_vocabulary.py"), "--output", str(out)],
        check=True,
        capture_output=True,
    )
    committed = REPO / "knowledgebase" / "tumor_ontology_synonyms.tsv"
    assert out.read_bytes() == committed.read_bytes()


def test_ontology_synonyms_resolve() -> None:
    tumor = resolve_tumor("thyroid gland papillary carcinoma")
    assert (tumor.code, tumor.matched_by) == ("THPA", "synonym")
    assert "a Disease Ontology synonym" in (tumor.reading or "")
