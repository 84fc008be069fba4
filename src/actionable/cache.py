"""Caches of loaded, compiled rule sets: per process and on disk.

Loading means reading YAML, validating every rule and compiling the patterns; the
result is pickled under the user cache directory, keyed by a digest of the rule and
vocabulary files and the library version, so a changed file is never served stale.
Set ``ACTIONABLE_CACHE_DIR`` to move the cache, or ``ACTIONABLE_NO_CACHE=1`` to
disable the disk cache.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ._files import atomic_write
from ._resources import knowledgebase_dir, rules_dir

__all__ = ["cache_dir", "clear", "load_compiled"]

_lock = threading.Lock()
_memory: dict[tuple[str, tuple[str, ...] | None, str], tuple[Any, Any]] = {}
_FORMAT = 5  # 2: Rule conditions and propagation; 3: Pattern.before and not_alterations;
# 4: `oncogenic mutations` is one pattern decided by oncogenicity.classify;
# 5: buckets capped by conditions a fact can match, $or weighed by its alternatives


def cache_dir() -> Path:
    """Where compiled rule sets are kept: ``$ACTIONABLE_CACHE_DIR`` or
    ``$XDG_CACHE_HOME/actionable`` (default ``~/.cache/actionable``)."""
    explicit = os.environ.get("ACTIONABLE_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "actionable"


def _digest(directory: Path) -> str:
    from . import __version__

    digest = hashlib.sha256(f"{__version__}:{_FORMAT}".encode())
    for root in (directory, knowledgebase_dir()):
        for path in sorted(
            p
            for p in root.rglob("*")
            if p.is_file() and p.suffix in (".yaml", ".json", ".gz", ".tsv")
        ):
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:24]


def clear() -> None:
    """Forget the compiled rule sets kept in this process."""
    with _lock:
        _memory.clear()


def load_compiled(
    directory: str | Path | None = None, sources: Iterable[str] | None = None
) -> tuple[Any, Any]:
    """Rules and their compiled patterns for a rules directory, from a cache when possible.

    >>> from actionable.cache import load_compiled
    >>> rules, compiled = load_compiled()
    >>> compiled.stats["patterns"] > 0
    True
    """
    from .engine import collect_patterns, compile_patterns
    from .rules import load_rules

    root = Path(directory).resolve() if directory is not None else rules_dir().resolve()
    wanted = tuple(sorted(set(sources))) if sources is not None else None
    digest = _digest(root) if root.is_dir() else "missing"
    key = (str(root), wanted, digest)
    with _lock:
        hit = _memory.get(key)
    if hit is not None:
        return hit
    use_disk = os.environ.get("ACTIONABLE_NO_CACHE", "") in ("", "0")
    name = hashlib.sha256(repr(key).encode()).hexdigest()[:24] + ".pickle"
    path = cache_dir() / "compiled" / name
    value: tuple[Any, Any] | None = None
    if use_disk and path.is_file() and _trusted(path):
        try:
            with path.open("rb") as handle:
                value = _checked(pickle.load(handle))
        except Exception:  # a corrupt or stale cache is rebuilt, never fatal
            value = None
    if value is None:
        rules = load_rules(root, wanted)
        value = (rules, compile_patterns(collect_patterns(rules)))
        if use_disk:
            _store(path, value)
    with _lock:
        _memory[key] = value
    return value


def _trusted(path: Path) -> bool:
    """Unpickling runs code, so only a file (and folder) that this user owns and that
    nobody else can write is read; anything else is ignored and rebuilt."""
    if not hasattr(os, "getuid"):  # no POSIX owners (Windows): the user profile is private
        return True
    try:
        for item in (path, path.parent):
            info = item.lstat()
            if info.st_uid != os.getuid() or info.st_mode & 0o022:
                return False
        return not path.is_symlink()
    except OSError:
        return False


def _checked(value: object) -> tuple[Any, Any] | None:
    """The cached pair when it has the shape this version writes, else ``None``."""
    from .engine import CompiledPatterns
    from .rules import Rule

    if not (isinstance(value, tuple) and len(value) == 2):
        return None
    rules, compiled = value
    if not isinstance(rules, (list, tuple)) or not all(isinstance(r, Rule) for r in rules):
        return None
    if not isinstance(compiled, CompiledPatterns):
        return None
    return rules, compiled


def _store(path: Path, value: tuple[Any, Any]) -> None:
    with contextlib.suppress(OSError):  # a read-only home must not stop evaluation
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        atomic_write(path, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
