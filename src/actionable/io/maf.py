"""Mutation Annotation Format (MAF) reader: cBioPortal, AACR GENIE, vcf2maf output.

The reader needs ``Hugo_Symbol``, ``Tumor_Sample_Barcode`` (or ``SAMPLE_ID``) and a
protein change: ``HGVSp_Short``, ``Protein_Change``, ``Amino_Acid_Change`` or the
OncoKB annotator's ``ALTERATION`` column (atypical alterations such as ``MSI-H``,
``TMB-H``, ``Oncogenic Mutations``, ``Fusions``, ``Amplification``), else ``HGVSp``.
Rows whose ``Hugo_Symbol`` is ``Other Biomarkers`` (or empty) carry a gene-less
biomarker in that column. ``Variant_Classification`` is used when present;
``ONCOTREE_CODE`` (or ``CANCER_TYPE``) gives the row's tumor type
(:attr:`~actionable.io.Record.tumor`); ``Mutation_Status`` (``Germline``/``Somatic``)
or a ``Germline`` column (``yes``/``true``/``1``) sets the variant's origin. Leading
comment lines (``#version 2.4``) are skipped; other columns are ignored.

* Rows classed as non-coding (``Silent``, ``Intron``, ``3'UTR``, ``5'UTR``,
  ``3'Flank``, ``5'Flank``, ``IGR``, ``RNA``, ``lincRNA``, ``Splice_Region`` without a
  protein change, ...) become ``skipped`` records whose reason names the class.
* The 5-column minimalist MAF (``Chromosome``, ``Start_Position``,
  ``Reference_Allele``, ``Tumor_Seq_Allele2``, ``Tumor_Sample_Barcode``) has no gene
  and no protein change: its rows are ``skipped`` as not interpretable offline (they
  need a variant annotator such as VEP/vcf2maf first).
* A row whose protein change cannot be parsed is an ``error`` record with the
  parser's message.

>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "x.maf"
>>> _ = p.write_text("#version 2.4\\nHugo_Symbol\\tTumor_Sample_Barcode\\tHGVSp_Short\\n"
...                  "BRAF\\tP1\\tp.V600E\\n")
>>> [(r.line, r.sample, str(r.variant)) for r in read_maf(p)]
[(3, 'P1', 'BRAF V600E')]
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import VariantParseError
from ..models import Variant
from ..variants import parse_variant
from . import Record, _damage_records, _table_rows, open_text

__all__ = [
    "BIOMARKER_SYMBOLS",
    "NON_CODING_CLASSES",
    "MafColumns",
    "maf_change_text",
    "parse_maf_change",
    "read_maf",
]

NON_CODING_CLASSES: frozenset[str] = frozenset(
    {
        "Silent",
        "Intron",
        "3'UTR",
        "5'UTR",
        "3'Flank",
        "5'Flank",
        "IGR",
        "RNA",
        "lincRNA",
        "Targeted_Region",
        "De_novo_Start_InFrame",
        "De_novo_Start_OutOfFrame",
        "Unknown",
    }
)
"""``Variant_Classification`` values with no protein consequence we could act on."""

BIOMARKER_SYMBOLS: frozenset[str] = frozenset({"other biomarkers", "other_biomarkers", ""})
"""``Hugo_Symbol`` values (lower case) of rows that carry a gene-less biomarker
(``MSI-H``, ``TMB-H``) in the alteration column, as OncoKB's atypical-alteration
files write them."""
_TRUE = frozenset({"yes", "y", "true", "t", "1", "germline"})
_FALSE = frozenset({"no", "n", "false", "f", "0", "somatic"})
_NO_VALUE = frozenset({"NA", "N/A", "NAN", "NONE", "NULL", "UNKNOWN", "."})

MINIMAL_REASON = (
    "no gene or protein change in this MAF (minimalist 5-column MAF: genomic "
    "coordinates only); not interpretable offline - annotate it with VEP/vcf2maf first"
)


@dataclass(frozen=True)
class MafColumns:
    """Column indices of the fields we use (``None`` when absent).

    >>> MafColumns.from_header(["Hugo_Symbol", "Tumor_Sample_Barcode"]).symbol
    0
    """

    symbol: int | None
    sample: int | None
    hgvsp_short: int | None
    hgvsp: int | None
    classification: int | None
    oncotree: int | None = None
    """``ONCOTREE_CODE`` (or ``CANCER_TYPE``): the row's tumor type."""
    status: int | None = None
    """``Mutation_Status``: ``Germline`` / ``Somatic`` set the origin."""
    germline: int | None = None
    """A ``Germline`` flag column (``yes``, ``true``, ``1``, ``germline``)."""

    @classmethod
    def from_header(cls, header: Sequence[str]) -> MafColumns:
        """Find the columns by name, case-insensitively."""
        index = {name.strip().lower(): i for i, name in enumerate(header)}

        def find(*names: str) -> int | None:
            for name in names:
                if name.lower() in index:
                    return index[name.lower()]
            return None

        return cls(
            symbol=find("Hugo_Symbol"),
            sample=find("Tumor_Sample_Barcode", "Sample_Id", "SAMPLE_ID"),
            hgvsp_short=find("HGVSp_Short", "Protein_Change", "Amino_Acid_Change", "Alteration"),
            hgvsp=find("HGVSp"),
            classification=find("Variant_Classification"),
            oncotree=find("ONCOTREE_CODE", "CANCER_TYPE"),
            status=find("Mutation_Status"),
            germline=find("Germline", "Is_Germline"),
        )

    def origin(self, cells: Sequence[str]) -> str | None:
        """The origin a row states (``germline``/``somatic``), or ``None``.

        >>> c = MafColumns.from_header(["Hugo_Symbol", "Tumor_Sample_Barcode", "Mutation_Status"])
        >>> c.origin(["BRCA2", "P1", "Germline"]), c.origin(["BRCA2", "P1", "LOH"])
        ('germline', None)
        """
        if self.status is not None and self.status < len(cells):
            status = cells[self.status].strip().lower()
            if status in ("germline", "somatic"):
                return status
        if self.germline is not None and self.germline < len(cells):
            flag = cells[self.germline].strip().lower()
            if flag in _TRUE:
                return "germline"
            if flag in _FALSE:
                return "somatic"
        return None

    def tumor_text(self, cells: Sequence[str]) -> str:
        """The row's ``ONCOTREE_CODE`` cell (empty when absent).

        >>> MafColumns.from_header(["Hugo_Symbol", "ONCOTREE_CODE"]).tumor_text(["BRAF", "MEL"])
        'MEL'
        """
        if self.oncotree is None or self.oncotree >= len(cells):
            return ""
        text = cells[self.oncotree].strip()
        return "" if text.upper() in _NO_VALUE else text

    @property
    def interpretable(self) -> bool:
        """Whether the file has a gene and a protein change column at all."""
        return self.symbol is not None and (self.hgvsp_short is not None or self.hgvsp is not None)


