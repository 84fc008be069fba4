"""The streaming annotation writer: :func:`annotate` reads a MAF (file, gzip or
``-``) and writes it back with :data:`~actionable.cohort.columns.ANNOTATION_COLUMNS`
appended, row by row, plus the CNA and fusion inputs annotated one row per alteration.
"""

from __future__ import annotations

import contextlib
import sys
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO

from pydantic import Field

from .._files import atomic_output, refuse_overwrite
from ..engine import Engine
from ..errors import ArgumentError
from ..io import ClinicalRecord, Record, damage_of, open_text
from ..io.cna import read_cna
from ..io.fusions import MIN_FUSION_READS, read_fusions
from ..io.maf import MafColumns
from ..models import Frozen
from ..variants import parse_variant
from .annotator import (
    _MISSING_SAMPLE,
    _SAMPLE_TUMOR,
    _TUMOR_FROM,
    _UNKNOWN_TUMOR,
    Annotator,
    _annotate_lines,
    _collect_maf_context,
    load_clinical,
)
from .columns import _EMPTY, ANNOTATION_COLUMNS, _clean
from .pool import _annotate_parallel, _count_lines
from .progress import _Progress

__all__ = ["TUMOR_PRECEDENCE", "AnnotateSummary", "annotate"]


# --------------------------------------------------------------------------- annotate
class AnnotateSummary(Frozen):
    """What :func:`annotate` did: row counts and the files it wrote."""

    rows: int
    """Data rows read from the MAF."""
    with_rules: int
    """Rows in a gene with at least one rule (the others were not parsed)."""
    annotated: int
    """Rows with at least one recommendation."""
    skipped: int
    """Rows in rule genes classed as non-coding (Silent, Intron, UTR ...)."""
    errors: int
    """Rows with an ``ACTIONABLE_ERROR`` that is a parse failure."""
    outputs: tuple[str, ...]
    warnings: tuple[str, ...] = ()
    seconds: float = 0.0
    tumor_sources: dict[str, int] = Field(default_factory=dict)
    """Samples whose tumor type came from the MAF (``maf``), the clinical table
    (``clinical``), the ``tumor`` default (``default``) or nowhere (``none``)."""


def _maf_header(handle: IO[str]) -> tuple[list[str], list[str], int]:
    """Leading comment lines, header cells, and the header's line number."""
    comments: list[str] = []
    number = 0
    for line in handle:
        number += 1
        if line.startswith("#"):
            comments.append(line.rstrip("\r\n"))
            continue
        if not line.strip():
            continue
        return comments, line.rstrip("\r\n").removeprefix("\ufeff").split("\t"), number
    return comments, [], number


def _extra_records(
    cna: Sequence[str | Path], fusions: Sequence[str | Path], min_fusion_reads: int
) -> Iterator[tuple[str, Record]]:
    for path in cna:
        for record in read_cna(path):
            yield "cna", record
    for path in fusions:
        for record in read_fusions(path, min_reads=min_fusion_reads):
            yield "fusions", record


def _biomarker_records(clinical: Mapping[str, ClinicalRecord]) -> Iterator[tuple[str, Record]]:
    """The clinical table's TMB/MSI as alterations of their sample, so that they are
    annotated like any other alteration (``<out>.biomarkers.tsv``)."""
    for sample, row in clinical.items():
        for text in row.biomarkers:
            variant = parse_variant(text)
            yield "biomarkers", Record(row.source, row.line, sample, variant, text)


def _shown(items: Sequence[str]) -> str:
    return ", ".join(items[:10]) + (" ..." if len(items) > 10 else "")


