"""Immutable data models shared by every layer.

Everything here is a frozen pydantic model: safe to share between threads,
hashable, and JSON-serialisable with ``model_dump(mode="json")``.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import Any, Literal, TypeVar, get_args

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = [
    "REPORT_SCHEMA_VERSION",
    "VARIANT_KINDS",
    "Citation",
    "Classification",
    "Frozen",
    "MatchDetail",
    "Origin",
    "PatientFacts",
    "Recommendation",
    "Report",
    "Therapy",
    "TumorContext",
    "TumorMatch",
    "TumorType",
    "Unmatched",
    "Variant",
    "VariantKind",
    "trusted",
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
    "promoter",
    "mutation",
    "oncogenic_mutation",
    "truncating_mutation",
]
"""``promoter``: a change upstream of the start codon read as a promoter mutation (TERT
C228T). ``mutation`` / ``oncogenic_mutation`` / ``truncating_mutation``: a report that
names only the gene and a class (``KIT mutation``, ``BRCA1 oncogenic mutation``,
``NF1 truncating mutation``); they match class rules only."""
VARIANT_KINDS: tuple[str, ...] = get_args(VariantKind)

Origin = Literal["somatic", "germline", "unknown"]


Status = Literal["positive", "negative"]
HER2IHC = Literal["0", "ultralow", "1+", "2+", "3+"]
HER2Status = Literal["positive", "equivocal", "negative", "low", "ultralow", "zero"]


class PatientFacts(Frozen):
    """What is known about the patient beyond the tumor code and the alterations:
    hormone receptors, HER2, PD-L1, grade, age group, course of disease and prior
    therapies. Every field is optional; ``None`` (or empty) means *not given*, which a
    rule treats as a condition still to confirm, never as a negative result.

    ``sources`` says where each fact came from (a report line, the tumor text, the
    ``facts=`` argument), so a rationale can quote it.

    >>> from actionable.models import PatientFacts
    >>> facts = PatientFacts(er="positive", her2_ihc="2+", her2_ish="negative")
    >>> facts.hr_status(), facts.her2_status()
    ('positive', 'low')
    """

    er: Status | None = None
    pr: Status | None = None
    hr: Status | None = None
    """Hormone-receptor status when stated as such ("HR+"); else derived from ER and PR."""
    her2_ihc: HER2IHC | None = None
    her2_ish: Status | None = None
    """In-situ hybridisation (or NGS copy number) result for ERBB2 amplification."""
    her2: Literal["positive", "negative", "low", "ultralow", "zero"] | None = None
    """HER2 status stated as a category ("HER2-low", "HER2-negative")."""
    pdl1_tps: float | None = Field(default=None, ge=0, le=100)
    """PD-L1 tumor proportion score, percent."""
    pdl1_cps: float | None = Field(default=None, ge=0)
    """PD-L1 combined positive score."""
    grade: str | None = None
    """WHO/histological grade as ``"1"``-``"4"``, or ``"low"``/``"high"`` when only that
    was said."""
    age_group: Literal["pediatric", "adult"] | None = None
    course: tuple[str, ...] = ()
    """Course of disease words: ``relapsed``, ``refractory``, ``recurrent``,
    ``newly diagnosed``, ``metastatic``, ``castration-resistant``, ``chronic phase``..."""
    prior_therapies: tuple[str, ...] = ()
    """Generic drug names already received."""
    line: int | None = Field(default=None, ge=1)
    """Line of therapy about to be chosen (1 = first line)."""
    sources: tuple[str, ...] = ()
    """Where the facts came from, one phrase each (``"report line 'PR negative'"``)."""

    def hr_status(self) -> Status | None:
        """Hormone-receptor status: stated, or positive when ER or PR is positive and
        negative when both are negative."""
        if self.hr is not None:
            return self.hr
        if "positive" in (self.er, self.pr):
            return "positive"
        if self.er == "negative" and self.pr == "negative":
            return "negative"
        return None

    def her2_status(self) -> HER2Status | None:
        """HER2 by the ASCO/CAP 2023 categories: positive (IHC 3+ or ISH-amplified),
        equivocal (IHC 2+ without ISH), low (IHC 1+, or 2+ ISH-negative), ultralow
        (faint staining in at most 10 % of cells), zero, or negative when only that was
        said (ISH not amplified, "HER2-negative"); ``None`` when not given."""
        if self.her2_ihc == "3+" or self.her2_ish == "positive" or self.her2 == "positive":
            return "positive"
        if self.her2_ihc == "2+":
            return "low" if self.her2_ish == "negative" else "equivocal"
        if self.her2_ihc == "1+":
            return "low"
        if self.her2_ihc is not None:
            return "ultralow" if self.her2_ihc == "ultralow" else "zero"
        if self.her2 is not None:
            return self.her2
        return "negative" if self.her2_ish == "negative" else None


class Variant(Frozen):
    """One alteration as a report names it, in canonical form.

    ``str(variant)`` is the canonical text and ``parse_variant(str(v)) == v``.
    Equality and hashing ignore ``text`` (what the user typed) and ``hgvs`` (the full
    expression, when one was given), so the same change written two ways compares equal.

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
    cdna: str | None = None
    """The coding change as the report gave it next to the protein change
    (``c.1799T>A``); the protein change decides what the variant is."""
    vaf: float | None = Field(default=None, ge=0, le=1)
    """Variant allele fraction, 0-1 (``VAF 23%`` is 0.23)."""
    depth: int | None = Field(default=None, ge=0)
    copy_number: float | None = Field(default=None, ge=0)
    zygosity: str | None = None
    method: str | None = None
    """How the finding was made as the report says it: ``FISH``, ``IHC``, ``NGS``, ``ctDNA``..."""
    classification: str | None = None
    """The report's own classification words (``pathogenic``, ``VUS``, ``tier I``)."""
    facts: PatientFacts | None = None
    """Patient facts the line states (``HER2 IHC 2+/ISH+``, ``PD-L1 CPS 5``)."""
    reading: str | None = None
    """How the line was read, one sentence, when it took more than the short form
    (``MET c.3028+1G>A`` read as MET exon 14 skipping); rationales quote it."""

    def _key(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in _IDENTITY_FIELDS)

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
        if self.origin != "unknown":
            text += f" ({self.origin})"
        return text


