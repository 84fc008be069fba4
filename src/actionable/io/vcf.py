"""VCF reader (pysam) for VCFs annotated by Ensembl VEP (``CSQ``) or SnpEff (``ANN``).

Per record, one transcript's consequence is used:

* VEP ``CSQ``: the entry flagged ``PICK=1``, else the MANE Select transcript
  (``MANE_SELECT``/``MANE`` non-empty), else ``CANONICAL=YES``, else the first entry
  with an ``HGVSp``, else the first entry;
* SnpEff ``ANN``: the first entry with an ``HGVS.p`` (SnpEff sorts entries by impact),
  else the first entry.

The gene is ``SYMBOL``/``Gene_Name`` and the change ``HGVSp``/``HGVS.p``
(``ENSP00000288602.6:p.Val600Glu`` -> ``BRAF V600E``).

Samples: **one patient per sample column**. A record is reported for every sample
whose ``GT`` carries an alternate allele (or has no usable ``GT``). A VCF without
sample columns is one patient named by ``sample=`` (default: the file name without
``.vcf``/``.vcf.gz``); ``sample=`` also forces one patient per file for single-sample
VCFs whose column name is not the patient id.

A VCF with neither ``CSQ`` nor ``ANN`` (for example the raw PCGR example VCFs) yields
one ``error`` record per data line saying there is no consequence annotation; it
never raises. Line numbers count the header lines, so they match ``zcat file | nl``.

>>> import pathlib, tempfile
>>> p = pathlib.Path(tempfile.mkdtemp()) / "t.vcf"
>>> _ = p.write_text(
...     "##fileformat=VCFv4.2\\n##contig=<ID=7>\\n"
...     '##INFO=<ID=CSQ,Number=.,Type=String,Description="Format: Allele|SYMBOL|HGVSp">\\n'
...     "#CHROM\\tPOS\\tID\\tREF\\tALT\\tQUAL\\tFILTER\\tINFO\\n"
...     "7\\t140453136\\t.\\tA\\tT\\t.\\tPASS\\tCSQ=T|BRAF|ENSP00000288602.6:p.Val600Glu\\n")
>>> [(r.line, r.sample, str(r.variant)) for r in read_vcf(p)]
[(5, 't', 'BRAF V600E')]
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from ..errors import MissingExtraError, VariantParseError
from ..variants import parse_variant
from . import Record

__all__ = ["NO_ANNOTATION_REASON", "pick_consequence", "read_vcf"]

NO_ANNOTATION_REASON = (
    "no consequence annotation: the VCF has no VEP CSQ or SnpEff ANN INFO field, so the "
    "protein change is unknown; annotate it first (vep --hgvs --symbol --canonical "
    "--mane, or snpEff)"
)
_NON_CODING = re.compile(
    r"intron|UTR|upstream|downstream|intergenic|synonymous|non_coding|regulatory|"
    r"TF_binding|splice_region|splice_polypyrimidine|splice_donor_5th|splice_donor_region",
    re.IGNORECASE,
)


def _sample_name(path: Path) -> str:
    name = path.name
    for suffix in (".gz", ".bgz", ".vcf", ".bcf"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
    return name


def _fields(description: str) -> list[str]:
    if "Format:" in description:
        text = description.split("Format:", 1)[1]
    elif "'" in description:
        text = description.split("'")[1]
    else:
        text = description
    return [f.strip().strip("'\" ") for f in text.split("|")]


def _count_header_lines(path: Path) -> int:
    """Lines up to and including ``#CHROM`` (pysam's header text adds lines of its own)."""
    from . import open_text

    count = 0
    with open_text(path) as handle:
        for line in handle:
            count += 1
            if line.startswith("#CHROM") or not line.startswith("#"):
                break
    return count


def pick_consequence(entries: Sequence[dict[str, str]], kind: str) -> dict[str, str] | None:
    """Choose one transcript's annotation (see the module docstring for the order).

    >>> pick_consequence([{"SYMBOL": "A"}, {"SYMBOL": "B", "CANONICAL": "YES"}], "CSQ")
    {'SYMBOL': 'B', 'CANONICAL': 'YES'}
    """
    if not entries:
        return None
    if kind == "CSQ":
        for test in (
            lambda e: e.get("PICK") == "1",
            lambda e: bool(e.get("MANE_SELECT") or e.get("MANE")),
            lambda e: e.get("CANONICAL") == "YES",
            lambda e: bool(e.get("HGVSp")),
        ):
            for entry in entries:
                if test(entry):
                    return entry
        return entries[0]
    for entry in entries:
        if entry.get("HGVS.p"):
            return entry
    return entries[0]


