"""Diagnostic and prognostic implications of an alteration (OncoKB ``LEVEL_Dx`` / ``LEVEL_Px``).

The knowledge is ``knowledgebase/civic_implications.yaml``: CIViC's diagnostic and
prognostic evidence that maps cleanly onto OncoKB's levels (built by
``scripts/build_implications.py``; the mapping is in
:mod:`actionable.sources.civic.implications` and docs/readme/oncokb_files.md). Each entry
names alterations in the rule grammar, so an entry matches a variant exactly as a rule
entry would (``EWSR1::FLI1 fusion``, ``fusion``, ``V600E``, ``inframe insertions``).

A level holds "in this indication": with a tumor type only the entries whose tumor
types contain it (itself or an ancestor) apply; without one every entry is listed, as
OncoKB does for a query without a tumor type.

>>> import actionable
>>> found = implications_for(actionable.parse_variant("EWSR1::FLI1"),
...                          actionable.resolve_tumor("ES"))
>>> [(i.kind, i.level, i.tumor_types) for i in found]
[('diagnostic', 'LEVEL_Dx2', ('ES',)), ('prognostic', 'LEVEL_Px3', ('ES',))]
"""

from __future__ import annotations

from collections import defaultdict
from functools import cache, lru_cache
from typing import Any, Literal

import yaml

from .. import tumors
from .._resources import knowledgebase_dir
from ..engine import condition_for, evaluate_condition, fact_for, partitions_for_variant
from ..errors import UnknownTumorError
from ..models import Citation, Frozen, TumorContext, TumorType, Variant
from ..rules import Pattern, parse_pattern

__all__ = ["IMPLICATIONS_FILE", "Implication", "implication_genes", "implications_for", "release"]

IMPLICATIONS_FILE = "civic_implications.yaml"


class Implication(Frozen):
    """One diagnostic or prognostic implication of an alteration in some tumor types."""

    kind: Literal["diagnostic", "prognostic"]
    level: str
    """``LEVEL_Dx2``, ``LEVEL_Px1``..."""
    tumor_types: tuple[str, ...]
    """The OncoTree codes the level is assigned to."""
    disease: str
    """The disease as the source names it."""
    significance: str
    """``Positive`` (diagnostic), ``Poor Outcome`` or ``Better Outcome`` (prognostic)."""
    alteration: str
    """The entry that matched (``EWSR1::FLI1 fusion``, ``fusion``, ``V600E``)."""
    exact: bool = False
    """The entry names exactly this change (not a class or a gene-wide entry)."""
    citations: tuple[Citation, ...] = ()

    @property
    def description(self) -> str:
        """One sentence saying what the implication is and where it comes from.

        >>> i = Implication(kind="prognostic", level="LEVEL_Px1", tumor_types=("COADREAD",),
        ...     disease="Colorectal Cancer", significance="Poor Outcome", alteration="V600E")
        >>> i.description
        'prognostic (Poor Outcome) in Colorectal Cancer, from CIViC (0 items)'
        """
        return (
            f"{self.kind} ({self.significance}) in {self.disease}, "
            f"from CIViC ({len(self.citations)} items)"
        )

    def to_oncokb(self) -> dict[str, Any]:
        """As OncoKB's API spells an ``Implication``.

        >>> i = Implication(kind="diagnostic", level="LEVEL_Dx2", tumor_types=("ES",),
        ...     disease="Ewing Sarcoma", significance="Positive", alteration="fusion",
        ...     citations=(Citation(pmid=1),))
        >>> i.to_oncokb()["levelOfEvidence"], i.to_oncokb()["pmids"]
        ('LEVEL_Dx2', ['1'])
        """
        code = self.tumor_types[0] if self.tumor_types else ""
        try:
            name = tumors.get_tumor(code).name
        except UnknownTumorError:  # a code the tree lost still names itself
            name = self.disease
        return {
            "levelOfEvidence": self.level,
            "alterations": [self.alteration],
            "tumorType": {"code": code, "name": name},
            "description": self.description,
            "pmids": [str(c.pmid) for c in self.citations if c.pmid],
            "abstracts": [],
        }


