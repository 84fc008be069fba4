"""Readers of cohort inputs: MAF, VCF, CNA, fusions, clinical tables."""

from __future__ import annotations

from pathlib import Path

import pytest

from actionable.io import (
    read_clinical,
    read_cna,
    read_fusions,
    read_maf,
    read_vcf,
    summarize_records,
)
from actionable.io.maf import maf_change_text
from actionable.io.vcf import NO_ANNOTATION_REASON, pick_consequence

FIXTURES = Path(__file__).parent / "fixtures" / "cohort"
SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "examples"


def _rows(records):  # type: ignore[no-untyped-def]
    return [(r.line, r.sample, r.status, str(r.variant) if r.variant else None) for r in records]


def test_maf_reader_lines_statuses_and_variants() -> None:
    assert _rows(read_maf(FIXTURES / "cohort.maf")) == [
        (4, "P1", "ok", "BRAF V600E"),
        (5, "P1", "ok", "TP53 R175H"),
        (6, "P2", "ok", "KRAS G12D"),
        (7, "P4", "ok", "KRAS G12C"),
        (8, "P4", "skipped", None),
        (9, "P4", "error", None),
        (10, "P4", "ok", "TTN A100V"),
        (11, "P5", "ok", "BRAF V600E"),
        (12, "PX", "ok", "KRAS G12C"),
        (13, "P7", "ok", "TP53 R213*"),
        (14, "P7", "ok", "TP53 X125_splice"),
        (15, "P3", "error", None),
    ]


def test_maf_reasons_are_counted() -> None:
    summary = summarize_records(read_maf(FIXTURES / "cohort.maf"))
    assert summary["ok"] == 9 and summary["skipped"] == 1 and summary["error"] == 2
    reasons = summary["reasons"]
    assert isinstance(reasons, dict)
    assert reasons["non-coding: Silent"] == 1
    bad = [r for r in read_maf(FIXTURES / "cohort.maf") if r.status == "error"]
    assert "malformed change 'p.V600EE'" in (bad[0].reason or "")
    assert "no protein change" in (bad[1].reason or "")


def test_maf_change_text() -> None:
    assert maf_change_text("p.X125_splice") == "X125_splice"
    assert maf_change_text("", "ENSP00000288602.6:p.Val600Glu") == "p.Val600Glu"


def test_minimal_maf_rows_are_not_interpretable(tmp_path: Path) -> None:
    maf = tmp_path / "min.maf"
    maf.write_text(
        "Chromosome\tStart_Position\tReference_Allele\tTumor_Seq_Allele2\tTumor_Sample_Barcode\n"
        "7\t140453136\tA\tT\tS1\n"
    )
    [record] = read_maf(maf)
    assert (record.line, record.sample, record.status) == (2, "S1", "skipped")
    assert "not interpretable offline" in (record.reason or "")


@pytest.mark.skipif(not SHARED.exists(), reason="shared/data not present beside the repo")
def test_shared_minimalist_maf() -> None:
    summary = summarize_records(read_maf(SHARED / "vcf2maf" / "minimalist_test_maf.tsv"))
    assert (summary["ok"], summary["skipped"], summary["error"]) == (0, 645, 0)


def test_vep_vcf_picks_mane_and_splits_samples() -> None:
    assert _rows(read_vcf(FIXTURES / "vep.vcf")) == [
        (7, "P1", "ok", "BRAF V600E"),  # MANE entry, not the first (p.Val182Glu)
        (8, "P1", "ok", "TP53 R175H"),
        (8, "P4", "ok", "TP53 R175H"),
        (9, "P1", "skipped", None),
        (9, "P4", "skipped", None),  # ./. : carrier unknown, reported
        (10, "P4", "error", None),
    ]


def test_snpeff_vcf_without_samples_uses_file_name() -> None:
    assert _rows(read_vcf(FIXTURES / "snpeff.vcf")) == [(5, "snpeff", "ok", "KRAS G12C")]
    assert _rows(read_vcf(FIXTURES / "snpeff.vcf", sample="PAT-9")) == [
        (5, "PAT-9", "ok", "KRAS G12C")
    ]


