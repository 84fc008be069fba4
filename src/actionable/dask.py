"""Cohorts beyond one machine: annotate and screen MAF rows on a Dask cluster.

The frames are Dask DataFrames of MAF rows (one column per MAF column, as text) and a
clinical table (a path, a pandas or Dask DataFrame, or :func:`~actionable.cohort.load_clinical`
output). Each partition is annotated by the same per-row code as
:func:`actionable.cohort.annotate`, so the annotated frame has the columns of its TSV
and the same values:

* :func:`maf_frame` / :func:`parquet_frame` read files into a frame, one partition per
  file (or ``split`` byte ranges of one uncompressed MAF); the index holds the file's
  line numbers and each partition's ``attrs["source"]`` its path, so messages name
  ``file:line`` as the single-process path does;
* :func:`annotate_frame` returns the annotated frame (lazy); :func:`annotate_files`
  writes the TSV ``annotate`` writes from a frame or, faster, from MAF files whose byte
  ranges go through the single-process row loop as text (``annotate --scheduler``);
* :func:`screen_frame` computes the funnel as a reduction over partitions and returns
  the :class:`~actionable.cohort.Funnel` that :func:`~actionable.cohort.screen` returns;
* :func:`diff_annotations` lists per sample the recommendations gained, lost or changed
  in level between two annotated tables (TSV files or frames).

Workers never receive a pickled engine: a task carries the rules directory and the
source names, and each worker process loads the compiled rules once (a per-process
cache) and keeps one :class:`~actionable.cohort.Annotator` per run, whose memo
evaluates each distinct (alteration, tumor, prior therapies, facts) once. The clinical
table and the patient context travel once per worker as one graph key.

Needs the ``dask`` extra (``pip install 'actionable[dask]'``) for everything but
:func:`diff_annotations` on TSV files.

>>> import dask
>>> with dask.config.set(scheduler="synchronous"):
...     rows = from_rows([{"Hugo_Symbol": "BRAF", "Tumor_Sample_Barcode": "P1",
...                        "HGVSp_Short": "p.V600E"}])
...     out = annotate_frame(rows, {"P1": {"tumor": "MEL"}}).compute()
>>> out.loc[2, ["Hugo_Symbol", "ONCOGENIC", "HIGHEST_LEVEL"]].tolist()
['BRAF', 'Oncogenic', 'LEVEL_1']
"""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import functools
import importlib
import io
import shutil
import tempfile
import threading
import uuid
from collections import Counter, OrderedDict, defaultdict, deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Literal, cast

from ._files import atomic_output, refuse_overwrite
from .cohort import (
    ANNOTATION_COLUMNS,
    ONCOKB_COLUMNS,
    AnnotateSummary,
    Annotator,
    Funnel,
    load_clinical,
)
from .cohort.annotator import _annotate_lines, _collect_maf_context
from .cohort.funnel import _clinical_table, _Collected, _funnel
from .cohort.pool import _count_lines, _Task
from .cohort.writer import (
    SIDE_KINDS,
    _biomarker_records,
    _extra_records,
    _is_gzip,
    _maf_header,
    _side,
    _tumor_sources,
    _tumor_warnings,
    write_side_outputs,
)
from .engine import Engine
from .errors import ArgumentError, InputFileError, MissingExtraError
from .evaluate import engine_for, evaluate
from .io import _FALLBACK as _TEXT_FALLBACK
from .io import ClinicalRecord, Record, damage_of, open_text
from .io.clinical import _columns as _clinical_columns
from .io.clinical import _record as _clinical_record
from .io.clinical import read_clinical
from .io.fusions import MIN_FUSION_READS
from .io.maf import MINIMAL_REASON, MafColumns, _row_record
from .models import Frozen, Report, Variant

if TYPE_CHECKING:
    import dask.dataframe as dd
    import pandas as pd
    from distributed import Client

__all__ = [
    "DIFF_HEADER",
    "AnnotateRun",
    "AnnotationChange",
    "annotate_command",
    "annotate_files",
    "annotate_frame",
    "connect",
    "diff_annotations",
    "diff_command",
    "from_rows",
    "maf_frame",
    "parquet_frame",
    "screen_frame",
]

_SENSITIVE = ("1", "2", "3A", "3B", "4")
_LEVEL_ORDER = ("R1", "1", "2", "3A", "3B", "4", "R2")


def _import(name: str, feature: str) -> Any:
    """A module of the ``dask`` extra, or :class:`MissingExtraError` naming the extra.

    Typed ``Any`` on purpose: most of dask's and distributed's functions carry no
    annotations, and every value that comes back is cast where it is used.
    """
    try:
        import pandas  # noqa: F401

        return importlib.import_module(name)
    except ImportError as error:
        raise MissingExtraError(feature, error.name or "dask", "dask") from error


# --------------------------------------------------------------------------- per-process state
@functools.lru_cache(maxsize=8)
def _engine_for(rules: str | None, sources: tuple[str, ...] | None) -> Engine:
    # One compiled engine per worker process and rule set: tasks carry names, not engines.
    return engine_for(rules, sources)


@dataclass(frozen=True)
class _Run:
    """What every partition of one annotation run shares (sent once per worker)."""

    token: str
    rules: str | None
    sources: tuple[str, ...] | None
    clinical: Mapping[str, ClinicalRecord]
    tumor: str | None = None
    extra: bool = False
    """Write the three extra ``ACTIONABLE_*`` columns after the annotator's."""

    @property
    def columns(self) -> tuple[str, ...]:
        """The annotation columns a row gets, as the single-process writer writes them."""
        return ANNOTATION_COLUMNS if self.extra else ANNOTATION_COLUMNS[: len(ONCOKB_COLUMNS)]


@dataclass(frozen=True)
class _Context:
    """The patient context of a run (sent apart from the clinical table: it comes later)."""

    token: str
    variants: Mapping[str, frozenset[Variant]]


_NO_CONTEXT = _Context("", {})
_annotators: OrderedDict[tuple[str, str], Annotator] = OrderedDict()
_annotators_lock = threading.Lock()


def _annotator(run: _Run, context: _Context = _NO_CONTEXT) -> Annotator:
    # Kept per run and context so its memo spans the partitions a worker gets; two at
    # most, so a long-lived worker does not keep every cohort it ever saw.
    key = (run.token, context.token)
    with _annotators_lock:
        found = _annotators.get(key)
        if found is None:
            engine = _engine_for(run.rules, run.sources)
            found = Annotator(run.clinical, rules=engine, tumor=run.tumor, extra=run.extra)
            found.merge_context(context.variants)
            _annotators[key] = found
            while len(_annotators) > 2:
                _annotators.popitem(last=False)
        else:
            _annotators.move_to_end(key)
        return found


