"""Prints the fuzz summary (inputs tried, uncaught, hangs, rows lost, leaks)."""

from __future__ import annotations

from typing import Any

import pytest

import actionable

from . import _tally


@pytest.fixture(scope="session", autouse=True)
def _warm_engine() -> None:
    """Load and compile the bundled rules once, outside the hang guard."""
    actionable.evaluate(["BRAF V600E"], tumor="MEL")


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if _tally.counts["inputs tried"]:
        terminalreporter.write_line(_tally.summary())
        for failure in _tally.failures[:20]:
            terminalreporter.write_line(f"  {failure}")
