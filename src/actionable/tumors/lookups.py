"""Lookups by OncoTree code and walks down the tree: no names, synonyms or grammar."""

from __future__ import annotations

from functools import cache, lru_cache

from ..errors import UnknownTumorError
from ..models import TumorType
from .vocabulary import _closest_codes, _Index, _index


def oncotree_release() -> str:
    """The OncoTree release the bundled tree comes from.

    >>> from actionable.tumors import oncotree_release
    >>> oncotree_release()
    'oncotree_2025_10_03'
    """
    return _index().release


def get_tumor(code: str) -> TumorType:
    """The OncoTree node with this exact code (any case); no names or synonyms.

    >>> from actionable.tumors import get_tumor
    >>> get_tumor("HGNEC").lineage()
    ('HGNEC', 'GINET', 'BOWEL', 'TISSUE')
    """
    idx = _index()
    found = idx.nodes.get(code.strip().upper()) if isinstance(code, str) else None
    if found is None:
        raise UnknownTumorError(str(code), lambda: _code_suggestions(idx, str(code)))
    return found.tumor


def is_known_code(code: str) -> bool:
    """Whether ``code`` is a current OncoTree code exactly as written (upper case).

    Retired codes (``MM``) and lower-case spellings are not known codes: rule files
    must use the canonical form. Use :func:`resolve_tumor` for user input.

    >>> from actionable.tumors import is_known_code
    >>> is_known_code("COADREAD"), is_known_code("coadread"), is_known_code("MM")
    (True, False, False)
    """
    return isinstance(code, str) and code in _index().nodes


def all_codes() -> frozenset[str]:
    """Every current OncoTree code, the root ``TISSUE`` included.

    >>> from actionable.tumors import all_codes
    >>> len(all_codes()), "HGNEC" in all_codes()
    (898, True)
    """
    return _all_codes()


@cache
def _all_codes() -> frozenset[str]:
    return frozenset(_index().nodes)


def descendants(code: str) -> frozenset[str]:
    """All codes below ``code`` in the tree, not including ``code`` itself.

    >>> from actionable.tumors import descendants
    >>> sorted(descendants("COADREAD"))
    ['CAIS', 'COAD', 'MACR', 'READ', 'SRCCR']
    >>> "HGNEC" in descendants("COADREAD")
    False
    """
    idx = _index()
    if code not in idx.nodes:
        raise UnknownTumorError(str(code), lambda: _code_suggestions(idx, str(code)))
    return _descendants(code)


@lru_cache(maxsize=2048)
def _descendants(code: str) -> frozenset[str]:
    idx = _index()
    found: set[str] = set()
    stack = list(idx.children[code])
    while stack:
        child = stack.pop()
        found.add(child)
        stack.extend(idx.children[child])
    return frozenset(found)


def _code_suggestions(idx: _Index, text: str) -> tuple[str, ...]:
    upper = text.strip().upper()
    if upper in idx.retired:
        return idx.retired[upper]
    return tuple(_closest_codes(upper, idx.nodes))