def _rules_arg(rules: str | Path | None) -> str | None:
    return None if rules is None else str(rules)


def _sources_arg(sources: Iterable[str] | None) -> tuple[str, ...] | None:
    return None if sources is None else tuple(sources)


# --------------------------------------------------------------------------- reading
def _object_frame(columns: Sequence[str]) -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame({c: pd.Series([], dtype=object) for c in columns})


def _layout(path: str | Path) -> tuple[list[str], list[str], int]:
    with open_text(path) as handle:
        comments, header, line = _maf_header(handle)
    if not header:
        raise InputFileError(f"{path}: no MAF header line. Check that the file is a MAF.")
    return comments, header, line


def _read_maf_part(spec: tuple[str, int, int, int, tuple[str, ...]]) -> pd.DataFrame:
    """One partition: a whole file (``begin < 0``) or the byte range [begin, end)."""
    import pandas as pd

    path, begin, end, first_line, header = spec
    handle: io.TextIOBase
    if begin < 0:
        handle = cast(io.TextIOBase, open_text(path))
        for _ in range(first_line - 1):
            handle.readline()
    else:
        with open(path, "rb") as raw:
            raw.seek(begin)
            handle = io.StringIO(raw.read(end - begin).decode("utf-8", errors=_TEXT_FALLBACK))
    try:
        with handle:
            part = pd.read_csv(
                handle,
                sep="\t",
                header=None,
                names=list(header),
                dtype=str,
                keep_default_na=False,
                na_filter=False,
                quoting=csv.QUOTE_NONE,
                skip_blank_lines=False,
                engine="c",
            )
    except pd.errors.ParserError as error:
        raise InputFileError(
            f"{path}: {error}. Fix that row, or annotate the file without a scheduler, "
            "which flags rows with extra cells and goes on."
        ) from error
    except pd.errors.EmptyDataError:
        part = _object_frame(header)
    part.index = pd.RangeIndex(first_line, first_line + len(part))
    if len(part):
        # Comment and blank lines are not rows (as in the single-process reader); the
        # index keeps every other row's physical line number.
        first = part.iloc[:, 0].astype(str)
        drop = first.str.startswith("#") | (first == "") & (part == "").all(axis=1)
        if bool(drop.any()):
            part = part[~drop]
    part.attrs["source"] = path
    return part


