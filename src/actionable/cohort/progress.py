"""Progress of long cohort runs, on stderr."""

from __future__ import annotations

import sys
import time


class _Progress:
    """A one-line progress counter on stderr, only when stderr is a terminal."""

    def __init__(self, label: str, enabled: bool | None = None) -> None:
        self.label = label
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self.start = time.perf_counter()

    def update(self, count: int) -> None:
        if self.enabled:
            rate = count / max(time.perf_counter() - self.start, 1e-9)
            sys.stderr.write(f"\r{self.label}: {count:,} ({rate:,.0f}/s)")
            sys.stderr.flush()

    def done(self, count: int) -> None:
        if self.enabled:
            self.update(count)
            sys.stderr.write("\n")
            sys.stderr.flush()