def annotate(
    maf: str | Path,
    out: str | Path,
    *,
    clinical: str | Path | Mapping[str, ClinicalRecord] | None = None,
    cna: Sequence[str | Path] = (),
    fusions: Sequence[str | Path] = (),
    rules: str | Path | Engine | None = None,
    sources: Iterable[str] | None = None,
    jobs: int = 1,
    progress: bool | None = None,
    tumor: str | None = None,
    min_fusion_reads: int = MIN_FUSION_READS,
) -> AnnotateSummary:
    """Annotate a MAF: write it to ``out`` with :data:`ANNOTATION_COLUMNS` appended.

    Each row's tumor type comes from, in this order: the MAF's ``ONCOTREE_CODE``
    column, the ``clinical`` table (a path or :func:`load_clinical` output; it also
    gives prior therapies, patient facts and TMB/MSI), the default ``tumor`` (OncoTree
    code or text, like the OncoKB annotator's ``-t``). A sample with none is annotated
    with tumor-agnostic rules only and counted in a warning; ``tumor_sources`` counts
    the samples per source. ``cna`` and ``fusions`` files (every layout of
    :mod:`actionable.io.cna` and :mod:`actionable.io.fusions`; STAR-Fusion calls with
    fewer than ``min_fusion_reads`` reads are skipped) add to the patient context and,
    with the clinical TMB/MSI, are written annotated, one row per alteration, next to
    ``out`` (``<out>.cna.tsv``, ``<out>.fusions.tsv``, ``<out>.biomarkers.tsv``).
    ``maf="-"`` reads standard input, ``out="-"`` writes standard output (then there
    must be no such side outputs). ``jobs > 1`` splits an uncompressed MAF into byte
    ranges annotated by that many worker processes (spawn-safe). Rows of genes without
    rules are copied with empty columns; see the package docstring for memory and
    patient context.

    >>> import pathlib, tempfile
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "c.tsv").write_text("sample_id\\ttumor\\nP1\\tMEL\\n")
    >>> _ = (d / "x.maf").write_text("Hugo_Symbol\\tTumor_Sample_Barcode\\tHGVSp_Short\\n"
    ...                              "BRAF\\tP1\\tp.V600E\\nTTN\\tP1\\tp.A1B\\n")
    >>> s = annotate(d / "x.maf", d / "out.tsv", clinical=d / "c.tsv")
    >>> s.rows, s.with_rules, s.annotated, s.tumor_sources
    (2, 1, 1, {'maf': 0, 'clinical': 1, 'default': 0, 'none': 0})
    """
    started = time.perf_counter()
    to_stdout = str(out) == "-"
    # Before anything is read: an output that is an input would be destroyed.
    kinds = ("cna", "fusions", "biomarkers")
    out_path = Path(out)
    targets = [] if to_stdout else [out_path, *(_side(out_path, k) for k in kinds)]
    refuse_overwrite(
        targets, [maf, *cna, *fusions, None if isinstance(clinical, Mapping) else clinical]
    )
    clinical_map = clinical if isinstance(clinical, Mapping) else load_clinical(clinical)
    annotator = Annotator(clinical_map, rules=rules, sources=sources, tumor=tumor)
    warnings: list[str] = []
    extra = [
        *_extra_records(cna, fusions, min_fusion_reads),
        *_biomarker_records(clinical_map),
    ]
    if to_stdout and extra:
        named = sorted({kind for kind, _ in extra})
        raise ArgumentError(
            f"out='-' (standard output) takes the annotated MAF only, and there are "
            f"{', '.join(named)} results to write as well. Give an output file (-o FILE): "
            "they are written next to it."
        )
    for _, record in extra:
        if record.variant is not None and record.sample:
            annotator.add_context(record.sample, record.variant)
        elif record.sample is None and record.status == "error":
            warnings.append(f"{record.source}:{record.line}: {record.reason}")
    maf_path = Path(maf)
    piped = str(maf) == "-"
    with sys.stdin if piped else open_text(maf_path) as handle:
        comments, header, header_line = _maf_header(handle)
        if not header:
            raise ValueError(f"{maf}: no MAF header line")
        columns = MafColumns.from_header(header)
        if columns.symbol is None or columns.sample is None:
            raise ValueError(
                f"{maf}: the MAF needs Hugo_Symbol and Tumor_Sample_Barcode columns "
                f"(found: {', '.join(header[:8])}...)"
            )
        if not columns.interpretable:
            warnings.append(
                "the MAF has no HGVSp_Short/HGVSp column: no row can be interpreted offline"
            )
        compressed = not piped and _is_gzip(maf_path)
        total = None
        if progress is not False and not piped and not compressed:
            # One fast pass over the bytes gives the bar its total and its ETA.
            total = max(_count_lines(maf_path, 0, maf_path.stat().st_size) - header_line, 0)
        bar = _Progress("annotate rows", progress, total=total)
        need_context = any(not k.startswith("biomarker:") for k in annotator.referenced_keys)
        parallel = jobs > 1 and not piped and not compressed
        if jobs > 1 and not parallel:
            warnings.append("--jobs needs an uncompressed MAF file; annotated in one process")
        if piped and need_context:
            warnings.append(
                "MAF read from a pipe: patient context for requires/excludes comes from the "
                "CNA, fusion and clinical inputs only"
            )
        with _output(out_path, to_stdout) as sink:
            for comment in comments:
                sink.write(comment + "\n")
            sink.write("\t".join([*header, *ANNOTATION_COLUMNS]) + "\n")
            if parallel:
                counts = _annotate_parallel(
                    annotator,
                    maf_path,
                    handle,
                    columns,
                    len(header),
                    header_line,
                    jobs,
                    rules,
                    sources,
                    clinical_map,
                    sink,
                    need_context,
                    tumor,
                    bar,
                )
            else:
                if need_context and not piped:
                    annotator.merge_context(_collect_maf_context(annotator, handle, columns))
                    handle.seek(0)
                    for _ in range(header_line):
                        handle.readline()
                counts = _annotate_lines(
                    annotator, handle, columns, len(header), header_line + 1, sink, bar
                )
        damage = damage_of(handle)
        if damage is not None:
            counts["errors"] += 1
            warnings.append(f"{damage}; the rows before the damage were annotated")
    bar.done(counts["rows"])
    maf_tumors = _maf_tumors(counts)
    outputs = ["-" if to_stdout else str(out_path)]
    for kind in kinds:
        records = [r for k, r in extra if k == kind]
        if records:
            target = _side(out_path, kind)
            counts.update(_write_records(annotator, records, target, maf_tumors))
            outputs.append(str(target))
    warnings.extend(_tumor_warnings(counts))
    sources_seen = _tumor_sources(counts)
    return AnnotateSummary(
        rows=counts["rows"],
        with_rules=counts["with_rules"],
        annotated=counts["annotated"],
        skipped=counts["skipped"],
        errors=counts["errors"],
        outputs=tuple(outputs),
        warnings=tuple(warnings),
        seconds=round(time.perf_counter() - started, 3),
        tumor_sources={k: len(v) for k, v in sources_seen.items()},
    )


