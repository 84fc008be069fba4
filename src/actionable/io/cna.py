"""Discrete copy-number matrix reader (GISTIC ``all_thresholded`` / cBioPortal ``data_cna``).

Rows are genes (``Hugo_Symbol`` or ``Gene Symbol``), columns are samples; the
annotation columns ``Entrez_Gene_Id``, ``Locus ID`` and ``Cytoband`` are ignored.
Values: ``-2`` deep deletion (``deletion``), ``-1`` shallow loss (``loss``), ``0``
nothing, ``1`` gain (``gain``), ``2`` amplification (``amplification``). Empty cells
and ``NA`` are not called and yield nothing; anything else is an ``error`` record with
the line and the sample. Segment files (``Chromosome``/``Start``/``End``, as in the
PCGR examples) are not gene-level: they yield one ``error`` record saying so.

>>> import pathlib, tempfile
>>> p = pathlib.Path(tempfile.mkdtemp()) / "cna.tsv"
>>> _ = p.write_text("Hugo_Symbol\\tP1\\tP2\\nERBB2\\t2\\t0\\nCDKN2A\\t-2\\tx\\n")
>>> [(r.line, r.sample, r.status, str(r.variant)) for r in read_cna(p)]
[(2, 'P1', 'ok', 'ERBB2 amplification'), (3, 'P1', 'ok', 'CDKN2A deletion'),
 (3, 'P2', 'error', 'None')]
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ..errors import VariantParseError
from ..variants import parse_variant
from . import Record, _damage_records, _table_rows, open_text

__all__ = ["CNA_EVENTS", "read_cna"]

CNA_EVENTS: dict[int, str] = {-2: "deletion", -1: "loss", 1: "gain", 2: "amplification"}
"""Discrete copy-number value -> alteration word."""

_GENE_COLUMNS = ("hugo_symbol", "gene symbol", "gene")
_ANNOTATION_COLUMNS = frozenset({"entrez_gene_id", "locus id", "cytoband", "cytoband_id"})


def read_cna(
    path: str | Path, *, calls: frozenset[int] = frozenset({-2, -1, 1, 2})
) -> Iterator[Record]:
    """Yield one :class:`~actionable.io.Record` per called (non-zero) cell.

    ``calls`` limits which values are reported, e.g. ``frozenset({-2, 2})`` for deep
    deletions and amplifications only (what the OncoKB annotator evaluates).

    >>> import pathlib, tempfile
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "cna.tsv"
    >>> _ = p.write_text("Hugo_Symbol\\tS1\\nMYC\\t1\\nERBB2\\t2\\n")
    >>> [str(r.variant) for r in read_cna(p, calls=frozenset({-2, 2}))]
    ['ERBB2 amplification']
    """
    source = str(path)
    with open_text(path) as handle:
        header: list[str] | None = None
        gene_col = 0
        samples: list[tuple[int, str]] = []
        for line, cells in _table_rows(handle):
            if cells[0].startswith("#"):
                continue
            if header is None:
                header = cells
                lower = [c.strip().lower() for c in cells]
                if "chromosome" in lower and "start" in lower and "end" in lower:
                    yield Record(
                        source,
                        line,
                        None,
                        status="error",
                        reason="copy-number segments, not a gene-level discrete matrix: "
                        "map segments to genes first (e.g. GISTIC) and pass Hugo_Symbol x sample",
                    )
                    return
                found = [i for i, c in enumerate(lower) if c in _GENE_COLUMNS]
                gene_col = found[0] if found else 0
                samples = [
                    (i, c.strip())
                    for i, c in enumerate(cells)
                    if i != gene_col and c.strip().lower() not in _ANNOTATION_COLUMNS
                ]
                continue
            gene = cells[gene_col].strip() if gene_col < len(cells) else ""
            yield from _row(source, line, gene, cells, samples, calls)
        yield from _damage_records(source, handle)


def _row(
    source: str,
    line: int,
    gene: str,
    cells: list[str],
    samples: list[tuple[int, str]],
    calls: frozenset[int],
) -> Iterator[Record]:
    for index, sample in samples:
        raw = cells[index].strip() if index < len(cells) else ""
        if raw in ("", "NA", "NaN", "nan"):
            continue
        value = _discrete(raw)
        if value is None:
            yield Record(
                source,
                line,
                sample,
                text=f"{gene} {raw}",
                status="error",
                reason=f"copy-number value {raw!r} is not one of -2, -1, 0, 1, 2",
            )
            continue
        if value == 0 or value not in calls:
            continue
        text = f"{gene} {CNA_EVENTS[value]}"
        try:
            variant = parse_variant(text)
        except VariantParseError as error:
            yield Record(source, line, sample, text=text, status="error", reason=str(error))
            continue
        yield Record(source, line, sample, variant, text)


def _discrete(raw: str) -> int | None:
    """A GISTIC-style call (-2..2) from a cell, or None when it is not one."""
    try:
        number = float(raw)
    except ValueError:
        return None
    value = int(number)
    return value if value == number and -2 <= value <= 2 else None
