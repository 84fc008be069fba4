"""The streaming annotation writer: :func:`annotate` reads a MAF (file, gzip or
``-``) and writes it back with the OncoKB annotator's columns appended, row by row,
plus the CNA and fusion inputs annotated one row per alteration in the layouts of the
annotator's CNA and fusion scripts (:mod:`actionable.annotation.tables`).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO

from .._files import atomic_output, refuse_overwrite
from ..annotation.tables import TableRow, layout_cells, table_header
from ..engine import Engine
from ..io import ClinicalRecord, Record, damage_of, open_text
from ..io.cna import read_cna
from ..io.fusions import read_fusions
from ..io.maf import MafColumns
from ..models import Frozen
from .annotator import (
    _MISSING_SAMPLE,
    Annotator,
    _annotate_lines,
    _collect_maf_context,
    load_clinical,
)
from .columns import ANNOTATION_COLUMNS, _clean
from .pool import _annotate_parallel
from .progress import _Progress

__all__ = ["AnnotateSummary", "annotate"]


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
    cna: Sequence[str | Path], fusions: Sequence[str | Path]
) -> Iterator[tuple[str, Record]]:
    for path in cna:
        for record in read_cna(path):
            yield "cna", record
    for path in fusions:
        for record in read_fusions(path):
            yield "fusions", record


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
    extra_columns: bool = False,
) -> AnnotateSummary:
    """Annotate a MAF: write it to ``out`` with the OncoKB annotator's 27 columns appended
    (and ``ACTIONABLE_RULE_IDS``, ``RATIONALE``, ``ACTIONABLE_ERROR`` after them with
    ``extra_columns``); the MAF's ``#`` comment lines are dropped, as the annotator does.

    ``clinical`` (a table path or :func:`load_clinical` output) gives each sample's
    tumor type, prior therapies and TMB/MSI. ``cna`` and ``fusions`` files add to the
    patient context and are written annotated, one row per alteration, next to ``out``
    (``<out>.cna.tsv``, ``<out>.fusions.tsv``) in the annotator's CNA and fusion layouts.
    ``jobs > 1`` splits an uncompressed MAF into byte ranges annotated by that many worker
    processes (spawn-safe). Rows of genes outside the knowledge base are not parsed; see
    the module docstring for memory and patient context.

    >>> import pathlib, tempfile
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "c.tsv").write_text("sample_id\\ttumor\\nP1\\tMEL\\n")
    >>> _ = (d / "x.maf").write_text("Hugo_Symbol\\tTumor_Sample_Barcode\\tHGVSp_Short\\n"
    ...                              "BRAF\\tP1\\tp.V600E\\nTTN\\tP1\\tp.A1B\\n")
    >>> s = annotate(d / "x.maf", d / "out.tsv", clinical=d / "c.tsv")
    >>> s.rows, s.with_rules, s.annotated
    (2, 1, 1)
    """
    started = time.perf_counter()
    # Before anything is read: an output that is an input would be destroyed.
    kinds = ("cna", "fusions")
    targets = [Path(out), *(Path(out).with_name(Path(out).name + f".{k}.tsv") for k in kinds)]
    refuse_overwrite(
        targets, [maf, *cna, *fusions, None if isinstance(clinical, Mapping) else clinical]
    )
    clinical_map = clinical if isinstance(clinical, Mapping) else load_clinical(clinical)
    annotator = Annotator(clinical_map, rules=rules, sources=sources, extra=extra_columns)
    warnings: list[str] = []
    extra = list(_extra_records(cna, fusions))
    for _, record in extra:
        if record.variant is not None and record.sample:
            annotator.add_context(record.sample, record.variant)
    maf_path = Path(maf)
    out_path = Path(out)
    bar = _Progress("annotate rows", progress)
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
        need_context = any(not k.startswith("biomarker:") for k in annotator.referenced_keys)
        parallel = jobs > 1 and not piped and not compressed
        if jobs > 1 and not parallel:
            warnings.append("--jobs needs an uncompressed MAF file; annotated in one process")
        if piped and need_context:
            warnings.append(
                "MAF read from a pipe: patient context for requires/excludes comes from the "
                "CNA, fusion and clinical inputs only"
            )
        with atomic_output(out_path) as sink:
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
    missing = sorted(
        k.removeprefix(_MISSING_SAMPLE) for k in counts if k.startswith(_MISSING_SAMPLE)
    )
    if missing:
        shown = ", ".join(missing[:10]) + (" ..." if len(missing) > 10 else "")
        warnings.append(
            f"{len(missing)} samples with rows in genes with rules are not in the clinical "
            f"table ({shown}): their rows were annotated with tumor-agnostic rules only"
        )
    outputs = [str(out_path)]
    for kind in ("cna", "fusions"):
        records = [r for k, r in extra if k == kind]
        if records:
            target = out_path.with_name(out_path.name + f".{kind}.tsv")
            _write_records(annotator, records, target, kind)
            outputs.append(str(target))
    return AnnotateSummary(
        rows=counts["rows"],
        with_rules=counts["with_rules"],
        annotated=counts["annotated"],
        skipped=counts["skipped"],
        errors=counts["errors"],
        outputs=tuple(outputs),
        warnings=tuple(warnings),
        seconds=round(time.perf_counter() - started, 3),
    )


def _is_gzip(path: Path) -> bool:
    with open(path, "rb") as probe:
        return probe.read(2) == b"\x1f\x8b"


_LAYOUTS = {"cna": "cna", "fusions": "fusion", "sv": "sv"}


def _write_records(
    annotator: Annotator, records: Sequence[Record], target: Path, kind: str = "cna"
) -> None:
    """Alterations of the CNA, fusion (or structural-variant) inputs, one per row, in the
    OncoKB annotator's layout for that kind (:mod:`actionable.annotation.tables`); a
    record that could not be read is written ``ANNOTATED`` ``False`` with its reason."""
    layout = _LAYOUTS.get(kind, "fusion")
    extra = annotator.width is None
    with atomic_output(target) as out:
        out.write("\t".join(table_header(layout, extra=extra)) + "\n")  # type: ignore[arg-type]
        for r in records:
            sample = r.sample or ""
            tumor, _, _ = annotator.sample_state(sample)
            row = TableRow(sample=sample, cancer_type=tumor or "", variant=r.variant, text=r.text)
            if r.variant is not None:
                cols = annotator.columns(r.variant, r.sample)
            else:
                cols = annotator.failed(_clean(f"{r.source}:{r.line}: {r.reason or ''}"))
            cells = (*layout_cells(layout, row), *cols)  # type: ignore[arg-type]
            out.write("\t".join(_clean(c) for c in cells) + "\n")
