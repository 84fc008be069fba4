"""The rule engine: alteration patterns compiled into durable_rules rulesets.

This is the only module that imports durable_rules. Its interface is small on
purpose, so the matcher can be replaced without touching rule files or reports:

* :func:`compile_patterns` turns patterns into a :class:`CompiledPatterns`
  (plain data: ruleset definitions per partition, validated against the engine's
  limits);
* :meth:`Matcher.match` runs variants through it and returns, for each variant,
  the patterns it matched.

durable_rules 2.0.28 has hard limits (see ``docs/engine.md``). They are enforced
here, at compile time, so no user ever meets a hang or a crash:

* identical conditions are compiled once (256 identical conditions segfault);
* rulesets are partitioned by gene (biomarkers apart) and split into buckets so no
  condition node has more than :data:`MAX_FANOUT` distinct tests (512 loop forever);
* every bucket is checked for the number of conditions one fact can match (64);
* facts are flat, carry a unique ``id`` and are retracted after each evaluation,
  in one long-lived session per ruleset (1,024 live sessions raise MemoryError;
  ``delete_state`` segfaults in a fresh session, so sessions are never deleted);
* the Host's background dispatcher is disabled and one lock guards every engine
  call (its timer threads segfault next to application threads);
* actions take exactly one parameter (two silently make them asynchronous).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import operator
import threading
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .errors import EngineLimitError
from .models import Variant
from .oncogenicity import counts_as_oncogenic_mutation

__all__ = [
    "MAX_CONDITIONS_PER_FACT",
    "MAX_FANOUT",
    "MAX_RULES_PER_RULESET",
    "CompiledPatterns",
    "Engine",
    "Matcher",
    "collect_patterns",
    "compile_patterns",
    "condition_for",
    "evaluate_condition",
    "fact_for",
    "partitions_for_variant",
]

# Engine limits, with a margin below the measured breaking points.
MAX_FANOUT = 400  # breaks at 512 distinct tests under one node
MAX_RULES_PER_RULESET = 2000  # breaks above 4,096
MAX_CONDITIONS_PER_FACT = 60  # breaks above 64
MAX_FACT_KEYS = 200  # breaks above 253

Condition = dict[str, Any]


# --------------------------------------------------------------------------- conditions
def _one_of(key: str, values: Iterable[str]) -> Condition:
    tests = [{key: v} for v in sorted(set(values))]
    return tests[0] if len(tests) == 1 else {"$or": tests}


def _within(lo: int, hi: int) -> Condition:
    # A change lies inside [lo, hi] when it starts and ends there; `e` defaults to
    # the start position for single-residue changes (see fact_for).
    return {"$and": [{"$gte": {"p": lo}}, {"$lte": {"e": hi}}]}


def condition_for(pattern: Any) -> Condition:
    """The durable_rules condition (plain JSON) for one :class:`~actionable.rules.Pattern`.

    >>> from actionable.rules import parse_pattern
    >>> condition_for(parse_pattern("V600E", "BRAF")[0])
    {'$and': [{'k': 'missense'}, {'c': 'V600E'}]}
    >>> condition_for(parse_pattern("truncating mutations", "BRCA2")[0])["$and"][-2]
    {'$neq': {'c': 'c.9976A>T'}}
    """
    condition = _base_condition(pattern)
    # A gene's truncation cut-off and its known benign variants narrow any class,
    # range or exon pattern (see rules.Pattern.before and .not_alterations).
    extra: list[Condition] = []
    before = getattr(pattern, "before", None)
    if before is not None:
        extra.append({"$or": [{"$lte": {"p": before - 1}}, {"$nex": {"p": 1}}]})
    extra.extend({"$neq": {"c": a}} for a in getattr(pattern, "not_alterations", ()))
    if not extra:
        return condition
    parts = condition["$and"] if set(condition) == {"$and"} else [condition]
    return {"$and": [*parts, *extra]}


def _base_condition(pattern: Any) -> Condition:
    kind = pattern.kind
    if kind == "biomarker":
        tests: list[Condition] = [{"k": "biomarker"}, {"b": pattern.biomarker}]
        if pattern.threshold is None:
            tests.append({"c": pattern.alteration})
        # Numeric thresholds are checked by the resolver, which can explain them
        # and apply per-call overrides; the engine only routes TMB facts.
        return {"$and": tests}
    if kind == "any":
        return {"$ex": {"k": 1}}
    if kind == "oncogenic":
        return {"o": 1}
    if kind == "exact" or kind == "wildtype":
        return {"$and": [{"k": pattern.variant_kind}, {"c": pattern.alteration}]}
    if kind == "fusion":
        if pattern.partners:
            return {
                "$and": [{"k": "fusion"}, {"c": " ".join(("::".join(pattern.partners), "fusion"))}]
            }
        return {"k": "fusion"}
    if kind == "class":
        return _one_of("k", pattern.kinds)
    if kind in ("codon", "codons"):
        spans = [_within(lo, hi) if lo != hi else {"p": lo} for lo, hi in pattern.ranges]
        where = spans[0] if len(spans) == 1 else {"$or": spans}
        return {"$and": [_one_of("k", pattern.kinds), where]}
    if kind == "exon":
        lo, hi = pattern.ranges[0]
        inside = {"$and": [_one_of("k", pattern.kinds), _within(lo, hi)]}
        if pattern.variant_kind:
            stated = {"$and": [{"k": pattern.variant_kind}, {"x": pattern.exon}]}
            return {"$or": [stated, inside]}
        return inside
    raise EngineLimitError(f"pattern kind {kind!r} has no engine condition", (pattern.text,))


def fact_for(variant: Variant) -> dict[str, Any]:
    """The flat fact posted to the engine for one variant (no ``sid``/``id`` yet).

    >>> import actionable
    >>> fact_for(actionable.parse_variant("EGFR E746_A750del"))
    {'k': 'inframe_deletion', 'c': 'E746_A750del', 'p': 746, 'e': 750, 'o': 1}
    """
    fact: dict[str, Any] = {"k": variant.kind, "c": variant.alteration}
    if variant.position is not None:
        fact["p"] = variant.position
        fact["e"] = variant.end_position if variant.end_position is not None else variant.position
    if variant.exon is not None:
        fact["x"] = variant.exon
    if variant.biomarker is not None:
        fact["b"] = variant.biomarker
    if counts_as_oncogenic_mutation(variant):
        fact["o"] = 1  # what `oncogenic mutations` matches (oncogenicity.classify)
    return fact


def partitions_for_variant(variant: Variant) -> tuple[str, ...]:
    """Partition keys a variant's fact is posted to: its genes, or its biomarker."""
    if variant.kind == "biomarker":
        return (f"biomarker:{variant.biomarker}",)
    if variant.genes:
        return tuple(dict.fromkeys(variant.genes))
    return (variant.gene,) if variant.gene else ()


