"""actionable.dask: the Dask path writes what the single-process path writes, survives a
lost worker, screens to the same funnel, and diffs two annotated tables exactly."""

from __future__ import annotations

import multiprocessing
import os
import random
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from actionable import dask as adask
from actionable.cli import main
from actionable.cohort import annotate, screen
from actionable.errors import MissingExtraError

HEADER = [
    "Hugo_Symbol", "Center", "Variant_Classification", "Tumor_Sample_Barcode", "HGVSp",
    "HGVSp_Short", "t_alt_count",
]  # fmt: skip
# Rule genes (levels, resistance, requires/excludes context) and rows the annotator must
# flag: non-coding classes, unreadable protein changes, a sample not in the clinical table.
RULE_ROWS = [
    ("BRAF", "Missense_Mutation", "p.V600E"),
    ("KRAS", "Missense_Mutation", "p.G12C"),
    ("KRAS", "Missense_Mutation", "p.G12D"),
    ("EGFR", "Missense_Mutation", "p.L858R"),
    ("EGFR", "In_Frame_Del", "p.E746_A750del"),
    ("PIK3CA", "Missense_Mutation", "p.H1047R"),
    ("ERBB2", "Missense_Mutation", "p.S310F"),
    ("IDH1", "Missense_Mutation", "p.R132H"),
    ("BRCA2", "Frame_Shift_Del", "p.S1982Rfs*22"),
    ("BRAF", "Silent", "p.V600="),
    ("EGFR", "Missense_Mutation", "p.Q"),
    ("KIT", "Missense_Mutation", ""),
]
TUMORS = ["COAD", "LUAD", "MEL", "BRCA", "GIST", "colon NEC", "not a tumor"]


def make_cohort(folder: Path, rows: int, samples: int, seed: int = 7) -> tuple[Path, Path]:
    rng = random.Random(seed)
    ids = [f"S{i:05d}" for i in range(samples)]
    clinical = folder / "clinical.tsv"
    clinical.write_text(
        "sample_id\ttumor\ttmb\tpanel\ttreated_with\n"
        + "".join(
            f"{s}\t{rng.choice(TUMORS)}\t{rng.choice(['', '4', '15'])}\t"
            f"{rng.choice(['', 'TSO500'])}\t{rng.choice(['', 'sotorasib', 'osimertinib'])}\n"
            for s in ids
        )
        + "TREATED\tMEL\t\tTSO500\tdabrafenib + trametinib\n"
    )
    maf = folder / "cohort.maf"
    with open(maf, "w", encoding="utf-8") as out:
        out.write("#version 2.4\n" + "\t".join(HEADER) + "\n")
        out.write("BRAF\tbench\tMissense_Mutation\tTREATED\t\tp.V600E\t12\n")
        for _ in range(rows - 1):
            sample = rng.choice(ids) if rng.random() > 0.002 else "NOT_IN_TABLE"
            if rng.random() < 0.05:
                gene, klass, change = rng.choice(RULE_ROWS)
            else:
                gene = rng.choice(["TTN", "MUC16", "TP53", "GENE1", "GENE2"])
                klass, change = "Missense_Mutation", f"p.A{rng.randint(1, 900)}V"
            out.write(f"{gene}\tbench\t{klass}\t{sample}\t\t{change}\t{rng.randint(1, 99)}\n")
    return maf, clinical


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    """Two worker processes, one thread each; closed (and checked gone) after the module."""
    with adask.connect("local:2") as found:
        yield found
    assert not multiprocessing.active_children()


