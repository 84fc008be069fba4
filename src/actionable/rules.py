"""Rule files: YAML -> validated, immutable :class:`Rule` models.

A rule file holds the rules of one gene or one biomarker. Every problem found while
loading is a :class:`~actionable.errors.RuleFileError` naming the file, the line and
the field; unknown genes, drugs and tumor codes are load-time errors, never
silently ignored rules.

>>> from actionable.rules import load_rules
>>> rules = load_rules()
>>> any(r.id == "braf-v600e-solid-tumor-agnostic" for r in rules)
True
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal, get_args

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from . import drugs, facts, genes, oncogenicity, tumors
from ._resources import knowledgebase_dir, rules_dir
from .errors import ArgumentError, ArgumentTypeError, RuleFileError, VariantParseError
from .models import VARIANT_KINDS, Citation, Frozen, TumorContext, Variant
from .oncogenicity import GeneRole, gene_role
from .variants import parse_variant

__all__ = [
    "DEFAULT_SOURCES",
    "LEVELS",
    "Citation",
    "ContextWarning",
    "GeneRole",
    "Pattern",
    "Rule",
    "RuleFile",
    "broad_context_warnings",
    "gene_role",
    "load_rule_file",
    "load_rules",
    "parse_pattern",
    "rule_schema",
]

Level = Literal["1", "2", "3A", "3B", "4", "R1", "R2"]
LEVELS: tuple[str, ...] = ("1", "2", "3A", "3B", "4", "R1", "R2")
DEFAULT_SOURCES: tuple[str, ...] = ("curated",)
"""Bundled rule sources used unless told otherwise. The imported CIViC rules are bundled
but opt-in (``sources=["curated", "civic"]``): their evidence is mostly at levels 3A-4
and pan-cancer, which a tumor board should ask for, not receive unasked."""
Effect = Literal["sensitivity", "resistance"]
Source = Literal["curated", "civic", "oncokb"]


# --------------------------------------------------------------------------- file shape
class TumorSpec(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    include: list[str] = Field(default_factory=lambda: ["all"], min_length=1)
    exclude: list[str] = Field(default_factory=list)
    broad: str | None = Field(
        default=None,
        min_length=10,
        description="why the cited label covers every branch of a broad OncoTree node the "
        "context includes (knowledgebase/broad_contexts.yaml); without it the rule check warns",
    )


class RuleSpec(BaseModel):
    """One rule as written in YAML (see ``docs/rule_format.md``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]*$", description="stable, unique, lowercase id")
    alteration: str | list[str] = Field(description="what the rule matches")
    excluding: list[str] = Field(default_factory=list)
    requires: list[str | dict[str, str | int | float]] | dict[str, str | int | float] = Field(
        default_factory=list,
        description="alterations some variant must match (strings) and conditions on "
        "patient facts (a mapping such as {HER2: negative, HR: positive, 'PD-L1 CPS': '>= 1'})",
    )
    excludes: list[str] = Field(default_factory=list)
    tumor: TumorSpec = Field(default_factory=TumorSpec)
    therapy: list[str] = Field(min_length=1)
    effect: Effect
    level: Level
    line: str | None = None
    origin: Literal["somatic", "germline", "any"] = "any"
    escat: str | None = None
    propagate: bool | list[str] = Field(
        default=True,
        description="whether the rule may be offered at 3B in another tumor type (false), "
        "or which of its drugs travel (a list); by default the drugs directed at the "
        "biomarker travel and tumor-specific partners (knowledgebase/drug_roles.yaml) do not",
    )
    summary: str = Field(min_length=10, description="one line, in our own words")
    evidence: list[Citation] = Field(min_length=1)

    @field_validator("level", mode="before")
    @classmethod
    def _level_text(cls, v: object) -> object:
        # YAML reads an unquoted 1 or 2 as an integer.
        return str(v).upper() if isinstance(v, int | str) else v


