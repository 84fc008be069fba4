"""The cohort funnel as a picture (matplotlib, Agg backend; PNG or SVG by suffix).

It takes anything with a ``threshold`` and funnel ``counts`` (:class:`FunnelCounts`),
such as :class:`actionable.cohort.Funnel`, so the report layer needs no cohort code.

>>> import tempfile, pathlib
>>> f = Counts("2", {"screened": 2, "sequenced": 1, "actionable": 1, "treated": 1})
>>> plot_funnel(f, pathlib.Path(tempfile.mkdtemp()) / "f.svg").suffix
'.svg'
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from pathlib import Path
from typing import NamedTuple, Protocol

from .._files import atomic_write
from ..errors import MissingExtraError

__all__ = ["Counts", "FunnelCounts", "plot_funnel"]


class FunnelCounts(Protocol):
    """What the plot reads: the level threshold and patients per stage, in funnel
    order (``screened``, ``sequenced``, ``actionable``, ``treated``)."""

    @property
    def threshold(self) -> str: ...

    @property
    def counts(self) -> Mapping[str, int]: ...


class Counts(NamedTuple):
    """Plain funnel counts, for plotting without a screened cohort.

    >>> Counts("1", {"screened": 3}).counts["screened"]
    3
    """

    threshold: str
    counts: Mapping[str, int]


_LABELS = {
    "screened": "Screened",
    "sequenced": "Broad NGS",
    "actionable": "Actionable (level {threshold} or better)",
    "treated": "Treated with a recommended therapy",
}
_COLOURS = ("#9ecae1", "#4292c6", "#2171b5", "#08306b")


def plot_funnel(funnel: FunnelCounts, path: str | Path, *, title: str | None = None) -> Path:
    """Draw the funnel (centred horizontal bars, one per stage, with counts) to
    ``path``; the format follows the suffix (``.png``, ``.svg``, ``.pdf``).

    >>> import tempfile, pathlib
    >>> f = Counts("2", {"screened": 1, "sequenced": 0, "actionable": 0, "treated": 0})
    >>> plot_funnel(f, pathlib.Path(tempfile.mkdtemp()) / "f.png", title="Study").suffix
    '.png'
    """
    try:
        import matplotlib
    except ImportError as error:
        raise MissingExtraError("plotting the funnel", "matplotlib", "plot") from error
    matplotlib.use("Agg", force=True)
    from matplotlib.figure import Figure

    target = Path(path)
    counts = funnel.counts
    stages = list(counts)
    top = max(counts["screened"], 1)
    figure = Figure(figsize=(7, 4.2), dpi=150)
    axes = figure.add_subplot(1, 1, 1)
    for row, stage in enumerate(stages):
        n = counts[stage]
        width = max(n / top, 0.02)
        y = len(stages) - 1 - row
        axes.barh(y, width, left=(1 - width) / 2, height=0.7, color=_COLOURS[row])
        label = f"{_LABELS[stage].format(threshold=funnel.threshold)}\nn = {n}"
        inside = width >= 0.45  # room for the label inside the bar; else beside it
        axes.text(
            0.5 if inside else 0.5 + width / 2 + 0.02,
            y,
            label,
            ha="center" if inside else "left",
            va="center",
            color="white" if inside and row else "black",
            fontsize=10,
            fontweight="bold",
        )
    axes.set_xlim(0, 1)
    axes.set_ylim(-0.6, len(stages) - 0.4)
    axes.axis("off")
    axes.set_title(title or "Cohort screen", fontsize=12)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format=target.suffix.lstrip(".").lower() or "png")
    atomic_write(target, buffer.getvalue())
    return target
