"""Cohorts: annotate MAFs OncoKB-annotator style, and screen a cohort into a funnel.

Two entry points:

* :func:`annotate` streams a MAF and writes it back with the columns of the widely
  used OncoKB annotator (``MUTATION_EFFECT``, ``MUTATION_EFFECT_CITATIONS``, ``ONCOGENIC``,
  ``HIGHEST_LEVEL``, ``LEVEL_1`` ... ``LEVEL_R2``) plus
  ``ACTIONABLE_RULE_IDS``, ``RATIONALE`` and ``ACTIONABLE_ERROR``;
* :func:`screen` reads a clinical table and variant files and returns a
  :class:`Funnel` (screened -> sequenced -> actionable -> treated), with one
  :class:`~actionable.models.Report` per sequenced patient.

Memory. Annotation never keeps rows: each row is read, annotated and written. Rows
whose gene has no rule (most of a MAF) are written with empty columns without being
parsed. Results are memoised per (variant, tumor code, prior therapies, patient
context) in a bounded LRU cache. Patient context (see below) is a dict
sample -> the few variants that rules' ``requires``/``excludes`` refer to, so it
grows with the number of samples, not rows. :func:`screen` groups variants per
sample (a dict sample -> parsed variants); samples are far fewer than rows and no
per-row object is kept.

Patient context. A rule can require or exclude another alteration of the patient
(``KRAS mutations`` vetoes anti-EGFR antibodies). When any loaded rule does, a first
pass over the MAF (and the CNA/fusion inputs) collects, per sample, the variants in
the genes those entries name; a row whose gene has such rules is then evaluated with
its sample's context. Other rows are evaluated alone (context cannot change them).
MAF input from a pipe (``-``) cannot be read twice: context then comes from the CNA
and fusion inputs and the clinical biomarkers only, and a warning says so.

>>> from actionable.cohort import ANNOTATION_COLUMNS
>>> ANNOTATION_COLUMNS[:4]
('MUTATION_EFFECT', 'MUTATION_EFFECT_CITATIONS', 'ONCOGENIC', 'HIGHEST_LEVEL')
"""

from __future__ import annotations

import functools
import itertools
import multiprocessing
import os
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, Any

from pydantic import Field

from . import drugs
from ._files import atomic_output, refuse_overwrite
from .engine import Engine, partitions_for_variant
from .errors import VariantParseError
from .evaluate import default_engine, evaluate
from .genes import _lookup as _lookup_gene
from .io import _FALLBACK as _TEXT_FALLBACK
from .io import ClinicalRecord, Record, damage_of, open_text
from .io.clinical import read_clinical
from .io.cna import read_cna
from .io.fusions import read_fusions
from .io.maf import NON_CODING_CLASSES, MafColumns, parse_maf_change, read_maf
from .io.vcf import read_vcf
from .models import Frozen, Recommendation, Report, Variant
from .oncogenicity import classify
from .variants import parse_variant

__all__ = [
    "ANNOTATION_COLUMNS",
    "LEVEL_COLUMNS",
    "ONCOGENICITY_COLUMNS",
    "AnnotateSummary",
    "Annotator",
    "Funnel",
    "Patient",
    "annotate",
    "load_clinical",
    "oncogenicity_columns",
    "oncokb_columns",
    "read_variant_files",
    "screen",
]

LEVEL_COLUMNS: tuple[str, ...] = (
    "LEVEL_1",
    "LEVEL_2",
    "LEVEL_3A",
    "LEVEL_3B",
    "LEVEL_4",
    "LEVEL_R1",
    "LEVEL_R2",
)
ONCOGENICITY_COLUMNS: tuple[str, ...] = (
    "MUTATION_EFFECT",
    "MUTATION_EFFECT_CITATIONS",
    "ONCOGENIC",
)
"""Per-variant columns from :func:`actionable.oncogenicity.classify`, where the OncoKB
annotator writes them (before the levels); filled for the rows the annotator parses."""
ANNOTATION_COLUMNS: tuple[str, ...] = (
    *ONCOGENICITY_COLUMNS,
    "HIGHEST_LEVEL",
    "HIGHEST_SENSITIVE_LEVEL",
    "HIGHEST_RESISTANCE_LEVEL",
    *LEVEL_COLUMNS,
    "ACTIONABLE_RULE_IDS",
    "RATIONALE",
    "ACTIONABLE_ERROR",
)
# Order used for HIGHEST_LEVEL, as in the OncoKB annotator: R1 first, R2 last.
_HIGHEST_ORDER = ("R1", "1", "2", "3A", "3B", "4", "R2")
_SENSITIVE = ("1", "2", "3A", "3B", "4")
_EMPTY = ("",) * len(ANNOTATION_COLUMNS)
_HIGHEST = ANNOTATION_COLUMNS.index("HIGHEST_LEVEL")
_MEMO_SIZE = 65536