def _partition_of(pattern: Any) -> str:
    if pattern.kind == "biomarker":
        return f"biomarker:{pattern.biomarker}"
    return str(pattern.gene)


def evaluate_condition(condition: Condition, fact: Mapping[str, Any]) -> bool:
    """Evaluate a condition on a fact in plain Python, with durable_rules' semantics
    for the operators we emit. Used to check limits at compile time and in tests.

    >>> evaluate_condition({"$and": [{"k": "missense"}, {"p": 600}]}, {"k": "missense", "p": 600})
    True
    """
    if "$and" in condition:
        return all(evaluate_condition(c, fact) for c in condition["$and"])
    if "$or" in condition:
        return any(evaluate_condition(c, fact) for c in condition["$or"])
    if "$ex" in condition:
        return all(k in fact for k in condition["$ex"])
    if "$nex" in condition:
        return not any(k in fact for k in condition["$nex"])
    if "$neq" in condition:
        ((key, value),) = condition["$neq"].items()
        return key not in fact or fact[key] != value
    for op, cmp in (("$gte", operator.ge), ("$lte", operator.le)):
        if op in condition:
            ((key, bound),) = condition[op].items()
            return key in fact and bool(cmp(fact[key], bound))
    ((key, expected),) = condition.items()
    return key in fact and bool(fact[key] == expected)


