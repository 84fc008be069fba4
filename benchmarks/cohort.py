"""Benchmark: annotate a 1,000,000-row MAF with the function the CLI uses.

Generates a MAF (realistic gene mix: most rows in genes without rules, a few hundred
samples with tumor types) into a temporary folder, then measures in the same run:

* the baseline: read the file with the same line reader, look up
  (gene, HGVSp_Short) in a dict, write the same number of columns;
* ``actionable.cohort.annotate`` in one process, at 250,000 and 1,000,000 rows;
* ``actionable.cohort.screen`` on a MAF of real gene symbols, once clean and once with
  1 % of rows in unknown symbols (typos and retired names, as real MAFs have them):
  the ratio of the two times. Unknown symbols cost a suggestion (the closest symbols)
  only when the message is built, once per distinct symbol.

It prints rows/s, the ratio to the baseline and peak memory (tracemalloc peak of a
second, traced annotate call - tracing slows Python, so it is not timed - and the
process's ru_maxrss). Run:

    .venv/bin/python benchmarks/cohort.py [--rows 1000000] [--rules DIR] [--screen-rows 100000]
"""

from __future__ import annotations

import argparse
import random
import resource
import tempfile
import time
import tracemalloc
from pathlib import Path

from actionable.cohort import ANNOTATION_COLUMNS, annotate, screen
from actionable.evaluate import default_engine

# Genes without rules dominate real MAFs (TTN, MUC16, passenger genes ...).
_BACKGROUND = [f"GENE{i}" for i in range(1, 4000)] + [
    "TTN",
    "MUC16",
    "SYNE1",
    "LRP1B",
    "CSMD3",
    "RYR2",
    "FLG",
    "USH2A",
    "OBSCN",
    "TP53",
    "RB1",
    "APC",
    "ARID1A",
    "KMT2D",
    "CDH1",
    "ZFP36L2",
    "GNA11",
]
_ACTIONABLE = [
    ("BRAF", "p.V600E", "Missense_Mutation"),
    ("KRAS", "p.G12C", "Missense_Mutation"),
    ("KRAS", "p.G12D", "Missense_Mutation"),
    ("EGFR", "p.L858R", "Missense_Mutation"),
    ("PIK3CA", "p.H1047R", "Missense_Mutation"),
    ("ERBB2", "p.S310F", "Missense_Mutation"),
    ("EGFR", "p.E746_A750del", "In_Frame_Del"),
    ("BRCA2", "p.S1982Rfs*22", "Frame_Shift_Del"),
    ("KIT", "p.D816V", "Missense_Mutation"),
    ("IDH1", "p.R132H", "Missense_Mutation"),
]
_TUMORS = ["COAD", "LUAD", "MEL", "HGNEC", "PANEC", "BRCA", "SCLC", "PAAD", "GIST", "NSCLC"]
_AA = "ACDEFGHIKLMNPQRSTVWY"


def make_maf(folder: Path, rows: int, samples: int = 400, seed: int = 1) -> tuple[Path, Path]:
    """Write a MAF of ``rows`` rows and a clinical table of ``samples`` samples."""
    rng = random.Random(seed)
    ids = [f"S{i:04d}" for i in range(samples)]
    clinical = folder / "clinical.tsv"
    clinical.write_text(
        "sample_id\ttumor\n" + "".join(f"{s}\t{rng.choice(_TUMORS)}\n" for s in ids)
    )
    maf = folder / "cohort.maf"
    header = [
        "Hugo_Symbol",
        "Entrez_Gene_Id",
        "Center",
        "NCBI_Build",
        "Chromosome",
        "Start_Position",
        "End_Position",
        "Strand",
        "Variant_Classification",
        "Variant_Type",
        "Reference_Allele",
        "Tumor_Seq_Allele1",
        "Tumor_Seq_Allele2",
        "Tumor_Sample_Barcode",
        "HGVSc",
        "HGVSp",
        "HGVSp_Short",
        "Transcript_ID",
    ]
    with open(maf, "w", encoding="utf-8") as out:
        out.write("#version 2.4\n" + "\t".join(header) + "\n")
        for _ in range(rows):
            if rng.random() < 0.03:  # ~3% of rows in genes with rules
                gene, change, klass = rng.choice(_ACTIONABLE)
            else:
                gene = rng.choice(_BACKGROUND)
                pos = rng.randint(1, 900)
                change = f"p.{rng.choice(_AA)}{pos}{rng.choice(_AA)}"
                klass = rng.choice(("Missense_Mutation", "Silent", "Nonsense_Mutation"))
            out.write(
                f"{gene}\t0\tbench\tGRCh37\t1\t{rng.randint(1, 10**8)}\t0\t+\t{klass}\tSNP\tA\tA\tT"
                f"\t{rng.choice(ids)}\tc.1A>T\t\t{change}\tENST0\n"
            )
    return maf, clinical


# Real symbols for the screening MAF (passenger and cancer genes), and the unknown ones a
# MAF carries: typos, retired or made-up names.
_REAL = [
    "TTN", "MUC16", "SYNE1", "LRP1B", "CSMD3", "RYR2", "FLG", "USH2A", "OBSCN", "TP53",
    "RB1", "APC", "ARID1A", "KMT2D", "CDH1", "GNA11", "PTEN", "ATM", "NF1", "SMAD4",
    "FAT1", "FAT4", "PCLO", "DNAH5", "HMCN1", "ZFHX4", "XIRP2", "SPTA1", "CSMD1", "AHNAK2",
]  # fmt: skip
_UNKNOWN = [
    "EGRF", "KRSA", "TP35", "BRAFF", "PIK3AC", "ALKK", "NOTCH7", "MUC16X", "TTNN", "SYNE",
    "LRPB1", "CSDM3", "RYR22", "FLGG", "OBSNC", "GENE123", "ORF27", "LOC0001", "XYZ1",
    "UNKNOWN", "C1orf999", "KIAA9999", "FAM999A", "ZNF9999", "SEPT99", "MARCH99", "DKFZ1",
    "RP11-999", "AC000001", "LINC99999", "SNORD999", "MIR9999", "HLA-Z", "TRB9", "IGHV99",
    "ATMM", "APCC", "NF11", "SMDA4", "PTNE",
]  # fmt: skip