# What makes two variants the same change: not how it was written (``text``), nor the
# full HGVS expression it was given as (``NP_004324.2:p.Val600Glu`` is ``BRAF V600E``),
# nor the annotations a report prints beside it (c. text, VAF, depth, method...).
_ANNOTATION_FIELDS = frozenset(
    {"text", "hgvs", "cdna", "vaf", "depth", "copy_number", "zygosity", "method",
     "classification", "facts", "reading"}
)  # fmt: skip
_IDENTITY_FIELDS = tuple(name for name in Variant.model_fields if name not in _ANNOTATION_FIELDS)


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
    matched_by: Literal["code", "name", "synonym", "fuzzy", "model", "grammar"] = "code"
    text: str = ""
    """The input as given."""
    grade: str | None = None
    """Grade read from the text (``"2"``, ``"low"``) when it was given."""
    subsite: str | None = None
    """Sub-site or laterality read from the text (``descending colon``)."""
    course: tuple[str, ...] = ()
    """Course-of-disease words read from the text (``relapsed``, ``metastatic``)."""
    qualifiers: tuple[str, ...] = ()
    """Other qualifiers read and set aside (stage, TNM, FIGO, Gleason)."""
    facts: PatientFacts | None = None
    """Patient facts stated in the tumor text (``ER+ PR- HER2 1+ breast carcinoma``)."""
    reading: str | None = None
    """How the text was read, one sentence, when it took more than a lookup."""

    def lineage(self) -> tuple[str, ...]:
        """The code followed by its ancestors: ``("HGNEC", "GINET", "BOWEL", "TISSUE")``."""
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


