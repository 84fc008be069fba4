"""From matched patterns to ranked, explained recommendations.

The engine says which alteration patterns each variant matched. This module
decides what that means for the patient: tumor context (with OncoKB-style
propagation to level 3B), ``excluding``/``requires``/``excludes``, biomarker
thresholds, origin, prior therapies, merging of rules that recommend the same
therapy, conflicts between sensitivity and resistance, ranking, AMP tiers, and a
rationale sentence for every step.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any

import yaml

from . import tumors
from ._resources import knowledgebase_dir
from .models import (
    Citation,
    MatchDetail,
    PatientFacts,
    Recommendation,
    Therapy,
    TumorContext,
    TumorMatch,
    TumorType,
    Unmatched,
    Variant,
    trusted,
)
from .rules import Pattern, Rule, gene_role

__all__ = ["Candidate", "Options", "RuleIndex", "build_index", "level_rank", "resolve"]

SENSITIVITY_ORDER = ("1", "2", "3A", "3B", "4")
LEVELS_ALL = ("1", "2", "3A", "3B", "4", "R1", "R2")
TMB_HIGH_CUTOFF = 10.0
"""mut/Mb; FDA cut-off of the 2020 tumor-agnostic pembrolizumab approval."""
_GROUPS = frozenset({"all", "all_solid", "all_liquid"})
_PROPAGATING = frozenset({"1", "2", "3A"})


@cache
def _levels() -> dict[str, dict[str, Any]]:
    data = yaml.safe_load((knowledgebase_dir() / "levels.yaml").read_text(encoding="utf-8"))
    return {str(k): v for k, v in data["levels"].items()}


def level_rank(level: str) -> int:
    """Rank of a level for ordering; lower is stronger (``1`` and ``R1`` rank first).

    >>> from actionable.resolve import level_rank
    >>> level_rank("1") < level_rank("2") < level_rank("3B")
    True
    """
    return int(_levels()[level]["rank"])


def level_description(level: str) -> str:
    """The meaning of a level, in one sentence."""
    return str(_levels()[level]["description"])


@dataclass(frozen=True)
class Options:
    """Per-call settings of :func:`actionable.evaluate`."""

    thresholds: Mapping[str, float] = field(default_factory=dict)
    max_level: str | None = None
    prior_therapies: frozenset[str] = frozenset()
    facts: PatientFacts = field(default_factory=PatientFacts)


@dataclass
class Candidate:
    """One rule that applies to one variant, before merging."""

    rule: Rule
    variant_index: int
    pattern: Pattern
    level: str
    tumor_match: TumorMatch | None
    off_label: bool
    partners: tuple[int, ...]
    """Indices of the variants that satisfied ``requires``."""
    sentences: list[str]


@lru_cache(maxsize=8192)
def _drug_set(therapy: tuple[str, ...]) -> frozenset[str]:
    return frozenset(therapy)


def _therapy_key(rule: Rule) -> frozenset[str]:
    return _drug_set(rule.therapy)


def _describe_pattern(variant: Variant, rule: Rule, pattern: Pattern) -> str:
    what = pattern.text if pattern.granularity != "exact" else str(pattern.text)
    return f"{variant} matches rule {rule.id} ({pattern.granularity}: {what})"


def _threshold_ok(pattern: Pattern, variant: Variant, options: Options, notes: list[str]) -> bool:
    if pattern.threshold is None:
        return True
    name = pattern.biomarker or "TMB"
    threshold = float(
        options.thresholds.get(name, options.thresholds.get(name.lower(), pattern.threshold))
    )
    shown = f"{threshold:g} mut/Mb"
    value = variant.value
    if value is None:
        if variant.alteration != "TMB-H":
            return False
        # A report that only says "TMB-H" is read at the FDA-approved cut-off.
        value = TMB_HIGH_CUTOFF
        notes.append(f"{variant} is read as at least {TMB_HIGH_CUTOFF:g} mut/Mb")
    ok = value >= threshold if pattern.operator == ">=" else value > threshold
    if ok:
        notes.append(f"{variant} is at or above the {shown} threshold")
    else:
        notes.append(f"below the {shown} threshold for {name}-directed therapy")
    return ok


def _origin_ok(rule: Rule, variant: Variant, notes: list[str]) -> bool:
    if rule.origin == "any" or variant.origin == rule.origin:
        return True
    if variant.origin == "unknown":
        notes.append(
            f"the rule applies to {rule.origin} variants; the report does not say "
            f"whether {variant} is {rule.origin}: confirm its origin"
        )
        return True
    return False


_TUMOR_CACHE_LIMIT = 4096


def _matches_for(index: RuleIndex, tumor: TumorType | None) -> dict[int, TumorMatch]:
    """The per-context tumor matches of one tumor in one rule index, filled lazily and
    shared by every evaluation of that tumor (the answer depends on nothing else)."""
    key = None if tumor is None else (tumor.code, tumor.text, tumor.matched_by)
    cache = index.tumor_cache
    found = cache.get(key)
    if found is None:
        if len(cache) >= _TUMOR_CACHE_LIMIT:
            cache.clear()  # bounded; a few thousand tumor spellings is already unusual
        found = cache.setdefault(key, {})
    return found


@lru_cache(maxsize=65536)
def _tumor_match(context: TumorContext, tumor: TumorType | None) -> TumorMatch:
    # Thousands of rules share a few hundred contexts and a patient has one tumor: the
    # answer (with its sentences) is computed once per pair. lru_cache is thread-safe.
    return tumors.match(context, tumor)


def _may_propagate(rule: Rule) -> bool:
    """Whether a rule could be offered at 3B in a tumor type it was not curated for:
    curated sensitivity at level 1, 2 or 3A for named tumor types (not groups)."""
    return (
        rule.effect == "sensitivity"
        and rule.level in _PROPAGATING
        and rule.source == "curated"
        and _names_tumors(rule.tumor.include)
    )


# Biomarker states that select patients by absence (pMMR/MSS endometrial cancer for
# lenvatinib + pembrolizumab) say nothing about other tumor types.
_NON_PROPAGATING_PATTERNS = frozenset({"MSS", "pMMR"})


def _tumor_step(
    rule: Rule, tumor: TumorType | None, pattern: Pattern, result: TumorMatch
) -> tuple[TumorMatch, bool]:
    """The tumor match, and whether the rule is offered off-label at 3B."""
    if result.matched or tumor is None or pattern.alteration in _NON_PROPAGATING_PATTERNS:
        return result, False
    if (
        _may_propagate(rule)
        and tumor.is_solid
        and result.excluded_by is None
        and _all_solid(rule.tumor.include)
        # "lung cancer" (LUNG) with an NSCLC rule is not another tumor type: it is a
        # type given too broadly, which the report asks the clinician to narrow.
        and not _narrower_codes(rule.tumor.include, tumor.code)
    ):
        return result, True
    return result, False


@lru_cache(maxsize=4096)
def _narrower_codes(include: tuple[str, ...], code: str) -> tuple[str, ...]:
    """The included codes that lie under ``code`` (the tumor was given more broadly)."""
    return tuple(c for c in include if c not in _GROUPS and code in tumors.get_tumor(c).ancestors)


@dataclass(frozen=True)
class RuleIndex:
    """Rules addressed by the integer ids of their patterns, as the engine reports them.

    Built once per rule set (:func:`build_index`); resolving then works on small
    integers instead of hashing pattern models.
    """

    patterns: tuple[Pattern, ...]
    groups: Mapping[int, tuple[tuple[int, tuple[Rule, ...], bool], ...]]
    """Per pattern: its rules grouped by tumor context (context id, rules, whether any of
    them may be offered off-label), so a context that does not fit is skipped at once."""
    excluding: Mapping[str, frozenset[int]]
    requires: Mapping[str, tuple[frozenset[int], ...]]
    excludes: Mapping[str, tuple[frozenset[int], ...]]
    order: tuple[tuple[bool, str], ...]
    """Per pattern: exact patterns first, then by text (the order rules are considered)."""
    sentences: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    tumor_cache: dict[tuple[str, str, str] | None, dict[int, TumorMatch]] = field(
        default_factory=dict, compare=False
    )
    """Tumor matches per tumor and context id (see :func:`_matches_for`)."""
    """Per rule id: its summary and its evidence line, built once."""
    contexts: tuple[TumorContext, ...] = ()
    """The distinct tumor contexts of the rules; a tumor is matched once per context."""
    context_of: Mapping[str, int] = field(default_factory=dict)


def build_index(patterns: Sequence[Pattern], rules: Iterable[Rule]) -> RuleIndex:
    """Index rules by the position of their patterns in ``patterns``.

    >>> from actionable.evaluate import default_engine
    >>> engine = default_engine(["curated"])
    >>> index = build_index(engine.compiled.patterns, engine.rules)
    >>> len(index.patterns) == len(engine.compiled.patterns)
    True
    """
    position = {p: i for i, p in enumerate(patterns)}
    by_pattern: dict[int, list[Rule]] = defaultdict(list)
    excluding: dict[str, frozenset[int]] = {}
    requires: dict[str, tuple[frozenset[int], ...]] = {}
    excludes: dict[str, tuple[frozenset[int], ...]] = {}
    by_rule = list(rules)
    for rule in by_rule:
        for p in rule.patterns:
            by_pattern[position[p]].append(rule)
        excluding[rule.id] = frozenset(position[p] for p in rule.excluding)
        requires[rule.id] = tuple(frozenset(position[p] for p in e) for e in rule.requires)
        excludes[rule.id] = tuple(frozenset(position[p] for p in e) for e in rule.excludes)
    contexts: dict[TumorContext, int] = {}
    context_of: dict[str, int] = {}
    for rule in by_rule:
        context_of[rule.id] = contexts.setdefault(rule.tumor, len(contexts))
    groups: dict[int, tuple[tuple[int, tuple[Rule, ...], bool], ...]] = {}
    for number, rules_here in by_pattern.items():
        by_context: dict[int, list[Rule]] = {}
        for rule in rules_here:
            by_context.setdefault(context_of[rule.id], []).append(rule)
        groups[number] = tuple(
            (c, tuple(rs), any(_may_propagate(r) for r in rs)) for c, rs in by_context.items()
        )
    return RuleIndex(
        patterns=tuple(patterns),
        groups=groups,
        excluding=excluding,
        requires=requires,
        excludes=excludes,
        order=tuple((p.granularity != "exact", p.text) for p in patterns),
        contexts=tuple(contexts),
        context_of=context_of,
        sentences={
            r.id: (r.summary.strip(), "evidence: " + "; ".join(str(c) for c in r.evidence))
            for r in by_rule
        },
    )


class _Blocked:
    """Why rules did not apply to a variant, kept cheap: most are never shown."""

    def __init__(self) -> None:
        self.reasons: dict[int, list[str]] = defaultdict(list)
        # variant -> tumor codes that have rules for it elsewhere (summarised, not listed)
        self.elsewhere: dict[int, dict[str, None]] = defaultdict(dict)
        # codes under the patient's tumor for which rules matched (the tumor is too broad)
        self.more_specific: dict[str, None] = {}

    def add(self, index: int, reason: str) -> None:
        self.reasons[index].append(reason)

    def narrower(self, codes: Iterable[str]) -> None:
        for code in codes:
            self.more_specific[code] = None

    def other_tumors(self, index: int, context: TumorContext) -> None:
        for code in context.include:
            self.elsewhere[index][code] = None

    def describe(self, index: int) -> list[str]:
        out = list(dict.fromkeys(self.reasons.get(index, ())))
        codes = list(self.elsewhere.get(index, {}))
        if codes:
            shown = ", ".join(codes[:8]) + (f" and {len(codes) - 8} more" if len(codes) > 8 else "")
            out.append(f"rules for it apply to other tumor types only ({shown})")
        return out


def resolve(
    index: RuleIndex,
    hits: Sequence[frozenset[int]],
    variants: Sequence[Variant],
    tumor: TumorType | None,
    options: Options,
) -> tuple[list[Recommendation], list[Unmatched], list[str]]:
    """Turn pattern hits (pattern positions per variant) into recommendations,
    unmatched variants and warnings."""
    warnings: list[str] = []
    # Which variants matched a pattern: used for requires/excludes/excluding.
    matched_by: dict[int, set[int]] = defaultdict(set)
    for number, found in enumerate(hits):
        for pattern in found:
            matched_by[pattern].add(number)

    candidates: list[Candidate] = []
    blocked = _Blocked()
    # (variant, therapy) pairs whose rule explicitly excludes this tumor.
    exclusions: dict[tuple[int, frozenset[str]], str] = {}
    context = _Context(
        index,
        matched_by,
        variants,
        tumor,
        options,
        blocked,
        exclusions,
        hits,
        _matches_for(index, tumor),
    )
    for number, found in enumerate(hits):
        seen_rules: set[str] = set()
        for pattern in sorted(found, key=index.order.__getitem__):
            for context_id, rules_here, may_propagate in index.groups.get(pattern, ()):
                where = context.tumor_match_of(context_id)
                if not where.matched and where.excluded_by is None and not may_propagate:
                    # Rules for other tumor types only: summarised, never resolved.
                    blocked.other_tumors(number, index.contexts[context_id])
                    if tumor is not None:
                        include = index.contexts[context_id].include
                        blocked.narrower(_narrower_codes(include, tumor.code))
                    seen_rules.update(r.id for r in rules_here)
                    continue
                for rule in rules_here:
                    if rule.id in seen_rules:
                        continue
                    seen_rules.add(rule.id)
                    candidate = _consider(context, rule, number, index.patterns[pattern])
                    if candidate is not None:
                        candidates.append(candidate)

    candidates = _drop_contradicted_propagation(candidates, blocked, exclusions)
    recommendations = _merge(index.sentences, candidates, variants, tumor, options)
    recommendations = _mark_conflicts(recommendations)
    if options.max_level is not None:
        limit = level_rank(options.max_level)
        recommendations = [r for r in recommendations if level_rank(r.level) <= limit]
    recommendations.sort(key=_rank_key)

    covered = {i for i, v in enumerate(variants) for r in recommendations if r.variant is v}
    unmatched = [
        Unmatched(variant=v, reason=_unmatched_reason(v, blocked.describe(i)))
        for i, v in enumerate(variants)
        if i not in covered
    ]
    if tumor is not None and blocked.more_specific:
        codes = ", ".join(blocked.more_specific)
        warnings.append(
            f"{tumor.code} ({tumor.name}) is broader than tumor types that have rules for "
            f"these alterations ({codes}); give the more specific type to apply them"
        )
    if tumor is None:
        warnings.append(
            "tumor type unknown: only rules that apply to any tumor were used; "
            "give the tumor type for tumor-specific recommendations"
        )
    return recommendations, unmatched, warnings


@dataclass(frozen=True)
class _Context:
    """What every rule check of one evaluation needs."""

    index: RuleIndex
    matched_by: Mapping[int, set[int]]
    variants: Sequence[Variant]
    tumor: TumorType | None
    options: Options
    blocked: _Blocked
    exclusions: dict[tuple[int, frozenset[str]], str]
    hits: Sequence[frozenset[int]] = ()
    tumor_matches: dict[int, TumorMatch] = field(default_factory=dict)

    def tumor_match(self, rule: Rule) -> TumorMatch:
        return self.tumor_match_of(self.index.context_of[rule.id])

    def tumor_match_of(self, number: int) -> TumorMatch:
        found = self.tumor_matches.get(number)
        if found is None:
            found = _tumor_match(self.index.contexts[number], self.tumor)
            self.tumor_matches[number] = found
        return found

    def found(self, entry: frozenset[int]) -> list[int]:
        return sorted({i for p in entry for i in self.matched_by.get(p, ())})


def _consider(ctx: _Context, rule: Rule, index: int, pattern: Pattern) -> Candidate | None:
    blocked = ctx.blocked
    # The tumor first: most rules behind a common alteration belong to other tumor
    # types, and the answer is cached per context.
    tumor_match, off_label = _tumor_step(rule, ctx.tumor, pattern, ctx.tumor_match(rule))
    if not tumor_match.matched and not off_label:
        if tumor_match.excluded_by:
            ctx.exclusions[(index, _therapy_key(rule))] = (
                f"rule {rule.id} excludes {tumor_match.excluded_by}"
            )
            blocked.add(
                index,
                f"rule {rule.id} ({rule.therapy_name}, level {rule.level}) excludes "
                f"{tumor_match.excluded_by}",
            )
        else:
            blocked.other_tumors(index, rule.tumor)
            if ctx.tumor is not None:
                blocked.narrower(_narrower_codes(rule.tumor.include, ctx.tumor.code))
        return None
    variant = ctx.variants[index]
    notes: list[str] = []
    excluding = ctx.index.excluding[rule.id]
    if excluding and not excluding.isdisjoint(ctx.hits[index]):
        blocked.add(index, f"rule {rule.id} excludes {variant.alteration}")
        return None
    if pattern.threshold is not None and not _threshold_ok(pattern, variant, ctx.options, notes):
        blocked.add(index, notes[-1] if notes else f"{variant} does not meet rule {rule.id}")
        return None
    if not _origin_ok(rule, variant, notes):
        blocked.add(index, f"rule {rule.id} applies to {rule.origin} variants only")
        return None
    partners: list[int] = []
    for entry, spec in zip(ctx.index.requires[rule.id], rule.requires, strict=True):
        found = ctx.found(entry)
        if not found:
            blocked.add(
                index,
                f"rule {rule.id} ({rule.therapy_name}) also needs "
                f"{' or '.join(str(p) for p in spec)}, not reported",
            )
            return None
        partners.extend(found)
        notes.append(
            f"the rule requires {spec[0]}: present as "
            + ", ".join(str(ctx.variants[i]) for i in found)
        )
    for entry, spec in zip(ctx.index.excludes[rule.id], rule.excludes, strict=True):
        found = ctx.found(entry)
        if found:
            blocked.add(
                index,
                f"rule {rule.id} ({rule.therapy_name}, level {rule.level}) does not apply: "
                f"{', '.join(str(ctx.variants[i]) for i in found)} is present and the rule "
                f"requires no {spec[0]}",
            )
            return None
        notes.append(f"the rule requires no {spec[0]}: none reported; confirm the gene was tested")
    level = "3B" if off_label else rule.level
    return Candidate(
        rule=rule,
        variant_index=index,
        pattern=pattern,
        level=level,
        tumor_match=tumor_match,
        off_label=off_label,
        partners=tuple(dict.fromkeys(partners)),
        sentences=notes,
    )


def _drop_contradicted_propagation(
    candidates: list[Candidate],
    blocked: _Blocked,
    exclusions: Mapping[tuple[int, frozenset[str]], str],
) -> list[Candidate]:
    """Off-label 3B offers must not contradict or repeat what is known for this tumor.

    A rule for the same therapy that explicitly excludes the tumor, or an on-label rule
    predicting resistance to one of its drugs, outweighs an extrapolation from another
    tumor type (the reason is kept for the report). An offer whose drugs are all part
    of an on-label sensitivity recommendation for the same variant adds nothing
    (dabrafenib alone from melanoma next to dabrafenib + trametinib level 1).
    """
    on_label = [c for c in candidates if not c.off_label]
    kept: list[Candidate] = []
    for c in candidates:
        if not c.off_label:
            kept.append(c)
            continue
        drugs = _therapy_key(c.rule)
        why = exclusions.get((c.variant_index, drugs))
        for other in on_label:
            if other.variant_index != c.variant_index:
                continue
            if other.rule.effect == "resistance" and drugs & _therapy_key(other.rule):
                why = why or f"rule {other.rule.id} predicts resistance in this tumor"
        if why:
            blocked.add(
                c.variant_index,
                f"{c.rule.therapy_name} is not offered off-label from rule {c.rule.id}: {why}",
            )
            continue
        if any(
            other.variant_index == c.variant_index
            and other.rule.effect == "sensitivity"
            and drugs <= _therapy_key(other.rule)
            for other in on_label
        ):
            continue
        kept.append(c)
    return kept


def _specific(rule: Rule) -> bool:
    return _names_tumors(rule.tumor.include)


@lru_cache(maxsize=4096)
def _all_solid(include: tuple[str, ...]) -> bool:
    return all(tumors.get_tumor(code).is_solid for code in include)


@lru_cache(maxsize=4096)
def _names_tumors(include: tuple[str, ...]) -> bool:
    """Whether a context names tumor types rather than a group (all, all_solid...)."""
    return not (set(include) & _GROUPS)


def _candidate_order(c: Candidate) -> tuple[int, int, int, int, str]:
    # Curated before imported, then the stronger level, tumor-specific first.
    return (
        c.rule.source != "curated",
        level_rank(c.level),
        c.off_label,
        not _specific(c.rule),
        c.rule.id,
    )


def _escat(level: str, off_label: bool, tumor_specific: bool) -> str | None:
    """The ESCAT tier where it follows from the level alone (Mateo et al., Ann Oncol 2018,
    PMID 30137196): I-C for a tumor-agnostic approval, III-A for use in another tumor
    type, IV for preclinical evidence. Tiers I-A/I-B (which need the trial design) and
    resistance are left to the rule's own ``escat`` field."""
    if off_label or level == "3B":
        return "III-A"
    if level == "1" and not tumor_specific:
        return "I-C"
    if level == "4":
        return "IV"
    return None


