"""Unknown gene symbols cost a bounded amount of work per cohort (issue 18)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from actionable import genes
from actionable.cohort import annotate
from actionable.io import read_maf


@pytest.fixture
def extract_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []
    real = genes.process.extract

    def counted(query: str, *args: Any, **kwargs: Any) -> Any:
        calls.append(query)
        return real(query, *args, **kwargs)

    genes._suggest.cache_clear()
    monkeypatch.setattr(genes.process, "extract", counted)
    return calls


def _maf(path: Path, symbols: list[str]) -> Path:
    rows = "".join(f"{s}\tP{i % 7}\tp.V600E\n" for i, s in enumerate(symbols))
    path.write_text("Hugo_Symbol\tTumor_Sample_Barcode\tHGVSp_Short\n" + rows, encoding="utf-8")
    return path


def test_annotate_never_computes_suggestions_for_unknown_symbols(
    tmp_path: Path, extract_calls: list[str]
) -> None:
    maf = _maf(tmp_path / "m.maf", [f"NOTAGENE{i}" for i in range(2_000)])
    summary = annotate(maf, tmp_path / "out.tsv")
    assert summary.rows == 2_000
    assert extract_calls == []


def test_reading_repeated_unknown_symbols_suggests_once_per_symbol(
    tmp_path: Path, extract_calls: list[str]
) -> None:
    maf = _maf(tmp_path / "m.maf", [f"XQZ{i % 20}" for i in range(2_000)])
    records = list(read_maf(maf))
    assert [r.status for r in records] == ["error"] * 2_000
    assert "unknown gene 'XQZ0'" in (records[0].reason or "")
    assert len(extract_calls) <= 20