class RuleFile(BaseModel):
    """The shape of one rules/*.yaml file: a gene or a biomarker, and its rules."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    gene: str | None = None
    biomarker: Literal["TMB", "MSI", "MMR", "HRD"] | None = None
    source: Source = "curated"
    version: str | None = Field(default=None, description="release of an imported source")
    rules: list[RuleSpec] = Field(min_length=1)

    @model_validator(mode="after")
    def _gene_or_biomarker(self) -> RuleFile:
        if (self.gene is None) == (self.biomarker is None):
            raise ValueError("a rule file names exactly one of 'gene' or 'biomarker'")
        return self


def rule_schema() -> dict[str, Any]:
    """JSON Schema of a rule file, for editors.

    >>> from actionable.rules import rule_schema
    >>> rule_schema()["title"]
    'RuleFile'
    """
    return RuleFile.model_json_schema()


# --------------------------------------------------------------------------- patterns
PatternKind = Literal[
    "exact",
    "oncogenic",
    "codon",
    "codons",
    "exon",
    "fusion",
    "class",
    "any",
    "biomarker",
    "wildtype",
]

# Every change to the coding sequence: not copy number, expression, fusions, biomarkers,
# wild type or synonymous changes.
_MUTATION_KINDS = frozenset(VARIANT_KINDS) - {
    "synonymous", "amplification", "deletion", "gain", "loss", "fusion", "overexpression",
    "wildtype", "biomarker",
}  # fmt: skip
_TRUNCATING_KINDS = oncogenicity.TRUNCATING_KINDS
_CODON_KINDS = frozenset({"missense", "nonsense", "codon"})
CLASS_KINDS: dict[str, frozenset[str]] = {
    "mutations": _MUTATION_KINDS,
    "missense mutations": frozenset({"missense"}),
    # "NF1 truncating mutation": a report that names the class but not the change.
    "truncating mutations": _TRUNCATING_KINDS | {"truncating_mutation"},
    "inframe deletions": frozenset({"inframe_deletion", "inframe_delins", "exon_deletion"}),
    "inframe insertions": frozenset({"inframe_insertion", "duplication", "exon_insertion"}),
}
_EXON_KINDS = {
    "deletion": ("exon_deletion", frozenset({"inframe_deletion", "inframe_delins"})),
    "insertion": (
        "exon_insertion",
        frozenset({"inframe_insertion", "duplication", "inframe_delins"}),
    ),
    "skipping": ("exon_skipping", frozenset({"splice"})),
    "mutations": ("", _MUTATION_KINDS),
}
_CODONS = re.compile(r"^codons?\s+(\d+(?:\s*-\s*\d+)?(?:\s*,\s*\d+(?:\s*-\s*\d+)?)*)$", re.I)
_EXON = re.compile(r"^exon\s+(\d+)\s+(deletion|insertion|skipping|mutations)$", re.I)
_BIOMARKER_NUMERIC = re.compile(r"^(TMB)\s*(>=|>)\s*(\d+(?:\.\d+)?)$", re.I)
_BIOMARKER_CATEGORY = {
    "MSI-H": ("MSI", "MSI-H"),
    "MSS": ("MSI", "MSS"),
    "DMMR": ("MMR", "dMMR"),
    "PMMR": ("MMR", "pMMR"),
    "TMB-H": ("TMB", "TMB-H"),
    "HRD": ("HRD", "HRD"),
}


class Pattern(Frozen):
    """What one alteration entry of a rule matches, at a stated granularity.

    ``granularity`` is what the rationale quotes: exact, codon, range, exon, class,
    fusion, gene or biomarker.
    """

    text: str
    gene: str | None
    kind: PatternKind
    granularity: Literal["exact", "codon", "range", "exon", "class", "fusion", "gene", "biomarker"]
    variant_kind: str | None = None
    """For exact patterns: the variant kind; for exon patterns: the exon-level kind."""
    alteration: str | None = None
    """For exact patterns: the canonical alteration text."""
    kinds: tuple[str, ...] = ()
    """Variant kinds a class, codon, range or exon pattern accepts."""
    ranges: tuple[tuple[int, int], ...] = ()
    """Protein positions (inclusive) a codon, range or exon pattern covers."""
    exon: int | None = None
    partners: tuple[str, ...] = ()
    """For fusion patterns with a named partner: the two genes, 5' first."""
    biomarker: str | None = None
    operator: Literal[">=", ">"] | None = None
    threshold: float | None = None
    before: int | None = None
    """Changes that start at or after this codon do not match (a gene's truncation cut-off,
    see ``knowledgebase/gene_roles.yaml``); changes without a position still do."""
    not_alterations: tuple[str, ...] = ()
    """Canonical alterations this pattern never matches: the gene's known benign variants
    (``knowledgebase/benign_variants.yaml``)."""

    def __str__(self) -> str:
        return f"{self.gene} {self.text}" if self.gene and self.kind != "fusion" else self.text


@dataclass(frozen=True)
class _Ctx:
    """Where a pattern is being read, so errors can point at it."""

    path: str
    line: int | None
    field: str


def _fail(ctx: _Ctx, problem: str, valid: Sequence[str] = ()) -> RuleFileError:
    return RuleFileError(ctx.path, problem, line=ctx.line, field=ctx.field, valid=valid)


_CLASS_HELP = (
    "V600E",
    "V600",
    "codons 12, 13, 61",
    "exon 19 deletion",
    "exon 20 insertion",
    "exon 14 skipping",
    "exon 11 mutations",
    "fusion",
    "EML4::ALK fusion",
    "amplification",
    "deletion",
    "overexpression",
    "mutations",
    "missense mutations",
    "truncating mutations",
    "oncogenic mutations",
    "any",
)


def parse_pattern(text: str, gene: str | None, *, ctx: _Ctx | None = None) -> tuple[Pattern, ...]:
    """Read one alteration entry of a rule into one or more :class:`Pattern` s.

    ``gene`` is the file's gene; an entry may name another gene first
    (``"KRAS mutations"`` in a ``requires`` list). ``oncogenic mutations`` expands
    into the gene's patterns from ``knowledgebase/gene_roles.yaml``.

    >>> from actionable.rules import parse_pattern
    >>> [p.granularity for p in parse_pattern("exon 19 deletion", "EGFR")]
    ['exon']
    >>> parse_pattern("V600", "BRAF")[0].ranges
    ((600, 600),)
    """
    ctx = ctx or _Ctx("<pattern>", None, "alteration")
    return tuple(_without_benign(p) for p in _parse_pattern(text, gene, ctx))


