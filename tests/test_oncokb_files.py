"""Outputs in the OncoKB annotators' layouts: the MAF annotator's columns (every column's
value on examples), the CNA / fusion / structural-variant layouts, and the per-sample
clinical summary (``actionable annotate-clinical``) on hand-written annotated files."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from conftest import REPO

import actionable
from actionable.annotation import (
    ANNOTATION_COLUMNS,
    EXTRA_COLUMNS,
    ONCOKB_COLUMNS,
    annotate_variant,
    annotation_columns,
    extra_columns,
    oncokb_columns,
)
from actionable.annotation.clinical import CLINICAL_COLUMNS, annotate_clinical, summarize
from actionable.annotation.tables import TableRow, layout_cells, table_rows, write_table
from actionable.cli import main

FIXTURES = REPO / "tests" / "fixtures" / "oncokb_files"

# The annotator's default columns, as its MafAnnotator.py writes them (v3.3 and later).
ANNOTATOR_HEADER = [
    "ANNOTATED", "GENE_IN_ONCOKB", "VARIANT_IN_ONCOKB", "MUTATION_EFFECT",
    "MUTATION_EFFECT_CITATIONS", "ONCOGENIC", "LEVEL_1", "LEVEL_2", "LEVEL_3A", "LEVEL_3B",
    "LEVEL_4", "LEVEL_R1", "LEVEL_R2", "HIGHEST_LEVEL", "HIGHEST_SENSITIVE_LEVEL",
    "HIGHEST_RESISTANCE_LEVEL", "TX_CITATIONS", "LEVEL_Dx1", "LEVEL_Dx2", "LEVEL_Dx3",
    "HIGHEST_DX_LEVEL", "DX_CITATIONS", "LEVEL_Px1", "LEVEL_Px2", "LEVEL_Px3",
    "HIGHEST_PX_LEVEL", "PX_CITATIONS",
]  # fmt: skip


def _row(variant: str, tumor: str | None) -> dict[str, str]:
    return dict(zip(ONCOKB_COLUMNS, oncokb_columns(annotate_variant(variant, tumor)), strict=True))


def test_columns_are_the_annotators_in_its_order() -> None:
    assert list(ONCOKB_COLUMNS) == ANNOTATOR_HEADER
    assert (*ONCOKB_COLUMNS, *EXTRA_COLUMNS) == ANNOTATION_COLUMNS
    assert EXTRA_COLUMNS == ("ACTIONABLE_RULE_IDS", "RATIONALE", "ACTIONABLE_ERROR")


def test_every_column_of_a_melanoma_braf_v600e() -> None:
    row = _row("BRAF V600E", "MEL")
    assert row["ANNOTATED"] == "True"
    assert row["GENE_IN_ONCOKB"] == "True"
    assert row["VARIANT_IN_ONCOKB"] == "True"
    assert row["MUTATION_EFFECT"] == "Gain-of-function"
    assert row["MUTATION_EFFECT_CITATIONS"].split(";")[0] == "29573941"
    assert row["ONCOGENIC"] == "Oncogenic"
    level1 = row["LEVEL_1"].split(",")
    assert {"Dabrafenib+Trametinib", "Encorafenib+Binimetinib", "Vemurafenib+Cobimetinib"} <= set(
        level1
    )
    assert len(level1) == len(set(level1))  # each therapy once
    assert row["LEVEL_2"] == row["LEVEL_3A"] == row["LEVEL_4"] == ""
    assert row["LEVEL_3B"] == "Tovorafenib"  # pediatric glioma rule offered off-label
    assert row["LEVEL_R1"] == row["LEVEL_R2"] == ""
    assert row["HIGHEST_LEVEL"] == row["HIGHEST_SENSITIVE_LEVEL"] == "LEVEL_1"
    assert row["HIGHEST_RESISTANCE_LEVEL"] == ""
    cites = row["TX_CITATIONS"].split(";")
    assert cites[0].isdigit() and len(cites) == len(set(cites))
    assert any(c.startswith("FDA label: ") for c in cites)
    assert row["LEVEL_Dx1"] == row["LEVEL_Dx2"] == ""
    assert row["LEVEL_Dx3"] == "MEL"
    assert row["HIGHEST_DX_LEVEL"] == "LEVEL_Dx3"
    assert (
        row["DX_CITATIONS"] == "21166657;CIViC EID30(https://civicdb.org/links/evidence_items/30)"
    )
    assert row["LEVEL_Px1"] == row["LEVEL_Px2"] == ""
    assert row["LEVEL_Px3"] == "MEL"
    assert row["HIGHEST_PX_LEVEL"] == "LEVEL_Px3"
    assert row["PX_CITATIONS"] == (
        "24388723;CIViC EID104(https://civicdb.org/links/evidence_items/104)"
    )


def test_resistance_levels_and_highest_level_order() -> None:
    t790m = _row("EGFR T790M", "LUAD")
    assert t790m["LEVEL_1"].split(",") == ["Datopotamab Deruxtecan", "Osimertinib"]
    assert t790m["LEVEL_R1"].split(",") == ["Erlotinib", "Gefitinib", "Afatinib", "Dacomitinib"]
    assert t790m["HIGHEST_LEVEL"] == "LEVEL_R1"
    assert t790m["HIGHEST_SENSITIVE_LEVEL"] == "LEVEL_1"
    assert t790m["HIGHEST_RESISTANCE_LEVEL"] == "LEVEL_R1"
    c797s = _row("EGFR C797S", "LUAD")
    assert c797s["ONCOGENIC"] == "Resistance"
    assert c797s["MUTATION_EFFECT"] == "Unknown"
    assert c797s["MUTATION_EFFECT_CITATIONS"] == ""
    assert c797s["LEVEL_R2"] == "Osimertinib"
    assert c797s["HIGHEST_LEVEL"] == c797s["HIGHEST_RESISTANCE_LEVEL"] == "LEVEL_R2"
    assert c797s["HIGHEST_SENSITIVE_LEVEL"] == ""
    assert c797s["TX_CITATIONS"] == "25939061"


def test_prognostic_and_diagnostic_columns() -> None:
    crc = _row("BRAF V600E", "COADREAD")
    assert crc["LEVEL_Px1"] == crc["LEVEL_Px3"] == "COADREAD"
    assert crc["HIGHEST_PX_LEVEL"] == "LEVEL_Px1"
    assert "CIViC AID20(https://civicdb.org/links/assertions/20)" in crc["PX_CITATIONS"].split(";")
    assert crc["LEVEL_R2"] and crc["HIGHEST_LEVEL"] == "LEVEL_1"
    ewing = _row("EWSR1::FLI1", "ES")
    assert (ewing["LEVEL_Dx2"], ewing["HIGHEST_DX_LEVEL"]) == ("ES", "LEVEL_Dx2")
    assert ewing["DX_CITATIONS"] == "CIViC AID97(https://civicdb.org/links/assertions/97)"
    assert ewing["HIGHEST_LEVEL"] == ""


def test_gene_and_variant_not_in_this_knowledge_base() -> None:
    row = _row("TTN A100V", None)
    assert [row[c] for c in ANNOTATOR_HEADER[:6]] == [
        "True", "False", "False", "Unknown", "", "Unknown",
    ]  # fmt: skip
    assert all(row[c] == "" for c in ANNOTATOR_HEADER[6:])
    deletion = _row("CDKN2A deletion", "GBM")
    assert (deletion["GENE_IN_ONCOKB"], deletion["VARIANT_IN_ONCOKB"]) == ("True", "False")
    assert deletion["ONCOGENIC"] == "Likely Oncogenic"
    assert deletion["MUTATION_EFFECT"] == "Likely Loss-of-function"


def test_unreadable_row_and_extra_columns() -> None:
    cols = annotation_columns(None, "line 7: cannot\tparse 'p.?'")
    assert cols[0] == "False" and all(c == "" for c in cols[1:-1])
    assert cols[-1] == "line 7: cannot parse 'p.?'"
    ids, why, error = extra_columns(annotate_variant("KRAS G12C", "LUAD"))
    assert set(ids.split(",")) >= {"kras-g12c-nsclc-sotorasib", "kras-g12c-nsclc-adagrasib"}
    assert all(part.startswith("LEVEL_") for part in why.split("|"))
    assert error == ""


# --------------------------------------------------------------------------- layouts
def _plain_read(text: str, header: list[str]) -> list[dict[str, str]]:
    """A reader that knows only the annotator's layout: the header must be exactly it."""
    lines = text.splitlines()
    assert lines[0].split("\t") == header
    return [dict(zip(header, line.split("\t"), strict=True)) for line in lines[1:]]