class _Entry(Frozen):
    gene: str
    patterns: tuple[Pattern, ...]
    texts: tuple[str, ...]
    kind: Literal["diagnostic", "prognostic"]
    level: str
    tumor_types: tuple[str, ...]
    disease: str
    significance: str
    citations: tuple[Citation, ...]
    conditions: tuple[Any, ...] = ()
    """The engine condition of each pattern, built once at load (one per pattern)."""
    exacts: tuple[str | None, ...] = ()
    """The one alteration each condition requires, where it requires one: a cheap
    test that spares evaluating the condition for every other alteration."""


def _required_alteration(condition: Any) -> str | None:
    parts = condition.get("$and", ()) if isinstance(condition, dict) else ()
    for part in parts:
        if isinstance(part, dict) and set(part) == {"c"} and isinstance(part["c"], str):
            return part["c"]
    return None


def _read() -> dict[str, Any]:
    path = knowledgebase_dir() / IMPLICATIONS_FILE
    if not path.is_file():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise ValueError(f"knowledgebase/{IMPLICATIONS_FILE} must be a mapping")
    return data


@cache
def _entries() -> dict[str, tuple[_Entry, ...]]:
    by_gene: dict[str, list[_Entry]] = defaultdict(list)
    for raw in _read().get("implications") or ():
        gene = str(raw["gene"])
        texts = tuple(str(a) for a in raw["alterations"])
        patterns = tuple(p for text in texts for p in parse_pattern(text, gene))
        cites = [Citation(pmid=int(p)) for p in raw.get("pmids") or ()]
        cites += [Citation(civic=str(c)) for c in raw.get("civic") or ()]
        by_gene[gene].append(
            _Entry(
                gene=gene,
                patterns=patterns,
                texts=texts,
                kind=raw["kind"],
                level=str(raw["level"]),
                tumor_types=tuple(str(c) for c in raw["tumor_types"]),
                disease=str(raw.get("disease", "")),
                significance=str(raw.get("significance", "")),
                citations=tuple(cites),
                conditions=tuple(condition_for(p) for p in patterns),
                exacts=tuple(_required_alteration(condition_for(p)) for p in patterns),
            )
        )
    return {gene: tuple(found) for gene, found in by_gene.items()}


def release() -> str:
    """The CIViC release the implications were built from (empty when none are bundled).

    >>> release()
    '01-Aug-2024'
    """
    return str(_read().get("release", ""))


def implication_genes() -> frozenset[str]:
    """The genes some implication names.

    >>> "EWSR1" in implication_genes()
    True
    """
    return frozenset(_entries())


def _applies(entry: _Entry, tumor: TumorType | None) -> bool:
    if tumor is None:
        return True
    return _context_matches(entry.tumor_types, tumor)


@lru_cache(maxsize=16384)  # thread-safe; entries x tumors seen, bounded for long servers
def _context_matches(tumor_types: tuple[str, ...], tumor: TumorType) -> bool:
    return tumors.match(TumorContext(include=tumor_types), tumor).matched


def implications_for(variant: Variant, tumor: TumorType | None = None) -> tuple[Implication, ...]:
    """The diagnostic and prognostic implications of one variant, best level first.

    >>> import actionable
    >>> implications_for(actionable.parse_variant("TTN A100V"))
    ()
    """
    genes = [g for g in partitions_for_variant(variant) if not g.startswith("biomarker:")]
    known = _entries()
    found: list[Implication] = []
    fact: dict[str, Any] | None = None
    for gene in genes:
        for entry in known.get(gene, ()):
            # The alteration first: few entries name it, and a tumor match walks the tree.
            if fact is None:
                fact = fact_for(variant)
            alteration = fact.get("c")
            hit = next(
                (
                    p
                    for p, condition, exact in zip(
                        entry.patterns, entry.conditions, entry.exacts, strict=True
                    )
                    if exact in (None, alteration) and evaluate_condition(condition, fact)
                ),
                None,
            )
            if hit is None or not _applies(entry, tumor):
                continue
            found.append(
                Implication(
                    kind=entry.kind,
                    level=entry.level,
                    tumor_types=entry.tumor_types,
                    disease=entry.disease,
                    significance=entry.significance,
                    alteration=hit.text,
                    exact=hit.granularity == "exact",
                    citations=entry.citations,
                )
            )
    found.sort(key=lambda i: (i.kind, i.level))
    return tuple(dict.fromkeys(found))
