"""CIViC oncogenic and functional evidence -> per-variant oncogenicity and mutation effect.

Reads the *Oncogenic* (significance ``Oncogenicity``) and *Functional* (``Gain of
Function``, ``Loss of Function``, ``Dominant Negative``, ``Neomorphic``) evidence items
of a release and sums them up per variant, keeping the evidence ids as citations. The
result is ``knowledgebase/civic_oncogenic.yaml``, read by
:func:`actionable.oncogenicity.classify`. Only accepted items of simple profiles (one
variant) are used; what a call means:

* oncogenicity: items that support it at evidence level A-C (clinical) -> Oncogenic,
  at level D-E only (preclinical, inferential) -> Likely Oncogenic; items that only do
  not support it -> Likely Neutral; both -> Inconclusive;
* mutation effect: supported gain of function -> Gain-of-function, loss of function or
  dominant negative -> Loss-of-function, neomorphic -> Switch-of-function; items that
  disagree (gain and loss) -> Unknown. "Does Not Support" functional items state what a
  variant does not do, not that it is neutral, so they set no effect.

>>> from actionable.sources.civic.oncogenic import effect_call
>>> effect_call({"Gain of Function"}), effect_call({"Dominant Negative"})
('Gain-of-function', 'Loss-of-function')
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ...errors import VariantParseError
from ...variants import parse_variant
from .items import Skip
from .mapping import alteration_for
from .release import _int, _read_tsv, _release_file

__all__ = ["OncogenicItem", "effect_call", "oncogenic_entries", "read_oncogenic"]

_EFFECTS = {
    "Gain of Function": "Gain-of-function",
    "Loss of Function": "Loss-of-function",
    "Dominant Negative": "Loss-of-function",
    "Neomorphic": "Switch-of-function",
}


@dataclass(frozen=True)
class OncogenicItem:
    """One accepted Oncogenic or Functional evidence item, on one parsed variant."""

    eid: int
    gene: str
    alteration: str
    evidence_type: str
    significance: str
    supports: bool
    level: str
    pmid: int | None


def read_oncogenic(directory: str | Path) -> tuple[str, list[OncogenicItem]]:
    """The release version and its oncogenic/functional items of single variants.

    >>> version, items = read_oncogenic("../shared/data/civic")  # doctest: +SKIP
    >>> version, len(items) > 200  # doctest: +SKIP
    ('01-Aug-2024', True)
    """
    root = Path(directory)
    path = _release_file(root, "ClinicalEvidenceSummaries.tsv")
    version = path.name.removesuffix("-ClinicalEvidenceSummaries.tsv")
    out: list[OncogenicItem] = []
    for row in _read_tsv(path):
        kind = row.get("evidence_type", "")
        if kind not in ("Oncogenic", "Functional") or row.get("evidence_status") != "accepted":
            continue
        significance = row.get("significance", "")
        if kind == "Functional" and significance not in _EFFECTS:
            continue
        parsed = _variant(row.get("molecular_profile", ""))
        if parsed is None:
            continue
        out.append(
            OncogenicItem(
                eid=int(row["evidence_id"]),
                gene=parsed[0],
                alteration=parsed[1],
                evidence_type=kind,
                significance=significance,
                supports=row.get("evidence_direction") == "Supports",
                level=row.get("evidence_level", ""),
                pmid=_int(row.get("citation_id", ""))
                if row.get("source_type") == "PubMed"
                else None,
            )
        )
    return version, out


def _variant(profile: str) -> tuple[str, str] | None:
    words = profile.split()
    if len(words) < 2 or any(w in ("AND", "OR", "NOT") for w in words):
        return None
    gene, name = words[0], " ".join(words[1:])
    try:
        entries = alteration_for(gene, name)
    except Skip:
        return None
    if len(entries) != 1:
        return None
    try:
        variant = parse_variant(entries[0] if "::" in entries[0] else f"{gene} {entries[0]}")
    except VariantParseError:
        return None
    if variant.gene is None or variant.kind in ("synonymous", "coding"):
        return None
    return variant.gene, variant.alteration


def effect_call(significances: Iterable[str]) -> str:
    """The mutation effect that supporting functional items agree on, else ``Unknown``.

    >>> effect_call({"Gain of Function", "Loss of Function"})
    'Unknown'
    """
    effects = {_EFFECTS[s] for s in significances if s in _EFFECTS}
    return effects.pop() if len(effects) == 1 else "Unknown"


def oncogenic_entries(items: Iterable[OncogenicItem]) -> list[dict[str, Any]]:
    """One knowledge-base entry per variant, sorted by gene and alteration.

    >>> item = OncogenicItem(7936, "KRAS", "Q61H", "Oncogenic", "Oncogenicity", True, "D", 1)
    >>> oncogenic_entries([item])[0]["oncogenicity"]
    'Likely Oncogenic'
    """
    grouped: dict[tuple[str, str], list[OncogenicItem]] = defaultdict(list)
    for item in items:
        grouped[(item.gene, item.alteration)].append(item)
    out: list[dict[str, Any]] = []
    for (gene, alteration), group in sorted(grouped.items()):
        onco = [i for i in group if i.evidence_type == "Oncogenic"]
        pro = [i for i in onco if i.supports]
        con = [i for i in onco if not i.supports]
        if pro and con:
            oncogenicity = "Inconclusive"
        elif pro:
            clinical = any(i.level in ("A", "B", "C") for i in pro)
            oncogenicity = "Oncogenic" if clinical else "Likely Oncogenic"
        elif con:
            oncogenicity = "Likely Neutral"
        else:
            oncogenicity = "Unknown"
        functional = [i for i in group if i.evidence_type == "Functional" and i.supports]
        effect = effect_call(i.significance for i in functional)
        used = [*onco, *functional]
        if oncogenicity == "Unknown" and effect == "Unknown":
            continue
        out.append(
            {
                "gene": gene,
                "variant": alteration,
                "oncogenicity": oncogenicity,
                "mutation_effect": effect,
                "evidence": [
                    {
                        "eid": i.eid,
                        "pmid": i.pmid,
                        "what": f"{i.evidence_type} {i.significance}, "
                        f"{'supports' if i.supports else 'does not support'}, level {i.level}",
                    }
                    for i in sorted(used, key=lambda i: i.eid)
                ],
            }
        )
    return out
