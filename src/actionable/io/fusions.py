"""Fusion and structural-variant reader: STAR-Fusion, PCGR, cBioPortal and the OncoKB
annotator's fusion and structural-variant layouts.

The format is recognised from the header:

* STAR-Fusion ``star-fusion.fusion_predictions.tsv``: ``#FusionName`` = ``A--B``, with
  read support in ``JunctionReadCount`` + ``SpanningFragCount``: a fusion with fewer
  than ``min_reads`` supporting reads (default :data:`MIN_FUSION_READS`) is a
  ``skipped`` record that says so;
* PCGR: ``FusionGene`` = ``A--B`` (5' gene first);
* cBioPortal SV format: ``Site1_Hugo_Symbol``, ``Site2_Hugo_Symbol``, ``Sample_Id``
  (5' partner in Site1);
* OncoKB annotator structural variants: ``SAMPLE_ID`` (or ``Tumor_Sample_Barcode``),
  ``GENEA``, ``GENEB``, ``SV_TYPE`` (``FUSION``, ``TRANSLOCATION``, ``DELETION``,
  ``DUPLICATION``, ``INVERSION`` ...): two different genes are read as a fusion;
* OncoKB annotator / cBioPortal fusion format: ``Tumor_Sample_Barcode``, ``Fusion``
  (``EML4-ALK fusion``, ``EML4-ALK``).

One gene rearranged with itself (``GENE-intragenic`` in the fusion layout, or
``GENEA`` = ``GENEB``) is an intragenic rearrangement: no alteration of this knowledge
base describes one, so it is a ``skipped`` record whose reason says so (shown in the
outputs, never dropped silently). STAR-Fusion and PCGR files carry no sample column:
all their fusions belong to ``sample`` (default: the file name up to the first dot). A
``Sample_Id``/``sample`` column, when present, wins. Rows naming only one gene are
``error`` records.

>>> import pathlib, tempfile
>>> p = pathlib.Path(tempfile.mkdtemp()) / "P7.fusions.tsv"
>>> _ = p.write_text("FusionGene\\tSplitReads\\nEML4--ALK\\t100\\n")
>>> [(r.line, r.sample, str(r.variant)) for r in read_fusions(p)]
[(2, 'P7', 'EML4::ALK fusion')]
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

from ..errors import VariantParseError
from ..variants import parse_variant
from . import Record, _damage_records, _table_rows, open_text

__all__ = ["MIN_FUSION_READS", "read_fusions"]

MIN_FUSION_READS = 2
"""Default least number of supporting reads (junction + spanning) of a STAR-Fusion
call: a fusion seen in one read is more often an artefact than a driver."""
_INTRAGENIC = (
    "intragenic rearrangement: this knowledge base has no alteration for it, not interpreted"
)


def _index(header: Sequence[str]) -> dict[str, int]:
    return {c.strip().lstrip("#").lower(): i for i, c in enumerate(header)}


def _get(cells: Sequence[str], index: int | None) -> str:
    return cells[index].strip() if index is not None and index < len(cells) else ""


def read_fusions(
    path: str | Path, sample: str | None = None, *, min_reads: int = MIN_FUSION_READS
) -> Iterator[Record]:
    """Yield one :class:`~actionable.io.Record` per fusion row (see the module docstring).

    >>> import pathlib, tempfile
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "sv.tsv"
    >>> _ = p.write_text("Sample_Id\\tSite1_Hugo_Symbol\\tSite2_Hugo_Symbol\\nS1\\tCCDC6\\tRET\\n")
    >>> [(r.sample, str(r.variant)) for r in read_fusions(p)]
    [('S1', 'CCDC6::RET fusion')]
    >>> _ = p.write_text("SAMPLE_ID\\tGENEA\\tGENEB\\tSV_TYPE\\nS2\\tEML4\\tALK\\tFUSION\\n")
    >>> [(r.sample, str(r.variant)) for r in read_fusions(p)]
    [('S2', 'EML4::ALK fusion')]
    """
    p = Path(path)
    source = str(p)
    default = sample or p.name.split(".")[0]
    with open_text(p) as handle:
        cols: dict[str, int] | None = None
        for line, cells in _table_rows(handle):
            if cols is None:
                if cells[0].startswith("##"):
                    continue
                cols = _index(cells)
                if not any(
                    k in cols
                    for k in ("fusionname", "fusiongene", "site1_hugo_symbol", "genea", "fusion")
                ):
                    yield Record(
                        source,
                        line,
                        None,
                        status="error",
                        reason="unknown fusion format: expected a #FusionName (STAR-Fusion), "
                        "FusionGene (PCGR), Site1_Hugo_Symbol/Site2_Hugo_Symbol (cBioPortal SV), "
                        "GENEA/GENEB (OncoKB structural variants) or Fusion (OncoKB, cBioPortal) "
                        "column",
                    )
                    return
                continue
            if cells[0].startswith("#"):
                continue
            who = (
                _get(cells, cols.get("sample_id"))
                or _get(cells, cols.get("tumor_sample_barcode"))
                or _get(cells, cols.get("sample"))
                or default
            )
            record = _fusion_record(source, line, who, cells, cols)
            yield _read_support(record, cells, cols, min_reads)
        yield from _damage_records(source, handle)


def _read_support(
    record: Record, cells: Sequence[str], cols: dict[str, int], min_reads: int
) -> Record:
    """A STAR-Fusion call with fewer supporting reads than ``min_reads`` is skipped."""
    if record.variant is None or "junctionreadcount" not in cols:
        return record
    reads = 0
    for key in ("junctionreadcount", "spanningfragcount"):
        try:
            reads += int(float(_get(cells, cols.get(key)) or 0))
        except ValueError:
            return record
    if reads >= min_reads:
        return record
    return Record(
        record.source,
        record.line,
        record.sample,
        text=record.text,
        status="skipped",
        reason=f"{reads} supporting reads, fewer than the minimum {min_reads} (--min-fusion-reads)",
    )


def _fusion_record(
    source: str, line: int, sample: str, cells: Sequence[str], cols: dict[str, int]
) -> Record:
    pair = next(
        (
            k
            for k in (("site1_hugo_symbol", "site2_hugo_symbol"), ("genea", "geneb"))
            if k[0] in cols
        ),
        None,
    )
    if pair is not None:
        five = _get(cells, cols.get(pair[0]))
        three = _get(cells, cols.get(pair[1]))
        text = f"{five}--{three}" if five and three else (five or three)
        if five and five == three:
            text = f"{five}-intragenic"
    else:
        name = next(
            (_get(cells, cols[k]) for k in ("fusionname", "fusiongene", "fusion") if k in cols), ""
        )
        text = name.split(" ")[0] if name else ""
        if "--" in text:
            five, _, three = text.partition("--")
        else:
            five, _, three = text.partition("-")
    if text.lower().endswith("-intragenic"):
        gene = text[: -len("-intragenic")]
        return Record(
            source, line, sample, text=text, status="skipped", reason=f"{gene} {_INTRAGENIC}"
        )
    if not five or not three:
        return Record(
            source,
            line,
            sample,
            text=text,
            status="error",
            reason=f"fusion {text!r} does not name two genes (write GENE5--GENE3)",
        )
    try:
        variant = parse_variant(f"{five}::{three}")
    except VariantParseError as error:
        return Record(source, line, sample, text=text, status="error", reason=str(error))
    return Record(source, line, sample, variant, text)