class Citation(BaseModel):
    """One piece of evidence. At least one of ``pmid``, ``fda``, ``guideline``,
    ``doi``, ``url``, ``abstract`` or ``civic`` must be given; FDA labels and
    guidelines need a ``year``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    pmid: int | None = Field(default=None, gt=0, description="PubMed identifier")
    fda: str | None = Field(default=None, description="FDA label (drug and label name)")
    guideline: str | None = Field(default=None, description="guideline name, e.g. 'ENETS'")
    doi: str | None = None
    url: str | None = None
    abstract: str | None = Field(default=None, description="conference abstract reference")
    civic: str | None = Field(
        default=None, description="CIViC evidence or assertion id (EID1, AID5)"
    )
    nct: str | None = Field(default=None, description="ClinicalTrials.gov identifier")
    year: int | None = Field(default=None, ge=1950, le=2100)
    note: str | None = None

    @model_validator(mode="after")
    def _has_source(self) -> Citation:
        if not any(
            (self.pmid, self.fda, self.guideline, self.doi, self.url, self.abstract, self.civic)
        ):
            raise ValueError(
                "a citation needs one of pmid, fda, guideline, doi, url, abstract, civic"
            )
        if (self.fda or self.guideline) and self.year is None:
            raise ValueError("an FDA label or guideline citation needs its year")
        return self

    def __str__(self) -> str:
        parts: list[str] = []
        if self.fda:
            parts.append(f"FDA label: {self.fda} ({self.year})")
        if self.guideline:
            parts.append(f"{self.guideline} ({self.year})")
        if self.pmid:
            parts.append(f"PMID {self.pmid}")
        if self.doi:
            parts.append(f"doi:{self.doi}")
        if self.abstract:
            parts.append(self.abstract)
        if self.civic:
            parts.append(f"CIViC {self.civic}")
        if self.nct:
            parts.append(self.nct)
        if self.url and not parts:
            parts.append(self.url)
        return "; ".join(parts)


# --------------------------------------------------------------------------- results
Level = Literal["1", "2", "3A", "3B", "4", "R1", "R2"]
Effect = Literal["sensitivity", "resistance"]


class Therapy(Frozen):
    """Drugs given together, by lowercase generic name, in the order the rule lists them."""

    drugs: tuple[str, ...]
    name: str
    """The drugs joined with `` + ``: ``"dabrafenib + trametinib"``."""


class MatchDetail(Frozen):
    """How a rule matched: the granularity of the alteration match and the tumor path."""

    granularity: Literal["exact", "codon", "range", "exon", "class", "fusion", "gene", "biomarker"]
    pattern: str
    """The rule's alteration entry that matched (``V600E``, ``exon 19 deletion``)."""
    tumor_path: tuple[str, ...] = ()
    """The patient's tumor code and its ancestors, up to the code the rule includes."""
    included_by: str | None = None
    tumor_specific: bool = True
    """False when the rule applies to a tumor-agnostic group (all, all_solid, all_liquid)."""
    off_label: bool = False
    """True when a rule curated for another tumor type is offered at level 3B."""


class Recommendation(Frozen):
    """One therapy for one alteration (or set of alterations), with level and rationale."""

    variant: Variant
    variants: tuple[Variant, ...]
    therapy: Therapy
    level: Level
    effect: Effect
    tier: str
    """AMP/ASCO/CAP tier and evidence level, e.g. ``IA``, ``IIC``."""
    escat: str | None = None
    evidence: tuple[Citation, ...]
    rule_id: str
    source: str = "curated"
    match: MatchDetail
    rationale: tuple[str, ...]
    supporting_rules: tuple[str, ...] = ()
    conflicts: tuple[str, ...] = ()
    previously_received: bool = False
    conditions: tuple[str, ...] = ()
    """Label conditions on patient facts that were not given and must be confirmed
    (``"requires HR-positive disease: not given"``); empty when all are met."""

    def __str__(self) -> str:
        return (
            f"[{self.level}] {self.therapy.name} ({self.effect}) for "
            f"{', '.join(str(v) for v in self.variants)}"
        )