def _carriers(record: Any, samples: Sequence[str]) -> list[str]:
    carriers: list[str] = []
    for name in samples:
        try:
            gt = record.samples[name].get("GT")
        except (KeyError, ValueError):
            gt = None
        alleles = [a for a in (gt or ()) if a is not None]
        if not alleles or any(a > 0 for a in alleles):
            carriers.append(name)
    return carriers


def read_vcf(path: str | Path, sample: str | None = None) -> Iterator[Record]:
    """Yield one :class:`~actionable.io.Record` per (record, carrying sample) of a VCF.

    ``sample`` names the patient for every record (one sample per file); by default
    each sample column is a patient. See the module docstring.

    >>> import pathlib, tempfile
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "raw.vcf"
    >>> _ = p.write_text("##fileformat=VCFv4.2\\n##contig=<ID=1>\\n"
    ...                  "#CHROM\\tPOS\\tID\\tREF\\tALT\\tQUAL\\tFILTER\\tINFO\\n"
    ...                  "1\\t10\\t.\\tA\\tT\\t.\\t.\\t.\\n")
    >>> [(r.line, r.status, r.reason == NO_ANNOTATION_REASON) for r in read_vcf(p)]
    [(4, 'error', True)]
    """
    try:
        import pysam  # the optional extra actionable[vcf]; most inputs are not VCF
    except ImportError as error:
        raise MissingExtraError("reading VCF files", "pysam", "vcf") from error
    p = Path(path)
    source = str(p)
    pysam.set_verbosity(0)  # htslib warns on every contig missing from the header
    try:
        vf = pysam.VariantFile(str(p))
    except (OSError, ValueError) as error:
        yield Record(source, 0, sample, status="error", reason=f"cannot read VCF: {error}")
        return
    with vf:
        header_lines = _count_header_lines(p)
        info = vf.header.info
        kind = "CSQ" if "CSQ" in info else "ANN" if "ANN" in info else None
        names = _fields(info[kind].description or "") if kind else []
        columns = list(vf.header.samples)
        default = sample or _sample_name(p)
        number = 0
        iterator = iter(vf)
        while True:
            try:
                record = next(iterator)
            except StopIteration:
                break
            except (OSError, ValueError) as error:
                line = header_lines + number + 1
                yield Record(source, line, sample, status="error", reason=f"malformed VCF: {error}")
                break
            number += 1
            line = header_lines + number
            who = [default] if sample or not columns else _carriers(record, columns)
            for name in who:
                yield _record(source, line, name, record, kind, names)


def _record(
    source: str, line: int, sample: str, record: Any, kind: str | None, names: Sequence[str]
) -> Record:
    where = f"{record.chrom}:{record.pos} {record.ref}>{','.join(record.alts or ())}"
    if kind is None:
        return Record(source, line, sample, text=where, status="error", reason=NO_ANNOTATION_REASON)
    raw = record.info.get(kind)
    values = (raw,) if isinstance(raw, str) else tuple(raw or ())
    entries = [dict(zip(names, unquote(v).split("|"), strict=False)) for v in values]
    entry = pick_consequence(entries, kind)
    if entry is None:
        return Record(
            source, line, sample, text=where, status="error", reason=f"record has no {kind} value"
        )
    symbol = entry.get("SYMBOL" if kind == "CSQ" else "Gene_Name", "")
    hgvsp = entry.get("HGVSp" if kind == "CSQ" else "HGVS.p", "")
    consequence = entry.get("Consequence" if kind == "CSQ" else "Annotation", "")
    change = hgvsp.rsplit(":", 1)[-1]
    text = f"{symbol} {change}".strip() or where
    if not change:
        reason = f"non-coding: {consequence}" if consequence else "no protein change"
        if consequence and not _NON_CODING.search(consequence):
            reason = f"no protein change ({consequence})"
        return Record(source, line, sample, text=text, status="skipped", reason=reason)
    if change.endswith("=") or "synonymous" in consequence:
        return Record(
            source, line, sample, text=text, status="skipped", reason="non-coding: synonymous"
        )
    try:
        variant = parse_variant(change, gene=symbol or None)
    except VariantParseError as error:
        return Record(source, line, sample, text=text, status="error", reason=str(error))
    return Record(source, line, sample, variant, text)
