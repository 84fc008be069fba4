"""Per-sample clinical summary, like the OncoKB annotator's clinical-data step.

Reads annotated files (MAF, CNA, fusion, structural-variant tables written by
``actionable annotate`` or by the OncoKB annotators: anything with the annotator's
columns) and a clinical table with a ``SAMPLE_ID`` column, and writes the clinical table
back with these columns appended, per sample (:data:`CLINICAL_COLUMNS`):

* ``LEVEL_1`` ... ``LEVEL_R2``, ``LEVEL_Dx1-3``, ``LEVEL_Px1-3``: every alteration's
  cell of that level followed by the alteration in brackets, ``;``-joined
  (``Dabrafenib+Trametinib,Vemurafenib(BRAF p.V600E)``);
* ``HIGHEST_LEVEL`` (R1 first, R2 last), ``HIGHEST_SENSITIVE_LEVEL``,
  ``HIGHEST_RESISTANCE_LEVEL``, ``HIGHEST_DX_LEVEL``, ``HIGHEST_PX_LEVEL``;
* ``ONCOGENIC_MUTATIONS`` / ``#ONCOGENIC_MUTATIONS``: alterations called Oncogenic,
  Likely Oncogenic or Predicted Oncogenic; ``RESISTANCE_MUTATIONS`` /
  ``#RESISTANCE_MUTATIONS``: alterations called Resistance;
* ``#MUTATIONS_WITH_SENSITIVE_THERAPEUTIC_IMPLICATIONS`` and ``..._RESISTANCE_...``:
  distinct alterations with a sensitivity (resistance) level;
  ``#MUTATIONS_WITH_DIAGNOSTIC_IMPLICATIONS`` / ``..._PROGNOSTIC_...``: rows with a
  highest Dx (Px) level; ``#MUTATIONS``: every row of the sample, annotated or not.

An alteration is named ``<gene> <alteration>`` (from ``Hugo_Symbol`` and the first of
``ALTERATION``, ``HGVSp_Short``, ``HGVSp``, ``HGVSg``, ``Amino_Acid_Change``, ``Fusion``,
``Copy_Number_Alteration``, ``CNA``, ``GISTIC``), else by the ``Fusion`` cell, else
``<A>-<B> fusion`` or ``<A> intragenic deletion`` from the structural-variant genes.

>>> import io
>>> maf = io.StringIO("Hugo_Symbol\\tTumor_Sample_Barcode\\tHGVSp_Short\\tONCOGENIC\\tLEVEL_1\\n"
...                   "BRAF\\tS1\\tp.V600E\\tOncogenic\\tDabrafenib+Trametinib\\n")
>>> s = summarize([maf])["S1"]
>>> s.highest_level, s.oncogenic, s.levels["LEVEL_1"]
('LEVEL_1', ('BRAF p.V600E',), ('Dabrafenib+Trametinib(BRAF p.V600E)',))
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import shutil
import sys
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from .._files import atomic_output, refuse_overwrite
from ..io import open_text
from .core import DX_LEVELS, PX_LEVELS, RESISTANCE_LEVELS, SENSITIVE_LEVELS, TX_LEVELS, TX_PRIORITY

__all__ = [
    "CLINICAL_COLUMNS",
    "SampleSummary",
    "annotate_clinical",
    "register",
    "summarize",
]

CLINICAL_COLUMNS: tuple[str, ...] = (
    *TX_LEVELS,
    "HIGHEST_LEVEL",
    "HIGHEST_SENSITIVE_LEVEL",
    "HIGHEST_RESISTANCE_LEVEL",
    *DX_LEVELS,
    "HIGHEST_DX_LEVEL",
    *PX_LEVELS,
    "HIGHEST_PX_LEVEL",
    "ONCOGENIC_MUTATIONS",
    "#ONCOGENIC_MUTATIONS",
    "RESISTANCE_MUTATIONS",
    "#RESISTANCE_MUTATIONS",
    "#MUTATIONS_WITH_SENSITIVE_THERAPEUTIC_IMPLICATIONS",
    "#MUTATIONS_WITH_RESISTANCE_THERAPEUTIC_IMPLICATIONS",
    "#MUTATIONS_WITH_DIAGNOSTIC_IMPLICATIONS",
    "#MUTATIONS_WITH_PROGNOSTIC_IMPLICATIONS",
    "#MUTATIONS",
)
"""The columns the clinical-data step appends, in the annotator's order."""

