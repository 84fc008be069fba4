"""The streaming annotation writer: :func:`annotate` reads a MAF (file, gzip or
``-``) and writes it back with the OncoKB annotator's columns appended, row by row,
plus the CNA and fusion inputs annotated one row per alteration in the layouts of the
annotator's CNA and fusion scripts (:mod:`actionable.annotation.tables`).
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
from ..annotation.tables import TableRow, layout_cells, table_header
from ..engine import Engine
from ..errors import ArgumentError
from ..io import ClinicalRecord, Record, damage_of, open_text
from ..io.cna import read_cna
from ..io.fusions import MIN_FUSION_READS, is_structural_variant_layout, read_fusions
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
from .columns import ANNOTATION_COLUMNS, _clean
from .pool import _annotate_parallel, _count_lines
from .progress import _Progress

__all__ = ["TUMOR_PRECEDENCE", "AnnotateSummary", "annotate"]


# --------------------------------------------------------------------------- annotate
class AnnotateSummary(Frozen):
    """What :func:`annotate` did: row counts and the files it wrote."""

    rows: int
    """Data rows read from the MAF."""
    with_rules: int
    """Rows in a gene this knowledge base knows (rules, oncogenicity knowledge or
    implications); the others were not parsed."""
    annotated: int
    """Rows with at least one recommendation."""
    skipped: int
    """Rows in known genes classed as non-coding (Silent, Intron, UTR ...)."""
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
        # Results go back in the layout they came in: the OncoKB SV layout or fusions.
        kind = "sv" if is_structural_variant_layout(path) else "fusions"
        for record in read_fusions(path, min_reads=min_fusion_reads):
            yield kind, record


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
    extra_columns: bool = False,
) -> AnnotateSummary:
    """Annotate a MAF: write it to ``out`` with the OncoKB annotator's 27 columns appended
    (and ``ACTIONABLE_RULE_IDS``, ``RATIONALE``, ``ACTIONABLE_ERROR`` after them with
    ``extra_columns``); the MAF's ``#`` comment lines are dropped, as the annotator does.

    Each row's tumor type comes from, in this order: the MAF's ``ONCOTREE_CODE``
    column, the ``clinical`` table (a path or :func:`load_clinical` output; it also
    gives prior therapies, patient facts and TMB/MSI), the default ``tumor`` (OncoTree
    code or text, like the OncoKB annotator's ``-t``). A sample with none is annotated
    with tumor-agnostic rules only and counted in a warning; ``tumor_sources`` counts
    the samples per source. ``cna`` and ``fusions`` files (every layout of
    :mod:`actionable.io.cna` and :mod:`actionable.io.fusions`; STAR-Fusion calls with
    fewer than ``min_fusion_reads`` reads are skipped) add to the patient context and,
    with the clinical TMB/MSI, are written annotated, one row per alteration, next to
    ``out`` (``<out>.cna.tsv``, ``<out>.fusions.tsv``, ``<out>.biomarkers.tsv``) in the
    layouts of the OncoKB CNA and fusion annotators (:mod:`actionable.annotation.tables`).
    ``maf="-"`` reads standard input, ``out="-"`` writes standard output (then there
    must be no such side outputs). ``jobs > 1`` splits an uncompressed MAF into byte
    ranges annotated by that many worker processes (spawn-safe). Rows of genes outside
    the knowledge base are not parsed; see the package docstring for memory and patient
    context.

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
    kinds = SIDE_KINDS
    out_path = Path(out)
    targets = [] if to_stdout else [out_path, *(_side(out_path, k) for k in kinds)]
    refuse_overwrite(
        targets, [maf, *cna, *fusions, None if isinstance(clinical, Mapping) else clinical]
    )
    clinical_map = clinical if isinstance(clinical, Mapping) else load_clinical(clinical)
    annotator = Annotator(
        clinical_map, rules=rules, sources=sources, tumor=tumor, extra=extra_columns
    )
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
        # Leading "#" lines are dropped, as the OncoKB annotator drops them.
        _comments, header, header_line = _maf_header(handle)
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
            sink.write("\t".join([*header, *ANNOTATION_COLUMNS[: annotator.width]]) + "\n")
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
    outputs = ["-" if to_stdout else str(out_path)]
    outputs += write_side_outputs(annotator, extra, out_path, counts, kinds)
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


SIDE_KINDS = ("cna", "fusions", "sv", "biomarkers")
"""The side outputs ``annotate`` writes beside its output, in this order."""


def write_side_outputs(
    annotator: Annotator,
    extra: Sequence[tuple[str, Record]],
    out: Path,
    counts: Counter[str],
    kinds: Sequence[str] = SIDE_KINDS,
) -> list[str]:
    """Write the CNA, fusion, SV and biomarker records beside ``out`` (one file a kind
    that has records, in its OncoKB annotator layout); ``counts`` gains their counts.
    Returns the paths written. Shared by :func:`annotate` and the Dask path."""
    maf_tumors = _maf_tumors(counts)
    written = []
    for kind in kinds:
        records = [r for k, r in extra if k == kind]
        if records:
            target = _side(out, kind)
            counts.update(_write_records(annotator, records, target, maf_tumors, kind))
            written.append(str(target))
    return written


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
            f"{len(missing)} samples with rows in known genes are not in the clinical "
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


# Side outputs in the OncoKB annotators' layouts; biomarkers (TMB, MSI) as atypical
# alterations of the individual layout (HUGO_SYMBOL "Other Biomarkers").
_LAYOUTS = {"cna": "cna", "fusions": "fusion", "sv": "sv", "biomarkers": "cna"}


def _write_records(
    annotator: Annotator,
    records: Sequence[Record],
    target: Path,
    maf_tumors: Mapping[str, str],
    kind: str = "cna",
) -> Counter[str]:
    """Alterations of the CNA, fusion (or structural-variant) inputs and the clinical
    biomarkers, one per row, in the OncoKB annotator's layout for that kind
    (:mod:`actionable.annotation.tables`); a record that could not be read is written
    ``ANNOTATED`` ``False`` with its reason."""
    counts: Counter[str] = Counter()
    layout = _LAYOUTS.get(kind, "fusion")
    extra = annotator.width is None
    with atomic_output(target) as out:
        out.write("\t".join(table_header(layout, extra=extra)) + "\n")  # type: ignore[arg-type]
        for r in records:
            sample = r.sample or ""
            maf_tumor = r.tumor or maf_tumors.get(sample, "")
            if r.variant is not None:
                cols, source = annotator.row_columns(r.variant, r.sample, maf_tumor)
                counts[f"{_TUMOR_FROM}{source}\t{r.sample}"] = 1
            else:
                cols = annotator.failed(_clean(f"{r.source}:{r.line}: {r.reason or ''}"))
            tumor, _ = annotator.tumor_of(r.sample, maf_tumor)
            row = TableRow(sample=sample, cancer_type=tumor or "", variant=r.variant, text=r.text)
            cells = (*layout_cells(layout, row), *cols)  # type: ignore[arg-type]
            out.write("\t".join(_clean(c) for c in cells) + "\n")
    return counts
