"""Build ``knowledgebase/hotspots.tsv`` from Cancer Hotspots v2 and 3D Hotspots.

Re-runnable: ``python scripts/build_hotspots.py`` from anywhere. Inputs (ODbL, see NOTICE):
``../shared/data/hotspots/cancerhotspots_v2_snv.tsv`` and ``..._indel.tsv`` (Chang et al.,
Nat Biotechnol 2016, PMID 26619011; Chang et al., Cancer Discov 2018, PMID 29247016) and
``3dhotspots_residues.tsv`` (Gao et al., Genome Med 2017, PMID 28115009).

One line per hotspot residue or indel region, sorted by gene and position:
gene, kind (``snv``: a recurrently substituted residue; ``splice``: a recurrent splice
site next to codon ``start``; ``indel``: a region of recurrent in-frame indels; ``3d``: a
residue of a 3D cluster), start, end, ref (reference residue, snv only), alts (the
observed changes, comma-separated: amino acids for snv, HGVS-like indels for indel),
count (tumors with a mutation there in the source cohort). Gene symbols of the source
(2017) are mapped to today's approved symbols (H3F3A -> H3-3A, HIST1H3B -> H3C2).
Residues the source flags as in a repeat region are kept (PIK3CA E542 is one).
"""

from __future__ import annotations

import csv
import sys
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / ".." / "shared" / "data" / "hotspots"
OUT = REPO / "knowledgebase" / "hotspots.tsv"
sys.path.insert(0, str(REPO / "src"))

from actionable.errors import VariantParseError  # noqa: E402
from actionable.genes import resolve_gene  # noqa: E402


def _symbol(name: str) -> str:
    try:
        return resolve_gene(name)
    except VariantParseError:
        return name


HEADER = ("gene", "kind", "start", "end", "ref", "alts", "count")


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def _cell(text: str) -> str:
    return text.split(":", 1)[0]


def build() -> list[tuple[str, ...]]:
    """All hotspot lines, sorted (gene, start, kind)."""
    linear: dict[tuple[str, str, int, int, str], dict[str, int]] = defaultdict(dict)
    for name, kind in (
        ("cancerhotspots_v2_snv.tsv", "snv"),
        ("cancerhotspots_v2_indel.tsv", "indel"),
    ):
        for row in _rows(name):
            where = row["Amino_Acid_Position"]
            row_kind, ref = kind, _cell(row["Reference_Amino_Acid"]) if kind == "snv" else ""
            if where.startswith("X") and where.endswith("_splice"):
                row_kind, where, ref = "splice", where[1:-7], ""
            lo, _, hi = where.partition("-")
            key = (_symbol(row["Hugo_Symbol"]), row_kind, int(lo), int(hi or lo), ref)
            alt = _cell(row["Variant_Amino_Acid"])
            linear[key][alt] = int(row["Mutation_Count"])
    out = [
        (gene, kind, str(lo), str(hi), ref, ",".join(sorted(alts)), str(max(alts.values())))
        for (gene, kind, lo, hi, ref), alts in linear.items()
    ]
    for row in _rows("3dhotspots_residues.tsv"):
        residue = row["Residue"]
        ref, position = residue[0], int(residue[1:])
        out.append(
            (_symbol(row["Gene"]), "3d", str(position), str(position), ref, "", row["#Mutations"])
        )
    out.sort(key=lambda r: (r[0], int(r[2]), r[1], r[3]))
    return out


def main() -> None:
    rows = build()
    lines = ["\t".join(HEADER), *("\t".join(r) for r in rows)]
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {OUT.relative_to(REPO)}: {len(rows)} hotspot lines")


if __name__ == "__main__":
    main()
