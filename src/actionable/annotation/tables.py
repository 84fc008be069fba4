"""Copy-number, fusion and structural-variant results in the OncoKB annotators' layouts.

The OncoKB ``CnaAnnotator.py``, ``FusionAnnotator.py`` and
``StructuralVariantAnnotator.py`` write their input columns followed by the same
annotation columns as the MAF annotator. This module writes each kind of alteration in
the minimal input layout of its annotator, then :data:`~actionable.annotation.ONCOKB_COLUMNS`
(and, when asked, :data:`~actionable.annotation.EXTRA_COLUMNS`):

* ``cna``: ``SAMPLE_ID``, ``CANCER_TYPE``, ``HUGO_SYMBOL``, ``ALTERATION``
  (``Amplification``, ``Deletion``, ``Gain``, ``Loss``), what the CNA annotator writes
  for a GISTIC matrix (and a valid individual-CNA table); TMB and MSI go in the same
  layout as atypical alterations (``Other Biomarkers``, ``MSI-H``);
* ``fusion``: ``Tumor_Sample_Barcode``, ``Fusion`` (``EML4-ALK Fusion``,
  ``EGFR-intragenic``);
* ``sv``: ``SAMPLE_ID``, ``GENEA``, ``GENEB``, ``SV_TYPE``.

So OncoKB's clinical-data step, and :mod:`actionable.annotation.clinical`, read them as
they read the annotators' own files.

>>> import io, actionable
>>> rows = table_rows([("S1", "LUAD", actionable.parse_variant("EML4::ALK"), "", "")])
>>> out = io.StringIO()
>>> write_table(out, "fusion", rows)
1
>>> header, line = out.getvalue().splitlines()
>>> header.split("\\t")[:4], line.split("\\t")[:2]
(['Tumor_Sample_Barcode', 'Fusion', 'ANNOTATED', 'GENE_IN_ONCOKB'], ['S1', 'EML4-ALK Fusion'])
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Literal

from ..engine import Engine
from ..errors import ActionableError
from ..evaluate import engine_for
from ..models import Frozen, Variant
from .columns import EXTRA_COLUMNS, ONCOKB_COLUMNS, annotation_columns, clean_cell
from .core import Annotation, annotate_variant

__all__ = [
    "CNA_HEADER",
    "FUSION_HEADER",
    "LAYOUTS",
    "SV_HEADER",
    "Layout",
    "TableRow",
    "cna_alteration",
    "layout_cells",
    "table_header",
    "table_rows",
    "write_table",
]

Layout = Literal["cna", "fusion", "sv"]
CNA_HEADER: tuple[str, ...] = ("SAMPLE_ID", "CANCER_TYPE", "HUGO_SYMBOL", "ALTERATION")
FUSION_HEADER: tuple[str, ...] = ("Tumor_Sample_Barcode", "Fusion")
SV_HEADER: tuple[str, ...] = ("SAMPLE_ID", "GENEA", "GENEB", "SV_TYPE")
LAYOUTS: dict[str, tuple[str, ...]] = {"cna": CNA_HEADER, "fusion": FUSION_HEADER, "sv": SV_HEADER}
_CNA_WORDS = {
    "amplification": "Amplification",
    "deletion": "Deletion",
    "gain": "Gain",
    "loss": "Loss",
}


class TableRow(Frozen):
    """One alteration of one sample, ready for a layout: what the input said and, when it
    could be read, the variant and its annotation."""

    sample: str
    cancer_type: str = ""
    """The tumor type as the annotator's ``CANCER_TYPE`` column states it (OncoTree code)."""
    variant: Variant | None = None
    text: str = ""
    """The alteration as the input gave it (used when it could not be read)."""
    sv_type: str = ""
    """The structural-variant class as the input named it (``DELETION``, ``TRANSLOCATION``)."""
    annotation: Annotation | None = None
    error: str = ""


def cna_alteration(variant: Variant) -> str:
    """The CNA annotator's word for a copy-number variant (empty for anything else).

    >>> import actionable
    >>> cna_alteration(actionable.parse_variant("ERBB2 amplification"))
    'Amplification'
    """
    return _CNA_WORDS.get(variant.kind, "")


def _partners(row: TableRow) -> tuple[str, str]:
    v = row.variant
    if v is not None and len(v.genes) >= 2:
        return v.genes[0], v.genes[1]
    gene = (v.gene if v is not None else None) or row.text.split("-")[0].split(" ")[0]
    return gene, gene


