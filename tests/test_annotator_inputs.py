"""Issue 13, inputs: every layout the OncoKB annotators read, through the API and the
command line, with the tumor type's precedence (MAF ONCOTREE_CODE > clinical table >
--tumor) and no sample left without a tumor type silently.

The example files in tests/fixtures/annotator_inputs/ are written for these tests; the
levels asserted come from the frozen fixture rules (tests/fixtures/cohort/rules) except
where a test says it uses the bundled rules (MSI-H has no fixture rule).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from actionable.cli import main
from actionable.cohort import annotate, screen
from actionable.engine import Engine
from actionable.io import read_cna, read_fusions, read_maf
from actionable.io.cna import LAYOUTS

HERE = Path(__file__).parent / "fixtures"
INPUTS = HERE / "annotator_inputs"
RULES = HERE / "cohort" / "rules"


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.load(RULES)


def _rows(path: Path) -> list[dict[str, str]]:
    lines = [line for line in path.read_text().splitlines() if not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


def _by(rows: list[dict[str, str]], *keys: str) -> dict[tuple[str, ...], dict[str, str]]:
    return {tuple(r[k] for k in keys): r for r in rows}


def _levels(row: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in row.items() if k.startswith("LEVEL_") and v}


# --------------------------------------------------------------------------- tumor type
def test_cohort_with_tumor_types_only_in_the_maf_is_actionable(tmp_path: Path) -> None:
    """The bug of issue 13: tumor types only in ONCOTREE_CODE gave '0 actionable'."""
    clinical = tmp_path / "clinical.tsv"
    clinical.write_text("SAMPLE_ID\tPANEL\nT-01\tIMPACT\nT-02\tIMPACT\nT-03\tIMPACT\n")
    funnel = screen(clinical, maf=[INPUTS / "oncotree.maf"], rules=RULES, threshold="1")
    # T-03 (colorectal) also carries KRAS G12D: cetuximab resistance wins over the
    # encorafenib + cetuximab of its BRAF V600E, as it must in colorectal cancer.
    assert funnel.counts == {"screened": 3, "sequenced": 3, "actionable": 2, "treated": 0}
    assert funnel.reports["T-03"].tumor is not None
    assert funnel.reports["T-03"].tumor.code == "COADREAD"
    assert {s: p.tumor_source for s, p in funnel.patients.items()} == {
        "T-01": "maf",
        "T-02": "maf",
        "T-03": "maf",
    }
    assert funnel.reports["T-01"].tumor is not None
    assert funnel.reports["T-01"].tumor.code == "MEL"
    assert [(r.level, r.therapy.name) for r in funnel.reports["T-02"].recommendations] == [
        ("1", "sotorasib")
    ]
    assert funnel.tumor_sources == {"maf": 3, "clinical": 0, "default": 0, "none": 0}


def test_screen_command_takes_the_maf_tumor_and_logs_the_sources(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    clinical = tmp_path / "clinical.tsv"
    clinical.write_text("SAMPLE_ID\nT-01\nT-02\nT-03\nT-09\n")
    code = main(
        [
            "screen",
            "--clinical",
            str(clinical),
            "--maf",
            str(INPUTS / "oncotree.maf"),
            "--rules",
            str(RULES),
            "--threshold",
            "1",
            "--json",
        ]
    )
    assert code == 0
    captured = capsys.readouterr()
    data = json.loads(captured.out)
    assert data["actionable"] == ["T-01", "T-02"]
    assert data["tumor_sources"] == {"maf": 3, "clinical": 0, "default": 0, "none": 0}
    assert (
        "tumor types: 3 samples from the MAF's ONCOTREE_CODE, 0 from the clinical table, "
        "0 from --tumor, 0 with none" in captured.err
    )


def test_annotate_tumor_precedence_and_warnings(tmp_path: Path, engine: Engine) -> None:
    out = tmp_path / "a.tsv"
    summary = annotate(INPUTS / "oncotree.maf", out, clinical=INPUTS / "clinical.txt", rules=engine)
    rows = _by(_rows(out), "Tumor_Sample_Barcode", "HGVSp_Short")
    # MAF ONCOTREE_CODE: melanoma, lung adenocarcinoma, colorectal.
    assert _levels(rows[("T-01", "p.V600E")]) == {
        "LEVEL_1": "dabrafenib+trametinib",
        "LEVEL_3B": "encorafenib",
    }
    assert _levels(rows[("T-02", "p.G12C")]) == {"LEVEL_1": "sotorasib"}
    assert _levels(rows[("T-03", "p.V600E")])["LEVEL_1"] == "encorafenib+cetuximab"
    assert _levels(rows[("T-03", "p.G12D")]) == {"LEVEL_R1": "cetuximab"}
    # No code in the MAF: the clinical table's NSCLC.
    assert _levels(rows[("T-04", "p.V600E")])["LEVEL_1"] == "dabrafenib+trametinib"
    # An unknown code falls through to the clinical table's LUAD, and is warned about.
    assert _levels(rows[("T-05", "p.G12C")]) == {"LEVEL_1": "sotorasib"}
    # No tumor anywhere: tumor-agnostic rules only (none for KRAS G12C).
    assert _levels(rows[("T-06", "p.G12C")]) == {}
    assert summary.tumor_sources == {"maf": 3, "clinical": 4, "default": 0, "none": 1}
    assert list(summary.warnings) == [
        "1 samples with rows in genes with rules are not in the clinical table (T-06): "
        "their rows were annotated with tumor-agnostic rules only",
        "1 ONCOTREE_CODE values of the MAF are not known tumor types (NOT_A_CODE): "
        "their rows took the clinical table's or --tumor's instead",
        "1 samples have no tumor type in the MAF's ONCOTREE_CODE, the clinical table or "
        "--tumor (T-06): their alterations were annotated with tumor-agnostic rules only",
    ]


def test_maf_code_wins_over_clinical_and_default_fills_the_gaps(
    tmp_path: Path, engine: Engine
) -> None:
    clinical = tmp_path / "clinical.tsv"
    # The clinical table says colorectal for T-01; the MAF row says melanoma and wins.
    clinical.write_text("SAMPLE_ID\tCANCER_TYPE_DETAILED\nT-01\tCOADREAD\n")
    out = tmp_path / "a.tsv"
    summary = annotate(
        INPUTS / "oncotree.maf", out, clinical=clinical, rules=engine, tumor="COADREAD"
    )
    rows = _by(_rows(out), "Tumor_Sample_Barcode", "HGVSp_Short")
    assert _levels(rows[("T-01", "p.V600E")])["LEVEL_1"] == "dabrafenib+trametinib"
    # T-04, T-05, T-06 have no usable MAF code and no clinical row: --tumor COADREAD.
    assert _levels(rows[("T-04", "p.V600E")])["LEVEL_1"] == "encorafenib+cetuximab"
    assert _levels(rows[("T-06", "p.G12C")]) == {"LEVEL_3B": "sotorasib", "LEVEL_R1": "cetuximab"}
    assert summary.tumor_sources == {"maf": 3, "clinical": 0, "default": 3, "none": 0}
    assert not any("samples have no tumor type" in w for w in summary.warnings)


def test_annotate_command_logs_precedence_and_counts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "a.tsv"
    code = main(["annotate", str(INPUTS / "oncotree.maf"), "-o", str(out), "--rules", str(RULES)])
    assert code == 0
    err = capsys.readouterr().err
    assert (
        "tumor type per sample: the MAF's ONCOTREE_CODE column, else the clinical table, "
        "else --tumor" in err
    )
    assert "warning: 3 samples have no tumor type" in err and "(T-04, T-05, T-06)" in err
    assert "3 samples from the MAF's ONCOTREE_CODE, 0 from the clinical table" in err
    rows = _by(_rows(out), "Tumor_Sample_Barcode", "HGVSp_Short")
    assert _levels(rows[("T-02", "p.G12C")]) == {"LEVEL_1": "sotorasib"}


def test_unknown_default_tumor_is_refused(tmp_path: Path) -> None:
    code = main(["annotate", str(INPUTS / "oncotree.maf"), "-o", str(tmp_path / "a"), "-t", "zzz"])
    assert code == 2 and not (tmp_path / "a").exists()


# --------------------------------------------------------------------------- MAF columns
def test_mutation_status_and_germline_columns_set_origin(tmp_path: Path) -> None:
    origins = {r.sample: r.variant.origin for r in read_maf(INPUTS / "oncotree.maf") if r.variant}
    assert origins["T-06"] == "germline" and origins["T-01"] == "somatic"
    flagged = tmp_path / "g.maf"
    flagged.write_text(
        "Hugo_Symbol\tTumor_Sample_Barcode\tProtein_Change\tGermline\n"
        "BRCA2\tA\tS1982fs\tyes\nBRCA2\tB\tS1982fs\tno\nBRCA2\tC\tS1982fs\t\n"
    )
    assert [(r.sample, r.variant.origin) for r in read_maf(flagged) if r.variant] == [
        ("A", "germline"),
        ("B", "somatic"),
        ("C", "unknown"),
    ]


@pytest.mark.parametrize("column", ["HGVSp_Short", "HGVSp", "Protein_Change", "Amino_Acid_Change"])
def test_protein_change_columns(tmp_path: Path, column: str, engine: Engine) -> None:
    change = "p.Val600Glu" if column == "HGVSp" else "V600E"
    maf = tmp_path / "m.maf"
    maf.write_text(f"Hugo_Symbol\tTumor_Sample_Barcode\t{column}\nBRAF\tP1\t{change}\n")
    out = tmp_path / "a.tsv"
    annotate(maf, out, rules=engine, tumor="MEL")
    assert _levels(_rows(out)[0])["LEVEL_1"] == "dabrafenib+trametinib"


def _atypical(tmp_path: Path, via: str, rules: str, tumor: str) -> list[dict[str, str]]:
    out = tmp_path / f"{via}.tsv"
    if via == "api":
        annotate(INPUTS / "atypical.txt", out, rules=Path(rules) if rules else None, tumor=tumor)
    else:
        extra = ["--rules", rules] if rules else []
        args = ["annotate", str(INPUTS / "atypical.txt"), "-o", str(out), "-t", tumor, *extra]
        assert main(args) == 0
    return _rows(out)


@pytest.mark.parametrize("via", ["api", "cli"])
def test_atypical_alterations(tmp_path: Path, via: str) -> None:
    rows = _by(_atypical(tmp_path, via, str(RULES), "PAAD"), "SAMPLE_ID")
    assert _levels(rows[("T-11",)]) == {"LEVEL_1": "pembrolizumab"}  # TMB-H
    assert _levels(rows[("T-13",)]) == {"LEVEL_1": "larotrectinib"}  # NTRK1 Fusions
    assert _levels(rows[("T-15",)]) == {"LEVEL_3B": "trastuzumab+pertuzumab"}
    # BRAF Oncogenic Mutations is read (no fixture rule covers it); KDD is not a
    # change this parser knows and says so on its row.
    assert rows[("T-14",)]["ACTIONABLE_ERROR"] == "" and _levels(rows[("T-14",)]) == {}
    assert rows[("T-16",)]["ACTIONABLE_ERROR"].startswith("line 7: cannot parse variant 'KDD'")


def test_atypical_msi_h_with_the_bundled_rules(tmp_path: Path) -> None:
    rows = _by(_atypical(tmp_path, "cli", "", "COADREAD"), "SAMPLE_ID")
    msi = rows[("T-12",)]
    assert msi["HIGHEST_LEVEL"] == "LEVEL_1"
    assert "pembrolizumab" in msi["LEVEL_1"].split(",")
    assert all(r.startswith("msi-h-") for r in msi["ACTIONABLE_RULE_IDS"].split(","))


# --------------------------------------------------------------------------- copy number
def test_individual_cna_layout() -> None:
    records = list(read_cna(INPUTS / "individual_cna.txt"))
    assert [(r.sample, str(r.variant) if r.variant else r.reason) for r in records] == [
        ("T-21", "ERBB2 amplification"),
        ("T-22", "ERBB2 amplification"),
        ("T-22", "KRAS gain"),
        ("T-23", "CDKN2A deletion"),
        ("T-23", "MYC loss"),
        (
            "T-24",
            "copy-number value 'many' is not one of -2, -1, 0, 1, 2 or "
            "Amplification, Deletion, Gain, Loss",
        ),
    ]


@pytest.mark.parametrize("name", ["segments.seg", "unknown_cna.txt"])
def test_other_cna_layouts_are_refused_naming_the_expected_ones(name: str) -> None:
    [record] = read_cna(INPUTS / name)
    assert record.status == "error" and record.sample is None
    assert record.reason is not None and record.reason.endswith(LAYOUTS)


@pytest.mark.parametrize("via", ["api", "cli"])
def test_cna_and_structural_inputs_annotated(tmp_path: Path, via: str) -> None:
    out = tmp_path / "a.tsv"
    cna = INPUTS / "individual_cna.txt"
    fusions = [
        INPUTS / n for n in ("structural_variants.txt", "fusions.txt", "T-51.star-fusion.tsv")
    ]
    if via == "api":
        annotate(
            INPUTS / "oncotree.maf", out, cna=[cna], fusions=fusions, rules=RULES, tumor="COADREAD"
        )
    else:
        args = [
            "annotate",
            str(INPUTS / "oncotree.maf"),
            "-o",
            str(out),
            "--rules",
            str(RULES),
            "--tumor",
            "COADREAD",
            "--cna",
            str(cna),
        ]
        for f in fusions:
            args += ["--fusions", str(f)]
        assert main(args) == 0
    cna_rows = _rows(out.with_name("a.tsv.cna.tsv"))
    # T-21 has no KRAS mutation: level 2 in colorectal; T-22 has none either.
    assert [(r["SAMPLE_ID"], r["VARIANT"], r["LEVEL_2"]) for r in cna_rows[:2]] == [
        ("T-21", "ERBB2 amplification", "trastuzumab+pertuzumab"),
        ("T-22", "ERBB2 amplification", "trastuzumab+pertuzumab"),
    ]
    fusion_rows = _rows(out.with_name("a.tsv.fusions.tsv"))
    assert [(r["SAMPLE_ID"], r["VARIANT"], r["LEVEL_1"]) for r in fusion_rows] == [
        ("T-31", "TPM3::NTRK1 fusion", "larotrectinib"),
        ("T-32", "LMNA::NTRK1 fusion", "larotrectinib"),
        ("T-33", "", ""),
        ("T-41", "TPM3::NTRK1 fusion", "larotrectinib"),
        ("T-42", "", ""),
        ("T-51", "", ""),
        ("T-51", "LMNA::NTRK1 fusion", "larotrectinib"),
    ]
    assert fusion_rows[2]["ACTIONABLE_ERROR"].startswith("KMT2D intragenic rearrangement")
    assert fusion_rows[4]["ALTERATION"] == "KMT2D-intragenic"
    assert fusion_rows[5]["ACTIONABLE_ERROR"] == (
        "1 supporting reads, fewer than the minimum 2 (--min-fusion-reads)"
    )


def test_min_fusion_reads_option(tmp_path: Path) -> None:
    star = INPUTS / "T-51.star-fusion.tsv"
    assert [r.ok for r in read_fusions(star)] == [False, True]
    assert [r.ok for r in read_fusions(star, min_reads=1)] == [True, True]
    assert [r.ok for r in read_fusions(star, min_reads=6)] == [False, False]
    clinical = tmp_path / "c.tsv"
    clinical.write_text("SAMPLE_ID\tONCOTREE_CODE\nT-51\tPAAD\n")
    funnels = [screen(clinical, fusions=[star], rules=RULES, min_fusion_reads=n) for n in (2, 6)]
    assert [f.counts["actionable"] for f in funnels] == [1, 0]


def test_sv_layout_with_tumor_sample_barcode() -> None:
    records = list(read_fusions(INPUTS / "structural_variants.txt"))
    assert [(r.sample, r.status, str(r.variant or r.text)) for r in records] == [
        ("T-31", "ok", "TPM3::NTRK1 fusion"),
        ("T-32", "ok", "LMNA::NTRK1 fusion"),
        ("T-33", "skipped", "KMT2D-intragenic"),
    ]


# --------------------------------------------------------------------------- clinical
def test_clinical_msi_and_tmb_are_annotated(tmp_path: Path) -> None:
    out = tmp_path / "a.tsv"
    summary = annotate(INPUTS / "oncotree.maf", out, clinical=INPUTS / "clinical.txt", rules=None)
    assert summary.outputs[-1] == str(out) + ".biomarkers.tsv"
    rows = _by(_rows(Path(summary.outputs[-1])), "SAMPLE_ID", "VARIANT")
    assert set(rows) == {("T-07", "TMB 14 mut/Mb"), ("T-08", "MSI-H")}
    msi = rows[("T-08", "MSI-H")]
    assert msi["HIGHEST_LEVEL"] == "LEVEL_1" and "pembrolizumab" in msi["LEVEL_1"].split(",")
    assert rows[("T-07", "TMB 14 mut/Mb")]["LINE"] == "4"


def test_clinical_tmb_with_fixture_rules(tmp_path: Path, engine: Engine) -> None:
    out = tmp_path / "a.tsv"
    annotate(INPUTS / "oncotree.maf", out, clinical=INPUTS / "clinical.txt", rules=engine)
    rows = _by(_rows(out.with_name("a.tsv.biomarkers.tsv")), "SAMPLE_ID")
    assert _levels(rows[("T-07",)]) == {"LEVEL_1": "pembrolizumab"}
    assert _levels(rows[("T-08",)]) == {}  # no MSI rule among the fixture rules


def test_stdout_refuses_side_outputs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "annotate",
            str(INPUTS / "oncotree.maf"),
            "--clinical",
            str(INPUTS / "clinical.txt"),
            "-o",
            "-",
            "--rules",
            str(RULES),
        ]
    )
    assert code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "there are biomarkers results to write as well. Give an output file" in captured.err


def test_parallel_annotation_keeps_the_tumor_precedence(tmp_path: Path, engine: Engine) -> None:
    lines = (INPUTS / "oncotree.maf").read_text().splitlines()
    big = tmp_path / "big.maf"
    big.write_text("\n".join(lines[:2] + lines[2:] * 4000) + "\n")  # ~1.3 MB: chunks
    serial, parallel = tmp_path / "s.tsv", tmp_path / "p.tsv"
    clinical = INPUTS / "clinical.txt"
    a = annotate(big, serial, clinical=clinical, rules=engine, tumor="NSCLC")
    b = annotate(big, parallel, clinical=clinical, rules=RULES, tumor="NSCLC", jobs=2)
    assert serial.read_text() == parallel.read_text()
    assert (
        a.tumor_sources
        == b.tumor_sources
        == {
            "maf": 3,
            "clinical": 4,
            "default": 1,
            "none": 0,
        }
    )
    assert a.warnings == b.warnings
