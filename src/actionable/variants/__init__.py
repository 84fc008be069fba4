"""Parse report lines into canonical :class:`~actionable.models.Variant` s.

The parser is a small package, one grammar per module:

* ``_changes``: the library's short forms of one change (``BRAF V600E``,
  ``EGFR exon 19 deletion``, ``EML4-ALK``, ``TMB 14 mut/Mb``, full HGVS);
* ``_annotations``: what a report prints around a change (VAF, depth, copy number,
  zygosity, method, classification, origin, ids, fusion and biomarker details);
* ``_lines``: a whole report line: patient facts, c. and p. together, transcripts,
  TERT promoter, MET exon 14 splice sites, fusions as reports word them, a fusion
  followed by a kinase-domain change, gene-level queries;
* ``_checks``: reference residues and protein lengths the library knows.

Short forms take a fast path; only full HGVS expressions and bare c. changes go
through the biocommons ``hgvs`` parser, which is about a hundred times slower.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from functools import lru_cache

from ..errors import VariantParseError
from ..genes import exon_of, exon_range
from ..models import Variant
from ._changes import common_change
from ._checks import MAX_POSITION
from ._lines import read_line, read_short

__all__ = [
    "MAX_LINE_LENGTH",
    "MAX_POSITION",
    "exon_of",
    "exon_range",
    "format_variant",
    "parse_report_line",
    "parse_variant",
    "parse_variants",
]


MAX_LINE_LENGTH = 2_000
"""Longest report line read (a real one is under 300 characters); longer is refused."""
MAX_COPY_NUMBER = 1_000.0
MAX_BIOMARKER_VALUE = 10_000.0
"""Largest TMB (mut/Mb) or other biomarker value read from a line."""


def _check_length(text: object) -> None:
    if isinstance(text, str) and len(text) > MAX_LINE_LENGTH:
        raise VariantParseError(
            text[:60] + "...",
            f"line too long ({len(text):,} characters; at most {MAX_LINE_LENGTH:,} are read)",
            "give one alteration per line, as a report prints it",
        )


def _check_numbers(text: str, variant: Variant) -> Variant:
    values = variant.__dict__
    position, end = values["position"], values["end_position"]
    if (
        values["copy_number"] is None
        and values["value"] is None
        and (position is None or 0 < position <= MAX_POSITION)
        and (end is None or 0 < end <= MAX_POSITION)
    ):
        return variant  # most lines: nothing to check, without six attribute reads
    for name in ("position", "end_position"):
        number = getattr(variant, name)
        if number is not None and not 0 < number <= MAX_POSITION:
            raise VariantParseError(
                text,
                f"protein position {number} is past the longest human protein "
                f"({MAX_POSITION:,} residues)",
                "check the position",
            )
    for name, limit in (("copy_number", MAX_COPY_NUMBER), ("value", MAX_BIOMARKER_VALUE)):
        number = getattr(variant, name)
        if number is not None and not (math.isfinite(number) and abs(number) <= limit):
            raise VariantParseError(
                text,
                f"{name.replace('_', ' ')} {number:g} is not a plausible value "
                f"(at most {limit:,g})",
                "check the number",
            )
    return variant


def _read_one_or_more(
    text: str, gene: str | None, origin: str | None
) -> Variant | tuple[Variant, ...]:
    if gene is None and origin is None and type(text) is str:
        common = common_change(text, "unknown")  # checked in full: "BRAF V600E"
        if common is not None:
            return common
    _check_length(text)
    if gene is None and origin is None:
        short = read_short(text, None)
        if short is not None:
            return _check_numbers(text, short)
    found = tuple(_check_numbers(text, v) for v in read_line(text, gene, origin))
    # A line of one variant is cached as the variant itself: one object less per entry
    # for the garbage collector to walk, which a cache of 65,536 entries notices.
    return found[0] if len(found) == 1 else found


# Variants are immutable, so handing out the cached ones is safe.
_cached_read = lru_cache(maxsize=65536)(_read_one_or_more)


def parse_report_line(
    text: str, gene: str | None = None, *, origin: str | None = None
) -> tuple[Variant, ...]:
    """Every alteration one report line states, as canonical variants (usually one).

    A line may state two findings (``BCR-ABL1 E255K``: the fusion and the ABL1 kinase
    change) or a patient fact (``PR negative``, a ``biomarker`` variant whose ``facts``
    feed :class:`~actionable.models.PatientFacts`). Annotations (VAF, depth, copy number,
    zygosity, method, classification, origin) fill the variant's annotation fields and
    never change what it is. Arguments as for :func:`parse_variant`.

    >>> from actionable.variants import parse_report_line
    >>> [str(v) for v in parse_report_line("BCR-ABL1 E255K")]
    ['BCR::ABL1 fusion', 'ABL1 E255K']
    >>> (v,) = parse_report_line("NM_006218.4(PIK3CA):c.1624G>A (p.Glu542Lys), VAF 23%")
    >>> str(v), v.cdna, v.vaf
    ('PIK3CA E542K', 'c.1624G>A', 0.23)
    """
    if isinstance(text, str) and (gene is None or isinstance(gene, str)):
        try:
            found = _cached_read(text, gene, origin)
        except TypeError:  # unhashable origin: let the uncached path report it
            pass
        else:
            return (found,) if isinstance(found, Variant) else found
    _check_length(text)
    return tuple(_check_numbers(str(text), v) for v in read_line(text, gene, origin))


def parse_variant(text: str, gene: str | None = None, *, origin: str | None = None) -> Variant:
    """Parse one alteration into a canonical :class:`~actionable.models.Variant`.

    ``gene`` supplies the gene for texts without one (a MAF ``HGVSp_Short`` column);
    ``origin`` (``somatic``/``germline``/``unknown``) applies unless the text names one.
    Every failure raises :class:`~actionable.errors.VariantParseError` (a ``ValueError``),
    as does a line that states two alterations (use :func:`parse_report_line`).

    >>> from actionable.variants import parse_variant
    >>> v = parse_variant("BRAF:p.(Val600Glu)")
    >>> str(v), v.kind, v.position, v.ref, v.alt
    ('BRAF V600E', 'missense', 600, 'V', 'E')
    >>> str(parse_variant("p.Arg213Ter", gene="TP53"))
    'TP53 R213*'
    >>> v = parse_variant("EML4-ALK v1 (E13;A20)")
    >>> str(v), v.gene, v.genes
    ('EML4::ALK fusion', 'ALK', ('EML4', 'ALK'))
    >>> str(parse_variant("TMB: 14.0 muts/Mb"))
    'TMB 14 mut/Mb'
    >>> v = parse_variant("KRAS c.35G>T p.G12V, VAF 12%, germline")
    >>> str(v), v.cdna, v.vaf
    ('KRAS G12V (germline)', 'c.35G>T', 0.12)
    """
    if isinstance(text, str) and (gene is None or isinstance(gene, str)):
        try:
            one = _cached_read(text, gene, origin)
        except TypeError:  # unhashable origin: let the uncached path report it
            pass
        else:
            if isinstance(one, Variant):
                return one
    found = parse_report_line(text, gene, origin=origin)
    if len(found) != 1:
        raise VariantParseError(
            text,
            f"the line states {len(found)} alterations ({', '.join(map(str, found))})",
            "use parse_report_line() or parse_variants(), which return every alteration of a line",
        )
    return found[0]


def parse_variants(
    texts: Iterable[str | Variant], gene: str | None = None, *, origin: str | None = None
) -> list[Variant]:
    """Parse many report lines; a :class:`~actionable.models.Variant` is passed through as
    is, and a line that states two alterations gives both.

    >>> from actionable.variants import parse_variants
    >>> [str(v) for v in parse_variants(["KRAS G12C", "ERBB2 amplification", "MSI-H"])]
    ['KRAS G12C', 'ERBB2 amplification', 'MSI-H']
    """
    if isinstance(texts, str):
        raise VariantParseError(
            texts, "parse_variants needs a list of texts, not one string", "use parse_variant"
        )
    out: list[Variant] = []
    for item in texts:
        if isinstance(item, Variant):
            out.append(item)
        else:
            out.extend(parse_report_line(item, gene, origin=origin))
    return out


def format_variant(variant: Variant, *, style: str = "short") -> str:
    """Text of a variant: ``short`` is ``str(variant)``; ``hgvs`` prefers the full HGVS.

    >>> from actionable.variants import format_variant, parse_variant
    >>> v = parse_variant("NP_004324.2:p.Val600Glu")
    >>> format_variant(v), format_variant(v, style="hgvs")
    ('BRAF V600E', 'NP_004324.2:p.Val600Glu')
    """
    if style == "hgvs" and variant.hgvs:
        return variant.hgvs
    if style not in ("short", "hgvs"):
        raise ValueError(f"unknown style {style!r}; use 'short' or 'hgvs'")
    return str(variant)
