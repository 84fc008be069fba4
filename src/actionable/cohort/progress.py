"""Progress of long cohort runs, always on stderr (stdout may carry a table).

On a terminal: a tqdm bar with the count, the total when it is known, the rate and the
time left. Off a terminal (a log file, a pipeline): a plain line every ``interval``
seconds, and a last line when the run printed any, so logs show a long run moving
without filling up with bar redraws.

>>> import io
>>> err = io.StringIO()
>>> bar = _Progress("annotate rows", total=4, interval=0.0, stream=err)
>>> bar.update(2); bar.done(4)
>>> print(err.getvalue().strip().splitlines()[0])
actionable: annotate rows: 2 of 4 (50%), ...
"""

from __future__ import annotations

import sys
import time
from typing import IO, Any

__all__ = ["_Progress"]

INTERVAL = 10.0
"""Seconds between two plain progress lines off a terminal."""


def _duration(seconds: float) -> str:
    seconds = max(int(seconds), 0)
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


class _Progress:
    """Counts done out of ``total`` (``None``: unknown). ``enabled``: ``None`` shows a
    bar on a terminal and plain lines elsewhere; ``False`` shows nothing; ``True``
    shows a bar on a terminal and plain lines elsewhere as well (the same as ``None``,
    kept for callers that force it on)."""

    def __init__(
        self,
        label: str,
        enabled: bool | None = None,
        *,
        total: int | None = None,
        interval: float | None = None,
        stream: IO[str] | None = None,
        unit: str = "",
    ) -> None:
        self.label = label
        self.total = total
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = enabled is not False
        self.interval = INTERVAL if interval is None else interval
        self.start = time.perf_counter()
        self.last = self.start
        self.count = 0
        self.printed = False
        self.bar: Any = None
        isatty = getattr(self.stream, "isatty", None)
        if self.enabled and callable(isatty) and isatty():
            from tqdm import tqdm

            self.bar = tqdm(
                total=total,
                desc=label,
                file=self.stream,
                unit=unit or " rows",
                unit_scale=True,
                dynamic_ncols=True,
                mininterval=0.5,
            )

    def update(self, count: int) -> None:
        """Set the count done so far (not an increment)."""
        if not self.enabled:
            return
        if self.bar is not None:
            self.bar.update(count - self.count)
            self.count = count
            return
        self.count = count
        now = time.perf_counter()
        if now - self.last >= self.interval:
            self.last = now
            self._line(now)

    def advance(self, step: int = 1) -> None:
        """Add ``step`` to the count."""
        self.update(self.count + step)

    def _line(self, now: float) -> None:
        elapsed = max(now - self.start, 1e-9)
        rate = self.count / elapsed
        speed = f"{rate:,.0f}/s" if rate >= 10 else f"{rate:.2g}/s"
        text = f"actionable: {self.label}: {self.count:,}"
        if self.total:
            share = 100 * self.count / self.total
            left = (self.total - self.count) / rate if rate else 0.0
            text += f" of {self.total:,} ({share:.0f}%), {speed}, about {_duration(left)} left"
        else:
            text += f", {speed}, {_duration(elapsed)} elapsed"
        self.stream.write(text + "\n")
        self.stream.flush()
        self.printed = True

    def done(self, count: int | None = None) -> None:
        """The run ended: close the bar, or print a last line if lines were printed."""
        if not self.enabled:
            return
        if count is not None and self.bar is None:
            self.count = count
        if self.bar is not None:
            if count is not None:
                self.bar.update(count - self.count)
                self.count = count
            self.bar.close()
            self.bar = None
            return
        if self.printed:
            self._line(time.perf_counter())
