"""Benchmark: annotate a generated MAF in one process and on a Dask LocalCluster, same run.

Generates a MAF of ``--rows`` rows (default 10 million) over ``--samples`` samples
(default 50,000) with the gene mix of benchmarks/cohort.py (about 3 % of rows in genes
with rules), then measures in the same run:

* the baseline: ``actionable.cohort.annotate`` in this process (what ``actionable
  annotate`` runs without ``--scheduler``);
* ``actionable.dask.annotate_files`` on a LocalCluster of ``--workers`` worker processes
  (one thread each), with 1, 2 and 4 partitions per worker (the file cut into byte
  ranges), the workers restarted between runs so each peak memory is its own; with
  ``--frame`` also the Dask DataFrame path (rows parsed into columns and joined back).

It prints rows/s of each, the ratio to the baseline, the peak memory (max RSS) of this
process after the baseline and of every worker, checks that every Dask output equals
the baseline's byte for byte, and prints the speed-up per worker. Run:

    .venv/bin/python benchmarks/dask_cohort.py [--rows 10000000] [--samples 50000]
        [--workers 2] [--partitions 1,2,4]
"""

from __future__ import annotations

import argparse
import filecmp
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cohort import make_maf
from distributed import get_task_stream

from actionable import dask as adask
from actionable.cohort import annotate


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _peak_of_this_process() -> float:
    # VmHWM, not ru_maxrss: a spawned worker's ru_maxrss starts at its parent's peak.
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--samples", type=int, default=50_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--partitions", default="1,2,4", help="partitions per worker")
    parser.add_argument("--folder", type=Path, help="where to write (default: a temp dir)")
    parser.add_argument(
        "--frame", action="store_true", help="also time the DataFrame path (maf_frame)"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="actionable-dask-bench-", dir=args.folder) as tmp:
        folder = Path(tmp)
        start = time.perf_counter()
        maf, clinical = make_maf(folder, args.rows, samples=args.samples)
        size = maf.stat().st_size / 2**20
        print(
            f"generated {args.rows:,} rows over {args.samples:,} samples "
            f"({size:,.0f} MiB) in {time.perf_counter() - start:.0f} s"
        )

        start, cpu = time.perf_counter(), _cpu()
        summary = annotate(maf, folder / "single.tsv", clinical=clinical, progress=False)
        single, single_cpu = time.perf_counter() - start, _cpu() - cpu
        print(
            f"single process: {args.rows / single:>10,.0f} rows/s ({single:.1f} s, "
            f"{single_cpu:.1f} CPU s), "
            f"max RSS {_peak_mib():,.0f} MiB; {summary.with_rules:,} rows in rule genes, "
            f"{summary.annotated:,} annotated"
        )

        comments = adask._layout(maf)[0]
        runs = [("files", int(p)) for p in args.partitions.split(",")]
        if args.frame:
            runs.append(("frame", int(args.partitions.split(",")[-1])))
        with adask.connect(f"local:{args.workers}") as client:
            for path, per_worker in runs:
                client.restart()
                out = folder / "dask.tsv"
                stream = get_task_stream(client)
                stream.__enter__()
                start = time.perf_counter()
                if path == "files":  # what `annotate --scheduler` runs: raw lines per range
                    run = adask.annotate_files(
                        client, [maf], out, clinical=clinical, split=per_worker * args.workers
                    )
                else:  # a Dask DataFrame of the rows, annotated and written back
                    frame = adask.maf_frame(maf, split=per_worker * args.workers)
                    run = adask.annotate_files(
                        client, frame, out, clinical=clinical, comments=comments
                    )
                took = time.perf_counter() - start
                stream.__exit__(None, None, None)
                # Seconds the workers spent computing tasks (both passes): what one more
                # core adds, without the client's fixed costs (clinical table, writing).
                busy = sum(
                    part["stop"] - part["start"]
                    for task in stream.data
                    for part in task["startstops"]
                    if part["action"] == "compute"
                )
                peaks = client.run(_peak_of_this_process)
                # CPU seconds of the (restarted) worker processes: the machine is shared,
                # so wall time alone mixes in other programs' load.
                cpus = client.run(_cpu)
                same = filecmp.cmp(out, folder / "single.tsv", shallow=False)
                rate = args.rows / took
                print(
                    f"dask {path}, {args.workers} workers x {per_worker} partitions "
                    f"({run.partitions} of ~{args.rows // run.partitions:,} rows): "
                    f"{rate:>10,.0f} rows/s ({took:.1f} s), {single / took:.2f}x the single "
                    f"process, {single / took / args.workers:.2f}x per worker; peak per "
                    f"worker {', '.join(f'{p:,.0f}' for p in peaks.values())} MiB; "
                    f"client max RSS {_peak_mib():,.0f} MiB; output identical: {same}"
                )
                cpu = sum(cpus.values())
                print(
                    f"    workers: {busy:.1f} s computing tasks, {cpu:.1f} CPU s "
                    f"({args.rows / cpu:,.0f} rows per worker CPU second; the single process "
                    f"{args.rows / single_cpu:,.0f}), wall {took:.1f} s"
                )
                out.unlink()


if __name__ == "__main__":
    main()
