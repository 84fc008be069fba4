"""No data lost: outputs never replace inputs, a failed run keeps the previous output,
odd encodings and damaged compressed files are read as far as they go (issue 18)."""

from __future__ import annotations

import gzip
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from actionable.cli import main
from actionable.cohort import annotate, screen
from actionable.cohort import writer as cohort_writer
from actionable.errors import InputFileError
from actionable.io import read_clinical, read_fusions, read_maf
from actionable.report import _safe_name, write_reports

HEADER = "Hugo_Symbol\tTumor_Sample_Barcode\tHGVSp_Short\n"


def _maf(path: Path, rows: str = "BRAF\tP1\tp.V600E\nKRAS\tP1\tp.G12C\n") -> Path:
    path.write_text(HEADER + rows, encoding="utf-8")
    return path


@pytest.mark.parametrize("how", ["same", "dotted", "symlink", "hardlink"])
def test_annotate_refuses_output_that_is_the_input(
    tmp_path: Path, how: str, capsys: pytest.CaptureFixture[str]
) -> None:
    source = _maf(tmp_path / "cohort.maf")
    before = source.read_bytes()
    given = source
    if how == "dotted":
        given = tmp_path / "." / "cohort.maf"
    elif how in ("symlink", "hardlink"):
        given = tmp_path / "alias.maf"
        (os.symlink if how == "symlink" else os.link)(source, given)
    code = main(["annotate", str(given), "-o", str(source)])
    assert code == 2
    assert "is also an input" in capsys.readouterr().err
    assert source.read_bytes() == before


def test_annotate_refuses_output_that_is_the_clinical_table(tmp_path: Path) -> None:
    maf = _maf(tmp_path / "cohort.maf")
    clinical = tmp_path / "clinical.tsv"
    clinical.write_text("sample_id\ttumor\nP1\tMEL\n", encoding="utf-8")
    with pytest.raises(ValueError, match="is also an input"):
        annotate(maf, clinical, clinical=clinical)
    assert clinical.read_text(encoding="utf-8") == "sample_id\ttumor\nP1\tMEL\n"


def test_screen_refuses_a_plot_over_an_input(tmp_path: Path) -> None:
    maf = _maf(tmp_path / "cohort.maf")
    clinical = tmp_path / "clinical.tsv"
    clinical.write_text("sample_id\ttumor\nP1\tMEL\n", encoding="utf-8")
    code = main(["screen", "--clinical", str(clinical), "--maf", str(maf), "--plot", str(maf)])
    assert code == 2
    assert maf.read_text(encoding="utf-8").startswith("Hugo_Symbol")


def test_failed_annotate_keeps_the_previous_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    maf = _maf(tmp_path / "cohort.maf")
    out = tmp_path / "out.tsv"
    out.write_text("previous result\n", encoding="utf-8")

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(cohort_writer, "_annotate_lines", broken)
    with pytest.raises(RuntimeError):
        annotate(maf, out)
    assert out.read_text(encoding="utf-8") == "previous result\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out.tsv")] == []