def _items() -> list[tuple[str, str | None, actionable.Variant | None, str, str]]:
    p = actionable.parse_variant
    return [
        ("S1", "BRCA", p("ERBB2 amplification"), "2", ""),
        ("S1", "BRCA", p("CDKN2A deletion"), "-2", ""),
        ("S2", "LUAD", p("EML4::ALK"), "EML4-ALK", ""),
        ("S3", None, None, "MYC 7", "value 7 is not a GISTIC call"),
    ]


def test_cna_layout() -> None:
    out = io.StringIO()
    rows = list(table_rows(_items()[:2] + _items()[3:]))
    assert write_table(out, "cna", rows) == 3
    found = _plain_read(
        out.getvalue(), ["SAMPLE_ID", "CANCER_TYPE", "HUGO_SYMBOL", "ALTERATION", *ANNOTATOR_HEADER]
    )
    assert [
        (r["SAMPLE_ID"], r["CANCER_TYPE"], r["HUGO_SYMBOL"], r["ALTERATION"]) for r in found
    ] == [
        ("S1", "BRCA", "ERBB2", "Amplification"),
        ("S1", "BRCA", "CDKN2A", "Deletion"),
        ("S3", "", "MYC", "7"),
    ]
    erbb2, cdkn2a, myc = found
    assert erbb2["ONCOGENIC"] == "Oncogenic" and erbb2["HIGHEST_LEVEL"] == "LEVEL_1"
    assert "Trastuzumab" in erbb2["LEVEL_1"].split(",")
    assert cdkn2a["ONCOGENIC"] == "Likely Oncogenic" and cdkn2a["HIGHEST_LEVEL"] == ""
    assert myc["ANNOTATED"] == "False" and myc["ONCOGENIC"] == ""


