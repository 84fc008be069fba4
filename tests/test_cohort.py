"""Cohort annotation (OncoKB-annotator columns) and the screening funnel."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from pydantic import ValidationError

from actionable.cohort import (
    ANNOTATION_COLUMNS,
    Annotator,
    Funnel,
    annotate,
    oncokb_columns,
    screen,
)
from actionable.engine import Engine

FIXTURES = Path(__file__).parent / "fixtures" / "cohort"


@pytest.fixture(scope="module")
def engine() -> Engine:
    """The fixture rules: frozen, so curation elsewhere does not move these tests."""
    return Engine.load(FIXTURES / "rules")


def _read(path: Path) -> list[dict[str, str]]:
    lines = [line for line in path.read_text().splitlines() if not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


def _annotate(tmp_path: Path, engine: Engine, jobs: int = 1) -> tuple[Path, object]:
    out = tmp_path / "annotated.tsv"
    summary = annotate(
        FIXTURES / "cohort.maf",
        out,
        clinical=FIXTURES / "clinical.tsv",
        cna=[FIXTURES / "cna.tsv"],
        fusions=[FIXTURES / "P7.star-fusion.tsv", FIXTURES / "sv.tsv"],
        rules=engine if jobs == 1 else FIXTURES / "rules",
        jobs=jobs,
    )
    return out, summary


def test_annotate_columns_and_counts(tmp_path: Path, engine: Engine) -> None:
    out, summary = _annotate(tmp_path, engine)
    assert summary.model_dump(include={"rows", "with_rules", "annotated", "skipped", "errors"}) == {  # type: ignore[attr-defined]
        "rows": 12,
        "with_rules": 8,
        "annotated": 3,
        "skipped": 1,
        "errors": 2,
    }
    text = out.read_text().splitlines()
    assert text[:2] == ["#version 2.4", "#comment line"]
    header = text[2].split("\t")
    assert header[-len(ANNOTATION_COLUMNS) :] == list(ANNOTATION_COLUMNS)
    rows = _read(out)
    assert len(rows) == 12
    braf = rows[0]
    assert (
        braf["HIGHEST_LEVEL"],
        braf["HIGHEST_SENSITIVE_LEVEL"],
        braf["HIGHEST_RESISTANCE_LEVEL"],
    ) == ("LEVEL_1", "LEVEL_1", "")
    assert braf["LEVEL_1"] == "dabrafenib+trametinib"
    # Issue 11: cetuximab is a colorectal-specific partner and does not travel off-label.
    assert braf["LEVEL_3B"] == "encorafenib"
    assert braf["LEVEL_2"] == ""  # the NEC level-2 rule supports the level-1 one (merged)
    assert braf["ACTIONABLE_RULE_IDS"] == "fx-braf-v600e-solid,fx-braf-v600e-crc"
    assert braf["RATIONALE"].split("|")[0] == (
        "LEVEL_1 dabrafenib + trametinib: "
        "BRAF V600E matches rule fx-braf-v600e-solid (exact: V600E)"
    )
    kras_crc = rows[2]
    assert (kras_crc["HIGHEST_LEVEL"], kras_crc["LEVEL_R1"]) == ("LEVEL_R1", "cetuximab")
    assert kras_crc["HIGHEST_RESISTANCE_LEVEL"] == "LEVEL_R1"
    assert rows[3]["LEVEL_1"] == "sotorasib"
    # Silent, TTN (no rules), TP53 (no rules): empty, no error.
    for index in (1, 4, 6, 9, 10):
        assert all(rows[index][c] == "" for c in ANNOTATION_COLUMNS), rows[index]
    assert rows[5]["ACTIONABLE_ERROR"].startswith("line 9: cannot parse variant 'p.V600EE'")
    assert rows[11]["ACTIONABLE_ERROR"].startswith("line 15: cannot parse variant 'BRAF'")
    assert rows[7]["HIGHEST_LEVEL"] == "" and "clinical row 6" in rows[7]["ACTIONABLE_ERROR"]
    assert "'PX' is not in the clinical table" in rows[8]["ACTIONABLE_ERROR"]


def test_annotate_uses_patient_context(tmp_path: Path, engine: Engine) -> None:
    _, summary = _annotate(tmp_path, engine)
    cna = _read(Path(summary.outputs[1]))  # type: ignore[attr-defined]
    by = {(r["SAMPLE_ID"], r["VARIANT"]): r for r in cna}
    # P3: ERBB2 amplification, RAS wild type -> level 2; P2 carries KRAS G12D -> excluded.
    assert by[("P3", "ERBB2 amplification")]["LEVEL_2"] == "trastuzumab+pertuzumab"
    assert by[("P2", "ERBB2 amplification")]["HIGHEST_LEVEL"] == ""
    assert [r["LINE"] for r in cna] == ["2", "2", "3", "4", "4"]
    assert cna[-1]["ACTIONABLE_ERROR"] == "copy-number value 'abc' is not one of -2, -1, 0, 1, 2"
    fusions = _read(Path(summary.outputs[2]))  # type: ignore[attr-defined]
    assert [(r["SAMPLE_ID"], r["LEVEL_1"]) for r in fusions] == [
        ("P7", "larotrectinib"),
        ("P7", ""),
        ("P4", ""),
        ("P6", "larotrectinib"),
    ]


def test_annotate_parallel_matches_serial(tmp_path: Path, engine: Engine) -> None:
    big = tmp_path / "big.maf"
    body = (FIXTURES / "cohort.maf").read_text().splitlines()
    header, rows = body[:3], body[3:]
    big.write_text("\n".join(header + rows * 9000) + "\n")  # ~1.2 MB: split into chunks
    serial, parallel = tmp_path / "s.tsv", tmp_path / "p.tsv"
    clinical = FIXTURES / "clinical.tsv"
    a = annotate(big, serial, clinical=clinical, rules=engine)
    b = annotate(big, parallel, clinical=clinical, rules=FIXTURES / "rules", jobs=2)
    assert serial.read_text() == parallel.read_text()
    assert (
        (a.rows, a.annotated, a.errors) == (b.rows, b.annotated, b.errors) == (108000, 27000, 18000)
    )
    text = parallel.read_text()  # line numbers continue across chunks
    assert text.count("line 107997: cannot parse variant 'p.V600EE'") == 1
    assert text.count("line 108003: cannot parse variant 'BRAF'") == 1


def test_oncokb_columns_empty() -> None:
    assert oncokb_columns([]) == ("",) * len(ANNOTATION_COLUMNS)


def test_annotator_alias_fast_path(engine: Engine) -> None:
    annotator = Annotator(rules=engine)
    assert annotator.rule_symbol("BRAF") == "BRAF"
    assert annotator.rule_symbol("HER2") == "ERBB2"
    assert annotator.rule_symbol("TTN") is None
    assert annotator.rule_symbol("NOT-A-GENE") is None


def test_screen_funnel(engine: Engine) -> None:
    funnel = screen(
        FIXTURES / "clinical.tsv",
        maf=[FIXTURES / "cohort.maf"],
        vcf=[FIXTURES / "vep.vcf"],
        cna=[FIXTURES / "cna.tsv"],
        fusions=[FIXTURES / "P7.star-fusion.tsv", FIXTURES / "sv.tsv"],
        rules=engine,
    )
    assert funnel.counts == {"screened": 7, "sequenced": 7, "actionable": 5, "treated": 1}
    assert funnel.actionable == ("P1", "P3", "P4", "P6", "P7")
    assert funnel.treated == ("P1",)
    assert len(funnel.errors) == 3
    assert funnel.errors[0].endswith(
        "clinical.tsv:6: sample P5: " + funnel.patients["P5"].clinical_error
    )  # type: ignore[operator]
    assert funnel.errors[1] == "sample PX has 1 variant rows but is not in the clinical table"
    # Issue 13: a patient evaluated without any tumor type is counted, never silent.
    assert funnel.errors[2] == (
        "1 patients have no tumor type in the MAF's ONCOTREE_CODE, the clinical table or "
        "--tumor (P5): evaluated with tumor-agnostic rules only"
    )
    assert funnel.tumor_sources == {"maf": 0, "clinical": 6, "default": 0, "none": 1}
    p1 = funnel.reports["P1"]
    assert [str(v) for v in p1.variants] == ["BRAF V600E", "TP53 R175H", "TMB 1.6 mut/Mb", "MSS"]
    assert [(r.level, r.therapy.name) for r in p1.recommendations] == [
        ("1", "dabrafenib + trametinib"),
        ("3B", "encorafenib"),  # issue 11: without the colorectal partner cetuximab
    ]
    assert funnel.patients["P1"].input_issue_counts == {"skipped: non-coding: intron_variant": 1}
    assert [(r.level, r.therapy.name) for r in funnel.reports["P7"].recommendations] == [
        ("1", "larotrectinib"),
        ("1", "pembrolizumab"),
    ]
    assert funnel.reports["P5"].tumor is None
    with pytest.raises(ValidationError):
        funnel.threshold = "1"  # type: ignore[misc]


def test_screen_threshold_and_table(engine: Engine) -> None:
    funnel = screen(
        FIXTURES / "clinical.tsv", maf=[FIXTURES / "cohort.maf"], threshold="1", rules=engine
    )
    # Without the CNA and fusion files: P3 (ERBB2) and P6 (fusion only) drop out,
    # P6 is not sequenced (no panel, no rows).
    assert funnel.counts == {"screened": 7, "sequenced": 6, "actionable": 3, "treated": 1}
    assert funnel.to_table().splitlines() == [
        "stage        patients  of screened  of previous  samples",
        "screened     7         100%         -",
        "sequenced    6         86%          86%",
        "actionable   3         43%          50%          P1, P4, P7",
        "treated      1         14%          33%          P1",
    ]


def test_screen_parallel(engine: Engine) -> None:
    funnel = screen(
        FIXTURES / "clinical.tsv", maf=[FIXTURES / "cohort.maf"], rules=FIXTURES / "rules", jobs=2
    )
    assert funnel.actionable == ("P1", "P4", "P7")


def test_funnel_validation() -> None:
    with pytest.raises(ValueError):
        screen(FIXTURES / "clinical.tsv", maf=[FIXTURES / "cohort.maf"], threshold="R1")
    assert Funnel(threshold="2", screened=(), sequenced=(), actionable=(), treated=()).counts == {
        "screened": 0,
        "sequenced": 0,
        "actionable": 0,
        "treated": 0,
    }


def test_annotate_gzip_input_falls_back_to_one_process(tmp_path: Path, engine: Engine) -> None:
    import gzip

    packed = tmp_path / "cohort.maf.gz"
    packed.write_bytes(gzip.compress((FIXTURES / "cohort.maf").read_bytes()))
    plain, zipped = tmp_path / "plain.tsv", tmp_path / "zipped.tsv"
    clinical = FIXTURES / "clinical.tsv"
    annotate(FIXTURES / "cohort.maf", plain, clinical=clinical, rules=engine)
    summary = annotate(packed, zipped, clinical=clinical, rules=engine, jobs=2)
    assert summary.warnings[0] == "--jobs needs an uncompressed MAF file; annotated in one process"
    assert "not in the clinical table (PX)" in summary.warnings[1]
    assert zipped.read_text() == plain.read_text()