def layout_cells(layout: Layout, row: TableRow) -> tuple[str, ...]:
    """The layout's own columns for one row (before the annotation columns).

    >>> import actionable
    >>> layout_cells("cna", TableRow(sample="S1", cancer_type="BRCA",
    ...                              variant=actionable.parse_variant("ERBB2 amplification")))
    ('S1', 'BRCA', 'ERBB2', 'Amplification')
    >>> layout_cells("cna", TableRow(sample="S1", variant=actionable.parse_variant("MSI-H")))
    ('S1', '', 'Other Biomarkers', 'MSI-H')
    >>> layout_cells("sv", TableRow(sample="S2", variant=actionable.parse_variant("EML4::ALK")))
    ('S2', 'EML4', 'ALK', 'FUSION')
    """
    v = row.variant
    if layout == "cna":
        if v is not None and v.kind == "biomarker":
            # An atypical alteration, as the annotator's examples write MSI-H and TMB-H.
            return (row.sample, row.cancer_type, "Other Biomarkers", v.alteration)
        if v is not None:
            return (row.sample, row.cancer_type, v.gene or "", cna_alteration(v) or v.alteration)
        gene, _, rest = row.text.partition(" ")
        return (row.sample, row.cancer_type, gene, clean_cell(rest))
    a, b = _partners(row)
    if not a:
        # A record that names no gene (a file that could not be read): nothing to invent,
        # neither an "-intragenic" fusion nor a structural-variant type.
        if layout == "fusion":
            return (row.sample, clean_cell(row.text))
        return (row.sample, "", "", row.sv_type.upper())
    if layout == "fusion":
        if v is None and row.text:
            return (row.sample, clean_cell(row.text))
        return (row.sample, f"{a}-intragenic" if a == b else f"{a}-{b} Fusion")
    sv_type = row.sv_type.upper() or ("DELETION" if a == b else "FUSION")
    return (row.sample, a, b, sv_type)


def table_header(layout: Layout, *, extra: bool = False) -> tuple[str, ...]:
    """The layout's header: its columns, the annotator's, and the extra ones if asked.

    >>> table_header("sv")[:5]
    ('SAMPLE_ID', 'GENEA', 'GENEB', 'SV_TYPE', 'ANNOTATED')
    """
    return (*LAYOUTS[layout], *ONCOKB_COLUMNS, *(EXTRA_COLUMNS if extra else ()))


def write_table(
    out: IO[str], layout: Layout, rows: Iterable[TableRow], *, extra: bool = False
) -> int:
    """Write the header and one line per row; returns the number of rows.

    >>> import io
    >>> write_table(io.StringIO(), "cna", [])
    0
    """
    if layout not in LAYOUTS:
        raise ValueError(f"layout {layout!r}: use one of {', '.join(LAYOUTS)}")
    out.write("\t".join(table_header(layout, extra=extra)) + "\n")
    count = 0
    for row in rows:
        cells = (
            *layout_cells(layout, row),
            *annotation_columns(row.annotation, row.error, extra=extra),
        )
        out.write("\t".join(clean_cell(c) for c in cells) + "\n")
        count += 1
    return count


def table_rows(
    items: Iterable[tuple[str, str | None, Variant | None, str, str]],
    *,
    rules: str | Path | Engine | None = None,
    sources: Iterable[str] | None = None,
) -> Iterator[TableRow]:
    """Annotate ``(sample, tumor, variant or None, text as given, error)`` items into
    :class:`TableRow` s, each distinct (variant, tumor) once. An item without a variant,
    or whose tumor cannot be resolved, keeps its ``error`` and is written ``ANNOTATED``
    ``False``.

    >>> import actionable
    >>> items = [("S1", None, actionable.parse_variant("CDKN2A deletion"), "", ""),
    ...          ("S1", None, None, "CDKN2A -3", "value -3 is not a GISTIC call")]
    >>> [(r.annotation and r.annotation.oncogenic, r.error) for r in table_rows(items)]
    [('Likely Oncogenic', ''), (None, 'value -3 is not a GISTIC call')]
    """
    engine = engine_for(rules, sources)
    memo: dict[tuple[Variant, str | None], Annotation | str] = {}
    for sample, tumor, variant, text, error in items:
        if variant is None:
            yield TableRow(sample=sample, cancer_type=tumor or "", text=text, error=error)
            continue
        key = (variant, tumor)
        if key not in memo:
            if len(memo) > 100_000:
                memo.clear()
            try:
                memo[key] = annotate_variant(variant, tumor, rules=engine)
            except ActionableError as error:
                memo[key] = str(error)
        found = memo[key]
        yield TableRow(
            sample=sample,
            cancer_type=tumor or "",
            variant=variant,
            text=text or str(variant),
            annotation=found if isinstance(found, Annotation) else None,
            error=found if isinstance(found, str) else error,
        )
