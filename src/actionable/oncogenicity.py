"""What counts as an oncogenic variant of a gene, and what is known to be harmless.

The one place behind the rule entry ``oncogenic mutations`` and the report's words for
an unmatched variant. Curated, cited knowledge files:

* ``knowledgebase/gene_roles.yaml``: a gene's role (oncogene, tumor suppressor), its
  hotspots, and for a few genes the codon from which truncating changes are no longer
  deleterious (BRCA2 K3326* and everything 3' of it);
* ``knowledgebase/benign_variants.yaml``: known benign or neutral variants, which never
  count as an alteration of any class;
* ``knowledgebase/pathogenic_missense.yaml``: pathogenic missense variants of tumor
  suppressors, which count as ``oncogenic mutations`` next to truncating changes.

>>> import actionable
>>> from actionable.oncogenicity import describe
>>> describe(actionable.parse_variant("BRCA2 K3326*"))[:36]
'known benign/neutral variant (benign'
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

import yaml

from ._resources import knowledgebase_dir
from .errors import VariantParseError
from .models import Variant
from .variants import parse_variant

__all__ = [
    "TRUNCATING_KINDS",
    "CuratedVariant",
    "GeneRole",
    "benign_alterations",
    "benign_variant",
    "describe",
    "gene_role",
    "neutral_truncation",
    "pathogenic_missense",
]

TRUNCATING_KINDS = frozenset({"nonsense", "frameshift", "splice", "start_lost"})
"""Variant kinds that end or derail the protein."""


@dataclass(frozen=True)
class GeneRole:
    """A gene's role in cancer, from ``knowledgebase/gene_roles.yaml``."""

    gene: str
    role: Literal["oncogene", "tumor_suppressor", "both"]
    hotspots: tuple[str, ...]
    citation: str
    neutral_truncations_from: int | None = None
    """First codon from which truncating changes are not deleterious (None: no cut-off)."""
    truncation_citation: str = ""


@dataclass(frozen=True)
class CuratedVariant:
    """One entry of the benign or pathogenic variant lists."""

    gene: str
    variant: str
    """As curated: a protein or c. change, or (pathogenic list) a codon range."""
    alterations: tuple[str, ...]
    """The canonical forms the parser gives it (protein and c. notation), for matching."""
    classification: str
    citation: str


