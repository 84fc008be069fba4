"""MkDocs hook: fill the generated tables (safety examples, rule statistics) into the
pages that mark their place, with the same code that checks them in the README build."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

_SPEC = importlib.util.spec_from_file_location(
    "build_readme", Path(__file__).resolve().parent / "build_readme.py"
)
assert _SPEC is not None and _SPEC.loader is not None
_BUILD = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(_BUILD)


def on_page_markdown(markdown: str, **_: Any) -> str:
    """Replace ``<!-- safety table -->`` and ``<!-- rule statistics -->``."""
    filled: str = _BUILD.fill_generated(markdown)
    return filled
