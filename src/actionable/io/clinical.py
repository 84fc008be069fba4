"""Clinical table reader (TSV or CSV, detected from the header line).

Columns are matched case-insensitively; only the sample id is required:

=================  ==========================================================
column             accepted names
=================  ==========================================================
sample id          ``sample_id``, ``sample``, ``patient_id``, ``patient``,
                   ``Tumor_Sample_Barcode``
tumor type         ``ONCOTREE_CODE``, ``oncotree``, ``tumor``, ``tumor_type``,
                   ``tumour``, ``tumour_type``, ``CANCER_TYPE_DETAILED``,
                   ``CANCER_TYPE``, ``disease``, ``primary_diagnosis``,
                   ``diagnosis``, ``histology`` (the first present, in this
                   order; OncoTree code or free text: ``colon NEC``)
NGS panel          ``panel``, ``ngs_panel`` (e.g. ``TSO500``; empty = not sequenced)
prior therapies    ``prior_therapies``, ``prior`` (``;``-separated)
treated with       ``treated_with``, ``treatment`` (``;``-separated regimens)
TMB                ``tmb`` (``1.6`` or ``1.6 mut/Mb`` -> ``TMB 1.6 mut/Mb``; ``TMB-H``)
MSI                ``msi`` (``MSS``, ``MSI-H``, ``dMMR`` ...)
patient facts      ``er``, ``pr``, ``hr``, ``her2`` (``positive``, ``0``, ``2+/ISH-``,
                   ``low``), ``pd_l1_tps``, ``pd_l1_cps``, ``grade``
=================  ==========================================================

TMB and MSI become biomarker report lines evaluated with the patient's variants;
the fact columns become ``facts`` that rules check (``HER2: negative``).
A row whose tumor text does not resolve, whose biomarker does not parse, or whose
sample id repeats an earlier row is returned with ``error`` set (the other rows are
unaffected). Lines starting with ``#`` (cBioPortal clinical headers) are skipped.

>>> import pathlib, tempfile
>>> p = pathlib.Path(tempfile.mkdtemp()) / "clinical.tsv"
>>> _ = p.write_text("sample_id\\ttumor\\ttmb\\nP1\\tcolon NEC\\t1.6\\nP2\\tnot a tumor\\t\\n")
>>> [(r.sample, r.tumor, r.biomarkers, r.error is None) for r in read_clinical(p)]
[('P1', 'HGNEC', ('TMB 1.6 mut/Mb',), True), ('P2', None, (), False)]
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from pathlib import Path

from ..errors import FactError, InputFileError, UnknownTumorError, VariantParseError
from ..facts import from_mapping
from ..tumors import resolve_tumor
from ..variants import parse_variant
from . import ClinicalRecord, _table_rows, damage_of, open_text

__all__ = ["read_clinical"]

_NAMES: dict[str, tuple[str, ...]] = {
    "sample": ("sample_id", "sample", "patient_id", "patient", "tumor_sample_barcode"),
    "tumor": (
        "oncotree_code",
        "oncotree",
        "tumor",
        "tumor_type",
        "tumour",
        "tumour_type",
        "cancer_type_detailed",
        "cancer_type",
        "disease",
        "primary_diagnosis",
        "diagnosis",
        "histology",
    ),
    "panel": ("panel", "ngs_panel", "ngs"),
    "prior": ("prior_therapies", "prior_therapy", "prior"),
    "treated": ("treated_with", "treatment", "treated"),
    "tmb": ("tmb",),
    "msi": ("msi", "msi_status"),
    "ER": ("er", "er_status"),
    "PR": ("pr", "pr_status", "pgr"),
    "HR": ("hr", "hr_status"),
    "HER2": ("her2", "her2_status", "erbb2_status"),
    "PD-L1 TPS": ("pd_l1_tps", "pdl1_tps", "tps"),
    "PD-L1 CPS": ("pd_l1_cps", "pdl1_cps", "cps"),
    "grade": ("grade",),
}
_FACT_COLUMNS = ("ER", "PR", "HR", "HER2", "PD-L1 TPS", "PD-L1 CPS", "grade")
_NUMBER = re.compile(r"\d+(?:\.\d+)?(?:\s*(?:mut/mb|muts/mb|/mb))?$", re.IGNORECASE)


def _split(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(";") if part.strip())


def read_clinical(path: str | Path) -> Iterator[ClinicalRecord]:
    """Yield one :class:`~actionable.io.ClinicalRecord` per patient row.

    >>> import pathlib, tempfile
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "c.csv"
    >>> _ = p.write_text("SAMPLE_ID,ONCOTREE_CODE,treated_with\\nA,MEL,dabrafenib; trametinib\\n")
    >>> [(r.line, r.tumor, r.treated_with) for r in read_clinical(p)]
    [(2, 'MEL', ('dabrafenib', 'trametinib'))]
    """
    source = str(path)
    seen: set[str] = set()
    with open_text(path) as handle:
        first = ""
        skipped = 0
        while True:
            position = handle.tell()
            first = handle.readline()
            if not first or not first.startswith("#"):
                break
            skipped += 1
        delimiter = "\t" if "\t" in first else ","
        handle.seek(position)
        columns: dict[str, int] | None = None
        for number, cells in _table_rows(handle, delimiter):
            line = number + skipped
            if cells[0].startswith("#"):
                continue
            if columns is None:
                columns = _columns(cells)
                if "sample" not in columns:
                    raise InputFileError(
                        f"{source}: the clinical table needs a sample id column "
                        f"(one of {', '.join(_NAMES['sample'])})"
                    )
                continue
            yield _record(source, line, cells, columns, seen)
        if (damage := damage_of(handle)) is not None:
            raise InputFileError(
                f"{damage}; the rows before the damage were read. Re-create the file "
                "(gzip -t tests it) and run again."
            )


def _columns(header: Sequence[str]) -> dict[str, int]:
    lower = {c.strip().lower(): i for i, c in enumerate(header)}
    found: dict[str, int] = {}
    for key, names in _NAMES.items():
        for name in names:
            if name in lower:
                found[key] = lower[name]
                break
    return found


def _record(
    source: str, line: int, cells: Sequence[str], columns: dict[str, int], seen: set[str]
) -> ClinicalRecord:
    def get(key: str) -> str:
        i = columns.get(key)
        return cells[i].strip() if i is not None and i < len(cells) else ""

    sample = get("sample")
    tumor_text = get("tumor")
    base = {
        "source": source,
        "line": line,
        "sample": sample,
        "tumor_text": tumor_text,
        "panel": get("panel"),
        "prior_therapies": _split(get("prior")),
        "treated_with": _split(get("treated")),
    }
    if not sample:
        return ClinicalRecord(**base, error="no sample id")  # type: ignore[arg-type]
    if sample in seen:
        return ClinicalRecord(**base, error=f"sample {sample!r} repeats an earlier row")  # type: ignore[arg-type]
    seen.add(sample)
    code: str | None = None
    if tumor_text:
        try:
            code = resolve_tumor(tumor_text).code
        except UnknownTumorError as error:
            return ClinicalRecord(**base, error=str(error))  # type: ignore[arg-type]
    biomarkers: list[str] = []
    tmb, msi = get("tmb"), get("msi")
    if tmb:
        biomarkers.append(
            f"TMB {tmb}" + ("" if "mb" in tmb.lower() else " mut/Mb") if _NUMBER.match(tmb) else tmb
        )
    if msi:
        biomarkers.append(msi)
    for text in biomarkers:
        try:
            parse_variant(text)
        except VariantParseError as error:
            return ClinicalRecord(**base, tumor=code, error=str(error))  # type: ignore[arg-type]
    facts = tuple((key, get(key)) for key in _FACT_COLUMNS if get(key))
    if facts:
        try:
            from_mapping(dict(facts))
        except FactError as error:
            return ClinicalRecord(**base, tumor=code, error=str(error))  # type: ignore[arg-type]
    return ClinicalRecord(**base, tumor=code, biomarkers=tuple(biomarkers), facts=facts)  # type: ignore[arg-type]