class Unmatched(Frozen):
    """A variant that led to no recommendation, and why."""

    variant: Variant
    reason: str


Oncogenicity = Literal["Oncogenic", "Likely Oncogenic", "Likely Neutral", "Inconclusive", "Unknown"]
MutationEffect = Literal[
    "Gain-of-function",
    "Likely Gain-of-function",
    "Loss-of-function",
    "Likely Loss-of-function",
    "Switch-of-function",
    "Neutral",
    "Likely Neutral",
    "Unknown",
]


class Classification(Frozen):
    """What a variant does: its oncogenicity and mutation effect (OncoKB vocabulary), the
    one sentence that decided them, their citations and the hotspot flags. Made by
    :func:`actionable.oncogenicity.classify`; ``Unknown`` is a variant of unknown
    significance, never a guess.

    >>> Classification(oncogenicity="Unknown", mutation_effect="Unknown",
    ...                reason="no evidence", source="none").is_oncogenic
    False
    """

    oncogenicity: Oncogenicity
    mutation_effect: MutationEffect
    reason: str
    source: str
    """Which knowledge decided it: ``curated-rule``, ``pathogenic-missense``, ``benign-list``,
    ``civic``, ``hotspot``, ``gene-role`` (curated hotspot entries and truncations),
    ``fusion-driver``, ``copy-number`` or ``none``."""
    citations: tuple[Citation, ...] = ()
    is_hotspot: bool = False
    """At a recurrent residue or indel region of Cancer Hotspots v2."""
    is_3d_hotspot: bool = False
    """At a residue of a 3D Hotspots cluster."""

    @property
    def is_oncogenic(self) -> bool:
        """Oncogenic or Likely Oncogenic: what the rule entry ``oncogenic mutations`` means."""
        return self.oncogenicity in ("Oncogenic", "Likely Oncogenic")


