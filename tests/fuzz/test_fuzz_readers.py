"""Fuzz the cohort readers: random cells, encodings (UTF-8, BOM, Latin-1, cp1252),
extra and missing cells, damaged gzip. Every data row of a MAF gives one record
(rows lost = data rows without a record), and only library errors are raised."""

from __future__ import annotations

import gzip
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from actionable.io import read_clinical, read_cna, read_fusions, read_maf

from . import _tally

SETTINGS = settings(
    max_examples=_tally.EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck)
)
CELL = st.one_of(
    st.sampled_from(["BRAF", "KRAS", "TP53", "NOTAGENE", "p.V600E", "p.G12C", "Silent", "2", "-2"]),
    st.text(alphabet=st.characters(blacklist_characters="\t\r\n"), max_size=12),
)
ROW = st.lists(CELL, min_size=0, max_size=6)
ENCODINGS = st.sampled_from(["utf-8", "utf-8-sig", "latin-1", "cp1252"])


def _encode(text: str, encoding: str) -> bytes:
    return text.encode(encoding, errors="replace")


@SETTINGS
@given(st.lists(ROW, max_size=40), ENCODINGS, st.booleans(), st.floats(0.2, 1.0))
def test_maf_rows_are_never_lost(
    rows: list[list[str]], encoding: str, packed: bool, keep: float
) -> None:
    header = "Hugo_Symbol\tTumor_Sample_Barcode\tHGVSp_Short\tVariant_Classification\n"
    body = "".join("\t".join(cells) + "\n" for cells in rows)
    data = _encode(header + body, encoding)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / ("m.maf.gz" if packed else "m.maf")
        if packed:
            full = gzip.compress(data)
            path.write_bytes(full[: max(10, int(len(full) * keep))])
        else:
            path.write_bytes(data)
        records = _tally.guard(lambda: list(read_maf(path)), "read_maf") or []
        damaged = any("damaged or truncated" in (r.reason or "") for r in records)
        if not damaged:
            data_rows = sum(
                1
                for cells in rows
                if any(c.strip() for c in cells) and not cells[0].startswith("#")
            )
            lost = data_rows - len(records)
            if lost > 0:
                _tally.add("rows lost", lost)
            assert lost <= 0, (rows, records)


@SETTINGS
@given(st.lists(ROW, max_size=20), ENCODINGS, st.sampled_from(["clinical", "cna", "fusions"]))
def test_other_tables(rows: list[list[str]], encoding: str, kind: str) -> None:
    headers = {
        "clinical": "sample_id\ttumor\ttmb\tmsi\n",
        "cna": "Hugo_Symbol\tS1\tS2\n",
        "fusions": "Sample_Id\tSite1_Hugo_Symbol\tSite2_Hugo_Symbol\n",
    }
    text = headers[kind] + "".join("\t".join(cells) + "\n" for cells in rows)
    reader = {"clinical": read_clinical, "cna": read_cna, "fusions": read_fusions}[kind]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{kind}.tsv"
        path.write_bytes(_encode(text, encoding))
        _tally.guard(lambda: list(reader(path)), f"read_{kind}")  # type: ignore[operator]


@SETTINGS
@given(st.binary(max_size=400))
def test_random_bytes(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "x.maf"
        path.write_bytes(data)
        for reader in (read_maf, read_cna, read_fusions, read_clinical):
            _tally.guard(lambda reader=reader: list(reader(path)), reader.__name__)  # type: ignore[operator]
