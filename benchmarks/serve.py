"""Benchmark of ``actionable serve``: batch annotation through HTTP vs the same queries
in-process, in the same run.

10,000 distinct protein changes (every substitution at the residues the rules and Cancer
Hotspots name, knowledgebase/residues.tsv, shuffled with a fixed seed, each with one of
eight tumor types) are annotated three ways:

* in-process ``evaluate([line], tumor=...)``, one call per change (the baseline the
  target is stated against);
* in-process ``annotate_variant(...).to_oncokb()``: the same work the server does per
  query, without HTTP (so the ratio against it is the cost of HTTP and JSON alone);
* HTTP: ``POST /api/v1/annotate/mutations/byProteinChange`` to a server started in a
  subprocess on a free loopback port, ``--batch`` queries per request (default 100), one
  keep-alive connection. Every change is distinct, so the server's answer cache never hits.

Run: ``python benchmarks/serve.py [--n 10000] [--batch 100]``.
Target (issue 14): HTTP at most 3x in-process ``evaluate`` at batch size 100.
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

import actionable
from actionable._resources import knowledgebase_dir
from actionable.annotation import annotate_variant
from actionable.evaluate import default_engine

TUMORS = ["COAD", "LUAD", "MEL", "BRCA", "colon NEC", "GIST", "THPA", "Glioblastoma"]
AMINO_ACIDS = "ACDEFGHIKLMNPQRSTVWY"


def queries(n: int) -> list[tuple[str, str, str]]:
    """``n`` distinct (gene, protein change, tumor) triples that parse."""
    changes = []
    for line in (knowledgebase_dir() / "residues.tsv").read_text(encoding="utf-8").splitlines():
        if line.startswith(("#", "gene\t")) or not line.strip():
            continue
        gene, position, ref, _ = line.split("\t", 3)
        if len(ref) == 1 and ref in AMINO_ACIDS:
            changes += [(gene, f"{ref}{position}{alt}") for alt in AMINO_ACIDS if alt != ref]
    random.Random(14).shuffle(changes)
    out = []
    for i, (gene, change) in enumerate(changes):
        try:
            actionable.parse_variant(f"{gene} {change}")
        except actionable.VariantParseError:
            continue
        out.append((gene, change, TUMORS[i % len(TUMORS)]))
        if len(out) == n:
            return out
    raise SystemExit(f"only {len(out)} distinct changes available; ask for fewer with --n")


def in_process_evaluate(items: list[tuple[str, str, str]]) -> float:
    engine = default_engine()
    start = time.perf_counter()
    for gene, change, tumor in items:
        actionable.evaluate([f"{gene} {change}"], tumor=tumor, rules=engine)
    return time.perf_counter() - start


def in_process_annotate(items: list[tuple[str, str, str]]) -> float:
    engine = default_engine()
    start = time.perf_counter()
    for gene, change, tumor in items:
        annotate_variant(f"{gene} {change}", tumor, rules=engine).to_oncokb()
    return time.perf_counter() - start


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def over_http(items: list[tuple[str, str, str]], batch: int) -> float:
    port = _free_port()
    url = f"http://127.0.0.1:{port}/api/v1/annotate/mutations/byProteinChange"
    log = Path(tempfile.mkdtemp(prefix="actionable-bench-")) / "serve.log"
    with log.open("w") as handle:
        server = subprocess.Popen(
            [sys.executable, "-m", "actionable", "serve", "--port", str(port)],
            stdout=handle, stderr=subprocess.STDOUT, env=dict(os.environ),
        )  # fmt: skip
    try:
        with httpx.Client(timeout=120) as client:
            deadline = time.monotonic() + 120
            while True:
                try:
                    client.get(f"http://127.0.0.1:{port}/api/v1/info")
                    break
                except httpx.TransportError:
                    if server.poll() is not None or time.monotonic() > deadline:
                        raise SystemExit("server did not start:\n" + log.read_text()) from None
                    time.sleep(0.2)
            bodies = [
                [
                    {"id": str(i + j), "gene": {"hugoSymbol": g}, "alteration": c, "tumorType": t}
                    for j, (g, c, t) in enumerate(items[i : i + batch])
                ]
                for i in range(0, len(items), batch)
            ]
            # One warm-up request with other changes, so both sides start warm.
            client.post(url, json=[{"gene": {"hugoSymbol": "KRAS"}, "alteration": "G12D"}])
            start = time.perf_counter()
            answered = 0
            for body in bodies:
                response = client.post(url, json=body)
                response.raise_for_status()
                answered += len(response.json())
            elapsed = time.perf_counter() - start
            if answered != len(items):
                raise SystemExit(f"{answered} answers for {len(items)} queries")
            return elapsed
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=100)
    args = parser.parse_args()
    items = queries(args.n)
    warm = [("BRAF", "V600E", "MEL"), ("EGFR", "L858R", "LUAD")]
    in_process_evaluate(warm)
    in_process_annotate(warm)
    evaluated = in_process_evaluate(items)
    http = over_http(items, args.batch)
    annotated = in_process_annotate(items)
    per = 1e6 / len(items)
    print(f"{len(items)} distinct protein changes, batch size {args.batch}")
    for name, seconds in (
        ("in-process evaluate()", evaluated),
        ("in-process annotate_variant + to_oncokb", annotated),
        ("HTTP batch POST (actionable serve)", http),
    ):
        print(f"  {name:<40} {seconds:6.2f} s  {seconds * per:7.0f} us/query")
    print(f"HTTP / in-process evaluate: {http / evaluated:.2f}x (target <= 3x)")
    print(f"HTTP / in-process annotation (the cost of HTTP and JSON): {http / annotated:.2f}x")


if __name__ == "__main__":
    main()
