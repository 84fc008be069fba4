"""Seeds for the targeted generators: real report lines and tumor texts."""

from __future__ import annotations

from functools import cache
from pathlib import Path

CORPUS = Path(__file__).parent.parent / "corpus"


@cache
def lines(name: str) -> tuple[str, ...]:
    out = []
    for raw in (CORPUS / name).read_text(encoding="utf-8").splitlines():
        if raw and not raw.startswith("#"):
            out.append(raw.split("\t", 1)[0])
    return tuple(out)