def _tier(level: str, off_label: bool) -> str:
    return "IIC" if off_label else str(_levels()[level]["tier"])


def _curated_precedence(
    candidates: Sequence[Candidate],
) -> tuple[list[Candidate], dict[tuple[int, frozenset[str]], list[str]]]:
    """Curated rules outrank imported ones for the same drugs and variant: imported
    evidence of the opposite effect is dropped, and the curated recommendation says so."""
    curated_effects: dict[tuple[int, frozenset[str]], set[str]] = defaultdict(set)
    for c in candidates:
        if c.rule.source == "curated" and not c.off_label:
            curated_effects[(c.variant_index, _therapy_key(c.rule))].add(c.rule.effect)
    kept: list[Candidate] = []
    notes: dict[tuple[int, frozenset[str]], list[str]] = defaultdict(list)
    for c in candidates:
        key = (c.variant_index, _therapy_key(c.rule))
        effects = curated_effects.get(key)
        if c.rule.source != "curated" and effects and c.rule.effect not in effects:
            notes[key].append(
                f"{c.rule.source} rule {c.rule.id} (level {c.level}) reports {c.rule.effect}; "
                "the curated rule takes precedence"
            )
            continue
        kept.append(c)
    return kept, notes


def _merge(
    texts: Mapping[str, tuple[str, str]],
    candidates: Sequence[Candidate],
    variants: Sequence[Variant],
    tumor: TumorType | None,
    options: Options,
) -> list[Recommendation]:
    candidates, overruled = _curated_precedence(candidates)
    groups: dict[tuple[int, frozenset[str], str], list[Candidate]] = defaultdict(list)
    for c in candidates:
        groups[(c.variant_index, _therapy_key(c.rule), c.rule.effect)].append(c)
    out: list[Recommendation] = []
    for (index, _drugs, effect), members in groups.items():
        members.sort(key=_candidate_order)
        best = members[0]
        rule = best.rule
        variant = variants[index]
        sentences = [_describe_pattern(variant, rule, best.pattern)]
        if variant.reading:  # how the report line was read (MET c.3028+1G>A: exon 14 skipping)
            sentences.insert(0, variant.reading)
        if best.tumor_match is not None:
            sentences.extend(best.tumor_match.reasons)
        if best.off_label:
            sentences.append(
                f"the rule is curated for {', '.join(rule.tumor.include)} at level {rule.level}; "
                f"offered here at level 3B as off-label use in another solid tumor type"
            )
        sentences.extend(best.sentences)
        sentences.append(f"level {best.level}: {level_description(best.level)}")
        sentences.extend(texts[rule.id])
        sentences.extend(overruled.get((index, _drugs), ()))
        supporting: list[str] = []
        for other in members[1:]:
            # Off-label echoes of rules from other tumor types add nothing when the
            # therapy is already recommended for this tumor.
            if other.rule.id in supporting or (other.off_label and not best.off_label):
                continue
            supporting.append(other.rule.id)
            if len(supporting) <= _SUPPORTING_SHOWN:
                sentences.append(
                    f"also supported by rule {other.rule.id} (level {other.level}, "
                    f"{other.rule.source}): {texts[other.rule.id][0]}"
                )
        if len(supporting) > _SUPPORTING_SHOWN:
            # A popular therapy can gather dozens of imported evidence items; the rationale
            # stays readable and the full list stays in supporting_rules.
            rest = supporting[_SUPPORTING_SHOWN:]
            sentences.append(f"also supported by {len(rest)} more rules: {', '.join(rest)}")
        drugs = _drug_set(rule.therapy)
        previously = bool(options.prior_therapies) and drugs <= options.prior_therapies
        if previously:
            sentences.append(f"the patient has already received {rule.therapy_name}")
        elif options.prior_therapies & drugs:
            given = ", ".join(sorted(options.prior_therapies & drugs))
            sentences.append(f"the patient has already received {given}")
        tumor_path: tuple[str, ...] = ()
        included_by = best.tumor_match.included_by if best.tumor_match else None
        if tumor is not None:
            lineage = tumor.lineage()
            if included_by in lineage:
                tumor_path = lineage[: lineage.index(included_by) + 1]
            else:
                tumor_path = lineage
        involved = (index, *[i for i in best.partners if i != index])
        # Every field below comes from validated models; skip re-validating them.
        out.append(
            trusted(
                Recommendation,
                dict(
                    variant=variant,
                    variants=tuple(variants[i] for i in involved),
                    therapy=trusted(Therapy, {"drugs": rule.therapy, "name": rule.therapy_name}),
                    level=best.level,
                    effect=effect,
                    tier=_tier(best.level, best.off_label),
                    escat=rule.escat or _escat(best.level, best.off_label, _specific(rule)),
                    evidence=_unique_citations(members),
                    rule_id=rule.id,
                    source=rule.source,
                    match=trusted(
                        MatchDetail,
                        dict(
                            granularity=best.pattern.granularity,
                            pattern=best.pattern.text,
                            tumor_path=tumor_path,
                            included_by=included_by,
                            tumor_specific=_specific(rule),
                            off_label=best.off_label,
                        ),
                    ),
                    rationale=tuple(sentences),
                    supporting_rules=tuple(supporting),
                    previously_received=previously,
                    conflicts=(),
                ),
            )
        )
    return out