def test_pick_consequence_order() -> None:
    entries = [{"SYMBOL": "A"}, {"SYMBOL": "B", "CANONICAL": "YES"}, {"SYMBOL": "C", "PICK": "1"}]
    assert pick_consequence(entries, "CSQ") == {"SYMBOL": "C", "PICK": "1"}
    assert pick_consequence([{"HGVS.p": ""}, {"HGVS.p": "p.G12C"}], "ANN") == {"HGVS.p": "p.G12C"}


@pytest.mark.skipif(not SHARED.exists(), reason="shared/data not present beside the repo")
def test_pcgr_vcf_without_csq_yields_clear_errors() -> None:
    records = list(read_vcf(SHARED / "pcgr" / "T001-BRCA.grch38.vcf.gz"))
    assert len(records) == 196
    assert {r.status for r in records} == {"error"}
    assert {r.reason for r in records} == {NO_ANNOTATION_REASON}
    assert records[0].line > 1 and records[1].line == records[0].line + 1


def test_cna_matrix() -> None:
    assert _rows(read_cna(FIXTURES / "cna.tsv")) == [
        (2, "P2", "ok", "ERBB2 amplification"),
        (2, "P3", "ok", "ERBB2 amplification"),
        (3, "P2", "ok", "CDKN2A deletion"),
        (4, "P2", "ok", "MYC gain"),
        (4, "P3", "error", None),
    ]
    only_deep = _rows(read_cna(FIXTURES / "cna.tsv", calls=frozenset({-2, 2})))
    assert [r[3] for r in only_deep] == [
        "ERBB2 amplification",
        "ERBB2 amplification",
        "CDKN2A deletion",
        None,
    ]


def test_cna_segments_are_refused_with_reason() -> None:
    [record] = read_cna(FIXTURES / "segments.tsv")
    assert record.status == "error" and "segments" in (record.reason or "")


def test_fusion_formats() -> None:
    assert _rows(read_fusions(FIXTURES / "P7.star-fusion.tsv")) == [
        (2, "P7", "ok", "TPM3::NTRK1 fusion"),
        (3, "P7", "error", None),
    ]
    assert _rows(read_fusions(FIXTURES / "sv.tsv")) == [
        (2, "P4", "ok", "EML4::ALK fusion"),
        (3, "P6", "ok", "TPM3::NTRK1 fusion"),
    ]
    assert _rows(read_fusions(FIXTURES / "pcgr_fusions.tsv", sample="T1")) == [
        (2, "T1", "ok", "EML4::ALK fusion"),
        (3, "T1", "error", None),
    ]


def test_clinical_table() -> None:
    rows = list(read_clinical(FIXTURES / "clinical.tsv"))
    assert [(r.line, r.sample, r.tumor) for r in rows] == [
        (2, "P1", "HGNEC"),
        (3, "P2", "COAD"),
        (4, "P3", "COAD"),
        (5, "P4", "LUAD"),
        (6, "P5", None),
        (7, "P6", "PANEC"),
        (8, "P7", "PANEC"),
    ]
    p1 = rows[0]
    assert p1.prior_therapies == ("carboplatin", "etoposide")
    assert p1.treated_with == ("dabrafenib + trametinib",)
    assert p1.biomarkers == ("TMB 1.6 mut/Mb", "MSS")
    assert rows[4].error is not None and "unknown tumor type" in rows[4].error
    assert [r.error for r in rows if r.sample != "P5"] == [None] * 6


def test_clinical_csv_and_duplicates(tmp_path: Path) -> None:
    table = tmp_path / "c.csv"
    table.write_text("# cBioPortal header\nSAMPLE_ID,ONCOTREE_CODE\nA,MEL\nA,LUAD\n")
    rows = list(read_clinical(table))
    assert [(r.line, r.sample, r.tumor, r.error is None) for r in rows] == [
        (3, "A", "MEL", True),
        (4, "A", None, False),
    ]