def _parse_pattern(text: str, gene: str | None, ctx: _Ctx) -> tuple[Pattern, ...]:
    raw = " ".join(str(text).split())
    if not raw:
        raise _fail(ctx, "empty alteration")
    upper = raw.upper()
    if upper in _BIOMARKER_CATEGORY:
        name, category = _BIOMARKER_CATEGORY[upper]
        return (
            Pattern(
                text=category,
                gene=None,
                kind="biomarker",
                granularity="biomarker",
                biomarker=name,
                alteration=category,
            ),
        )
    numeric = _BIOMARKER_NUMERIC.match(raw)
    if numeric:
        op = numeric.group(2)
        if float(numeric.group(3)) > MAX_TMB:
            raise _fail(ctx, f"a TMB cut-off above {MAX_TMB:,} mut/Mb is not a cut-off. Check it.")
        return (
            Pattern(
                text=f"TMB {op} {numeric.group(3)}",
                gene=None,
                kind="biomarker",
                granularity="biomarker",
                biomarker="TMB",
                operator=">=" if op == ">=" else ">",
                threshold=float(numeric.group(3)),
            ),
        )
    # An entry may start with its own gene ("KRAS mutations", "EML4::ALK fusion").
    first, _, rest = raw.partition(" ")
    if "::" not in first and rest and genes.is_gene(first) and not _looks_like_change(first):
        gene, raw = genes.resolve_gene(first), rest
        if "::" in raw:  # "ALK EML4::ALK fusion": the fusion names its own genes
            return (_exact(_parse_entry(raw, None, text, ctx), ctx),)
    elif "::" in first:
        return (_exact(_parse_entry(raw, None, text, ctx), ctx),)
    if gene is None:
        raise _fail(
            ctx, f"alteration {text!r} names no gene", ("KRAS mutations", "ERBB2 amplification")
        )
    lower = raw.lower()
    if lower == "any":
        return (Pattern(text="any alteration", gene=gene, kind="any", granularity="gene"),)
    if lower == "oncogenic mutations":
        return _oncogenic(gene, ctx)
    if lower in CLASS_KINDS:
        return (
            Pattern(
                text=lower,
                gene=gene,
                kind="class",
                granularity="class",
                kinds=tuple(sorted(CLASS_KINDS[lower])),
            ),
        )
    if lower in ("fusion", "fusions", "rearrangement"):
        return (
            Pattern(
                text="fusion", gene=gene, kind="fusion", granularity="fusion", kinds=("fusion",)
            ),
        )
    if lower in ("wildtype", "wild-type", "wild type"):
        return (
            Pattern(
                text="wildtype",
                gene=gene,
                kind="wildtype",
                granularity="exact",
                kinds=("wildtype",),
                variant_kind="wildtype",
                alteration="wildtype",
            ),
        )
    codons = _CODONS.match(raw)
    if codons:
        ranges: list[tuple[int, int]] = []
        for part in codons.group(1).split(","):
            lo, _, hi = part.strip().partition("-")
            if max(len(lo.strip()), len(hi.strip())) > 5 or int(hi or lo) > MAX_PROTEIN_LENGTH:
                raise _fail(
                    ctx,
                    f"codon {part.strip()[:20]!r} is past the longest human protein "
                    f"({MAX_PROTEIN_LENGTH:,} residues). Check the number.",
                )
            start, end = int(lo), int(hi or lo)
            if end < start:
                raise _fail(ctx, f"codon range {part.strip()!r} runs backwards")
            ranges.append((start, end))
        return (
            Pattern(
                text=raw,
                gene=gene,
                kind="codons",
                granularity="range",
                kinds=tuple(
                    sorted(
                        _CODON_KINDS
                        | {
                            "frameshift",
                            "inframe_deletion",
                            "inframe_insertion",
                            "inframe_delins",
                            "duplication",
                        }
                    )
                ),
                ranges=tuple(ranges),
            ),
        )
    exon = _EXON.match(raw)
    if exon:
        if len(exon.group(1)) > 3:
            raise _fail(ctx, f"exon {exon.group(1)[:20]}... is not an exon number. Check it.")
        number, event = int(exon.group(1)), exon.group(2).lower()
        bounds = genes.exon_range(gene, number)
        if bounds is None:
            raise _fail(
                ctx,
                f"no exon boundaries for {gene} exon {number} in "
                "knowledgebase/exons.yaml; add them with their transcript and source",
            )
        exon_kind, kinds = _EXON_KINDS[event]
        return (
            Pattern(
                text=f"exon {number} {event}",
                gene=gene,
                kind="exon",
                granularity="exon",
                variant_kind=exon_kind or None,
                kinds=tuple(sorted(kinds)),
                ranges=(bounds,),
                exon=number,
            ),
        )
    return (_exact(_parse_entry(f"{gene} {raw}", gene, text, ctx), ctx),)