def _clean(text: str) -> str:
    return " ".join(text.replace("|", "/").split())


def oncogenicity_columns(variant: Variant | None) -> tuple[str, ...]:
    """``MUTATION_EFFECT``, ``MUTATION_EFFECT_CITATIONS`` (``PMID:n`` or CIViC ids, ``;``
    -joined) and ``ONCOGENIC`` for one variant (empty without one).

    >>> import actionable
    >>> oncogenicity_columns(actionable.parse_variant("TP53 R175H"))[::2]
    ('Loss-of-function', 'Oncogenic')
    """
    if variant is None:
        return ("", "", "")
    call = classify(variant)
    cites = (
        part
        for c in call.citations
        for part in (
            f"PMID:{c.pmid}" if c.pmid else "",
            c.civic or "",
            "" if c.pmid or c.civic else (c.fda or c.guideline or c.doi or c.url or ""),
        )
    )
    return (
        call.mutation_effect,
        ";".join(_clean(c) for c in dict.fromkeys(cites) if c),
        call.oncogenicity,
    )


def oncokb_columns(
    recommendations: Iterable[Recommendation], error: str = "", variant: Variant | None = None
) -> tuple[str, ...]:
    """The annotation columns (:data:`ANNOTATION_COLUMNS` order) for one alteration;
    the oncogenicity columns are empty unless ``variant`` is given.

    Drugs of a recommendation are joined with ``+``, recommendations at the same level
    with ``,`` (OncoKB annotator convention); ``HIGHEST_*`` values read ``LEVEL_1``,
    ``LEVEL_R1``. ``RATIONALE`` is one short sentence per recommendation, ``|``-joined.

    >>> import actionable
    >>> r = actionable.evaluate(["BRAF V600E"], tumor="MEL", max_level="1")
    >>> cols = dict(zip(ANNOTATION_COLUMNS, oncokb_columns(r.recommendations)))
    >>> cols["HIGHEST_LEVEL"], "dabrafenib+trametinib" in cols["LEVEL_1"].split(",")
    ('LEVEL_1', True)
    """
    by_level: dict[str, list[str]] = defaultdict(list)
    rule_ids: list[str] = []
    rationale: list[str] = []
    for rec in recommendations:
        therapy = "+".join(rec.therapy.drugs)
        if therapy not in by_level[rec.level]:
            by_level[rec.level].append(therapy)
        rule_ids.append(rec.rule_id)
        why = rec.rationale[0] if rec.rationale else rec.rule_id
        extra = "; off-label (curated for another tumor type)" if rec.match.off_label else ""
        rationale.append(_clean(f"LEVEL_{rec.level} {rec.therapy.name}: {why}{extra}"))
    present = [level for level in _HIGHEST_ORDER if by_level.get(level)]
    sensitive = [level for level in present if level in _SENSITIVE]
    resistant = [level for level in present if level not in _SENSITIVE]
    return (
        *oncogenicity_columns(variant),
        f"LEVEL_{present[0]}" if present else "",
        f"LEVEL_{sensitive[0]}" if sensitive else "",
        f"LEVEL_{resistant[0]}" if resistant else "",
        *(",".join(by_level.get(column[6:], ())) for column in LEVEL_COLUMNS),
        ",".join(dict.fromkeys(rule_ids)),
        "|".join(rationale),
        _clean(error),
    )


# --------------------------------------------------------------------------- clinical
def load_clinical(path: str | Path | None) -> dict[str, ClinicalRecord]:
    """Read a clinical table into a dict sample id -> record (rows without a sample
    id are dropped; rows with an ``error`` are kept so callers can report them).

    >>> import pathlib, tempfile
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "c.tsv"
    >>> _ = p.write_text("sample_id\\ttumor\\nP1\\tMEL\\n")
    >>> load_clinical(p)["P1"].tumor
    'MEL'
    """
    if path is None:
        return {}
    out: dict[str, ClinicalRecord] = {}
    for record in read_clinical(path):
        if record.sample and record.sample not in out:
            out[record.sample] = record
    return out