_GENE = ("HUGO_SYMBOL", "HUGO_GENE_SYMBOL", "GENE")
_ALTERATION = (
    "ALTERATION", "HGVSP_SHORT", "HGVSP", "HGVSG", "AMINO_ACID_CHANGE", "FUSION",
    "COPY_NUMBER_ALTERATION", "CNA", "GISTIC",
)  # fmt: skip
_SAMPLE = ("SAMPLE_ID", "TUMOR_SAMPLE_BARCODE")
_GENE_A = ("SITE1_GENE", "GENEA", "GENE1", "SITE1_HUGO_SYMBOL")
_GENE_B = ("SITE2_GENE", "GENEB", "GENE2", "SITE2_HUGO_SYMBOL")
_ONCOGENIC = frozenset({"oncogenic", "likely oncogenic", "predicted oncogenic"})


@dataclass
class SampleSummary:
    """What the annotated files say about one sample (filled by :func:`summarize`)."""

    levels: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Level -> ``cell(alteration)`` entries."""
    treatments: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Therapeutic level -> the therapies found at it."""
    dx_levels: tuple[str, ...] = ()
    px_levels: tuple[str, ...] = ()
    oncogenic: tuple[str, ...] = ()
    resistance: tuple[str, ...] = ()
    sensitive_alterations: tuple[str, ...] = ()
    resistance_alterations: tuple[str, ...] = ()
    diagnostic_rows: int = 0
    prognostic_rows: int = 0
    rows: int = 0

    def _highest(self, order: Iterable[str]) -> str:
        return next((level for level in order if self.treatments.get(level)), "")

    @property
    def highest_level(self) -> str:
        """The first therapeutic level present of R1, 1, 2, 3A, 3B, 4, R2."""
        return self._highest(TX_PRIORITY)

    @property
    def highest_sensitive_level(self) -> str:
        """The best sensitivity level present (``LEVEL_1`` ... ``LEVEL_4``)."""
        return self._highest(SENSITIVE_LEVELS)

    @property
    def highest_resistance_level(self) -> str:
        """The best resistance level present (``LEVEL_R1``, ``LEVEL_R2``)."""
        return self._highest(RESISTANCE_LEVELS)

    @property
    def highest_dx_level(self) -> str:
        """The best of the rows' highest diagnostic levels."""
        return next((level for level in DX_LEVELS if level in self.dx_levels), "")

    @property
    def highest_px_level(self) -> str:
        """The best of the rows' highest prognostic levels."""
        return next((level for level in PX_LEVELS if level in self.px_levels), "")

    def cells(self) -> tuple[str, ...]:
        """The :data:`CLINICAL_COLUMNS` values.

        >>> SampleSummary().cells()[-1]
        '0'
        """
        joined = {level: ";".join(found) for level, found in self.levels.items()}
        return (
            *(joined.get(level, "") for level in TX_LEVELS),
            self.highest_level,
            self.highest_sensitive_level,
            self.highest_resistance_level,
            *(joined.get(level, "") for level in DX_LEVELS),
            self.highest_dx_level,
            *(joined.get(level, "") for level in PX_LEVELS),
            self.highest_px_level,
            ";".join(self.oncogenic),
            str(len(self.oncogenic)),
            ";".join(self.resistance),
            str(len(self.resistance)),
            str(len(self.sensitive_alterations)),
            str(len(self.resistance_alterations)),
            str(self.diagnostic_rows),
            str(self.prognostic_rows),
            str(self.rows),
        )


