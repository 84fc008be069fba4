"""One cohort alteration at a time: :class:`Annotator` (tumor, prior therapies and
patient context per sample, memoised evaluation) and the per-row loop over MAF lines
that both the single-process writer and the pool workers run.
"""

from __future__ import annotations

import functools
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import IO, Any

from ..annotation import known_genes
from ..engine import Engine, partitions_for_variant
from ..errors import UnknownTumorError, VariantParseError
from ..evaluate import engine_for, evaluate
from ..genes import _lookup as _lookup_gene
from ..io import ClinicalRecord
from ..io.clinical import read_clinical
from ..io.maf import BIOMARKER_SYMBOLS, NON_CODING_CLASSES, MafColumns, parse_maf_change
from ..models import Variant
from ..tumors import resolve_tumor
from ..variants import parse_variant
from .columns import (
    _HIGHEST,
    ONCOKB_COLUMNS,
    _clean,
    failed_columns,
    report_columns,
    unannotated_gene_columns,
)
from .progress import _Progress

__all__ = ["Annotator", "load_clinical"]

_MEMO_SIZE = 65536


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
_engine = engine_for


def _pattern_key(pattern: Any) -> str | None:
    if pattern.kind == "biomarker":
        return f"biomarker:{pattern.biomarker}"
    return str(pattern.gene) if pattern.gene else None