def _read(name: str) -> dict[str, Any]:
    data = yaml.safe_load((knowledgebase_dir() / name).read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise ValueError(f"knowledgebase/{name} must be a mapping")
    return data


@cache
def _roles() -> dict[str, GeneRole]:
    data = _read("gene_roles.yaml")
    out: dict[str, GeneRole] = {}
    for gene, entry in (data.get("genes") or {}).items():
        cutoff = entry.get("neutral_truncations_from")
        if cutoff is not None and not entry.get("truncation_citation"):
            raise ValueError(
                f"knowledgebase/gene_roles.yaml: {gene} has neutral_truncations_from without "
                "truncation_citation. Cite the classification that sets the cut-off"
            )
        out[gene] = GeneRole(
            gene=gene,
            role=entry["role"],
            hotspots=tuple(str(h) for h in entry.get("hotspots", ())),
            citation=str(entry.get("citation", data.get("citation", ""))),
            neutral_truncations_from=int(cutoff) if cutoff is not None else None,
            truncation_citation=" ".join(str(entry.get("truncation_citation", "")).split()),
        )
    return out


def gene_role(gene: str) -> GeneRole | None:
    """The cancer role of a gene (oncogene, tumor suppressor), when curated.

    >>> from actionable.oncogenicity import gene_role
    >>> gene_role("TP53").role
    'tumor_suppressor'
    >>> gene_role("BRCA2").neutral_truncations_from
    3326
    """
    return _roles().get(gene)


def _canonical(gene: str, text: str, where: str) -> str:
    try:
        return parse_variant(f"{gene} {text}").alteration
    except VariantParseError as error:
        raise ValueError(
            f"knowledgebase/{where}: cannot read {gene} {text!r} ({error.problem}). "
            "Write a protein change such as K3326* or an HGVS c. change such as c.594-2A>C"
        ) from None


def _entries(name: str, *, parse: bool) -> tuple[CuratedVariant, ...]:
    out: list[CuratedVariant] = []
    for entry in _read(name).get("variants") or ():
        gene, variant = str(entry["gene"]), str(entry["variant"])
        missing = [k for k in ("classification", "citation") if not entry.get(k)]
        if missing:
            raise ValueError(
                f"knowledgebase/{name}: {gene} {variant} has no {' or '.join(missing)}. "
                "Give the classification and its source"
            )
        forms = [variant, *([str(entry["hgvs"])] if entry.get("hgvs") else [])]
        alterations = tuple(_canonical(gene, f, name) for f in forms) if parse else (variant,)
        out.append(
            CuratedVariant(
                gene=gene,
                variant=variant,
                alterations=alterations,
                classification=str(entry["classification"]),
                citation=" ".join(str(entry["citation"]).split()),
            )
        )
    return tuple(out)


@cache
def _benign() -> dict[tuple[str, str], CuratedVariant]:
    return {
        (v.gene, alteration): v
        for v in _entries("benign_variants.yaml", parse=True)
        for alteration in v.alterations
    }


@cache
def _pathogenic() -> dict[str, tuple[CuratedVariant, ...]]:
    # Entries are rule grammar (exact changes or codon ranges); rules.py reads them into
    # patterns, so a bad entry is a load-time error of every rule that uses them.
    out: dict[str, list[CuratedVariant]] = {}
    for v in _entries("pathogenic_missense.yaml", parse=False):
        out.setdefault(v.gene, []).append(v)
    return {gene: tuple(vs) for gene, vs in out.items()}


def benign_alterations(gene: str) -> tuple[str, ...]:
    """Canonical alterations of ``gene`` known to be benign or neutral (both notations).

    >>> from actionable.oncogenicity import benign_alterations
    >>> benign_alterations("BRCA2")
    ('K3326*', 'c.9976A>T')
    """
    return tuple(alteration for (g, alteration) in _benign() if g == gene)


def benign_variant(variant: Variant) -> CuratedVariant | None:
    """The curated benign/neutral entry a variant is, if any.

    >>> import actionable
    >>> benign_variant(actionable.parse_variant("BRCA1 c.594-2A>C")).classification
    'not pathogenic'
    """
    if variant.gene is None:
        return None
    return _benign().get((variant.gene, variant.alteration))


def pathogenic_missense(gene: str) -> tuple[CuratedVariant, ...]:
    """Curated pathogenic missense entries of a tumor suppressor (rule grammar).

    >>> from actionable.oncogenicity import pathogenic_missense
    >>> [v.variant for v in pathogenic_missense("BRCA1")][:2]
    ['C61G', 'R1699W']
    """
    return _pathogenic().get(gene, ())


def neutral_truncation(variant: Variant) -> GeneRole | None:
    """The gene role whose truncation cut-off makes this truncating change not deleterious.

    >>> import actionable
    >>> neutral_truncation(actionable.parse_variant("BRCA2 S3366Nfs*4")).gene
    'BRCA2'
    >>> neutral_truncation(actionable.parse_variant("BRCA2 E3309*")) is None
    True
    """
    if variant.kind not in TRUNCATING_KINDS or variant.position is None or not variant.gene:
        return None
    role = gene_role(variant.gene)
    if role is None or role.neutral_truncations_from is None:
        return None
    return role if variant.position >= role.neutral_truncations_from else None


def describe(variant: Variant) -> str | None:
    """What the curated lists say about a variant, for the report; None when nothing.

    >>> import actionable
    >>> describe(actionable.parse_variant("PTEN R130Q")).startswith("curated pathogenic")
    True
    """
    benign = benign_variant(variant)
    if benign is not None:
        return f"known benign/neutral variant ({benign.classification}: {benign.citation})"
    role = neutral_truncation(variant)
    if role is not None:
        return (
            f"truncating change at or after {role.gene} codon {role.neutral_truncations_from}, "
            f"where truncations are not deleterious ({role.truncation_citation})"
        )
    if variant.gene and variant.kind == "missense":
        for entry in pathogenic_missense(variant.gene):
            if entry.variant == variant.alteration or _in_range(entry.variant, variant):
                return f"curated pathogenic missense variant ({entry.citation})"
    return None


def _in_range(entry: str, variant: Variant) -> bool:
    words = entry.split()
    if len(words) != 2 or words[0] != "codons" or variant.position is None:
        return False
    lo, _, hi = words[1].partition("-")
    return int(lo) <= variant.position <= int(hi or lo)
