"""The OncoKB public API paths the OncoKB annotator and cBioPortal call, answered from
the annotation core (:mod:`actionable.annotation`): mutations by protein change,
copy-number alterations and structural variants, each as GET (one query) and POST (a
batch). This module only reads the queries and writes the answers; every level,
oncogenicity call and drug comes from :func:`actionable.annotation.annotate_variant`.

The ``query`` of each answer echoes the client's query (``id`` first: cBioPortal matches
answers to queries by it); the extra key ``actionable`` says how the query was read
(canonical alteration, resolved tumor type) and carries the evaluation's warnings.

>>> ask = Ask(line="BRAF V600E", tumor="colon NEC", echo={"id": "q1"})
>>> from actionable.evaluate import default_engine
>>> body = Annotator(default_engine()).answer(ask)
>>> body["query"]["id"], body["highestSensitiveLevel"], body["treatments"][0]["level"]
('q1', 'LEVEL_1', 'LEVEL_1')
"""

from __future__ import annotations

import json
from collections.abc import Set
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal

from fastapi import APIRouter, HTTPException, Query
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from ..annotation import Annotation, annotate_variant
from ..annotation import Query as AnnotationQuery
from ..engine import Engine
from ..errors import ArgumentError, UnknownTumorError, VariantParseError
from ..evaluate import kb_version
from ..genes import gene_for_entrez, resolve_gene
from . import Settings
from ._genes import curated_genes

__all__ = [
    "Annotator",
    "Ask",
    "CopyNumberQuery",
    "ProteinChangeQuery",
    "StructuralVariantQuery",
    "router",
]

CopyNumberType = Literal["AMPLIFICATION", "DELETION", "GAIN", "LOSS"]
SvType = Literal[
    "DELETION", "TRANSLOCATION", "DUPLICATION", "INSERTION", "INVERSION", "FUSION", "UNKNOWN"
]
_Scalar = str | int | None


# --------------------------------------------------------------------------- queries
class QueryGene(BaseModel):
    """A gene as OncoKB queries name it: by symbol, or by NCBI Gene (Entrez) id."""

    model_config = ConfigDict(extra="ignore")
    hugoSymbol: str | None = Field(default=None, max_length=100)  # noqa: N815 (OncoKB's name)
    entrezGeneId: int | None = None  # noqa: N815


class _Base(BaseModel):
    # Unknown fields (evidenceTypes, hgvs, type...) are accepted and not used: clients
    # written for OncoKB send them.
    model_config = ConfigDict(extra="ignore")
    id: str | int | None = Field(default=None, description="echoed in query.id")
    tumorType: str | None = Field(  # noqa: N815
        default=None,
        max_length=500,
        description="OncoTree code, OncoTree name or free text; empty: no tumor type",
    )
    referenceGenome: str | None = Field(default=None, max_length=20)  # noqa: N815


class ProteinChangeQuery(_Base):
    """``AnnotateMutationByProteinChangeQuery``."""

    gene: QueryGene
    alteration: str = Field(max_length=500, examples=["V600E"])
    consequence: str | None = Field(default=None, max_length=200)
    # Echoed only: the protein change decides. MAF cells arrive as text ("600", "NULL").
    proteinStart: _Scalar = None  # noqa: N815
    proteinEnd: _Scalar = None  # noqa: N815


class CopyNumberQuery(_Base):
    """``AnnotateCopyNumberAlterationQuery``."""

    gene: QueryGene
    copyNameAlterationType: CopyNumberType  # noqa: N815 (OncoKB's spelling)


class StructuralVariantQuery(_Base):
    """``AnnotateStructuralVariantQuery``."""

    geneA: QueryGene  # noqa: N815
    geneB: QueryGene  # noqa: N815
    structuralVariantType: SvType  # noqa: N815
    functionalFusion: bool = False  # noqa: N815


# --------------------------------------------------------------------------- answers
@dataclass(frozen=True)
class Ask:
    """One query read: the report line to annotate (``None`` when the query names no
    alteration this library can evaluate, with ``problem`` saying why), the tumor text,
    and the client's query to echo."""

    line: str | None
    tumor: str | None
    echo: dict[str, Any] = field(default_factory=dict)
    gene: str | None = None
    problem: str | None = None