def _parse_entry(raw: str, gene: str | None, text: str, ctx: _Ctx) -> Variant:
    try:
        return parse_variant(raw)
    except VariantParseError as error:
        raise _fail(ctx, f"cannot read alteration {text!r}: {error.problem}", _CLASS_HELP) from None


def _looks_like_change(token: str) -> bool:
    # Some gene symbols look like protein changes; only a token that is a gene and
    # nothing else is taken as a gene prefix.
    return bool(re.fullmatch(r"[A-Z]\d+[A-Z*]?", token))


def _exact(variant: Variant, ctx: _Ctx) -> Pattern:
    if variant.kind == "fusion":
        partners = variant.genes if len(variant.genes) == 2 else ()
        return Pattern(
            text=variant.alteration,
            gene=variant.gene,
            kind="fusion",
            granularity="exact" if partners else "fusion",
            kinds=("fusion",),
            partners=partners,
        )
    if variant.kind == "codon":
        assert variant.position is not None
        return Pattern(
            text=variant.alteration,
            gene=variant.gene,
            kind="codon",
            granularity="codon",
            kinds=tuple(sorted(_CODON_KINDS)),
            ranges=((variant.position, variant.position),),
        )
    if variant.kind == "biomarker":
        raise _fail(ctx, f"biomarker {variant.alteration!r} cannot be a gene alteration")
    return Pattern(
        text=variant.alteration,
        gene=variant.gene,
        kind="exact",
        granularity="exact",
        variant_kind=variant.kind,
        alteration=variant.alteration,
    )


# --------------------------------------------------------------------------- gene roles
def _without_benign(pattern: Pattern) -> Pattern:
    """A class, range, exon or gene pattern never matches a known benign variant
    (``oncogenic mutations`` gets it from the classifier)."""
    if pattern.gene is None or pattern.kind in (
        "exact",
        "wildtype",
        "fusion",
        "biomarker",
        "oncogenic",
    ):
        return pattern
    benign = oncogenicity.benign_alterations(pattern.gene)
    if not benign or pattern.not_alterations == benign:
        return pattern
    return pattern.model_copy(update={"not_alterations": benign})


def _oncogenic(gene: str, ctx: _Ctx) -> tuple[Pattern, ...]:
    # One pattern, decided per variant by oncogenicity.classify (the engine fact carries
    # its verdict), so rules, the report and the annotated table read one classifier.
    role = gene_role(gene)
    if role is None:
        raise _fail(
            ctx,
            f"'oncogenic mutations' needs {gene} in knowledgebase/gene_roles.yaml "
            "(its role, and its hotspots if it is an oncogene)",
        )
    return (Pattern(text="oncogenic mutations", gene=gene, kind="oncogenic", granularity="class"),)


# --------------------------------------------------------------------------- rules
class Rule(Frozen):
    """One validated rule, ready for the engine and the resolver."""

    id: str
    gene: str | None
    biomarker: str | None
    patterns: tuple[Pattern, ...]
    excluding: tuple[Pattern, ...] = ()
    requires: tuple[tuple[Pattern, ...], ...] = ()
    """Each entry must be matched by some variant of the patient (entries are ANDed)."""
    conditions: tuple[facts.FactCondition, ...] = ()
    """Conditions on patient facts (HER2, HR, PD-L1, grade...) the label states."""
    excludes: tuple[tuple[Pattern, ...], ...] = ()
    """No entry may be matched by any variant of the patient."""
    tumor: TumorContext
    tumor_broad: str | None = None
    """Why the label covers every branch of a broad tumor node (``tumor.broad``)."""
    therapy: tuple[str, ...]
    effect: Effect
    level: Level
    line: str | None = None
    origin: Literal["somatic", "germline", "any"] = "any"
    escat: str | None = None
    directed: tuple[str, ...] = ()
    """The drugs that carry the effect against the biomarker (the therapy itself when it
    has no partner drugs); empty means all of ``therapy``."""
    propagate: tuple[str, ...] = ()
    """The drugs offered at 3B in another tumor type; empty: the rule does not travel."""
    summary: str
    evidence: tuple[Citation, ...]
    source: Source = "curated"
    file: str
    file_line: int | None = None

    @property
    def therapy_name(self) -> str:
        """The drugs joined as a clinician writes a combination."""
        return " + ".join(self.therapy)


# YAML with line numbers: each mapping remembers where its keys stand.
class _Located(dict[str, Any]):
    lines: dict[str, int]
    start: int


