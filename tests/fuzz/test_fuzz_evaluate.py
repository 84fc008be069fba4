"""Fuzz ``evaluate``'s arguments: any value of any type gives a report or a library
error naming the argument, never a bare TypeError from inside."""

from __future__ import annotations

import math
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import actionable

from . import _tally

SETTINGS = settings(
    max_examples=_tally.EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck)
)
ANY = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    st.text(max_size=20),
    st.binary(max_size=10),
    st.lists(st.one_of(st.text(max_size=12), st.integers()), max_size=4),
    st.dictionaries(st.text(max_size=6), st.one_of(st.floats(), st.text(max_size=6)), max_size=3),
)
GOOD: dict[str, Any] = {
    "variants": ["BRAF V600E", "TMB 12 mut/Mb"],
    "tumor": "MEL",
    "sources": ["curated"],
    "thresholds": {"TMB": 10},
    "max_level": "2",
    "prior_therapies": ["dabrafenib"],
    "facts": {"HER2": "negative"},
    "errors": "warn",
}


@SETTINGS
@given(st.sampled_from(sorted(GOOD)), ANY)
def test_one_argument_of_any_type(name: str, value: object) -> None:
    kwargs = {**GOOD, name: value}
    variants = kwargs.pop("variants")
    _tally.guard(lambda: actionable.evaluate(variants, **kwargs), f"evaluate({name}={value!r:.40})")


@SETTINGS
@given(
    st.lists(st.sampled_from(["BRAF V600E", "BRAF p.V600E", "KRAS G12C", "MSI-H"]), max_size=3000)
)
def test_many_repeated_variants_stay_small(lines: list[str]) -> None:
    report = _tally.guard(lambda: actionable.evaluate(lines, tumor="COAD"), "repeated variants")
    assert report is not None
    assert len(report.variants) <= 4


def test_nan_and_infinite_thresholds_are_refused() -> None:
    for value in (math.nan, math.inf, -math.inf):
        assert (
            _tally.guard(
                lambda value=value: actionable.evaluate(
                    ["TMB 12 mut/Mb"], thresholds={"TMB": value}
                ),
                "nan threshold",
            )
            is None
        )
