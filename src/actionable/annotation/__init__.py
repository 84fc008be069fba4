"""OncoKB-style annotation of alterations, and the files the OncoKB annotators write.

The shared core of every OncoKB-compatible output (annotated MAF, CNA, fusion and
structural-variant tables, the per-sample clinical summary, the OncoKB-compatible web
API): :class:`Annotation`, one alteration's annotation as OncoKB's
``IndicatorQueryResp`` carries it, computed from :func:`actionable.evaluate` and
:func:`actionable.oncogenicity.classify` by :func:`annotate_variant` and
:func:`from_report`.

Floor: above ``evaluate`` and ``oncogenicity``, below ``cohort`` and ``serve``; it never
imports them (nor the CLI).

>>> from actionable.annotation import annotate_variant
>>> annotate_variant("KRAS G12C", "LUAD").highest_sensitive_level
'LEVEL_1'
"""

from __future__ import annotations

from .columns import (
    ANNOTATION_COLUMNS,
    EXTRA_COLUMNS,
    ONCOKB_COLUMNS,
    annotation_columns,
    extra_columns,
    oncokb_columns,
)
from .core import (
    DX_LEVELS,
    PX_LEVELS,
    RESISTANCE_LEVELS,
    SENSITIVE_LEVELS,
    TX_LEVELS,
    TX_PRIORITY,
    Annotation,
    OncogenicCall,
    Query,
    Treatment,
    TxLevel,
    annotate_variant,
    citation_texts,
    drug_label_name,
    from_report,
    known_genes,
)
from .implications import Implication, implications_for

__all__ = [
    "ANNOTATION_COLUMNS",
    "DX_LEVELS",
    "EXTRA_COLUMNS",
    "ONCOKB_COLUMNS",
    "PX_LEVELS",
    "RESISTANCE_LEVELS",
    "SENSITIVE_LEVELS",
    "TX_LEVELS",
    "TX_PRIORITY",
    "Annotation",
    "Implication",
    "OncogenicCall",
    "Query",
    "Treatment",
    "TxLevel",
    "annotate_variant",
    "annotation_columns",
    "citation_texts",
    "drug_label_name",
    "extra_columns",
    "from_report",
    "implications_for",
    "known_genes",
    "oncokb_columns",
]
