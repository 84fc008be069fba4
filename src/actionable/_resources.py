"""Where the bundled rules and vocabularies live, installed or in a source checkout."""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


@cache
def data_root() -> Path:
    """Directory holding ``rules/`` and ``knowledgebase/``.

    A wheel carries them under ``actionable/_data``; an editable install or a
    source checkout uses the repository root.
    """
    bundled = _PACKAGE / "_data"
    if (bundled / "knowledgebase").is_dir():
        return bundled
    return _PACKAGE.parent.parent


def knowledgebase_dir() -> Path:
    """Directory of the bundled vocabularies (genes, tumor types, drugs, levels)."""
    return data_root() / "knowledgebase"


def rules_dir() -> Path:
    """Directory of the bundled rule files."""
    return data_root() / "rules"
