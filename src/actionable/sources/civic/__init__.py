"""CIViC: monthly release TSVs and the GraphQL API -> ``source: civic`` rule files.

One module per job: :mod:`.items` (what an item is), :mod:`.mapping` (item -> rule
terms), :mod:`.diseases` (DOID -> OncoTree), :mod:`.release` (release TSVs -> rule files),
:mod:`.client` (live GraphQL) and :mod:`.oncogenic` (oncogenic and functional evidence ->
``knowledgebase/civic_oncogenic.yaml``). Every name is importable from here.

CIViC (https://civicdb.org, CC0) curates evidence items (one claim from one
publication) and assertions (a curated summary of several items, with AMP/ASCO/CAP
tier, FDA approval and NCCN guideline flags). Only *Predictive* items and assertions
become rules: one rule per item (or one per drug when the item lists substitutable
drugs), with an id such as ``civic-eid1409`` or ``civic-aid7``.

The mapping is made of small pure functions, each unit-tested and documented in
``docs/readme/sources.md``:

* :func:`effect_for` - evidence direction + significance -> ``sensitivity``/``resistance``
* :func:`level_for` - CIViC evidence level or assertion flags -> OncoKB-style level
* :func:`alteration_for` - a CIViC variant name -> entries of our alteration grammar
* :func:`profile_terms` - a molecular profile (``A AND B``, ``A OR B``, ``NOT C``) ->
  alteration / ``requires`` / ``excludes``
* :func:`therapy_groups` - therapies + interaction type -> the drug lists of the rules
* :class:`DiseaseMapper` - DOID -> OncoTree codes (curated overrides, then the UMLS
  bridge, then exact OncoTree names and synonyms)

Summaries are generated from the structured fields; CIViC's evidence statements are
never copied.

>>> from actionable.sources.civic import effect_for, level_for
>>> effect_for("Supports", "Sensitivity/Response")
'sensitivity'
>>> level_for("B", "sensitivity")
'3A'
"""

from __future__ import annotations

from .client import GRAPHQL_URL, CivicClient, item_from_graphql
from .diseases import DiseaseMapper
from .items import OUT_OF_SCOPE_REASONS, POLICY_REASONS, REASONS, CivicItem, Skip, Skipped
from .mapping import (
    DrugNamer,
    ProfileTerms,
    alteration_for,
    convert_item,
    effect_for,
    level_for,
    origin_for,
    profile_terms,
    split_therapies,
    therapy_groups,
)
from .release import ImportResult, import_release, read_release, rule_file_yaml, write_rule_files

__all__ = [
    "GRAPHQL_URL",
    "OUT_OF_SCOPE_REASONS",
    "POLICY_REASONS",
    "REASONS",
    "CivicClient",
    "CivicItem",
    "DiseaseMapper",
    "DrugNamer",
    "ImportResult",
    "ProfileTerms",
    "Skip",
    "Skipped",
    "alteration_for",
    "convert_item",
    "effect_for",
    "import_release",
    "item_from_graphql",
    "level_for",
    "origin_for",
    "profile_terms",
    "read_release",
    "rule_file_yaml",
    "split_therapies",
    "therapy_groups",
    "write_rule_files",
]
