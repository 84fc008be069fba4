"""From matched patterns to ranked, explained recommendations.

The engine says which alteration patterns each variant matched. This module
decides what that means for the patient: tumor context (with OncoKB-style
propagation to level 3B of the biomarker-directed drugs only),
``excluding``/``requires``/``excludes``, conditions on patient facts (HER2, HR,
PD-L1...), biomarker thresholds, origin, prior therapies, merging of rules that
recommend the same therapy, resistance in the same patient that withholds a
therapy, conflicts, ranking, AMP tiers, and a rationale sentence for every step.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any

import yaml

from . import facts as patient_facts
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
from .oncogenicity import classify
from .oncogenicity import describe as describe_variant
from .rules import Pattern, Rule, drug_classes, gene_role

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


@cache
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
    drugs: tuple[str, ...] = ()
    """The drugs offered: the rule's therapy, or its directed drugs off-label."""
    unknown: tuple[str, ...] = ()
    """Conditions on patient facts that were not given (``HR-positive``)."""
    drug_key: frozenset[str] = frozenset()
    """``drugs`` as a set, built once."""


@lru_cache(maxsize=8192)
def _drug_set(therapy: tuple[str, ...]) -> frozenset[str]:
    return frozenset(therapy)


def _therapy_key(rule: Rule) -> frozenset[str]:
    return _drug_set(rule.therapy)


def _offered(c: Candidate) -> frozenset[str]:
    return c.drug_key


def _pattern_text(variant: Variant, pattern: Pattern) -> str:
    # `oncogenic mutations` is one pattern decided by the classifier: quote its reason.
    if pattern.kind == "oncogenic":
        return f"oncogenic mutations ({classify(variant).reason})"
    return pattern.text


def _describe_pattern(variant: Variant, rule: Rule, pattern: Pattern) -> str:
    what = _pattern_text(variant, pattern)
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
        and bool(rule.propagate)
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
        and not _same_disease(rule.tumor.include, tumor.code)
    ):
        return result, True
    return result, False


@lru_cache(maxsize=4096)
def _same_disease(include: tuple[str, ...], code: str) -> tuple[str, ...]:
    """The included codes of the tumor's own OncoTree main type.

    A label that names a sub-type or grade of a disease (vorasidenib in grade 2
    astrocytoma, futibatinib in intrahepatic cholangiocarcinoma, erdafitinib in
    urothelial bladder cancer) leaves the other sub-types and grades of that disease out
    on purpose: grade 4 astrocytoma is not "another tumor type" to extend it to at 3B.
    """
    main_type = tumors.get_tumor(code).main_type
    if main_type is None:
        return ()
    return tuple(
        c for c in include if c not in _GROUPS and tumors.get_tumor(c).main_type == main_type
    )


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
    rules: Mapping[str, Rule] = field(default_factory=dict)
    standing: Mapping[str, tuple[int, int, bool]] = field(default_factory=dict)
    """Per rule id: its position in the rule files, the year of its newest approval
    (or evidence), and whether its line of therapy comes after another treatment."""


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
        rules={r.id: r for r in by_rule},
        standing={r.id: (n, _year(r), _later_line(r.line)) for n, r in enumerate(by_rule)},
        sentences={
            r.id: (r.summary.strip(), "evidence: " + "; ".join(str(c) for c in r.evidence))
            for r in by_rule
        },
    )


_LATER_LINE_RE = re.compile(
    r"\b(?:after|following|previously treated|progress\w*|relapsed|refractory|prior|"
    r"second[- ]line|subsequent|recurrence)\b",
    re.IGNORECASE,
)


def _later_line(line: str | None) -> bool:
    """Whether a rule's line of therapy needs an earlier treatment ("after progression
    on..."); "first line" wins when both are said."""
    if not line or "first line" in line.lower() or "first-line" in line.lower():
        return False
    return _LATER_LINE_RE.search(line) is not None


