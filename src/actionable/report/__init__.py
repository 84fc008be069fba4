"""Tumor-board reports (self-contained HTML, Markdown) and the cohort funnel picture.

The reports are Jinja2 templates packaged in ``actionable/report/templates``; a site
passes its own folder (``templates=``) to replace or extend them.

>>> from actionable.report import LEVEL_COLOURS
>>> LEVEL_COLOURS["1"]
'#33a02c'
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

from .._files import atomic_write
from ..models import Report

if TYPE_CHECKING:
    from ..cohort import Funnel, Patient

__all__ = [
    "LEVEL_COLOURS",
    "citation_link",
    "render_html",
    "render_markdown",
    "report_schema",
    "write_reports",
]

LEVEL_COLOURS: dict[str, str] = {
    "1": "#33a02c",
    "2": "#1f78b4",
    "3A": "#984ea3",
    "3B": "#be98ce",
    "4": "#424242",
    "R1": "#ee3424",
    "R2": "#f79a92",
}
"""Badge colour per level (the colour scheme clinicians know from OncoKB)."""


def citation_link(pmid: int | None) -> str | None:
    """The PubMed address of a PMID.

    >>> citation_link(32758030)
    'https://pubmed.ncbi.nlm.nih.gov/32758030/'
    """
    return f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/" if pmid else None


def _unpack(item: Patient | Report) -> tuple[Report | None, Patient | None]:
    if isinstance(item, Report):
        return item, None
    return item.report, item


def write_reports(
    funnel: Funnel,
    html_dir: str | Path | None = None,
    markdown_dir: str | Path | None = None,
    *,
    samples: list[str] | None = None,
    templates: str | Path | None = None,
    date: str | None = None,
) -> list[Path]:
    """Write one report per evaluated patient (``<sample>.html`` / ``<sample>.md``)
    plus an ``index.html`` / ``index.md`` with the funnel; returns the files written.
    ``templates`` is a folder of site templates (see :func:`render_html`).

    >>> from actionable.cohort import Funnel
    >>> import tempfile
    >>> f = Funnel(threshold="2", screened=(), sequenced=(), actionable=(), treated=())
    >>> [p.name for p in write_reports(f, tempfile.mkdtemp())]
    ['index.html']
    """
    from .html import render_index_html
    from .markdown import render_index_markdown

    written: list[Path] = []
    chosen = samples if samples is not None else list(funnel.sequenced)
    for directory, suffix, render, index in (
        (html_dir, ".html", render_html, render_index_html),
        (markdown_dir, ".md", render_markdown, render_index_markdown),
    ):
        if directory is None:
            continue
        folder = Path(directory)
        folder.mkdir(parents=True, exist_ok=True)
        for sample in chosen:
            patient = funnel.patients.get(sample)
            if patient is None or patient.report is None:
                continue
            target = folder / (_safe_name(sample) + suffix)
            page = render(
                patient, kb=(funnel.kb_version, funnel.kb_date), templates=templates, date=date
            )
            atomic_write(target, page)
            written.append(target)
        target = folder / ("index" + suffix)
        atomic_write(target, index(funnel, templates=templates, date=date))
        written.append(target)
    return written


def _safe_name(sample: str) -> str:
    # Ids that are not already a plain file name (``P/1``, ``index``, ``..``, very long)
    # get a digest of the id appended, so two patients never share a page, no page
    # replaces the index, and no name leaves the folder; the index maps id -> page.
    plain = "".join(c if c.isascii() and (c.isalnum() or c in "-_.") else "_" for c in sample)
    if (
        plain == sample
        and 0 < len(sample) <= 100
        and not sample.startswith(".")
        and sample.lower() != "index"
    ):
        return sample
    digest = hashlib.sha256(sample.encode("utf-8", "surrogatepass")).hexdigest()[:10]
    return f"{plain.strip('.')[:100] or 'sample'}-{digest}"


from ._schema import report_schema  # noqa: E402
from .html import render_html  # noqa: E402
from .markdown import render_markdown  # noqa: E402