@pytest.fixture(scope="module")
def cohort(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    folder = tmp_path_factory.mktemp("cohort")
    maf, clinical = make_cohort(folder, 20_000, 400)
    annotate(maf, folder / "single.tsv", clinical=clinical)
    return maf, clinical, folder / "single.tsv"


def test_two_workers_write_what_one_process_writes(
    client: Any, cohort: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    maf, clinical, single = cohort
    run = adask.annotate_files(client, [maf], tmp_path / "dask.tsv", clinical=clinical, split=4)
    expected = single.read_text(encoding="utf-8").splitlines()
    got = (tmp_path / "dask.tsv").read_text(encoding="utf-8").splitlines()
    # The header and 20,000 rows: the MAF's "#version" line is dropped by both.
    assert len(got) == len(expected) == 20_001
    assert got == expected  # row for row, annotations included
    assert (run.rows, run.partitions, run.workers) == (20_000, 4, 2)
    assert run.annotated > 500 and run.errors > 0 and run.skipped > 0
    assert any("NOT_IN_TABLE" in w for w in run.warnings)
    # Each worker process compiled (or loaded) the rules at most once: never pickled.
    loads = client.run(lambda: adask._engine_for.cache_info().misses)
    assert set(loads.values()) == {1}
    # Each worker's annotator evaluates a distinct (alteration, tumor, context, facts) once.
    misses = client.run(
        lambda: sum(a._memo.cache_info().misses for a in adask._annotators.values())
    )
    hits = client.run(lambda: sum(a._memo.cache_info().hits for a in adask._annotators.values()))
    assert 0 < sum(misses.values()) < run.with_rules - run.skipped and sum(hits.values()) > 0


def test_annotated_frame_has_the_single_process_columns_and_values(
    client: Any, cohort: tuple[Path, Path, Path]
) -> None:
    import pandas as pd

    maf, clinical, single = cohort
    frame = adask.annotate_frame(adask.maf_frame(maf, split=3), clinical).compute()
    expected = pd.read_csv(single, sep="\t", comment=None, dtype=str, keep_default_na=False)
    assert list(frame.columns) == list(expected.columns)
    assert frame.to_numpy().tolist() == expected.to_numpy().tolist()
    assert frame.index[0] == 3  # the file's line numbers


def _kill_once_in_annotation(part: Any, folder: str) -> Any:
    # The third quarter of the file: its first pass (patient context) goes through;
    # on the annotation pass the worker process exits at once, once.
    if len(part) and 10_000 < int(part.index[0]) < 15_000:
        seen = Path(folder) / "seen"
        if not seen.exists():
            seen.touch()
            return part
        killed = Path(folder) / "killed"
        if not killed.exists():
            killed.touch()
            os._exit(1)
    return part


def test_a_worker_killed_mid_run_loses_and_duplicates_no_row(
    client: Any, cohort: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    maf, clinical, single = cohort
    frame = adask.maf_frame(maf, split=4)
    fragile = frame.map_partitions(
        _kill_once_in_annotation, str(tmp_path), meta=frame._meta, enforce_metadata=False
    )
    run = adask.annotate_files(client, fragile, tmp_path / "dask.tsv", clinical=clinical)
    assert (tmp_path / "killed").exists()  # the worker did die mid-run
    assert (tmp_path / "dask.tsv").read_text(encoding="utf-8") == single.read_text(encoding="utf-8")
    assert run.rows == 20_000


def test_dask_funnel_equals_screen(client: Any, tmp_path: Path) -> None:
    maf, clinical = make_cohort(tmp_path, 3_000, 80, seed=3)
    expected = screen(clinical, maf=[maf])
    got = adask.screen_frame(clinical, adask.maf_frame(maf, split=3), batch=10)
    assert got.counts == expected.counts
    assert expected.counts["actionable"] > 5 and expected.counts["treated"] > 0
    assert got == expected  # patients, reports, input issues and errors included


def test_cli_annotates_on_a_running_scheduler(
    client: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    maf, clinical = make_cohort(tmp_path, 2_000, 50, seed=5)
    parts = tmp_path / "parts"
    parts.mkdir()
    lines = maf.read_text().splitlines(keepends=True)
    # Two MAFs with the same header: one partition per file, rows in file order.
    (parts / "a.maf").write_text("".join(lines[:1000]))
    (parts / "b.maf").write_text("".join(lines[:2] + lines[1000:]))
    annotate(maf, tmp_path / "single.tsv", clinical=clinical)
    address = client.scheduler.address
    code = main([
        "annotate", str(parts / "*.maf"), "--clinical", str(clinical),
        "-o", str(tmp_path / "dask.tsv"), "--scheduler", address,
    ])  # fmt: skip
    assert code == 0
    assert "2000 rows" in capsys.readouterr().err
    single = (tmp_path / "single.tsv").read_text().splitlines()
    got = (tmp_path / "dask.tsv").read_text().splitlines()
    # Line numbers of the second file restart at its header: compare all but errors.
    assert len(got) == len(single)
    assert [r.split("\t")[:-1] for r in got] == [r.split("\t")[:-1] for r in single]


def test_parquet_rows_annotate_like_the_maf(client: Any, tmp_path: Path) -> None:
    import pandas as pd

    maf, clinical = make_cohort(tmp_path, 1_000, 40, seed=9)
    table = pd.read_csv(maf, sep="\t", skiprows=1, dtype=str, keep_default_na=False)
    table["t_alt_count"] = table["t_alt_count"].astype(int)  # numbers come back as text
    table.to_parquet(tmp_path / "cohort.parquet")
    annotate(maf, tmp_path / "single.tsv", clinical=clinical)
    code = main([
        "annotate", str(tmp_path / "cohort.parquet"), "--parquet", "--clinical", str(clinical),
        "-o", str(tmp_path / "dask.tsv"), "--scheduler", client.scheduler.address,
    ])  # fmt: skip
    assert code == 0
    single = (tmp_path / "single.tsv").read_text().splitlines()  # comment lines dropped
    got = (tmp_path / "dask.tsv").read_text().splitlines()
    assert [r.split("\t")[:-1] for r in got] == [r.split("\t")[:-1] for r in single]


OLD = """#version 2.4
Hugo_Symbol\tTumor_Sample_Barcode\tHGVSp_Short\tHIGHEST_LEVEL\tLEVEL_1\tLEVEL_3A\tLEVEL_R1
BRAF\tP1\tp.V600E\tLEVEL_1\tdabrafenib+trametinib,vemurafenib\t\t
KRAS\tP1\tp.G12C\tLEVEL_3A\t\tsotorasib\t
KRAS\tP2\tp.G12D\tLEVEL_R1\t\t\tcetuximab
TTN\tP2\tp.A1V\t\t\t\t
"""
NEW = """#version 2.4
Hugo_Symbol\tTumor_Sample_Barcode\tHGVSp_Short\tHIGHEST_LEVEL\tLEVEL_1\tLEVEL_3A\tLEVEL_R1
BRAF\tP1\tp.V600E\tLEVEL_1\tdabrafenib+trametinib\t\t
KRAS\tP1\tp.G12C\tLEVEL_1\tsotorasib\t\t
KRAS\tP2\tp.G12D\tLEVEL_R1\t\t\tcetuximab,panitumumab
TTN\tP2\tp.A1V\t\t\t\t
"""
DIFF = """SAMPLE_ID\tALTERATION\tTHERAPY\tCHANGE\tOLD_LEVEL\tNEW_LEVEL
P1\tBRAF p.V600E\tvemurafenib\tlost\tLEVEL_1\t
P1\tKRAS p.G12C\tsotorasib\tchanged\tLEVEL_3A\tLEVEL_1
P2\tKRAS p.G12D\tpanitumumab\tgained\t\tLEVEL_R1
"""


def test_diff_annotations_lists_gained_lost_and_changed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "old.tsv").write_text(OLD)
    (tmp_path / "new.tsv").write_text(NEW)
    assert main(["diff-annotations", str(tmp_path / "old.tsv"), str(tmp_path / "new.tsv")]) == 0
    captured = capsys.readouterr()
    assert captured.out == DIFF
    assert "2 samples with changes: 1 gained, 1 lost, 1 changed" in captured.err
    assert adask.diff_annotations(tmp_path / "new.tsv", tmp_path / "new.tsv") == []


def test_diff_annotations_on_dask_frames(client: Any, tmp_path: Path) -> None:
    (tmp_path / "old.tsv").write_text(OLD)
    (tmp_path / "new.tsv").write_text(NEW)
    out = tmp_path / "diff.tsv"
    text, changes = adask.diff_command(
        tmp_path / "old.tsv", tmp_path / "new.tsv", out, scheduler=client.scheduler.address
    )
    assert text == out.read_text() == DIFF
    assert [c.change for c in changes] == ["lost", "changed", "gained"]


def test_missing_extra_names_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(MissingExtraError, match=r"actionable\[dask\]"):
        adask.connect("local:1")


@pytest.mark.parametrize("spec", ["local:0", "local:two", "nowhere"])
def test_a_bad_scheduler_is_refused_with_the_fix(spec: str) -> None:
    with pytest.raises(ValueError, match="local:2"):
        adask.connect(spec)


def test_extra_columns_follow_the_annotators_on_dask_as_in_one_process() -> None:
    rows = adask.from_rows([
        {"Hugo_Symbol": "BRAF", "Tumor_Sample_Barcode": "P1", "HGVSp_Short": "p.V600E"},
        {"Hugo_Symbol": "TTN", "Tumor_Sample_Barcode": "P1", "HGVSp_Short": "p.A100V"},
    ])  # fmt: skip
    clinical = {"P1": {"tumor": "MEL"}}
    plain = adask.annotate_frame(rows, clinical).compute(scheduler="sync")
    extra = adask.annotate_frame(rows, clinical, extra_columns=True).compute(scheduler="sync")
    assert list(plain.columns)[-1] == "PX_CITATIONS"
    assert list(extra.columns)[-3:] == ["ACTIONABLE_RULE_IDS", "RATIONALE", "ACTIONABLE_ERROR"]
    braf = extra.iloc[0]
    assert braf["HIGHEST_LEVEL"] == "LEVEL_1" and braf["ACTIONABLE_RULE_IDS"]
    assert "Dabrafenib+Trametinib" in braf["LEVEL_1"].split(",")
