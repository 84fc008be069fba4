"""``evaluate()``: from report lines and a tumor type to a :class:`Report`."""

from __future__ import annotations

import math
import threading
from collections.abc import Iterable, Mapping
from functools import cache, lru_cache
from pathlib import Path
from typing import Literal

import yaml

from . import drugs, tumors
from . import facts as patient_facts
from ._resources import knowledgebase_dir
from .engine import Engine
from .errors import ActionableError, ArgumentError, ArgumentTypeError, VariantParseError
from .models import PatientFacts, Report, TumorType, Variant
from .oncogenicity import classify
from .resolve import LEVELS_ALL, Options, RuleIndex, build_index, resolve
from .rules import DEFAULT_SOURCES, source_names
from .variants import parse_report_line, parse_variants

__all__ = ["default_engine", "evaluate", "kb_version"]

_default_lock = threading.Lock()
_engines: dict[tuple[str, ...], Engine] = {}


def default_engine(sources: Iterable[str] | None = None) -> Engine:
    """The engine over the bundled rules of ``sources`` (default :data:`DEFAULT_SOURCES`),
    loaded once per process and source set.

    >>> from actionable.evaluate import default_engine
    >>> default_engine() is default_engine()
    True
    """
    key = tuple(sorted(set(sources if sources is not None else DEFAULT_SOURCES)))
    with _default_lock:
        engine = _engines.get(key)
        if engine is None:
            engine = Engine.load(None, key)
            _engines[key] = engine
        return engine


def engine_for(rules: str | Path | Engine | None, sources: Iterable[str] | None = None) -> Engine:
    """The engine that ``rules=`` names: an :class:`Engine` as given, ``None`` for the
    bundled rules of ``sources`` (:func:`default_engine`), or a folder of rule files.

    >>> engine_for(None) is default_engine()
    True
    """
    if isinstance(rules, Engine):
        return rules
    if rules is None:
        return default_engine(sources)
    return Engine.load(rules, sources)


@lru_cache(maxsize=16)
def _index(engine: Engine) -> RuleIndex:
    # Built once per engine; engines hash by identity.
    return build_index(engine.compiled.patterns, engine.rules)


@cache
def kb_version() -> tuple[str, str]:
    """The knowledge-base version and date, from ``knowledgebase/VERSION.yaml``.

    >>> from actionable.evaluate import kb_version
    >>> len(kb_version())
    2
    """
    data = yaml.safe_load((knowledgebase_dir() / "VERSION.yaml").read_text(encoding="utf-8"))
    return str(data["version"]), str(data["date"])


def evaluate(
    variants: Iterable[str | Variant] | str | Variant,
    tumor: str | TumorType | None = None,
    *,
    rules: str | Path | Engine | None = None,
    sources: Iterable[str] | None = None,
    thresholds: Mapping[str, float] | None = None,
    max_level: str | None = None,
    prior_therapies: Iterable[str] = (),
    facts: Mapping[str, object] | PatientFacts | None = None,
    errors: Literal["raise", "warn"] = "raise",
) -> Report:
    """Evaluate one patient's alterations in a tumor type.

    ``variants`` are report lines (``"BRAF V600E"``, ``"TMB 1.6 mut/Mb"``, ``"MSS"``)
    or :class:`Variant` s; ``tumor`` is free text, an OncoTree code, a
    :class:`TumorType`, or ``None`` when unknown (only tumor-agnostic rules apply).

    Options: ``rules`` (a directory of rule files or an :class:`Engine`; default the
    bundled rules), ``sources`` (``["curated"]``, the default, or
    ``["curated", "civic"]`` to add the imported CIViC rules), ``thresholds``
    (``{"TMB": 16}`` overrides a rule's cut-off),
    ``max_level`` (drop recommendations weaker than this level), ``prior_therapies``
    (drug, brand or regimen names; matching recommendations are marked and ranked
    after others of the same level), ``facts`` (patient facts such as
    ``{"HER2": "negative", "HR": "positive", "PD-L1 CPS": 5}``; they join the facts that
    report lines such as ``"PR negative"`` and the tumor text state), ``errors``
    (``"raise"``, the default, or ``"warn"``: a line that cannot be read becomes a
    warning of the report and the other lines are still evaluated).

    Raises :class:`~actionable.errors.VariantParseError` for a variant it cannot read
    (unless ``errors="warn"``) and :class:`~actionable.errors.UnknownTumorError` for a
    tumor it cannot resolve.

    >>> import actionable
    >>> report = actionable.evaluate(["BRAF V600E", "TP53 R213*"], tumor="colon NEC")
    >>> best = report.recommendations[0]
    >>> best.therapy.name, best.level, best.match.tumor_path
    ('dabrafenib + trametinib', '1', ('HGNEC', 'GINET', 'BOWEL', 'TISSUE'))
    """
    variants, sources, thresholds, prior_therapies = _checked_arguments(
        variants, tumor, rules, sources, thresholds, max_level, prior_therapies, errors
    )
    unreadable: list[str] = []
    if errors == "raise":
        parsed = tuple(parse_variants(variants))
    else:
        kept: list[Variant] = []
        for item in variants:
            try:
                if isinstance(item, Variant):
                    kept.append(item)
                else:
                    kept.extend(parse_report_line(item))
            except VariantParseError as error:
                unreadable.append(f"not evaluated: {error}")
        parsed = tuple(kept)
    resolved_tumor = tumors.resolve_tumor(tumor) if tumor is not None else None
    # Lines that only state a patient fact (receptor, HER2 score, PD-L1) are facts, not
    # alterations for the engine.
    patient = patient_facts.merge(
        [
            *(v.facts for v in parsed),
            resolved_tumor.facts if resolved_tumor is not None else None,
            patient_facts.from_mapping(facts),
        ]
    )
    parsed = tuple(v for v in parsed if not patient_facts.is_fact_only(v))
    # The same alteration given twice (or in two notations) is one alteration: evaluated
    # once, so repeated lines neither multiply recommendations nor slow the call down.
    unique = tuple(dict.fromkeys(parsed))
    if len(unique) < len(parsed):
        unreadable.append(
            f"{len(parsed) - len(unique)} repeated alterations (the same change given again, "
            "possibly in another notation) were evaluated once"
        )
        parsed = unique
    engine = engine_for(rules, sources)
    try:
        # Prior therapies given either way (argument or facts) count alike.
        prior = drugs.parse_therapies([*prior_therapies, *patient.prior_therapies])
    except ActionableError:
        raise
    except ValueError as error:
        raise ArgumentError(f"prior_therapies: {error}") from None
    options = Options(
        thresholds=dict(thresholds or {}),
        max_level=max_level,
        prior_therapies=prior,
        facts=patient,
    )
    hits = engine.match_indices(parsed)
    recommendations, unmatched, warnings, contraindicated = resolve(
        _index(engine), hits, parsed, resolved_tumor, options
    )
    version, date = kb_version()
    return Report(
        tumor=resolved_tumor,
        variants=parsed,
        recommendations=tuple(recommendations),
        unmatched=tuple(unmatched),
        warnings=(*unreadable, *warnings),
        facts=patient,
        contraindicated=tuple(contraindicated),
        kb_version=version,
        kb_date=date,
        oncogenicity=tuple(classify(v) for v in parsed),
    )


