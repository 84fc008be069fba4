"""Patient facts: how reports and clinicians state them, how they combine, and how a
rule's conditions on them are checked.

A fact is something about the patient that is not an alteration and not the tumor
code: hormone-receptor and HER2 status, PD-L1 scores, grade, age group, course of
disease, prior therapies. Facts come from report lines (``"PR negative"``,
``"HER2 IHC 2+/ISH+"``, ``"PD-L1 CPS 5"``), from the tumor text
(``"ER+ PR- HER2 1+ invasive ductal carcinoma"``) and from
``evaluate(..., facts={...})``. Rules state conditions on them
(``requires: {HER2: negative, HR: positive}``); a condition is *met*, *unknown* (the
fact was not given: the recommendation stays, with the condition stated first) or
*contradicted* (the recommendation is not made).

>>> from actionable.facts import read_fact, parse_condition, check
>>> facts = read_fact("HER2 IHC 2+/ISH-")
>>> facts.her2_status()
'low'
>>> check(parse_condition("HER2", "negative"), facts).state
'met'
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from .errors import FactError
from .models import Frozen, PatientFacts, Variant

__all__ = [
    "CONDITION_KEYS",
    "FACT_MARKERS",
    "Check",
    "FactCondition",
    "check",
    "extract_facts",
    "from_mapping",
    "is_fact_only",
    "merge",
    "parse_condition",
    "read_fact",
]

State = Literal["met", "unknown", "contradicted"]

# --------------------------------------------------------------------------- grammar
_POS = r"(?:positive|pos|\+|\(\+\)|high)"
_NEG = r"(?:negative|neg|-|\(-\)|−|0|not detected)"
_SEP = r"\s*[:=]?\s*"

_RECEPTOR_RE = re.compile(
    rf"(?P<name>er|pr|pgr|hr|estrogen receptor|oestrogen receptor|progesterone receptor|"
    rf"hormone receptor|hormone-receptor){_SEP}-?(?:status\s*)?"
    rf"(?:(?P<only>\d+(?:\.\d+)?)\s*%|(?P<pos>{_POS})|(?P<neg>{_NEG}))"
    rf"(?:\s*\(?\s*(?P<pct>\d+(?:\.\d+)?)\s*%\s*\)?)?",
    re.IGNORECASE,
)
_RECEPTOR_NAMES = {
    "er": "er",
    "estrogen receptor": "er",
    "oestrogen receptor": "er",
    "pr": "pr",
    "pgr": "pr",
    "progesterone receptor": "pr",
    "hr": "hr",
    "hormone receptor": "hr",
    "hormone-receptor": "hr",
}
_HER2 = r"(?:her2|her-2|her2/neu|erbb2|c-erbb2)"
_IHC_SCORE = r"(?P<ihc>0|1\+|2\+|3\+|ultra-?low|null)"
_HER2_IHC_RE = re.compile(
    rf"{_HER2}{_SEP}(?:ihc|immunohistochemistry)?\s*(?:score\s*)?{_IHC_SCORE}"
    rf"(?:\s*(?:[/,;]|and|with)?\s*(?:ish|fish|sish|cish|ddish)\s*"
    rf"(?:(?P<ish_pos>{_POS}|amplified|not amplified(?!x))|(?P<ish_neg>{_NEG}|non-?amplified)))?",
    re.IGNORECASE,
)
_HER2_ISH_RE = re.compile(
    rf"{_HER2}{_SEP}(?:ish|fish|sish|cish|ddish)\s*"
    rf"(?:(?P<neg>{_NEG}|not amplified|non-?amplified)|(?P<pos>{_POS}|amplified))",
    re.IGNORECASE,
)
_HER2_CATEGORY_RE = re.compile(
    rf"{_HER2}[\s-]*(?P<cat>positive|pos|\+|negative|neg|-|low|ultra-?low|zero|null)",
    re.IGNORECASE,
)
_PDL1_RE = re.compile(
    r"pd-?l1\s*(?:\(?(?:22c3|28-8|sp263|sp142)\)?\s*)?(?:expression\s*)?"
    r"(?P<score>tps|cps|tc|tumou?r proportion score|combined positive score)"
    r"\s*[:=]?\s*(?P<op>>=|≥|>|<|≤|<=)?\s*(?P<value>\d+(?:\.\d+)?)\s*%?",
    re.IGNORECASE,
)
_GRADE_RE = re.compile(
    r"(?:(?:who|histologic(?:al)?|nuclear|fnclcc)\s+)?grade\s*(?P<num>[1-4]|i{1,3}v?|iv)\b"
    r"|(?P<word>low|high)[\s-]grade",
    re.IGNORECASE,
)
_ROMAN = {"i": "1", "ii": "2", "iii": "3", "iv": "4"}
_TRIPLE_NEGATIVE_RE = re.compile(r"\b(?:triple[\s-]negative|tnbc)\b", re.IGNORECASE)


def _score(text: str) -> str:
    low = text.lower().replace("-", "")
    return {"null": "0", "ultralow": "ultralow"}.get(low, low)


def _percent(value: str, what: str, text: str) -> float:
    number = float(value)
    if not math.isfinite(number) or number > 100:
        raise FactError(text, f"{what} {value} is not a percentage", f"give {what} as 0-100")
    return number


def read_fact(text: str) -> PatientFacts | None:
    """The patient facts one whole report line states, or ``None`` when the line is not
    a fact statement (it may be an alteration).

    Accepted: ``ER positive``, ``ER+ (90%)``, ``PR negative``, ``HR+``,
    ``hormone receptor positive``, ``HER2 IHC 2+/ISH+``, ``HER2 1+``, ``HER2 0``,
    ``HER2-low``, ``HER2 ultralow``, ``HER2 negative``, ``HER2 FISH not amplified``,
    ``triple negative``, ``PD-L1 TPS 85%``, ``PD-L1 (22C3) CPS 5``,
    ``PD-L1 TPS <1%``, ``grade 2``, ``low-grade``.

    >>> read_fact("PD-L1 TPS 85%").pdl1_tps
    85.0
    >>> read_fact("ER+ (90%)").er
    'positive'
    >>> read_fact("BRAF V600E") is None
    True
    """
    body = " ".join(text.replace("\u2212", "-").split()).strip(" .;,")
    if not body:
        return None
    found = _read(body, whole=True)
    if found is None:
        return None
    return found.model_copy(update={"sources": (f"report line {text.strip()!r}",)})


def _read(body: str, *, whole: bool) -> PatientFacts | None:
    match = re.fullmatch if whole else re.match

    def m(pattern: re.Pattern[str]) -> re.Match[str] | None:
        return match(pattern, body)

    if (hit := m(_TRIPLE_NEGATIVE_RE)) is not None:
        return PatientFacts(er="negative", pr="negative", her2="negative")
    if (hit := m(_RECEPTOR_RE)) is not None:
        field = _RECEPTOR_NAMES[hit.group("name").lower()]
        status = "positive" if hit.group("pos") else "negative"
        if hit.group("only") is not None:
            # Only a percentage ("ER 90%"): ASCO/CAP calls 1 % or more positive.
            only = _percent(hit.group("only"), field.upper(), body)
            status = "positive" if only >= 1 else "negative"
        if hit.group("pct") and field != "hr":
            pct = _percent(hit.group("pct"), field.upper(), body)
            # Under 1 % staining is negative by ASCO/CAP, whatever the word says.
            if pct < 1 and status == "positive":
                raise FactError(
                    body,
                    f"{field.upper()} is called positive at {pct:g} % staining",
                    "check the line: ASCO/CAP calls under 1 % negative",
                )
        return PatientFacts(**{field: status})
    if (hit := m(_HER2_IHC_RE)) is not None:
        ish: str | None = None
        if hit.group("ish_pos"):
            ish = "negative" if "not" in hit.group("ish_pos").lower() else "positive"
        elif hit.group("ish_neg"):
            ish = "negative"
        return PatientFacts(her2_ihc=_score(hit.group("ihc")), her2_ish=ish)
    if (hit := m(_HER2_ISH_RE)) is not None:
        return PatientFacts(her2_ish="positive" if hit.group("pos") else "negative")
    if (hit := m(_HER2_CATEGORY_RE)) is not None:
        cat = hit.group("cat").lower().replace("-", "")
        category = {
            "pos": "positive", "+": "positive", "neg": "negative", "": "negative",
            "null": "zero",
        }.get(cat, cat)  # fmt: skip
        return PatientFacts(her2=category)
    if (hit := m(_PDL1_RE)) is not None:
        score = hit.group("score").lower()
        value = float(hit.group("value"))
        op = hit.group("op") or ""
        if op in ("<", "≤", "<="):
            # "TPS <1%" says the score is below the value: record the value just under it
            # would invent a number; record 0 when the bound is 1 or less, else refuse.
            if value > 1:
                raise FactError(
                    body,
                    f"PD-L1 {score.upper()} is given only as below {value:g}",
                    "give the measured score",
                )
            value = 0.0
        if score in ("tps", "tc") or score.startswith("tumo"):
            return PatientFacts(pdl1_tps=_percent(str(value), "PD-L1 TPS", body))
        if not math.isfinite(value):
            raise FactError(body, "PD-L1 CPS is not a number", "give the score, e.g. 'CPS 5'")
        return PatientFacts(pdl1_cps=value)
    if (hit := m(_GRADE_RE)) is not None:
        return PatientFacts(grade=_grade(hit))
    return None


def _grade(hit: re.Match[str]) -> str:
    if hit.group("num"):
        num = hit.group("num").lower()
        return _ROMAN.get(num, num)
    return hit.group("word").lower()


# One scanner over every statement form; group names are dropped (each form is read
# again on its own by _read).
_TOKEN_RE = re.compile(
    re.sub(
        r"\(\?P<\w+>",
        "(?:",
        "|".join(
            f"(?:{p.pattern})"
            for p in (
                _TRIPLE_NEGATIVE_RE,
                _HER2_IHC_RE,
                _HER2_ISH_RE,
                _PDL1_RE,
                _HER2_CATEGORY_RE,
                _RECEPTOR_RE,
            )
        ),
    ),
    re.IGNORECASE,
)


def extract_facts(text: str) -> tuple[PatientFacts | None, str]:
    """Receptor, HER2 and PD-L1 statements embedded in a longer text (a tumor
    description), and the text without them.

    >>> facts, rest = extract_facts("ER+ PR- HER2 1+ invasive ductal carcinoma")
    >>> facts.hr_status(), facts.her2_status(), rest
    ('positive', 'low', 'invasive ductal carcinoma')
    """
    found: list[PatientFacts] = []
    kept: list[str] = []
    position = 0
    for hit in _scan(text):
        start, end = hit.span()
        facts = _read(hit.group(0).strip(" ,;"), whole=True)
        if facts is None:
            continue
        found.append(facts)
        kept.append(text[position:start])
        position = end
    kept.append(text[position:])
    rest = " ".join("".join(kept).replace(",", " ").split())
    if not found:
        return None, text
    merged = merge(found)
    return merged.model_copy(update={"sources": (f"tumor text {text.strip()!r}",)}), rest


def _scan(text: str) -> Iterable[re.Match[str]]:
    # A statement must stand as its own words: "PR" inside "PRAD" or "ER" in "HER2"
    # are not receptor statements.
    for hit in _TOKEN_RE.finditer(text):
        start, end = hit.span()
        before = text[start - 1] if start else " "
        after = text[end] if end < len(text) else " "
        if (before.isalnum() or after.isalnum()) and not hit.group(0).endswith(("+", "-")):
            continue
        if before.isalnum():
            continue
        yield hit


FACT_MARKERS = frozenset({"ER", "PR", "HR", "HER2", "PD-L1", "grade"})
"""``Variant.biomarker`` values of report lines that state only a patient fact
(``"PR negative"`` is ``Variant(kind="biomarker", biomarker="PR", facts=...)``)."""


def is_fact_only(variant: Variant) -> bool:
    """Whether a parsed line states a patient fact and no alteration: it feeds
    :class:`~actionable.models.PatientFacts`, not the rule engine. ``HER2 IHC 3+`` is
    both (ERBB2 overexpression, and a HER2 fact) and so is not fact-only."""
    return variant.kind == "biomarker" and variant.biomarker in FACT_MARKERS


# --------------------------------------------------------------------------- combining
_SCALARS = ("er", "pr", "hr", "her2_ihc", "her2_ish", "her2", "pdl1_tps", "pdl1_cps",
            "grade", "age_group", "line")  # fmt: skip


def merge(parts: Iterable[PatientFacts | None]) -> PatientFacts:
    """Combine facts from several places; two places that disagree raise
    :class:`~actionable.errors.FactError` naming both.

    >>> merge([read_fact("ER positive"), read_fact("PR negative")]).hr_status()
    'positive'
    """
    values: dict[str, Any] = {}
    origin: dict[str, str] = {}
    course: dict[str, None] = {}
    prior: dict[str, None] = {}
    sources: dict[str, None] = {}
    for part in parts:
        if part is None:
            continue
        where = ", ".join(part.sources) or "given facts"
        for name in _SCALARS:
            value = getattr(part, name)
            if value is None:
                continue
            if name in values and values[name] != value:
                raise FactError(
                    where,
                    f"{_LABELS[name]} is {value} here but {values[name]} in {origin[name]}",
                    "correct the one that is wrong",
                )
            values[name] = value
            origin[name] = where
        course.update(dict.fromkeys(part.course))
        prior.update(dict.fromkeys(part.prior_therapies))
        sources.update(dict.fromkeys(part.sources))
    merged = PatientFacts(
        **values,
        course=tuple(course),
        prior_therapies=tuple(prior),
        sources=tuple(sources),
    )
    if merged.hr == "negative" and "positive" in (merged.er, merged.pr):
        raise FactError(
            ", ".join(merged.sources) or "given facts",
            "hormone receptors are called negative while ER or PR is positive",
            "correct the receptor status",
        )
    return merged


_LABELS = {
    "er": "ER", "pr": "PR", "hr": "HR", "her2_ihc": "HER2 IHC", "her2_ish": "HER2 ISH",
    "her2": "HER2", "pdl1_tps": "PD-L1 TPS", "pdl1_cps": "PD-L1 CPS", "grade": "grade",
    "age_group": "age group", "line": "line of therapy",
}  # fmt: skip

_MAPPING_KEYS = {
    "er": "er", "pr": "pr", "hr": "hr", "her2": "her2", "her2_ihc": "her2_ihc",
    "her2 ihc": "her2_ihc", "her2_ish": "her2_ish", "her2 ish": "her2_ish",
    "pd-l1 tps": "pdl1_tps", "pdl1_tps": "pdl1_tps", "tps": "pdl1_tps",
    "pd-l1 cps": "pdl1_cps", "pdl1_cps": "pdl1_cps", "cps": "pdl1_cps",
    "grade": "grade", "age_group": "age_group", "age group": "age_group",
    "course": "course", "prior_therapies": "prior_therapies", "line": "line",
}  # fmt: skip


def from_mapping(values: Mapping[str, Any] | PatientFacts | None) -> PatientFacts | None:
    """Facts from ``evaluate(..., facts={...})``: field names of
    :class:`~actionable.models.PatientFacts` or the names rules use (``HER2``,
    ``PD-L1 CPS``); values as a report writes them are read too (``"ER": "+"``).

    >>> from_mapping({"HER2": "low", "PD-L1 CPS": 12}).pdl1_cps
    12.0
    """
    if values is None or isinstance(values, PatientFacts):
        return values
    if not isinstance(values, Mapping):
        raise FactError(
            repr(values), f"facts must be a mapping, not {type(values).__name__}",
            "pass e.g. {'HER2': 'negative', 'HR': 'positive'}",
        )  # fmt: skip
    fields: dict[str, Any] = {}
    for key, value in values.items():
        name = _MAPPING_KEYS.get(str(key).strip().lower())
        if name is None:
            raise FactError(
                str(key),
                "unknown patient fact",
                "use one of " + ", ".join(sorted({*CONDITION_KEYS, "prior_therapies", "line"})),
            )
        if name in ("er", "pr", "hr"):
            read = _read(f"{name} {value}", whole=True)
            if read is None:
                raise FactError(
                    f"{key}={value!r}", "not a receptor status", "use 'positive' or 'negative'"
                )
            fields[name] = getattr(read, name)
        elif name == "her2":
            read = _read(f"HER2 {value}", whole=True)
            if read is None:
                raise FactError(
                    f"{key}={value!r}", "not a HER2 result",
                    "use positive, negative, low, ultralow, zero, or an IHC score ('2+/ISH-')",
                )  # fmt: skip
            fields.update({k: v for k, v in read.model_dump().items() if v not in (None, ())})
        elif name in ("course", "prior_therapies"):
            items = [value] if isinstance(value, str) else list(value)
            fields[name] = tuple(str(i).strip().lower() for i in items)
        elif name in ("pdl1_tps", "pdl1_cps", "line"):
            try:
                number = float(value)
            except (TypeError, ValueError):
                raise FactError(
                    f"{key}={value!r}", "not a number", "give the score as a number"
                ) from None
            if not math.isfinite(number):
                raise FactError(
                    f"{key}={value!r}", "not a finite number", "give the score as a number"
                )
            fields[name] = int(number) if name == "line" else number
        else:
            fields[name] = str(value).strip().lower()
    try:
        facts = PatientFacts(**fields, sources=("facts given to evaluate()",))
    except ValueError as error:
        raise FactError(
            repr(dict(values)), str(error).splitlines()[-1], "check the values"
        ) from None
    return facts


# --------------------------------------------------------------------------- conditions
CONDITION_KEYS: tuple[str, ...] = (
    "HER2", "HR", "ER", "PR", "PD-L1 TPS", "PD-L1 CPS", "grade", "age group", "course",
)  # fmt: skip
"""The patient facts a rule can require (``requires: {HER2: negative}``)."""

_EXPECTED: dict[str, tuple[str, ...]] = {
    "HER2": ("positive", "negative", "low", "ultralow", "low or ultralow", "zero"),
    "HR": ("positive", "negative"),
    "ER": ("positive", "negative"),
    "PR": ("positive", "negative"),
    "grade": ("1", "2", "3", "4", "low", "high", "1-2", "3-4"),
    "age group": ("pediatric", "adult"),
}
_THRESHOLD_RE = re.compile(r"(>=|>|≥)\s*(\d+(?:\.\d+)?)\s*%?")


class FactCondition(Frozen):
    """One condition of a rule on a patient fact: ``HER2 negative``, ``PD-L1 CPS >= 1``."""

    key: str
    expected: str
    threshold: float | None = None
    operator: Literal[">=", ">"] | None = None

    def __str__(self) -> str:
        if self.threshold is not None:
            return f"{self.key} {self.operator} {self.threshold:g}"
        if self.key in ("HER2", "HR", "ER", "PR"):
            return f"{self.key}-{self.expected}"
        return f"{self.key} {self.expected}"


def parse_condition(key: str, value: object) -> FactCondition:
    """Read one ``requires`` entry of a rule (``HER2: negative``, ``PD-L1 CPS: ">= 1"``).

    >>> str(parse_condition("PD-L1 CPS", ">= 1"))
    'PD-L1 CPS >= 1'
    """
    canonical = {k.lower(): k for k in CONDITION_KEYS}.get(str(key).strip().lower())
    if canonical is None:
        raise ValueError(f"unknown patient fact {key!r}; use one of {', '.join(CONDITION_KEYS)}")
    text = str(value).strip().lower()
    if canonical.startswith("PD-L1"):
        hit = _THRESHOLD_RE.fullmatch(text)
        if hit is None:
            raise ValueError(f"{canonical} needs a threshold such as '>= 1', not {value!r}")
        return FactCondition(
            key=canonical,
            expected=text,
            operator=">" if hit.group(1) == ">" else ">=",
            threshold=float(hit.group(2)),
        )
    if canonical == "course":
        return FactCondition(key=canonical, expected=text)
    allowed = _EXPECTED[canonical]
    if text not in allowed:
        raise ValueError(f"{canonical} must be one of {', '.join(allowed)}, not {value!r}")
    return FactCondition(key=canonical, expected=text)


@dataclass(frozen=True)
class Check:
    """The outcome of one condition for one patient, with the sentence to show."""

    condition: FactCondition
    state: State
    sentence: str


def check(condition: FactCondition, facts: PatientFacts | None) -> Check:
    """Whether ``facts`` meet ``condition``: met, unknown (not given) or contradicted.

    >>> c = parse_condition("HR", "positive")
    >>> check(c, read_fact("ER negative")).state
    'unknown'
    >>> check(c, merge([read_fact("ER negative"), read_fact("PR negative")])).state
    'contradicted'
    """
    facts = facts or PatientFacts()
    key, want = condition.key, condition.expected
    have: str | float | None
    if key == "HER2":
        status = facts.her2_status()
        have = status
        if status is None:
            state: State = "unknown"
        elif want == "positive":
            state = "met" if status == "positive" else (
                "unknown" if status == "equivocal" else "contradicted")  # fmt: skip
        elif want == "negative":
            state = {"positive": "contradicted", "equivocal": "unknown"}.get(status, "met")  # type: ignore[assignment]
        elif want == "low or ultralow":
            state = "met" if status in ("low", "ultralow") else (
                "unknown" if status in ("equivocal", "negative") else "contradicted")  # fmt: skip
        elif status == "negative":
            # Negative without the IHC score: low, ultralow and zero are all possible.
            state = "unknown"
        else:
            state = "met" if status == want else (
                "unknown" if status == "equivocal" else "contradicted")  # fmt: skip
    elif key in ("HR", "ER", "PR"):
        have = facts.hr_status() if key == "HR" else getattr(facts, key.lower())
        state = "unknown" if have is None else ("met" if have == want else "contradicted")
    elif key.startswith("PD-L1"):
        have = facts.pdl1_tps if key == "PD-L1 TPS" else facts.pdl1_cps
        assert condition.threshold is not None
        if have is None:
            state = "unknown"
        else:
            ok = (
                have >= condition.threshold
                if condition.operator == ">="
                else have > condition.threshold
            )
            state = "met" if ok else "contradicted"
    elif key == "grade":
        have = facts.grade
        state = (
            "unknown" if have is None else ("met" if _grade_fits(have, want) else "contradicted")
        )
    elif key == "age group":
        have = facts.age_group
        state = "unknown" if have is None else ("met" if have == want else "contradicted")
    else:  # course
        have = ", ".join(facts.course) or None
        state = "met" if want in facts.course else "unknown"
    return Check(condition, state, _sentence(condition, state, have))


def _grade_fits(have: str, want: str) -> bool:
    low, high = {"1", "2", "low", "1-2"}, {"3", "4", "high", "3-4"}
    if want in ("low", "1-2"):
        return have in low
    if want in ("high", "3-4"):
        return have in high
    return have == want


def _sentence(condition: FactCondition, state: State, have: object) -> str:
    if state == "unknown":
        return f"requires {condition} disease: not given; confirm before use"
    if state == "met":
        return f"requires {condition} disease: met ({condition.key} {have})"
    return (
        f"requires {condition} disease: the patient's {condition.key} is {have}, "
        "so it does not apply"
    )