def test_fusion_and_sv_layouts_with_extra_columns() -> None:
    rows = list(table_rows(_items()[2:3]))
    out = io.StringIO()
    write_table(out, "fusion", rows, extra=True)
    (fusion,) = _plain_read(
        out.getvalue(), ["Tumor_Sample_Barcode", "Fusion", *ANNOTATOR_HEADER, *EXTRA_COLUMNS]
    )
    assert fusion["Fusion"] == "EML4-ALK Fusion"
    assert fusion["HIGHEST_LEVEL"] == "LEVEL_1" and "Alectinib" in fusion["LEVEL_1"].split(",")
    assert fusion["ACTIONABLE_RULE_IDS"] and fusion["ACTIONABLE_ERROR"] == ""
    out = io.StringIO()
    write_table(out, "sv", rows)
    (sv,) = _plain_read(
        out.getvalue(), ["SAMPLE_ID", "GENEA", "GENEB", "SV_TYPE", *ANNOTATOR_HEADER]
    )
    assert (sv["GENEA"], sv["GENEB"], sv["SV_TYPE"]) == ("EML4", "ALK", "FUSION")
    # An intragenic event: both genes the same, a deletion.
    intragenic = TableRow(sample="S4", text="EGFR-intragenic", sv_type="")
    assert layout_cells("sv", intragenic) == ("S4", "EGFR", "EGFR", "DELETION")
    assert layout_cells(
        "fusion", TableRow(sample="S4", variant=actionable.parse_variant("ALK fusion"))
    ) == ("S4", "ALK-intragenic")
    # A record naming no gene (a damaged file) invents neither partners nor a type.
    unread = TableRow(sample="", text="")
    assert layout_cells("fusion", unread) == ("", "")
    assert layout_cells("sv", unread) == ("", "", "", "")
    with pytest.raises(ValueError, match="layout 'vcf'"):
        write_table(io.StringIO(), "vcf", [])  # type: ignore[arg-type]


# --------------------------------------------------------------------------- clinical
ANNOTATED = [FIXTURES / f"annotated_{k}.txt" for k in ("maf", "cna", "fusion", "sv")]


