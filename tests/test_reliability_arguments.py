"""No silent empty answer and no bare TypeError: the public boundary checks its
arguments, rule folders and the compiled-rules cache (issue 18)."""

from __future__ import annotations

import math
import os
import pickle
from pathlib import Path
from typing import Any

import pytest

import actionable
from actionable import cache
from actionable.errors import ArgumentError, ArgumentTypeError, RuleFileError
from actionable.rules import MAX_RULE_DEPTH, MAX_RULE_FILE_BYTES, load_rules

RULE = """\
gene: BRAF
rules:
  - id: braf-v600e-test
    alteration: V600E
    tumor:
      include: [MEL]
    therapy: [dabrafenib]
    effect: sensitivity
    level: "1"
    summary: A test rule for dabrafenib in BRAF V600E melanoma.
    evidence:
      - pmid: 22663011
"""


@pytest.mark.parametrize(
    ("call", "argument"),
    [
        ({"variants": None}, "variants"),
        ({"variants": [5]}, "variants"),
        ({"variants": b"BRAF V600E"}, "variants"),
        ({"tumor": 5}, "tumor"),
        ({"thresholds": "abc"}, "thresholds"),
        ({"thresholds": {"TMB": "high"}}, "thresholds"),
        ({"max_level": 2}, "max_level"),
        ({"prior_therapies": None}, "prior_therapies"),
        ({"prior_therapies": [5]}, "prior_therapies"),
        ({"rules": 5}, "rules"),
        ({"rules": b"/tmp"}, "rules"),
        ({"sources": 5}, "sources"),
    ],
)
def test_wrong_types_raise_a_typed_error_naming_the_argument(
    call: dict[str, Any], argument: str
) -> None:
    kwargs: dict[str, Any] = {"variants": ["BRAF V600E"], "tumor": "MEL", **call}
    variants = kwargs.pop("variants")
    with pytest.raises(ArgumentTypeError, match=argument) as caught:
        actionable.evaluate(variants, **kwargs)
    assert isinstance(caught.value, TypeError)
    assert isinstance(caught.value, actionable.ActionableError)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        ({"max_level": "5"}, "max_level '5' is not a level"),
        ({"errors": "ignore"}, "errors='ignore'"),
        ({"thresholds": {"TMB": math.nan}}, "not a finite number"),
        ({"thresholds": {"TMB": math.inf}}, "not a finite number"),
        ({"prior_therapies": ["notadrugxyz"]}, "prior_therapies: unknown drug"),
        ({"sources": ["nope"]}, "unknown source 'nope'"),
        ({"sources": ["Curated"]}, "did you mean 'curated'"),
        ({"sources": []}, r"sources=\[\] selects no rules"),
    ],
)
def test_wrong_values_raise_a_typed_error(call: dict[str, Any], message: str) -> None:
    with pytest.raises(ArgumentError, match=message):
        actionable.evaluate(["BRAF V600E"], tumor="MEL", **call)


def test_a_source_given_as_a_string_is_one_source() -> None:
    as_list = actionable.evaluate(["BRAF V600E"], tumor="MEL", sources=["curated"])
    as_text = actionable.evaluate(["BRAF V600E"], tumor="MEL", sources="curated")
    assert [r.rule_id for r in as_text.recommendations] == [
        r.rule_id for r in as_list.recommendations
    ]
    assert as_text.recommendations


def test_repeated_variants_are_evaluated_once() -> None:
    once = actionable.evaluate(["BRAF V600E"], tumor="MEL")
    many = actionable.evaluate(["BRAF V600E"] * 1000, tumor="MEL")
    assert len(many.variants) == 1
    assert [r.rule_id for r in many.recommendations] == [r.rule_id for r in once.recommendations]
    assert any("999 repeated alterations" in w for w in many.warnings)


def test_one_variant_in_several_notations_is_evaluated_once() -> None:
    once = actionable.evaluate(["BRAF V600E"], tumor="MEL")
    notations = ["BRAF V600E", "BRAF p.V600E", "BRAF p.Val600Glu", "BRAF:p.V600E", "braf v600e"]
    report = actionable.evaluate(notations, tumor="MEL")
    assert len(report.variants) == 1
    assert len(report.recommendations) == len(once.recommendations)