@pytest.mark.parametrize("jobs", [1, 2])
def test_killed_annotate_keeps_the_previous_output(tmp_path: Path, jobs: int) -> None:
    maf = tmp_path / "big.maf"
    rows = "".join(
        f"{gene}\tP{i % 50}\t{change}\n"
        for i, (gene, change) in enumerate(
            [("BRAF", "p.V600E"), ("TTN", "p.A1B"), ("KRAS", "p.G12C"), ("TP53", "p.R175H")]
            * 100_000
        )
    )
    _maf(maf, rows)
    out = tmp_path / "out.tsv"
    out.write_text("previous result\n", encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, "-m", "actionable", "annotate", str(maf), "-o", str(out), "-j", str(jobs)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and process.poll() is None:
            parts = [p for p in tmp_path.iterdir() if p.name.startswith(".out.tsv.")]
            # One process writes rows as it goes; workers write their parts first.
            if parts and (parts[0].stat().st_size > 0 or jobs > 1):
                time.sleep(0.3 if jobs > 1 else 0)
                break
            time.sleep(0.005)
        assert process.poll() is None, "the run ended before it could be killed"
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
    finally:
        if process.poll() is None:
            process.kill()
    assert out.read_text(encoding="utf-8") == "previous result\n"


def test_latin1_byte_and_byte_order_mark_are_read(tmp_path: Path) -> None:
    maf = tmp_path / "cohort.maf"
    maf.write_bytes(b"\xef\xbb\xbf" + HEADER.encode() + b"BRAF\tP1\tp.V600E\nKRAS\tP\xe9\tp.G12C\n")
    records = list(read_maf(maf))
    assert [(r.status, r.sample) for r in records] == [("ok", "P1"), ("ok", "Pé")]
    summary = annotate(maf, tmp_path / "out.tsv")
    assert (summary.rows, summary.errors) == (2, 0)
    lines = (tmp_path / "out.tsv").read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("Hugo_Symbol\t")
    assert lines[2].startswith("KRAS\tPé\t")


def test_latin1_clinical_table_is_read(tmp_path: Path) -> None:
    clinical = tmp_path / "clinical.tsv"
    clinical.write_bytes(b"\xef\xbb\xbfsample_id\ttumor\nP\xe9\tMEL\n")
    [record] = list(read_clinical(clinical))
    assert (record.sample, record.tumor) == ("Pé", "MEL")


def _truncated_gzip(path: Path, rows: int) -> bytes:
    text = HEADER + "".join(f"BRAF\tP{i}\tp.V600E\n" for i in range(rows))
    data = gzip.compress(text.encode())
    path.write_bytes(data[: len(data) * 3 // 4])
    return data


def test_truncated_gzip_keeps_the_rows_before_the_damage(tmp_path: Path) -> None:
    maf = tmp_path / "cohort.maf.gz"
    _truncated_gzip(maf, 20_000)
    records = list(read_maf(maf))
    ok = [r for r in records if r.ok]
    assert len(ok) > 1_000
    assert records[-1].status == "error"
    assert str(maf) in (records[-1].reason or "")
    assert "damaged or truncated" in (records[-1].reason or "")
    summary = annotate(maf, tmp_path / "out.tsv")
    assert summary.rows > 1_000
    assert summary.errors in (1, 2)  # the damage, and the row it cut in half (if any)
    assert any("damaged or truncated" in w for w in summary.warnings)


def test_corrupt_gzip_is_an_error_record_naming_the_file(tmp_path: Path) -> None:
    fusions = tmp_path / "sv.tsv.gz"
    data = bytearray(gzip.compress(b"Sample_Id\tSite1_Hugo_Symbol\tSite2_Hugo_Symbol\n" * 50))
    data[30:40] = b"\x00" * 10
    fusions.write_bytes(bytes(data))
    records = list(read_fusions(fusions))
    assert records and records[-1].status == "error"
    assert str(fusions) in (records[-1].reason or "")


def test_truncated_gzip_clinical_table_is_a_typed_error(tmp_path: Path) -> None:
    clinical = tmp_path / "clinical.tsv.gz"
    text = "sample_id\ttumor\n" + "".join(f"P{i}\tMEL\n" for i in range(20_000))
    data = gzip.compress(text.encode())
    clinical.write_bytes(data[: len(data) // 2])
    with pytest.raises(InputFileError, match=r"clinical\.tsv\.gz"):
        list(read_clinical(clinical))


def test_bgzipped_vcf_is_read(tmp_path: Path) -> None:
    pysam = pytest.importorskip("pysam")
    plain = tmp_path / "snpeff.vcf"
    plain.write_bytes((Path(__file__).parent / "fixtures" / "cohort" / "snpeff.vcf").read_bytes())
    packed = tmp_path / "snpeff.vcf.gz"
    pysam.tabix_compress(str(plain), str(packed), force=True)
    from actionable.io import read_vcf

    assert [(r.status, str(r.variant)) for r in read_vcf(packed)] == [
        (r.status, str(r.variant)) for r in read_vcf(plain)
    ]


def test_report_page_names_are_unique_stable_and_confined() -> None:
    ids = ["P/1", "P_1", "index", "INDEX", "..", "../../etc/passwd", "/abs", "x" * 300, "é", ""]
    names = [_safe_name(i) for i in ids]
    assert len(set(names)) == len(ids)
    assert names[1] == "P_1"
    assert names == [_safe_name(i) for i in ids]  # stable
    for name in names:
        assert "/" not in name and name.lower() != "index" and not name.startswith(".")
        assert 0 < len(name) <= 120


def test_report_pages_do_not_overwrite_each_other(tmp_path: Path) -> None:
    clinical = tmp_path / "clinical.tsv"
    clinical.write_text("sample_id\ttumor\nP/1\tMEL\nP_1\tCOAD\nindex\tLUAD\n", encoding="utf-8")
    maf = _maf(tmp_path / "m.maf", "BRAF\tP/1\tp.V600E\nKRAS\tP_1\tp.G12C\nEGFR\tindex\tp.L858R\n")
    funnel = screen(clinical, maf=[maf])
    written = write_reports(funnel, tmp_path / "html")
    assert len(written) == 4 and len(set(written)) == 4
    assert all(p.parent == tmp_path / "html" for p in written)
    index = (tmp_path / "html" / "index.html").read_text(encoding="utf-8")
    assert "P/1" in index and _safe_name("P/1") + ".html" in index
    assert _safe_name("index") + ".html" in index


def test_row_with_extra_cells_is_flagged_not_misaligned(tmp_path: Path) -> None:
    maf = _maf(tmp_path / "m.maf", "BRAF\tP1\tp.V600E\tstray\nTTN\tP1\tp.A1B\tx\ty\n")
    summary = annotate(maf, tmp_path / "out.tsv")
    lines = [line.split("\t") for line in (tmp_path / "out.tsv").read_text().splitlines()]
    assert all(len(cells) == len(lines[0]) for cells in lines)
    assert "1 cells more than the header (stray)" in lines[1][-1]
    assert "2 cells more than the header (x y)" in lines[2][-1]
    assert summary.errors == 2


def test_sample_missing_from_the_clinical_table_is_said(tmp_path: Path) -> None:
    maf = _maf(tmp_path / "m.maf", "BRAF\tP1\tp.V600E\nBRAF\tP2\tp.V600E\n")
    clinical = tmp_path / "clinical.tsv"
    clinical.write_text("sample_id\ttumor\nP1\tMEL\n", encoding="utf-8")
    summary = annotate(maf, tmp_path / "out.tsv", clinical=clinical)
    assert summary.rows == 2
    assert any("not in the clinical table (P2)" in w for w in summary.warnings)
    rows = (tmp_path / "out.tsv").read_text().splitlines()
    assert rows[2].startswith("BRAF\tP2\t") and "not in the clinical table" in rows[2]