# --------------------------------------------------------------------------- compile
@dataclass(frozen=True)
class _Bucket:
    name: str
    definition: dict[str, Any]
    conditions: tuple[str, ...]  # engine-rule name -> index in CompiledPatterns.groups


@dataclass(frozen=True)
class CompiledPatterns:
    """Patterns compiled for the engine: plain data, picklable, engine-agnostic.

    ``groups[name]`` lists the pattern indices an engine rule stands for (patterns
    with an identical condition share one engine rule).
    """

    patterns: tuple[Any, ...]
    groups: Mapping[str, tuple[int, ...]]
    partitions: Mapping[str, tuple[_Bucket, ...]]
    conditions: Mapping[str, Condition] = field(repr=False)

    @property
    def stats(self) -> dict[str, int]:
        """Sizes, for benchmarks and ``actionable rules stats``."""
        buckets = [b for bs in self.partitions.values() for b in bs]
        return {
            "patterns": len(self.patterns),
            "engine_rules": len(self.groups),
            "partitions": len(self.partitions),
            "rulesets": len(buckets),
            "largest_ruleset": max((len(b.conditions) for b in buckets), default=0),
        }


def _tests(condition: Condition) -> list[str]:
    """The sequence of node tests durable_rules builds for a condition."""
    parts = condition["$and"] if "$and" in condition and len(condition) == 1 else [condition]
    return [json.dumps(p, sort_keys=True) for p in parts]


def _weight(test: str) -> int:
    """How many tests one node test becomes in the network: an ``$or`` is expanded into
    its alternatives (512 codons in one rule are 512 tests under one node)."""
    if not test.startswith('{"$or"'):
        return 1
    return max(1, sum(_weight(json.dumps(c, sort_keys=True)) for c in json.loads(test)["$or"]))


class _FanoutTrie:
    """Counts distinct tests under each node, as durable_rules' network shares them
    (an ``$or`` counting as its alternatives)."""

    def __init__(self) -> None:
        self.children: dict[tuple[str, ...], dict[str, int]] = defaultdict(dict)
        self.broad = 0

    def fanout_if_added(self, tests: Sequence[str]) -> int:
        worst = 0
        for depth, test in enumerate(tests):
            node = tuple(tests[:depth])
            have = self.children.get(node, {})
            total = sum(have.values()) + (0 if test in have else _weight(test))
            worst = max(worst, total)
        return worst

    def add(self, tests: Sequence[str]) -> None:
        for depth, test in enumerate(tests):
            self.children[tuple(tests[:depth])][test] = _weight(test)


def _witness_facts(condition: Condition) -> list[dict[str, Any]]:
    """Facts that satisfy a condition, to count how many conditions one fact can fire."""
    facts: list[dict[str, Any]] = [{}]

    def expand(cond: Condition, current: list[dict[str, Any]]) -> list[dict[str, Any]]:
        if "$and" in cond:
            for c in cond["$and"]:
                current = expand(c, current)
            return current
        if "$or" in cond:
            return [f for c in cond["$or"] for f in expand(c, [dict(x) for x in current])]
        if "$ex" in cond:
            return [{**f, "k": f.get("k", "missense")} for f in current]
        if "$nex" in cond:
            return [{k: v for k, v in f.items() if k not in cond["$nex"]} for f in current]
        if "$neq" in cond:
            return current  # a witness with another value (or none) satisfies it
        if "$gte" in cond:
            ((key, bound),) = cond["$gte"].items()
            return [{**f, key: max(f.get(key, bound), bound)} for f in current]
        if "$lte" in cond:
            ((key, bound),) = cond["$lte"].items()
            return [{**f, key: min(f.get(key, bound), bound)} for f in current]
        return [{**f, **cond} for f in current]

    out: list[dict[str, Any]] = []
    for f in expand(condition, facts):
        # Single-residue changes at either end of a span are the likeliest to overlap.
        if "p" in f or "e" in f:
            start, end = f.get("p", f.get("e")), f.get("e", f.get("p"))
            out.extend(
                (
                    {**f, "p": start, "e": end},
                    {**f, "p": start, "e": start},
                    {**f, "p": end, "e": end},
                )
            )
        else:
            out.append(f)
    return out[:48]


