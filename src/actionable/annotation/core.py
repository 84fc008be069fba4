"""One alteration's annotation in OncoKB's shape, computed from this library's results.

:class:`Annotation` holds what an OncoKB ``IndicatorQueryResp`` carries and what the
OncoKB annotator's columns read: the query, whether the gene and the variant are in this
knowledge base, oncogenicity and mutation effect with citations, the treatments with
their levels, and the diagnostic and prognostic implications. :func:`annotate_variant`
evaluates one alteration; :func:`from_report` reads the annotation of one variant out
of a :class:`~actionable.models.Report` already computed (a cohort row, a board page).

Levels are spelled as OncoKB spells them (``LEVEL_1``, ``LEVEL_R1``, ``LEVEL_Dx2``,
``LEVEL_Px3``); drug names as drug labels spell them (``Dabrafenib``).

>>> from actionable.annotation import annotate_variant
>>> a = annotate_variant("BRAF V600E", "MEL")
>>> a.oncogenic, a.highest_sensitive_level, "Dabrafenib+Trametinib" in a.drugs_at("LEVEL_1")
('Oncogenic', 'LEVEL_1', True)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, get_args

from .. import tumors
from ..engine import Engine
from ..errors import ArgumentError, UnknownTumorError
from ..evaluate import default_engine, engine_for, evaluate, kb_version
from ..models import (
    Citation,
    Classification,
    Frozen,
    PatientFacts,
    Recommendation,
    Report,
    TumorType,
    Variant,
)
from ..oncogenicity import classify, gene_role, knowledge_genes
from ..variants import parse_variant
from .implications import Implication, implication_genes, implications_for

__all__ = [
    "DX_LEVELS",
    "PX_LEVELS",
    "RESISTANCE_LEVELS",
    "SENSITIVE_LEVELS",
    "TX_LEVELS",
    "TX_PRIORITY",
    "Annotation",
    "OncogenicCall",
    "Query",
    "Treatment",
    "TxLevel",
    "annotate_variant",
    "citation_texts",
    "drug_label_name",
    "from_report",
    "known_genes",
]

TxLevel = Literal["LEVEL_1", "LEVEL_2", "LEVEL_3A", "LEVEL_3B", "LEVEL_4", "LEVEL_R1", "LEVEL_R2"]
TX_LEVELS: tuple[str, ...] = get_args(TxLevel)
"""Therapeutic levels in the order the annotator writes their columns."""
TX_PRIORITY: tuple[str, ...] = (
    "LEVEL_R1", "LEVEL_1", "LEVEL_2", "LEVEL_3A", "LEVEL_3B", "LEVEL_4", "LEVEL_R2",
)  # fmt: skip
"""Order for ``HIGHEST_LEVEL``: standard-care resistance first (it removes a drug that
would otherwise be chosen), investigational resistance last."""
SENSITIVE_LEVELS: tuple[str, ...] = TX_LEVELS[:5]
RESISTANCE_LEVELS: tuple[str, ...] = TX_LEVELS[5:]
DX_LEVELS: tuple[str, ...] = ("LEVEL_Dx1", "LEVEL_Dx2", "LEVEL_Dx3")
PX_LEVELS: tuple[str, ...] = ("LEVEL_Px1", "LEVEL_Px2", "LEVEL_Px3")

OncogenicCall = Literal[
    "Oncogenic", "Likely Oncogenic", "Likely Neutral", "Inconclusive", "Resistance", "Unknown"
]


class Query(Frozen):
    """The question the annotation answers, echoed back as the library read it."""

    hugo_symbol: str | None
    """The gene (for fusions the driver partner); ``None`` for TMB, MSI and other
    gene-less biomarkers."""
    alteration: str
    """The canonical alteration (``V600E``, ``amplification``, ``EML4::ALK fusion``)."""
    alteration_type: str
    """The variant kind (``missense``, ``fusion``, ``amplification``, ``biomarker``...)."""
    tumor_type: str | None = None
    """The OncoTree code the tumor text resolved to; ``None`` when none was given."""
    tumor_name: str | None = None
    text: str = ""
    """The alteration as given."""


class Treatment(Frozen):
    """One therapy for the alteration at one level."""

    drugs: tuple[str, ...]
    """Lowercase generic names, as the rules name them."""
    drug_names: tuple[str, ...]
    """The same drugs spelled as their labels spell them (``Dabrafenib``)."""
    level: TxLevel
    """The level for the queried tumor type (``LEVEL_3B`` when a rule curated for
    another tumor type is offered here)."""
    level_associated_level: TxLevel
    """The level the rule holds in its own tumor types."""
    level_associated_cancer_types: tuple[str, ...]
    """The OncoTree codes (or ``all``, ``all_solid``, ``all_liquid``) the rule names."""
    tumor_type: str | None = None
    """The code through which the queried tumor matched the rule (itself, an ancestor or
    a group); ``None`` when no tumor was given."""
    effect: Literal["sensitivity", "resistance"]
    citations: tuple[Citation, ...] = ()
    approved_indications: tuple[str, ...] = ()
    """FDA labels the rule cites (``dabrafenib and trametinib (Tafinlar, Mekinist)``)."""
    rule_id: str
    description: str = ""
    """The first sentence of the rationale."""
    rationale: tuple[str, ...] = ()
    off_label: bool = False

    @property
    def name(self) -> str:
        """The drugs joined the annotator's way: ``Dabrafenib+Trametinib``.

        >>> from actionable.annotation import annotate_variant
        >>> annotate_variant("KRAS G12C", "LUAD").treatments[0].name
        'Adagrasib'
        """
        return "+".join(self.drug_names)


class Annotation(Frozen):
    """One alteration's OncoKB-style annotation (see the module docstring)."""

    query: Query
    gene_exist: bool
    """The gene has rules, a curated cancer role or implications in this knowledge base."""
    variant_exist: bool
    """This very alteration is curated here: named by variant-level knowledge (a curated
    rule's exact entry, the pathogenic or benign lists, CIViC evidence) or matched by a
    rule or implication entry for exactly this change."""
    oncogenic: OncogenicCall
    """:func:`actionable.oncogenicity.classify`'s call; ``Resistance`` when the classifier
    has no call and the alteration's only therapeutic meaning is resistance (as OncoKB
    labels resistance-only alterations)."""
    mutation_effect: str
    mutation_effect_citations: tuple[Citation, ...] = ()
    mutation_effect_description: str = ""
    """Why the classifier decided, one sentence."""
    hotspot: bool = False
    treatments: tuple[Treatment, ...] = ()
    """Best first, as the report ranks them."""
    highest_sensitive_level: str | None = None
    highest_resistance_level: str | None = None
    highest_level: str | None = None
    """The first present of R1, 1, 2, 3A, 3B, 4, R2 (the annotator's ``HIGHEST_LEVEL``)."""
    diagnostic_implications: tuple[Implication, ...] = ()
    prognostic_implications: tuple[Implication, ...] = ()
    highest_diagnostic_level: str | None = None
    highest_prognostic_level: str | None = None
    warnings: tuple[str, ...] = ()
    """Notes from the evaluation (an unknown sample, a tumor that did not resolve)."""
    data_version: str = ""
    data_date: str = ""

    @property
    def vus(self) -> bool:
        """A variant of unknown significance: no oncogenicity call, no treatment and no
        implication.

        >>> from actionable.annotation import annotate_variant
        >>> annotate_variant("GNA11 F341L").vus, annotate_variant("BRAF V600E").vus
        (True, False)
        """
        return (
            self.oncogenic == "Unknown"
            and not self.treatments
            and not self.diagnostic_implications
            and not self.prognostic_implications
        )

    def drugs_at(self, level: str) -> tuple[str, ...]:
        """The therapies at one level, ``+``-joined label names, best first, once each.

        >>> from actionable.annotation import annotate_variant
        >>> "Dabrafenib+Trametinib" in annotate_variant("BRAF V600E", "MEL").drugs_at("LEVEL_1")
        True
        """
        return tuple(dict.fromkeys(t.name for t in self.treatments if t.level == level))

    def tumor_types_at(self, level: str) -> tuple[str, ...]:
        """The tumor types (OncoTree codes) a diagnostic or prognostic level is assigned to.

        >>> from actionable.annotation import annotate_variant
        >>> annotate_variant("TTN A100V").tumor_types_at("LEVEL_Dx2")
        ()
        """
        found = (*self.diagnostic_implications, *self.prognostic_implications)
        return tuple(dict.fromkeys(c for i in found if i.level == level for c in i.tumor_types))

    @property
    def tx_citations(self) -> tuple[Citation, ...]:
        """Every treatment's citations, once each, in treatment order.

        >>> from actionable.annotation import annotate_variant
        >>> len(annotate_variant("BRAF V600E", "MEL").tx_citations) > 0
        True
        """
        return tuple(dict.fromkeys(c for t in self.treatments for c in t.citations))

    def to_oncokb(self) -> dict[str, Any]:
        """The annotation as OncoKB's API spells an ``IndicatorQueryResp`` (camelCase keys,
        ``pmids`` and ``abstracts`` for citations), for clients written against OncoKB.

        >>> from actionable.annotation import annotate_variant
        >>> body = annotate_variant("BRAF V600E", "MEL").to_oncokb()
        >>> body["highestSensitiveLevel"], body["treatments"][0]["drugs"][0]["drugName"]
        ('LEVEL_1', 'Atezolizumab')
        """
        q = self.query
        return {
            "query": {
                "hugoSymbol": q.hugo_symbol,
                "alteration": q.alteration,
                "alterationType": q.alteration_type,
                "tumorType": q.tumor_type,
            },
            "geneExist": self.gene_exist,
            "variantExist": self.variant_exist,
            "alleleExist": self.variant_exist,
            "oncogenic": self.oncogenic,
            "mutationEffect": {
                "knownEffect": self.mutation_effect,
                "description": self.mutation_effect_description,
                "citations": _citation_json(self.mutation_effect_citations),
            },
            "hotspot": self.hotspot,
            "vus": self.vus,
            "highestSensitiveLevel": self.highest_sensitive_level,
            "highestResistanceLevel": self.highest_resistance_level,
            "highestDiagnosticImplicationLevel": self.highest_diagnostic_level,
            "highestPrognosticImplicationLevel": self.highest_prognostic_level,
            "treatments": [
                {
                    "alterations": [q.alteration],
                    "drugs": [{"drugName": name, "ncitCode": None} for name in t.drug_names],
                    "level": t.level,
                    "levelAssociatedCancerType": _cancer_type_json(
                        t.level_associated_cancer_types[0]
                        if t.level_associated_cancer_types
                        else None
                    ),
                    "approvedIndications": list(t.approved_indications),
                    "description": t.description,
                    **_citation_json(t.citations),
                }
                for t in self.treatments
            ],
            "diagnosticImplications": [i.to_oncokb() for i in self.diagnostic_implications],
            "prognosticImplications": [i.to_oncokb() for i in self.prognostic_implications],
            "dataVersion": self.data_version,
            "lastUpdate": self.data_date,
        }


