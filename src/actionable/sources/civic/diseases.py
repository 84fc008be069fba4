"""CIViC diseases (DOID) -> OncoTree codes: curated overrides, the UMLS bridge, names."""

from __future__ import annotations

import csv
import gzip
import json
import logging
from collections import defaultdict
from functools import cached_property
from pathlib import Path

import yaml

from ... import tumors
from ..._resources import knowledgebase_dir
from ...errors import UnknownTumorError
from .items import Skip

log = logging.getLogger(__name__)


# --------------------------------------------------------------------------- diseases
class DiseaseMapper:
    """CIViC disease (DOID, name) -> OncoTree codes or groups.

    Order: the curated overrides in ``knowledgebase/civic_disease_map.yaml`` (by DOID,
    or by name for diseases without one); then the UMLS bridge (OncoTree UMLS CUI ->
    the PCGR phenotype table's ``cui`` -> ``do_id``), keeping the code whose name is
    the disease name, else the broadest codes; then an exact OncoTree name, code or
    curated synonym (``actionable.tumors.resolve_tumor``, no fuzzy matches).

    >>> m = DiseaseMapper(bridge=None)
    >>> m.codes("9256", "Colorectal Cancer"), m.codes("162", "Cancer")
    (('COADREAD',), ('all',))
    """

    def __init__(self, overrides: Path | None = None, bridge: Path | None = None) -> None:
        path = overrides or knowledgebase_dir() / "civic_disease_map.yaml"
        data = yaml.safe_load(path.read_text(encoding="utf-8")) if path.is_file() else {}
        data = data or {}
        self._by_doid = {str(k): tuple(v["oncotree"]) for k, v in (data.get("doid") or {}).items()}
        self._by_name = {str(k).lower(): tuple(v) for k, v in (data.get("name") or {}).items()}
        self._bridge_path = bridge
        self.used: dict[tuple[str, str], tuple[tuple[str, ...], str]] = {}

    @cached_property
    def _bridge(self) -> dict[str, set[str]]:
        out: dict[str, set[str]] = defaultdict(set)
        if self._bridge_path is None or not self._bridge_path.is_file():
            return out
        tree = json.loads((knowledgebase_dir() / "oncotree.json").read_text(encoding="utf-8"))
        by_cui: dict[str, set[str]] = defaultdict(set)
        for code, node in tree["codes"].items():
            for cui in node.get("umls", ()):
                by_cui[cui].add(code)
        with gzip.open(self._bridge_path, "rt", encoding="utf-8") as handle:
            for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
                doid = row.get("do_id", "NA")
                if doid and doid != "NA" and row.get("cui") in by_cui:
                    out[doid.removeprefix("DOID:")] |= by_cui[row["cui"]]
        return out

    def codes(self, doid: str, name: str) -> tuple[str, ...]:
        """OncoTree codes (or groups) for a disease; raises :class:`Skip` when none.

        >>> DiseaseMapper(bridge=None).codes("", "Solid Tumor")
        ('all_solid',)
        """
        key = (doid.strip(), name.strip())
        if key not in self.used:
            self.used[key] = self._codes(*key)
        codes, _how = self.used[key]
        if not codes:
            raise Skip("disease_not_mapped", f"{name} (DOID {doid or '-'})")
        return codes

    def _codes(self, doid: str, name: str) -> tuple[tuple[str, ...], str]:
        if doid and doid in self._by_doid:
            return self._by_doid[doid], "override"
        if name.lower() in self._by_name:
            return self._by_name[name.lower()], "override"
        found = self._bridge.get(doid) if doid else None
        if found:
            return _narrow(found, name), "umls"
        try:
            tumor = tumors.resolve_tumor(name)
        except (UnknownTumorError, ValueError):
            return (), "none"
        if tumor.matched_by in ("code", "name", "synonym"):
            return (tumor.code,), tumor.matched_by
        return (), "none"


def _narrow(codes: set[str], name: str) -> tuple[str, ...]:
    named = [c for c in codes if tumors.get_tumor(c).name.lower() == name.lower()]
    if named:
        return (sorted(named)[0],)
    keep = [c for c in codes if not any(c != o and c in tumors.descendants(o) for o in codes)]
    return tuple(sorted(keep))
