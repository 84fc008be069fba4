"""Benchmark of ``actionable serve``: batch annotation through HTTP vs in-process annotation
and ``evaluate``, in the same run.

Distinct protein changes (every substitution at the residues the rules and Cancer
Hotspots name, knowledgebase/residues.tsv, shuffled with a fixed seed, each with one of
eight tumor types; about 20,000) are annotated three ways, each way with changes of its
own (10,000 through HTTP, half of the rest each in-process), so no way profits from
caches another filled:

* in-process ``evaluate([line], tumor=...)``, one call per change (the baseline the
  target is stated against);
* in-process ``annotate_variant(...).to_oncokb()``: the same work the server does per
  query, without HTTP;
* HTTP: ``POST /api/v1/annotate/mutations/byProteinChange`` to a server started in a
  subprocess on a free loopback port, ``--batch`` queries per request (default 100), one
  keep-alive connection. Every change is distinct, so the server's answer cache never hits;
  at the end the first slice is sent again (all answers cached): the cost of HTTP,
  request validation and JSON by themselves.

Run: ``python benchmarks/serve.py [--n 10000] [--batch 100] [--rounds 10] [--workers 1]``. The three
ways take turns on ten slices (one server for the whole run); times are per change.
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
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import httpx

import actionable
from actionable._resources import knowledgebase_dir
from actionable.annotation import annotate_variant
from actionable.evaluate import default_engine

TUMORS = ["COAD", "LUAD", "MEL", "BRCA", "colon NEC", "GIST", "THPA", "Glioblastoma"]
AMINO_ACIDS = "ACDEFGHIKLMNPQRSTVWY"


def queries(n: int | None = None) -> list[tuple[str, str, str]]:
    """``n`` (default: all) distinct (gene, protein change, tumor) triples that parse."""
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
    if n is None:
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


@contextmanager
def serving(workers: int = 1) -> Iterator[tuple[httpx.Client, str]]:
    """A server in a subprocess on a free loopback port, and a keep-alive client to it."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}/api/v1/annotate/mutations/byProteinChange"
    log = Path(tempfile.mkdtemp(prefix="actionable-bench-")) / "serve.log"
    with log.open("w") as handle:
        server = subprocess.Popen(
            [sys.executable, "-m", "actionable", "serve", "--port", str(port),
             "--workers", str(workers)],
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
            # One warm-up request with another change, so both sides start warm.
            client.post(url, json=[{"gene": {"hugoSymbol": "KRAS"}, "alteration": "G12D"}])
            yield client, url
    finally:
        server.terminate()
        server.wait(timeout=30)


def over_http(
    client: httpx.Client,
    url: str,
    items: list[tuple[str, str, str]],
    batch: int,
    concurrent: int = 1,
) -> float:
    bodies = [
        [
            {"id": str(i + j), "gene": {"hugoSymbol": g}, "alteration": c, "tumorType": t}
            for j, (g, c, t) in enumerate(items[i : i + batch])
        ]
        for i in range(0, len(items), batch)
    ]

    def post(body: list[dict[str, object]]) -> int:
        response = client.post(url, json=body)
        response.raise_for_status()
        return len(response.json())

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrent) as pool:
        answered = sum(pool.map(post, bodies))
    elapsed = time.perf_counter() - start
    if answered != len(items):
        raise SystemExit(f"{answered} answers for {len(items)} queries")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument(
        "--workers", type=int, default=1, help="server processes, and requests in flight"
    )
    args = parser.parse_args()
    pool = queries()
    if len(pool) < args.n + 2 * args.rounds:
        raise SystemExit(f"only {len(pool)} distinct changes; ask for fewer with --n")
    # Every way gets changes of its own, so none profits from caches another filled.
    through_http, rest = pool[: args.n], pool[args.n :]
    alone, annotated_alone = rest[0::2], rest[1::2]
    warm = [("BRAF", "V600E", "MEL"), ("EGFR", "L858R", "LUAD")]
    in_process_evaluate(warm)
    in_process_annotate(warm)

    def parts(items: list[tuple[str, str, str]]) -> list[list[tuple[str, str, str]]]:
        size = -(-len(items) // args.rounds)
        return [items[i : i + size] for i in range(0, len(items), size)]

    # The three ways take turns, slice by slice, so a change of load on the shared machine
    # falls on all three alike.
    totals = {"evaluate": [0.0, 0], "annotate": [0.0, 0], "http": [0.0, 0]}
    ratios = []
    with serving(args.workers) as (client, url):
        for e_part, a_part, h_part in zip(
            parts(alone), parts(annotated_alone), parts(through_http), strict=False
        ):
            e = in_process_evaluate(e_part)
            h = over_http(client, url, h_part, args.batch, args.workers)
            a = in_process_annotate(a_part)
            for key, seconds, part in (("evaluate", e, e_part), ("http", h, h_part),
                                       ("annotate", a, a_part)):  # fmt: skip
                totals[key][0] += seconds
                totals[key][1] += len(part)
            ratios.append((h / len(h_part)) / (e / len(e_part)))
        # The first slice again: every answer now comes from the server's cache, so this
        # is what HTTP, request validation and JSON cost by themselves.
        again = parts(through_http)[0]
        transport = min(over_http(client, url, again, args.batch) for _ in range(3))
    rate = {key: seconds / count * 1e6 for key, (seconds, count) in totals.items()}
    print(
        f"distinct protein changes, batch size {args.batch}, {len(ratios)} rounds, "
        f"{args.workers} server worker(s) and as many requests in flight:"
    )
    for key, name in (
        ("evaluate", "in-process evaluate()"),
        ("annotate", "in-process annotate_variant + to_oncokb"),
        ("http", "HTTP batch POST (actionable serve)"),
    ):
        print(f"  {name:<42} {int(totals[key][1]):6d} changes {rate[key]:7.0f} us/change")
    cost = transport * 1e6 / len(again)
    label = "HTTP, a slice again (answers cached)"
    print(f"  {label:<42} {len(again):6d} changes {cost:7.0f} us/change")
    print(
        f"HTTP / in-process evaluate: {rate['http'] / rate['evaluate']:.2f}x (target <= 3x); "
        f"per round {min(ratios):.2f}x to {max(ratios):.2f}x"
    )
    print(f"HTTP / in-process annotation (the same work): {rate['http'] / rate['annotate']:.2f}x")
    print(f"HTTP, validation and JSON alone: {cost / rate['evaluate']:.2f}x evaluate")


if __name__ == "__main__":
    main()
