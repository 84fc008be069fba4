"""Worker processes: byte-range chunks of one MAF annotated in parallel (for
:func:`~actionable.cohort.annotate`), and whole patients evaluated in parallel (for
:func:`~actionable.cohort.screen`). Workers are spawn-safe: they rebuild their engine
from the rules path and sources they are given.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import tempfile
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import IO

from ..engine import Engine
from ..evaluate import evaluate
from ..io import _FALLBACK as _TEXT_FALLBACK
from ..io import ClinicalRecord
from ..io.maf import MafColumns
from ..models import Report, Variant
from .annotator import Annotator, _annotate_lines, _collect_maf_context, _engine
from .progress import _Progress


def _chunk_offsets(path: Path, start: int, parts: int) -> list[tuple[int, int]]:
    size = path.stat().st_size
    if parts <= 1 or size - start < 1 << 20:
        return [(start, size)]
    step = (size - start) // parts
    bounds = [start]
    with open(path, "rb") as handle:
        for i in range(1, parts):
            handle.seek(start + i * step)
            handle.readline()
            position = handle.tell()
            if position > bounds[-1] and position < size:
                bounds.append(position)
    bounds.append(size)
    return list(itertools.pairwise(bounds))


def _read_range(path: Path, begin: int, end: int) -> Iterator[str]:
    with open(path, "rb") as handle:
        handle.seek(begin)
        while handle.tell() < end:
            raw = handle.readline()
            if not raw:
                break
            yield raw.decode("utf-8", errors=_TEXT_FALLBACK)


def _count_lines(path: Path, begin: int, end: int) -> int:
    count = 0
    with open(path, "rb") as handle:
        handle.seek(begin)
        remaining = end - begin
        while remaining > 0:
            block = handle.read(min(remaining, 1 << 22))
            if not block:
                break
            count += block.count(b"\n")
            remaining -= len(block)
    return count


_worker_annotator: Annotator | None = None


def _worker_init(
    clinical: dict[str, ClinicalRecord],
    rules: str | None,
    sources: tuple[str, ...] | None,
    tumor: str | None = None,
) -> None:
    global _worker_annotator
    _worker_annotator = Annotator(clinical, rules=rules, sources=sources, tumor=tumor)


def _worker_context(
    args: tuple[str, int, int, MafColumns],
) -> dict[str, set[Variant]]:
    path, begin, end, columns = args
    assert _worker_annotator is not None
    return _collect_maf_context(_worker_annotator, _read_range(Path(path), begin, end), columns)


def _worker_annotate(
    args: tuple[str, int, int, MafColumns, int, int, dict[str, set[Variant]], str],
) -> dict[str, int]:
    path, begin, end, columns, width, first_line, context, out_path = args
    assert _worker_annotator is not None
    _worker_annotator.context.clear()
    _worker_annotator.merge_context(context)
    with open(out_path, "w", encoding="utf-8", newline="") as out:
        counts = _annotate_lines(
            _worker_annotator, _read_range(Path(path), begin, end), columns, width, first_line, out
        )
    return dict(counts)


def _annotate_parallel(
    annotator: Annotator,
    path: Path,
    handle: IO[str],
    columns: MafColumns,
    width: int,
    header_line: int,
    jobs: int,
    rules: str | Path | Engine | None,
    sources: Iterable[str] | None,
    clinical: Mapping[str, ClinicalRecord],
    sink: IO[str],
    need_context: bool,
    tumor: str | None = None,
    progress: _Progress | None = None,
) -> Counter[str]:
    # The data start right after the header line.
    with open(path, "rb") as raw:
        for _ in range(header_line):
            raw.readline()
        start = raw.tell()
    chunks = _chunk_offsets(path, start, jobs)
    rules_arg = None if rules is None else str(rules.name if isinstance(rules, Engine) else rules)
    if isinstance(rules, Engine) and rules.name == "bundled":
        rules_arg = None
    source_arg = tuple(sources) if sources is not None else None
    context: dict[str, set[Variant]] = {s: set(v) for s, v in annotator.context.items()}
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(
        processes=min(jobs, len(chunks)),
        initializer=_worker_init,
        initargs=(dict(clinical), rules_arg, source_arg, tumor),
    ) as pool:
        if need_context:
            for found in pool.map(_worker_context, [(str(path), b, e, columns) for b, e in chunks]):
                for sample, variants in found.items():
                    context.setdefault(sample, set()).update(variants)
        firsts: list[int] = []
        line = header_line + 1
        for begin, end in chunks:
            firsts.append(line)
            line += _count_lines(path, begin, end)
        with tempfile.TemporaryDirectory(prefix="actionable-annotate-") as tmp:
            outs = [os.path.join(tmp, f"part{i}.tsv") for i in range(len(chunks))]
            tasks = [
                (str(path), b, e, columns, width, first, context, o)
                for (b, e), first, o in zip(chunks, firsts, outs, strict=True)
            ]
            totals: Counter[str] = Counter()
            for result in pool.imap(_worker_annotate, tasks):
                totals.update(result)
                if progress is not None:
                    progress.update(totals["rows"])
            for part in outs:
                with open(part, encoding="utf-8", newline="") as piece:
                    while block := piece.read(1 << 22):
                        sink.write(block)
    return totals


_Task = tuple[
    str,
    tuple[Variant, ...],
    str | None,
    tuple[str, ...],
    str | None,
    tuple[str, ...] | None,
    tuple[tuple[str, str], ...],
]


def _evaluate_patient(args: _Task) -> tuple[str, Report]:
    sample, variants, tumor, prior, rules, sources, facts = args
    engine = _engine(rules, sources)
    return sample, evaluate(
        list(variants), tumor=tumor, rules=engine, prior_therapies=prior, facts=dict(facts) or None
    )