def test_clinical_summary_values() -> None:
    s = summarize(ANNOTATED)
    assert set(s) == {"S1", "S2", "S3", "S4"}
    s1 = dict(zip(CLINICAL_COLUMNS, s["S1"].cells(), strict=True))
    assert s1["LEVEL_1"] == "Dabrafenib+Trametinib,Vemurafenib(BRAF p.V600E)"
    assert (s1["HIGHEST_LEVEL"], s1["HIGHEST_SENSITIVE_LEVEL"]) == ("LEVEL_1", "LEVEL_1")
    assert s1["HIGHEST_RESISTANCE_LEVEL"] == ""
    assert (s1["LEVEL_Dx3"], s1["HIGHEST_DX_LEVEL"]) == ("MEL(BRAF p.V600E)", "LEVEL_Dx3")
    assert (s1["LEVEL_Px3"], s1["HIGHEST_PX_LEVEL"]) == ("MEL(BRAF p.V600E)", "LEVEL_Px3")
    assert s1["ONCOGENIC_MUTATIONS"] == "BRAF p.V600E;TP53 p.R175H;CDKN2A Deletion"
    assert s1["#ONCOGENIC_MUTATIONS"] == "3"
    assert (s1["RESISTANCE_MUTATIONS"], s1["#RESISTANCE_MUTATIONS"]) == ("", "0")
    assert s1["#MUTATIONS_WITH_SENSITIVE_THERAPEUTIC_IMPLICATIONS"] == "1"
    assert s1["#MUTATIONS_WITH_RESISTANCE_THERAPEUTIC_IMPLICATIONS"] == "0"
    assert s1["#MUTATIONS_WITH_DIAGNOSTIC_IMPLICATIONS"] == "1"
    assert s1["#MUTATIONS_WITH_PROGNOSTIC_IMPLICATIONS"] == "1"
    assert s1["#MUTATIONS"] == "4"

    s2 = dict(zip(CLINICAL_COLUMNS, s["S2"].cells(), strict=True))
    assert s2["LEVEL_1"] == "Osimertinib(EGFR p.T790M);Alectinib,Lorlatinib(EML4-ALK Fusion)"
    assert s2["LEVEL_R1"] == "Erlotinib,Gefitinib(EGFR p.T790M)"
    assert s2["LEVEL_R2"] == "Osimertinib(EGFR p.C797S)"
    assert s2["HIGHEST_LEVEL"] == "LEVEL_R1"
    assert s2["HIGHEST_SENSITIVE_LEVEL"] == "LEVEL_1"
    assert s2["HIGHEST_RESISTANCE_LEVEL"] == "LEVEL_R1"
    assert s2["ONCOGENIC_MUTATIONS"] == "EGFR p.T790M;EML4-ALK Fusion"
    assert (s2["RESISTANCE_MUTATIONS"], s2["#RESISTANCE_MUTATIONS"]) == ("EGFR p.C797S", "1")
    assert s2["#MUTATIONS_WITH_SENSITIVE_THERAPEUTIC_IMPLICATIONS"] == "2"
    assert s2["#MUTATIONS_WITH_RESISTANCE_THERAPEUTIC_IMPLICATIONS"] == "2"
    assert s2["#MUTATIONS_WITH_DIAGNOSTIC_IMPLICATIONS"] == "0"
    assert s2["#MUTATIONS"] == "3"

    s3 = dict(zip(CLINICAL_COLUMNS, s["S3"].cells(), strict=True))
    assert s3["LEVEL_1"] == "Trastuzumab,Trastuzumab Deruxtecan(ERBB2 Amplification)"
    assert (s3["LEVEL_Dx2"], s3["HIGHEST_DX_LEVEL"]) == ("ES(EWSR1-FLI1 Fusion)", "LEVEL_Dx2")
    assert s3["ONCOGENIC_MUTATIONS"] == (
        "ERBB2 Amplification;EWSR1-FLI1 Fusion;EGFR intragenic deletion"
    )
    assert s3["HIGHEST_PX_LEVEL"] == "" and s3["#MUTATIONS"] == "3"


def test_annotate_clinical_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "clinical.oncokb.txt"
    args = ["annotate-clinical", "-i", str(FIXTURES / "clinical.txt"), "-o", str(out)]
    args += ["-a", ",".join(str(p) for p in ANNOTATED[:2]), "-a", str(ANNOTATED[2])]
    args += ["-a", str(ANNOTATED[3])]
    assert main(args) == 0
    err = capsys.readouterr().err
    assert "4 samples written" in err and "1 samples of the annotated files" in err
    with out.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle, delimiter="\t")
        header = next(reader)
        rows = {r[0]: dict(zip(header, r, strict=True)) for r in reader}
    assert header == ["SAMPLE_ID", "ONCOTREE_CODE", *CLINICAL_COLUMNS]
    assert list(rows) == ["S1", "S2", "S3", "S5"]
    assert rows["S2"]["HIGHEST_LEVEL"] == "LEVEL_R1"
    assert rows["S5"]["#MUTATIONS"] == "0" and rows["S5"]["HIGHEST_LEVEL"] == ""


