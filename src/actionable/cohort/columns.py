"""The annotation columns of one alteration, in one place: the names and the values,
both from :mod:`actionable.annotation` (the OncoKB annotator's 27 columns, then
``ACTIONABLE_RULE_IDS``, ``RATIONALE``, ``ACTIONABLE_ERROR`` when asked for). The writer
and the pool only call these.

>>> ANNOTATION_COLUMNS[:4]
('ANNOTATED', 'GENE_IN_ONCOKB', 'VARIANT_IN_ONCOKB', 'MUTATION_EFFECT')
>>> len(ONCOKB_COLUMNS), len(ANNOTATION_COLUMNS)
(27, 30)
"""

from __future__ import annotations

from ..annotation import (
    ANNOTATION_COLUMNS,
    EXTRA_COLUMNS,
    ONCOKB_COLUMNS,
    SENSITIVE_LEVELS,
    annotation_columns,
    from_report,
)
from ..annotation.columns import clean_cell
from ..engine import Engine
from ..models import Report, Variant

__all__ = [
    "ANNOTATION_COLUMNS",
    "EXTRA_COLUMNS",
    "ONCOKB_COLUMNS",
    "failed_columns",
    "report_columns",
    "unannotated_gene_columns",
]

_SENSITIVE = tuple(level.removeprefix("LEVEL_") for level in SENSITIVE_LEVELS)
_HIGHEST = ANNOTATION_COLUMNS.index("HIGHEST_LEVEL")
_clean = clean_cell


def report_columns(
    report: Report, variant: Variant, engine: Engine | None = None
) -> tuple[str, ...]:
    """All :data:`ANNOTATION_COLUMNS` values for one variant of a report.

    >>> import actionable
    >>> r = actionable.evaluate(["BRAF V600E"], tumor="MEL")
    >>> cols = dict(zip(ANNOTATION_COLUMNS, report_columns(r, r.variants[0])))
    >>> cols["HIGHEST_LEVEL"], "Dabrafenib+Trametinib" in cols["LEVEL_1"].split(",")
    ('LEVEL_1', True)
    """
    return annotation_columns(from_report(report, variant, rules=engine))


def failed_columns(note: str) -> tuple[str, ...]:
    """A row that could not be annotated: ``ANNOTATED`` ``False``, the reason in
    ``ACTIONABLE_ERROR``.

    >>> failed_columns("line 3: unreadable")[::29]
    ('False', 'line 3: unreadable')
    """
    return annotation_columns(None, note)


def unannotated_gene_columns(gene_known: bool) -> tuple[str, ...]:
    """A row whose change need not be read: a gene outside this knowledge base
    (``gene_known`` false), or a non-coding row (Silent, Intron, UTR) of a known gene:
    annotated, ``Unknown``, no level.

    >>> unannotated_gene_columns(False)[:6]
    ('True', 'False', 'False', 'Unknown', '', 'Unknown')
    """
    head = ("True", str(gene_known), "False", "Unknown", "", "Unknown")
    return (*head, *("",) * (len(ANNOTATION_COLUMNS) - len(head)))
