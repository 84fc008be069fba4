"""Fuzz rule files: random YAML structures, mutated real rules, deep nesting, wide
codon lists. The loader refuses with a RuleFileError or EngineLimitError, or accepts a
rule set that evaluates without an engine error or a hang."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import actionable

from . import _tally

SETTINGS = settings(
    max_examples=_tally.EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck)
)
RULE: dict[str, Any] = {
    "id": "fuzz-rule",
    "alteration": "V600E",
    "tumor": {"include": ["MEL"]},
    "therapy": ["dabrafenib"],
    "effect": "sensitivity",
    "level": "1",
    "summary": "A fuzzed rule for dabrafenib in BRAF V600E melanoma.",
    "evidence": [{"pmid": 22663011}],
}
LEAF = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=12))
TREE = st.recursive(
    LEAF,
    lambda kids: (
        st.lists(kids, max_size=4) | st.dictionaries(st.text(max_size=8), kids, max_size=4)
    ),
    max_leaves=20,
)
ALTERATIONS = st.one_of(
    st.sampled_from(["V600E", "V600", "mutations", "amplification", "fusion", "exon 15 mutations"]),
    st.lists(st.integers(1, 800), min_size=1, max_size=600).map(
        lambda xs: "codons " + ", ".join(map(str, xs))
    ),
    st.text(max_size=30),
)


def _load_and_run(text: str, label: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "BRAF.yaml").write_text(text, encoding="utf-8")

        def run() -> None:
            engine = actionable.Engine.load(folder)
            actionable.evaluate(["BRAF V600E", "BRAF K601E"], tumor="MEL", rules=engine)

        _tally.guard(run, label, bound=_tally.HANG_SECONDS * 3)


@SETTINGS
@given(TREE)
def test_random_yaml_structures(tree: object) -> None:
    _load_and_run(yaml.safe_dump({"gene": "BRAF", "rules": [tree]}), "random rule")


@SETTINGS
@given(st.sampled_from(sorted(RULE)), TREE)
def test_one_field_replaced(field: str, value: object) -> None:
    rule = {**RULE, field: value}
    _load_and_run(yaml.safe_dump({"gene": "BRAF", "rules": [rule]}), f"rule with {field}")


@SETTINGS
@given(st.lists(ALTERATIONS, min_size=1, max_size=70))
def test_many_overlapping_alterations(alterations: list[str]) -> None:
    rules = [{**RULE, "id": f"r{i}", "alteration": a} for i, a in enumerate(alterations)]
    _load_and_run(yaml.safe_dump({"gene": "BRAF", "rules": rules}), "overlapping rules")


def test_deep_and_huge_files() -> None:
    _load_and_run("gene: BRAF\nrules: " + "[" * 5_000 + "]" * 5_000, "deep yaml")
    _load_and_run("gene: BRAF\nrules:\n" + "- " * 3_000 + "x\n", "deep block yaml")
    _load_and_run("gene: BRAF\n# " + "x" * (6 << 20) + "\n", "huge file")
    _load_and_run("gene: BRAF\nrules: &a [*a]\n", "recursive alias")
