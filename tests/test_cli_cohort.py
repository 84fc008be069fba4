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
    assert "12 rows, 11 in known genes, 3 with a recommendation, 1 non-coding, 2 unreadable" in err
    assert out.read_text().count("\n") == 13  # the MAF's two "#" lines are dropped


# The OncoKB MAF annotator's columns, spelled out here on purpose: a pipeline written for
# the annotator's files knows these names and this order, nothing else.
ONCOKB_HEADER = [
    "ANNOTATED", "GENE_IN_ONCOKB", "VARIANT_IN_ONCOKB", "MUTATION_EFFECT",
    "MUTATION_EFFECT_CITATIONS", "ONCOGENIC", "LEVEL_1", "LEVEL_2", "LEVEL_3A", "LEVEL_3B",
    "LEVEL_4", "LEVEL_R1", "LEVEL_R2", "HIGHEST_LEVEL", "HIGHEST_SENSITIVE_LEVEL",
    "HIGHEST_RESISTANCE_LEVEL", "TX_CITATIONS", "LEVEL_Dx1", "LEVEL_Dx2", "LEVEL_Dx3",
    "HIGHEST_DX_LEVEL", "DX_CITATIONS", "LEVEL_Px1", "LEVEL_Px2", "LEVEL_Px3",
    "HIGHEST_PX_LEVEL", "PX_CITATIONS",
]  # fmt: skip


def _plain_reader(path: Path, extra: tuple[str, ...] = ()) -> list[dict[str, str]]:
    """Reads an annotated MAF the way a downstream script written for the OncoKB
    annotator does: the input's columns, then exactly the annotator's, in order."""
    lines = path.read_text(encoding="utf-8").splitlines()
    maf_header = next(
        line for line in (FIXTURES / "cohort.maf").read_text().splitlines() if line[0] != "#"
    ).split("\t")
    header = lines[0].split("\t")
    if header != [*maf_header, *ONCOKB_HEADER, *extra]:
        raise ValueError(f"not the annotator's header: {header[len(maf_header) :]}")
    return [dict(zip(header, line.split("\t"), strict=True)) for line in lines[1:]]


@pytest.mark.parametrize("extra", [False, True])
def test_annotated_maf_has_exactly_the_annotators_header(tmp_path: Path, extra: bool) -> None:
    out = tmp_path / "a.tsv"
    args = ["annotate", str(FIXTURES / "cohort.maf"), "--clinical", str(FIXTURES / "clinical.tsv")]
    args += ["-o", str(out), "--rules", RULES] + (["--extra-columns"] if extra else [])
    assert main(args) == 0
    names = ("ACTIONABLE_RULE_IDS", "RATIONALE", "ACTIONABLE_ERROR") if extra else ()
    rows = _plain_reader(out, names)
    assert len(rows) == 12
    braf = rows[0]
    assert (braf["ANNOTATED"], braf["ONCOGENIC"], braf["HIGHEST_LEVEL"]) == (
        "True",
        "Oncogenic",
        "LEVEL_1",
    )
    assert braf["LEVEL_1"] == "Dabrafenib+Trametinib"
    assert rows[5]["ANNOTATED"] == "False"  # p.V600EE cannot be read
    if extra:
        assert rows[5]["ACTIONABLE_ERROR"].startswith("line 9: cannot parse variant")


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
