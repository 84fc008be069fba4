"""OncoKB: the REST annotation API -> ``source: oncokb`` rules (in memory).

OncoKB (https://www.oncokb.org) needs an API token and its data may not be
redistributed, so nothing from it is committed: the client converts answers on demand
and keeps them only in the HTTP cache of :mod:`actionable.sources.http`. The token is
read from ``ONCOKB_API_TOKEN`` (or passed in), sent as ``Authorization: Bearer``, and
never logged, cached or shown in an error.

>>> from actionable.sources.oncokb import level_from_oncokb
>>> level_from_oncokb("LEVEL_1"), level_from_oncokb("LEVEL_R1"), level_from_oncokb("LEVEL_Dx1")
('1', 'R1', None)
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from typing import Any

from .. import drugs, genes, tumors
from ..errors import RuleFileError, SourceError, UnknownTumorError, VariantParseError
from ..rules import Citation, RuleFile, RuleSpec, parse_pattern
from .civic import Skipped
from .http import JsonClient

__all__ = [
    "API_URL",
    "OncoKBClient",
    "level_from_oncokb",
    "rules_from_annotation",
    "tumor_codes_from_oncokb",
]

API_URL = "https://www.oncokb.org/api/v1"
_TOKEN = re.compile(r"[A-Za-z0-9._~+/=-]{1,512}")
_LEVELS: Mapping[str, str] = {
    "LEVEL_1": "1",
    "LEVEL_2": "2",
    "LEVEL_2A": "2",
    "LEVEL_2B": "3B",
    "LEVEL_3A": "3A",
    "LEVEL_3B": "3B",
    "LEVEL_4": "4",
    "LEVEL_R1": "R1",
    "LEVEL_R2": "R2",
}
_GROUPS: Mapping[str, str] = {
    "all tumors": "all",
    "all solid tumors": "all_solid",
    "all liquid tumors": "all_liquid",
}


def level_from_oncokb(level: str | None) -> str | None:
    """Our level for an OncoKB therapeutic level (``LEVEL_1`` -> ``"1"``); ``None`` for
    diagnostic/prognostic levels and unknown values. Retired ``LEVEL_2A`` reads as ``2``
    and ``LEVEL_2B`` as ``3B``, as OncoKB's 2019 revision merged them.

    >>> level_from_oncokb("LEVEL_3A"), level_from_oncokb("LEVEL_2B")
    ('3A', '3B')
    """
    return _LEVELS.get((level or "").strip().upper())


def tumor_codes_from_oncokb(cancer_type: Mapping[str, Any] | None) -> tuple[str, ...]:
    """OncoTree codes (or groups) for an OncoKB ``TumorType`` object.

    A code we know is used as is; a main type without code ("All Solid Tumors") maps to
    a group; otherwise the name must resolve exactly (no fuzzy match).

    >>> tumor_codes_from_oncokb({"code": "MEL", "name": "Melanoma"})
    ('MEL',)
    >>> tumor_codes_from_oncokb({"code": "", "mainType": {"name": "All Solid Tumors"}})
    ('all_solid',)
    """
    if not cancer_type:
        return ()
    code = str(cancer_type.get("code") or "").strip()
    if code and tumors.is_known_code(code):
        return (code,)
    main = cancer_type.get("mainType") or {}
    names = [str(cancer_type.get("name") or ""), str(main.get("name") or "")]
    for name in names:
        if name.strip().lower() in _GROUPS:
            return (_GROUPS[name.strip().lower()],)
    for name in names:
        if not name.strip():
            continue
        try:
            tumor = tumors.resolve_tumor(name)
        except (UnknownTumorError, ValueError):
            continue
        if tumor.matched_by != "fuzzy":
            return (tumor.code,)
    return ()


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def rules_from_annotation(
    answer: Mapping[str, Any], *, data_version: str | None = None
) -> tuple[list[RuleSpec], list[Skipped]]:
    """Rules for one ``annotate/mutations/byProteinChange`` answer (``IndicatorQueryResp``).

    One rule per therapeutic treatment: its drugs (given together), level, the cancer
    type the level is for (``levelAssociatedCancerType``) minus
    ``levelExcludedCancerTypes``, and its PubMed ids and abstracts as evidence.

    >>> treatment = {"drugs": [{"drugName": "Dabrafenib"}, {"drugName": "Trametinib"}],
    ...              "level": "LEVEL_1", "pmids": ["25399551"],
    ...              "levelAssociatedCancerType": {"code": "MEL", "name": "Melanoma"}}
    >>> answer = {"query": {"hugoSymbol": "BRAF", "alteration": "V600E"},
    ...           "treatments": [treatment]}
    >>> rules, skipped = rules_from_annotation(answer)
    >>> [(r.id, r.level, r.therapy) for r in rules]
    [('oncokb-braf-v600e-mel-dabrafenib-trametinib', '1', ['dabrafenib', 'trametinib'])]
    """
    query = answer.get("query") or {}
    gene = genes.resolve_gene(str(query.get("hugoSymbol") or ""))
    alteration = str(query.get("alteration") or "").strip()
    try:
        parse_pattern(alteration, gene)
    except (RuleFileError, VariantParseError, ValueError) as error:
        return [], [
            Skipped(
                f"{gene} {alteration}",
                "alteration_not_mapped",
                str(getattr(error, "problem", error)),
            )
        ]
    version = data_version or str(answer.get("dataVersion") or "") or None
    rules: list[RuleSpec] = []
    skipped: list[Skipped] = []
    seen: set[str] = set()
    for index, treatment in enumerate(answer.get("treatments") or ()):
        label = f"{gene} {alteration} treatment {index + 1}"
        level = level_from_oncokb(treatment.get("level"))
        if level is None:
            skipped.append(Skipped(label, "not_efficacy", str(treatment.get("level"))))
            continue
        names = [str(d.get("drugName") or "") for d in treatment.get("drugs") or ()]
        try:
            therapy = [drugs.resolve_drug(n) for n in names if n]
        except ValueError as error:
            skipped.append(Skipped(label, "unknown_drug", str(error)))
            continue
        if not therapy:
            skipped.append(Skipped(label, "no_therapy"))
            continue
        cancer = treatment.get("levelAssociatedCancerType") or {}
        include = tumor_codes_from_oncokb(cancer)
        if not include:
            skipped.append(Skipped(label, "disease_not_mapped", str(cancer.get("name") or "")))
            continue
        exclude = [
            c
            for t in treatment.get("levelExcludedCancerTypes") or ()
            for c in tumor_codes_from_oncokb(t)
            if c not in tumors.GROUPS
        ]
        evidence = [
            Citation(pmid=int(p))
            for p in treatment.get("pmids") or ()
            if str(p).strip().isdigit() and int(p) > 0
        ]
        evidence += [
            Citation(abstract=str(a.get("abstract")), url=a.get("link") or None)
            for a in treatment.get("abstracts") or ()
            if a.get("abstract")
        ]
        if not evidence:
            evidence = [Citation(url=f"https://www.oncokb.org/gene/{gene}/{alteration}")]
        rule_id = "oncokb-" + _slug(f"{gene}-{alteration}-{'-'.join(include)}-{'-'.join(therapy)}")
        if rule_id in seen:
            rule_id += f"-{index + 1}"
        seen.add(rule_id)
        where = str(
            cancer.get("name") or (cancer.get("mainType") or {}).get("name") or ", ".join(include)
        )
        summary = (
            f"OncoKB level {level}"
            + (f" (data version {version})" if version else "")
            + f": {' + '.join(therapy)} in {where} with {gene} {alteration}."
        )
        rules.append(
            RuleSpec(
                id=rule_id,
                alteration=alteration,
                tumor={"include": list(include), "exclude": exclude},
                therapy=therapy,
                effect="resistance" if level.startswith("R") else "sensitivity",
                level=level,
                summary=summary,
                evidence=evidence,
            )
        )
    return rules, skipped


class OncoKBClient:
    """OncoKB REST client (``/annotate/mutations/byProteinChange``).

    ``token`` defaults to ``$ONCOKB_API_TOKEN``; ``base_url`` to
    ``$ACTIONABLE_ONCOKB_URL`` or ``https://www.oncokb.org/api/v1``. ``session`` is a
    :func:`actionable.sources.http.make_session` session (cache, offline, snapshot).

    >>> from actionable.sources.oncokb import OncoKBClient
    >>> client = OncoKBClient(token="...")  # doctest: +SKIP
    >>> rule_file, skipped = client.rules_for("BRAF", "V600E", "MEL")  # doctest: +SKIP
    """

    def __init__(
        self,
        *,
        token: str | None = None,
        base_url: str | None = None,
        session: Any = None,
        timeout: float = 20.0,
        retries: int = 3,
        **http: Any,
    ) -> None:
        self._token = token if token is not None else os.environ.get("ONCOKB_API_TOKEN", "")
        if not isinstance(self._token, str) or (self._token and not _TOKEN.fullmatch(self._token)):
            # The token itself is never repeated: it may be half a secret pasted wrong.
            raise SourceError(
                "OncoKB: the API token has characters a token cannot have (space, newline, "
                "quote or non-ASCII). Copy it again from https://www.oncokb.org/account/settings"
            )
        self.base_url = base_url or os.environ.get("ACTIONABLE_ONCOKB_URL") or API_URL
        headers = {"Authorization": f"Bearer {self._token}"} if self._token else {}
        self._http = JsonClient(
            self.base_url,
            session=session,
            source="OncoKB",
            headers=headers,
            timeout=timeout,
            retries=retries,
            **http,
        )

    def __repr__(self) -> str:
        token = "set" if self._token else "unset"
        return f"OncoKBClient(base_url={self.base_url!r}, token={token})"

    def annotate(self, gene: str, alteration: str, tumor_type: str | None = None) -> dict[str, Any]:
        """The raw ``IndicatorQueryResp`` for one protein change (``tumor_type``: an
        OncoTree code or name, optional).

        >>> answer = OncoKBClient().annotate("BRAF", "V600E", "MEL")  # doctest: +SKIP
        >>> answer["highestSensitiveLevel"]  # doctest: +SKIP
        'LEVEL_1'
        """
        if not self._token:
            raise SourceError(
                "OncoKB needs an API token: set ONCOKB_API_TOKEN "
                "(https://www.oncokb.org/account/settings)"
            )
        params = {"hugoSymbol": genes.resolve_gene(gene), "alteration": alteration}
        if tumor_type:
            params["tumorType"] = tumor_type
        answer = self._http.get_json("annotate/mutations/byProteinChange", params)
        if not isinstance(answer, dict) or not isinstance(answer.get("query"), dict):
            raise SourceError("OncoKB answered without a 'query' object: not an IndicatorQueryResp")
        if not isinstance(answer.get("treatments", []), list):
            raise SourceError("OncoKB answered with 'treatments' that is not a list")
        if not all(isinstance(t, dict) for t in answer.get("treatments") or ()):
            raise SourceError("OncoKB answered with a treatment that is not an object")
        return answer

    def rules_for(
        self, gene: str, alteration: str, tumor_type: str | None = None
    ) -> tuple[RuleFile, list[Skipped]]:
        """The therapeutic implications of one alteration as an in-memory
        ``source: oncokb`` :class:`RuleFile`, and the treatments that were skipped.

        Raises :class:`SourceError` when OncoKB lists no convertible treatment.

        >>> rule_file, skipped = OncoKBClient().rules_for("BRAF", "V600E", "MEL")  # doctest: +SKIP
        >>> rule_file.rules[0].level  # doctest: +SKIP
        '1'
        """
        answer = self.annotate(gene, alteration, tumor_type)
        try:
            rules, skipped = rules_from_annotation(answer)
        except SourceError:
            raise
        except (AttributeError, KeyError, TypeError, ValueError) as error:
            # A field of the wrong type (a string where an object belongs, an int where
            # a string does): the answer is not what the API documents.
            raise SourceError(
                f"OncoKB answered with a malformed IndicatorQueryResp for {gene} {alteration} "
                f"({type(error).__name__}); retry later or report it to OncoKB"
            ) from None
        if not rules:
            reasons = ", ".join(sorted({s.reason for s in skipped})) or "no treatments"
            raise SourceError(
                f"OncoKB lists no convertible treatment for {gene} {alteration} ({reasons})"
            )
        version = str(answer.get("dataVersion") or "") or None
        return RuleFile(
            gene=genes.resolve_gene(gene), source="oncokb", version=version, rules=rules
        ), skipped
