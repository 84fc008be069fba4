"""Tumor-board reports (HTML, Markdown) and the funnel picture."""

from __future__ import annotations

import re
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


SEED = ["BRAF V600E", "TP53 R213*"]


@pytest.fixture(scope="module")
def seed_page() -> str:
    return render_html(evaluate(SEED, tumor="colon NEC"), date="2026-12-01")


def test_html_content(funnel: Funnel) -> None:
    page = render_html(funnel.patients["P1"])
    assert page.startswith("<!DOCTYPE html>")
    assert "<script" not in page and "http://" not in page
    assert "src=" not in page and "<link" not in page  # self-contained
    assert '<span class="badge l1">1</span> dabrafenib + trametinib' in page
    assert '<a href="https://pubmed.ncbi.nlm.nih.gov/32758030/">PMID 32758030</a>' in page
    assert "TP53 R175H" in page or "R175H" in page
    assert "High-Grade Neuroendocrine Carcinoma" in page
    assert "knowledge base " + funnel.kb_version in page
    assert "<dt>Sample</dt><dd>P1</dd>" in page


def test_html_summary_comes_first_with_one_line_per_alteration(seed_page: str) -> None:
    summary = seed_page.index('id="summary"')
    assert summary < seed_page.index("Options by alteration") < seed_page.index("<h2>Variants")
    head = seed_page[summary : seed_page.index("Options by alteration")]
    assert "<dt>Tumor as written</dt><dd>colon NEC</dd>" in head
    assert "High-Grade Neuroendocrine Carcinoma of the Colon and Rectum (HGNEC)" in head
    assert "<dt>Report date</dt><dd>2026-12-01</dd>" in head
    assert head.count('<tr><td><strong>') == 1  # one actionable alteration: BRAF V600E
    assert '<a href="#rec-1">dabrafenib + trametinib</a>' in head
    assert "4 off-label (3B)" in head


def test_html_off_label_options_collapsed_once_and_evidence_once(seed_page: str) -> None:
    assert seed_page.count('<details class="offlabel">') == 1
    block = seed_page[seed_page.index('<details class="offlabel">') :]
    block = block[: block.index("</section>")]
    assert block.count('class="card c3B"') == 4
    assert "vemurafenib + cobimetinib" in block and "tovorafenib" in block
    # Every recommendation is one card; its evidence appears once, linked.
    assert seed_page.count('id="rec-') == 5
    assert seed_page.count(">PMID 32758030</a>") == 1
    assert "evidence: FDA label" not in seed_page
    assert (
        '<a href="https://dailymed.nlm.nih.gov/dailymed/search.cfm?labeltype=all&amp;'
        'query=cobimetinib">FDA label: Cotellic (cobimetinib)' in seed_page
    )
    assert '<a href="https://clinicaltrials.gov/study/NCT01689519">NCT01689519</a>' in seed_page


def test_html_header_legend_and_signoff(seed_page: str) -> None:
    from actionable import __version__
    from actionable.tumors import oncotree_release

    assert f"actionable {__version__}" in seed_page
    assert f"OncoTree {oncotree_release()}" in seed_page
    assert "verify every option against the cited sources" in seed_page
    assert seed_page.count('<span class="badge l') >= 7 + 1  # legend badges + summary
    assert "<th style=\"width:22%\">Reviewer</th>" in seed_page
    assert "@media print" in seed_page and "counter(pages)" in seed_page
    assert "break-inside:avoid" in seed_page


def test_summary_shows_conditions_and_contraindications() -> None:
    page = render_html(evaluate(["PIK3CA H1047R"], tumor="breast cancer"))
    summary = page[page.index('id="summary"') : page.index("Options by alteration")]
    assert (
        '<span class="confirm">requires HR-positive disease: not given; '
        "requires HER2-negative disease: not given</span>" in summary
    )
    report = evaluate(["EGFR L858R", "EGFR T790M"], tumor="LUAD")
    page = render_html(report)
    summary = page[page.index('id="summary"') : page.index("Options by alteration")]
    assert "<h2>Contraindicated by this patient's resistance</h2>" in summary
    withheld = {r.therapy.name for r in report.contraindicated}
    assert "gefitinib" in withheld
    assert all(f">{name}</a> (" in summary for name in withheld)
    # each withheld option also has its one card, after the options
    assert page.count('class="card c') == len(report.recommendations) + len(withheld)
    text = render_markdown(report)
    assert "### Contraindicated by this patient's resistance" in text
    assert "### Withheld (contraindicated)" in text


