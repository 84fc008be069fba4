"""Fusion list reader: STAR-Fusion, cBioPortal structural variants, PCGR ``FusionGene``.

The format is recognised from the header:

* STAR-Fusion ``star-fusion.fusion_predictions.tsv``: ``#FusionName`` = ``A--B``;
* PCGR: ``FusionGene`` = ``A--B`` (5' gene first);
* cBioPortal SV format: ``Site1_Hugo_Symbol``, ``Site2_Hugo_Symbol``, ``Sample_Id``
  (5' partner in Site1);
* cBioPortal legacy fusion format: ``Hugo_Symbol``, ``Fusion`` (``EML4-ALK fusion``),
  ``Tumor_Sample_Barcode``.

STAR-Fusion and PCGR files carry no sample column: all their fusions belong to
``sample`` (default: the file name up to the first dot). A ``Sample_Id``/``sample``
column, when present, wins. Rows naming only one gene are ``error`` records.

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

__all__ = ["read_fusions"]


def _index(header: Sequence[str]) -> dict[str, int]:
    return {c.strip().lstrip("#").lower(): i for i, c in enumerate(header)}


def _get(cells: Sequence[str], index: int | None) -> str:
    return cells[index].strip() if index is not None and index < len(cells) else ""


def read_fusions(path: str | Path, sample: str | None = None) -> Iterator[Record]:
    """Yield one :class:`~actionable.io.Record` per fusion row (see the module docstring).

    >>> import pathlib, tempfile
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "sv.tsv"
    >>> _ = p.write_text("Sample_Id\\tSite1_Hugo_Symbol\\tSite2_Hugo_Symbol\\nS1\\tCCDC6\\tRET\\n")
    >>> [(r.sample, str(r.variant)) for r in read_fusions(p)]
    [('S1', 'CCDC6::RET fusion')]
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
                    k in cols for k in ("fusionname", "fusiongene", "site1_hugo_symbol", "fusion")
                ):
                    yield Record(
                        source,
                        line,
                        None,
                        status="error",
                        reason="unknown fusion format: expected a #FusionName (STAR-Fusion), "
                        "FusionGene (PCGR), Site1_Hugo_Symbol/Site2_Hugo_Symbol (cBioPortal SV) "
                        "or Fusion (cBioPortal) column",
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
            yield _fusion_record(source, line, who, cells, cols)
        yield from _damage_records(source, handle)


def _fusion_record(
    source: str, line: int, sample: str, cells: Sequence[str], cols: dict[str, int]
) -> Record:
    if "site1_hugo_symbol" in cols:
        five = _get(cells, cols.get("site1_hugo_symbol"))
        three = _get(cells, cols.get("site2_hugo_symbol"))
        text = f"{five}--{three}" if five and three else (five or three)
    else:
        name = next(
            (_get(cells, cols[k]) for k in ("fusionname", "fusiongene", "fusion") if k in cols), ""
        )
        text = name.split(" ")[0] if name else ""
        if "--" in text:
            five, _, three = text.partition("--")
        else:
            five, _, three = text.partition("-")
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