def _rows(handle: IO[str]) -> Iterator[list[str]]:
    for row in csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
        if row and not row[0].startswith("#"):
            yield row


def _index(header: list[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for i, name in enumerate(header):
        for key in (name.strip(), name.strip().upper()):
            out.setdefault(key, i)
    return out


def _first(index: Mapping[str, int], names: Iterable[str]) -> int:
    return next((index[n] for n in names if n in index), -1)


def _name(row: list[str], index: Mapping[str, int]) -> str:
    def cell(names: Iterable[str]) -> str:
        i = _first(index, names)
        return row[i].strip() if 0 <= i < len(row) else ""

    gene, alteration = cell(_GENE), cell(_ALTERATION)
    if _first(index, _GENE) >= 0 and _first(index, _ALTERATION) >= 0:
        return f"{gene} {alteration}"
    if "FUSION" in index:
        return cell(("FUSION",))
    a, b = cell(_GENE_A), cell(_GENE_B)
    return f"{a} intragenic deletion" if a == b else f"{a}-{b} Fusion"


class _Collector:
    def __init__(self) -> None:
        self.levels: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        self.treatments: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        self.dx: dict[str, list[str]] = defaultdict(list)
        self.px: dict[str, list[str]] = defaultdict(list)
        self.oncogenic: dict[str, list[str]] = defaultdict(list)
        self.resistance: dict[str, list[str]] = defaultdict(list)
        self.sensitive_alts: dict[str, dict[str, None]] = defaultdict(dict)
        self.resistance_alts: dict[str, dict[str, None]] = defaultdict(dict)
        self.dx_rows: dict[str, int] = defaultdict(int)
        self.px_rows: dict[str, int] = defaultdict(int)
        self.rows: dict[str, int] = defaultdict(int)

    def read(self, handle: IO[str], source: str) -> None:
        rows = _rows(handle)
        header = next(rows, None)
        if header is None:
            return
        index = _index(header)
        sample_at = _first(index, _SAMPLE)
        named = (_first(index, _GENE) >= 0 and _first(index, _ALTERATION) >= 0) or (
            "FUSION" in index or (_first(index, _GENE_A) >= 0 and _first(index, _GENE_B) >= 0)
        )
        if sample_at < 0 or "ONCOGENIC" not in index or not named:
            raise ValueError(
                f"{source}: not an annotated table. It needs a SAMPLE_ID or "
                "Tumor_Sample_Barcode column, the ONCOGENIC column and the alteration "
                "(Hugo_Symbol with HGVSp_Short/ALTERATION, Fusion, or GeneA/GeneB); "
                "annotate it first with actionable annotate"
            )
        width = len(header)
        columns = {
            level: index[level]
            for level in (*TX_LEVELS, *DX_LEVELS, *PX_LEVELS, "HIGHEST_DX_LEVEL")
            if level in index
        }
        columns["HIGHEST_PX_LEVEL"] = index.get("HIGHEST_PX_LEVEL", -1)
        for row in rows:
            row = row + [""] * (width - len(row))
            sample = row[sample_at].strip()
            self.rows[sample] += 1
            alteration = _name(row, index)
            call = row[index["ONCOGENIC"]].strip().lower()
            if call in _ONCOGENIC:
                self.oncogenic[sample].append(alteration)
            elif call == "resistance":
                self.resistance[sample].append(alteration)
            for level in (*TX_LEVELS, *DX_LEVELS, *PX_LEVELS):
                at = columns.get(level, -1)
                cell = row[at].strip() if at >= 0 else ""
                if not cell:
                    continue
                self.levels[sample][level].append(f"{cell}({alteration})")
                if level in TX_LEVELS:
                    self.treatments[sample][level].extend(cell.split(","))
                    target = (
                        self.resistance_alts if level in RESISTANCE_LEVELS else self.sensitive_alts
                    )
                    target[sample][alteration] = None
            dx = row[columns["HIGHEST_DX_LEVEL"]].strip() if "HIGHEST_DX_LEVEL" in columns else ""
            if dx:
                self.dx_rows[sample] += 1
                self.dx[sample].append(dx)
            at = columns["HIGHEST_PX_LEVEL"]
            px = row[at].strip() if at >= 0 else ""
            if px:
                self.px_rows[sample] += 1
                self.px[sample].append(px)

    def summary(self, sample: str) -> SampleSummary:
        return SampleSummary(
            levels={k: tuple(v) for k, v in self.levels.get(sample, {}).items()},
            treatments={k: tuple(v) for k, v in self.treatments.get(sample, {}).items()},
            dx_levels=tuple(self.dx.get(sample, ())),
            px_levels=tuple(self.px.get(sample, ())),
            oncogenic=tuple(self.oncogenic.get(sample, ())),
            resistance=tuple(self.resistance.get(sample, ())),
            sensitive_alterations=tuple(self.sensitive_alts.get(sample, {})),
            resistance_alterations=tuple(self.resistance_alts.get(sample, {})),
            diagnostic_rows=self.dx_rows.get(sample, 0),
            prognostic_rows=self.px_rows.get(sample, 0),
            rows=self.rows.get(sample, 0),
        )


def summarize(annotated: Iterable[str | Path | IO[str]]) -> dict[str, SampleSummary]:
    """Per-sample summaries of annotated tables (paths or open text handles).

    >>> summarize([])
    {}
    """
    collector = _Collector()
    for item in annotated:
        if isinstance(item, str | Path):
            with open_text(Path(item)) as handle:
                collector.read(handle, str(item))
        else:
            collector.read(item, getattr(item, "name", "<annotated table>"))
    return {sample: collector.summary(sample) for sample in collector.rows}


def annotate_clinical(
    clinical: str | Path, annotated: Iterable[str | Path], out: str | Path
) -> dict[str, int]:
    """Write ``clinical`` to ``out`` with :data:`CLINICAL_COLUMNS` appended per sample;
    returns counts: ``samples`` written, ``with_alterations`` among them, and
    ``not_in_clinical`` (samples of the annotated files the clinical table lacks, which
    the output cannot show). ``out`` ``-`` writes standard output.

    >>> import pathlib, tempfile
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "c.tsv").write_text("SAMPLE_ID\\tONCOTREE_CODE\\nS1\\tMEL\\nS2\\tLUAD\\n")
    >>> _ = (d / "m.tsv").write_text("Hugo_Symbol\\tTumor_Sample_Barcode\\tHGVSp_Short\\t"
    ...     "ONCOGENIC\\tLEVEL_1\\nBRAF\\tS1\\tp.V600E\\tOncogenic\\tDabrafenib\\n")
    >>> annotate_clinical(d / "c.tsv", [d / "m.tsv"], d / "out.tsv")
    {'samples': 2, 'with_alterations': 1, 'not_in_clinical': 0}
    """
    files = list(annotated)
    to_stdout = str(out) == "-"
    if not to_stdout:
        refuse_overwrite([Path(out)], [clinical, *files])
    summaries = summarize(files)
    written = with_alterations = 0
    seen: set[str] = set()
    with open_text(Path(clinical)) as handle, _output(out, to_stdout) as sink:
        rows = _rows(handle)
        header = next(rows, None)
        if header is None:
            raise ValueError(f"{clinical}: empty clinical table. Give a table with a SAMPLE_ID")
        index = _index(header)
        if "SAMPLE_ID" not in index:
            raise ValueError(
                f"{clinical}: no SAMPLE_ID column (found: {', '.join(header[:8])}). Name the "
                "sample column SAMPLE_ID, as the annotated files' sample ids"
            )
        at = index["SAMPLE_ID"]
        sink.write("\t".join([*header, *CLINICAL_COLUMNS]) + "\n")
        for row in rows:
            sample = row[at].strip() if at < len(row) else ""
            summary = summaries.get(sample, SampleSummary())
            seen.add(sample)
            with_alterations += summary.rows > 0
            sink.write("\t".join([*row, *summary.cells()]) + "\n")
            written += 1
    return {
        "samples": written,
        "with_alterations": with_alterations,
        "not_in_clinical": len(set(summaries) - seen),
    }


@contextlib.contextmanager
def _output(out: str | Path, to_stdout: bool) -> Iterator[IO[str]]:
    if to_stdout:
        yield sys.stdout
        sys.stdout.flush()
        return
    with atomic_output(Path(out)) as sink:
        yield sink


# --------------------------------------------------------------------------- command line
CLINICAL_EXAMPLES = """\
Appends per-sample highest levels and oncogenic-alteration counts to a clinical table,
like the OncoKB annotator's ClinicalDataAnnotator.py, from annotated MAF, CNA, fusion
and structural-variant tables (actionable's or the OncoKB annotators').

``-`` as one input reads standard input; -o - writes standard output.

examples:
  actionable annotate-clinical -i clinical.tsv -a annotated.maf,annotated.maf.cna.tsv -o out.tsv
  actionable annotate cohort.maf -t LUAD -o - | actionable annotate-clinical -i c.tsv -a - -o -
"""


def _run(args: argparse.Namespace) -> int:
    files = [Path(p) for item in args.annotated for p in item.split(",") if p.strip()]
    piped = [p for p in (args.input, *files) if str(p) == "-"]
    if len(piped) > 1:
        raise ValueError(
            "standard input (-) is given for more than one input: it can feed one input "
            "only. Write the others to files."
        )
    with tempfile.TemporaryDirectory(prefix="actionable-stdin-") as folder:
        clinical = args.input
        if piped:
            # Tables are read by name (and the clinical table after the others): the pipe
            # is spooled to a file first.
            spooled = Path(folder) / "stdin"
            with open(spooled, "wb") as sink:
                shutil.copyfileobj(sys.stdin.buffer, sink, 1 << 20)
            clinical = spooled if str(clinical) == "-" else clinical
            files = [spooled if str(p) == "-" else p for p in files]
        counts = annotate_clinical(clinical, files, args.output)
    print(
        f"{counts['samples']} samples written to {args.output} "
        f"({counts['with_alterations']} with annotated alterations)",
        file=sys.stderr,
    )
    if counts["not_in_clinical"]:
        print(
            f"actionable: warning: {counts['not_in_clinical']} samples of the annotated files "
            "are not in the clinical table and are not in the output",
            file=sys.stderr,
        )
    return 0


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``annotate-clinical`` to the ``actionable`` command line.

    >>> import argparse
    >>> parser = argparse.ArgumentParser()
    >>> register(parser.add_subparsers())
    >>> parser.parse_args(["annotate-clinical", "-i", "c.tsv", "-a", "m.tsv", "-o", "o.tsv"]).input
    PosixPath('c.tsv')
    """
    cmd = commands.add_parser(
        "annotate-clinical",
        help="per-sample summary of annotated files (OncoKB ClinicalDataAnnotator columns)",
        description="Append per-sample levels and counts to a clinical table.",
        epilog=CLINICAL_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    cmd.add_argument(
        "--input", "-i", required=True, type=Path, help="clinical table with a SAMPLE_ID column"
    )
    cmd.add_argument(
        "--annotated",
        "-a",
        required=True,
        action="append",
        help="annotated tables, comma-separated or repeated (MAF, CNA, fusion, SV)",
    )
    cmd.add_argument("--output", "-o", required=True, type=Path, help="clinical table to write")
    cmd.set_defaults(func=_run)
