"""Knowledge sources beyond the curated rules: CIViC (release import and GraphQL) and
OncoKB (REST), converted to the rule models of :mod:`actionable.rules`.

* :func:`actionable.sources.civic.import_release` - a CIViC monthly release ->
  ``rules/civic/*.yaml`` (what ``actionable kb import-civic DIR`` runs)
* :class:`actionable.sources.civic.CivicClient` - live CIViC GraphQL, per gene
* :class:`actionable.sources.oncokb.OncoKBClient` - live OncoKB annotation (token needed)
* :func:`actionable.sources.http.make_session` - the cached, offline-capable HTTP session

Submodules are imported on use, so ``import actionable`` never loads ``requests``.

>>> from actionable.sources import civic
>>> civic.level_for("C", "sensitivity")
'3B'
"""

from __future__ import annotations

__all__ = ["civic", "http", "oncokb"]