def compile_patterns(patterns: Sequence[Any], *, prefix: str | None = None) -> CompiledPatterns:
    """Compile patterns into partitioned, limit-checked ruleset definitions.

    Raises :class:`~actionable.errors.EngineLimitError` naming the patterns when a
    limit cannot be met by splitting.

    >>> from actionable.rules import parse_pattern
    >>> compiled = compile_patterns(parse_pattern("V600E", "BRAF") + parse_pattern("V600", "BRAF"))
    >>> compiled.stats["rulesets"]
    1
    """
    conditions: dict[str, Condition] = {}
    members: dict[str, list[int]] = defaultdict(list)
    by_partition: dict[str, list[str]] = defaultdict(list)
    for index, pattern in enumerate(patterns):
        condition = condition_for(pattern)
        key = json.dumps(condition, sort_keys=True)
        partition = _partition_of(pattern)
        group_key = f"{partition}|{key}"
        if group_key not in conditions:
            conditions[group_key] = condition
            by_partition[partition].append(group_key)
        members[group_key].append(index)

    if prefix is None:
        # Ruleset names derive from their content: the same rules compiled twice (or
        # read back from the disk cache) reuse the rulesets already in the Host.
        digest = hashlib.sha1(usedforsecurity=False)
        for key in sorted(conditions):
            digest.update(key.encode())
            digest.update(repr(members[key]).encode())
        prefix = "ac" + digest.hexdigest()[:12]
    names: dict[str, str] = {}
    groups: dict[str, tuple[int, ...]] = {}
    partitions: dict[str, tuple[_Bucket, ...]] = {}
    counter = itertools.count()
    for p_number, (partition, keys) in enumerate(sorted(by_partition.items())):
        buckets: list[list[str]] = []
        tries: list[_FanoutTrie] = []
        for key in sorted(keys):
            tests = _tests(conditions[key])
            # A fact matches at most one exact condition (identical ones are merged), so
            # capping the other conditions per ruleset keeps every post under the
            # engine's limit of conditions matched at once, however rules overlap.
            broad = not _is_exact(conditions[key])
            for bucket, trie in zip(buckets, tries, strict=True):
                if (
                    len(bucket) < MAX_RULES_PER_RULESET
                    and (not broad or trie.broad < MAX_CONDITIONS_PER_FACT - 1)
                    and trie.fanout_if_added(tests) <= MAX_FANOUT
                ):
                    bucket.append(key)
                    trie.add(tests)
                    trie.broad += broad
                    break
            else:
                trie = _FanoutTrie()
                trie.broad = int(broad)
                if trie.fanout_if_added(tests) > MAX_FANOUT:  # an $or wider than a node allows
                    raise EngineLimitError(
                        f"one condition of partition {partition} has more than {MAX_FANOUT} "
                        "alternatives; split the rule",
                        _pattern_texts(patterns, members[key]),
                    )
                trie.add(tests)
                buckets.append([key])
                tries.append(trie)
        compiled_buckets: list[_Bucket] = []
        for b_number, bucket in enumerate(buckets):
            definition: dict[str, Any] = {}
            rule_names: list[str] = []
            for key in bucket:
                name = f"r{next(counter)}"
                names[key] = name
                groups[name] = tuple(members[key])
                definition[name] = {"all": [{"m": conditions[key]}], "run": name}
                rule_names.append(name)
            _check_matches_per_fact(partition, bucket, conditions, members, patterns)
            compiled_buckets.append(
                _Bucket(
                    name=f"{prefix}.{p_number}.{b_number}",
                    definition=definition,
                    conditions=tuple(rule_names),
                )
            )
        partitions[partition] = tuple(compiled_buckets)
    by_name = {names[k]: c for k, c in conditions.items()}
    return CompiledPatterns(
        patterns=tuple(patterns), groups=groups, partitions=partitions, conditions=by_name
    )


def _pattern_texts(patterns: Sequence[Any], indices: Iterable[int]) -> list[str]:
    return [str(patterns[i]) for i in indices]


