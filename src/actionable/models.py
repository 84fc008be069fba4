"""Immutable data models shared by every layer.

Everything here is a frozen pydantic model: safe to share between threads,
hashable, and JSON-serialisable with ``model_dump(mode="json")``.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

__all__ = [
    "VARIANT_KINDS",
    "Frozen",
    "Origin",
    "TumorContext",
    "TumorMatch",
    "TumorType",
    "Variant",
    "VariantKind",
]


class Frozen(BaseModel):
    """Base of all models: immutable, no unknown fields."""

    model_config = ConfigDict(frozen=True, extra="forbid")


VariantKind = Literal[
    "missense",
    "nonsense",
    "frameshift",
    "inframe_deletion",
    "inframe_insertion",
    "inframe_delins",
    "duplication",
    "splice",
    "start_lost",
    "stop_lost",
    "synonymous",
    "codon",
    "exon_deletion",
    "exon_insertion",
    "exon_skipping",
    "amplification",
    "deletion",
    "gain",
    "loss",
    "fusion",
    "overexpression",
    "wildtype",
    "biomarker",
    "coding",
]
VARIANT_KINDS: tuple[str, ...] = VariantKind.__args__

Origin = Literal["somatic", "germline", "unknown"]


class Variant(Frozen):
    """One alteration as a report names it, in canonical form.

    ``str(variant)`` is the canonical text and ``parse_variant(str(v)) == v``.
    Equality and hashing ignore ``text`` (what the user typed), so the same change
    written two ways compares equal.

    >>> import actionable
    >>> v = actionable.parse_variant("BRAF:p.(Val600Glu)")
    >>> str(v), v.kind, v.position, v.ref, v.alt
    ('BRAF V600E', 'missense', 600, 'V', 'E')
    """

    gene: str | None
    """HGNC-approved symbol; for fusions the partner that drives (usually the kinase);
    ``None`` for gene-less biomarkers (TMB, MSI)."""
    genes: tuple[str, ...] = ()
    """All genes involved: both partners (5' first) for fusions, else ``(gene,)``."""
    kind: VariantKind
    alteration: str
    """Canonical text of the change: ``V600E``, ``exon 19 deletion``, ``amplification``,
    ``EML4::ALK fusion``, ``TMB 1.6 mut/Mb``."""
    position: int | None = None
    end_position: int | None = None
    ref: str | None = None
    """Reference amino acid(s), one-letter codes (``*`` for stop)."""
    alt: str | None = None
    """Alternate amino acid(s), one-letter codes (``*`` for stop)."""
    exon: int | None = None
    value: float | None = None
    unit: str | None = None
    biomarker: str | None = None
    """For ``kind == "biomarker"``: ``TMB``, ``MSI``, ``MMR`` or ``HRD``."""
    hgvs: str | None = None
    """The full HGVS expression, when one was given (``NM_004333.4:c.1799T>A``)."""
    origin: Origin = "unknown"
    text: str = ""
    """The input as given."""

    def _key(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in type(self).model_fields if name != "text")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Variant):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __str__(self) -> str:
        if self.kind in ("biomarker", "fusion") or self.gene is None:
            text = self.alteration
        else:
            text = f"{self.gene} {self.alteration}"
        if self.origin == "germline":
            text += " (germline)"
        return text


class TumorType(Frozen):
    """A tumor type resolved to an OncoTree node.

    >>> import actionable
    >>> t = actionable.resolve_tumor("colon NEC")
    >>> t.code, t.is_solid
    ('HGNEC', True)
    """

    code: str
    name: str
    main_type: str | None = None
    tissue: str | None = None
    ancestors: tuple[str, ...] = ()
    """OncoTree codes from the parent up to (and including) the root ``TISSUE``."""
    is_solid: bool = True
    matched_by: Literal["code", "name", "synonym", "fuzzy", "model"] = "code"
    text: str = ""
    """The input as given."""

    def lineage(self) -> tuple[str, ...]:
        """The code followed by its ancestors: ``("HGNEC", "BOWEL", "TISSUE")``."""
        return (self.code, *self.ancestors)

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class TumorContext(Frozen):
    """Where a rule applies: OncoTree codes or the groups ``all``, ``all_solid``,
    ``all_liquid``. A tumor matches when it or an ancestor is included and neither
    it nor an ancestor is excluded."""

    include: tuple[str, ...] = ("all",)
    exclude: tuple[str, ...] = ()


class TumorMatch(Frozen):
    """Why a tumor did or did not match a :class:`TumorContext`.

    ``reasons`` are plain sentences a clinician can check.
    """

    matched: bool
    tumor: str | None
    """The tumor's OncoTree code, or ``None`` when the tumor is unknown."""
    included_by: str | None = None
    """The include entry that matched: the code itself, an ancestor, or a group."""
    excluded_by: str | None = None
    """The exclude entry that matched, when one did."""
    checked_exclusions: tuple[str, ...] = ()
    reasons: tuple[str, ...] = ()
