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

import codecs
import csv
import gzip
import io
import logging
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Literal

from ..models import Variant

logger = logging.getLogger(__name__)

__all__ = [
    "ClinicalRecord",
    "Record",
    "Status",
    "damage_of",
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
    tumor: str = ""
    """The tumor type the input row states (a MAF's ``ONCOTREE_CODE``), as written."""

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


_FALLBACK = "actionable.cp1252"
_fallbacks = [0]


def _cp1252_fallback(error: UnicodeError) -> tuple[str, int]:
    # Bytes that are not UTF-8 are read as Windows-1252 (a superset of the printable
    # Latin-1), the usual encoding of spreadsheets saved on Windows; the five bytes
    # cp1252 leaves undefined are read as Latin-1, so no line is lost to decoding.
    assert isinstance(error, UnicodeDecodeError)
    _fallbacks[0] += error.end - error.start
    chunk = error.object[error.start : error.end]
    return "".join(_byte_text(b) for b in chunk), error.end


def _byte_text(byte: int) -> str:
    try:
        return bytes([byte]).decode("cp1252")
    except UnicodeDecodeError:
        return chr(byte)


codecs.register_error(_FALLBACK, _cp1252_fallback)


class _Guarded(io.RawIOBase):
    """A compressed stream that ends (and remembers why) where its data are damaged,
    so the lines before the damage are still read."""

    def __init__(self, inner: IO[bytes] | gzip.GzipFile, name: str) -> None:
        super().__init__()
        self._inner = inner
        self.name_ = name
        self.damage: str | None = None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self.damage is not None:
            return 0
        try:
            data = self._inner.read(len(buffer))
        except (EOFError, OSError, zlib.error) as error:
            self.damage = f"{self.name_}: the compressed data are damaged or truncated ({error})"
            return 0
        buffer[: len(data)] = data
        return len(data)

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = 0) -> int:
        self.damage = None
        return self._inner.seek(offset, whence)

    def close(self) -> None:
        self._inner.close()
        super().close()


class _Text(io.TextIOWrapper):
    """A text file read as UTF-8 (a byte-order mark skipped), falling back to cp1252."""

    def __init__(self, raw: IO[bytes], name: str, guard: _Guarded | None) -> None:
        super().__init__(raw, encoding="utf-8-sig", errors=_FALLBACK, newline="")
        self._source = name
        self._guard = guard
        self._start = _fallbacks[0]

    @property
    def damage(self) -> str | None:
        """Why the (compressed) file ended early, or ``None`` when it was read whole."""
        return self._guard.damage if self._guard is not None else None

    def close(self) -> None:
        if not self.closed:
            converted = _fallbacks[0] - self._start
            if converted:
                logger.warning(
                    "%s: %d bytes were not UTF-8 and were read as Windows-1252 (Latin-1)",
                    self._source,
                    converted,
                )
        super().close()


def open_text(path: str | Path) -> IO[str]:
    """Open a text file for reading, transparently decompressing ``.gz`` (and bgzip).

    UTF-8 is read with or without a byte-order mark; bytes that are not UTF-8 are read
    as Windows-1252 and the log says how many. A damaged or truncated compressed file
    ends where the damage starts and its handle's ``damage`` attribute says so (see
    :func:`damage_of`).

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.tsv"
    >>> _ = p.write_bytes(b"\\xef\\xbb\\xbfa\\tb\\xe9\\n")
    >>> with open_text(p) as fh:
    ...     fh.readline()
    'a\\tbé\\n'
    """
    p = Path(path)
    with open(p, "rb") as probe:
        magic = probe.read(2)
    if magic == b"\x1f\x8b":
        guard = _Guarded(gzip.open(p, "rb"), str(p))  # noqa: SIM115 - closed with the handle
        return _Text(io.BufferedReader(guard, 1 << 16), str(p), guard)
    return _Text(open(p, "rb"), str(p), None)


def damage_of(handle: IO[str]) -> str | None:
    """Why a handle from :func:`open_text` ended early (damaged compressed data), if it did.

    >>> import io
    >>> damage_of(io.StringIO(""))
    """
    damage = getattr(handle, "damage", None)
    return damage if isinstance(damage, str) else None


def _table_rows(handle: IO[str], delimiter: str = "\t") -> Iterator[tuple[int, list[str]]]:
    """(line number, cells) for every non-comment, non-blank line of a table."""
    reader = csv.reader(handle, delimiter=delimiter, quoting=csv.QUOTE_NONE, strict=False)
    for cells in reader:
        if not cells or (len(cells) == 1 and not cells[0].strip()):
            continue
        yield reader.line_num, cells


def _damage_records(source: str, handle: IO[str]) -> Iterator[Record]:
    """An error record when the file ended at damaged compressed data (rows before it are kept)."""
    damage = damage_of(handle)
    if damage is not None:
        logger.warning("%s", damage)
        yield Record(source, 0, None, status="error", reason=damage)


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