# --------------------------------------------------------------------------- engine helpers
def _engine(rules: str | Path | Engine | None, sources: Iterable[str] | None) -> Engine:
    if isinstance(rules, Engine):
        return rules
    if rules is None:
        return default_engine(sources)
    return Engine.load(rules, sources)


def _pattern_key(pattern: Any) -> str | None:
    if pattern.kind == "biomarker":
        return f"biomarker:{pattern.biomarker}"
    return str(pattern.gene) if pattern.gene else None


class Annotator:
    """Annotates single alterations of a cohort; keeps the per-call state small.

    ``clinical`` maps samples to their clinical rows (tumor, prior therapies,
    biomarkers). :meth:`columns` returns the :data:`ANNOTATION_COLUMNS` values for one
    parsed variant of one sample; results are memoised in a bounded LRU cache.

    >>> import actionable
    >>> a = Annotator({"P1": ClinicalRecord(source="c.tsv", line=2, sample="P1", tumor="MEL")})
    >>> a.has_rules("TTN"), a.has_rules("BRAF")
    (False, True)
    >>> a.columns(actionable.parse_variant("BRAF V600E"), "P1")[2:4]
    ('Oncogenic', 'LEVEL_1')
    """

    def __init__(
        self,
        clinical: Mapping[str, ClinicalRecord] | None = None,
        *,
        rules: str | Path | Engine | None = None,
        sources: Iterable[str] | None = None,
    ) -> None:
        self.engine = _engine(rules, sources)
        self.clinical = dict(clinical or {})
        partitions = self.engine.compiled.partitions
        self.rule_keys: frozenset[str] = frozenset(partitions)
        context_rules: set[str] = set()
        referenced: set[str] = set()
        for rule in self.engine.rules:
            if not (rule.requires or rule.excludes):
                continue
            context_rules.add(rule.gene if rule.gene else f"biomarker:{rule.biomarker}")
            for entry in (*rule.requires, *rule.excludes):
                for pattern in entry:
                    key = _pattern_key(pattern)
                    if key:
                        referenced.add(key)
        self.context_rule_keys = frozenset(context_rules)
        """Partitions (genes, ``biomarker:X``) with rules that look at other variants."""
        self.referenced_keys = frozenset(referenced)
        """Partitions that ``requires``/``excludes`` entries name: the patient context."""
        self.context: dict[str, set[Variant]] = defaultdict(set)
        self.symbol_cache: dict[str, str | None] = {k: k for k in self.rule_keys}
        """Symbol as written -> approved symbol with rules, or ``None`` (bounded)."""
        self._memo = functools.lru_cache(maxsize=_MEMO_SIZE)(self._evaluate)
        for sample, record in self.clinical.items():
            for text in record.biomarkers:
                self.add_context(sample, parse_variant(text))

    # ---- genes
    def rule_symbol(self, symbol: str) -> str | None:
        """The approved symbol when the gene has rules, else ``None`` (cached per symbol,
        so aliases such as ``HER2`` still reach ``ERBB2`` rules).

        >>> Annotator().rule_symbol("HER2")
        'ERBB2'
        """
        try:
            return self.symbol_cache[symbol]
        except KeyError:
            pass
        key = symbol.strip()
        found = _lookup_gene(key) if key and not key.startswith("#") else None
        approved = found if isinstance(found, str) and found in self.rule_keys else None
        if len(self.symbol_cache) < 200_000:
            self.symbol_cache[symbol] = approved
        return approved

    def has_rules(self, symbol: str) -> bool:
        """Whether any loaded rule is about this gene (approved, previous or alias symbol).

        >>> Annotator().has_rules("MLL2")
        False
        """
        return self.rule_symbol(symbol) is not None

    def is_referenced(self, symbol: str) -> bool:
        """Whether a ``requires``/``excludes`` entry names this gene.

        >>> Annotator().is_referenced("TTN")
        False
        """
        approved = self.rule_symbol(symbol)
        return approved is not None and approved in self.referenced_keys

    # ---- context
    def add_context(self, sample: str, variant: Variant) -> None:
        """Remember a variant of a sample if some rule's requires/excludes names its gene.

        >>> import actionable
        >>> a = Annotator()
        >>> a.add_context("P1", actionable.parse_variant("TTN A100V"))
        >>> dict(a.context)
        {}
        """
        if any(key in self.referenced_keys for key in partitions_for_variant(variant)):
            self.context[sample].add(variant)

    def merge_context(self, other: Mapping[str, Iterable[Variant]]) -> None:
        """Add context collected elsewhere (another process, another file).

        >>> import actionable
        >>> a = Annotator()
        >>> a.merge_context({"P1": [actionable.parse_variant("KRAS G12D")]})
        >>> [str(v) for v in a.context["P1"]]
        ['KRAS G12D']
        """
        for sample, variants in other.items():
            self.context[sample].update(variants)

    # ---- evaluation
    def _evaluate(
        self,
        variant: Variant,
        tumor: str | None,
        prior: tuple[str, ...],
        context: frozenset[Variant],
        facts: tuple[tuple[str, str], ...] = (),
    ) -> tuple[str, ...]:
        others = sorted((v for v in context if v != variant), key=str)
        report = evaluate(
            [variant, *others],
            tumor=tumor,
            rules=self.engine,
            prior_therapies=prior,
            facts=dict(facts) or None,
        )
        recs = [r for r in report.recommendations if variant in r.variants]
        return oncokb_columns(recs, variant=variant)

    def sample_state(self, sample: str | None) -> tuple[str | None, tuple[str, ...], str]:
        """(tumor code, prior therapies, note) for a sample, from the clinical table.

        >>> Annotator().sample_state("P1")
        (None, (), '')
        """
        record = self.clinical.get(sample) if sample else None
        if record is None:
            if not self.clinical:
                return None, (), ""
            return (
                None,
                (),
                (
                    f"sample {sample!r} is not in the clinical table: tumor unknown, "
                    "only tumor-agnostic rules were used"
                ),
            )
        if record.error:
            return (
                None,
                record.prior_therapies,
                (f"clinical row {record.line}: {record.error}; tumor-agnostic rules only"),
            )
        return record.tumor, record.prior_therapies, ""

    def columns(self, variant: Variant, sample: str | None) -> tuple[str, ...]:
        """The annotation columns for one variant of one sample (memoised).

        >>> import actionable
        >>> Annotator().columns(actionable.parse_variant("TP53 R175H"), None)[2:4]
        ('Oncogenic', '')
        """
        tumor, prior, note = self.sample_state(sample)
        context: frozenset[Variant] = frozenset()
        if sample is not None and any(
            key in self.context_rule_keys for key in partitions_for_variant(variant)
        ):
            context = frozenset(self.context.get(sample, ()))
        record = self.clinical.get(sample) if sample else None
        facts = record.facts if record is not None and not record.error else ()
        cols = self._memo(variant, tumor, prior, context, facts)
        if note:
            cols = (*cols[:-1], _clean(note))
        return cols

    def memo_info(self) -> str:
        """Hit/miss counts of the memo, for benchmarks.

        >>> Annotator().memo_info().startswith("CacheInfo(")
        True
        """
        return str(self._memo.cache_info())


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