def test_annotate_clinical_refuses_tables_it_cannot_read(tmp_path: Path) -> None:
    plain = tmp_path / "plain.maf"
    plain.write_text("Hugo_Symbol\tTumor_Sample_Barcode\tHGVSp_Short\nBRAF\tS1\tp.V600E\n")
    with pytest.raises(ValueError, match="not an annotated table"):
        annotate_clinical(FIXTURES / "clinical.txt", [plain], tmp_path / "o.txt")
    no_id = tmp_path / "c.txt"
    no_id.write_text("PATIENT\tONCOTREE_CODE\nS1\tMEL\n")
    with pytest.raises(ValueError, match="no SAMPLE_ID column"):
        annotate_clinical(no_id, ANNOTATED[:1], tmp_path / "o.txt")


def test_our_tables_feed_the_clinical_summary(tmp_path: Path) -> None:
    table = tmp_path / "cna.tsv"
    with table.open("w", encoding="utf-8") as out:
        write_table(out, "cna", table_rows(_items()[:2]))
    s1 = summarize([table])["S1"]
    assert s1.oncogenic == ("ERBB2 Amplification", "CDKN2A Deletion")
    assert s1.highest_sensitive_level == "LEVEL_1"


def test_annotate_then_annotate_clinical_end_to_end(tmp_path: Path) -> None:
    """Our annotated MAF and side outputs (CNA, SV, clinical TMB) feed the clinical step,
    as the OncoKB annotators' files feed theirs."""
    from actionable.cohort import annotate

    inputs = REPO / "tests" / "fixtures" / "annotator_inputs"
    out = tmp_path / "a.maf"
    summary = annotate(
        inputs / "oncotree.maf",
        out,
        clinical=inputs / "clinical.txt",
        cna=[inputs / "individual_cna.txt"],
        fusions=[inputs / "structural_variants.txt"],
        rules=REPO / "tests" / "fixtures" / "cohort" / "rules",
    )
    s = {k: dict(zip(CLINICAL_COLUMNS, v.cells(), strict=True)) for k, v in summarize(
        [Path(p) for p in summary.outputs]).items()}  # fmt: skip
    assert s["T-01"]["LEVEL_1"] == "Dabrafenib+Trametinib(BRAF p.V600E)"
    assert s["T-02"]["ONCOGENIC_MUTATIONS"] == "KRAS p.G12C;TP53 p.R273H"
    t03 = s["T-03"]
    assert (t03["LEVEL_R1"], t03["HIGHEST_LEVEL"]) == ("Cetuximab(KRAS p.G12D)", "LEVEL_R1")
    assert t03["HIGHEST_SENSITIVE_LEVEL"] == "LEVEL_1" and t03["HIGHEST_PX_LEVEL"] == "LEVEL_Px1"
    assert t03["#MUTATIONS_WITH_RESISTANCE_THERAPEUTIC_IMPLICATIONS"] == "1"
    assert s["T-21"]["ONCOGENIC_MUTATIONS"] == "ERBB2 Amplification"
    assert s["T-31"]["LEVEL_1"] == "Larotrectinib(TPM3-NTRK1 Fusion)"
    assert s["T-07"]["LEVEL_1"] == "Pembrolizumab(Other Biomarkers TMB 14 mut/Mb)"
    assert s["T-33"]["#MUTATIONS"] == "1" and s["T-33"]["HIGHEST_LEVEL"] == ""


def test_annotate_clinical_reads_a_pipe_and_writes_stdout(tmp_path: Path) -> None:
    import subprocess
    import sys

    maf = (FIXTURES / "annotated_maf.txt").read_text(encoding="utf-8")
    command = [sys.executable, "-m", "actionable", "annotate-clinical"]
    result = subprocess.run(
        [*command, "-i", str(FIXTURES / "clinical.txt"), "-a", "-", "-o", "-"],
        input=maf,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split("\t") == ["SAMPLE_ID", "ONCOTREE_CODE", *CLINICAL_COLUMNS]
    s2 = dict(zip(lines[0].split("\t"), lines[2].split("\t"), strict=True))
    assert (s2["SAMPLE_ID"], s2["HIGHEST_LEVEL"], s2["#MUTATIONS"]) == ("S2", "LEVEL_R1", "2")
    both = subprocess.run(
        [*command, "-i", "-", "-a", "-", "-o", str(tmp_path / "o.txt")],
        input=maf,
        capture_output=True,
        text=True,
        check=False,
    )
    assert both.returncode == 2 and "can feed one input only" in both.stderr
