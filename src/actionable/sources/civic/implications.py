"""CIViC diagnostic and prognostic evidence -> OncoKB-style Dx and Px levels.

Reads the *Diagnostic* and *Prognostic* evidence items and assertions of a release and
keeps those that map cleanly onto OncoKB's diagnostic (``LEVEL_Dx1-3``) and prognostic
(``LEVEL_Px1-3``) levels; the result is ``knowledgebase/civic_implications.yaml``
(``scripts/build_implications.py``), read by :mod:`actionable.annotation.implications`.

The mapping (docs/readme/oncokb_files.md explains it):

* diagnostic, significance *Positive*, direction *Supports*: an AMP/ASCO/CAP tier I
  assertion or a level A item (guideline-recognised, validated) -> ``LEVEL_Dx2``
  (supports the diagnosis); a tier II level C assertion or a level B item (clinical
  evidence) -> ``LEVEL_Dx3`` (may assist the diagnosis);
* prognostic, significance *Poor Outcome* or *Better Outcome*, direction *Supports*: a
  tier I assertion or a level A item -> ``LEVEL_Px1``; a tier II level C assertion or a
  level B item -> ``LEVEL_Px3``;
* never produced: ``LEVEL_Dx1`` (CIViC does not record whether a biomarker is *required*
  for the diagnosis) and ``LEVEL_Px2`` (CIViC does not separate guideline recognition
  from the size of the studies);
* left out: items that do not support their claim, *Negative* diagnostic items (they
  argue against a diagnosis, which OncoKB's levels do not express), prognostic items
  without a direction (*N/A*), levels C-E items (case reports, preclinical,
  inferential), flagged or germline items, multi-variant profiles, names the alteration
  grammar cannot read, diseases with no OncoTree code or mapped only to a group
  (``all``, ``all_solid``: a level is "in this indication"), and prognostic claims whose
  items disagree on the direction for the same alteration and tumor.

For each alteration, tumor and claim only the best level is kept, citing its items.

>>> dx_px_level("Diagnostic", "B", "")
'LEVEL_Dx3'
>>> dx_px_level("Prognostic", "", "Tier I - Level A")
'LEVEL_Px1'
>>> dx_px_level("Prognostic", "C", "") is None
True
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .diseases import DiseaseMapper
from .items import Skip
from .mapping import alteration_for
from .release import _default_bridge, _int, _read_tsv, _release_file

__all__ = ["ImplicationItem", "dx_px_level", "implication_entries", "read_implications"]

_SIGNIFICANCE = {
    "Diagnostic": frozenset({"Positive"}),
    "Prognostic": frozenset({"Poor Outcome", "Better Outcome"}),
}
_LEVELS = {
    "Diagnostic": ("LEVEL_Dx2", "LEVEL_Dx3"),
    "Prognostic": ("LEVEL_Px1", "LEVEL_Px3"),
}
_GROUPS = frozenset({"all", "all_solid", "all_liquid"})


def dx_px_level(evidence_type: str, evidence_level: str, amp_category: str) -> str | None:
    """The OncoKB Dx/Px level of one supporting item (``evidence_level``) or assertion
    (``amp_category``), or ``None`` when it does not map cleanly.

    >>> dx_px_level("Diagnostic", "A", ""), dx_px_level("Diagnostic", "", "Tier II - Level C")
    ('LEVEL_Dx2', 'LEVEL_Dx3')
    >>> dx_px_level("Diagnostic", "", "Tier II - Level D") is None
    True
    """
    strong, clinical = _LEVELS.get(evidence_type, (None, None))
    if strong is None:
        return None
    if amp_category:
        if amp_category.startswith("Tier I "):
            return strong
        return clinical if amp_category == "Tier II - Level C" else None
    return {"A": strong, "B": clinical}.get(evidence_level)


@dataclass(frozen=True)
class ImplicationItem:
    """One accepted diagnostic or prognostic evidence item or assertion that maps."""

    civic: str
    """``EID123`` or ``AID45``."""
    gene: str
    entries: tuple[str, ...]
    """Alteration-grammar entries (any of) for the profile's variant."""
    kind: str
    """``diagnostic`` or ``prognostic``."""
    level: str
    significance: str
    tumor_types: tuple[str, ...]
    disease: str
    pmid: int | None


def _profile(profile: str) -> tuple[str, tuple[str, ...]] | None:
    words = profile.split()
    if len(words) < 2 or any(w in ("AND", "OR", "NOT") for w in words):
        return None
    try:
        entries = alteration_for(words[0], " ".join(words[1:]))
    except Skip:
        return None
    return words[0], tuple(entries)


