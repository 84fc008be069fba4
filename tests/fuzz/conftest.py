"""Prints the fuzz summary (inputs tried, uncaught, hangs, rows lost, leaks)."""

from __future__ import annotations

from typing import Any

from . import _tally


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if _tally.counts["inputs tried"]:
        terminalreporter.write_line(_tally.summary())
        for failure in _tally.failures[:20]:
            terminalreporter.write_line(f"  {failure}")
