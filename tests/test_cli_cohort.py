"""The annotate, screen and report subcommands."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from actionable.cli import main

FIXTURES = Path(__file__).parent / "fixtures" / "cohort"
RULES = str(FIXTURES / "rules")


def test_annotate_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "a.tsv"
    code = main(
        [
            "annotate",
            str(FIXTURES / "cohort.maf"),
            "--clinical",
            str(FIXTURES / "clinical.tsv"),
            "-o",
            str(out),
            "--rules",
            RULES,
        ]
    )
    assert code == 0
    err = capsys.readouterr().err
    assert (
        "12 rows, 8 in genes with rules, 3 with a recommendation, 1 non-coding, 2 unreadable" in err
    )
    assert out.read_text().count("\n") == 15


def test_screen_command_json_and_plot(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    png = tmp_path / "f.png"
    code = main(
        [
            "screen",
            "--clinical",
            str(FIXTURES / "clinical.tsv"),
            "--maf",
            str(FIXTURES / "cohort.maf"),
            "--rules",
            RULES,
            "--json",
            "--plot",
            str(png),
        ]
    )
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    assert data["counts"] == {"screened": 7, "sequenced": 6, "actionable": 3, "treated": 1}
    assert data["actionable"] == ["P1", "P4", "P7"] and "patients" not in data
    assert png.stat().st_size > 10_000


def test_screen_command_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(
            [
                "screen",
                "--clinical",
                str(FIXTURES / "clinical.tsv"),
                "--maf",
                str(FIXTURES / "cohort.maf"),
                "--rules",
                RULES,
            ]
        )
        == 0
    )
    captured = capsys.readouterr()
    assert captured.out.splitlines()[3].split()[:2] == ["actionable", "3"]
    assert "sample PX has 1 variant rows but is not in the clinical table" in captured.err


def test_report_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "report",
            "--clinical",
            str(FIXTURES / "clinical.tsv"),
            "--maf",
            str(FIXTURES / "cohort.maf"),
            "--rules",
            RULES,
            "--html",
            str(tmp_path / "h"),
            "--markdown",
            str(tmp_path / "m"),
            "--sample",
            "P1",
        ]
    )
    assert code == 0
    assert sorted(p.name for p in (tmp_path / "h").iterdir()) == ["P1.html", "index.html"]
    assert sorted(p.name for p in (tmp_path / "m").iterdir()) == ["P1.md", "index.md"]


@pytest.mark.parametrize(
    ("argv", "code", "message"),
    [
        (["screen", "--clinical", "missing.tsv", "--maf", "x.maf"], 1, "No such file"),
        (
            ["screen", "--clinical", str(FIXTURES / "clinical.tsv")],
            2,
            "give at least one variant file",
        ),
        (
            [
                "report",
                "--clinical",
                str(FIXTURES / "clinical.tsv"),
                "--maf",
                str(FIXTURES / "cohort.maf"),
            ],
            2,
            "give --html DIR and/or --markdown DIR",
        ),
    ],
)
def test_cohort_errors(
    argv: list[str], code: int, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == code
    assert message in capsys.readouterr().err


def test_help_teaches_with_examples(capsys: pytest.CaptureFixture[str]) -> None:
    for command in ("annotate", "screen", "report"):
        with pytest.raises(SystemExit):
            main([command, "--help"])
        assert "examples:" in capsys.readouterr().out
