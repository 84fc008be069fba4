"""The command line: output, JSON, exit codes and errors on stderr."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO

from actionable.cli import main


def test_evaluate_prints_the_report(capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(
            ["evaluate", "BRAF V600E", "TP53 R213*", "--tumor", "colon NEC", "--sources", "curated"]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert out.startswith("Tumor: High-Grade Neuroendocrine Carcinoma of the Colon and Rectum")
    assert "1. [1] dabrafenib + trametinib (sensitivity) for BRAF V600E" in out
    assert "TP53 R213*: truncating mutation (nonsense) in a tumor suppressor" in out


def test_evaluate_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evaluate", "BRAF V600E", "--tumor", "MEL", "--json", "--max-level", "1"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["tumor"]["code"] == "MEL"
    assert {r["level"] for r in data["recommendations"]} == {"1"}


def test_errors_go_to_stderr_with_exit_code_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evaluate", "BRAF V600EE", "--tumor", "MEL"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("actionable: error: cannot parse variant 'BRAF V600EE'")
    assert main(["evaluate", "BRAF V600E", "--tumor", "melanomma of the sky"]) == 2
    assert "unknown tumor type" in capsys.readouterr().err


def test_bad_threshold_syntax_exits_with_a_hint(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evaluate", "BRAF V600E", "--threshold", "TMB=high"]) == 2
    assert "--threshold 'TMB=high': write NAME=NUMBER" in capsys.readouterr().err


def test_no_command_prints_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "usage: actionable" in capsys.readouterr().err


def test_rules_validate_and_stats(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["rules", "validate", str(REPO / "rules")]) == 0
    assert "rules valid" in capsys.readouterr().out
    assert main(["rules", "stats", "--json", "--sources", "curated"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert set(stats) == {
        "total", "by_source", "by_level", "by_gene", "by_tumor",
        "oncogenicity_sources", "oncogenic_mutations_rules",
    }  # fmt: skip
    assert stats["total"] == sum(stats["by_level"].values())
    sources = stats["oncogenicity_sources"]
    assert sources["civic variants"] > 100 and sources["hotspot-residues"] > 1000
    assert sources["curated-rule variants"] > 30 and stats["oncogenic_mutations_rules"] > 50
    assert main(["rules", "stats", "--sources", "curated"]) == 0
    assert "oncogenicity sources:" in capsys.readouterr().out
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "BRAF.yaml").write_text("gene: BRAF\nrules: []\n")
    assert main(["rules", "validate", str(bad)]) == 2
    assert "BRAF.yaml:2: field 'rules'" in capsys.readouterr().err


def test_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    assert json.loads(capsys.readouterr().out)["title"] == "RuleFile"


def test_python_dash_m_runs_the_cli() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "actionable", "--help"], check=False, capture_output=True, text=True
    )
    assert result.returncode == 0
    assert "actionable evaluate" in result.stdout
