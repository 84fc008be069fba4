"""Parser bounds: line length, positions, copy numbers and TMB; whitespace runs are
read in linear time (issue 18)."""

from __future__ import annotations

import time

import pytest

import actionable
from actionable.errors import VariantParseError
from actionable.variants import (
    MAX_LINE_LENGTH,
    MAX_POSITION,
    _changes,
    _lines,
    parse_report_line,
    parse_variants,
)


@pytest.mark.parametrize(
    "text",
    [
        "BRAF V600E" + " " * 20_000,
        "BRAF V600E" + "\t" * 20_000,
        "A-" * 500_000,
        "BRAF V" + "9" * 5_000 + "E",
    ],
)
@pytest.mark.parametrize("entry", ["parse_variant", "parse_report_line", "parse_variants"])
def test_lines_past_the_limit_are_refused(text: str, entry: str) -> None:
    call = {
        "parse_variant": actionable.parse_variant,
        "parse_report_line": parse_report_line,
        "parse_variants": lambda t: parse_variants([t]),
    }[entry]
    with pytest.raises(VariantParseError, match="line too long"):
        call(text)


def test_a_line_at_the_limit_with_trailing_spaces_is_read() -> None:
    text = "BRAF V600E" + " " * (MAX_LINE_LENGTH - 10)
    assert [str(v) for v in parse_report_line(text)] == ["BRAF V600E"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("BRAF V" + "9" * 1_500 + "E", "position"),
        (f"TTN A{MAX_POSITION + 1}T", "past the longest human protein"),
        ("ERBB2 amplification, copy number 5000", "copy number 5000 is not a plausible value"),
        ("TMB 50000 mut/Mb", "not a plausible value"),
    ],
)
def test_numbers_past_their_bounds_are_refused(text: str, message: str) -> None:
    with pytest.raises(VariantParseError, match=message):
        parse_report_line(text)


def test_numbers_within_bounds_are_read() -> None:
    (tmb,) = parse_report_line("TMB 12 mut/Mb")
    (cn,) = parse_report_line("ERBB2 amplification (CN 25)")
    assert (tmb.value, cn.copy_number) == (12.0, 25.0)


@pytest.mark.parametrize(
    "pattern",
    [
        _changes._TRAILING_NOISE_RE,
        _lines._AND_RE,
        _lines._TMB_UNITS_RE,
    ],
)
def test_whitespace_patterns_scale_linearly(pattern: object) -> None:
    # A ratio against a same-run baseline, not a timing: ten times the spaces must cost
    # about ten times as much (a backtracking pattern costs a hundred times).
    def cost(n: int) -> float:
        text = "BRAF V600E" + " " * n + "x"
        started = time.perf_counter()
        for _ in range(5):
            pattern.search(text)  # type: ignore[attr-defined]
        return time.perf_counter() - started

    cost(100)
    small, large = min(cost(2_000) for _ in range(3)), min(cost(20_000) for _ in range(3))
    assert large / max(small, 1e-6) < 40