class Annotator:
    """Answers :class:`Ask` s from one engine, remembering recent answers: the knowledge
    base is read-only for the life of the process, and cohorts repeat their variants."""

    def __init__(
        self, engine: Engine, *, genes: Set[str] = frozenset(), cache: int = 16384
    ) -> None:
        self.engine = engine
        self.genes = genes
        """Genes this knowledge base covers (``geneExist`` of a query it cannot read)."""
        self._annotate = lru_cache(maxsize=cache)(self._compute)

    def _compute(self, line: str, tumor: str | None) -> dict[str, Any] | str:
        try:
            annotation = annotate_variant(line, tumor, rules=self.engine)
        except (VariantParseError, ArgumentError) as error:
            return str(error)  # an alteration this library cannot read: answered Unknown
        return _complete(annotation)

    def answer(self, ask: Ask) -> dict[str, Any]:
        """The OncoKB-shaped answer to one query (``UnknownTumorError`` propagates: a
        tumor that cannot be read is the client's to fix, not an answer to guess)."""
        found = self._annotate(ask.line, ask.tumor) if ask.line else ask.problem or ""
        body = self._unknown(ask, found) if isinstance(found, str) else dict(found)
        body["query"] = {**body["query"], **ask.echo}
        return body

    def _unknown(self, ask: Ask, problem: str) -> dict[str, Any]:
        """What a query the library cannot read gets: nothing known, and why. It never
        claims a level or an oncogenicity call it has not made."""
        version, date = kb_version()
        try:
            known = ask.gene is not None and resolve_gene(ask.gene) in self.genes
        except VariantParseError:
            known = False
        annotation = Annotation(
            query=AnnotationQuery(
                hugo_symbol=ask.gene, alteration=str(ask.echo.get("alteration") or ""),
                alteration_type="unknown",
            ),
            gene_exist=known,
            variant_exist=False,
            oncogenic="Unknown",
            mutation_effect="Unknown",
            mutation_effect_description=problem,
            warnings=(f"not evaluated: {problem}",),
            data_version=version,
            data_date=date,
        )  # fmt: skip
        return _complete(annotation)


def _complete(annotation: Annotation) -> dict[str, Any]:
    """The core's ``IndicatorQueryResp``, plus the fields clients index without checking
    (the annotator's ``-d`` reads every summary) and how the query was read."""
    body = annotation.to_oncokb()
    for key in ("geneSummary", "tumorTypeSummary", "diagnosticSummary", "prognosticSummary"):
        body.setdefault(key, "")
    # The one sentence the classifier gave for its call is this library's variant summary.
    body.setdefault("variantSummary", annotation.mutation_effect_description)
    body.setdefault("highestFdaLevel", None)
    body.setdefault("otherSignificantSensitiveLevels", [])
    body.setdefault("otherSignificantResistanceLevels", [])
    body["actionable"] = _reading(annotation)
    return body


def _reading(annotation: Annotation) -> dict[str, Any]:
    q = annotation.query
    return {
        "hugoSymbol": q.hugo_symbol,
        "alteration": q.alteration,
        "alterationType": q.alteration_type,
        "tumorType": q.tumor_type,
        "tumorName": q.tumor_name,
        "warnings": list(annotation.warnings),
    }


def _gene(gene: QueryGene) -> str | None:
    if gene.hugoSymbol and gene.hugoSymbol.strip():
        return gene.hugoSymbol.strip()
    if gene.entrezGeneId is not None:
        return gene_for_entrez(gene.entrezGeneId)
    return None


def _tumor(text: str | None) -> str | None:
    return text.strip() if text and text.strip() else None


def _gene_echo(prefix: str, gene: QueryGene, symbol: str | None) -> dict[str, Any]:
    return {f"hugoSymbol{prefix}": symbol, f"entrezGeneId{prefix}": gene.entrezGeneId}


def protein_change_ask(q: ProteinChangeQuery) -> Ask:
    """Read a protein-change query: ``gene`` + ``alteration`` (``p.`` dropped) is the line.

    >>> protein_change_ask(ProteinChangeQuery(gene=QueryGene(entrezGeneId=673),
    ...                                       alteration="p.V600E")).line
    'BRAF V600E'
    """
    gene = _gene(q.gene)
    alteration = q.alteration.strip().removeprefix("p.")
    echo = {
        "id": q.id,
        "referenceGenome": q.referenceGenome,
        **_gene_echo("", q.gene, gene),
        "alteration": q.alteration,
        "consequence": q.consequence,
        "proteinStart": _position(q.proteinStart),
        "proteinEnd": _position(q.proteinEnd),
        "tumorType": q.tumorType,
        "svType": None,
    }
    if gene is None:
        return Ask(None, _tumor(q.tumorType), echo, problem=_no_gene(q.gene))
    if not alteration:
        return Ask(None, _tumor(q.tumorType), echo, gene, "the query names no alteration")
    return Ask(f"{gene} {alteration}", _tumor(q.tumorType), echo, gene)