_SUPPORTING_SHOWN = 5
"""Supporting rules quoted with their summary in a rationale; the others are named."""


def _unique_citations(members: Sequence[Candidate]) -> tuple[Citation, ...]:
    seen: dict[tuple[object, ...], Citation] = {}
    for member in members:
        for c in member.rule.evidence:
            seen.setdefault((c.pmid, c.fda, c.guideline, c.doi, c.url, c.abstract, c.civic), c)
    return tuple(seen.values())


def _conflicting(sensitive: Recommendation, resistant: Recommendation) -> bool:
    # Resistance to every drug of the sensitive therapy is a conflict (erlotinib vs
    # erlotinib). Resistance to one partner of a combination is not: anti-EGFR
    # monotherapy fails in BRAF V600E colorectal cancer, which is why encorafenib +
    # cetuximab exists.
    return _drug_set(sensitive.therapy.drugs) <= _drug_set(resistant.therapy.drugs)


def _mark_conflicts(recommendations: list[Recommendation]) -> list[Recommendation]:
    sensitive = [r for r in recommendations if r.effect == "sensitivity"]
    resistant = [r for r in recommendations if r.effect == "resistance"]
    if not resistant or not sensitive:
        return recommendations
    # A conflict needs every drug of the sensitive therapy in the resistant one, so
    # looking up resistances by any one drug of the sensitive therapy finds them all.
    by_drug: dict[str, list[Recommendation]] = defaultdict(list)
    for r in resistant:
        for drug in r.therapy.drugs:
            by_drug[drug].append(r)
    against: dict[int, list[Recommendation]] = defaultdict(list)  # id(resistant) -> sensitive
    out: list[Recommendation] = []
    for r in recommendations:
        if r.effect != "sensitivity":
            continue
        found = [x for x in by_drug.get(r.therapy.drugs[0], ()) if _conflicting(r, x)]
        for x in found:
            against[id(x)].append(r)
        if found:
            notes = tuple(
                f"conflict: {x.variant} predicts resistance to {x.therapy.name} (level {x.level},"
                f" rule {x.rule_id}); weigh both before choosing this therapy"
                for x in found
            )
            r.__dict__["conflicts"] = notes  # built above by this module, not yet shared
            r.__dict__["rationale"] = r.rationale + notes
    for r in recommendations:
        if r.effect == "resistance" and against.get(id(r)):
            notes = tuple(
                f"conflict: {s.variant} predicts sensitivity to {s.therapy.name} (level {s.level},"
                f" rule {s.rule_id}) while {r.variant} predicts resistance"
                for s in against[id(r)]
            )
            r.__dict__["conflicts"] = notes
            r.__dict__["rationale"] = r.rationale + notes
        out.append(r)
    return out