class _LineLoader(yaml.SafeLoader):
    pass


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> _Located:
    loader.flatten_mapping(node)
    mapping = _Located()
    mapping.lines = {}
    mapping.start = node.start_mark.line + 1
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str | int | float | bool):
            raise yaml.constructor.ConstructorError(
                None, None, "mapping keys must be plain values", key_node.start_mark
            )
        if str(key) in mapping:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        mapping[str(key)] = loader.construct_object(value_node, deep=True)
        mapping.lines[str(key)] = key_node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _line_of(data: Any, loc: Sequence[str | int]) -> int | None:
    """The deepest line we know for a pydantic error location."""
    line: int | None = getattr(data, "start", None)
    node = data
    for part in loc:
        if isinstance(node, _Located) and isinstance(part, str):
            line = node.lines.get(part, line)
            node = node.get(part)
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
            line = getattr(node, "start", line)
        else:
            break
    return line


MAX_PROTEIN_LENGTH = 35_000
"""Longest human protein (titin, ~34,350 residues): a codon past it is a typo."""
MAX_TMB = 10_000.0
"""TMB cut-offs above this many mutations per megabase are refused."""
MAX_RULE_FILE_BYTES = 4 << 20
"""A rule file larger than this (4 MiB; the largest bundled file is ~130 kB) is refused
with a :class:`RuleFileError` before it is parsed."""
MAX_RULE_DEPTH = 32
"""Deepest nesting of mappings and lists accepted in a rule file (a rule needs ~6)."""


