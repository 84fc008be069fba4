"""Copy-number reader: two layouts, told apart by their header.

* Discrete matrix (GISTIC ``all_thresholded``, cBioPortal ``data_cna``): rows are genes
  (``Hugo_Symbol`` or ``Gene Symbol`` first), columns are samples; the annotation
  columns ``Entrez_Gene_Id``, ``Locus ID`` and ``Cytoband`` are ignored.
* Individual calls (the OncoKB annotator's individual-CNA layout): one row per call
  with a sample column (``SAMPLE_ID`` or ``Tumor_Sample_Barcode``), ``HUGO_SYMBOL`` and
  ``ALTERATION`` (or ``Copy_Number_Alteration``) holding a number or a word.

Values: ``-2`` / ``Deletion`` deep deletion (``deletion``), ``-1`` / ``Loss`` shallow
loss (``loss``), ``0`` nothing, ``1`` / ``Gain`` gain (``gain``), ``2`` /
``Amplification`` amplification (``amplification``). Empty cells and ``NA`` are not
called and yield nothing; anything else is an ``error`` record with the line and the
sample. Any other header (segment files with ``Chromosome``/``Start``/``End``, a table
without a gene column) yields one ``error`` record, without a sample, naming both
expected layouts.

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

__all__ = ["CNA_EVENTS", "LAYOUTS", "read_cna"]

CNA_EVENTS: dict[int, str] = {-2: "deletion", -1: "loss", 1: "gain", 2: "amplification"}
"""Discrete copy-number value -> alteration word."""

_GENE_COLUMNS = ("hugo_symbol", "gene symbol", "gene")
_ANNOTATION_COLUMNS = frozenset({"entrez_gene_id", "locus id", "cytoband", "cytoband_id"})
_SAMPLE_COLUMNS = ("sample_id", "tumor_sample_barcode", "sample")
_CALL_COLUMNS = ("alteration", "copy_number_alteration", "cna")
_WORDS = {word: value for value, word in CNA_EVENTS.items()} | {
    "amp": 2,
    "homdel": -2,
    "deep deletion": -2,
    "shallow deletion": -1,
    "diploid": 0,
    "neutral": 0,
}
LAYOUTS = (
    "expected a discrete copy-number matrix (Hugo_Symbol, then one column per sample "
    "with -2..2 calls) or individual calls (SAMPLE_ID, HUGO_SYMBOL, ALTERATION with "
    "Amplification/Deletion/Gain/Loss or -2..2)"
)
"""What :func:`read_cna` accepts, named in its refusal of any other layout."""


def read_cna(
    path: str | Path, *, calls: frozenset[int] = frozenset({-2, -1, 1, 2})
) -> Iterator[Record]:
    """Yield one :class:`~actionable.io.Record` per called (non-zero) cell or call row.

    ``calls`` limits which values are reported, e.g. ``frozenset({-2, 2})`` for deep
    deletions and amplifications only (what the OncoKB annotator evaluates).

    >>> import pathlib, tempfile
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "cna.tsv"
    >>> _ = p.write_text("Hugo_Symbol\\tS1\\nMYC\\t1\\nERBB2\\t2\\n")
    >>> [str(r.variant) for r in read_cna(p, calls=frozenset({-2, 2}))]
    ['ERBB2 amplification']
    >>> _ = p.write_text("SAMPLE_ID\\tHUGO_SYMBOL\\tALTERATION\\nS1\\tMET\\tAmplification\\n")
    >>> [(r.sample, str(r.variant)) for r in read_cna(p)]
    [('S1', 'MET amplification')]
    """
    source = str(path)
    with open_text(path) as handle:
        header: list[str] | None = None
        gene_col = 0
        samples: list[tuple[int, str]] = []
        individual: tuple[int, int, int] | None = None
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
                        reason="copy-number segments, not gene-level calls: map segments to "
                        f"genes first (e.g. GISTIC); {LAYOUTS}",
                    )
                    return
                individual = _individual_columns(lower)
                found = [i for i, c in enumerate(lower) if c in _GENE_COLUMNS]
                if individual is None and not found:
                    shown = " ".join(c.strip() for c in cells[:6])
                    yield Record(
                        source,
                        line,
                        None,
                        status="error",
                        reason=f"unknown copy-number layout (header: {shown}): {LAYOUTS}",
                    )
                    return
                gene_col = found[0] if found else 0
                samples = [
                    (i, c.strip())
                    for i, c in enumerate(cells)
                    if i != gene_col and c.strip().lower() not in _ANNOTATION_COLUMNS
                ]
                continue
            if individual is not None:
                yield from _individual_row(source, line, cells, individual, calls)
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
    words: bool = False,
) -> Iterator[Record]:
    for index, sample in samples:
        raw = cells[index].strip() if index < len(cells) else ""
        if raw in ("", "NA", "NaN", "nan"):
            continue
        value = _discrete(raw, words)
        if value is None:
            accepted = "-2, -1, 0, 1, 2" + (
                " or Amplification, Deletion, Gain, Loss" if words else ""
            )
            yield Record(
                source,
                line,
                sample,
                text=f"{gene} {raw}",
                status="error",
                reason=f"copy-number value {raw!r} is not one of {accepted}",
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


def _individual_columns(lower: list[str]) -> tuple[int, int, int] | None:
    """(sample, gene, call) columns of the individual-CNA layout, or ``None``."""

    def first(names: tuple[str, ...]) -> int | None:
        return next((lower.index(n) for n in names if n in lower), None)

    sample, gene, call = first(_SAMPLE_COLUMNS), first(_GENE_COLUMNS), first(_CALL_COLUMNS)
    if sample is None or gene is None or call is None:
        return None
    return sample, gene, call


def _individual_row(
    source: str,
    line: int,
    cells: list[str],
    columns: tuple[int, int, int],
    calls: frozenset[int],
) -> Iterator[Record]:
    si, gi, ci = columns
    sample = cells[si].strip() if si < len(cells) else ""
    gene = cells[gi].strip() if gi < len(cells) else ""
    raw = cells[ci].strip() if ci < len(cells) else ""
    if not sample:
        yield Record(
            source, line, None, text=f"{gene} {raw}", status="error", reason="no sample id"
        )
        return
    yield from _row(source, line, gene, [raw], [(0, sample)], calls, words=True)


def _discrete(raw: str, words: bool = False) -> int | None:
    """A copy-number call (-2..2, or its word in the individual layout) from a cell, or
    None when it is not one."""
    if words and (word := _WORDS.get(raw.strip().lower())) is not None:
        return word
    try:
        number = float(raw)
    except ValueError:
        return None
    value = int(number)
    return value if value == number and -2 <= value <= 2 else None