# --------------------------------------------------------------------------- names
def drug_label_name(drug: str) -> str:
    """A generic name as drug labels and OncoKB spell it: each word capitalised.

    >>> drug_label_name("dabrafenib"), drug_label_name("trastuzumab deruxtecan")
    ('Dabrafenib', 'Trastuzumab Deruxtecan')
    """
    return " ".join(word[:1].upper() + word[1:] for word in drug.split(" "))


def citation_texts(citations: Iterable[Citation]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(PMIDs, other references) of citations, as the annotator writes them: PMIDs as
    plain numbers; everything else as ``text(link)`` (the annotator's abstract form) or
    the text alone when there is no link. Each once, in order.

    >>> citation_texts([Citation(pmid=20818844), Citation(civic="EID12")])
    (('20818844',), ('CIViC EID12(https://civicdb.org/links/evidence_items/12)',))
    >>> citation_texts([Citation(fda="Tafinlar", year=2018)])
    ((), ('FDA label: Tafinlar (2018)',))
    """
    pmids: dict[str, None] = {}
    others: dict[str, None] = {}
    for c in citations:
        if c.pmid:
            pmids[str(c.pmid)] = None
            continue
        label = " ".join(str(Citation.model_validate(_without_pmid(c))).split()) or (c.url or "")
        link = c.url or _civic_link(c.civic)
        text = f"{label}({link})" if link and link != label else label
        others[text.replace(";", ",")] = None
    return tuple(pmids), tuple(others)


def _without_pmid(c: Citation) -> dict[str, Any]:
    return {k: v for k, v in c.model_dump().items() if k not in ("pmid", "note")}


def _civic_link(civic: str | None) -> str | None:
    if not civic:
        return None
    kinds = {"EID": "evidence_items", "AID": "assertions"}
    prefix, number = civic[:3].upper(), civic[3:]
    if prefix in kinds and number.isdigit():
        return f"https://civicdb.org/links/{kinds[prefix]}/{number}"
    return None


def _citation_json(citations: Iterable[Citation]) -> dict[str, Any]:
    pmids, others = citation_texts(citations)
    abstracts = []
    for text in others:
        head, _, tail = text.rpartition("(")
        if head and tail.endswith(")") and "://" in tail:
            abstracts.append({"abstract": head, "link": tail[:-1]})
        else:
            abstracts.append({"abstract": text, "link": ""})
    return {"pmids": list(pmids), "abstracts": abstracts}


def _cancer_type_json(code: str | None) -> dict[str, Any] | None:
    if code is None:
        return None
    if code in tumors.GROUPS:
        return {"code": "", "name": tumors.GROUPS[code], "mainType": None}
    try:
        tumor = tumors.get_tumor(code)
    except UnknownTumorError:
        return {"code": code, "name": code, "mainType": None}
    return {"code": tumor.code, "name": tumor.name, "mainType": tumor.main_type}


# --------------------------------------------------------------------------- computing
@lru_cache(maxsize=8)  # engines hash by identity; a few per process
def _rules_by_id(engine: Engine) -> Mapping[str, Any]:
    return {rule.id: rule for rule in engine.rules}


def _treatment(rec: Recommendation, engine: Engine | None) -> Treatment:
    rule = _rules_by_id(engine).get(rec.rule_id) if engine is not None else None
    own_level = f"LEVEL_{rule.level}" if rule is not None else f"LEVEL_{rec.level}"
    own_types = tuple(rule.tumor.include) if rule is not None else ()
    labels = tuple(dict.fromkeys(c.fda for c in rec.evidence if c.fda))
    return Treatment(
        drugs=rec.therapy.drugs,
        drug_names=tuple(drug_label_name(d) for d in rec.therapy.drugs),
        level=f"LEVEL_{rec.level}",
        level_associated_level=own_level,
        level_associated_cancer_types=own_types,
        tumor_type=rec.match.included_by,
        effect=rec.effect,
        citations=rec.evidence,
        approved_indications=labels,
        rule_id=rec.rule_id,
        description=rec.rationale[0] if rec.rationale else "",
        rationale=rec.rationale,
        off_label=rec.match.off_label,
    )


def _first(order: Sequence[str], present: Iterable[str]) -> str | None:
    found = set(present)
    return next((level for level in order if level in found), None)


_VARIANT_SOURCES = frozenset({"curated-rule", "pathogenic-missense", "benign-list", "civic"})


def from_report(
    report: Report,
    variant: Variant | int = 0,
    *,
    rules: Engine | None = None,
    sources: Iterable[str] | None = None,
) -> Annotation:
    """The annotation of one variant of ``report`` (an index into ``report.variants`` or
    the variant itself): its recommendations, its classification and the diagnostic and
    prognostic implications for the report's tumor type.

    ``rules`` is the engine the report came from (default: the bundled engine of
    ``sources``); it supplies each rule's own level and tumor types.

    >>> import actionable
    >>> report = actionable.evaluate(["KRAS G12C", "TP53 R175H"], tumor="LUAD")
    >>> [from_report(report, i).oncogenic for i in range(2)]
    ['Oncogenic', 'Oncogenic']
    >>> from_report(report, 1).treatments
    ()
    """
    if isinstance(variant, int):
        if not 0 <= variant < len(report.variants):
            raise ArgumentError(
                f"variant index {variant} is outside the report's {len(report.variants)} "
                "variants. Give an index below that, or the Variant itself."
            )
        position: int | None = variant
        variant = report.variants[variant]
    else:
        position = report.variants.index(variant) if variant in report.variants else None
    engine = rules if rules is not None else default_engine(sources)
    call: Classification = (
        report.oncogenicity[position]
        if position is not None and position < len(report.oncogenicity)
        else classify(variant)
    )
    recs = [r for r in report.recommendations if variant in r.variants]
    treatments = tuple(_treatment(r, engine) for r in recs)
    levels = [t.level for t in treatments]
    sensitive = _first(SENSITIVE_LEVELS, levels)
    resistant = _first(RESISTANCE_LEVELS, levels)
    found = implications_for(variant, report.tumor)
    dx = tuple(i for i in found if i.level in DX_LEVELS)
    px = tuple(i for i in found if i.level in PX_LEVELS)
    oncogenic: str = call.oncogenicity
    if oncogenic == "Unknown" and resistant and not sensitive:
        oncogenic = "Resistance"
    gene = variant.gene
    partitions = engine.compiled.partitions
    key = gene if gene is not None else f"biomarker:{variant.biomarker}"
    gene_exist = bool(
        key in partitions
        or (gene is not None and gene_role(gene) is not None)
        or (gene is not None and call.source != "none")
        or found
    )
    variant_exist = bool(
        call.source in _VARIANT_SOURCES
        or any(r.match.granularity in ("exact", "biomarker") for r in recs)
        or any(i.exact for i in found)
    )
    version, date = kb_version()
    tumor = report.tumor
    return Annotation(
        query=Query(
            hugo_symbol=gene,
            alteration=variant.alteration,
            alteration_type=variant.kind,
            tumor_type=tumor.code if tumor is not None else None,
            tumor_name=tumor.name if tumor is not None else None,
            text=variant.text,
        ),
        gene_exist=gene_exist,
        variant_exist=variant_exist,
        oncogenic=oncogenic,
        mutation_effect=call.mutation_effect,
        mutation_effect_citations=call.citations,
        mutation_effect_description=call.reason,
        hotspot=call.is_hotspot,
        treatments=treatments,
        highest_sensitive_level=sensitive,
        highest_resistance_level=resistant,
        highest_level=_first(TX_PRIORITY, levels),
        diagnostic_implications=dx,
        prognostic_implications=px,
        highest_diagnostic_level=_first(DX_LEVELS, (i.level for i in dx)),
        highest_prognostic_level=_first(PX_LEVELS, (i.level for i in px)),
        warnings=report.warnings,
        data_version=version,
        data_date=date,
    )


@lru_cache(maxsize=8)
def known_genes(engine: Engine | None = None) -> frozenset[str]:
    """Every gene this knowledge base can say something about: the genes of ``engine``'s
    rules (default: the bundled engine), of the oncogenicity knowledge and of the
    diagnostic and prognostic implications. Any change of another gene is annotated
    ``GENE_IN_ONCOKB`` ``False``, ``Unknown``, without a level.

    >>> "BRAF" in known_genes(), "TP53" in known_genes(), "TTN" in known_genes()
    (True, True, False)
    """
    rules = engine if engine is not None else default_engine()
    genes = {key for key in rules.compiled.partitions if not key.startswith("biomarker:")}
    return frozenset(genes | knowledge_genes() | implication_genes())


def annotate_variant(
    variant: str | Variant,
    tumor: str | TumorType | None = None,
    *,
    rules: str | Path | Engine | None = None,
    sources: Iterable[str] | None = None,
    prior_therapies: Iterable[str] = (),
    facts: Mapping[str, object] | PatientFacts | None = None,
) -> Annotation:
    """Annotate one alteration in a tumor type (free text, an OncoTree code, or ``None``
    for tumor-agnostic rules only), with :func:`actionable.evaluate`'s options.

    >>> a = annotate_variant("EGFR T790M", "LUAD")
    >>> a.highest_level, a.highest_sensitive_level, "Osimertinib" in a.drugs_at("LEVEL_1")
    ('LEVEL_R1', 'LEVEL_1', True)
    >>> annotate_variant("TP53 R175H").query.alteration_type
    'missense'
    """
    parsed = parse_variant(variant) if isinstance(variant, str) else variant
    engine = engine_for(rules, sources)
    report = evaluate([parsed], tumor, rules=engine, prior_therapies=prior_therapies, facts=facts)
    if not report.variants:
        raise ArgumentError(
            f"{variant!r:.60} states a patient fact, not an alteration. Give an alteration "
            "such as 'BRAF V600E', and the fact through facts=."
        )
    return from_report(report, 0, rules=engine)
