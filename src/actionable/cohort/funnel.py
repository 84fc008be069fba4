"""The screening funnel: :func:`screen` reads a clinical table and variant files
and returns a :class:`Funnel` (screened -> sequenced -> actionable -> treated) with
one :class:`Patient` (and its report) per screened patient.
"""

from __future__ import annotations

import functools
import multiprocessing
from collections import Counter, defaultdict
from collections.abc import Callable, Container, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from pydantic import Field

from .. import drugs
from ..engine import Engine
from ..errors import UnknownTumorError
from ..evaluate import evaluate, kb_version
from ..io import ClinicalRecord, Record
from ..io.clinical import read_clinical
from ..io.cna import read_cna
from ..io.fusions import MIN_FUSION_READS, read_fusions
from ..io.maf import read_maf
from ..io.vcf import read_vcf
from ..models import Frozen, Report, Variant
from ..tumors import resolve_tumor
from ..variants import parse_variant
from .annotator import _engine
from .columns import _SENSITIVE
from .pool import _evaluate_patient, _Task
from .progress import _Progress

__all__ = ["Funnel", "Patient", "read_variant_files", "screen"]


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
    tumor_source: str = ""
    """Where the tumor type the patient was evaluated with came from: ``maf`` (the
    MAF's ``ONCOTREE_CODE``), ``clinical``, ``default`` (``tumor=``), or empty (none:
    tumor-agnostic rules only)."""

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
    tumor_sources: dict[str, int] = Field(default_factory=dict)
    """Sequenced patients per tumor-type source (``maf``, ``clinical``, ``default``,
    ``none``); see :func:`screen`."""

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
        from ..report.plot import plot_funnel

        return plot_funnel(self, path)


def read_variant_files(
    maf: Sequence[str | Path] = (),
    vcf: Sequence[str | Path] = (),
    cna: Sequence[str | Path] = (),
    fusions: Sequence[str | Path] = (),
    *,
    min_fusion_reads: int = MIN_FUSION_READS,
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
        yield from read_fusions(path, min_reads=min_fusion_reads)


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
    tumor: str | None = None,
    min_fusion_reads: int = MIN_FUSION_READS,
) -> Funnel:
    """Screen a cohort: clinical table + variant files -> :class:`Funnel`.

    Each sequenced patient is evaluated once with all their variants (MAF, VCF, CNA,
    fusions) plus the TMB/MSI of the clinical table; ``jobs > 1`` evaluates patients
    in that many worker processes. The tumor type comes from the MAF's
    ``ONCOTREE_CODE`` column (the patient's first known value), else the clinical
    table, else ``tumor`` (a default, as the command line's ``--tumor``); unknown tumor
    texts are reported in ``errors``, and the patients with no tumor type from any
    source are evaluated with tumor-agnostic rules only and counted in ``errors``.

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
    records, errors = _clinical_table(read_clinical(clinical))
    collected = _Collected()
    bar = _Progress("read records", progress, unit=" records")
    number = 0
    for record in read_variant_files(maf, vcf, cna, fusions, min_fusion_reads=min_fusion_reads):
        number += 1
        if not number & 0x3FFF:
            bar.update(number)
        collected.add(record, records)
    bar.done(number)
    return _funnel(
        records, errors, collected, threshold=threshold, rules=rules, sources=sources,
        jobs=jobs, progress=progress, tumor=tumor,
    )  # fmt: skip


def _clinical_table(
    table: Iterable[ClinicalRecord],
) -> tuple[dict[str, ClinicalRecord], list[str]]:
    """The screened patients (first row per sample) and the clinical rows' problems."""
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
    return records, errors


class _Collected:
    """What the variant records tell the funnel, per sample and in record order.

    Two collections of consecutive records merge (:meth:`merge`) into the collection of
    all of them, so the records can be read in parts (``actionable.dask`` reduces them).
    """

    def __init__(self) -> None:
        self.variants: dict[str, dict[Variant, None]] = defaultdict(dict)
        self.issues: dict[str, list[str]] = defaultdict(list)
        self.issue_counts: dict[str, Counter[str]] = defaultdict(Counter)
        self.seen: dict[str, None] = {}
        self.unknown: Counter[str] = Counter()
        self.errors: list[str] = []
        self.maf_tumors: dict[str, str] = {}
        self.bad_codes: Counter[str] = Counter()

    def add(self, record: Record, known: Container[str]) -> None:
        sample = record.sample
        if sample is None:
            self.errors.append(f"{record.source}:{record.line}: {record.reason}")
            return
        if sample not in known:
            self.unknown[sample] += 1
            return
        self.seen[sample] = None
        if record.tumor and sample not in self.maf_tumors:
            if _tumor_code(record.tumor):
                self.maf_tumors[sample] = record.tumor
            else:
                self.bad_codes[record.tumor] += 1
        if record.variant is not None:
            self.variants[sample][record.variant] = None
        else:
            self.issue_counts[sample][f"{record.status}: {record.reason}"] += 1
            if len(self.issues[sample]) < 50:
                self.issues[sample].append(
                    f"{record.source}:{record.line}: {record.status}: {record.reason}"
                )

    def merge(self, later: _Collected) -> _Collected:
        for sample, variants in later.variants.items():
            self.variants[sample].update(variants)
        for sample, issues in later.issues.items():
            kept = self.issues[sample]
            kept.extend(issues[: max(0, 50 - len(kept))])
        for sample, counts in later.issue_counts.items():
            self.issue_counts[sample].update(counts)
        self.seen.update(later.seen)
        self.unknown.update(later.unknown)
        self.errors.extend(later.errors)
        for sample, text in later.maf_tumors.items():
            self.maf_tumors.setdefault(sample, text)
        self.bad_codes.update(later.bad_codes)
        return self


