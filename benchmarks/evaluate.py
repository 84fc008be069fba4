"""Benchmark of evaluate(): warm single-patient latency and cold start.

Each number is printed next to a baseline measured in the same run:

* warm: ``evaluate()`` on a patient with 5 variants vs a plain-dict lookup keyed by
  (gene, alteration) over the same rules -- the physical floor of matching, without
  tumor context, rationale or ranking;
* cold: a fresh interpreter that imports ``actionable`` and loads the bundled rules
  (compiled-form cache warm, as after the first run on a machine) vs a fresh interpreter
  that only imports json and reads the rule files' bytes.

Run: ``python benchmarks/evaluate.py [--sources curated,civic] [--n 2000] [--warm-only]``.
Targets (issue 11, with conditions on patient facts, resistance that withholds and the
clinical ranking in the resolver): warm p50 for 5 variants under 0.5 ms with the curated
rules and under 1.5 ms with CIViC; cold start under 1 s.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from collections import defaultdict

import actionable
from actionable.evaluate import default_engine

PATIENTS = [
    (["BRAF V600E", "TP53 R213*", "GNA11 F341L", "ZFP36L2 R160fs*314", "MSS"], "colon NEC"),
    (["BRAF V600E", "TP53 R175H", "TMB 1.6 mut/Mb", "MSS", "KRAS G12D"], "HGNEC"),
    (["EGFR L858R", "EGFR T790M", "TP53 R273H", "PIK3CA E545K", "STK11 Q37*"], "LUAD"),
    (["KRAS G12D", "APC R1450*", "TP53 R175H", "SMAD4 R361H", "MSI-H"], "COAD"),
    (["ERBB2 amplification", "PIK3CA H1047R", "TP53 R248Q", "CDH1 Q23*", "GATA3 D336fs"], "BRCA"),
]
# Patient facts that rules check (HER2, HR), given as evaluate() receives them.
FACTS = [None, None, None, None, {"HER2": "3+", "ER": "positive"}]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def warm(n: int, sources: list[str] | None) -> None:
    engine = default_engine(sources)
    parsed = [
        (actionable.parse_variants(v), t, f) for (v, t), f in zip(PATIENTS, FACTS, strict=True)
    ]
    # Baseline: a dict from (gene, canonical alteration) to rules, the floor of matching.
    table: dict[tuple[str | None, str], list[str]] = defaultdict(list)
    for rule in engine.rules:
        for p in rule.patterns:
            table[(p.gene, p.alteration or p.text)].append(rule.id)
    for variants, tumor, facts in parsed:  # warm caches, rulesets, tumor index
        actionable.evaluate(variants, tumor=tumor, rules=engine, facts=facts)
    times: list[float] = []
    base: list[float] = []
    for i in range(n):
        variants, tumor, facts = parsed[i % len(parsed)]
        start = time.perf_counter()
        actionable.evaluate(variants, tumor=tumor, rules=engine, facts=facts)
        times.append(time.perf_counter() - start)
        start = time.perf_counter()
        hits = [table.get((v.gene, v.alteration), ()) for v in variants]
        base.append(time.perf_counter() - start)
        assert hits is not None
    p50, p95 = percentile(times, 0.5) * 1e3, percentile(times, 0.95) * 1e3
    b50 = percentile(base, 0.5) * 1e3
    print(f"rules loaded: {len(engine.rules)}  ({engine.compiled.stats})")
    target = 1.5 if sources and "civic" in sources else 0.5
    print(
        f"warm evaluate, 5 variants: p50 {p50:.3f} ms, p95 {p95:.3f} ms  "
        f"(target p50 < {target} ms)"
    )
    print(f"plain-dict lookup baseline: p50 {b50 * 1e3:.2f} us  ->  ratio {p50 / b50:.0f}x")


def cold(sources: list[str] | None, repeats: int = 5) -> None:
    sources_arg = repr(sources)
    load = (
        "import time; t=time.perf_counter(); import actionable; "
        "from actionable.evaluate import default_engine; "
        f"e=default_engine({sources_arg}); "
        "actionable.evaluate(['BRAF V600E'], tumor='colon NEC', rules=e); "
        "print(time.perf_counter()-t)"
    )
    floor = (
        "import time; t=time.perf_counter(); import json, pathlib; "
        "from actionable._resources import rules_dir; "
        "[p.read_bytes() for p in rules_dir().rglob('*.yaml')]; print(time.perf_counter()-t)"
    )
    subprocess.run([sys.executable, "-c", load], check=True, capture_output=True)  # fill cache

    def run(code: str) -> float:
        start = time.perf_counter()
        out = subprocess.run(
            [sys.executable, "-c", code], check=True, capture_output=True, text=True
        )
        wall = time.perf_counter() - start
        assert float(out.stdout.strip()) >= 0
        return wall

    ours = statistics.median(run(load) for _ in range(repeats))
    base = statistics.median(run(floor) for _ in range(repeats))
    print(
        f"cold start (new interpreter, import + load rules + first evaluation): {ours:.3f} s "
        "(target < 1 s)"
    )
    print(
        f"baseline (new interpreter, read rule files only): {base:.3f} s  ->  ratio "
        f"{ours / base:.1f}x"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--sources", help="comma-separated, e.g. curated or curated,civic")
    parser.add_argument("--warm-only", action="store_true", help="skip the cold-start runs")
    args = parser.parse_args()
    sources = args.sources.split(",") if args.sources else None
    warm(args.n, sources)
    if not args.warm_only:
        cold(sources)


if __name__ == "__main__":
    main()