class Report(Frozen):
    """The result of :func:`actionable.evaluate`: recommendations best first, the
    variants without one and why, warnings, and the knowledge-base version.

    >>> import actionable
    >>> report = actionable.evaluate(["BRAF V600E"], tumor="MEL")
    >>> report.actionable(threshold="2")
    True
    """

    tumor: TumorType | None
    variants: tuple[Variant, ...]
    recommendations: tuple[Recommendation, ...]
    unmatched: tuple[Unmatched, ...] = ()
    warnings: tuple[str, ...] = ()
    facts: PatientFacts = PatientFacts()
    """The patient facts used: from report lines, tumor text and ``facts=``."""
    contraindicated: tuple[Recommendation, ...] = ()
    """Sensitivity options withheld because the patient's own alterations predict
    resistance to one of their drugs; each rationale names both rules."""
    kb_version: str
    kb_date: str
    oncogenicity: tuple[Classification, ...] = ()
    """Per variant (same order as ``variants``): oncogenicity and mutation effect."""

    def actionable(self, threshold: str = "2") -> bool:
        """Whether any sensitivity recommendation is at ``threshold`` or better
        (OncoKB order: 1 > 2 > 3A > 3B > 4).

        >>> import actionable
        >>> actionable.evaluate(["TP53 R213*"], tumor="COAD").actionable()
        False
        """
        order = ("1", "2", "3A", "3B", "4")
        if threshold not in order:
            raise ValueError(
                f"threshold {threshold!r} is not a sensitivity level; use one of "
                + ", ".join(order)
            )
        limit = order.index(threshold)
        return any(
            r.effect == "sensitivity" and order.index(r.level) <= limit
            for r in self.recommendations
        )

    def to_dict(self, *, variant_refs: bool = False) -> dict[str, Any]:
        """A JSON-serialisable dict of the whole report, led by ``schema_version``,
        ``actionable_version`` (the tool) and the knowledge-base version and date.

        With ``variant_refs`` each recommendation names its alterations by position in
        ``variants`` (``variant_index``, ``variant_indices``) instead of repeating them;
        docs/report.schema.json describes that form (what ``--json`` prints).

        >>> import actionable
        >>> d = actionable.evaluate(["TP53 R213*", "BRAF V600E"], tumor="MEL").to_dict(
        ...     variant_refs=True)
        >>> d["schema_version"], d["recommendations"][0]["variant_index"]
        ('1', 1)
        """
        from . import __version__  # the package's version; imported late (no cycle)

        data: dict[str, Any] = {
            "schema_version": REPORT_SCHEMA_VERSION,
            "actionable_version": __version__,
            **self.model_dump(mode="json"),
        }
        if variant_refs:
            position = {v: i for i, v in enumerate(self.variants)}
            for key, recs in (
                ("recommendations", self.recommendations),
                ("contraindicated", self.contraindicated),
            ):
                for rec, item in zip(recs, data[key], strict=True):
                    if rec.variant in position and all(v in position for v in rec.variants):
                        # an alteration the rules derived (not in the input) stays spelled out
                        del item["variant"], item["variants"]
                        item["variant_index"] = position[rec.variant]
                        item["variant_indices"] = [position[v] for v in rec.variants]
        return data

    def __str__(self) -> str:
        lines = [
            f"Tumor: {self.tumor if self.tumor else 'unknown'}",
            "Variants: " + (", ".join(str(v) for v in self.variants) or "none"),
            f"Knowledge base: {self.kb_version} ({self.kb_date})",
        ]
        if self.recommendations:
            lines.append("Recommendations:")
            for number, rec in enumerate(self.recommendations, 1):
                lines.append(f"  {number}. {rec}  [tier {rec.tier}; rule {rec.rule_id}]")
                lines.extend(f"       - {sentence}" for sentence in rec.rationale)
        else:
            lines.append("Recommendations: none")
        if self.contraindicated:
            lines.append("Contraindicated by this patient's resistance (not options):")
            for rec in self.contraindicated:
                lines.append(f"  - {rec}  [rule {rec.rule_id}]")
                lines.extend(f"       - {sentence}" for sentence in rec.conflicts)
        if self.unmatched:
            lines.append("Without a targeted therapy:")
            lines.extend(f"  - {u.reason}" for u in self.unmatched)
        if self.warnings:
            lines.append("Warnings:")
            lines.extend(f"  - {w}" for w in self.warnings)
        return "\n".join(lines)


REPORT_SCHEMA_VERSION = "1"
"""Version of the report JSON layout (``Report.to_dict``); raised when a field changes
meaning or goes away, not when one is added."""

_M = TypeVar("_M", bound=BaseModel)


@cache
def _defaults(cls: type[BaseModel]) -> dict[str, Any]:
    return {
        name: field.default
        for name, field in cls.model_fields.items()
        if not field.is_required() and field.default_factory is None
    }


def trusted(cls: type[_M], values: dict[str, Any], fields_set: Iterable[str] | None = None) -> _M:
    """Build a model from values this library has already validated, without validation.

    Validation (even ``model_construct``) costs several microseconds per model, more than
    the work that produced the values on hot paths (parsing, resolving). Callers pass only
    values taken from validated models, regex groups or module literals; anything that
    comes from a user goes through normal validation.

    >>> t = trusted(Therapy, {"drugs": ("dabrafenib",), "name": "dabrafenib"})
    >>> t == Therapy(drugs=("dabrafenib",), name="dabrafenib")
    True
    """
    obj = _new(cls)
    # The slot descriptors themselves: object.__setattr__ looks each one up first and
    # costs a third of the whole construction.
    _set_dict(obj, {**_defaults(cls), **values})
    _set_fields(obj, set(fields_set or values))
    _set_extra(obj, None)
    _set_private(obj, None)
    return obj


_new = object.__new__
_set_dict = BaseModel.__dict__["__dict__"].__set__
_set_fields = BaseModel.__dict__["__pydantic_fields_set__"].__set__
_set_extra = BaseModel.__dict__["__pydantic_extra__"].__set__
_set_private = BaseModel.__dict__["__pydantic_private__"].__set__
