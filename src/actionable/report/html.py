"""Self-contained HTML tumor-board report: inline CSS, no scripts, no external assets.

Rendered from Jinja2 templates with autoescape on, so every piece of text from inputs
or rules is escaped. A site overrides templates with ``templates=<folder>``.

>>> import actionable
>>> page = render_html(actionable.evaluate(["BRAF V600E"], tumor="colon NEC"))
>>> page.startswith("<!DOCTYPE html>"), "dabrafenib + trametinib" in page
(True, True)
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..models import Report
from ._templates import environment
from ._view import index_view, report_view

if TYPE_CHECKING:
    from ..cohort import Funnel, Patient

__all__ = ["render_html", "render_index_html"]


def render_html(
    item: Patient | Report,
    *,
    kb: tuple[str, str] | None = None,
    templates: str | Path | None = None,
    date: str | None = None,
    extra: dict[str, object] | None = None,
) -> str:
    """One patient's report as a complete, self-contained HTML page.

    ``item`` is a :class:`~actionable.cohort.Patient` (adds clinical data and input
    problems) or a bare :class:`~actionable.models.Report`. ``templates`` is a folder of
    site templates that replace or extend the packaged ones; ``date`` is the report
    date (today by default); ``extra`` reaches site templates as ``view.extra``.

    >>> import actionable
    >>> report = actionable.evaluate(["BRAF V600E"], tumor="MEL")
    >>> "&lt;b&gt;" in render_html(report.model_copy(update={"warnings": ("<b>",)}))
    True
    """
    view = report_view(item, kb=kb, date=date, extra=extra)
    return environment("html", templates).get_template("report.html.j2").render(view=view)


def render_index_html(
    funnel: Funnel, *, templates: str | Path | None = None, date: str | None = None
) -> str:
    """The cohort page: the funnel table and the patients (tumor, best level, top option,
    date), sortable by each column without scripts.

    >>> from actionable.cohort import Funnel
    >>> "<table" in render_index_html(Funnel(threshold="2", screened=("A",), sequenced=(),
    ...     actionable=(), treated=()))
    True
    """
    view = index_view(funnel, date=date)
    return environment("html", templates).get_template("index.html.j2").render(index=view)
