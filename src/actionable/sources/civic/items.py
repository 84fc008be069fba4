"""One CIViC evidence item or assertion, and why an item is not converted."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

# Reasons an item is not converted (keys of ImportResult.skip_counts).
POLICY_REASONS = frozenset({"does_not_support", "not_efficacy", "sequential_therapy"})
# Items about markers a sequencing report does not call are outside the library's scope.
OUT_OF_SCOPE_REASONS = POLICY_REASONS | {"non_sequencing_marker"}
REASONS: Mapping[str, str] = {
    "does_not_support": "evidence direction 'Does Not Support' (a negative finding, not a rule)",
    "not_efficacy": "significance is not response or resistance (e.g. Adverse Response)",
    "sequential_therapy": "sequential therapies: the order of drugs cannot be expressed",
    "no_therapy": "no therapy given",
    "nonspecific_therapy": "only a drug class or a non-drug treatment (chemotherapy, radiation)",
    "non_sequencing_marker": "expression, methylation, polymorphism or other marker a "
    "sequencing report does not call",
    "alteration_not_mapped": "variant name has no clean equivalent in our alteration grammar",
    "complex_profile": "molecular profile logic that rules cannot express",
    "unknown_gene": "gene symbol not in the HGNC vocabulary",
    "disease_not_mapped": "CIViC disease has no OncoTree code",
    "unknown_drug": "drug not in knowledgebase/drugs*.yaml (live client only)",
    "loader_rejected": "the rule loader rejected the generated rule",
}


# --------------------------------------------------------------------------- items
@dataclass(frozen=True)
class CivicItem:
    """One CIViC evidence item or assertion, as read from a release TSV or the API.

    Field values use the release vocabulary (``"Supports"``, ``"Sensitivity/Response"``,
    ``"Combination"``); the GraphQL client translates its enums to it.

    >>> item = CivicItem(kind="EID", number=1409, profile="BRAF V600E", disease="Melanoma",
    ...                  doid="1909", therapies=("Dabrafenib", "Trametinib"),
    ...                  interaction="Combination", direction="Supports",
    ...                  significance="Sensitivity/Response", evidence_level="B")
    >>> item.civic_id
    'EID1409'
    """

    kind: str
    """``EID`` (evidence item) or ``AID`` (assertion)."""
    number: int
    profile: str
    disease: str
    doid: str
    therapies: tuple[str, ...]
    interaction: str
    direction: str
    significance: str
    evidence_level: str | None = None
    amp_category: str | None = None
    nccn_guideline: str | None = None
    nccn_version: str | None = None
    regulatory_approval: bool = False
    fda_companion_test: bool = False
    variant_origin: str = ""
    pmid: int | None = None
    abstract: str | None = None
    nct_ids: tuple[str, ...] = ()
    url: str | None = None
    evidence_ids: tuple[int, ...] = ()

    @property
    def civic_id(self) -> str:
        """``EID123`` or ``AID5``."""
        return f"{self.kind}{self.number}"

    @property
    def rule_id(self) -> str:
        """The base rule id: ``civic-eid123``."""
        return f"civic-{self.kind.lower()}{self.number}"


@dataclass(frozen=True)
class Skipped:
    """An item that was not converted, and why (``reason`` is a key of ``REASONS``).

    >>> Skipped("EID11", "does_not_support", "Does Not Support").reason
    'does_not_support'
    """

    item: str
    reason: str
    detail: str = ""


class Skip(Exception):  # noqa: N818 - a control-flow signal, not an error for callers
    """Raised by the mapping functions when an item cannot become a rule.

    >>> from actionable.sources.civic import effect_for
    >>> try:
    ...     effect_for("Does Not Support", "Resistance")
    ... except Skip as s:
    ...     s.reason
    'does_not_support'
    """

    def __init__(self, reason: str, detail: str = "") -> None:
        self.reason = reason
        self.detail = detail
        super().__init__(f"{reason}: {detail}" if detail else reason)
