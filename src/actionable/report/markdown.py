"""Markdown tumor-board report (the same sections as the HTML one).

>>> import actionable
>>> text = render_markdown(actionable.evaluate(["BRAF V600E"], tumor="colon NEC"))
>>> text.splitlines()[0]
'# Tumor board report'
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..models import Report
from ._templates import environment
from ._view import index_view, report_view

if TYPE_CHECKING:
    from ..cohort import Funnel, Patient

__all__ = ["render_index_markdown", "render_markdown"]


def render_markdown(
    item: Patient | Report,
    *,
    kb: tuple[str, str] | None = None,
    templates: str | Path | None = None,
    date: str | None = None,
    extra: dict[str, object] | None = None,
) -> str:
    """One patient's report as Markdown (text escaped for Markdown).

    >>> import actionable
    >>> "**[1]**" in render_markdown(actionable.evaluate(["BRAF V600E"], tumor="MEL"))
    True
    """
    view = report_view(item, kb=kb, date=date, extra=extra)
    return environment("markdown", templates).get_template("report.md.j2").render(view=view)


def render_index_markdown(
    funnel: Funnel, *, templates: str | Path | None = None, date: str | None = None
) -> str:
    """The cohort funnel and the patients as Markdown tables, linked to their reports.

    >>> from actionable.cohort import Funnel
    >>> print(render_index_markdown(Funnel(threshold="2", screened=("A",), sequenced=(),
    ...     actionable=(), treated=())).splitlines()[4])
    | stage | patients |
    """
    view = index_view(funnel, date=date)
    return environment("markdown", templates).get_template("index.md.j2").render(index=view)
