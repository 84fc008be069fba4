"""Fuzz the report-line parser: random text, mutated real lines, and the shapes that
used to backtrack or overflow (long runs of spaces, repeated ``A-``, huge numbers)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import actionable
from actionable.variants import parse_report_line

from . import _corpus, _tally

SETTINGS = settings(
    max_examples=_tally.EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck)
)
REAL = st.sampled_from(_corpus.lines("report_lines.tsv") + _corpus.lines("bad_lines.tsv"))


@st.composite
def mutated(draw: st.DrawFn) -> str:
    line = draw(REAL)
    noise = draw(st.text(max_size=8))
    at = draw(st.integers(0, len(line)))
    kind = draw(st.sampled_from(["insert", "cut", "repeat", "digits", "pad"]))
    if kind == "insert":
        return line[:at] + noise + line[at:]
    if kind == "cut":
        return line[:at]
    if kind == "repeat":
        return line[:at] + line[at : at + 3] * draw(st.integers(1, 3000)) + line[at:]
    if kind == "digits":
        return line[:at] + "9" * draw(st.integers(5, 6000)) + line[at:]
    return line + draw(st.sampled_from([" ", "\t", "A-", "(", "p.", "::"])) * draw(
        st.integers(1, 30_000)
    )


def _parse_all(text: str) -> None:
    for call in (actionable.parse_variant, parse_report_line):
        _tally.guard(lambda call=call: call(text), f"{call.__name__}({text[:60]!r})")
    _tally.guard(lambda: actionable.parse_variants([text, "BRAF V600E"]), "parse_variants")


@SETTINGS
@given(st.text(max_size=200))
def test_random_text(text: str) -> None:
    _parse_all(text)


@SETTINGS
@given(mutated())
def test_mutated_report_lines(text: str) -> None:
    _parse_all(text)


def test_known_pathological_lines() -> None:
    for text in [
        "BRAF V600E" + " " * 20_000,
        "BRAF V600E" + "\t" * 20_000,
        "A-" * 500_000,
        "BRAF V" + "9" * 5_000 + "E",
        "BRAF amplification (copy number " + "9" * 5_000 + ")",
        "TMB " + "9" * 5_000 + " mut/Mb",
        "TMB 1e400 mut/Mb",
        "\x00" * 1000,
    ]:
        _parse_all(text)
