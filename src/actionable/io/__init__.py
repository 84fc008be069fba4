"""Readers for cohort inputs: MAF, VCF, copy-number matrices, fusion lists, clinical tables.

Every reader is a generator of :class:`Record` s (one per alteration, with the source
line number) so files of any size are read in bounded memory. A row that cannot be
read becomes a record with ``status == "error"`` and a ``reason``; rows that carry no
interpretable protein change (silent, intronic, UTR ...) become ``status == "skipped"``
records with the reason counted by :func:`summarize_records`. Neither stops the good
rows.

>>> from actionable.io import Record
>>> Record(source="x.maf", line=3, sample="P1", status="error", reason="bad").ok
False
"""

from __future__ import annotations

import csv
import gzip
import io
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Literal

from ..models import Variant

__all__ = [
    "ClinicalRecord",
    "Record",
    "Status",
    "open_text",
    "read_clinical",
    "read_cna",
    "read_fusions",
    "read_maf",
    "read_vcf",
    "summarize_records",
]

Status = Literal["ok", "skipped", "error"]


@dataclass(frozen=True, slots=True)
class Record:
    """One alteration read from an input file (or the reason it could not be read).

    ``line`` is the 1-based physical line of the file the record came from; ``text`` is
    the alteration as the file wrote it (``BRAF p.V600E``); ``variant`` is the parsed
    alteration when ``status == "ok"``.

    >>> import actionable
    >>> r = Record("a.maf", 2, "P1", actionable.parse_variant("BRAF V600E"), "BRAF p.V600E")
    >>> r.ok, str(r.variant)
    (True, 'BRAF V600E')
    """

    source: str
    line: int
    sample: str | None
    variant: Variant | None = None
    text: str = ""
    status: Status = "ok"
    reason: str | None = None

    @property
    def ok(self) -> bool:
        """Whether the record carries a parsed variant."""
        return self.status == "ok"


@dataclass(frozen=True, slots=True)
class ClinicalRecord:
    """One patient row of a clinical table.

    ``tumor`` is the resolved tumor type code (``None`` when the text is empty or
    unknown: then ``error`` says why); ``biomarkers`` are report lines built from the
    optional ``tmb`` and ``msi`` columns (``"TMB 1.6 mut/Mb"``, ``"MSS"``).

    >>> ClinicalRecord(source="c.tsv", line=2, sample="P1", tumor_text="colon NEC").panel
    ''
    """

    source: str
    line: int
    sample: str
    tumor_text: str = ""
    tumor: str | None = None
    panel: str = ""
    prior_therapies: tuple[str, ...] = ()
    treated_with: tuple[str, ...] = ()
    biomarkers: tuple[str, ...] = ()
    facts: tuple[tuple[str, str], ...] = ()
    """Patient facts from the ``er``, ``pr``, ``hr``, ``her2``, ``pd_l1_tps``,
    ``pd_l1_cps`` and ``grade`` columns, as ``(name, value)`` pairs for
    ``evaluate(..., facts=dict(record.facts))``."""
    error: str | None = None


def open_text(path: str | Path) -> IO[str]:
    """Open a text file for reading, transparently decompressing ``.gz``.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.tsv"
    >>> _ = p.write_text("a\\tb\\n")
    >>> with open_text(p) as fh:
    ...     fh.readline()
    'a\\tb\\n'
    """
    p = Path(path)
    with open(p, "rb") as probe:
        magic = probe.read(2)
    if magic == b"\x1f\x8b":
        return io.TextIOWrapper(gzip.open(p, "rb"), encoding="utf-8", newline="")
    return open(p, encoding="utf-8", newline="")


def _table_rows(handle: IO[str], delimiter: str = "\t") -> Iterator[tuple[int, list[str]]]:
    """(line number, cells) for every non-comment, non-blank line of a table."""
    reader = csv.reader(handle, delimiter=delimiter, quoting=csv.QUOTE_NONE, strict=False)
    for cells in reader:
        if not cells or (len(cells) == 1 and not cells[0].strip()):
            continue
        yield reader.line_num, cells


def summarize_records(records: Iterable[Record]) -> dict[str, object]:
    """Counts of ok, skipped and error records and of each skip/error reason.

    >>> summarize_records([Record("f", 1, "P", status="skipped", reason="Silent")])
    {'ok': 0, 'skipped': 1, 'error': 0, 'reasons': {'Silent': 1}}
    """
    status: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    for record in records:
        status[record.status] += 1
        if record.reason and record.status != "ok":
            reasons[record.reason] += 1
    return {
        "ok": status["ok"],
        "skipped": status["skipped"],
        "error": status["error"],
        "reasons": dict(reasons.most_common()),
    }


from .clinical import read_clinical  # noqa: E402
from .cna import read_cna  # noqa: E402
from .fusions import read_fusions  # noqa: E402
from .maf import read_maf  # noqa: E402
from .vcf import read_vcf  # noqa: E402
