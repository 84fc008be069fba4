"""Tumor types: clinician text to OncoTree, and whether a rule's tumor context applies.

Resolution never guesses silently. The grammar (:mod:`actionable.tumors.grammar`)
reads the qualifiers (stage, TNM, grade, course, sub-site, receptor statements); the
histology + site left is accepted when it is an OncoTree code, an OncoTree name, a
curated synonym (``knowledgebase/tumor_synonyms.yaml``), a Disease Ontology synonym
(``knowledgebase/tumor_ontology_synonyms.tsv``), a composition of a histology and a
site that names one node or, as the only approximate case, a reordering of a term or
a one-letter slip in a long word with no competing candidate nearby. Anything else
raises :class:`~actionable.errors.UnknownTumorError` with the closest known terms.

>>> from actionable.tumors import resolve_tumor
>>> t = resolve_tumor("stage IV colon NEC")
>>> t.code, t.matched_by, t.ancestors
('HGNEC', 'synonym', ('GINET', 'BOWEL', 'TISSUE'))

The package, one job per module:

* :mod:`.tree`: the OncoTree nodes, their lineage and solidity;
* :mod:`.vocabulary`: codes, names, curated and Disease Ontology synonyms, in one index;
* :mod:`.grammar`: qualifiers, histology and site words;
* :mod:`.matching`: :func:`resolve_tumor` and the suggestions for unknown texts;
* :mod:`.lookups`: lookups by code and walks down the tree;
* :mod:`.contexts`: :func:`match` and :func:`validate_context` for rule contexts.

OncoTree (release ``oncotree_2025_10_03``) is (c) Memorial Sloan Kettering Cancer
Center, CC BY 4.0; see NOTICE.
"""

from __future__ import annotations

from . import grammar as _grammar
from .contexts import GROUPS, match, validate_context
from .contexts import _context_problems as _context_problems
from .lookups import _all_codes as _all_codes
from .lookups import _descendants as _descendants
from .lookups import (
    all_codes,
    descendants,
    get_tumor,
    is_known_code,
    oncotree_release,
)
from .matching import _resolve as _resolve
from .matching import _suggest as _suggest
from .matching import is_agnostic, resolve_tumor
from .tree import ROOT as ROOT
from .vocabulary import _LOCK as _LOCK
from .vocabulary import _build_index as _build_index
from .vocabulary import _index as _index

__all__ = [
    "GROUPS",
    "all_codes",
    "descendants",
    "get_tumor",
    "is_agnostic",
    "is_known_code",
    "match",
    "oncotree_release",
    "resolve_tumor",
    "validate_context",
]


# scripts/build_tumor_vocabulary.py normalises phrases as the runtime does.
_normalise = _grammar.normalise


def _clear_caches() -> None:
    """Forget loaded files and memoised answers (tests, or after editing the files)."""
    with _LOCK:
        for cached in (
            _build_index, _resolve, _suggest, _all_codes, _descendants, _context_problems
        ):  # fmt: skip
            cached.cache_clear()