def copy_number_ask(q: CopyNumberQuery) -> Ask:
    """Read a copy-number query.

    >>> copy_number_ask(CopyNumberQuery(gene=QueryGene(hugoSymbol="ERBB2"),
    ...                                 copyNameAlterationType="AMPLIFICATION")).line
    'ERBB2 amplification'
    """
    gene = _gene(q.gene)
    kind = q.copyNameAlterationType.lower()
    echo = {
        "id": q.id,
        "referenceGenome": q.referenceGenome,
        **_gene_echo("", q.gene, gene),
        "alteration": kind.capitalize(),
        "tumorType": q.tumorType,
    }
    if gene is None:
        return Ask(None, _tumor(q.tumorType), echo, problem=_no_gene(q.gene))
    return Ask(f"{gene} {kind}", _tumor(q.tumorType), echo, gene)


def structural_variant_ask(q: StructuralVariantQuery) -> Ask:
    """Read a structural-variant query: a functional fusion of two genes is the line
    ``A::B fusion`` (5' partner first); a rearrangement that is not a functional fusion
    is not evaluated (answered Unknown, with the reason).

    >>> structural_variant_ask(StructuralVariantQuery(
    ...     geneA=QueryGene(hugoSymbol="EML4"), geneB=QueryGene(hugoSymbol="ALK"),
    ...     structuralVariantType="FUSION", functionalFusion=True)).line
    'EML4::ALK fusion'
    """
    a, b = _gene(q.geneA), _gene(q.geneB)
    echo = {
        "id": q.id,
        "referenceGenome": q.referenceGenome,
        "hugoSymbol": a,
        "entrezGeneId": q.geneA.entrezGeneId,
        "hugoSymbolB": b,
        "entrezGeneIdB": q.geneB.entrezGeneId,
        "alteration": f"{a}-{b} Fusion" if a != b else f"{a} {q.structuralVariantType.lower()}",
        "svType": q.structuralVariantType,
        "functionalFusion": q.functionalFusion,
        "tumorType": q.tumorType,
    }
    tumor = _tumor(q.tumorType)
    if a is None or b is None:
        return Ask(None, tumor, echo, a or b, _no_gene(q.geneA if a is None else q.geneB))
    if not (q.functionalFusion or q.structuralVariantType == "FUSION"):
        return Ask(
            None,
            tumor,
            echo,
            a,
            f"a {q.structuralVariantType.lower()} that is not a functional fusion is not "
            "evaluated; send functionalFusion=true for an in-frame fusion",
        )
    return Ask(f"{a}::{b} fusion" if a != b else f"{a} fusion", tumor, echo, a)


def _position(value: _Scalar) -> int | None:
    # OncoKB echoes positions as numbers; a MAF cell sends "600", "NULL" or "".
    if isinstance(value, int):
        return value
    text = (value or "").strip()
    return int(text) if text.isdigit() else None


def _no_gene(gene: QueryGene) -> str:
    if gene.entrezGeneId is not None:
        return f"no gene with Entrez id {gene.entrezGeneId}; send gene.hugoSymbol"
    return "the query names no gene; send gene.hugoSymbol or gene.entrezGeneId"


# --------------------------------------------------------------------------- routes
class JSONBytes(Response):
    media_type = "application/json"