def _byte_ranges(path: Path, start: int, parts: int) -> list[tuple[int, int]]:
    """``parts`` ranges of the data bytes, each ending at a line end (fewer for tiny files)."""
    size = path.stat().st_size
    bounds = [start]
    with open(path, "rb") as handle:
        for i in range(1, parts):
            handle.seek(max(start + (size - start) * i // parts - 1, bounds[-1]))
            handle.readline()
            if bounds[-1] < handle.tell() < size:
                bounds.append(handle.tell())
    return [(a, b) for a, b in zip(bounds, [*bounds[1:], size], strict=True) if b > a]


def maf_frame(paths: str | Path | Sequence[str | Path], *, split: int = 1) -> dd.DataFrame:
    """MAF files as one Dask DataFrame: a partition per file, or ``split`` partitions of
    each uncompressed file (byte ranges cut at line ends). Every column is text, the index
    is the row's line number in its file; all files need the same header.

    >>> import pathlib, tempfile
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> for name, gene in (("a.maf", "BRAF"), ("b.maf", "KRAS")):
    ...     _ = (d / name).write_text("#version 2.4\\nHugo_Symbol\\tTumor_Sample_Barcode\\n"
    ...                               f"{gene}\\tP1\\n")
    >>> frame = maf_frame(sorted(d.glob("*.maf")))
    >>> frame.npartitions, frame.compute(scheduler="sync")["Hugo_Symbol"].tolist()
    (2, ['BRAF', 'KRAS'])
    """
    ddf = _import("dask.dataframe", "reading MAF files into Dask")

    files = [Path(p) for p in ([paths] if isinstance(paths, (str, Path)) else paths)]
    if not files:
        raise ArgumentError("no MAF file given. Give a path or a pattern such as 'dir/*.maf'.")
    _, header, specs = _file_specs(files, split)
    parts = [(*spec, tuple(header)) for spec in specs]
    frame = ddf.from_map(_read_maf_part, parts, meta=_object_frame(header), enforce_metadata=False)
    return cast("dd.DataFrame", frame)


def _text_part(part: pd.DataFrame, source: str) -> pd.DataFrame:
    import pandas as pd

    out = part.astype(object).where(part.notna(), "").astype(str)
    out.index = pd.RangeIndex(2, 2 + len(out))
    out.attrs["source"] = source
    return out


def parquet_frame(paths: str | Path | Sequence[str | Path]) -> dd.DataFrame:
    """Parquet files of MAF rows as a Dask DataFrame, one partition per file; cells become
    text (missing values empty) and the index counts rows from 2, as if a header came first.

    >>> import pathlib, tempfile, pandas
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "a.parquet"
    >>> pandas.DataFrame({"Hugo_Symbol": ["BRAF"], "Start_Position": [140453136]}).to_parquet(p)
    >>> parquet_frame([p]).compute(scheduler="sync").loc[2, "Start_Position"]
    '140453136'
    """
    ddf = _import("dask.dataframe", "reading Parquet files into Dask")

    files = [str(p) for p in ([paths] if isinstance(paths, (str, Path)) else paths)]
    if not files:
        raise ArgumentError(
            "no Parquet file given. Give a path or a pattern such as 'dir/*.parquet'."
        )
    parts = [ddf.read_parquet(f, split_row_groups=False) for f in files]
    columns = list(parts[0].columns)
    for f, frame in zip(files, parts, strict=True):
        if list(frame.columns) != columns:
            raise InputFileError(
                f"{f}: its columns differ from {files[0]}'s. Give files with the same columns."
            )
    meta = _object_frame(columns)
    mapped = [
        frame.map_partitions(_text_part, f, meta=meta, enforce_metadata=False)
        for f, frame in zip(files, parts, strict=True)
    ]
    return cast("dd.DataFrame", ddf.concat(mapped)) if len(mapped) > 1 else mapped[0]


def from_rows(rows: Sequence[Mapping[str, str]], npartitions: int = 1) -> dd.DataFrame:
    """A small Dask DataFrame of MAF rows from dicts (index from 2, as line numbers).

    >>> from_rows([{"Hugo_Symbol": "KRAS", "Tumor_Sample_Barcode": "P1"}]).npartitions
    1
    """
    ddf = _import("dask.dataframe", "building a Dask DataFrame")
    import pandas as pd

    frame = pd.DataFrame(list(rows), dtype=object).fillna("")
    frame.index = pd.RangeIndex(2, 2 + len(frame))
    return cast("dd.DataFrame", ddf.from_pandas(frame, npartitions=npartitions, sort=False))


# --------------------------------------------------------------------------- clinical
def _clinical_rows(clinical: Any) -> list[ClinicalRecord]:
    """Every clinical row, read with the single-process reader's rules."""
    if clinical is None:
        return []
    if isinstance(clinical, (str, Path)):
        return list(read_clinical(clinical))
    if isinstance(clinical, Mapping):
        out: list[ClinicalRecord] = []
        seen: set[str] = set()
        for line, (sample, value) in enumerate(clinical.items(), start=2):
            if isinstance(value, ClinicalRecord):
                out.append(value)
                continue
            cells = {"sample_id": sample, **{str(k): str(v) for k, v in value.items()}}
            header = list(cells)
            out.append(
                _clinical_record(
                    "clinical", line, list(cells.values()), _clinical_columns(header), seen
                )
            )
        return out
    frame = clinical.compute() if hasattr(clinical, "dask") else clinical
    header = [str(c) for c in frame.columns]
    columns = _clinical_columns(header)
    if "sample" not in columns:
        raise InputFileError(
            "the clinical frame needs a sample id column. Name one sample_id "
            "(or SAMPLE_ID, Tumor_Sample_Barcode)."
        )
    source = str(frame.attrs.get("source", "clinical"))
    seen = set()
    table = frame.astype(object).where(frame.notna(), "")
    return [
        _clinical_record(source, line, [str(c) for c in row], columns, seen)
        for line, row in enumerate(table.itertuples(index=False, name=None), start=2)
    ]


def _clinical_map(clinical: Any) -> dict[str, ClinicalRecord]:
    if isinstance(clinical, (str, Path)):
        return load_clinical(clinical)
    out: dict[str, ClinicalRecord] = {}
    for record in _clinical_rows(clinical):
        if record.sample and record.sample not in out:
            out[record.sample] = record
    return out


# --------------------------------------------------------------------------- annotate
def _maf_columns(columns: Sequence[str]) -> MafColumns:
    found = MafColumns.from_header(list(columns))
    if found.symbol is None or found.sample is None:
        raise InputFileError(
            "the MAF needs Hugo_Symbol and Tumor_Sample_Barcode columns "
            f"(found: {', '.join(list(columns)[:8])}...). Name them so."
        )
    return found


def _lines_of(part: pd.DataFrame) -> list[int]:
    import pandas as pd

    index = part.index
    if pd.api.types.is_integer_dtype(index.dtype):
        return [int(i) for i in index]
    return list(range(1, len(part) + 1))


def _context_part(part: pd.DataFrame, run: _Run) -> dict[str, set[Variant]]:
    """Patient context from one partition: the variants that requires/excludes name."""
    import numpy as np

    annotator = _annotator(run)
    columns = _maf_columns(list(part.columns))
    assert columns.symbol is not None
    if not len(part):
        return {}
    symbols = part.iloc[:, columns.symbol].astype(str)
    named = {s: annotator.is_referenced(s) for s in symbols.unique()}
    positions = np.flatnonzero(symbols.map(named).to_numpy(dtype=bool))
    if not len(positions):
        return {}
    narrow, cols = _narrow(part.iloc[positions], columns)
    return dict(_collect_maf_context(annotator, narrow, cols))


def _narrow(part: pd.DataFrame, columns: MafColumns) -> tuple[list[str], MafColumns]:
    """The cells the row code reads, as tab-joined lines (gene first, as in a MAF)."""
    import pandas as pd

    # Every column MafColumns found (gene first), so the row code sees what it would in
    # the file; the narrow header finds them again under their own names.
    found = [getattr(columns, f.name) for f in dataclasses.fields(columns)]
    picked = list(dict.fromkeys(i for i in found if isinstance(i, int)))
    names = [str(part.columns[i]) for i in picked]
    cells = [part.iloc[:, i].astype(str).str.replace("\t", " ", regex=False) for i in picked]
    joined = (
        cells[0].str.cat(pd.concat(cells[1:], axis=1), sep="\t") if len(cells) > 1 else cells[0]
    )
    return [str(s) for s in joined.tolist()], MafColumns.from_header(names)


def _annotate_part(
    part: pd.DataFrame, run: _Run, context: _Context
) -> tuple[pd.DataFrame, Counter[str]]:
    """Annotate one partition with the single-process row code; returns the counts too."""
    import numpy as np
    import pandas as pd

    annotator = _annotator(run, context)
    columns = _maf_columns(list(part.columns))
    assert columns.symbol is not None
    n = len(part)
    names = run.columns
    k = len(names)
    values = np.full((n, k), "", dtype=object)
    # Rows of genes the knowledge base does not know get what the row loop writes
    # for them (annotated, Unknown) without being read.
    values[:] = annotator.unknown_tail.strip("\n").split("\t")[1:]
    totals: Counter[str] = Counter(rows=n)
    if n:
        symbols = part.iloc[:, columns.symbol].astype(str)
        with_rules = {s: annotator.rule_symbol(s) is not None for s in symbols.unique()}
        mask = symbols.map(with_rules).to_numpy(dtype=bool)
        positions = np.flatnonzero(mask)
        if len(positions):
            narrow, cols = _narrow(part.iloc[positions], columns)
            lines = _lines_of(part)
            sink = io.StringIO()
            width = len(narrow[0].split("\t"))
            for position, text in zip(positions.tolist(), narrow, strict=True):
                sink.seek(0)
                sink.truncate()
                counts = _annotate_lines(annotator, [text], cols, width, lines[position], sink)
                totals.update(counts)
                values[position] = sink.getvalue().rstrip("\n").split("\t")[-k:]
            totals["rows"] -= len(positions)
    annotated = pd.DataFrame(values, columns=list(names), index=part.index)
    out = pd.concat([part, annotated], axis=1)
    out.attrs = dict(part.attrs)
    return out, totals


def _annotated_only(part: pd.DataFrame, run: _Run, context: _Context) -> pd.DataFrame:
    return _annotate_part(part, run, context)[0]


def _merge_contexts(
    parts: Sequence[Mapping[str, Iterable[Variant]]],
) -> dict[str, frozenset[Variant]]:
    merged: dict[str, set[Variant]] = defaultdict(set)
    for found in parts:
        for sample, variants in found.items():
            merged[sample].update(variants)
    return {s: frozenset(v) for s, v in merged.items()}


def _context_of(parts: Sequence[Mapping[str, Iterable[Variant]]]) -> _Context:
    return _Context(uuid.uuid4().hex, _merge_contexts(parts))


def _needs_context(annotator: Annotator) -> bool:
    return any(not k.startswith("biomarker:") for k in annotator.referenced_keys)


def _base_run(
    clinical: Any,
    rules: str | Path | None,
    sources: Iterable[str] | None,
    tumor: str | None,
    extra: bool = False,
) -> tuple[_Run, Annotator]:
    clinical_map = _clinical_map(clinical)
    run = _Run(
        token=uuid.uuid4().hex,
        rules=_rules_arg(rules),
        sources=_sources_arg(sources),
        clinical=clinical_map,
        tumor=tumor,
        extra=extra,
    )
    local = Annotator(
        clinical_map, rules=_engine_for(run.rules, run.sources), tumor=tumor, extra=extra
    )
    return run, local


def annotate_frame(
    maf: dd.DataFrame,
    clinical: Any = None,
    *,
    rules: str | Path | None = None,
    sources: Iterable[str] | None = None,
    context: Mapping[str, Iterable[Variant]] | None = None,
    tumor: str | None = None,
    extra_columns: bool = False,
) -> dd.DataFrame:
    """Annotate a Dask DataFrame of MAF rows: the same rows with
    :data:`~actionable.cohort.ANNOTATION_COLUMNS` appended, as
    :func:`actionable.cohort.annotate` writes them (lazy: compute or write it).

    ``clinical`` is a clinical table path, a pandas/Dask DataFrame with its columns, or a
    dict sample -> record (or -> ``{"tumor": ..., "tmb": ...}``). When a rule looks at
    other alterations of the patient (requires/excludes), a first pass over the frame
    collects them; ``context`` adds alterations from elsewhere (CNA, fusions). A row's
    tumor type comes from its ``ONCOTREE_CODE`` cell, else the clinical table, else
    ``tumor`` (as in :func:`actionable.cohort.annotate`).

    >>> import dask
    >>> rows = from_rows([{"Hugo_Symbol": "EGFR", "Tumor_Sample_Barcode": "P1",
    ...                    "HGVSp_Short": "p.L858R"},
    ...                   {"Hugo_Symbol": "TTN", "Tumor_Sample_Barcode": "P1",
    ...                    "HGVSp_Short": "p.A1V"}])
    >>> out = annotate_frame(rows, {"P1": {"tumor": "LUAD"}}).compute(scheduler="sync")
    >>> out["HIGHEST_LEVEL"].tolist()
    ['LEVEL_1', '']
    """
    delayed = _import("dask", "annotating a Dask DataFrame").delayed
    frame = cast(Any, maf)

    _maf_columns(list(maf.columns))
    run, local = _base_run(clinical, rules, sources, tumor, extra_columns)
    extra = {s: list(v) for s, v in (context or {}).items()}
    meta = _object_frame([*maf.columns, *run.columns])
    # Literals (traverse=False): one graph key each, and dask does not walk 50,000 records
    # looking for collections inside them.
    base = delayed(run, traverse=False)
    if _needs_context(local):
        pieces = [delayed(_context_part)(part, base) for part in frame.to_delayed()]
        found = delayed(_context_of)([delayed(extra, traverse=False), *pieces])
    else:
        found = delayed(_context_of([extra]), traverse=False)
    return cast(
        "dd.DataFrame",
        frame.map_partitions(_annotated_only, base, found, meta=meta, enforce_metadata=False),
    )


def _render(part: pd.DataFrame) -> str:
    import pandas as pd

    if not len(part):
        return ""
    cells = [part[c].astype(str) for c in part.columns]
    joined = (
        cells[0].str.cat(pd.concat(cells[1:], axis=1), sep="\t") if len(cells) > 1 else cells[0]
    )
    return "\n".join(joined.tolist()) + "\n"


def _annotate_render(
    part: pd.DataFrame, run: _Run, context: _Context
) -> tuple[str, Counter[str], str | None]:
    out, counts = _annotate_part(part, run, context)
    return _render(out), counts, None


class AnnotateRun(AnnotateSummary):
    """What :func:`annotate_files` did: the counts :func:`actionable.cohort.annotate`
    reports (:class:`~actionable.cohort.AnnotateSummary`), the number of partitions and
    of workers."""

    partitions: int
    workers: int


_Spec = tuple[str, int, int, int]
"""(path, first byte or -1 for the whole file, end byte, line number of the first row)."""


def _file_specs(files: Sequence[Path], split: int) -> tuple[list[str], list[str], list[_Spec]]:
    """Comments and header of the first file, and the partitions of all of them."""
    specs: list[_Spec] = []
    first: tuple[list[str], list[str]] | None = None
    for path in files:
        comments, header, header_line = _layout(path)
        if first is None:
            first = (comments, header)
        elif header != first[1]:
            raise InputFileError(
                f"{path}: its header differs from {files[0]}'s. Give files with one header "
                "(cut them to the same columns), or annotate them one by one."
            )
        if split > 1 and not _is_gzip(path):
            with open(path, "rb") as raw:
                for _ in range(header_line):
                    raw.readline()
                start = raw.tell()
            line = header_line + 1
            for begin, end in _byte_ranges(path, start, split):
                specs.append((str(path), begin, end, line))
                line += _count_lines(path, begin, end)
        else:
            specs.append((str(path), -1, -1, header_line + 1))
    assert first is not None
    return first[0], first[1], specs


@contextlib.contextmanager
def _spec_lines(spec: _Spec) -> Iterator[tuple[Iterable[str], IO[str] | None]]:
    """The raw lines of a partition (and the handle of a whole file, for its damage)."""
    path, begin, end, first_line = spec
    if begin >= 0:
        yield _range_lines(path, begin, end), None
        return
    with open_text(path) as handle:
        for _ in range(first_line - 1):
            handle.readline()
        yield handle, handle


def _range_lines(path: str, begin: int, end: int, block: int = 1 << 24) -> Iterator[str]:
    """The lines of bytes [begin, end), read in blocks cut at line ends (memory stays at a
    block whatever the range) and decoded as open_text decodes (not UTF-8: Windows-1252)."""
    with open(path, "rb") as raw:
        raw.seek(begin)
        left = end - begin
        carry = b""
        while left > 0:
            data = raw.read(min(block, left))
            if not data:
                break
            left -= len(data)
            data = carry + data
            cut = data.rfind(b"\n") + 1 if left > 0 else len(data)
            carry = data[cut:]
            text = data[:cut].decode("utf-8", errors=_TEXT_FALLBACK)
            yield from io.StringIO(text, newline="\n")
        if carry:
            yield carry.decode("utf-8", errors=_TEXT_FALLBACK)


def _range_context(spec: _Spec, columns: MafColumns, run: _Run) -> dict[str, set[Variant]]:
    with _spec_lines(spec) as (lines, _):
        return dict(_collect_maf_context(_annotator(run), lines, columns))


def _range_annotate(
    spec: _Spec, columns: MafColumns, width: int, run: _Run, context: _Context, target: str
) -> tuple[str, Counter[str], str | None]:
    """A partition of a MAF file through the single-process row loop, written to the part
    file ``target`` (replaced whole, so a task run again after a lost worker leaves one
    copy); returns the part's path for the client to append."""
    with _spec_lines(spec) as (lines, handle), atomic_output(Path(target)) as sink:
        counts = _annotate_lines(_annotator(run, context), lines, columns, width, spec[3], sink)
        damage = damage_of(handle) if handle is not None else None
    return target, counts, damage


def annotate_files(
    client: Client,
    maf: dd.DataFrame | Sequence[str | Path],
    out: str | Path,
    *,
    clinical: Any = None,
    rules: str | Path | None = None,
    sources: Iterable[str] | None = None,
    context: Mapping[str, Iterable[Variant]] | None = None,
    records: Sequence[tuple[str, Record]] = (),
    comments: Sequence[str] = (),
    inputs: Sequence[str | Path] = (),
    split: int | None = None,
    window: int | None = None,
    tumor: str | None = None,
    extra_columns: bool = False,
) -> AnnotateRun:
    """Annotate on ``client`` and write the TSV :func:`actionable.cohort.annotate` writes.

    ``maf`` is a Dask DataFrame of MAF rows (:func:`maf_frame`, :func:`parquet_frame`;
    ``comments`` are written first), or MAF file paths with one header: then each
    partition (a file, or ``split`` byte ranges of an uncompressed file; default: two
    partitions per worker thread over all files) goes through the single-process row
    loop as text, the fastest path; their ``#`` comment lines are dropped, as
    :func:`actionable.cohort.annotate` drops them.

    Partitions are annotated in parallel and written in order; at most ``window``
    (default: two per worker thread) finished partitions wait in memory. A worker lost
    mid-run costs only its partitions, which Dask computes again. ``inputs`` are paths
    that ``out`` must not replace. ``records`` are ``("cna" | "fusions", record)`` pairs
    (from :func:`actionable.io.cna.read_cna`, ...): they add to the patient context and
    are written next to ``out`` as ``annotate`` writes them, with the clinical TMB/MSI;
    ``tumor`` is the default tumor type (``--tumor``).

    >>> import pathlib, tempfile
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "a.maf").write_text("Hugo_Symbol\\tTumor_Sample_Barcode\\tHGVSp_Short\\n"
    ...                              "BRAF\\tP1\\tp.V600E\\n")
    >>> with connect("local:1", processes=False) as client:
    ...     run = annotate_files(client, maf_frame(d / "a.maf"), d / "out.tsv",
    ...                          clinical={"P1": {"tumor": "MEL"}})
    ...     again = annotate_files(client, [d / "a.maf"], d / "out2.tsv",
    ...                            clinical={"P1": {"tumor": "MEL"}})
    >>> row = (d / "out.tsv").read_text().splitlines()[1].split("\\t")
    >>> run.rows, run.annotated, row[:3], "LEVEL_1" in row
    (1, 1, ['BRAF', 'P1', 'p.V600E'], True)
    >>> (d / "out.tsv").read_text() == (d / "out2.tsv").read_text()
    True
    """
    import time

    delayed = _import("dask", "annotating on a Dask cluster").delayed
    cluster = cast(Any, client)
    started = time.perf_counter()
    info = cast("dict[str, Any]", cluster.scheduler_info())
    workers = len(info.get("workers", {}))
    threads = max(1, sum(int(w.get("nthreads", 1)) for w in info.get("workers", {}).values()))
    if str(out) == "-" or (not hasattr(maf, "dask") and "-" in [str(p) for p in maf]):
        raise ArgumentError(
            "standard input or output (-) cannot be shared with Dask workers. Give files: "
            "the MAF paths must be readable by every worker, the output is written here."
        )
    out_path = Path(out)
    targets = {k: _side(out_path, k) for k in SIDE_KINDS}
    files = None if hasattr(maf, "dask") else [Path(p) for p in cast("Sequence[str]", maf)]
    refuse_overwrite(
        [out_path, *targets.values()],
        [*inputs, *(files or ()), clinical if isinstance(clinical, (str, Path)) else None],
    )
    specs: list[_Spec] = []
    if files is not None:
        if not files:
            raise ArgumentError("no MAF file given. Give a path or a pattern such as 'dir/*.maf'.")
        parts_per_file = split if split is not None else -(-2 * threads // len(files))
        # The MAF's comment lines are dropped, as annotate() and the OncoKB annotator do.
        _, header, specs = _file_specs(files, max(1, parts_per_file))
    else:
        header = [str(c) for c in cast(Any, maf).columns]
    columns = _maf_columns(header)
    warnings: list[str] = []
    if not columns.interpretable:
        warnings.append(
            "the MAF has no HGVSp_Short/HGVSp column: no row can be interpreted offline"
        )
    run, local = _base_run(clinical, rules, sources, tumor, extra_columns)
    parts = [] if files is not None else cast("list[Any]", cast(Any, maf).to_delayed())
    extra = [*records, *_biomarker_records(local.clinical)]
    for _, record in extra:
        if record.variant is not None and record.sample:
            local.add_context(record.sample, record.variant)
        elif record.sample is None and record.status == "error":
            warnings.append(f"{record.source}:{record.line}: {record.reason}")
    # The clinical table travels once per worker; the context after the first pass. Both
    # are literal tasks of the graph, not scattered data: a worker lost mid-run takes its
    # copy with it, and the scheduler can make a literal again, never scattered data.
    shared_run = delayed(run, traverse=False, name=f"actionable-run-{run.token}")
    found: list[dict[str, set[Variant]]] = []
    if _needs_context(local):
        tasks = (
            [delayed(_range_context)(spec, columns, shared_run) for spec in specs]
            if files is not None
            else [delayed(_context_part)(p, shared_run) for p in parts]
        )
        found = cast("list[dict[str, set[Variant]]]", cluster.gather(cluster.compute(tasks)))
    full = _context_of([*found, context or {}, local.context])
    shared_context = delayed(full, traverse=False, name=f"actionable-context-{full.token}")
    width = len(header)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    # File partitions are written by the workers beside the output (the folder is shared
    # as the MAFs are) and appended here in order: no text goes through the scheduler.
    with tempfile.TemporaryDirectory(prefix=f".{out_path.name}.parts-", dir=out_path.parent) as tmp:
        jobs = (
            [
                delayed(_range_annotate)(
                    spec, columns, width, shared_run, shared_context, f"{tmp}/part{n:06d}.tsv"
                )
                for n, spec in enumerate(specs)
            ]
            if files is not None
            else [delayed(_annotate_render)(p, shared_run, shared_context) for p in parts]
        )
        limit = window or max(2, 2 * threads)
        totals: Counter[str] = Counter()
        with atomic_output(out_path) as sink:
            for comment in comments:
                sink.write(comment + "\n")
            sink.write("\t".join([*header, *run.columns]) + "\n")
            pending: deque[Any] = deque()

            def drain(keep: int) -> None:
                while len(pending) > keep:
                    result = pending.popleft().result()
                    text, counts, damage = cast("tuple[str, Counter[str], str | None]", result)
                    if files is None:
                        sink.write(text)
                    else:
                        with open(text, encoding="utf-8", newline="") as part:
                            shutil.copyfileobj(part, sink, 1 << 22)
                        Path(text).unlink()
                    totals.update(counts)
                    if damage is not None:
                        totals["errors"] += 1
                        warnings.append(f"{damage}; the rows before the damage were annotated")

            for job in jobs:
                pending.append(cluster.compute(job))
                drain(limit)
            drain(0)
    # The side outputs and the warnings as annotate() writes them, from the same counts.
    outputs = [str(out_path)]
    local.context.clear()
    local.merge_context(full.variants)
    outputs += write_side_outputs(local, extra, out_path, totals)
    warnings.extend(_tumor_warnings(totals))
    sources_seen = _tumor_sources(totals)
    return AnnotateRun(
        rows=totals["rows"],
        with_rules=totals["with_rules"],
        annotated=totals["annotated"],
        skipped=totals["skipped"],
        errors=totals["errors"],
        partitions=len(jobs),
        workers=workers,
        outputs=tuple(outputs),
        warnings=tuple(warnings),
        seconds=round(time.perf_counter() - started, 3),
        tumor_sources={k: len(v) for k, v in sources_seen.items()},
    )


# --------------------------------------------------------------------------- cluster
class _Connection:
    """A client (and the local cluster it started) that closes both on exit."""

    def __init__(self, client: Any, cluster: Any = None) -> None:
        self.client = client
        self.cluster = cluster

    def __enter__(self) -> Client:
        return cast("Client", self.client)

    def __exit__(self, *exc: object) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


def connect(scheduler: str, *, processes: bool = True) -> _Connection:
    """A client for ``scheduler``: ``local:N`` starts a ``LocalCluster`` of N worker
    processes (one thread each), anything else is the address of a running scheduler
    (``tcp://host:8786``). Use it in a ``with`` block: it closes what it started.

    >>> with connect("local:1", processes=False) as client:
    ...     len(client.scheduler_info()["workers"])
    1
    """
    distributed = _import("distributed", "running on a Dask cluster")

    if scheduler.startswith("local:") or scheduler == "local":
        count = scheduler.partition(":")[2] or "1"
        if not count.isdigit() or int(count) < 1:
            raise ArgumentError(
                f"--scheduler {scheduler!r}: the worker count must be a positive number. "
                "Write local:2 for two worker processes."
            )
        cluster = distributed.LocalCluster(
            n_workers=int(count),
            threads_per_worker=1,
            processes=processes,
            dashboard_address=None,
        )
        return _Connection(distributed.Client(cluster), cluster)
    if "://" not in scheduler and ":" not in scheduler:
        raise ArgumentError(
            f"--scheduler {scheduler!r} is neither local:N nor an address. Write "
            "tcp://host:8786 for a running scheduler, or local:2 for two local workers."
        )
    return _Connection(distributed.Client(scheduler))


# --------------------------------------------------------------------------- screen
def _screen_part(part: pd.DataFrame, known: frozenset[str]) -> _Collected:
    """One partition's records, read by the MAF reader's row code, collected per sample."""
    header = [str(c) for c in part.columns]
    columns = MafColumns.from_header(header)
    source = str(part.attrs.get("source", "frame"))
    found = _Collected()
    lines = _lines_of(part)
    if columns.sample is None:
        reason = "MAF header has no Tumor_Sample_Barcode column"
        found.add(
            Record(source, lines[0] if lines else 1, None, status="error", reason=reason), known
        )
        return found
    for line, cells in zip(lines, part.astype(str).itertuples(index=False, name=None), strict=True):
        sample = cells[columns.sample].strip() or None
        if not columns.interpretable:
            record = Record(source, line, sample, status="skipped", reason=MINIMAL_REASON)
        else:
            record = _row_record(source, line, sample, cells, columns)
        found.add(record, known)
    return found


def _merge_collected(left: _Collected, right: _Collected) -> _Collected:
    return left.merge(right)


def _evaluate_batch(
    tasks: Sequence[_Task], rules: str | None, sources: tuple[str, ...] | None
) -> dict[str, Report]:
    engine = _engine_for(rules, sources)
    return {
        sample: evaluate(
            list(variants),
            tumor=tumor,
            rules=engine,
            prior_therapies=prior,
            facts=dict(facts) or None,
        )
        for sample, variants, tumor, prior, _, _, facts in tasks
    }


def screen_frame(
    clinical: Any,
    maf: dd.DataFrame,
    *,
    threshold: str = "2",
    rules: str | Path | None = None,
    sources: Iterable[str] | None = None,
    tumor: str | None = None,
    batch: int | None = None,
) -> Funnel:
    """Screen a cohort whose MAF rows are a Dask DataFrame: the funnel of
    :func:`actionable.cohort.screen` for the same clinical table and rows, computed as a
    reduction (each partition collects its rows per sample, the partial results merge in
    row order) and patients evaluated ``batch`` at a time on the workers (default: the
    patients in 32 batches, 1,000 at most per batch).

    >>> import dask, pathlib, tempfile
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "c.tsv").write_text("sample_id\\ttumor\\tpanel\\ttreated_with\\n"
    ...     "A\\tcolon NEC\\tTSO500\\tdabrafenib + trametinib\\nB\\tcolon NEC\\t\\t\\n")
    >>> rows = from_rows([{"Hugo_Symbol": "BRAF", "Tumor_Sample_Barcode": "A",
    ...                    "HGVSp_Short": "p.V600E"}])
    >>> with dask.config.set(scheduler="synchronous"):
    ...     screen_frame(d / "c.tsv", rows).counts
    {'screened': 2, 'sequenced': 1, 'actionable': 1, 'treated': 1}
    """
    dask = _import("dask", "screening a Dask DataFrame")
    delayed = dask.delayed
    if threshold not in _SENSITIVE:
        raise ValueError(f"threshold {threshold!r}: use one of {', '.join(_SENSITIVE)}")
    records, errors = _clinical_table(_clinical_rows(clinical))
    known = delayed(frozenset(records), traverse=False)
    level: list[Any] = [delayed(_screen_part)(p, known) for p in cast(Any, maf).to_delayed()]
    if not level:
        level = [delayed(_Collected)()]
    while len(level) > 1:  # a tree of merges that keeps the row order
        pairs = [level[i : i + 2] for i in range(0, len(level), 2)]
        level = [delayed(_merge_collected)(*p) if len(p) == 2 else p[0] for p in pairs]
    (collected,) = cast("tuple[_Collected]", dask.compute(level[0]))

    def run(tasks: list[_Task]) -> dict[str, Report]:
        size = batch if batch is not None else min(1000, -(-len(tasks) // 32))
        rules_arg, sources_arg = _rules_arg(rules), _sources_arg(sources)
        batches = [
            delayed(_evaluate_batch)(
                delayed(tasks[i : i + size], traverse=False), rules_arg, sources_arg
            )
            for i in range(0, len(tasks), max(1, size))
        ]
        reports: dict[str, Report] = {}
        for found in cast("tuple[dict[str, Report], ...]", dask.compute(*batches)):
            reports.update(found)
        return reports

    return _funnel(
        records,
        errors,
        collected,
        threshold=threshold,
        rules=_rules_arg(rules),
        sources=sources,
        tumor=tumor,
        progress=False,
        run=run,
    )


# --------------------------------------------------------------------------- what changed
Change = Literal["gained", "lost", "changed"]


class AnnotationChange(Frozen):
    """One recommendation of one sample that differs between two annotated tables."""

    sample: str
    alteration: str
    therapy: str
    change: Change
    old_level: str = ""
    new_level: str = ""

    def to_row(self) -> str:
        """A TSV row (see :data:`DIFF_HEADER`).

        >>> AnnotationChange(sample="P1", alteration="BRAF p.V600E", therapy="vemurafenib",
        ...                  change="gained", new_level="1").to_row()
        'P1\\tBRAF p.V600E\\tvemurafenib\\tgained\\t\\tLEVEL_1'
        """
        old = f"LEVEL_{self.old_level}" if self.old_level else ""
        new = f"LEVEL_{self.new_level}" if self.new_level else ""
        return "\t".join((self.sample, self.alteration, self.therapy, self.change, old, new))


DIFF_HEADER = "SAMPLE_ID\tALTERATION\tTHERAPY\tCHANGE\tOLD_LEVEL\tNEW_LEVEL"
"""The header of :meth:`AnnotationChange.to_row` rows (``diff-annotations`` output)."""

_Key = tuple[str, str, str]


def _rank(level: str) -> tuple[int, str]:
    return (_LEVEL_ORDER.index(level), "") if level in _LEVEL_ORDER else (len(_LEVEL_ORDER), level)


def _long_rows(
    header: Sequence[str], rows: Iterable[Sequence[str]]
) -> Iterator[tuple[str, str, str, str]]:
    """(sample, alteration, therapy, level) for every therapy of an annotated table."""
    columns = MafColumns.from_header(list(header))
    names = [h.strip() for h in header]
    levels = [(i, n[6:]) for i, n in enumerate(names) if n.startswith("LEVEL_")]
    label = names.index("ALTERATION") if "ALTERATION" in names else None
    if columns.sample is None or (columns.symbol is None and label is None):
        raise InputFileError(
            "an annotated table needs a sample column (Tumor_Sample_Barcode or SAMPLE_ID) "
            "and Hugo_Symbol or ALTERATION. Give the files that annotate wrote."
        )
    si = columns.sample

    def cell(cells: Sequence[str], i: int | None) -> str:
        return cells[i].strip() if i is not None and i < len(cells) else ""

    for cells in rows:
        if not any(cell(cells, i) for i, _ in levels):
            continue
        if label is not None:
            alteration = cell(cells, label)
        else:
            change = cell(cells, columns.hgvsp_short) or cell(cells, columns.hgvsp)
            alteration = f"{cell(cells, columns.symbol)} {change}".strip()
        for i, level in levels:
            for therapy in filter(None, (t.strip() for t in cell(cells, i).split(","))):
                yield cell(cells, si), alteration, therapy, level


def _tsv_rows(path: str | Path) -> Iterator[tuple[str, str, str, str]]:
    with open_text(path) as handle:
        _, header, _ = _maf_header(handle)
        if not header:
            raise InputFileError(f"{path}: no header line. Give a table that annotate wrote.")
        reader = csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        yield from _long_rows(header, (r for r in reader if r and not r[0].startswith("#")))


def _frame_long(part: pd.DataFrame) -> list[tuple[str, str, str, str]]:
    rows = part.astype(str).itertuples(index=False, name=None)
    return list(_long_rows([str(c) for c in part.columns], rows))


def _best(rows: Iterable[tuple[str, str, str, str]]) -> dict[_Key, str]:
    best: dict[_Key, str] = {}
    for sample, alteration, therapy, level in rows:
        key = (sample, alteration, therapy)
        if key not in best or _rank(level) < _rank(best[key]):
            best[key] = level
    return best


def _long_of(table: Any) -> Iterable[tuple[str, str, str, str]]:
    if isinstance(table, (str, Path)):
        return _tsv_rows(table)
    if hasattr(table, "dask"):
        dask = _import("dask", "comparing Dask DataFrames")
        delayed = dask.delayed
        pieces = dask.compute(*[delayed(_frame_long)(p) for p in table.to_delayed()])
        return [
            row
            for piece in cast("tuple[list[tuple[str, str, str, str]], ...]", pieces)
            for row in piece
        ]
    return _frame_long(table)


def diff_annotations(old: Any, new: Any) -> list[AnnotationChange]:
    """Per sample and alteration, the therapies gained, lost or changed in level between
    two annotated tables (``annotate`` TSVs, or pandas/Dask frames of them), for
    instance the same cohort annotated with two knowledge-base versions.

    A therapy listed at several levels for one alteration counts at its first level in
    the annotator's order (R1, 1, 2, 3A, 3B, 4, R2). Rows come sorted by sample,
    alteration and therapy.

    >>> import pathlib, tempfile
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> head = "Hugo_Symbol\\tTumor_Sample_Barcode\\tHGVSp_Short\\tLEVEL_1\\tLEVEL_3A\\n"
    >>> _ = (d / "old.tsv").write_text(head + "KRAS\\tP1\\tp.G12C\\t\\tsotorasib\\n")
    >>> _ = (d / "new.tsv").write_text(head + "KRAS\\tP1\\tp.G12C\\tsotorasib\\t\\n")
    >>> [c.to_row() for c in diff_annotations(d / "old.tsv", d / "new.tsv")]
    ['P1\\tKRAS p.G12C\\tsotorasib\\tchanged\\tLEVEL_3A\\tLEVEL_1']
    """
    before, after = _best(_long_of(old)), _best(_long_of(new))
    changes: list[AnnotationChange] = []
    for key in sorted(before.keys() | after.keys()):
        sample, alteration, therapy = key
        was, now = before.get(key, ""), after.get(key, "")
        if was == now:
            continue
        change: Change = "gained" if not was else "lost" if not now else "changed"
        changes.append(
            AnnotationChange(
                sample=sample,
                alteration=alteration,
                therapy=therapy,
                change=change,
                old_level=was,
                new_level=now,
            )
        )
    return changes


# --------------------------------------------------------------------------- command line
def _expand(patterns: Sequence[str | Path], what: str) -> list[Path]:
    import glob

    found: list[Path] = []
    for pattern in patterns:
        text = str(pattern)
        matched = sorted(glob.glob(text)) if glob.has_magic(text) else [text]
        if not matched:
            raise InputFileError(
                f"{what} {text!r} matches no file. Check the pattern (quote it so the "
                "shell does not expand it)."
            )
        found.extend(Path(m) for m in matched)
    return found


def annotate_command(
    maf: str | Path,
    out: str | Path,
    *,
    scheduler: str,
    parquet: bool = False,
    clinical: str | Path | None = None,
    cna: Sequence[str | Path] = (),
    fusions: Sequence[str | Path] = (),
    rules: str | Path | None = None,
    sources: Iterable[str] | None = None,
    tumor: str | None = None,
    min_fusion_reads: int = MIN_FUSION_READS,
    extra_columns: bool = False,
) -> AnnotateRun:
    """``actionable annotate MAF --scheduler ...``: MAF files (a glob pattern: one
    partition per file; a single uncompressed file is cut into two partitions per worker
    thread) or Parquet files (``parquet=True``), annotated on ``scheduler`` (see
    :func:`connect`) into the TSV :func:`actionable.cohort.annotate` writes.

    >>> import pathlib, tempfile
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "a.maf").write_text("Hugo_Symbol\\tTumor_Sample_Barcode\\tHGVSp_Short\\n"
    ...                              "KRAS\\tP1\\tp.G12C\\n")
    >>> with connect("local:1", processes=False) as client:  # or scheduler="local:2"
    ...     address = client.scheduler.address
    ...     run = annotate_command(d / "*.maf", d / "out.tsv", scheduler=address, tumor="LUAD")
    >>> run.rows, run.with_rules, run.annotated, run.tumor_sources["default"]
    (1, 1, 1, 1)
    """
    files = _expand([maf], "--parquet" if parquet else "MAF")
    records = list(_extra_records(cna, fusions, min_fusion_reads))
    with connect(scheduler) as client:
        return annotate_files(
            client,
            parquet_frame(files) if parquet else files,
            out,
            clinical=clinical,
            rules=rules,
            sources=sources,
            records=records,
            inputs=[*files, *cna, *fusions],
            tumor=tumor,
            extra_columns=extra_columns,
        )


def diff_command(
    old: str | Path, new: str | Path, out: str | Path | None = None, scheduler: str | None = None
) -> tuple[str, list[AnnotationChange]]:
    """``actionable diff-annotations OLD NEW``: the TSV of :func:`diff_annotations` (written
    to ``out`` when given) and the changes; with ``scheduler`` the tables are read as Dask
    frames (one partition per file) and compared on the cluster.

    >>> import pathlib, tempfile
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> head = "Hugo_Symbol\\tTumor_Sample_Barcode\\tHGVSp_Short\\tLEVEL_1\\n"
    >>> _ = (d / "a.tsv").write_text(head + "BRAF\\tP1\\tp.V600E\\tvemurafenib\\n")
    >>> _ = (d / "b.tsv").write_text(head + "BRAF\\tP1\\tp.V600E\\t\\n")
    >>> for row in diff_command(d / "a.tsv", d / "b.tsv")[0].splitlines():
    ...     print(row.split("\\t"))
    ['SAMPLE_ID', 'ALTERATION', 'THERAPY', 'CHANGE', 'OLD_LEVEL', 'NEW_LEVEL']
    ['P1', 'BRAF p.V600E', 'vemurafenib', 'lost', 'LEVEL_1', '']
    """
    if out is not None:
        refuse_overwrite([out], [old, new])
    if scheduler is None:
        changes = diff_annotations(old, new)
    else:
        with connect(scheduler):
            changes = diff_annotations(maf_frame([old]), maf_frame([new]))
    text = "".join(f"{row}\n" for row in [DIFF_HEADER, *(c.to_row() for c in changes)])
    if out is not None:
        with atomic_output(Path(out)) as sink:
            sink.write(text)
    return text, changes