def maf_change_text(hgvsp_short: str, hgvsp: str = "") -> str:
    """The protein change to parse: ``HGVSp_Short`` (else ``HGVSp``), with the
    ``p.X123_splice`` spelling of splice sites made parseable.

    >>> maf_change_text("p.X125_splice"), maf_change_text("", "ENSP1:p.Val600Glu")
    ('X125_splice', 'p.Val600Glu')
    """
    text = hgvsp_short.strip() or hgvsp.strip()
    if ":" in text:
        text = text.rsplit(":", 1)[1]
    if text.endswith("_splice") and text.startswith("p."):
        text = text[2:]
    return text


def parse_maf_change(
    symbol: str, hgvsp_short: str, hgvsp: str = "", origin: str | None = None
) -> Variant:
    """Parse one MAF row's protein change (or atypical alteration) in its gene. Raises
    :class:`~actionable.errors.VariantParseError` when there is none or it is malformed.
    A row of the ``Other Biomarkers`` pseudo-gene is read without a gene.

    >>> str(parse_maf_change("TP53", "p.R213*")), str(parse_maf_change("Other Biomarkers", "MSI-H"))
    ('TP53 R213*', 'MSI-H')
    >>> parse_maf_change("BRCA2", "p.S1982fs", origin="germline").origin
    'germline'
    >>> str(parse_maf_change("BRAF", "Oncogenic Mutations"))
    'BRAF oncogenic mutation'
    """
    text = maf_change_text(hgvsp_short, hgvsp)
    if not text or text in ("p.?", "p.="):
        raise VariantParseError(
            f"{symbol} {text}".strip(),
            "no protein change (HGVSp_Short and HGVSp are empty)",
            "fill HGVSp_Short, e.g. p.V600E",
        )
    if symbol.strip().lower() in BIOMARKER_SYMBOLS:
        return parse_variant(text, origin=origin)
    try:
        return parse_variant(text, gene=symbol, origin=origin)
    except VariantParseError:
        if text.startswith("p.") or not symbol.strip():
            raise
        # Atypical alterations (``Oncogenic Mutations``, ``Truncating Mutations``) read
        # only after their gene, as a report line writes them.
        try:
            return parse_variant(f"{symbol} {text}", origin=origin)
        except VariantParseError:
            pass
        raise