class _Progress:
    """A one-line progress counter on stderr, only when stderr is a terminal."""

    def __init__(self, label: str, enabled: bool | None = None) -> None:
        self.label = label
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self.start = time.perf_counter()

    def update(self, count: int) -> None:
        if self.enabled:
            rate = count / max(time.perf_counter() - self.start, 1e-9)
            sys.stderr.write(f"\r{self.label}: {count:,} ({rate:,.0f}/s)")
            sys.stderr.flush()

    def done(self, count: int) -> None:
        if self.enabled:
            self.update(count)
            sys.stderr.write("\n")
            sys.stderr.flush()


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


_MISSING = object()
_MISSING_SAMPLE = "missing sample\t"


def _collect_maf_context(
    annotator: Annotator, lines: Iterable[str], columns: MafColumns
) -> dict[str, set[Variant]]:
    found: dict[str, set[Variant]] = defaultdict(set)
    gi, si = columns.symbol, columns.sample
    if gi is None or si is None:
        return found
    hi, fi = columns.hgvsp_short, columns.hgvsp
    known = annotator.symbol_cache
    referenced = annotator.referenced_keys
    rule_symbol = annotator.rule_symbol
    for line in lines:
        symbol = _symbol_of(line, gi)
        approved = known.get(symbol, _MISSING)
        if approved is _MISSING:
            approved = rule_symbol(symbol)
        if approved is None or approved not in referenced:
            continue
        cells = line.rstrip("\r\n").split("\t")
        if len(cells) <= si:
            continue
        try:
            variant = parse_maf_change(
                symbol,
                cells[hi] if hi is not None and hi < len(cells) else "",
                cells[fi] if fi is not None and fi < len(cells) else "",
            )
        except VariantParseError:
            continue
        found[cells[si]].add(variant)
    return found