def _check_matches_per_fact(
    partition: str,
    bucket: Sequence[str],
    conditions: Mapping[str, Condition],
    members: Mapping[str, Sequence[int]],
    patterns: Sequence[Any],
) -> None:
    # Exact conditions test the kind and the canonical change, and identical ones were
    # merged, so a fact matches at most one of them; only the others can pile up.
    broad = [k for k in bucket if not _is_exact(conditions[k])]
    if len(broad) + 1 <= MAX_CONDITIONS_PER_FACT:
        return
    for key in broad:
        for fact in _witness_facts(conditions[key]):
            hits = [k for k in broad if evaluate_condition(conditions[k], fact)]
            if len(hits) + 1 > MAX_CONDITIONS_PER_FACT:
                texts = [t for k in hits for t in _pattern_texts(patterns, members[k])]
                raise EngineLimitError(
                    f"a {partition} variant like {fact} could match {len(hits) + 1} distinct "
                    f"conditions at once (the engine allows {MAX_CONDITIONS_PER_FACT}); merge "
                    "overlapping alteration entries",
                    texts,
                )


def _is_exact(condition: Condition) -> bool:
    parts = condition.get("$and", ())
    return (
        len(condition) == 1
        and len(parts) == 2
        and all(len(p) == 1 and next(iter(p)) in ("k", "c") for p in parts)
    )


# --------------------------------------------------------------------------- run
_ENGINE_LOCK = threading.RLock()
_host: Any = None
_handles: dict[str, int] = {}
"""Ruleset name -> the C core's handle, for the rulesets registered in this process."""

# Result codes of the C core's assert/retract calls (see durable.engine.Ruleset).
_NOT_HANDLED, _OBSERVED, _QUEUED = 1, 2, 3


def _get_host() -> Any:
    """The process-wide durable_rules Host, created on first use, dispatcher off."""
    global _host
    if _host is None:
        from durable import engine as durable_engine

        class _QuietHost(durable_engine.Host):  # type: ignore[misc]
            # The default Host starts timer threads that walk every session; next to
            # application threads they crash the C core. We never use timers.
            def _run(self) -> None:
                return None

            def get_action(self, action_name: str) -> Any:
                # Registration needs a callable per rule. It is never called: _run_bucket
                # drains the action queue itself and only records rule names. (It takes
                # exactly one parameter: two would make durable_rules treat it as
                # asynchronous.)
                def unused(c: Any) -> None:
                    return None

                return unused

        _host = _QuietHost()
    return _host


_ids = itertools.count(1)
_SID = "s"


class Matcher:
    """Runs variants through compiled patterns. Thread-safe; one per rule set.

    >>> from actionable.rules import parse_pattern
    >>> import actionable
    >>> matcher = Matcher(compile_patterns(parse_pattern("V600", "BRAF")))
    >>> [hits] = matcher.match([actionable.parse_variant("BRAF V600E")])
    >>> sorted(p.text for p in hits)
    ['V600']
    """

    def __init__(self, compiled: CompiledPatterns) -> None:
        self.compiled = compiled

    def _ensure(self, bucket: _Bucket) -> None:
        if bucket.name in _handles:
            return
        host = _get_host()
        # register_rulesets mutates the definitions it is given.
        definition = json.loads(json.dumps(bucket.definition))
        host.register_rulesets({bucket.name: definition})
        _handles[bucket.name] = host.get_ruleset(bucket.name)._handle

    def match(self, variants: Sequence[Variant]) -> list[frozenset[Any]]:
        """For each variant, the patterns it matched."""
        patterns = self.compiled.patterns
        return [frozenset(patterns[i] for i in h) for h in self.match_indices(variants)]

    def match_indices(self, variants: Sequence[Variant]) -> list[frozenset[int]]:
        """For each variant, the positions in ``compiled.patterns`` of the patterns it matched."""
        hits: list[set[int]] = [set() for _ in variants]
        routed: dict[str, list[tuple[int, dict[str, Any]]]] = defaultdict(list)
        for index, variant in enumerate(variants):
            base = fact_for(variant)
            for partition in partitions_for_variant(variant):
                if partition in self.compiled.partitions:
                    routed[partition].append((index, base))
        with _ENGINE_LOCK:
            for partition, items in routed.items():
                for bucket in self.compiled.partitions[partition]:
                    self._ensure(bucket)
                    for rule_name, index in _run_bucket(bucket.name, items):
                        hits[index].update(self.compiled.groups[rule_name])
        return [frozenset(h) for h in hits]


