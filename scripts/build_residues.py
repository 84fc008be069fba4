"""Build ``knowledgebase/residues.tsv``: the reference amino acid the library knows at a
protein position, so a report line whose residue contradicts it (``KRAS V12C``) is
refused instead of silently matching nothing.

Sources, in this order:

* the residues named by the curated rules (``rules/*.yaml`` alteration entries such as
  ``V600E`` or ``G12C``) and the hotspots of ``knowledgebase/gene_roles.yaml``;
* Cancer Hotspots v2 single-residue hotspots (``../shared/data/hotspots/
  cancerhotspots_v2_snv.tsv``; Chang et al., Cancer Discov 2018, PMID 29247016; data
  under the ODC Open Database License, see NOTICE);
* the protein HGVS of CIViC variants (``../shared/data/civic/*VariantSummaries.tsv``,
  CC0), only those written on the gene's MANE Select protein (``NP_004324.2:p.Val600Glu``
  for BRAF), so every position is in the numbering reports use;
* 3D Hotspots residues (``../shared/data/hotspots/3dhotspots_residues.tsv``; Gao et al.,
  Genome Med 2017, PMID 28115009), only for genes whose MSK-IMPACT isoform is the MANE
  Select transcript (``../shared/data/transcripts``), for the same reason.

A position whose sources disagree (a hotspot table on another isoform) is left out: the
parser then checks nothing there.

It also writes ``knowledgebase/signature_hotspots.tsv``: the residues of oncogenes
mutated in at least 200 tumors of Cancer Hotspots v2 (KRAS G12/G13, NRAS Q61, BRAF
V600, PIK3CA E542/E545/H1047, IDH1 R132), each with every oncogene where the same
residue is a hotspot, most mutated first. The parser refuses such a change written on
another gene whose residue there it does not know (``BRAF G12C``: did you mean KRAS
G12C?). The bar sits above the residues that paralogs share for real (AKT1 E17K, 149
tumors, is also found in AKT2 and AKT3); tumor suppressors are left out, as their
recurrent residues (TP53 R248) are often CpG arginines that mutate in any gene.

Run from the repository root:

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
    for path in sorted((ROOT / "rules").rglob("*.yaml")):
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


_THREE = {
    "Ala": "A", "Arg": "R", "Asn": "N", "Asp": "D", "Cys": "C", "Gln": "Q", "Glu": "E",
    "Gly": "G", "His": "H", "Ile": "I", "Leu": "L", "Lys": "K", "Met": "M", "Phe": "F",
    "Pro": "P", "Ser": "S", "Thr": "T", "Trp": "W", "Tyr": "Y", "Val": "V",
}  # fmt: skip
_P_RESIDUES = re.compile(r"([A-Z][a-z]{2})(\d+)")
_P_CHANGE = re.compile(r"p\.\(?([A-Z][a-z]{2}\d+(?:_[A-Z][a-z]{2}\d+)?)")
SIGNATURE_SAMPLES = 200


def mane_select(shared: Path) -> dict[str, tuple[str, str]]:
    """Gene -> (Ensembl transcript, RefSeq protein), both without version."""
    found: dict[str, tuple[str, str]] = {}
    path = shared / "transcripts" / "MANE.GRCh38.v1.4.summary.txt"
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            if row["MANE_status"] == "MANE Select":
                found[row["symbol"]] = (
                    row["Ensembl_nuc"].split(".")[0],
                    row["RefSeq_prot"].split(".")[0],
                )
    return found


def civic_residues(
    shared: Path, mane: dict[str, tuple[str, str]]
) -> dict[tuple[str, int], set[str]]:
    found: dict[tuple[str, int], set[str]] = defaultdict(set)
    for path in sorted((shared / "civic").glob("*VariantSummaries.tsv")):
        with path.open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle, delimiter="\t"):
                gene = row["gene"]
                if gene not in mane:
                    continue
                for expression in row["hgvs_descriptions"].split(","):
                    accession, _, change = expression.strip().partition(":")
                    if accession.split(".")[0] != mane[gene][1]:
                        continue  # another isoform: its numbering may differ
                    m = _P_CHANGE.match(change)
                    if m is None:
                        continue
                    for three, pos in _P_RESIDUES.findall(m.group(1)):
                        if three in _THREE:
                            found[(gene, int(pos))].add(_THREE[three])
    return found


def msk_on_mane(shared: Path, mane: dict[str, tuple[str, str]]) -> set[str]:
    """Genes whose MSK-IMPACT isoform (the hotspot tables' numbering) is MANE Select."""
    genes: set[str] = set()
    path = shared / "transcripts" / "vcf2maf_isoform_overrides_at_mskcc_grch38.tsv"
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("#"):
                continue
            enst, gene = line.split("\t")[:2]
            if gene in mane and mane[gene][0] == enst.split(".")[0]:
                genes.add(gene)
    return genes


def residues_3d(shared: Path, genes: set[str]) -> dict[tuple[str, int], set[str]]:
    found: dict[tuple[str, int], set[str]] = defaultdict(set)
    with (shared / "hotspots" / "3dhotspots_residues.tsv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            m = re.fullmatch(r"([ACDEFGHIKLMNPQRSTVWY])(\d+)", row["Residue"])
            if m and row["Gene"] in genes:
                found[(row["Gene"], int(m.group(2)))].add(m.group(1))
    return found


def signatures(shared: Path) -> list[tuple[int, str, list[tuple[str, int]]]]:
    """(position, residue, [(oncogene, tumors), ...]) for each signature residue."""
    roles = yaml.safe_load((ROOT / "knowledgebase" / "gene_roles.yaml").read_text("utf-8"))
    oncogenes = {
        gene for gene, entry in (roles.get("genes") or {}).items()
        if entry.get("role") in ("oncogene", "both")
    }  # fmt: skip
    counts: dict[tuple[int, str], dict[str, int]] = defaultdict(dict)
    with (shared / "hotspots" / "cancerhotspots_v2_snv.tsv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            gene, pos = row["Hugo_Symbol"], row["Amino_Acid_Position"]
            ref = row["Reference_Amino_Acid"].split(":")[0]
            if gene in oncogenes and pos.isdigit() and len(ref) == 1:
                counts[(int(pos), ref)][gene] = int(row["Mutation_Count"])
    out = []
    for (pos, ref), genes in sorted(counts.items()):
        if max(genes.values()) >= SIGNATURE_SAMPLES:
            ranked = sorted(genes.items(), key=lambda item: (-item[1], item[0]))
            out.append((pos, ref, ranked))
    return out


def write_signatures(shared: Path) -> None:
    out = ROOT / "knowledgebase" / "signature_hotspots.tsv"
    rows = signatures(shared)
    with out.open("w", encoding="utf-8") as sink:
        sink.write(
            "# Signature hotspot residues of oncogenes (mutated in >= "
            f"{SIGNATURE_SAMPLES} tumors in Cancer\n"
            "# Hotspots v2, PMID 29247016; ODC ODbL 1.0, see NOTICE), built by\n"
            "# scripts/build_residues.py. genes: every oncogene with a hotspot at the residue,\n"
            "# most mutated first, with its number of mutated tumors.\n"
            "position\tref\tgenes\n"
        )
        for pos, ref, genes in rows:
            listed = ",".join(f"{gene}:{n}" for gene, n in genes)
            sink.write(f"{pos}\t{ref}\t{listed}\n")
    print(f"wrote {out.relative_to(ROOT)}: {len(rows)} residues")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    args = parser.parse_args()
    merged: dict[tuple[str, int], set[str]] = defaultdict(set)
    sources: dict[tuple[str, int], set[str]] = defaultdict(set)
    mane = mane_select(args.shared)
    for name, table in (
        ("rules", rule_residues()),
        ("cancerhotspots", hotspot_residues(args.shared)),
        ("civic", civic_residues(args.shared, mane)),
        ("3dhotspots", residues_3d(args.shared, msk_on_mane(args.shared, mane))),
    ):
        for key, refs in table.items():
            merged[key] |= refs
            sources[key].add(name)
    out = ROOT / "knowledgebase" / "residues.tsv"
    dropped = 0
    with out.open("w", encoding="utf-8") as sink:
        sink.write(
            "# Reference residues known to actionable, built by scripts/build_residues.py\n"
            "# from the curated rules, Cancer Hotspots v2 (PMID 29247016; ODC ODbL 1.0,\n"
            "# see NOTICE), CIViC variants on the MANE Select protein (CC0) and 3D Hotspots\n"
            "# (PMID 28115009) on genes whose MSK-IMPACT isoform is MANE Select.\n"
            "gene\tposition\tref\tsource\n"
        )
        for (gene, pos), refs in sorted(merged.items()):
            valid = {r for r in refs if len(r) == 1 and r.isalpha()}
            if len(valid) != 1:
                dropped += 1
                continue
            sink.write(f"{gene}\t{pos}\t{valid.pop()}\t{','.join(sorted(sources[(gene, pos)]))}\n")
    print(f"wrote {out.relative_to(ROOT)}: {len(merged) - dropped} positions ({dropped} dropped)")
    write_signatures(args.shared)


if __name__ == "__main__":
    main()