def read_implications(
    directory: str | Path, *, bridge: str | Path | None = None
) -> tuple[str, list[ImplicationItem], dict[str, int]]:
    """The release version, the items and assertions that map, and counts of the
    others by reason.

    >>> version, items, skipped = read_implications("../shared/data/civic")  # doctest: +SKIP
    >>> version  # doctest: +SKIP
    '01-Aug-2024'
    """
    root = Path(directory)
    mapper = DiseaseMapper(bridge=Path(bridge) if bridge else _default_bridge(root))
    evidence = _release_file(root, "ClinicalEvidenceSummaries.tsv")
    version = evidence.name.removesuffix("-ClinicalEvidenceSummaries.tsv")
    skipped: dict[str, int] = defaultdict(int)
    out: list[ImplicationItem] = []
    rows: list[tuple[str, dict[str, str]]] = [("EID", r) for r in _read_tsv(evidence)]
    assertions = sorted(root.glob("*AssertionSummaries.tsv"))
    if assertions:
        rows.extend(("AID", r) for r in _read_tsv(assertions[-1]))
    for prefix, row in rows:
        kind = row.get("evidence_type") or row.get("assertion_type") or ""
        if kind not in _SIGNIFICANCE:
            continue
        number = row.get("evidence_id") or row.get("assertion_id") or ""
        direction = row.get("evidence_direction") or row.get("assertion_direction") or ""
        reason = _reason(prefix, row, kind, direction)
        level = None
        if reason is None:
            level = dx_px_level(kind, row.get("evidence_level", ""), row.get("amp_category", ""))
            if level is None:
                reason = "level does not map (C-E items, tier II level D assertions)"
        parsed = _profile(row.get("molecular_profile", "")) if reason is None else None
        if reason is None and parsed is None:
            reason = "profile not one readable alteration"
        codes: tuple[str, ...] = ()
        if reason is None:
            try:
                codes = mapper.codes(row.get("doid", ""), row.get("disease", ""))
            except Skip:
                reason = "disease not mapped to OncoTree"
            else:
                codes = tuple(c for c in codes if c not in _GROUPS)
                if not codes:
                    reason = "disease maps only to a tumor group"
        if reason is not None or parsed is None or level is None:
            skipped[reason or "unmapped"] += 1
            continue
        out.append(
            ImplicationItem(
                civic=f"{prefix}{number}",
                gene=parsed[0],
                entries=parsed[1],
                kind=kind.lower(),
                level=level,
                significance=row.get("significance", ""),
                tumor_types=codes,
                disease=row.get("disease", ""),
                pmid=_int(row.get("citation_id", ""))
                if row.get("source_type") == "PubMed"
                else None,
            )
        )
    return version, out, dict(skipped)


def _reason(prefix: str, row: dict[str, str], kind: str, direction: str) -> str | None:
    if prefix == "EID" and row.get("evidence_status") != "accepted":
        return "not accepted"
    if row.get("is_flagged", "").lower() == "true":
        return "flagged"
    if direction != "Supports":
        return "does not support"
    if row.get("significance", "") not in _SIGNIFICANCE[kind]:
        return f"{kind.lower()} significance {row.get('significance') or '-'} not leveled"
    if "germline" in row.get("variant_origin", "").lower():
        return "germline"
    return None


def implication_entries(items: Iterable[ImplicationItem]) -> list[dict[str, Any]]:
    """One knowledge-base entry per (alteration, claim, tumor types): the best level, the
    items at that level; prognostic claims whose directions disagree are dropped.

    >>> a = ImplicationItem("EID1", "BRAF", ("V600E",), "prognostic", "LEVEL_Px3",
    ...                     "Poor Outcome", ("COADREAD",), "Colorectal Cancer", 1)
    >>> b = ImplicationItem("AID2", "BRAF", ("V600E",), "prognostic", "LEVEL_Px1",
    ...                     "Poor Outcome", ("COADREAD",), "Colorectal Cancer", None)
    >>> [(e["level"], e["civic"]) for e in implication_entries([a, b])]
    [('LEVEL_Px1', ['AID2'])]
    >>> c = ImplicationItem("EID3", "BRAF", ("V600E",), "prognostic", "LEVEL_Px3",
    ...                     "Better Outcome", ("COADREAD",), "Colorectal Cancer", 3)
    >>> implication_entries([a, c])
    []
    """
    groups: dict[tuple[Any, ...], list[ImplicationItem]] = defaultdict(list)
    for item in items:
        groups[(item.gene, item.entries, item.kind, item.tumor_types)].append(item)
    out: list[dict[str, Any]] = []
    for (gene, entries, kind, codes), found in sorted(groups.items(), key=lambda g: str(g[0])):
        directions = {i.significance for i in found}
        if len(directions) > 1:
            continue
        best = min(i.level for i in found)  # "LEVEL_Dx2" < "LEVEL_Dx3"
        kept = sorted((i for i in found if i.level == best), key=lambda i: i.civic)
        out.append(
            {
                "gene": gene,
                "alterations": list(entries),
                "kind": kind,
                "level": best,
                "significance": found[0].significance,
                "tumor_types": list(codes),
                "disease": found[0].disease,
                "civic": [i.civic for i in kept],
                "pmids": sorted({i.pmid for i in kept if i.pmid}),
            }
        )
    return out