TUMOR_PRECEDENCE = (
    "tumor type per sample: the MAF's ONCOTREE_CODE column, else the clinical table, "
    "else --tumor; a sample with none gets tumor-agnostic rules only"
)
"""The precedence :func:`annotate` applies, as the command line logs it."""


def _side(out: Path, kind: str) -> Path:
    return out.with_name(out.name + f".{kind}.tsv")


@contextlib.contextmanager
def _output(path: Path, to_stdout: bool) -> Iterator[IO[str]]:
    if to_stdout:
        yield sys.stdout
        sys.stdout.flush()
        return
    with atomic_output(path) as sink:
        yield sink


def _maf_tumors(counts: Mapping[str, int]) -> dict[str, str]:
    """Sample -> its MAF ``ONCOTREE_CODE`` text, for the alterations of the side inputs."""
    found: dict[str, str] = {}
    for key in sorted(counts):
        if key.startswith(_SAMPLE_TUMOR):
            sample, _, text = key.removeprefix(_SAMPLE_TUMOR).partition("\t")
            found.setdefault(sample, text)
    return found


def _tumor_sources(counts: Mapping[str, int]) -> dict[str, set[str]]:
    """Source -> the samples whose tumor type came from it (``none``: no source)."""
    found: dict[str, set[str]] = {"maf": set(), "clinical": set(), "default": set(), "none": set()}
    for key in counts:
        if key.startswith(_TUMOR_FROM):
            source, _, sample = key.removeprefix(_TUMOR_FROM).partition("\t")
            found[source or "none"].add(sample)
    return found


def _tumor_warnings(counts: Mapping[str, int]) -> list[str]:
    warnings: list[str] = []
    missing = sorted(
        k.removeprefix(_MISSING_SAMPLE) for k in counts if k.startswith(_MISSING_SAMPLE)
    )
    if missing:
        warnings.append(
            f"{len(missing)} samples with rows in genes with rules are not in the clinical "
            f"table ({_shown(missing)}): their rows were annotated with tumor-agnostic rules only"
        )
    unknown = sorted(k.removeprefix(_UNKNOWN_TUMOR) for k in counts if k.startswith(_UNKNOWN_TUMOR))
    if unknown:
        warnings.append(
            f"{len(unknown)} ONCOTREE_CODE values of the MAF are not known tumor types "
            f"({_shown(unknown)}): their rows took the clinical table's or --tumor's instead"
        )
    none = sorted(_tumor_sources(counts)["none"])
    if none:
        warnings.append(
            f"{len(none)} samples have no tumor type in the MAF's ONCOTREE_CODE, the clinical "
            f"table or --tumor ({_shown(none)}): their alterations were annotated with "
            "tumor-agnostic rules only"
        )
    return warnings


def _is_gzip(path: Path) -> bool:
    with open(path, "rb") as probe:
        return probe.read(2) == b"\x1f\x8b"


def _write_records(
    annotator: Annotator, records: Sequence[Record], target: Path, maf_tumors: Mapping[str, str]
) -> Counter[str]:
    counts: Counter[str] = Counter()
    header = ["SAMPLE_ID", "SOURCE", "LINE", "ALTERATION", "VARIANT", *ANNOTATION_COLUMNS]
    with atomic_output(target) as out:
        out.write("\t".join(header) + "\n")
        for r in records:
            if r.variant is not None:
                maf_tumor = r.tumor or maf_tumors.get(r.sample or "", "")
                cols, source = annotator.row_columns(r.variant, r.sample, maf_tumor)
                counts[f"{_TUMOR_FROM}{source}\t{r.sample}"] = 1
            else:
                cols = (*_EMPTY[:-1], _clean(r.reason or ""))
            row = [
                r.sample or "",
                r.source,
                str(r.line),
                _clean(r.text),
                str(r.variant or ""),
                *cols,
            ]
            out.write("\t".join(row) + "\n")
    return counts
