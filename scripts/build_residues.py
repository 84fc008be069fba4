"""Build ``knowledgebase/residues.tsv``: the reference amino acid the library knows at a
protein position, so a report line whose residue contradicts it (``KRAS V12C``) is
refused instead of silently matching nothing.

Sources, in this order:

* the residues named by the curated rules (``rules/*.yaml`` alteration entries such as
  ``V600E`` or ``G12C``) and the hotspots of ``knowledgebase/gene_roles.yaml``;
* Cancer Hotspots v2 single-residue hotspots (``../shared/data/hotspots/
  cancerhotspots_v2_snv.tsv``; Chang et al., Cancer Discov 2018, PMID 29247016; data
  under the ODC Open Database License, see NOTICE).

A position whose sources disagree (a hotspot table on another isoform) is left out: the
parser then checks nothing there. Run from the repository root:

    .venv/bin/python scripts/build_residues.py [--shared ../shared/data]
"""

from __future__ import annotations

import argparse
import csv
import re
from collections import defaultdict
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
_RESIDUE = re.compile(
    r"^([ACDEFGHIKLMNPQRSTVWY])(\d+)(?:[ACDEFGHIKLMNPQRSTVWY*=]|fs|del|dup|ins|_|$)"
)


def _entries(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [str(v) for v in value]
    return []


def rule_residues() -> dict[tuple[str, int], set[str]]:
    found: dict[tuple[str, int], set[str]] = defaultdict(set)
    for path in sorted((ROOT / "rules").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        gene = data.get("gene")
        if not gene:
            continue
        for rule in data.get("rules") or []:
            for key in ("alteration", "excluding"):
                for entry in _entries(rule.get(key)):
                    m = _RESIDUE.match(entry.strip())
                    if m:
                        found[(gene, int(m.group(2)))].add(m.group(1))
    roles = yaml.safe_load((ROOT / "knowledgebase" / "gene_roles.yaml").read_text("utf-8"))
    for gene, entry in (roles.get("genes") or {}).items():
        for hotspot in entry.get("hotspots") or ():
            m = _RESIDUE.match(str(hotspot))
            if m:
                found[(gene, int(m.group(2)))].add(m.group(1))
    return found


def hotspot_residues(shared: Path) -> dict[tuple[str, int], set[str]]:
    found: dict[tuple[str, int], set[str]] = defaultdict(set)
    with (shared / "hotspots" / "cancerhotspots_v2_snv.tsv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            if not row["Amino_Acid_Position"].isdigit():
                continue
            key = (row["Hugo_Symbol"], int(row["Amino_Acid_Position"]))
            for part in row["Reference_Amino_Acid"].split("|"):
                found[key].add(part.split(":")[0])
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    args = parser.parse_args()
    merged: dict[tuple[str, int], set[str]] = defaultdict(set)
    sources: dict[tuple[str, int], set[str]] = defaultdict(set)
    for name, table in (
        ("rules", rule_residues()),
        ("cancerhotspots", hotspot_residues(args.shared)),
    ):
        for key, refs in table.items():
            merged[key] |= refs
            sources[key].add(name)
    out = ROOT / "knowledgebase" / "residues.tsv"
    dropped = 0
    with out.open("w", encoding="utf-8") as sink:
        sink.write(
            "# Reference residues known to actionable, built by scripts/build_residues.py\n"
            "# from the curated rules and Cancer Hotspots v2 (PMID 29247016; ODC ODbL 1.0,\n"
            "# see NOTICE).\n"
            "gene\tposition\tref\tsource\n"
        )
        for (gene, pos), refs in sorted(merged.items()):
            valid = {r for r in refs if len(r) == 1 and r.isalpha()}
            if len(valid) != 1:
                dropped += 1
                continue
            sink.write(f"{gene}\t{pos}\t{valid.pop()}\t{','.join(sorted(sources[(gene, pos)]))}\n")
    print(f"wrote {out.relative_to(ROOT)}: {len(merged) - dropped} positions ({dropped} dropped)")


if __name__ == "__main__":
    main()
