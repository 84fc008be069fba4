"""The OncoKB MAF annotator's columns, from an :class:`~actionable.annotation.Annotation`.

:data:`ONCOKB_COLUMNS` are the annotator's default columns in its order and meaning
(``MafAnnotator.py`` without descriptions or hotspot flags); the CNA, fusion and
structural-variant annotators append the same columns. :data:`EXTRA_COLUMNS` are this
library's own (``ACTIONABLE_RULE_IDS``, ``RATIONALE``, ``ACTIONABLE_ERROR``), written
after them when asked for.

Values as the annotator writes them: ``True``/``False``; therapies as
``Dabrafenib+Trametinib``, several at one level ``,``-joined; citations ``;``-joined
(PMIDs as numbers, other references as ``text(link)``); diagnostic and prognostic level
columns name the tumor types (OncoTree codes) the level is assigned to.

>>> from actionable.annotation import annotate_variant
>>> row = dict(zip(ONCOKB_COLUMNS, oncokb_columns(annotate_variant("BRAF V600E", "MEL"))))
>>> row["ANNOTATED"], row["ONCOGENIC"], row["HIGHEST_LEVEL"]
('True', 'Oncogenic', 'LEVEL_1')
>>> "Dabrafenib+Trametinib" in row["LEVEL_1"].split(",")
True
"""

from __future__ import annotations

from collections.abc import Iterable

from ..models import Citation
from .core import DX_LEVELS, PX_LEVELS, TX_LEVELS, Annotation, citation_texts

__all__ = [
    "ANNOTATION_COLUMNS",
    "EXTRA_COLUMNS",
    "ONCOKB_COLUMNS",
    "annotation_columns",
    "clean_cell",
    "extra_columns",
    "oncokb_columns",
]

ONCOKB_COLUMNS: tuple[str, ...] = (
    "ANNOTATED",
    "GENE_IN_ONCOKB",
    "VARIANT_IN_ONCOKB",
    "MUTATION_EFFECT",
    "MUTATION_EFFECT_CITATIONS",
    "ONCOGENIC",
    *TX_LEVELS,
    "HIGHEST_LEVEL",
    "HIGHEST_SENSITIVE_LEVEL",
    "HIGHEST_RESISTANCE_LEVEL",
    "TX_CITATIONS",
    *DX_LEVELS,
    "HIGHEST_DX_LEVEL",
    "DX_CITATIONS",
    *PX_LEVELS,
    "HIGHEST_PX_LEVEL",
    "PX_CITATIONS",
)
"""The OncoKB annotator's 27 default columns, in its order."""
EXTRA_COLUMNS: tuple[str, ...] = ("ACTIONABLE_RULE_IDS", "RATIONALE", "ACTIONABLE_ERROR")
"""This library's columns after the annotator's: the rules that fired, one short
rationale per therapy (``|``-joined), and why a row could not be annotated."""
ANNOTATION_COLUMNS: tuple[str, ...] = (*ONCOKB_COLUMNS, *EXTRA_COLUMNS)


def clean_cell(text: str) -> str:
    """A value safe in one cell of a tab-separated row: no tabs, newlines or ``|``.

    >>> clean_cell("a\\tb\\n c|d")
    'a b c/d'
    """
    return " ".join(text.replace("|", "/").split())


def _cites(citations: Iterable[Citation]) -> str:
    pmids, others = citation_texts(citations)
    return ";".join(clean_cell(c) for c in (*pmids, *others))


def oncokb_columns(annotation: Annotation | None) -> tuple[str, ...]:
    """The :data:`ONCOKB_COLUMNS` values for one alteration; ``None`` (a row that could
    not be read) gives ``ANNOTATED`` ``False`` and empty cells, as the annotator writes a
    row its API could not annotate.

    >>> from actionable.annotation import annotate_variant
    >>> cols = dict(zip(ONCOKB_COLUMNS, oncokb_columns(annotate_variant("EGFR T790M", "LUAD"))))
    >>> cols["HIGHEST_LEVEL"], cols["HIGHEST_SENSITIVE_LEVEL"], cols["HIGHEST_RESISTANCE_LEVEL"]
    ('LEVEL_R1', 'LEVEL_1', 'LEVEL_R1')
    >>> oncokb_columns(None)[:2]
    ('False', '')
    """
    if annotation is None:
        return ("False", *("",) * (len(ONCOKB_COLUMNS) - 1))
    a = annotation
    return (
        "True",
        str(a.gene_exist),
        str(a.variant_exist),
        a.mutation_effect,
        _cites(a.mutation_effect_citations),
        a.oncogenic,
        *(",".join(clean_cell(d) for d in a.drugs_at(level)) for level in TX_LEVELS),
        a.highest_level or "",
        a.highest_sensitive_level or "",
        a.highest_resistance_level or "",
        _cites(a.tx_citations),
        *(",".join(a.tumor_types_at(level)) for level in DX_LEVELS),
        a.highest_diagnostic_level or "",
        _cites(c for i in a.diagnostic_implications for c in i.citations),
        *(",".join(a.tumor_types_at(level)) for level in PX_LEVELS),
        a.highest_prognostic_level or "",
        _cites(c for i in a.prognostic_implications for c in i.citations),
    )


def extra_columns(annotation: Annotation | None, error: str = "") -> tuple[str, ...]:
    """The :data:`EXTRA_COLUMNS` values: rule ids (``,``-joined, once each), one
    rationale per therapy (``LEVEL_1 dabrafenib + trametinib: <why>``, ``|``-joined)
    and ``error``.

    >>> from actionable.annotation import annotate_variant
    >>> ids, why, error = extra_columns(annotate_variant("KRAS G12C", "LUAD"))
    >>> why.startswith("LEVEL_1 "), error
    (True, '')
    """
    if annotation is None:
        return ("", "", clean_cell(error))
    rule_ids = ",".join(dict.fromkeys(t.rule_id for t in annotation.treatments))
    rationale = []
    for t in annotation.treatments:
        why = t.description or t.rule_id
        extra = "; off-label (curated for another tumor type)" if t.off_label else ""
        rationale.append(clean_cell(f"{t.level} {' + '.join(t.drugs)}: {why}{extra}"))
    return (rule_ids, "|".join(rationale), clean_cell(error))


def annotation_columns(
    annotation: Annotation | None, error: str = "", *, extra: bool = True
) -> tuple[str, ...]:
    """:func:`oncokb_columns` followed (unless ``extra`` is false) by :func:`extra_columns`.

    >>> len(annotation_columns(None, "line 3: unreadable"))
    30
    >>> len(annotation_columns(None, extra=False))
    27
    """
    cols = oncokb_columns(annotation)
    return (*cols, *extra_columns(annotation, error)) if extra else cols
