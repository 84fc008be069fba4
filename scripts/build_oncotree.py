"""Build knowledgebase/oncotree.json from the OncoTree release staged in ../shared/data.

Re-runnable: the output depends only on the input file, and is written with sorted
keys so that a rebuild from the same release gives a byte-identical file (clean diffs).

    python scripts/build_oncotree.py [--source PATH] [--output PATH]

OncoTree is (c) Memorial Sloan Kettering Cancer Center, CC BY 4.0; see NOTICE.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
RELEASE = "oncotree_2025_10_03"
DEFAULT_SOURCE = REPO_ROOT.parent / "shared" / "data" / "tumor_types" / f"{RELEASE}.json"
DEFAULT_OUTPUT = REPO_ROOT / "knowledgebase" / "oncotree.json"


def _walk(node: dict[str, Any], out: dict[str, dict[str, Any]]) -> None:
    code = node["code"]
    if code in out:
        raise ValueError(f"duplicate OncoTree code {code!r}")
    refs = node.get("externalReferences") or {}
    entry: dict[str, Any] = {
        "name": node["name"],
        "mainType": node.get("mainType"),
        "tissue": node.get("tissue"),
        "parent": node.get("parent"),
        "level": node["level"],
    }
    # Cross-references are kept only when present so the file stays small.
    if refs.get("UMLS"):
        entry["umls"] = sorted(refs["UMLS"])
    if refs.get("NCI"):
        entry["nci"] = sorted(refs["NCI"])
    # Retired codes are needed at run time: reports produced with older releases
    # still carry them (MM for Plasma Cell Myeloma, GBM, CLL...).
    for key in ("history", "precursors", "revocations"):
        values = [v for v in node.get(key) or [] if v != code]
        if values:
            entry[key] = sorted(values)
    out[code] = entry
    children = node.get("children") or {}
    for child in children.values():
        if child.get("parent") != code:
            raise ValueError(f"{child['code']} lists parent {child.get('parent')!r}, not {code!r}")
        _walk(child, out)


def build(source: Path) -> dict[str, Any]:
    """Return the compact tree read from an OncoTree release JSON."""
    raw = json.loads(source.read_text(encoding="utf-8"))
    if "TISSUE" not in raw:
        raise ValueError(f"{source}: no TISSUE root; is this an OncoTree tree file?")
    nodes: dict[str, dict[str, Any]] = {}
    _walk(raw["TISSUE"], nodes)
    return {
        "release": source.stem,
        "source": "https://github.com/cBioPortal/oncotree (trees/" + source.name + ")",
        "license": "CC BY 4.0, Memorial Sloan Kettering Cancer Center",
        "citation": (
            "Kundra R, et al. OncoTree: A Cancer Classification System for Precision "
            "Oncology. JCO Clin Cancer Inform. 2021;5:221-230. PMID 33625877"
        ),
        "codes": nodes,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args(argv)
    data = build(args.source)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    args.output.write_text(text + "\n", encoding="utf-8")
    print(f"wrote {len(data['codes'])} codes of {data['release']} to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