def _run_bucket(ruleset: str, items: Sequence[tuple[int, dict[str, Any]]]) -> list[tuple[str, int]]:
    """Assert the facts in the ruleset's one session, collect what fired, retract them.

    Talks to the C core directly, as durable.engine.Ruleset does but without its
    closures, leases and state round trips (a third of the cost per fact): assert,
    then drain the session's action queue, recording each action's rule name and fact
    id, then retract in ``finally``. Callers hold ``_ENGINE_LOCK``. Facts get fresh ids,
    so an earlier failure can never make a fact look already observed.
    """
    import durable_rules_engine as core

    handle = _handles[ruleset]
    fired: list[tuple[str, int]] = []
    posted: list[str] = []
    try:
        for index, base in items:
            fact = json.dumps({**base, "sid": _SID, "id": f"f{next(_ids)}"})
            code, state = core.assert_fact(handle, fact)
            if code in (_NOT_HANDLED, _OBSERVED):
                continue  # matched no condition: the engine kept nothing to retract
            posted.append(fact)
            state = 0 if code == _QUEUED else state
            action = core.start_action_for_state(handle, state)
            message = action[1] if action else None
            while message:
                for rule_name in json.loads(message):
                    fired.append((rule_name, index))
                message = core.complete_and_start_action(handle, state)
    finally:
        for fact in posted:
            core.retract_fact(handle, fact)
    return fired


# --------------------------------------------------------------------------- Engine
class Engine:
    """A loaded rule set, compiled and ready to evaluate patients. Thread-safe.

    Build one with :meth:`load` (a directory of rule files, or the bundled rules)
    and pass it to :func:`actionable.evaluate` as ``rules=`` to avoid reloading.

    >>> import actionable
    >>> engine = actionable.Engine.load()
    >>> report = actionable.evaluate(["BRAF V600E"], tumor="MEL", rules=engine)
    >>> report.recommendations[0].level
    '1'
    """

    def __init__(
        self, rules: Sequence[Any], compiled: CompiledPatterns | None = None, *, name: str = "rules"
    ) -> None:
        self.rules: tuple[Any, ...] = tuple(rules)
        self.name = name
        if compiled is None:
            compiled = compile_patterns(collect_patterns(self.rules))
        self.compiled = compiled
        self.matcher = Matcher(compiled)

    @classmethod
    def load(cls, directory: Any = None, sources: Iterable[str] | None = None) -> Engine:
        """Load rule files into a compiled engine: a directory (all its rules, or those of
        ``sources``), or the bundled rules (default sources: the curated rules).

        The compiled form is cached per process and on disk (see
        :func:`actionable.cache.compiled_rules`), so later loads take milliseconds.
        """
        from .cache import load_compiled
        from .rules import DEFAULT_SOURCES

        if directory is None and sources is None:
            sources = DEFAULT_SOURCES  # the bundled rules: the same default as evaluate()
        rules, compiled = load_compiled(directory, sources)
        return cls(rules, compiled, name=str(directory or "bundled"))

    def match(self, variants: Sequence[Variant]) -> list[frozenset[Any]]:
        """For each variant, the alteration patterns it matched."""
        return self.matcher.match(variants)

    def match_indices(self, variants: Sequence[Variant]) -> list[frozenset[int]]:
        """For each variant, the positions in ``compiled.patterns`` of the patterns it matched."""
        return self.matcher.match_indices(variants)

    def __repr__(self) -> str:
        return f"Engine({self.name!r}, rules={len(self.rules)}, **{self.compiled.stats})"


def collect_patterns(rules: Iterable[Any]) -> list[Any]:
    """Every distinct pattern the rules use, in a stable order."""
    patterns: dict[Any, None] = {}
    for rule in rules:
        for pattern in (
            *rule.patterns,
            *rule.excluding,
            *(p for entry in rule.requires for p in entry),
            *(p for entry in rule.excludes for p in entry),
        ):
            patterns.setdefault(pattern, None)
    return list(patterns)