def test_variants_table_orders_by_relevance() -> None:
    report = evaluate(["TP53 P72R", "TP53 R213*", "BRAF V600E"], tumor="colon NEC")
    page = render_html(report)
    table = page[page.index("<h2>Variants") :]
    assert table.index("V600E") < table.index("R213*") < table.index("P72R")
    # the rest (here a known benign polymorphism) is collapsed
    assert table.index("<details><summary>1 other variant") < table.index("P72R")


def test_variant_annotations_shown() -> None:
    report = evaluate(["BRAF c.1799T>A p.V600E VAF 23%"], tumor="MEL")
    page = render_html(report)
    row = page[page.index('<table class="variants">') :]
    assert "<td>c.1799T&gt;A</td><td>23%</td>" in row


def test_site_templates_extend_the_packaged_ones(tmp_path: Path) -> None:
    (tmp_path / "report.html.j2").write_text(
        '{% extends "actionable/report.html.j2" %}'
        "{% block logo %}<span class=logo>{{ view.extra.site }}</span> {% endblock %}",
        encoding="utf-8",
    )
    page = render_html(
        evaluate(["BRAF V600E"], tumor="MEL"), templates=tmp_path, extra={"site": "<Clinic>"}
    )
    assert "<span class=logo>&lt;Clinic&gt;</span> Tumor board report" in page
    assert "dabrafenib + trametinib" in page


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


def test_markdown_sections_match_the_html() -> None:
    text = render_markdown(evaluate(SEED, tumor="colon NEC"), date="2026-12-01")
    headings = [line for line in text.splitlines() if line.startswith("#")]
    assert headings == [
        "# Tumor board report",
        "## Summary",
        "### Actionable alterations",
        "## Options by alteration",
        "### BRAF V600E",
        "## Variants",
        "## Legend",
        "## Review",
    ]
    assert "| BRAF V600E | 1 | dabrafenib + trametinib | none | 0 more, 4 off-label (3B) |" in text
    assert text.count("<details>") == 1 and text.count("**[3B]**") == 4
    assert "| TP53 | R213\\* |  |  | unknown | Oncogenic (hotspot) |" in text
    assert "verify every option against the cited sources" in text
    assert "- **Report date:** 2026-12-01" in text


def test_write_reports(tmp_path: Path, funnel: Funnel) -> None:
    written = write_reports(funnel, tmp_path / "html", tmp_path / "md")
    names = sorted(p.name for p in written)
    assert names == sorted(
        [f"{s}.html" for s in funnel.sequenced]
        + ["index.html"]
        + [f"{s}.md" for s in funnel.sequenced]
        + ["index.md"]
    )
    index = (tmp_path / "html" / "index.html").read_text()
    assert 'href="P1.html"' in index
    # one pre-sorted table per column, headings link to them; no script
    assert index.count('<section id="by-') == 6 and "<script" not in index
    assert '<th><a href="#by-level">Best level</a></th>' in index
    by_level = index[index.index('id="by-level"') :]
    by_level = by_level[: by_level.index("</section>")]
    first = by_level.index("badge l1")
    later = [by_level.index(f"badge l{x}") for x in ("3B", "4") if f"badge l{x}" in by_level]
    assert all(position > first for position in later)
    md_index = (tmp_path / "md" / "index.md").read_text()
    assert "| [P1](P1.md) |" in md_index


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


ARTIFACTS = Path(__file__).resolve().parent.parent / "build" / "test-artifacts"
SUMMARY_BORDER = (0x1D, 0x4F, 0x91)  # the summary box's border colour (style.css)


def _run_chromium(tmp_path: Path, *arguments: str) -> None:
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
        "--hide-scrollbars",
        f"--user-data-dir={tmp_path / 'profile'}",
        *arguments,
    ]
    subprocess.run(command, capture_output=True, timeout=90, check=False)


def _border_rows(pixels: object) -> list[int]:
    """Screen rows where the summary's border colour runs across most of the page."""
    import numpy as np

    rgb = (np.asarray(pixels)[..., :3] * 255).round().astype(int)
    hit = np.all(np.abs(rgb - np.array(SUMMARY_BORDER)) <= 2, axis=-1)
    return [int(y) for y in np.nonzero(hit.sum(axis=1) > rgb.shape[1] * 0.6)[0]]