def router(engine: Engine, settings: Settings) -> APIRouter:
    """The six annotation routes, answering from ``engine``."""
    annotator = Annotator(engine, genes=frozenset(g["hugoSymbol"] for g in curated_genes(engine)))
    api = APIRouter(prefix="/api/v1/annotate", tags=["OncoKB-compatible: annotation"])

    def one(ask: Ask) -> Response:
        return JSONBytes(json.dumps(annotator.answer(ask)))

    def batch(asks: list[Ask]) -> Response:
        if len(asks) > settings.max_batch:
            raise HTTPException(
                413,
                f"{len(asks)} queries in one request; at most {settings.max_batch}. "
                "Send them in smaller batches.",
            )
        answers = []
        for number, ask in enumerate(asks):
            try:
                answers.append(annotator.answer(ask))
            except UnknownTumorError as error:
                named = f" (id {ask.echo['id']!r})" if ask.echo.get("id") is not None else ""
                raise HTTPException(400, f"query {number}{named}: {error}") from None
        return JSONBytes(json.dumps(answers))

    @api.get("/mutations/byProteinChange", summary="Annotate a mutation by protein change")
    def mutation_get(
        hugoSymbol: str | None = Query(None, max_length=100, examples=["BRAF"]),  # noqa: N803
        entrezGeneId: int | None = None,  # noqa: N803
        alteration: str = Query(max_length=500, examples=["V600E"]),
        tumorType: str | None = Query(None, max_length=500, examples=["COAD"]),  # noqa: N803
        consequence: str | None = Query(None, max_length=200),
        proteinStart: str | None = Query(None, max_length=20),  # noqa: N803
        proteinEnd: str | None = Query(None, max_length=20),  # noqa: N803
        referenceGenome: str | None = Query(None, max_length=20),  # noqa: N803
    ) -> Response:
        query = ProteinChangeQuery(
            gene=QueryGene(hugoSymbol=hugoSymbol, entrezGeneId=entrezGeneId),
            alteration=alteration,
            tumorType=tumorType,
            consequence=consequence,
            proteinStart=proteinStart,
            proteinEnd=proteinEnd,
            referenceGenome=referenceGenome,
        )
        return one(protein_change_ask(query))

    @api.post("/mutations/byProteinChange", summary="Annotate mutations by protein change")
    def mutation_post(body: list[ProteinChangeQuery]) -> Response:
        return batch([protein_change_ask(q) for q in body])

    @api.get("/copyNumberAlterations", summary="Annotate a copy-number alteration")
    def cna_get(
        copyNameAlterationType: CopyNumberType,  # noqa: N803
        hugoSymbol: str | None = Query(None, max_length=100, examples=["ERBB2"]),  # noqa: N803
        entrezGeneId: int | None = None,  # noqa: N803
        tumorType: str | None = Query(None, max_length=500),  # noqa: N803
        referenceGenome: str | None = Query(None, max_length=20),  # noqa: N803
    ) -> Response:
        query = CopyNumberQuery(
            gene=QueryGene(hugoSymbol=hugoSymbol, entrezGeneId=entrezGeneId),
            copyNameAlterationType=copyNameAlterationType,
            tumorType=tumorType,
            referenceGenome=referenceGenome,
        )
        return one(copy_number_ask(query))

    @api.post("/copyNumberAlterations", summary="Annotate copy-number alterations")
    def cna_post(body: list[CopyNumberQuery]) -> Response:
        return batch([copy_number_ask(q) for q in body])

    @api.get("/structuralVariants", summary="Annotate a structural variant")
    def sv_get(
        structuralVariantType: SvType,  # noqa: N803
        isFunctionalFusion: bool = False,  # noqa: N803
        hugoSymbolA: str | None = Query(None, max_length=100, examples=["EML4"]),  # noqa: N803
        entrezGeneIdA: int | None = None,  # noqa: N803
        hugoSymbolB: str | None = Query(None, max_length=100, examples=["ALK"]),  # noqa: N803
        entrezGeneIdB: int | None = None,  # noqa: N803
        tumorType: str | None = Query(None, max_length=500),  # noqa: N803
        referenceGenome: str | None = Query(None, max_length=20),  # noqa: N803
    ) -> Response:
        query = StructuralVariantQuery(
            geneA=QueryGene(hugoSymbol=hugoSymbolA, entrezGeneId=entrezGeneIdA),
            geneB=QueryGene(hugoSymbol=hugoSymbolB, entrezGeneId=entrezGeneIdB),
            structuralVariantType=structuralVariantType,
            functionalFusion=isFunctionalFusion,
            tumorType=tumorType,
            referenceGenome=referenceGenome,
        )
        return one(structural_variant_ask(query))

    @api.post("/structuralVariants", summary="Annotate structural variants")
    def sv_post(body: list[StructuralVariantQuery]) -> Response:
        return batch([structural_variant_ask(q) for q in body])

    return api
