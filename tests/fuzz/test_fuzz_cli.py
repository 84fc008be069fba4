"""Fuzz the command line: random arguments and files. The CLI exits with a code (an
error message, never a traceback), and an output path equal to an input never
changes that input."""

from __future__ import annotations

import contextlib
import io
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from actionable.cli import main

from . import _tally

SETTINGS = settings(
    max_examples=_tally.EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck)
)
MAF = "Hugo_Symbol\tTumor_Sample_Barcode\tHGVSp_Short\nBRAF\tP1\tp.V600E\nKRAS\tP/1\tp.G12C\n"
CLINICAL = "sample_id\ttumor\nP1\tMEL\nP/1\tCOAD\n"
WORDS = st.sampled_from(
    [
        "evaluate",
        "annotate",
        "screen",
        "report",
        "rules",
        "validate",
        "stats",
        "schema",
        "--tumor",
        "--json",
        "--max-level",
        "--threshold",
        "--fact",
        "--sources",
        "--errors",
        "--clinical",
        "--maf",
        "--html",
        "--markdown",
        "-o",
        "--plot",
        "--jobs",
        "BRAF V600E",
        "MEL",
        "5",
        "TMB=nan",
        "curated",
        "Curated",
        "warn",
        "ignore",
        "{maf}",
        "{clinical}",
        "{out}",
        "{dir}",
    ]
)


def _run(argv: list[str]) -> int:
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        try:
            return main(argv)
        except SystemExit as stop:  # argparse's usage errors
            return int(stop.code or 0)


@SETTINGS
@given(st.lists(WORDS | st.text(max_size=10), max_size=8))
def test_random_arguments(words: list[str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        maf, clinical = root / "m.maf", root / "c.tsv"
        maf.write_text(MAF, encoding="utf-8")
        clinical.write_text(CLINICAL, encoding="utf-8")
        places = {
            "{maf}": str(maf),
            "{clinical}": str(clinical),
            "{out}": str(root / "o.tsv"),
            "{dir}": str(root / "html"),
        }
        argv = [places.get(w, w) for w in words]
        code = _tally.guard(lambda: _run(argv), f"cli {argv!r:.80}", bound=_tally.HANG_SECONDS * 4)
        assert code in (None, 0, 1, 2)
        if (
            maf.read_text(encoding="utf-8") != MAF
            or clinical.read_text(encoding="utf-8") != CLINICAL
        ):
            _tally.add("rows lost")
            raise AssertionError(f"an input was changed by {argv}")


@SETTINGS
@given(st.sampled_from(["maf", "clinical"]), st.sampled_from(["same", "link", "dotted"]))
def test_output_over_an_input_is_refused(which: str, how: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        maf, clinical = root / "m.maf", root / "c.tsv"
        maf.write_text(MAF, encoding="utf-8")
        clinical.write_text(CLINICAL, encoding="utf-8")
        target = maf if which == "maf" else clinical
        out = {"same": target, "dotted": root / "." / target.name, "link": root / "alias"}[how]
        if how == "link":
            out.symlink_to(target)
        code = _tally.guard(
            lambda: _run(["annotate", str(maf), "--clinical", str(clinical), "-o", str(out)]),
            "annotate over input",
        )
        assert code == 2
        assert maf.read_text(encoding="utf-8") == MAF
        assert clinical.read_text(encoding="utf-8") == CLINICAL
