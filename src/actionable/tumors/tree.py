"""The OncoTree tree: its nodes read from ``knowledgebase/oncotree.json``, each with its
lineage, tissue and whether it is a solid or a blood cancer.

OncoTree (release ``oncotree_2025_10_03``) is (c) Memorial Sloan Kettering Cancer
Center, CC BY 4.0; see NOTICE.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from ..errors import RuleFileError
from ..models import TumorType

ONCOTREE_FILE = "oncotree.json"


# OncoTree files blood cancers under two tissues; everything else is a solid organ
# except the lymphomas OncoTree files under the organ they arise in.
_LIQUID_TISSUES = frozenset({"MYELOID", "LYMPH"})


_LIQUID_CODES = frozenset({"MLYM", "TLYM"})


# Nodes that may be either: no group that depends on solidity should claim them.
_UNDETERMINED = frozenset({"TISSUE", "OTHER", "MIXED"})


ROOT = "TISSUE"


Solidity = Literal["solid", "liquid", "undetermined"]


@dataclass(frozen=True, slots=True)
class _Node:
    code: str
    name: str
    main_type: str | None
    tissue: str | None
    parent: str | None
    level: int
    ancestors: tuple[str, ...]
    solidity: Solidity
    tumor: TumorType


def _solidity(code: str, tissue_code: str) -> Solidity:
    if code in _UNDETERMINED:
        return "undetermined"
    if tissue_code in _LIQUID_TISSUES or code in _LIQUID_CODES:
        return "liquid"
    return "solid"


def _read_tree(path: Path) -> tuple[str, dict[str, dict[str, Any]]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return str(data["release"]), dict(data["codes"])
    except (OSError, ValueError, KeyError) as exc:
        raise RuleFileError(
            path, f"cannot read the OncoTree file ({exc}); run scripts/build_oncotree.py"
        ) from exc


def _build_nodes(raw: dict[str, dict[str, Any]]) -> tuple[dict[str, _Node], dict[str, list[str]]]:
    children: dict[str, list[str]] = {code: [] for code in raw}
    lineages: dict[str, tuple[str, ...]] = {}

    def lineage(code: str) -> tuple[str, ...]:
        if code not in lineages:
            parent = raw[code]["parent"]
            lineages[code] = () if parent is None else (parent, *lineage(parent))
        return lineages[code]

    nodes: dict[str, _Node] = {}
    for code, entry in raw.items():
        if entry["parent"] is not None:
            children[entry["parent"]].append(code)
        ancestors = lineage(code)
        # The level-1 node (child of TISSUE) is the tissue; the root is its own.
        tissue_code = ancestors[-2] if len(ancestors) >= 2 else code
        solidity = _solidity(code, tissue_code)
        tumor = TumorType(
            code=code,
            name=entry["name"],
            main_type=entry.get("mainType"),
            tissue=entry.get("tissue"),
            ancestors=ancestors,
            is_solid=solidity == "solid",
            matched_by="code",
            text=code,
        )
        nodes[code] = _Node(
            code=code,
            name=entry["name"],
            main_type=entry.get("mainType"),
            tissue=entry.get("tissue"),
            parent=entry["parent"],
            level=int(entry["level"]),
            ancestors=ancestors,
            solidity=solidity,
            tumor=tumor,
        )
    return nodes, children