def _rank_key(r: Recommendation) -> tuple[int, int, int, int, int, str]:
    return (
        level_rank(r.level),
        r.effect != "sensitivity",
        r.previously_received,
        not r.match.tumor_specific,
        r.source != "curated",
        r.therapy.name,
    )


_KIND_WORDS = {
    "nonsense": "truncating mutation (nonsense)",
    "frameshift": "truncating mutation (frameshift)",
    "splice": "splice-site mutation",
    "missense": "missense mutation",
    "amplification": "amplification",
    "deletion": "homozygous deletion",
    "fusion": "fusion",
    "inframe_deletion": "in-frame deletion",
    "inframe_insertion": "in-frame insertion",
    "synonymous": "synonymous change",
}


def _unmatched_reason(variant: Variant, blocked: Iterable[str]) -> str:
    blocked = list(dict.fromkeys(blocked))
    if variant.kind == "biomarker":
        base = {"MSS": "microsatellite stable", "pMMR": "mismatch-repair proficient"}.get(
            variant.alteration
        )
        text = f"{variant}: {base}" if base else str(variant)
    elif variant.kind == "synonymous":
        text = f"{variant}: synonymous change, not expected to alter the protein"
    else:
        what = _KIND_WORDS.get(variant.kind, variant.kind.replace("_", " "))
        role = gene_role(variant.gene) if variant.gene else None
        if role is None:
            gene_part = f"{what} in {variant.gene}, a gene whose cancer role is not curated here"
        elif role.role == "tumor_suppressor":
            likely = (
                "likely oncogenic"
                if variant.kind in ("nonsense", "frameshift", "splice", "deletion")
                else "of uncertain effect"
            )
            gene_part = f"{what} in a tumor suppressor ({likely})"
        else:
            gene_part = f"{what} in an {role.role.replace('_', ' ')}"
        text = f"{variant}: {gene_part}"
    if blocked:
        return (text + ": " if text == str(variant) else text + "; ") + "; ".join(blocked)
    return text + "; no targeted therapy at any level"
