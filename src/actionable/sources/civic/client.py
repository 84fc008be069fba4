"""The live CIViC GraphQL client, per gene, through the cached HTTP session."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator, Mapping
from typing import Any

from ... import genes
from ...errors import SourceError
from ...rules import RuleFile, RuleSpec
from .diseases import DiseaseMapper
from .items import CivicItem, Skip, Skipped
from .mapping import _OPERATORS, DrugNamer, _tokens, convert_item
from .release import _int

log = logging.getLogger(__name__)

GRAPHQL_URL = "https://civicdb.org/api/graphql"

# --------------------------------------------------------------------------- GraphQL client
_EVIDENCE_QUERY = """
query EvidenceForGene($name: String!, $first: Int!, $after: String) {
  evidenceItems(molecularProfileName: $name, evidenceType: PREDICTIVE, status: ACCEPTED,
                first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes {
      id
      evidenceLevel
      evidenceDirection
      significance
      therapyInteractionType
      variantOrigin
      disease { name doid }
      therapies { name }
      molecularProfile { id name }
      source { citationId sourceType ascoAbstractId clinicalTrials { nctId } }
    }
  }
}
"""

_ENUMS: Mapping[str, str] = {
    "SUPPORTS": "Supports",
    "DOES_NOT_SUPPORT": "Does Not Support",
    "SENSITIVITYRESPONSE": "Sensitivity/Response",
    "RESISTANCE": "Resistance",
    "REDUCED_SENSITIVITY": "Reduced Sensitivity",
    "ADVERSE_RESPONSE": "Adverse Response",
    "COMBINATION": "Combination",
    "SUBSTITUTES": "Substitutes",
    "SEQUENTIAL": "Sequential",
    "SOMATIC": "Somatic",
    "RARE_GERMLINE": "Rare Germline",
    "COMMON_GERMLINE": "Common Germline",
    "UNKNOWN": "Unknown",
    "NA": "N/A",
    "COMBINED": "Combined",
    "PUBMED": "PubMed",
    "ASCO": "ASCO",
    "ASH": "ASH",
}


def _enum(value: Any) -> str:
    text = str(value or "")
    return _ENUMS.get(text, text)


def item_from_graphql(node: Mapping[str, Any]) -> CivicItem:
    """A :class:`CivicItem` from one GraphQL ``EvidenceItem`` node.

    >>> node = {"id": 1409, "evidenceLevel": "B", "evidenceDirection": "SUPPORTS",
    ...         "significance": "SENSITIVITYRESPONSE", "therapyInteractionType": "COMBINATION",
    ...         "variantOrigin": "SOMATIC", "disease": {"name": "Melanoma", "doid": "1909"},
    ...         "therapies": [{"name": "Dabrafenib"}, {"name": "Trametinib"}],
    ...         "molecularProfile": {"id": 12, "name": "BRAF V600E"},
    ...         "source": {"citationId": "21639808", "sourceType": "PUBMED"}}
    >>> item_from_graphql(node).therapies
    ('Dabrafenib', 'Trametinib')
    """
    source = node.get("source") or {}
    source_type = _enum(source.get("sourceType"))
    citation = str(source.get("citationId") or "")
    disease = node.get("disease") or {}
    number = int(node["id"])
    return CivicItem(
        kind="EID",
        number=number,
        profile=str((node.get("molecularProfile") or {})["name"]),
        disease=str(disease.get("name") or ""),
        doid=str(disease.get("doid") or ""),
        therapies=tuple(str(t["name"]) for t in node.get("therapies") or ()),
        interaction=_enum(node.get("therapyInteractionType")),
        direction=_enum(node.get("evidenceDirection")),
        significance=_enum(node.get("significance")),
        evidence_level=str(node.get("evidenceLevel") or ""),
        variant_origin=_enum(node.get("variantOrigin")),
        pmid=_int(citation) if source_type == "PubMed" else None,
        abstract=None
        if source_type == "PubMed"
        else f"{source_type} abstract {source.get('ascoAbstractId') or citation}",
        nct_ids=tuple(
            str(t["nctId"]) for t in source.get("clinicalTrials") or () if t.get("nctId")
        ),
        url=f"https://civicdb.org/links/evidence_items/{number}",
    )


class CivicClient:
    """CIViC GraphQL client: predictive evidence items of a gene, as rules.

    ``session`` is a :func:`actionable.sources.http.make_session` session (cached,
    offline-capable); ``base_url`` overrides ``https://civicdb.org/api/graphql``.

    >>> from actionable.sources.civic import CivicClient
    >>> client = CivicClient(base_url="http://127.0.0.1:8080/graphql")  # doctest: +SKIP
    >>> rule_file, skipped = client.rules_for_gene("BRAF")  # doctest: +SKIP
    """

    def __init__(
        self,
        *,
        base_url: str | None = None,
        session: Any = None,
        page_size: int = 100,
        timeout: float = 20.0,
        retries: int = 3,
        max_pages: int = 200,
        **http: Any,
    ) -> None:
        from ..http import JsonClient

        self.base_url = base_url or os.environ.get("ACTIONABLE_CIVIC_URL") or GRAPHQL_URL
        self.page_size = page_size
        self.max_pages = max_pages
        self._http = JsonClient(
            self.base_url, session=session, timeout=timeout, retries=retries, source="CIViC", **http
        )

    def evidence_nodes(self, gene: str) -> list[dict[str, Any]]:
        """Raw GraphQL nodes of the accepted predictive evidence items naming ``gene``,
        following ``pageInfo.endCursor`` until ``hasNextPage`` is false.

        >>> [n["id"] for n in CivicClient().evidence_nodes("BRAF")][:2]  # doctest: +SKIP
        [1409, 102]
        """
        nodes: list[dict[str, Any]] = []
        after: str | None = None
        for _page in range(self.max_pages):
            variables: dict[str, Any] = {"name": gene, "first": self.page_size}
            if after is not None:
                variables["after"] = after
            data = self._http.post_json("", {"query": _EVIDENCE_QUERY, "variables": variables})
            page = _graphql_page(data)
            nodes.extend(page["nodes"])
            info = page["pageInfo"]
            if not info.get("hasNextPage"):
                return nodes
            after = info.get("endCursor")
            if not after:
                raise SourceError("CIViC answered hasNextPage without an endCursor")
        raise SourceError(f"CIViC returned more than {self.max_pages} pages for {gene!r}")

    def items(self, gene: str) -> list[CivicItem]:
        """Evidence items whose molecular profile involves ``gene`` (HGNC symbol).

        >>> CivicClient().items("BRAF")[0].civic_id  # doctest: +SKIP
        'EID1409'
        """
        symbol = genes.resolve_gene(gene)
        out = []
        for node in self.evidence_nodes(symbol):
            item = item_from_graphql(node)
            if symbol in {g for g, _ in _profile_genes(item.profile)}:
                out.append(item)
        return out

    def rules_for_gene(
        self, gene: str, *, diseases: DiseaseMapper | None = None
    ) -> tuple[RuleFile, list[Skipped]]:
        """The evidence of ``gene`` as an in-memory ``source: civic`` :class:`RuleFile`
        (rules whose alteration is on another gene are left out), and what was skipped.

        Drugs must already be in the vocabulary (run the release import first); items
        naming others are skipped as ``unknown_drug``.

        >>> rule_file, skipped = CivicClient().rules_for_gene("BRAF")  # doctest: +SKIP
        >>> rule_file.source, rule_file.rules[0].id  # doctest: +SKIP
        ('civic', 'civic-eid1409')
        """
        symbol = genes.resolve_gene(gene)
        mapper = diseases or DiseaseMapper()
        namer = DrugNamer(allow_new=False)
        rules: list[RuleSpec] = []
        skipped: list[Skipped] = []
        for item in self.items(symbol):
            try:
                converted = convert_item(item, mapper, namer)
            except Skip as skip:
                skipped.append(Skipped(item.civic_id, skip.reason, skip.detail))
                continue
            rules.extend(spec for g, spec in converted if g == symbol)
        if not rules:
            raise SourceError(f"CIViC has no convertible predictive evidence for {symbol}")
        return RuleFile(gene=symbol, source="civic", version="live", rules=rules), skipped


def _profile_genes(profile: str) -> Iterator[tuple[str, str]]:
    for token in _tokens(profile):
        if token not in _OPERATORS:
            gene, _, variant = token.partition(" ")
            yield gene, variant


def _graphql_page(data: Any) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise SourceError("CIViC answered with JSON that is not a GraphQL response")
    if data.get("errors") and not data.get("data"):
        messages = "; ".join(str(e.get("message", e)) for e in data["errors"][:3])
        raise SourceError(f"CIViC GraphQL error: {messages}")
    try:
        page = data["data"]["evidenceItems"]
        if not isinstance(page["nodes"], list) or not isinstance(page["pageInfo"], dict):
            raise TypeError
    except (KeyError, TypeError):
        raise SourceError("CIViC answered without data.evidenceItems.nodes/pageInfo") from None
    return dict(page)
