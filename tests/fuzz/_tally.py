"""Counters shared by the fuzz tests and printed at the end of the run.

Every fuzz call goes through :func:`guard`: a library error (``ActionableError``) is an
expected answer; anything else is *uncaught*, a call slower than its bound is a *hang*,
and the tests add *rows lost* (input rows with no record) and *leaks* (a secret seen in
a message, a result or a file).
"""

from __future__ import annotations

import os
import threading
import time
from collections import Counter
from collections.abc import Callable
from typing import TypeVar

from actionable.errors import ActionableError

T = TypeVar("T")

EXAMPLES = int(os.environ.get("ACTIONABLE_FUZZ_EXAMPLES", "30"))
"""Hypothesis examples per fuzz test: a fast profile in ``make test``, ``make fuzz``
raises it (``ACTIONABLE_FUZZ_EXAMPLES=1500``)."""
HANG_SECONDS = float(os.environ.get("ACTIONABLE_FUZZ_HANG", "20"))
"""A single call slower than this is counted as a hang: a guard against endless loops
and backtracking (which take minutes), not a benchmark, so generous on a busy machine."""

counts: Counter[str] = Counter()
failures: list[str] = []
_lock = threading.Lock()


def add(name: str, n: int = 1) -> None:
    with _lock:
        counts[name] += n


def guard(call: Callable[[], T], label: str, bound: float = HANG_SECONDS) -> T | None:
    """Run one fuzz input: its value, or ``None`` when the library refused it with one
    of its own errors. Raises ``AssertionError`` for an uncaught error or a hang."""
    add("inputs tried")
    started = time.perf_counter()
    try:
        return call()
    except ActionableError:
        return None
    except Exception as error:
        add("uncaught")
        failures.append(f"{label}: {type(error).__name__}: {str(error)[:200]}")
        raise AssertionError(f"{label}: uncaught {type(error).__name__}: {error}") from error
    finally:
        elapsed = time.perf_counter() - started
        if elapsed > bound:
            add("hangs")
            failures.append(f"{label}: {elapsed:.1f} s")
            raise AssertionError(f"{label}: took {elapsed:.1f} s (bound {bound} s)")


def summary() -> str:
    names = ("inputs tried", "uncaught", "hangs", "rows lost", "leaks")
    return "fuzz summary: " + ", ".join(f"{n} {counts[n]}" for n in names)