def _depth_ok(data: Any) -> bool:
    stack = [(data, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_RULE_DEPTH:
            return False
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
    return True


def _read_yaml(path: Path) -> Any:
    try:
        size = path.stat().st_size
        if size > MAX_RULE_FILE_BYTES:
            raise RuleFileError(
                path,
                f"the file has {size:,} bytes, more than the {MAX_RULE_FILE_BYTES:,} a rule "
                "file may have. Split it into one file per gene.",
            )
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise RuleFileError(path, f"cannot read the file: {error.strerror}") from None
    except UnicodeDecodeError as error:
        raise RuleFileError(
            path, f"not UTF-8 text (byte {error.start}). Save it as UTF-8."
        ) from None
    try:
        data = yaml.load(text, Loader=_LineLoader)
    except (RecursionError, MemoryError):
        data = None
        deep = True
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        problem = getattr(error, "problem", None) or str(error)
        raise RuleFileError(
            path, f"invalid YAML: {problem}", line=mark.line + 1 if mark else None
        ) from None
    else:
        deep = not _depth_ok(data)
    if deep:
        raise RuleFileError(
            path,
            f"nested more than {MAX_RULE_DEPTH} levels deep. A rule needs only a few levels: "
            "check the indentation and brackets.",
        )
    return data


def load_rule_file(path: str | Path) -> tuple[Rule, ...]:
    """Load and validate one rule file.

    >>> from actionable.rules import load_rule_file
    >>> from actionable._resources import rules_dir
    >>> rules = load_rule_file(rules_dir() / "BRAF.yaml")
    >>> rules[0].gene
    'BRAF'
    """
    path = Path(path)
    data = _read_yaml(path)
    if not isinstance(data, dict):
        raise RuleFileError(
            path, "a rule file is a mapping with 'gene' or 'biomarker' and 'rules'", line=1
        )
    try:
        spec = RuleFile.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        loc = tuple(first["loc"])
        field = ".".join(str(p) for p in loc) or None
        valid: tuple[str, ...] = ()
        problem = first["msg"]
        if first["type"] == "extra_forbidden":
            problem = f"unknown field {loc[-1]!r}"
            valid = _fields_at(loc[:-1])
        elif loc and loc[-1] == "level":
            valid = LEVELS
        elif loc and loc[-1] == "effect":
            valid = ("sensitivity", "resistance")
        elif loc and loc[-1] == "origin":
            valid = ("somatic", "germline", "any")
        raise RuleFileError(
            path, problem, line=_line_of(data, loc), field=field, valid=valid
        ) from None
    return tuple(_build_rule(path, spec, i, r, data) for i, r in enumerate(spec.rules))


def _fields_at(loc: Sequence[str | int]) -> tuple[str, ...]:
    """Field names accepted at a location of a rule file, for error messages."""
    names = [p for p in loc if isinstance(p, str)]
    model: type[BaseModel] = RuleFile
    if names[:1] == ["rules"]:
        model = RuleSpec
        if "evidence" in names:
            model = Citation
        elif "tumor" in names:
            model = TumorSpec
    return tuple(model.model_fields)


def _build_rule(path: Path, spec: RuleFile, index: int, r: RuleSpec, data: Any) -> Rule:
    def ctx(*loc: str | int) -> _Ctx:
        return _Ctx(str(path), _line_of(data, ("rules", index, *loc)), ".".join(map(str, loc)))

    gene: str | None = None
    if spec.gene is not None:
        try:
            gene = genes.resolve_gene(spec.gene)
        except VariantParseError as error:
            raise RuleFileError(
                path, error.problem, line=_line_of(data, ("gene",)), field="gene"
            ) from None
        if gene != spec.gene:
            raise RuleFileError(
                path,
                f"use the approved symbol {gene!r}, not {spec.gene!r}",
                line=_line_of(data, ("gene",)),
                field="gene",
            )
    entries = [r.alteration] if isinstance(r.alteration, str) else list(r.alteration)
    if not entries:
        raise _fail(ctx("alteration"), "alteration list is empty")
    patterns = tuple(
        p
        for i, e in enumerate(entries)
        for p in parse_pattern(
            e,
            gene,
            ctx=ctx("alteration", i) if not isinstance(r.alteration, str) else ctx("alteration"),
        )
    )
    excluding = tuple(
        p
        for i, e in enumerate(r.excluding)
        for p in parse_pattern(e, gene, ctx=ctx("excluding", i))
    )
    for i, e in enumerate(r.excluding):
        # `excluding` is tested on the variant that matched, so another gene's entry could
        # never apply: that is what `excludes` is for.
        others = {p.gene for p in parse_pattern(e, gene, ctx=ctx("excluding", i))} - {gene}
        if others:
            raise _fail(
                ctx("excluding", i),
                f"excluding entry {e!r} names {', '.join(sorted(map(str, others)))}, but "
                f"excluding applies to the {gene or spec.biomarker} variant that matched. "
                "List other genes' alterations under excludes",
            )
    required = [r.requires] if isinstance(r.requires, dict) else list(r.requires)
    requires = tuple(
        parse_pattern(e, None, ctx=ctx("requires", i))
        for i, e in enumerate(required)
        if isinstance(e, str)
    )
    # Curated rules only: an imported source's evidence on a benign variant is its own
    # record (and is opt-in); a curator's rule for one is a curation error.
    named = (*patterns, *(p for entry in requires for p in entry))
    for p in named if spec.source == "curated" else ():
        if p.kind == "exact" and p.gene and p.alteration in oncogenicity.benign_alterations(p.gene):
            raise _fail(
                ctx("alteration" if p in patterns else "requires"),
                f"{p.gene} {p.alteration} is a known benign/neutral variant "
                "(knowledgebase/benign_variants.yaml). Remove it: no therapy follows from it",
            )
    conditions: list[facts.FactCondition] = []
    for i, entry in enumerate(required):
        if isinstance(entry, str):
            continue
        where = ctx("requires") if isinstance(r.requires, dict) else ctx("requires", i)
        for key, value in entry.items():
            try:
                conditions.append(facts.parse_condition(key, value))
            except ValueError as error:
                raise _fail(where, str(error), facts.CONDITION_KEYS) from None
    excludes = tuple(
        parse_pattern(e, None, ctx=ctx("excludes", i)) for i, e in enumerate(r.excludes)
    )
    context = TumorContext(include=tuple(r.tumor.include), exclude=tuple(r.tumor.exclude))
    try:
        tumors.validate_context(context)
    except ValueError as error:
        raise _fail(ctx("tumor"), str(error)) from None
    therapy: list[str] = []
    for i, name in enumerate(r.therapy):
        try:
            therapy.append(drugs.resolve_drug(name))
        except ValueError as error:
            raise _fail(ctx("therapy", i), str(error)) from None
        if therapy[-1] != name:
            raise _fail(ctx("therapy", i), f"write the generic name {therapy[-1]!r}, not {name!r}")
    directed, travels = _roles(r, therapy, gene or spec.biomarker, ctx)
    return Rule(
        id=r.id,
        gene=gene,
        biomarker=spec.biomarker,
        patterns=patterns,
        excluding=excluding,
        requires=requires,
        conditions=tuple(conditions),
        excludes=excludes,
        tumor=context,
        tumor_broad=" ".join(r.tumor.broad.split()) if r.tumor.broad else None,
        therapy=tuple(therapy),
        effect=r.effect,
        level=r.level,
        line=r.line,
        origin=r.origin,
        escat=r.escat,
        directed=directed,
        propagate=travels,
        summary=r.summary,
        evidence=tuple(r.evidence),
        source=spec.source,
        file=str(path),
        file_line=_line_of(data, ("rules", index)),
    )


def _roles(
    r: RuleSpec, therapy: list[str], target: str | None, ctx: Callable[..., _Ctx]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The drugs that carry the rule's effect, and those that travel off-label.

    A partner (endocrine therapy, chemotherapy, enzalutamide...) belongs to the tumor
    type of the approval: it never travels, and a regimen made only of partners does not
    travel at all. ``propagate: [drugs]`` names the directed drugs explicitly."""
    if isinstance(r.propagate, list):
        named = []
        for i, name in enumerate(r.propagate):
            try:
                drug = drugs.resolve_drug(name)
            except ValueError as error:
                raise _fail(ctx("propagate", i), str(error)) from None
            if drug not in therapy:
                raise _fail(
                    ctx("propagate", i),
                    f"{name!r} is not in the rule's therapy; list drugs of {therapy}",
                )
            named.append(drug)
        return tuple(named), tuple(named)
    directed = tuple(d for d in therapy if drugs.partner_role(d, target) is None)
    travels = directed if r.propagate else ()
    return (directed or tuple(therapy)), travels


@cache
def drug_classes(names: tuple[str, ...]) -> frozenset[str]:
    """The classes of some drugs (``knowledgebase/drugs.yaml``).

    >>> sorted(drug_classes(("olaparib", "talazoparib")))
    ['PARP inhibitor']
    """
    return frozenset(c for c in (drugs.get_drug(n).drug_class for n in names) if c)


RULE_SUFFIXES = (".yaml", ".yml")
"""Rule files end in one of these, in any case (``.YAML`` too)."""


def _rule_files(directory: Path) -> Iterator[Path]:
    # Hidden files and folders (editor swap files, an importer's half-written output)
    # are never rules. A folder that cannot be read is an error, not zero rules.
    def fail(error: OSError) -> None:
        where = error.filename or directory
        raise RuleFileError(
            where, f"cannot read the folder: {error.strerror}. Check its permissions."
        )

    found: list[Path] = []
    for root, folders, files in os.walk(directory, onerror=fail, followlinks=True):
        folders[:] = sorted(f for f in folders if not f.startswith("."))
        for name in files:
            path = Path(root) / name
            if name.startswith(".") or path.suffix.lower() not in RULE_SUFFIXES:
                continue
            if path.is_file():
                found.append(path)
    yield from sorted(found)


def source_names(sources: Iterable[str] | str | None) -> tuple[str, ...] | None:
    """Validated rule source names (a single string is one source); ``None`` = all.

    >>> source_names("curated"), source_names(["civic", "curated"])
    (('curated',), ('civic', 'curated'))
    """
    if sources is None:
        return None
    if isinstance(sources, str):
        sources = [sources]
    try:
        names = tuple(sources)
    except TypeError:
        raise ArgumentTypeError(
            f"sources={sources!r}: give a list of source names such as ['curated', 'civic']"
        ) from None
    valid = get_args(Source)
    for name in names:
        if not isinstance(name, str):
            raise ArgumentTypeError(
                f"sources: {name!r} is not a name. Give names such as 'curated', 'civic'."
            )
        if name not in valid:
            close = [v for v in valid if v == name.strip().lower()]
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise ArgumentError(
                f"sources: unknown source {name!r}{hint}. Use one of {', '.join(valid)}."
            )
    if not names:
        raise ArgumentError(
            "sources=[] selects no rules. Name at least one source, or pass None for the default."
        )
    return tuple(sorted(set(names)))


def load_rules(
    directory: str | Path | None = None, sources: Iterable[str] | None = None
) -> tuple[Rule, ...]:
    """Load every rule file under ``directory`` (default: the bundled rules).

    Duplicate rule ids across files are an error naming both files. ``sources``
    keeps only rules from those sources (``curated``, ``civic``).

    >>> from actionable.rules import load_rules
    >>> {r.source for r in load_rules(sources=["curated"])}
    {'curated'}
    """
    root = Path(directory) if directory is not None else rules_dir()
    if not root.is_dir():
        raise RuleFileError(root, "not a directory of rule files")
    names = source_names(sources)
    wanted = set(names) if names is not None else None
    files = 0
    seen: dict[str, Rule] = {}
    out: list[Rule] = []
    for path in _rule_files(root):
        files += 1
        for rule in load_rule_file(path):
            if rule.id in seen:
                other = seen[rule.id]
                raise RuleFileError(
                    path,
                    f"duplicate rule id {rule.id!r} (also in {other.file}:{other.file_line})",
                    line=rule.file_line,
                    field="id",
                )
            seen[rule.id] = rule
            if wanted is None or rule.source in wanted:
                out.append(rule)
    if not files:
        raise RuleFileError(
            root, "no rule files (*.yaml, *.yml) in this folder. Point to a folder of rules."
        )
    if not out:
        raise RuleFileError(
            root,
            f"no rules from the sources {', '.join(sorted(wanted or ()))} in {files} files. "
            "Choose sources these files use.",
        )
    return tuple(out)


# --------------------------------------------------------------------------- rule checks
@dataclass(frozen=True)
class BroadNode:
    """An OncoTree node that mixes histologies or grades (knowledgebase/broad_contexts.yaml)."""

    code: str
    holds: str
    other: tuple[str, ...]
    usually: tuple[str, ...]
    only_with: frozenset[str] = frozenset()


@dataclass(frozen=True)
class ContextWarning:
    """A curated rule whose tumor context covers branches its label usually does not."""

    rule_id: str
    file: str
    line: int | None
    node: str
    codes: tuple[str, ...]
    """The node's ``other`` branches the context covers."""
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: rule {self.rule_id}: {self.message}"


@cache
def broad_nodes() -> tuple[BroadNode, ...]:
    """The curated broad OncoTree nodes, their codes checked against the bundled OncoTree.

    >>> from actionable.rules import broad_nodes
    >>> [n.other for n in broad_nodes() if n.code == "CHOL"]
    [('PHCH', 'EHCH')]
    """
    path = knowledgebase_dir() / "broad_contexts.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    nodes: list[BroadNode] = []
    for code, entry in (data.get("nodes") or {}).items():
        codes = [code, *entry.get("other", ()), *entry.get("usually", ())]
        unknown = [c for c in codes if not tumors.is_known_code(c)]
        if unknown or not entry.get("other") or not entry.get("holds"):
            raise RuleFileError(
                path,
                f"node {code}: unknown OncoTree codes {unknown}"
                if unknown
                else f"node {code} needs 'holds' and 'other'",
                field=f"nodes.{code}",
            )
        nodes.append(
            BroadNode(
                code=code,
                holds=" ".join(str(entry["holds"]).split()),
                other=tuple(entry["other"]),
                usually=tuple(entry.get("usually", ())),
                only_with=frozenset(drugs.resolve_drug(d) for d in entry.get("only_with", ())),
            )
        )
    return tuple(nodes)


def _reaches(context: TumorContext, node: str) -> bool:
    """Whether the context includes the node itself or a node above it."""
    return bool(set(tumors.get_tumor(node).lineage()) & set(context.include))


def _covers(context: TumorContext, code: str) -> bool:
    lineage = set(tumors.get_tumor(code).lineage())
    return bool(lineage & set(context.include)) and not lineage & set(context.exclude)


def broad_context_warnings(rules: Iterable[Rule]) -> tuple[ContextWarning, ...]:
    """Curated sensitivity rules whose tumor context covers branches of a broad OncoTree
    node (``knowledgebase/broad_contexts.yaml``) that the label usually does not cover,
    unless the rule excludes them or gives ``tumor.broad``. ``actionable rules validate``
    prints these; they are warnings, not load errors.

    >>> from actionable.rules import broad_context_warnings, load_rules
    >>> all(w.node for w in broad_context_warnings(load_rules()))
    True
    """
    out: list[ContextWarning] = []
    for rule in rules:
        if rule.source != "curated" or rule.effect != "sensitivity" or rule.tumor_broad:
            continue
        for node in broad_nodes():
            if node.only_with and not node.only_with & set(rule.therapy):
                continue
            if not _reaches(rule.tumor, node.code):
                continue
            covered = tuple(c for c in node.other if _covers(rule.tumor, c))
            if not covered:
                continue
            shown = ", ".join(covered)
            usual = f" (usually {', '.join(node.usually)})" if node.usually else ""
            out.append(
                ContextWarning(
                    rule_id=rule.id,
                    file=rule.file,
                    line=rule.file_line,
                    node=node.code,
                    codes=covered,
                    message=(
                        f"tumor context covers {shown} ({node.code} holds {node.holds}). "
                        f"Narrow it to what the label names{usual}, exclude those codes, or "
                        "say in tumor.broad why the label covers them"
                    ),
                )
            )
    return tuple(out)


def summarize(rules: Sequence[Rule]) -> Mapping[str, Any]:
    """Counts by level, gene, tumor and source, as ``actionable rules stats --json`` prints."""
    from collections import Counter

    by_source = Counter(r.source for r in rules)
    by_level = Counter(str(r.level) for r in rules)
    by_gene = Counter(r.gene or r.biomarker or "?" for r in rules)
    by_tumor = Counter(code for r in rules for code in r.tumor.include)
    return {
        "total": len(rules),
        "by_source": dict(sorted(by_source.items())),
        "by_level": {lv: by_level[lv] for lv in LEVELS if by_level[lv]},
        "by_gene": dict(sorted(by_gene.items(), key=lambda kv: (-kv[1], kv[0]))),
        "by_tumor": dict(sorted(by_tumor.items(), key=lambda kv: (-kv[1], kv[0]))),
        "oncogenicity_sources": oncogenicity.source_counts(),
        "oncogenic_mutations_rules": sum(
            any(p.kind == "oncogenic" for p in r.patterns) for r in rules
        ),
    }


def curated_variant_calls(rules: Iterable[Rule]) -> list[dict[str, Any]]:
    """The variants curated level 1-2 sensitivity rules name exactly, each with the first
    such rule and its citations: what ``knowledgebase/curated_oncogenic.yaml`` holds
    (written by ``scripts/build_oncogenicity.py``; a test checks it is current).

    >>> from actionable.rules import curated_variant_calls, load_rules
    >>> calls = curated_variant_calls(load_rules(sources=["curated"]))
    >>> any(c["gene"] == "BRAF" and c["variant"] == "V600E" for c in calls)
    True
    """
    found: dict[tuple[str, str], dict[str, Any]] = {}
    ordered = sorted(rules, key=lambda r: (str(r.level), r.id))
    for rule in ordered:
        if rule.source != "curated" or str(rule.level) not in ("1", "2"):
            continue
        for pattern in rule.patterns:
            if pattern.gene is None or pattern.granularity != "exact":
                continue
            if pattern.kind == "exact" and pattern.alteration:
                alteration = pattern.alteration
            elif pattern.kind == "fusion" and pattern.partners:
                alteration = f"{'::'.join(pattern.partners)} fusion"
            else:
                continue
            key = (pattern.gene, alteration)
            if key in found:
                continue
            found[key] = {
                "gene": pattern.gene,
                "variant": alteration,
                "rule": rule.id,
                "level": str(rule.level),
                "citations": [c.model_dump(exclude_none=True) for c in rule.evidence[:2]],
            }
    return [found[k] for k in sorted(found)]