class Annotator:
    """Annotates single alterations of a cohort; keeps the per-call state small.

    ``clinical`` maps samples to their clinical rows (tumor, prior therapies,
    biomarkers); ``tumor`` is the default tumor type (OncoTree code or text) of samples
    whose tumor type neither the MAF row nor the clinical table gives (see
    :meth:`tumor_of` for the precedence). :meth:`columns` returns the
    :data:`ANNOTATION_COLUMNS` values for one parsed variant of one sample (without the
    three extra columns unless ``extra``); results are memoised in a bounded LRU cache.
    Rows of genes outside this knowledge base (:func:`actionable.annotation.known_genes`)
    need no parsing: their columns are the same for every change.

    >>> import actionable
    >>> a = Annotator({"P1": ClinicalRecord(source="c.tsv", line=2, sample="P1", tumor="MEL")})
    >>> a.has_rules("TTN"), a.has_rules("BRAF")
    (False, True)
    >>> cols = a.columns(actionable.parse_variant("BRAF V600E"), "P1")
    >>> cols[5], cols[13], len(cols)
    ('Oncogenic', 'LEVEL_1', 27)
    """

    def __init__(
        self,
        clinical: Mapping[str, ClinicalRecord] | None = None,
        *,
        rules: str | Path | Engine | None = None,
        sources: Iterable[str] | None = None,
        tumor: str | None = None,
        extra: bool = False,
    ) -> None:
        self.engine = _engine(rules, sources)
        self.clinical = dict(clinical or {})
        self.default_tumor = resolve_tumor(tumor).code if tumor else None
        """The ``--tumor`` default as an OncoTree code (an unknown text raises here)."""
        self._tumor_texts: dict[str, str | None] = {}
        self.extra = extra
        self.width = None if extra else len(ONCOKB_COLUMNS)
        """How many annotation columns a row gets (``None``: all, with the extra three)."""
        self.unknown_tail = "\t" + "\t".join(unannotated_gene_columns(False)[: self.width]) + "\n"
        self.noncoding_tail = "\t" + "\t".join(unannotated_gene_columns(True)[: self.width]) + "\n"
        partitions = self.engine.compiled.partitions
        # Genes with rules, and genes whose changes the oncogenicity knowledge or the
        # implications can classify: rows of any other gene are not parsed.
        self.rule_keys: frozenset[str] = frozenset(partitions) | known_genes(self.engine)
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
        """The approved symbol when the gene has rules or other knowledge, else ``None``
        (cached per symbol, so aliases such as ``HER2`` still reach ``ERBB2`` rules).

        >>> Annotator().rule_symbol("HER2")
        'ERBB2'
        """
        try:
            return self.symbol_cache[symbol]
        except KeyError:
            pass
        key = symbol.strip()
        if key.lower() in BIOMARKER_SYMBOLS:
            # "Other Biomarkers" rows carry MSI-H, TMB-H ...: read them when any rule
            # is about a biomarker.
            has = key and any(k.startswith("biomarker:") for k in self.rule_keys)
            approved: str | None = key if has else None
            self.symbol_cache[symbol] = approved
            return approved
        found = _lookup_gene(key) if key and not key.startswith("#") else None
        approved = found if isinstance(found, str) and found in self.rule_keys else None
        if len(self.symbol_cache) < 200_000:
            self.symbol_cache[symbol] = approved
        return approved

    def has_rules(self, symbol: str) -> bool:
        """Whether any loaded rule or other knowledge is about this gene (approved,
        previous or alias symbol).

        >>> Annotator().has_rules("MLL2"), Annotator().has_rules("OR4F5")  # MLL2 is KMT2D
        (True, False)
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
        return report_columns(report, variant, self.engine)

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

    def tumor_of(self, sample: str | None, maf_text: str = "") -> tuple[str | None, str]:
        """(tumor code, where it came from) for one row of a sample, in this precedence:
        the row's ``ONCOTREE_CODE`` (``maf_text``; ``"maf"``), the clinical table
        (``"clinical"``), the default ``tumor`` (``"default"``); ``(None, "")`` when none
        gives one (the row is then annotated with tumor-agnostic rules only). A
        ``maf_text`` that is no known tumor type falls through to the next source.

        >>> a = Annotator({"P1": ClinicalRecord(source="c.tsv", line=2, sample="P1", tumor="MEL")},
        ...               tumor="NSCLC")
        >>> a.tumor_of("P1", "LUAD"), a.tumor_of("P1"), a.tumor_of("P2"), Annotator().tumor_of("P2")
        (('LUAD', 'maf'), ('MEL', 'clinical'), ('NSCLC', 'default'), (None, ''))
        """
        if maf_text:
            code = self.maf_tumor(maf_text)
            if code is not None:
                return code, "maf"
        record = self.clinical.get(sample) if sample else None
        if record is not None and record.tumor and not record.error:
            return record.tumor, "clinical"
        if self.default_tumor is not None:
            return self.default_tumor, "default"
        return None, ""

    def maf_tumor(self, text: str) -> str | None:
        """The OncoTree code of a MAF ``ONCOTREE_CODE`` cell, ``None`` when unknown
        (cached per text, bounded).

        >>> Annotator().maf_tumor("luad"), Annotator().maf_tumor("no such tumor")
        ('LUAD', None)
        """
        try:
            return self._tumor_texts[text]
        except KeyError:
            pass
        try:
            code: str | None = resolve_tumor(text).code
        except UnknownTumorError:
            code = None
        if len(self._tumor_texts) < 10_000:
            self._tumor_texts[text] = code
        return code

    def columns(self, variant: Variant, sample: str | None, maf_tumor: str = "") -> tuple[str, ...]:
        """The annotation columns for one variant of one sample (memoised);
        ``maf_tumor`` is the row's ``ONCOTREE_CODE`` cell, if any (see :meth:`tumor_of`).

        >>> import actionable
        >>> Annotator().columns(actionable.parse_variant("TP53 R175H"), None)[3:6]
        ('Loss-of-function', '26619011;29247016;28115009;10519380', 'Oncogenic')
        """
        return self.row_columns(variant, sample, maf_tumor)[0]

    def row_columns(
        self, variant: Variant, sample: str | None, maf_tumor: str = ""
    ) -> tuple[tuple[str, ...], str]:
        """:meth:`columns` and where the tumor type came from (see :meth:`tumor_of`).

        >>> import actionable
        >>> Annotator(tumor="MEL").row_columns(actionable.parse_variant("TP53 R175H"), "P1")[1]
        'default'
        """
        tumor, source = self.tumor_of(sample, maf_tumor)
        _, prior, note = self.sample_state(sample)
        if tumor is not None and source != "clinical" and note:
            # The clinical table could not say, another source did: say which.
            record = self.clinical.get(sample) if sample else None
            given = "the MAF's ONCOTREE_CODE" if source == "maf" else "the default (--tumor)"
            note = (
                f"clinical row {record.line}: {record.error}; tumor type from {given}"
                if record is not None and record.error
                else ""
            )
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
        return cols[: self.width], source

    def failed(self, note: str) -> tuple[str, ...]:
        """The columns of a row that could not be annotated (the note only with ``extra``).

        >>> Annotator().failed("line 2: unreadable")[:2]
        ('False', '')
        """
        return failed_columns(note)[: self.width]

    def memo_info(self) -> str:
        """Hit/miss counts of the memo, for benchmarks.

        >>> Annotator().memo_info().startswith("CacheInfo(")
        True
        """
        return str(self._memo.cache_info())


_MISSING = object()
_MISSING_SAMPLE = "missing sample\t"
_TUMOR_FROM = "tumor from\t"
"""Count keys ``tumor from\t<source>\t<sample>``: where each sample's tumor type came
from (source ``maf``, ``clinical``, ``default``, or empty for none)."""
_UNKNOWN_TUMOR = "unknown tumor\t"
_SAMPLE_TUMOR = "sample tumor\t"


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
                columns.origin(cells),
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

    Rows of genes outside the knowledge base (found from the first column without
    splitting the line when the gene comes first, as in every MAF) get the same columns
    whatever the change (``GENE_IN_ONCOKB`` ``False``, ``Unknown``), without parsing.
    """
    counts: Counter[str] = Counter()
    gi = columns.symbol if columns.symbol is not None else 0
    si = columns.sample
    hi, fi, ci = columns.hgvsp_short, columns.hgvsp, columns.classification
    oi = columns.oncotree
    origins = columns.status is not None or columns.germline is not None
    empty_tail = annotator.unknown_tail
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
                write("\t".join(cells[:width]) + "\t" + "\t".join(annotator.failed(note)) + "\n")
                continue
            write(text + empty_tail)
            if progress is not None and not rows & 0x3FFF:
                progress.update(rows)
            continue
        rows += 1
        with_rules += 1
        if progress is not None and not rows & 0x3FFF:
            progress.update(rows)
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
            write("\t".join(cells[:width]) + "\t" + "\t".join(annotator.failed(note)) + "\n")
            continue
        if ci is not None and cells[ci] in NON_CODING_CLASSES:
            skipped += 1
            write(text + annotator.noncoding_tail)
            continue
        sample = cells[si] if si is not None else None
        maf_tumor = columns.tumor_text(cells) if oi is not None else ""
        if maf_tumor:
            counts[f"{_SAMPLE_TUMOR}{sample}\t{maf_tumor}"] = 1
        try:
            variant = parse_maf_change(
                symbol,
                cells[hi] if hi is not None else "",
                cells[fi] if fi is not None else "",
                columns.origin(cells) if origins else None,
            )
        except VariantParseError as error:
            errors += 1
            cols = annotator.failed(_clean(f"line {number}: {error}"))
        else:
            cols, source = annotator.row_columns(variant, sample, maf_tumor)
            counts[f"{_TUMOR_FROM}{source}\t{sample}"] = 1
            if not source and clinical and sample not in clinical:
                counts[_MISSING_SAMPLE + str(sample)] = 1
            if maf_tumor and source != "maf":
                counts[_UNKNOWN_TUMOR + maf_tumor] = 1
            if cols[_HIGHEST]:
                annotated += 1
        write(text + "\t" + "\t".join(cols) + "\n")
    counts.update(
        rows=rows, with_rules=with_rules, annotated=annotated, skipped=skipped, errors=errors
    )
    return counts