def _symbol_of(line: str, column: int) -> str:
    """The gene cell of a MAF line, without splitting the whole line when the gene comes
    first (the usual layout): most rows are only copied, so this is the hot path."""
    if column == 0:
        cut = line.find("\t")
        return line[:cut] if cut >= 0 else line.rstrip("\r\n")
    return line.split("\t", column + 1)[column] if line.count("\t") >= column else ""


def _annotate_lines(
    annotator: Annotator,
    lines: Iterable[str],
    columns: MafColumns,
    width: int,
    first_line: int,
    out: IO[str],
    progress: _Progress | None = None,
) -> Counter[str]:
    """The per-row loop: kept lean, it is the whole cost of annotating a big MAF.

    Rows of genes without rules (found from the first column without splitting the
    line when the gene comes first, as in every MAF) are copied with empty columns.
    """
    counts: Counter[str] = Counter()
    gi = columns.symbol if columns.symbol is not None else 0
    si = columns.sample
    hi, fi, ci = columns.hgvsp_short, columns.hgvsp, columns.classification
    empty_tail = "\t" + "\t".join(_EMPTY) + "\n"
    known = annotator.symbol_cache
    rule_symbol = annotator.rule_symbol
    write = out.write
    clinical = annotator.clinical
    tabs = width - 1
    rows = with_rules = annotated = skipped = errors = 0
    number = first_line - 1
    for line in lines:
        number += 1
        symbol = _symbol_of(line, gi)
        approved = known.get(symbol, _MISSING)
        if approved is _MISSING:
            approved = rule_symbol(symbol)
        text = line.rstrip("\r\n")
        if approved is None:
            if not text or text[0] == "#":
                continue
            rows += 1
            missing = tabs - text.count("\t")
            if missing > 0:
                text += "\t" * missing
            elif missing < 0:
                errors += 1
                cells = text.split("\t")
                extra = _clean(" ".join(cells[width:]))[:200]
                note = f"line {number}: {-missing} cells more than the header ({extra})"
                write("\t".join(cells[:width]) + "\t" + "\t".join((*_EMPTY[:-1], note)) + "\n")
                continue
            write(text + empty_tail)
            if progress is not None and not rows % 100_000:
                progress.update(rows)
            continue
        rows += 1
        with_rules += 1
        cells = text.split("\t")
        if len(cells) < width:
            cells.extend([""] * (width - len(cells)))
            text = "\t".join(cells)
        elif len(cells) > width:
            # Cells past the header would push the annotation columns under the wrong
            # names: the row is written aligned and flagged, its extra cells named.
            errors += 1
            extra = _clean(" ".join(cells[width:]))[:200]
            note = f"line {number}: {len(cells) - width} cells more than the header ({extra})"
            write("\t".join(cells[:width]) + "\t" + "\t".join((*_EMPTY[:-1], note)) + "\n")
            continue
        if ci is not None and cells[ci] in NON_CODING_CLASSES:
            skipped += 1
            write(text + empty_tail)
            continue
        sample = cells[si] if si is not None else None
        if clinical and sample not in clinical:
            counts[_MISSING_SAMPLE + str(sample)] = 1
        try:
            variant = parse_maf_change(
                symbol, cells[hi] if hi is not None else "", cells[fi] if fi is not None else ""
            )
        except VariantParseError as error:
            errors += 1
            cols = (*_EMPTY[:-1], _clean(f"line {number}: {error}"))
        else:
            cols = annotator.columns(variant, sample)
            if cols[_HIGHEST]:
                annotated += 1
        write(text + "\t" + "\t".join(cols) + "\n")
    counts.update(
        rows=rows, with_rules=with_rules, annotated=annotated, skipped=skipped, errors=errors
    )
    return counts


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
    clinical: dict[str, ClinicalRecord], rules: str | None, sources: tuple[str, ...] | None
) -> None:
    global _worker_annotator
    _worker_annotator = Annotator(clinical, rules=rules, sources=sources)


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
) -> AnnotateSummary:
    """Annotate a MAF: write it to ``out`` with :data:`ANNOTATION_COLUMNS` appended.

    ``clinical`` (a table path or :func:`load_clinical` output) gives each sample's
    tumor type, prior therapies and TMB/MSI. ``cna`` and ``fusions`` files add to the
    patient context and are written annotated, one row per alteration, next to ``out``
    (``<out>.cna.tsv``, ``<out>.fusions.tsv``). ``jobs > 1`` splits an uncompressed
    MAF into byte ranges annotated by that many worker processes (spawn-safe). Rows of
    genes without rules are copied with empty columns; see the module docstring for
    memory and patient context.

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
    annotator = Annotator(clinical_map, rules=rules, sources=sources)
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
            _write_records(annotator, records, target)
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
        initargs=(dict(clinical), rules_arg, source_arg),
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
            for result in pool.map(_worker_annotate, tasks):
                totals.update(result)
            for part in outs:
                with open(part, encoding="utf-8", newline="") as piece:
                    while block := piece.read(1 << 22):
                        sink.write(block)
    return totals


def _write_records(annotator: Annotator, records: Sequence[Record], target: Path) -> None:
    header = ["SAMPLE_ID", "SOURCE", "LINE", "ALTERATION", "VARIANT", *ANNOTATION_COLUMNS]
    with atomic_output(target) as out:
        out.write("\t".join(header) + "\n")
        for r in records:
            if r.variant is not None:
                cols = annotator.columns(r.variant, r.sample)
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


# --------------------------------------------------------------------------- screen
class Patient(Frozen):
    """One patient of a screened cohort: clinical data, input problems and the report."""

    sample: str
    tumor_text: str = ""
    panel: str = ""
    treated_with: tuple[str, ...] = ()
    prior_therapies: tuple[str, ...] = ()
    clinical_error: str | None = None
    input_issues: tuple[str, ...] = ()
    """Rows of the variant files that could not be used (``file:line: reason``),
    at most 50; ``input_issue_counts`` has the full counts."""
    input_issue_counts: dict[str, int] = Field(default_factory=dict)
    report: Report | None = None

    def treated_with_recommended(self, threshold: str) -> bool:
        """Whether a regimen in ``treated_with`` covers the drugs of a sensitivity
        recommendation at ``threshold`` or better.

        >>> Patient(sample="P1").treated_with_recommended("2")
        False
        """
        if self.report is None or not self.treated_with:
            return False
        limit = _SENSITIVE.index(threshold)
        given = [drugs.parse_therapies([t]) for t in self.treated_with]
        for rec in self.report.recommendations:
            if rec.effect != "sensitivity" or _SENSITIVE.index(rec.level) > limit:
                continue
            wanted = set(rec.therapy.drugs)
            if any(wanted <= set(g) for g in given):
                return True
        return False


_STAGES = ("screened", "sequenced", "actionable", "treated")


class Funnel(Frozen):
    """A cohort funnel like Figure 1 of a screening study.

    ``screened`` are the clinical table's patients; ``sequenced`` those with an NGS
    panel in the clinical table or rows in a variant file; ``actionable`` the
    sequenced patients with a sensitivity recommendation at ``threshold`` or better;
    ``treated`` the actionable patients whose ``treated_with`` covers the drugs of
    such a recommendation.

    >>> f = Funnel(threshold="2", screened=("A", "B"), sequenced=("A",), actionable=(),
    ...            treated=())
    >>> f.counts
    {'screened': 2, 'sequenced': 1, 'actionable': 0, 'treated': 0}
    """

    threshold: str
    screened: tuple[str, ...]
    sequenced: tuple[str, ...]
    actionable: tuple[str, ...]
    treated: tuple[str, ...]
    patients: dict[str, Patient] = Field(default_factory=dict)
    errors: tuple[str, ...] = ()
    """Problems outside any one patient (clinical rows, samples not in the table)."""
    kb_version: str = ""
    kb_date: str = ""

    @property
    def counts(self) -> dict[str, int]:
        """Patients per stage, in funnel order.

        >>> Funnel(threshold="1", screened=("A",), sequenced=(), actionable=(),
        ...        treated=()).counts["screened"]
        1
        """
        return {stage: len(getattr(self, stage)) for stage in _STAGES}

    @property
    def reports(self) -> dict[str, Report]:
        """The report of every evaluated (sequenced) patient.

        >>> Funnel(threshold="1", screened=(), sequenced=(), actionable=(), treated=()).reports
        {}
        """
        return {s: p.report for s, p in self.patients.items() if p.report is not None}

    def to_table(self) -> str:
        """A plain-text table: stage, patients, share of screened, share of the stage
        before, and the sample ids of the last two (short) stages.

        >>> f = Funnel(threshold="2", screened=("A", "B"), sequenced=("A",),
        ...            actionable=("A",), treated=())
        >>> print(f.to_table())  # doctest: +NORMALIZE_WHITESPACE
        stage        patients  of screened  of previous  samples
        screened     2         100%         -
        sequenced    1         50%          50%
        actionable   1         50%          100%         A
        treated      0         0%           0%
        """
        counts = self.counts
        lines = [f"{'stage':<12} {'patients':<9} {'of screened':<12} {'of previous':<12} samples"]
        previous: int | None = None
        total = counts["screened"]
        for stage in _STAGES:
            n = counts[stage]
            share = f"{100 * n / total:.0f}%" if total else "-"
            step = "-" if previous is None else (f"{100 * n / previous:.0f}%" if previous else "-")
            ids = ", ".join(getattr(self, stage)) if stage in ("actionable", "treated") else ""
            lines.append(f"{stage:<12} {n:<9} {share:<12} {step:<12} {ids}".rstrip())
            previous = n
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable summary (counts, ids, errors; reports per patient).

        >>> Funnel(threshold="1", screened=(), sequenced=(), actionable=(),
        ...        treated=()).to_dict()["counts"]["treated"]
        0
        """
        data = self.model_dump(mode="json")
        data["counts"] = self.counts
        return data

    def plot(self, path: str | Path) -> Path:
        """Draw the funnel to ``path`` (``.png`` or ``.svg``); see
        :func:`actionable.report.plot.plot_funnel`.

        >>> import tempfile, pathlib
        >>> f = Funnel(threshold="2", screened=("A",), sequenced=(), actionable=(), treated=())
        >>> f.plot(pathlib.Path(tempfile.mkdtemp()) / "funnel.png").name
        'funnel.png'
        """
        from .report.plot import plot_funnel

        return plot_funnel(self, path)