def make_screen_maf(folder: Path, rows: int, unknown: float, seed: int = 2) -> tuple[Path, Path]:
    """A MAF of real symbols (a fraction ``unknown`` of rows in unknown symbols) and its
    clinical table, for :func:`screen`."""
    rng = random.Random(seed)
    ids = [f"S{i:04d}" for i in range(200)]
    clinical = folder / "screen_clinical.tsv"
    clinical.write_text(
        "sample_id\ttumor\n" + "".join(f"{s}\t{rng.choice(_TUMORS)}\n" for s in ids)
    )
    maf = folder / f"screen_{unknown:.3f}.maf"
    with open(maf, "w", encoding="utf-8") as out:
        out.write("Hugo_Symbol\tTumor_Sample_Barcode\tVariant_Classification\tHGVSp_Short\n")
        for _ in range(rows):
            if rng.random() < 0.03:
                gene, change, klass = rng.choice(_ACTIONABLE)
            else:
                gene = rng.choice(_UNKNOWN) if rng.random() < unknown else rng.choice(_REAL)
                change = f"p.{rng.choice(_AA)}{rng.randint(1, 300)}{rng.choice(_AA)}"
                klass = "Missense_Mutation"
            out.write(f"{gene}\t{rng.choice(ids)}\t{klass}\t{change}\n")
    return maf, clinical


def screen_ratio(folder: Path, rows: int, rules: object) -> None:
    """Time screen() on a clean MAF and on one with 1 % unknown symbols, in alternating
    rounds (best of three each: the machine is shared); print the ratio."""
    from actionable import genes, variants

    files = {unknown: make_screen_maf(folder, rows, unknown) for unknown in (0.0, 0.01)}
    times = {unknown: float("inf") for unknown in files}
    for _ in range(3):
        for unknown, (maf, clinical) in files.items():
            # A fresh process starts with empty caches; clear the per-symbol ones.
            genes._suggest.cache_clear()
            variants._cached_read.cache_clear()
            start = time.perf_counter()
            screen(clinical, maf=[maf], rules=rules, progress=False)  # type: ignore[arg-type]
            times[unknown] = min(times[unknown], time.perf_counter() - start)
    for unknown, took in times.items():
        print(
            f"screen {rows:,} rows, {unknown:.0%} unknown symbols: {took:.2f} s "
            f"({rows / took:,.0f} rows/s)"
        )
    print(f"screen with 1% unknown symbols / without: {times[0.01] / times[0.0]:.2f}x")


def baseline(maf: Path, out: Path) -> float:
    """Plain dict lookup of (gene, HGVSp_Short), same reader, same number of columns."""
    table = {
        (g, c): ("LEVEL_1",) + ("x",) * (len(ANNOTATION_COLUMNS) - 1) for g, c, _ in _ACTIONABLE
    }
    empty = "\t".join(("",) * len(ANNOTATION_COLUMNS))
    start = time.perf_counter()
    with (
        open(maf, encoding="utf-8", newline="") as handle,
        open(out, "w", encoding="utf-8") as sink,
    ):
        for line in handle:
            if line.startswith("#"):
                sink.write(line)
                continue
            header = line.rstrip("\r\n").split("\t")
            gi, pi = header.index("Hugo_Symbol"), header.index("HGVSp_Short")
            sink.write("\t".join([*header, *ANNOTATION_COLUMNS]) + "\n")
            break
        for line in handle:
            text = line.rstrip("\r\n")
            cells = text.split("\t")
            found = table.get((cells[gi], cells[pi]))
            sink.write(text + "\t" + ("\t".join(found) if found else empty) + "\n")
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--rules", type=Path, help="rule directory (default: bundled)")
    parser.add_argument("--screen-rows", type=int, default=100_000)
    parser.add_argument("--only-screen", action="store_true", help="skip the annotate runs")
    args = parser.parse_args()
    engine = default_engine() if args.rules is None else None
    rules = engine if engine is not None else args.rules
    with tempfile.TemporaryDirectory(prefix="actionable-bench-") as tmp:
        folder = Path(tmp)
        screen_ratio(folder, args.screen_rows, rules)
        if args.only_screen:
            return
        for rows in (args.rows // 4, args.rows):
            maf, clinical = make_maf(folder, rows)
            base = baseline(maf, folder / "baseline.tsv")
            start = time.perf_counter()
            summary = annotate(maf, folder / "annotated.tsv", clinical=clinical, rules=rules)
            took = time.perf_counter() - start
            # Memory in a second run: tracemalloc slows Python down several times.
            tracemalloc.start()
            annotate(maf, folder / "annotated.tsv", clinical=clinical, rules=rules)
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(
                f"{rows:>9,} rows: annotate {rows / took:>9,.0f} rows/s ({took:.2f} s), "
                f"baseline {rows / base:>9,.0f} rows/s ({base:.2f} s), ratio {took / base:.2f}x; "
                f"tracemalloc peak {peak / 2**20:.1f} MiB, max RSS {rss:.0f} MiB; "
                f"{summary.with_rules:,} rows in rule genes, {summary.annotated:,} annotated"
            )


if __name__ == "__main__":
    main()