def _year(rule: Rule) -> int:
    """The year of the rule's newest FDA label (its approval), else of its newest
    dated evidence; 0 when none is dated."""
    labels = [c.year for c in rule.evidence if c.fda and c.year]
    dated = labels or [c.year for c in rule.evidence if c.year]
    return max(dated, default=0)


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
) -> tuple[list[Recommendation], list[Unmatched], list[str], list[Recommendation]]:
    """Turn pattern hits (pattern positions per variant) into recommendations,
    unmatched variants, warnings, and the sensitivity recommendations withheld because
    the patient's own alterations predict resistance to them."""
    warnings: list[str] = []
    # Which variants matched a pattern: used for requires/excludes/excluding.
    matched_by: dict[int, set[int]] = defaultdict(set)
    for number, found in enumerate(hits):
        for pattern in found:
            matched_by[pattern].add(number)

    candidates: list[Candidate] = []
    blocked = _Blocked()
    # Per variant: drugs (or drug classes) that rules for this tumor rule out, and why.
    exclusions: dict[int, list[_Exclusion]] = defaultdict(list)
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
    recommendations = _merge(index, candidates, variants, tumor, options)
    recommendations, contraindicated = _withhold(index, recommendations)
    recommendations, support = _join_alterations(index, recommendations)
    recommendations = _mark_conflicts(recommendations)
    if options.max_level is not None:
        limit = level_rank(options.max_level)
        recommendations = [r for r in recommendations if level_rank(r.level) <= limit]
        contraindicated = [r for r in contraindicated if level_rank(r.level) <= limit]
    order = _ranking(index, options, support)
    recommendations.sort(key=order)
    contraindicated.sort(key=order)

    covered = {id(v) for r in (*recommendations, *contraindicated) for v in r.variants}
    covered.update(id(r.variant) for r in (*recommendations, *contraindicated))
    unmatched = [
        Unmatched(variant=v, reason=_unmatched_reason(v, blocked.describe(i)))
        for i, v in enumerate(variants)
        if id(v) not in covered
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
    return recommendations, unmatched, warnings, contraindicated


@dataclass(frozen=True)
class _Exclusion:
    """Drugs a rule for this tumor rules out for one variant: they may not come back
    as an off-label offer from another tumor type."""

    drugs: frozenset[str]
    classes: frozenset[str]
    """Drug classes ruled out too (the label's population excludes the patient)."""
    reason: str

    def hits(self, drugs: frozenset[str]) -> bool:
        return bool(drugs & self.drugs) or bool(
            self.classes and drug_classes(tuple(sorted(drugs))) & self.classes
        )


@dataclass(frozen=True)
class _Context:
    """What every rule check of one evaluation needs."""

    index: RuleIndex
    matched_by: Mapping[int, set[int]]
    variants: Sequence[Variant]
    tumor: TumorType | None
    options: Options
    blocked: _Blocked
    exclusions: dict[int, list[_Exclusion]]
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


_HER2_POSITIVE_KINDS = frozenset({"amplification", "overexpression"})


def _conditions(ctx: _Context, rule: Rule) -> str | tuple[list[str], tuple[str, ...]]:
    """Check a rule's conditions on patient facts: the sentence of the first one the
    patient contradicts, or the sentences of those met and the conditions not given.

    An ERBB2 amplification or overexpression among the patient's alterations is HER2-
    positive disease whatever the facts say: it contradicts a HER2-negative (low,
    ultralow, zero) condition."""
    met: list[str] = []
    unknown: list[str] = []
    for condition in rule.conditions:
        if condition.key == "HER2" and condition.expected != "positive":
            erbb2 = next(
                (v for v in ctx.variants if v.gene == "ERBB2" and v.kind in _HER2_POSITIVE_KINDS),
                None,
            )
            if erbb2 is not None:
                return (
                    f"requires {condition} disease: {erbb2} is reported (HER2-positive "
                    "disease), so it does not apply"
                )
        result = patient_facts.check(condition, ctx.options.facts)
        if result.state == "contradicted":
            return result.sentence
        if result.state == "met":
            met.append(result.sentence)
        else:
            unknown.append(str(condition))
    return met, tuple(unknown)


def _consider(ctx: _Context, rule: Rule, index: int, pattern: Pattern) -> Candidate | None:
    blocked = ctx.blocked
    # The tumor first: most rules behind a common alteration belong to other tumor
    # types, and the answer is cached per context.
    tumor_match, off_label = _tumor_step(rule, ctx.tumor, pattern, ctx.tumor_match(rule))
    if not tumor_match.matched and not off_label:
        if tumor_match.excluded_by:
            ctx.exclusions[index].append(
                _Exclusion(
                    _drug_set(rule.directed),
                    frozenset(),
                    f"rule {rule.id} excludes {tumor_match.excluded_by}",
                )
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
                same = _same_disease(rule.tumor.include, ctx.tumor.code)
                if same and rule.effect == "sensitivity":
                    blocked.add(
                        index,
                        f"rule {rule.id} ({rule.therapy_name}, level {rule.level}) is "
                        f"limited to {', '.join(same)} within "
                        f"{tumors.get_tumor(same[0]).main_type}; {ctx.tumor.code} is left out "
                        "of that label, so it is not offered off-label here",
                    )
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
    unknown: tuple[str, ...] = ()
    if rule.conditions:
        checked = _conditions(ctx, rule)
        if isinstance(checked, str):
            if not off_label:
                # The label's population excludes this patient (gBRCA breast cancer that
                # is HER2-positive): no drug of the same class comes back off-label.
                ctx.exclusions[index].append(
                    _Exclusion(
                        _drug_set(rule.directed),
                        drug_classes(rule.directed),
                        f"rule {rule.id} for this tumor {checked.split(':')[0]}",
                    )
                )
            blocked.add(
                index,
                f"rule {rule.id} ({rule.therapy_name}, level {rule.level}) does not apply: "
                + checked,
            )
            return None
        met, unknown = checked
        notes.extend(met)
        if off_label:
            # The label's population (HR-positive breast cancer) is stated with the
            # evidence; it is not a condition to confirm in another tumor type.
            unknown = ()
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
        drugs=rule.propagate if off_label else rule.therapy,
        unknown=unknown,
        drug_key=_drug_set(rule.propagate if off_label else rule.therapy),
    )


def _drop_contradicted_propagation(
    candidates: list[Candidate],
    blocked: _Blocked,
    exclusions: Mapping[int, list[_Exclusion]],
) -> list[Candidate]:
    """Off-label 3B offers must not contradict or repeat what is known for this tumor.

    A partner-stripped offer whose drugs travel in a fuller off-label regimen for the
    same variant is dropped too. A rule that explicitly excludes the tumor for one of
    the offered drugs, or an
    on-label rule predicting resistance of the same alteration to one of them,
    outweighs an extrapolation from another tumor type (the reason is kept for the
    report). An offer whose drugs are all part of an on-label sensitivity
    recommendation for the same variant adds nothing (dabrafenib alone from melanoma
    next to dabrafenib + trametinib level 1).
    """
    if not any(c.off_label for c in candidates):
        return candidates
    # Per variant: the drug sets of on-label resistance and sensitivity, and of the
    # off-label offers, built once (a patient has a few hundred candidates at most).
    resistant: dict[int, list[tuple[frozenset[str], str]]] = defaultdict(list)
    sensitive: dict[int, list[frozenset[str]]] = defaultdict(list)
    offered: dict[int, list[frozenset[str]]] = defaultdict(list)
    for c in candidates:
        if c.off_label:
            offered[c.variant_index].append(_offered(c))
        elif c.rule.effect == "resistance":
            resistant[c.variant_index].append((_offered(c), c.rule.id))
        else:
            sensitive[c.variant_index].append(_offered(c))
    kept: list[Candidate] = []
    for c in candidates:
        if not c.off_label:
            kept.append(c)
            continue
        number = c.variant_index
        drugs = _offered(c)
        why = next((e.reason for e in exclusions.get(number, ()) if e.hits(drugs)), None)
        if why is None:
            why = next(
                (
                    f"rule {rule_id} predicts resistance in this tumor"
                    for resisted, rule_id in resistant.get(number, ())
                    if drugs & resisted
                ),
                None,
            )
        if why:
            blocked.add(
                number,
                f"{' + '.join(c.drugs)} is not offered off-label from rule {c.rule.id}: {why}",
            )
            continue
        if any(drugs <= other for other in sensitive.get(number, ())):
            continue
        if len(c.drugs) < len(c.rule.therapy) and any(
            drugs < other for other in offered.get(number, ())
        ):
            # Encorafenib stripped of cetuximab adds nothing next to encorafenib +
            # binimetinib offered whole from melanoma.
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


def _candidate_order(index: RuleIndex) -> Callable[[Candidate], tuple[int, ...]]:
    def key(c: Candidate) -> tuple[int, ...]:
        position, year, _later = index.standing.get(c.rule.id, (0, 0, False))
        # Curated before imported, then the stronger level, on-label and tumor-specific
        # first, conditions met first; among equals the strongest original level, the
        # newest approval, then the curators' order in the rule files.
        return (
            c.rule.source != "curated",
            level_rank(c.level),
            c.off_label,
            not _specific(c.rule),
            bool(c.unknown),
            level_rank(c.rule.level),
            len(c.drugs) < len(c.rule.therapy),
            -year,
            position,
        )

    return key


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
            curated_effects[(c.variant_index, _offered(c))].add(c.rule.effect)
    kept: list[Candidate] = []
    notes: dict[tuple[int, frozenset[str]], list[str]] = defaultdict(list)
    for c in candidates:
        key = (c.variant_index, _offered(c))
        effects = curated_effects.get(key)
        if c.rule.source != "curated" and effects and c.rule.effect not in effects:
            notes[key].append(
                f"{c.rule.source} rule {c.rule.id} (level {c.level}) reports {c.rule.effect}; "
                "the curated rule takes precedence"
            )
            continue
        kept.append(c)
    return kept, notes


_LEVEL_WORDS = {
    "1": "FDA-approved",
    "2": "recommended by guidelines",
    "3A": "supported by clinical evidence",
}


def _off_label_sentence(rule: Rule, drugs: tuple[str, ...], tumor: TumorType | None) -> str:
    """What the evidence for an off-label offer is, in one sentence."""
    where = ", ".join(f"{tumors.get_tumor(c).name} ({c})" for c in rule.tumor.include)
    population = (
        f" for {', '.join(str(c) for c in rule.conditions)} disease" if rule.conditions else ""
    )
    offered = " + ".join(drugs)
    here = f"{tumor.name} ({tumor.code})" if tumor is not None else "this tumor"
    text = (
        f"{rule.therapy_name} is {_LEVEL_WORDS.get(rule.level, 'supported')} in {where}"
        f"{population} (level {rule.level}); {offered} is offered as 3B for {here}: "
        "off-label use in another solid tumor type"
    )
    left = [d for d in rule.therapy if d not in drugs]
    if left:
        text += f", without {' + '.join(left)}, whose use belongs to that indication"
    return text


def _merge(
    index: RuleIndex,
    candidates: Sequence[Candidate],
    variants: Sequence[Variant],
    tumor: TumorType | None,
    options: Options,
) -> list[Recommendation]:
    texts = index.sentences
    candidates, overruled = _curated_precedence(candidates)
    groups: dict[tuple[int, frozenset[str], str], list[Candidate]] = defaultdict(list)
    for c in candidates:
        groups[(c.variant_index, _offered(c), c.rule.effect)].append(c)
    order = _candidate_order(index)
    out: list[Recommendation] = []
    for (number, drugs, effect), members in groups.items():
        if len(members) > 1:
            members.sort(key=order)
        best = members[0]
        rule = best.rule
        variant = variants[number]
        sentences: list[str] = []
        conditions: tuple[str, ...] = ()
        if best.unknown:
            # The first thing a reader sees: what must be confirmed before use.
            sentences.append(
                f"requires {', '.join(best.unknown)} disease: not given; confirm before use"
            )
            conditions = tuple(f"requires {c} disease: not given" for c in best.unknown)
        if variant.reading:  # how the report line was read (MET c.3028+1G>A: exon 14 skipping)
            sentences.append(variant.reading)
        sentences.append(_describe_pattern(variant, rule, best.pattern))
        if best.off_label:
            sentences.append(_off_label_sentence(rule, best.drugs, tumor))
        elif best.tumor_match is not None:
            sentences.extend(best.tumor_match.reasons)
        sentences.extend(best.sentences)
        sentences.append(f"level {best.level}: {level_description(best.level)}")
        sentences.extend(texts[rule.id])
        sentences.extend(overruled.get((number, drugs), ()))
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
        previously = False
        if options.prior_therapies and effect == "sensitivity":
            given = options.prior_therapies & drugs
            if given:
                # A regimen built on a drug already received (erlotinib + ramucirumab
                # after erlotinib) is marked; a shared partner (a platinum) is only said.
                directed = drugs if best.off_label else _drug_set(rule.directed)
                previously = bool(given & directed)
                sentences.append(
                    f"the patient has already received {', '.join(sorted(given))}"
                    + (
                        ""
                        if given == drugs or not previously
                        else ", on which this regimen is built"
                    )
                )
        tumor_path: tuple[str, ...] = ()
        included_by = best.tumor_match.included_by if best.tumor_match else None
        if tumor is not None:
            lineage = tumor.lineage()
            if included_by in lineage:
                tumor_path = lineage[: lineage.index(included_by) + 1]
            else:
                tumor_path = lineage
        involved = (number, *[i for i in best.partners if i != number])
        # Every field below comes from validated models; skip re-validating them.
        out.append(
            trusted(
                Recommendation,
                dict(
                    variant=variant,
                    variants=tuple(variants[i] for i in involved),
                    therapy=trusted(Therapy, {"drugs": best.drugs, "name": " + ".join(best.drugs)}),
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
                            pattern=_pattern_text(variant, best.pattern),
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
                    conditions=conditions,
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


def _directed(index: RuleIndex, rec: Recommendation) -> frozenset[str]:
    """The drugs of a recommendation that carry its effect against the biomarker."""
    rule = index.rules.get(rec.rule_id)
    if rec.match.off_label or rule is None:
        return _drug_set(rec.therapy.drugs)
    return _drug_set(rule.directed)


def _set(rec: Recommendation, **values: object) -> None:
    # Recommendations are built by this module and not yet shared: completing them in
    # place avoids rebuilding frozen models on the hot path.
    rec.__dict__.update(values)


def _withhold(
    index: RuleIndex, recommendations: list[Recommendation]
) -> tuple[list[Recommendation], list[Recommendation]]:
    """Resistance in the same patient wins over sensitivity.

    A curated resistance recommendation (R1/R2, in this tumor) against a drug (or a
    combination) withholds every sensitivity recommendation containing it (all of it): the
    recommendation leaves the options for the contraindicated list, and both rationales name
    both rules. One exception keeps a regimen: the resisted drug is a *partner* of the
    regimen (not a drug directed at the biomarker) and the resistance is predicted by the
    very alteration the regimen was designed and tested for. BRAF V600E predicts resistance
    to cetuximab alone in colorectal cancer, which is why encorafenib + cetuximab exists;
    KRAS G12C predicts resistance to panitumumab alone, and sotorasib + panitumumab was
    tested in KRAS G12C colorectal cancer. A second alteration that predicts resistance to
    the partner (a KRAS mutation next to BRAF V600E) was not part of that evidence and
    withholds the regimen.
    """
    resistant = [r for r in recommendations if r.effect == "resistance" and r.source == "curated"]
    if not resistant:
        return recommendations, []
    by_drug: dict[str, list[Recommendation]] = defaultdict(list)
    for r in resistant:
        for drug in r.therapy.drugs:
            by_drug[drug].append(r)
    options: list[Recommendation] = []
    withheld: list[Recommendation] = []
    held_by: dict[int, list[str]] = defaultdict(list)
    used_by: dict[int, list[str]] = defaultdict(list)
    for s in recommendations:
        if s.effect != "sensitivity":
            options.append(s)
            continue
        against: list[tuple[str, Recommendation]] = []
        premise: list[tuple[str, Recommendation]] = []
        directed: frozenset[str] | None = None
        drugs = _drug_set(s.therapy.drugs)
        seen: set[int] = set()
        for drug in s.therapy.drugs:
            for r in by_drug.get(drug, ()):
                resisted = _drug_set(r.therapy.drugs)
                # Resistance to a combination is resistance to that combination: R2 for
                # encorafenib + binimetinib in colorectal cancer says nothing against
                # encorafenib + cetuximab. Only an option holding every drug of the
                # resisted therapy is affected.
                if id(r) in seen or not resisted <= drugs:
                    continue
                seen.add(id(r))
                if directed is None:
                    directed = _directed(index, s)
                if resisted.isdisjoint(directed) and r.variant in s.variants:
                    premise.append((r.therapy.name, r))
                else:
                    against.append((r.therapy.name, r))
        if against:
            notes = tuple(
                f"withheld: {r.variant} predicts resistance to {drug} (level {r.level}, rule "
                f"{r.rule_id}); {s.therapy.name} (level {s.level} for {s.variant}, rule "
                f"{s.rule_id}) is not an option for this patient"
                for drug, r in against
            )
            _set(s, rationale=notes + s.rationale, conflicts=s.conflicts + notes)
            withheld.append(s)
            for drug, r in against:
                held_by[id(r)].append(
                    f"withholds {s.therapy.name} (level {s.level} for {s.variant}, rule "
                    f"{s.rule_id}): this patient's {r.variant} predicts resistance to {drug}"
                )
            continue
        if premise:
            assert directed is not None
            names = " + ".join(d for d in s.therapy.drugs if d in directed)
            notes = tuple(
                f"{r.variant} predicts resistance to {drug} given without {names} (level "
                f"{r.level}, rule {r.rule_id}); here {drug} is given with {names}, as in the "
                f"evidence for {s.variant}, so the regimen stays an option"
                for drug, r in premise
            )
            _set(s, rationale=s.rationale + notes)
            for drug, r in premise:
                used_by[id(r)].append(
                    f"{drug} is used for {s.variant} only together with {names} "
                    f"({s.therapy.name}, level {s.level}, rule {s.rule_id}); this resistance "
                    f"applies to {drug} without it"
                )
        options.append(s)
    for r in resistant:
        extra = (*held_by.get(id(r), ()), *dict.fromkeys(used_by.get(id(r), ())))
        if extra:
            _set(r, rationale=r.rationale + tuple(extra))
            if held_by.get(id(r)):
                _set(r, conflicts=r.conflicts + tuple(held_by[id(r)]))
    return options, withheld


def _strength(r: Recommendation) -> tuple[int, bool, bool, bool]:
    return (level_rank(r.level), r.match.off_label, r.source != "curated", bool(r.conditions))


def _join_alterations(
    index: RuleIndex, recommendations: list[Recommendation]
) -> tuple[list[Recommendation], dict[int, int]]:
    """One therapy is one option: when several of the patient's alterations support
    the same therapy (lorlatinib for an ALK fusion at level 1 and for ALK G1202R at
    level 2), the strongest recommendation takes the others in as support. Returns the
    recommendations and, per joined recommendation (by ``id``), how many other rules
    for other alterations support it."""
    seen: dict[frozenset[str], Recommendation] = {}
    dupes = False
    for r in recommendations:
        if r.effect != "sensitivity":
            continue
        key = _drug_set(r.therapy.drugs)
        if key in seen:
            dupes = True
            break
        seen[key] = r
    if not dupes:
        return recommendations, {}
    support: dict[int, int] = {}
    groups: dict[frozenset[str], list[Recommendation]] = defaultdict(list)
    for r in recommendations:
        if r.effect == "sensitivity":
            groups[_drug_set(r.therapy.drugs)].append(r)
    out: list[Recommendation] = []
    for r in recommendations:
        if r.effect != "sensitivity":
            out.append(r)
            continue
        group = groups[_drug_set(r.therapy.drugs)]
        if len(group) == 1:
            out.append(r)
            continue
        if r is not min(group, key=_strength):
            continue
        rest = [o for o in sorted(group, key=_strength) if o is not r]
        variants = tuple(dict.fromkeys((*r.variants, *(v for o in rest for v in o.variants))))
        supporting = tuple(
            dict.fromkeys(
                (*r.supporting_rules, *(i for o in rest for i in (o.rule_id, *o.supporting_rules)))
            )
        )
        evidence: dict[Citation, None] = dict.fromkeys(r.evidence)
        for o in rest:
            evidence.update(dict.fromkeys(o.evidence))
        notes = tuple(
            f"the same rule also applies to {o.variant}"
            if o.rule_id == r.rule_id
            else f"also supported for {o.variant}: rule {o.rule_id} (level {o.level}"
            + (", off-label" if o.match.off_label else "")
            + f"): {index.sentences[o.rule_id][0]}"
            for o in rest
        )
        # One rule matching two alterations (a class rule) is one piece of evidence.
        support[id(r)] = len({o.rule_id for o in rest} - {r.rule_id})
        _set(
            r,
            variants=variants,
            supporting_rules=supporting,
            evidence=tuple(evidence),
            rationale=r.rationale + notes,
            conflicts=r.conflicts + tuple(c for o in rest for c in o.conflicts),
        )
        out.append(r)
    return out, support


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


def _ranking(
    index: RuleIndex, options: Options, support: Mapping[int, int]
) -> Callable[[Recommendation], tuple[int, ...]]:
    """The order of recommendations a clinician would agree with.

    By level (sensitivity before resistance at equal rank); within a level: conditions
    on patient facts met before conditions still to confirm, no conflict before a
    conflict, therapies not yet received first, the biomarker-specific rule before a
    tumor-agnostic one, a therapy more of the patient's alterations support first, then
    the current standard: a first-line regimen before one that needs an earlier
    treatment (unless the patient has had one), the newest approval before older ones,
    curated before imported, and last the curators' order in the rule files. Never
    alphabetical."""
    untreated = not options.prior_therapies and options.facts.line in (None, 1)

    def key(r: Recommendation) -> tuple[int, ...]:
        position, year, later = index.standing.get(r.rule_id, (0, 0, False))
        return (
            level_rank(r.level),
            r.effect != "sensitivity",
            bool(r.conditions),
            bool(r.conflicts),
            r.previously_received,
            not r.match.tumor_specific,
            -support.get(id(r), 0),
            untreated and later,
            -year,
            r.source != "curated",
            position,
        )

    return key


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
    elif (known := describe_variant(variant)) is not None:
        text = f"{variant}: {known}"  # curated benign, neutral or pathogenic (oncogenicity.py)
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
