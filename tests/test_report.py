"""Tumor-board reports (HTML, Markdown) and the funnel picture."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from actionable.cohort import Funnel, screen
from actionable.engine import Engine
from actionable.evaluate import evaluate
from actionable.report import render_html, render_markdown, write_reports
from actionable.report.plot import plot_funnel

FIXTURES = Path(__file__).parent / "fixtures" / "cohort"


@pytest.fixture(scope="module")
def funnel() -> Funnel:
    return screen(
        FIXTURES / "clinical.tsv",
        maf=[FIXTURES / "cohort.maf"],
        cna=[FIXTURES / "cna.tsv"],
        rules=Engine.load(FIXTURES / "rules"),
    )


def test_html_content(funnel: Funnel) -> None:
    page = render_html(funnel.patients["P1"])
    assert page.startswith("<!DOCTYPE html>")
    assert "<script" not in page and "http://" not in page.replace("https://pubmed", "")
    assert "src=" not in page and "<link" not in page  # self-contained
    assert 'style="background:#33a02c;color:#fff">1</span> dabrafenib + trametinib' in page
    assert '<a href="https://pubmed.ncbi.nlm.nih.gov/32758030/">PMID 32758030</a>' in page
    assert "TP53 R175H" in page and "High-Grade Neuroendocrine Carcinoma" in page
    assert "Knowledge base " + funnel.kb_version in page


def test_html_escapes_everything() -> None:
    report = evaluate(
        ["BRAF V600E"], tumor="MEL", rules=Engine.load(FIXTURES / "rules")
    ).model_copy(update={"warnings": ("<script>alert(1)</script>",)})
    page = render_html(report)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_markdown(funnel: Funnel) -> None:
    text = render_markdown(funnel.patients["P1"])
    assert text.splitlines()[0] == "# Tumor board report: P1"
    assert "1. **[1]** dabrafenib + trametinib (sensitivity) for BRAF V600E" in text
    assert "[PMID 32758030](https://pubmed.ncbi.nlm.nih.gov/32758030/)" in text
    p4 = render_markdown(funnel.patients["P4"])
    assert "## Input problems" in p4 and "- 1 row(s): skipped: non-coding: Silent" in p4


def test_write_reports(tmp_path: Path, funnel: Funnel) -> None:
    written = write_reports(funnel, tmp_path / "html", tmp_path / "md")
    names = sorted(p.name for p in written)
    assert names == sorted(
        [f"{s}.html" for s in funnel.sequenced]
        + ["index.html"]
        + [f"{s}.md" for s in funnel.sequenced]
        + ["index.md"]
    )
    assert 'href="P1.html"' in (tmp_path / "html" / "index.html").read_text()


def test_plot_png_and_svg(tmp_path: Path, funnel: Funnel) -> None:
    import matplotlib.image

    png = plot_funnel(funnel, tmp_path / "funnel.png")
    pixels = matplotlib.image.imread(png)
    assert pixels.shape[0] > 300 and pixels.std() > 0.05
    svg = funnel.plot(tmp_path / "funnel.svg")
    assert svg.read_text().lstrip().startswith("<?xml") and "n = 7" not in svg.read_text()[:0]


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.mark.skipif(_chromium() is None, reason="no chromium binary (apt-get install chromium)")
def test_html_renders_in_headless_chromium(tmp_path: Path, funnel: Funnel) -> None:
    import matplotlib.image

    page = tmp_path / "P1.html"
    page.write_text(render_html(funnel.patients["P1"]), encoding="utf-8")
    shot = tmp_path / "shot.png"
    command = [
        str(_chromium()),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}",
        f"--screenshot={shot}",
        "--window-size=1200,1600",
        page.as_uri(),
    ]
    subprocess.run(command, capture_output=True, timeout=60, check=False)
    assert shot.exists() and shot.stat().st_size > 20_000
    pixels = matplotlib.image.imread(shot)
    assert pixels.shape[:2] == (1600, 1200)
    assert pixels[..., :3].std() > 0.05  # not blank
