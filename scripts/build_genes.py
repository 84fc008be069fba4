"""Build ``knowledgebase/genes.tsv.gz`` from the HGNC and MANE files in ``../shared/data``.

Re-runnable: ``python scripts/build_genes.py`` from the repository root (or anywhere).

Columns (tab-separated, one approved gene per line, header first):
symbol, hgnc_id, entrez_id, refseq_nuc, refseq_prot, ensembl_nuc, ensembl_prot,
other_accessions (MANE Plus Clinical and MSK-IMPACT isoforms, comma-separated),
previous (comma-separated),
aliases (comma-separated).

``knowledgebase/gene_symbols.tsv.gz`` is the case-insensitive lookup index derived from it
(KEY<TAB>approved symbol, or several comma-separated when an alias is ambiguous), so the
library loads it with one dict build instead of re-deriving it at run time.

The HGNC snapshot (Feb 2021) carries no HGNC ids, so MANE rows are joined on the symbol.
MANE v1.4 (2025) knows a few hundred symbols renamed after 2021; they are added as
approved genes of their own (the 2021 symbol stays as a separate entry) because nothing in
the staged data links the two names reliably.
"""

from __future__ import annotations

import csv
import gzip
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / ".." / "shared" / "data"
HGNC = DATA / "hgnc" / "hgnc_symbols_prev_alias_2021-02.tsv"
MANE = DATA / "transcripts" / "MANE.GRCh38.v1.4.summary.txt"
# MSK-IMPACT isoforms: MAFs from vcf2maf/cBioPortal name these (e.g. BRAF ENST00000288602).
MSK_ISOFORMS = (
    DATA / "transcripts" / "vcf2maf_isoform_overrides_at_mskcc.tsv",
    DATA / "transcripts" / "vcf2maf_isoform_overrides_at_mskcc_grch38.tsv",
)
OUT = REPO / "knowledgebase" / "genes.tsv.gz"
INDEX = REPO / "knowledgebase" / "gene_symbols.tsv.gz"

COLUMNS = (
    "symbol",
    "hgnc_id",
    "entrez_id",
    "refseq_nuc",
    "refseq_prot",
    "ensembl_nuc",
    "ensembl_prot",
    "other_accessions",
    "previous",
    "aliases",
)


def _split(cell: str) -> list[str]:
    return [part.strip() for part in cell.split(",") if part.strip()]


def build() -> dict[str, dict[str, str]]:
    genes: dict[str, dict[str, str]] = {}
    with HGNC.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
            symbol = row["Approved symbol"].strip()
            genes[symbol] = dict.fromkeys(COLUMNS, "")
            genes[symbol]["symbol"] = symbol
            genes[symbol]["previous"] = ",".join(_split(row["Previous symbols"]))
            genes[symbol]["aliases"] = ",".join(_split(row["Alias symbols"]))
    with MANE.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
            symbol = row["symbol"].strip()
            entry = genes.setdefault(symbol, {**dict.fromkeys(COLUMNS, ""), "symbol": symbol})
            accessions = [
                row[k] for k in ("RefSeq_nuc", "RefSeq_prot", "Ensembl_nuc", "Ensembl_prot")
            ]
            if row["MANE_status"] == "MANE Select":
                entry["hgnc_id"] = row["HGNC_ID"]
                entry["entrez_id"] = row["NCBI_GeneID"].removeprefix("GeneID:")
                (
                    entry["refseq_nuc"],
                    entry["refseq_prot"],
                    entry["ensembl_nuc"],
                    entry["ensembl_prot"],
                ) = accessions
            else:
                # MANE Plus Clinical transcripts (e.g. BRAF NM_001374258.1) still name the gene.
                other = _split(entry["other_accessions"]) + [a for a in accessions if a]
                entry["other_accessions"] = ",".join(other)
    for path in MSK_ISOFORMS:
        with path.open(newline="", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("#") or not line.strip():
                    continue
                enst, name, refseq = [*line.rstrip("\n").split("\t"), "", "", ""][:3]
                if name not in genes:
                    continue  # a symbol renamed since: skip rather than guess
                entry = genes[name]
                known = set(_split(entry["other_accessions"])) | {
                    entry[k] for k in ("refseq_nuc", "refseq_prot", "ensembl_nuc", "ensembl_prot")
                }
                known_bare = {a.split(".")[0] for a in known if a}
                new = [a for a in (enst, refseq) if a and a.split(".")[0] not in known_bare]
                entry["other_accessions"] = ",".join([*_split(entry["other_accessions"]), *new])
    return genes


def symbol_index(genes: dict[str, dict[str, str]]) -> dict[str, list[str]]:
    """Upper-cased symbol -> approved symbols, with precedence approved > previous > alias.

    HGNC withdraws a symbol only for a reason, so a previous symbol is a stronger claim than
    an alias: MLL2 is KMT2D's previous symbol but KMT2B's alias, and reports mean KMT2D.
    """
    index: dict[str, list[str]] = {}
    for column in ("aliases", "previous"):
        tier: dict[str, list[str]] = {}
        for symbol in sorted(genes):
            for key in _split(genes[symbol][column]):
                owners = tier.setdefault(key.upper(), [])
                if symbol not in owners:
                    owners.append(symbol)
        index.update(tier)
    for symbol in genes:
        index[symbol.upper()] = [symbol]
    return index


def _write_gz(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # mtime=0 keeps the gzip byte-identical between runs so re-running does not dirty git.
    with (
        path.open("wb") as raw,
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as gz,
    ):
        gz.write(text.encode("utf-8"))


def write(genes: dict[str, dict[str, str]]) -> None:
    lines = ["\t".join(COLUMNS)]
    lines += ["\t".join(genes[symbol][c] for c in COLUMNS) for symbol in sorted(genes)]
    _write_gz(OUT, "\n".join(lines) + "\n")
    index = symbol_index(genes)
    _write_gz(INDEX, "".join(f"{k}\t{','.join(v)}\n" for k, v in sorted(index.items())))


def main() -> None:
    genes = build()
    write(genes)
    for path in (OUT, INDEX):
        print(f"wrote {path.relative_to(REPO)} ({path.stat().st_size} bytes)")
    print(f"{len(genes)} genes")


if __name__ == "__main__":
    main()