def read_variant_files(
    maf: Sequence[str | Path] = (),
    vcf: Sequence[str | Path] = (),
    cna: Sequence[str | Path] = (),
    fusions: Sequence[str | Path] = (),
) -> Iterator[Record]:
    """All records of all inputs, file after file (a generator: bounded memory).

    >>> list(read_variant_files())
    []
    """
    for path in maf:
        yield from read_maf(path)
    for path in vcf:
        yield from read_vcf(path)
    for path in cna:
        yield from read_cna(path)
    for path in fusions:
        yield from read_fusions(path)


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


def screen(
    clinical: str | Path,
    *,
    maf: Sequence[str | Path] = (),
    vcf: Sequence[str | Path] = (),
    cna: Sequence[str | Path] = (),
    fusions: Sequence[str | Path] = (),
    threshold: str = "2",
    rules: str | Path | Engine | None = None,
    sources: Iterable[str] | None = None,
    jobs: int = 1,
    progress: bool | None = None,
) -> Funnel:
    """Screen a cohort: clinical table + variant files -> :class:`Funnel`.

    Each sequenced patient is evaluated once with all their variants (MAF, VCF, CNA,
    fusions) plus the TMB/MSI of the clinical table; ``jobs > 1`` evaluates patients
    in that many worker processes. Unknown tumor texts are reported in ``errors`` and
    the patient is evaluated with tumor-agnostic rules only.

    >>> import pathlib, tempfile
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "c.tsv").write_text("sample_id\\ttumor\\tpanel\\ttreated_with\\n"
    ...     "A\\tcolon NEC\\tTSO500\\tdabrafenib + trametinib\\nB\\tcolon NEC\\t\\t\\n")
    >>> _ = (d / "m.maf").write_text("Hugo_Symbol\\tTumor_Sample_Barcode\\tHGVSp_Short\\n"
    ...                              "BRAF\\tA\\tp.V600E\\n")
    >>> screen(d / "c.tsv", maf=[d / "m.maf"]).counts
    {'screened': 2, 'sequenced': 1, 'actionable': 1, 'treated': 1}
    """
    if threshold not in _SENSITIVE:
        raise ValueError(f"threshold {threshold!r}: use one of {', '.join(_SENSITIVE)}")
    table = list(read_clinical(clinical))
    errors: list[str] = []
    records: dict[str, ClinicalRecord] = {}
    for row in table:
        if not row.sample:
            errors.append(f"{row.source}:{row.line}: {row.error}")
            continue
        if row.sample in records:
            errors.append(f"{row.source}:{row.line}: {row.error}")
            continue
        records[row.sample] = row
        if row.error:
            errors.append(f"{row.source}:{row.line}: sample {row.sample}: {row.error}")
    variants: dict[str, dict[Variant, None]] = defaultdict(dict)
    issues: dict[str, list[str]] = defaultdict(list)
    issue_counts: dict[str, Counter[str]] = defaultdict(Counter)
    seen: set[str] = set()
    unknown: Counter[str] = Counter()
    bar = _Progress("read records", progress)
    number = 0
    for record in read_variant_files(maf, vcf, cna, fusions):
        number += 1
        if not number % 10_000:
            bar.update(number)
        sample = record.sample
        if sample is None:
            errors.append(f"{record.source}:{record.line}: {record.reason}")
            continue
        if sample not in records:
            unknown[sample] += 1
            continue
        seen.add(sample)
        if record.variant is not None:
            variants[sample][record.variant] = None
        else:
            issue_counts[sample][f"{record.status}: {record.reason}"] += 1
            if len(issues[sample]) < 50:
                issues[sample].append(
                    f"{record.source}:{record.line}: {record.status}: {record.reason}"
                )
    bar.done(number)
    for sample, n in sorted(unknown.items()):
        errors.append(f"sample {sample} has {n} variant rows but is not in the clinical table")

    sequenced = [s for s, r in records.items() if r.panel or s in seen]
    rules_arg: str | None
    if isinstance(rules, Engine):
        rules_arg = None if rules.name == "bundled" else rules.name
    else:
        rules_arg = None if rules is None else str(rules)
    source_arg = tuple(sources) if sources is not None else None
    tasks = []
    for sample in sequenced:
        row = records[sample]
        listed = tuple(variants.get(sample, {}))
        biomarkers = tuple(parse_variant(t) for t in row.biomarkers)
        tasks.append(
            (
                sample,
                listed + biomarkers,
                row.tumor if not row.error else None,
                row.prior_therapies,
                rules_arg,
                source_arg,
                row.facts if not row.error else (),
            )
        )
    reports: dict[str, Report] = {}
    if jobs > 1 and len(tasks) > 1:
        with multiprocessing.get_context("spawn").Pool(min(jobs, len(tasks))) as pool:
            reports.update(pool.map(_evaluate_patient, tasks))
    else:
        engine = _engine(rules, sources)
        for sample, listed, tumor, prior, _, _, facts in tasks:
            reports[sample] = evaluate(
                list(listed),
                tumor=tumor,
                rules=engine,
                prior_therapies=prior,
                facts=dict(facts) or None,
            )

    patients: dict[str, Patient] = {}
    for sample, row in records.items():
        patients[sample] = Patient(
            sample=sample,
            tumor_text=row.tumor_text,
            panel=row.panel,
            treated_with=row.treated_with,
            prior_therapies=row.prior_therapies,
            clinical_error=row.error,
            input_issues=tuple(issues.get(sample, ())),
            input_issue_counts=dict(issue_counts.get(sample, {})),
            report=reports.get(sample),
        )
    actionable = [s for s in sequenced if reports[s].actionable(threshold)]
    treated = [s for s in actionable if patients[s].treated_with_recommended(threshold)]
    from .evaluate import kb_version

    version, date = kb_version()
    return Funnel(
        threshold=threshold,
        screened=tuple(records),
        sequenced=tuple(sequenced),
        actionable=tuple(actionable),
        treated=tuple(treated),
        patients=patients,
        errors=tuple(errors),
        kb_version=version,
        kb_date=date,
    )
