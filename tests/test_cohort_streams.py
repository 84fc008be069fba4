"""Issue 13, robustness: standard input and output for table commands, a closed pipe
that ends quietly with exit 0 (real subprocess pipes), and progress on stderr."""

from __future__ import annotations

import contextlib
import csv
import io
import subprocess
import sys
import threading
from pathlib import Path
from typing import IO

import pytest

from actionable.cli import main
from actionable.cohort import annotate, progress, screen

HERE = Path(__file__).parent / "fixtures"
INPUTS = HERE / "annotator_inputs"
RULES = str(HERE / "cohort" / "rules")


def _big_maf(tmp_path: Path, copies: int = 3000) -> Path:
    lines = (INPUTS / "oncotree.maf").read_text().splitlines()
    big = tmp_path / "big.maf"
    big.write_text("\n".join(lines[:2] + lines[2:] * copies) + "\n")  # ~1.7 MB of output
    return big


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "actionable", *args]


def _closed_early(command: list[str], stdin: bytes | None = None) -> tuple[int, str]:
    """Run ``command | head -1``: read one line, close the pipe, wait."""
    proc = subprocess.Popen(
        command,
        stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    if stdin is not None:
        # Fed from a thread: the command writes while it reads, and a full stdout pipe
        # would otherwise block both sides.
        def feed(pipe: IO[bytes]) -> None:
            with contextlib.suppress(BrokenPipeError):
                pipe.write(stdin)
                pipe.close()

        assert proc.stdin is not None
        threading.Thread(target=feed, args=(proc.stdin,), daemon=True).start()
    assert proc.stdout is not None and proc.stderr is not None
    first = proc.stdout.readline()
    assert first
    proc.stdout.close()
    code = proc.wait(timeout=300)
    return code, proc.stderr.read().decode()


def test_closed_pipe_on_annotate_stdout_exits_zero_quietly(tmp_path: Path) -> None:
    code, err = _closed_early(
        _cli("annotate", str(_big_maf(tmp_path)), "-o", "-", "--rules", RULES, "-t", "MEL")
    )
    assert code == 0
    assert "Traceback" not in err and "Broken pipe" not in err and "error" not in err


def test_closed_pipe_with_maf_from_stdin_exits_zero(tmp_path: Path) -> None:
    data = _big_maf(tmp_path).read_bytes()
    code, err = _closed_early(_cli("annotate", "-", "-o", "-", "--rules", RULES), stdin=data)
    assert code == 0 and "Traceback" not in err


def test_closed_pipe_on_screen_json_exits_zero(tmp_path: Path) -> None:
    clinical = tmp_path / "c.tsv"
    clinical.write_text("SAMPLE_ID\n" + "".join(f"T-0{i}\n" for i in range(1, 7)))
    command = _cli(
        "screen", "--clinical", str(clinical), "--maf", str(INPUTS / "oncotree.maf"),
        "--rules", RULES, "--json", "--with-reports",
    )  # fmt: skip
    code, err = _closed_early(command)
    assert code == 0 and "Traceback" not in err


def test_annotate_stdout_matches_the_file(tmp_path: Path) -> None:
    out = tmp_path / "a.tsv"
    annotate(INPUTS / "oncotree.maf", out, rules=Path(RULES), tumor="MEL")
    done = subprocess.run(
        _cli("annotate", str(INPUTS / "oncotree.maf"), "-o", "-", "--rules", RULES, "-t", "MEL"),
        capture_output=True,
        check=True,
    )
    assert done.stdout.decode() == out.read_text()
    assert "wrote -" in done.stderr.decode()


def test_stdin_for_each_table_input(tmp_path: Path) -> None:
    """``-`` reads standard input for the MAF, the clinical table, CNA and fusions."""
    reference = tmp_path / "ref.tsv"
    clinical = INPUTS / "clinical.txt"
    cna = INPUTS / "individual_cna.txt"
    sv = INPUTS / "structural_variants.txt"
    annotate(
        INPUTS / "oncotree.maf", reference, clinical=clinical, cna=[cna], fusions=[sv],
        rules=Path(RULES),
    )  # fmt: skip
    args = {"maf": INPUTS / "oncotree.maf", "clinical": clinical, "cna": cna, "fusions": sv}
    for piped in args:
        out = tmp_path / f"{piped}.tsv"
        command = [
            "annotate", "-" if piped == "maf" else str(args["maf"]), "-o", str(out),
            "--rules", RULES,
            "--clinical", "-" if piped == "clinical" else str(clinical),
            "--cna", "-" if piped == "cna" else str(cna),
            "--fusions", "-" if piped == "fusions" else str(sv),
        ]  # fmt: skip
        subprocess.run(_cli(*command), input=args[piped].read_bytes(), check=True)
        assert out.read_text() == reference.read_text(), piped
        for side in ("cna", "sv"):  # the SV input comes back in its layout
            got = _column(Path(f"{out}.{side}.tsv"), "LEVEL_2")
            assert got == _column(Path(f"{reference}.{side}.tsv"), "LEVEL_2"), (piped, side)


def _column(path: Path, name: str) -> list[str]:
    with open(path, newline="") as handle:
        return [row[name] for row in csv.DictReader(handle, delimiter="\t")]


def test_screen_and_report_read_stdin(tmp_path: Path) -> None:
    clinical = tmp_path / "c.tsv"
    clinical.write_text("SAMPLE_ID\nT-01\nT-02\n")
    done = subprocess.run(
        _cli("screen", "--clinical", str(clinical), "--maf", "-", "--rules", RULES, "--json"),
        input=(INPUTS / "oncotree.maf").read_bytes(),
        capture_output=True,
        check=True,
    )
    assert b'"actionable": [\n    "T-01",\n    "T-02"\n  ]' in done.stdout
    pages = tmp_path / "pages"
    done = subprocess.run(
        _cli("report", "--clinical", "-", "--maf", str(INPUTS / "oncotree.maf"),
             "--rules", RULES, "--markdown", str(pages)),
        input=clinical.read_bytes(),
        capture_output=True,
        check=True,
    )  # fmt: skip
    assert sorted(p.name for p in pages.iterdir()) == ["T-01.md", "T-02.md", "index.md"]


def test_stdin_feeds_one_input_only(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["screen", "--clinical", "-", "--maf", "-"])
    assert code == 2
    assert "standard input (-) is given for --clinical, --maf" in capsys.readouterr().err


# --------------------------------------------------------------------------- progress
def test_progress_off_a_terminal_prints_plain_lines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(progress, "INTERVAL", 0.0)
    big = _big_maf(tmp_path, copies=5000)  # 40,000 rows: two updates at 16,384 rows
    annotate(big, tmp_path / "a.tsv", rules=Path(RULES), tumor="MEL")
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert lines[0].startswith("actionable: annotate rows: 16,384 of 40,000 (41%), ")
    assert lines[1].startswith("actionable: annotate rows: 32,768 of 40,000 (82%), ")
    assert lines[-1].startswith("actionable: annotate rows: 40,000 of 40,000 (100%), ")
    assert all(line.endswith(" left") for line in lines)


def test_progress_off_a_terminal_is_quiet_for_short_runs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    annotate(INPUTS / "oncotree.maf", tmp_path / "a.tsv", rules=Path(RULES))
    assert capsys.readouterr().err == ""


def test_progress_can_be_turned_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(progress, "INTERVAL", 0.0)
    annotate(_big_maf(tmp_path, 5000), tmp_path / "a.tsv", rules=Path(RULES), progress=False)
    assert capsys.readouterr().err == ""


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_on_a_terminal_is_a_bar_with_total_and_eta() -> None:
    screen_ = _Terminal()
    bar = progress._Progress("annotate rows", total=40_000, stream=screen_)
    for done in (16_384, 32_768):
        bar.update(done)
    bar.done(40_000)
    text = screen_.getvalue()
    assert "annotate rows: 100%" in text
    assert "40.0k/40.0k" in text
    assert "<00:00" in text  # the time left
    assert "\n" not in text.rstrip("\n").split("\r")[-1]  # one redrawn line


def test_screen_progress_counts_patients(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(progress, "INTERVAL", 0.0)
    clinical = tmp_path / "c.tsv"
    clinical.write_text("SAMPLE_ID\nT-01\nT-02\nT-03\n")
    screen(clinical, maf=[INPUTS / "oncotree.maf"], rules=RULES)
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith("actionable: evaluate patients: 1 of 3 (33%), ")
    assert err[-1].startswith("actionable: evaluate patients: 3 of 3 (100%), ")