def _cell(cells: Sequence[str], index: int | None) -> str:
    if index is None or index >= len(cells):
        return ""
    return cells[index].strip()


def read_maf(path: str | Path) -> Iterator[Record]:
    """Yield one :class:`~actionable.io.Record` per data row of a MAF.

    Memory stays bounded: rows are parsed one at a time and never kept.
    See the module docstring for skipped and error rows.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.maf"
    >>> _ = p.write_text("Hugo_Symbol\\tVariant_Classification\\tTumor_Sample_Barcode\\t"
    ...                  "HGVSp_Short\\nTP53\\tSilent\\tP1\\tp.R213=\\n")
    >>> [(r.status, r.reason) for r in read_maf(p)]
    [('skipped', 'non-coding: Silent')]
    """
    source = str(path)
    with open_text(path) as handle:
        rows = _table_rows(handle)
        columns: MafColumns | None = None
        for line, cells in rows:
            if cells[0].startswith("#"):
                continue
            if columns is None:
                columns = MafColumns.from_header(cells)
                if columns.sample is None:
                    yield Record(
                        source,
                        line,
                        None,
                        status="error",
                        reason="MAF header has no Tumor_Sample_Barcode column",
                    )
                    return
                continue
            sample = _cell(cells, columns.sample) or None
            if not columns.interpretable:
                yield Record(source, line, sample, status="skipped", reason=MINIMAL_REASON)
                continue
            yield _row_record(source, line, sample, cells, columns)
        yield from _damage_records(source, handle)


def _row_record(
    source: str, line: int, sample: str | None, cells: Sequence[str], columns: MafColumns
) -> Record:
    symbol = _cell(cells, columns.symbol)
    short = _cell(cells, columns.hgvsp_short)
    full = _cell(cells, columns.hgvsp)
    text = f"{symbol} {short or full}".strip()
    tumor = columns.tumor_text(cells)
    if sample is None:
        return Record(source, line, None, text=text, status="error", reason="no sample barcode")
    klass = _cell(cells, columns.classification)
    if klass in NON_CODING_CLASSES or (klass == "Splice_Region" and not (short or full)):
        return Record(
            source,
            line,
            sample,
            text=text,
            status="skipped",
            reason=f"non-coding: {klass}",
            tumor=tumor,
        )
    if not symbol and not short:
        return Record(
            source, line, sample, text=text, status="error", reason="no Hugo_Symbol", tumor=tumor
        )
    try:
        variant = parse_maf_change(symbol, short, full, columns.origin(cells))
    except VariantParseError as error:
        return Record(
            source, line, sample, text=text, status="error", reason=str(error), tumor=tumor
        )
    return Record(source, line, sample, variant, text, tumor=tumor)