def _funnel(
    records: dict[str, ClinicalRecord],
    errors: list[str],
    collected: _Collected,
    *,
    threshold: str,
    rules: str | Path | Engine | None,
    sources: Iterable[str] | None,
    jobs: int = 1,
    progress: bool | None = None,
    tumor: str | None = None,
    run: Callable[[list[_Task]], dict[str, Report]] | None = None,
) -> Funnel:
    """The funnel from the clinical table and the collected records; ``run`` evaluates
    the patients' tasks elsewhere (default: here, or in ``jobs`` processes)."""
    errors = [*errors, *collected.errors]
    variants, issues, issue_counts = collected.variants, collected.issues, collected.issue_counts
    seen, unknown = collected.seen, collected.unknown
    maf_tumors, bad_codes = collected.maf_tumors, collected.bad_codes
    for sample, n in sorted(unknown.items()):
        errors.append(f"sample {sample} has {n} variant rows but is not in the clinical table")

    sequenced = [s for s, r in records.items() if r.panel or s in seen]
    rules_arg: str | None
    if isinstance(rules, Engine):
        rules_arg = None if rules.name == "bundled" else rules.name
    else:
        rules_arg = None if rules is None else str(rules)
    source_arg = tuple(sources) if sources is not None else None
    default = resolve_tumor(tumor).code if tumor else None
    tumors: dict[str, tuple[str | None, str]] = {}
    for sample in sequenced:
        row = records[sample]
        if sample in maf_tumors:
            tumors[sample] = (_tumor_code(maf_tumors[sample]), "maf")
        elif row.tumor and not row.error:
            tumors[sample] = (row.tumor, "clinical")
        elif default is not None:
            tumors[sample] = (default, "default")
        else:
            tumors[sample] = (None, "")
    for text, n in sorted(bad_codes.items()):
        errors.append(f"ONCOTREE_CODE {text!r} ({n} MAF rows) is not a known tumor type")
    none = [s for s in sequenced if tumors[s][0] is None]
    if none:
        shown = ", ".join(none[:10]) + (" ..." if len(none) > 10 else "")
        errors.append(
            f"{len(none)} patients have no tumor type in the MAF's ONCOTREE_CODE, the "
            f"clinical table or --tumor ({shown}): evaluated with tumor-agnostic rules only"
        )
    tasks: list[_Task] = []
    for sample in sequenced:
        row = records[sample]
        listed = tuple(variants.get(sample, {}))
        biomarkers = tuple(parse_variant(t) for t in row.biomarkers)
        tasks.append(
            (
                sample,
                listed + biomarkers,
                tumors[sample][0],
                row.prior_therapies,
                rules_arg,
                source_arg,
                row.facts if not row.error else (),
            )
        )
    reports: dict[str, Report] = {}
    evaluated = _Progress("evaluate patients", progress, total=len(tasks), unit=" patients")
    if run is not None:
        reports.update(run(tasks))
    elif jobs > 1 and len(tasks) > 1:
        with multiprocessing.get_context("spawn").Pool(min(jobs, len(tasks))) as pool:
            chunk = max(1, len(tasks) // (jobs * 16))
            for sample, report in pool.imap(_evaluate_patient, tasks, chunksize=chunk):
                reports[sample] = report
                evaluated.advance()
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
            evaluated.advance()
    evaluated.done()

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
            tumor_source=tumors.get(sample, (None, ""))[1],
        )
    actionable = [s for s in sequenced if reports[s].actionable(threshold)]
    treated = [s for s in actionable if patients[s].treated_with_recommended(threshold)]
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
        tumor_sources={
            name: sum(1 for code, source in tumors.values() if (source or "none") == name)
            for name in ("maf", "clinical", "default", "none")
        },
    )


@functools.lru_cache(maxsize=4096)
def _tumor_code(text: str) -> str | None:
    try:
        return resolve_tumor(text).code
    except UnknownTumorError:
        return None