@pytest.mark.skipif(_chromium() is None, reason="no chromium binary (apt-get install chromium)")
def test_seed_report_summary_above_the_fold(tmp_path: Path, seed_page: str) -> None:
    import matplotlib.image

    page = tmp_path / "seed.html"
    page.write_text(seed_page, encoding="utf-8")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / "seed-report-1280x800.png"
    shot.unlink(missing_ok=True)
    _run_chromium(tmp_path, f"--screenshot={shot}", "--window-size=1280,800", page.as_uri())
    assert shot.exists() and shot.stat().st_size > 20_000
    pixels = matplotlib.image.imread(shot)
    assert pixels.shape[:2] == (800, 1280)
    # The summary box's top and bottom borders (and the header rule above it) are all
    # inside the first screen: the whole summary is above the fold.
    rows = _border_rows(pixels)
    assert rows, "summary box not drawn"
    groups = [y for i, y in enumerate(rows) if i == 0 or y - rows[i - 1] > 3]
    assert len(groups) >= 3, groups  # header rule, summary top, summary bottom
    assert groups[-1] < 780


def _pdf_pages(path: Path) -> int:
    return len(re.findall(rb"/Type\s*/Page\b(?!s)", path.read_bytes()))


@pytest.mark.skipif(_chromium() is None, reason="no chromium binary (apt-get install chromium)")
@pytest.mark.parametrize("paper", ["A4", "letter"])
def test_seed_report_prints_on_two_pages(tmp_path: Path, seed_page: str, paper: str) -> None:
    page = tmp_path / "seed.html"
    # The page leaves the paper size to the printer; the test fixes each size in turn.
    page.write_text(seed_page.replace("size:auto", f"size:{paper}"), encoding="utf-8")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pdf = ARTIFACTS / f"seed-report-{paper}.pdf"
    pdf.unlink(missing_ok=True)
    _run_chromium(tmp_path, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri())
    assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF")
    assert 1 <= _pdf_pages(pdf) <= 2


# --------------------------------------------------------------------------- JSON
def _check(value: object, schema: dict[str, object], defs: dict[str, dict[str, object]]) -> None:
    """A small structural check: required keys present, no key the schema lacks."""
    if "$ref" in schema:
        schema = defs[str(schema["$ref"]).rsplit("/", 1)[-1]]
    for option in schema.get("anyOf", ()):  # type: ignore[attr-defined]
        if "required" not in option and value is not None:
            try:
                _check(value, option, defs)
                return
            except AssertionError:
                continue
    if isinstance(value, dict) and "properties" in schema:
        props: dict[str, dict[str, object]] = schema["properties"]  # type: ignore[assignment]
        assert set(value) <= set(props), set(value) - set(props)
        assert set(schema.get("required", ())) <= set(value)  # type: ignore[arg-type]
        alternatives = schema.get("anyOf", ())
        if alternatives and all("required" in a for a in alternatives):  # type: ignore[attr-defined]
            assert any(set(a["required"]) <= set(value) for a in alternatives)  # type: ignore[index]
        for key, item in value.items():
            _check(item, props[key], defs)
    elif isinstance(value, list) and isinstance(schema.get("items"), dict):
        for item in value:
            _check(item, schema["items"], defs)  # type: ignore[arg-type]


def test_cli_json_refers_to_variants_by_index(capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from actionable import __version__
    from actionable.cli import main
    from actionable.models import REPORT_SCHEMA_VERSION
    from actionable.report import report_schema

    assert main(["evaluate", *reversed(SEED), "--tumor", "colon NEC", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["schema_version"], data["actionable_version"]) == (
        REPORT_SCHEMA_VERSION,
        __version__,
    )
    assert data["kb_version"] and data["kb_date"]
    assert [v["alteration"] for v in data["variants"]] == ["R213*", "V600E"]
    first = data["recommendations"][0]
    assert "variant" not in first and "variants" not in first
    assert (first["variant_index"], first["variant_indices"]) == (1, [1])
    schema = report_schema()
    _check(data, schema, schema["$defs"])


def test_report_to_dict_keeps_the_full_form() -> None:
    data = evaluate(SEED, tumor="colon NEC").to_dict()
    assert data["recommendations"][0]["variant"]["alteration"] == "V600E"
    assert data["schema_version"] == "1"


def test_published_report_schema_is_current() -> None:
    import json

    from actionable.report import report_schema

    published = Path(__file__).resolve().parent.parent / "docs" / "report.schema.json"
    assert json.loads(published.read_text(encoding="utf-8")) == report_schema(), (
        "regenerate: actionable schema --report > docs/report.schema.json"
    )