def _checked_arguments(
    variants: object,
    tumor: object,
    rules: object,
    sources: object,
    thresholds: object,
    max_level: object,
    prior_therapies: object,
    errors: object,
) -> tuple[list[str | Variant], tuple[str, ...] | None, dict[str, float], list[str]]:
    """Wrong types and values stop here, with the argument named, instead of failing
    somewhere inside with a bare ``TypeError``."""
    if isinstance(variants, str | Variant):
        variants = [variants]
    if (
        variants is None
        or isinstance(variants, bytes | Mapping)
        or not isinstance(variants, Iterable)
    ):
        raise ArgumentTypeError(
            f"variants={variants!r:.60}: give a report line such as 'BRAF V600E' or a list of them."
        )
    items = list(variants)
    for item in items:
        if not isinstance(item, str | Variant):
            raise ArgumentTypeError(
                f"variants: {item!r:.60} is a {type(item).__name__}. Give report lines (str) "
                "or Variant objects."
            )
    if tumor is not None and not isinstance(tumor, str | TumorType):
        raise ArgumentTypeError(
            f"tumor={tumor!r:.60}: give an OncoTree code or tumor text such as 'LUAD', a "
            "TumorType, or None."
        )
    if rules is not None and not isinstance(rules, str | Path | Engine):
        hint = (
            " Decode a bytes path first: rules=path.decode()." if isinstance(rules, bytes) else ""
        )
        raise ArgumentTypeError(
            f"rules={rules!r:.60}: give a folder of rule files (str or Path), an Engine, or "
            f"None for the bundled rules.{hint}"
        )
    names = source_names(sources)  # type: ignore[arg-type]
    if thresholds is None:
        thresholds = {}
    if not isinstance(thresholds, Mapping):
        raise ArgumentTypeError(
            f"thresholds={thresholds!r:.60}: give a mapping such as {{'TMB': 16}}."
        )
    cutoffs: dict[str, float] = {}
    for name, value in thresholds.items():
        if (
            not isinstance(name, str)
            or isinstance(value, bool)
            or not isinstance(value, int | float)
        ):
            raise ArgumentTypeError(
                f"thresholds: {name!r:.40}: {value!r:.40} is not a number. Give a name and a "
                "number, e.g. {'TMB': 16}."
            )
        if not math.isfinite(value):
            raise ArgumentError(
                f"thresholds: {name!r} = {value!r} is not a finite number. Give a number "
                "such as 16, or leave the rule's cut-off."
            )
        cutoffs[name] = float(value)
    if max_level is not None and max_level not in LEVELS_ALL:
        kind = ArgumentError if isinstance(max_level, str) else ArgumentTypeError
        raise kind(
            f"max_level {max_level!r:.40} is not a level. Use one of {', '.join(LEVELS_ALL)} "
            "(a string), or None."
        )
    if errors not in ("raise", "warn"):
        raise ArgumentError(f"errors={errors!r:.40}: use 'raise' or 'warn'.")
    if isinstance(prior_therapies, str):
        prior_therapies = [prior_therapies]
    if prior_therapies is None or not isinstance(prior_therapies, Iterable):
        raise ArgumentTypeError(
            f"prior_therapies={prior_therapies!r:.60}: give a list of drug or regimen names "
            "(empty when none)."
        )
    prior = list(prior_therapies)
    for item in prior:
        if not isinstance(item, str):
            raise ArgumentTypeError(
                f"prior_therapies: {item!r:.40} is not a name. Give drug or regimen names."
            )
    return items, names, cutoffs, prior
