"""Shared test setup: the compiled-rules disk cache goes to a per-session temp dir."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED_DATA = REPO.parent / "shared" / "data"

# Set before any test imports the library's cache, so no test writes to ~/.cache.
os.environ.setdefault("ACTIONABLE_CACHE_DIR", tempfile.mkdtemp(prefix="actionable-test-cache-"))


@pytest.fixture
def rules_dir(tmp_path: Path) -> Iterator[Path]:
    """An empty directory for rule files written by a test."""
    directory = tmp_path / "rules"
    directory.mkdir()
    yield directory