def _folder(tmp_path: Path, name: str = "BRAF.yaml", text: str = RULE) -> Path:
    folder = tmp_path / "rules"
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_an_empty_rule_folder_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(RuleFileError, match="no rule files"):
        actionable.evaluate(["BRAF V600E"], tumor="MEL", rules=tmp_path / "empty")


@pytest.mark.parametrize("name", ["BRAF.yml", "BRAF.YAML", "BRAF.Yml"])
def test_yml_and_upper_case_suffixes_are_rule_files(tmp_path: Path, name: str) -> None:
    rules = load_rules(_folder(tmp_path, name))
    assert [r.id for r in rules] == ["braf-v600e-test"]


def test_a_source_without_rules_in_the_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(RuleFileError, match="no rules from the sources civic"):
        load_rules(_folder(tmp_path), ["civic"])


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads any folder")
def test_an_unreadable_sub_folder_is_an_error(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    locked = folder / "locked"
    locked.mkdir()
    locked.chmod(0)
    try:
        with pytest.raises(RuleFileError, match="cannot read the folder"):
            load_rules(folder)
    finally:
        locked.chmod(0o700)


def test_an_unreadable_sub_folder_is_an_error_whoever_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _folder(tmp_path)
    (folder / "sub").mkdir()
    real_scandir = os.scandir

    def scandir(path: Any) -> Any:
        if str(path).endswith("sub"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    with pytest.raises(RuleFileError, match="cannot read the folder: Permission denied"):
        load_rules(folder)


def test_deep_yaml_is_a_rule_file_error(tmp_path: Path) -> None:
    deep = "gene: BRAF\nrules: " + "[" * 5000 + "]" * 5000 + "\n"
    with pytest.raises(RuleFileError, match="nested more than"):
        load_rules(_folder(tmp_path, text=deep))


def test_moderately_deep_yaml_is_a_rule_file_error(tmp_path: Path) -> None:
    depth = MAX_RULE_DEPTH + 5
    deep = "gene: BRAF\nrules: " + "[" * depth + "]" * depth + "\n"
    with pytest.raises(RuleFileError, match="nested more than"):
        load_rules(_folder(tmp_path, text=deep))


def test_huge_rule_file_is_refused_before_parsing(tmp_path: Path) -> None:
    big = RULE + "# " + "x" * MAX_RULE_FILE_BYTES + "\n"
    with pytest.raises(RuleFileError, match="more than the"):
        load_rules(_folder(tmp_path, text=big))


# --------------------------------------------------------------------------- cache
def _cache_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ACTIONABLE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("ACTIONABLE_NO_CACHE", raising=False)
    folder = _folder(tmp_path)
    cache.clear()
    cache.load_compiled(folder)
    [path] = (tmp_path / "cache" / "compiled").iterdir()
    cache.clear()
    return path


def test_a_cache_of_the_wrong_shape_is_rebuilt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _cache_file(tmp_path, monkeypatch)
    path.write_bytes(pickle.dumps({"not": "rules"}))
    rules, compiled = cache.load_compiled(tmp_path / "rules")
    assert [r.id for r in rules] == ["braf-v600e-test"]
    assert compiled.stats["patterns"] > 0


class _Boom:
    """Unpickling this writes a marker file: what a planted cache could do."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[Any, ...]:
        return (self.marker.write_text, ("unpickled",))


def test_a_cache_others_can_write_is_never_unpickled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _cache_file(tmp_path, monkeypatch)
    marker = tmp_path / "marker"
    path.write_bytes(pickle.dumps(_Boom(marker)))
    path.chmod(0o666)
    rules, _ = cache.load_compiled(tmp_path / "rules")
    assert not marker.exists()
    assert [r.id for r in rules] == ["braf-v600e-test"]
    assert path.stat().st_mode & 0o022 == 0  # rebuilt by this user, private again
