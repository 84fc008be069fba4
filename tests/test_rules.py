"""Rule files: the loader, its errors (file, line, field, valid values), patterns,
the JSON Schema, and property tests over generated rule files."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import actionable
from actionable.engine import Matcher, compile_patterns
from actionable.errors import RuleFileError
from actionable.rules import LEVELS, load_rule_file, load_rules, parse_pattern, rule_schema

GOOD = """
gene: BRAF
rules:
  - id: test-rule
    alteration: V600E
    tumor: {include: [MEL]}
    therapy: [dabrafenib]
    effect: sensitivity
    level: 1
    summary: A test rule written for the loader tests.
    evidence:
      - pmid: 25265492
"""


def write(tmp_path: Path, text: str, name: str = "BRAF.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


def test_a_good_rule_loads_with_all_fields(tmp_path: Path) -> None:
    [rule] = load_rule_file(write(tmp_path, GOOD))
    assert (rule.id, rule.gene, rule.level, rule.effect, rule.therapy) == (
        "test-rule",
        "BRAF",
        "1",
        "sensitivity",
        ("dabrafenib",),
    )
    assert rule.tumor.include == ("MEL",) and rule.tumor.exclude == ()
    assert [p.granularity for p in rule.patterns] == ["exact"]
    assert rule.evidence[0].pmid == 25265492
    assert rule.file_line == 3
    assert rule.source == "curated"


@pytest.mark.parametrize(
    ("old", "new", "line", "field", "needle"),
    [
        ("level: 1", "level: 5", 8, "rules.0.level", "valid values: 1, 2, 3A, 3B, 4, R1, R2"),
        (
            "effect: sensitivity",
            "effect: response",
            7,
            "rules.0.effect",
            "valid values: sensitivity, resistance",
        ),
        (
            "therapy: [dabrafenib]",
            "therapy: [dabrafenibb]",
            6,
            "therapy.0",
            "did you mean dabrafenib",
        ),
        ("include: [MEL]", "include: [MELL]", 5, "tumor", "MELL"),
        ("alteration: V600E", "alteration: V600EE", 4, "alteration", "cannot read alteration"),
        (
            "alteration: V600E",
            "alteration: exon 99 deletion",
            4,
            "alteration",
            "no exon boundaries for BRAF exon 99",
        ),
        (
            "      - pmid: 25265492",
            "      - note: no source",
            11,
            "rules.0.evidence.0",
            "a citation needs one of pmid",
        ),
        ("  - id: test-rule", "  - id: Test Rule", 3, "rules.0.id", "should match pattern"),
        ("gene: BRAF", "gene: BRAFF", 1, "gene", "BRAFF"),
        ("gene: BRAF", "gene: B-Raf", 1, "gene", None),
        (
            "    level: 1",
            "    level: 1\n    colour: red",
            9,
            "rules.0.colour",
            "unknown field 'colour'",
        ),
    ],
)
def test_errors_name_file_line_field(
    tmp_path: Path, old: str, new: str, line: int, field: str, needle: str | None
) -> None:
    path = write(tmp_path, GOOD.replace(old, new))
    with pytest.raises(RuleFileError) as info:
        load_rule_file(path)
    error = info.value
    assert error.path == str(path)
    assert error.line == line
    assert error.field == field
    if needle:
        assert needle in str(error)
    assert str(error).startswith(f"{path}:{line}: ")


def test_invalid_yaml_reports_its_line(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("therapy: [dabrafenib]", "therapy: [dabrafenib"))
    with pytest.raises(RuleFileError, match="invalid YAML") as info:
        load_rule_file(path)
    assert info.value.line is not None and info.value.line >= 7


def test_duplicate_key_and_duplicate_id(tmp_path: Path) -> None:
    with pytest.raises(RuleFileError, match="duplicate key 'level'"):
        load_rule_file(write(tmp_path, GOOD.replace("level: 1", "level: 1\n    level: 2")))
    directory = tmp_path / "dup"
    directory.mkdir()
    write(directory, GOOD, "A.yaml")
    write(directory, GOOD, "B.yaml")
    with pytest.raises(RuleFileError, match="duplicate rule id 'test-rule'"):
        load_rules(directory)


def test_gene_and_biomarker_are_exclusive(tmp_path: Path) -> None:
    with pytest.raises(RuleFileError, match="exactly one of 'gene' or 'biomarker'"):
        load_rule_file(write(tmp_path, GOOD.replace("gene: BRAF", "gene: BRAF\nbiomarker: TMB")))


def test_alias_gene_symbol_must_be_the_approved_one(tmp_path: Path) -> None:
    with pytest.raises(RuleFileError, match="use the approved symbol 'ERBB2'"):
        load_rule_file(write(tmp_path, GOOD.replace("gene: BRAF", "gene: HER2")))


def test_brand_name_in_therapy_asks_for_generic(tmp_path: Path) -> None:
    with pytest.raises(RuleFileError, match="write the generic name 'dabrafenib'"):
        load_rule_file(write(tmp_path, GOOD.replace("[dabrafenib]", "[Tafinlar]")))


def test_fda_citation_needs_a_year(tmp_path: Path) -> None:
    text = GOOD.replace("- pmid: 25265492", "- fda: Tafinlar label")
    with pytest.raises(RuleFileError, match="needs its year"):
        load_rule_file(write(tmp_path, text))


def test_json_schema_describes_rule_files() -> None:
    schema = rule_schema()
    assert schema["title"] == "RuleFile"
    spec = schema["$defs"]["RuleSpec"]
    assert set(spec["required"]) >= {
        "id",
        "alteration",
        "therapy",
        "effect",
        "level",
        "summary",
        "evidence",
    }
    assert spec["properties"]["level"]["enum"] == list(LEVELS)
    json.dumps(schema)


@pytest.mark.parametrize(
    ("entry", "gene", "granularity", "kind"),
    [
        ("V600E", "BRAF", "exact", "exact"),
        ("V600", "BRAF", "codon", "codon"),
        ("codons 12, 13, 61", "KRAS", "range", "codons"),
        ("codons 729-761", "EGFR", "range", "codons"),
        ("exon 19 deletion", "EGFR", "exon", "exon"),
        ("exon 14 skipping", "MET", "exon", "exon"),
        ("truncating mutations", "TP53", "class", "class"),
        ("fusion", "ALK", "fusion", "fusion"),
        ("EML4::ALK fusion", None, "exact", "fusion"),
        ("KRAS mutations", None, "class", "class"),
        ("amplification", "ERBB2", "exact", "exact"),
        ("TMB >= 10", None, "biomarker", "biomarker"),
        ("MSI-H", None, "biomarker", "biomarker"),
        ("any", "BRAF", "gene", "any"),
    ],
)
def test_pattern_grammar(entry: str, gene: str | None, granularity: str, kind: str) -> None:
    [pattern] = parse_pattern(entry, gene)
    assert (pattern.granularity, pattern.kind) == (granularity, kind)


def test_oncogenic_mutations_expand_by_gene_role() -> None:
    [tsg] = parse_pattern("oncogenic mutations", "TP53")
    assert (tsg.kind, tsg.text) == ("oncogenic", "oncogenic mutations")
    matcher = Matcher(compile_patterns([tsg, *parse_pattern("oncogenic mutations", "KRAS")]))
    lines = ["TP53 R213*", "TP53 deletion", "TP53 P72R", "KRAS G12D", "KRAS Q61H", "KRAS I36M"]
    # A report line that says only "<gene> oncogenic mutation" (no change named) meets the
    # class entry; "<gene> mutation" does not (it may be a VUS).
    lines += ["KRAS oncogenic mutation", "TP53 oncogenic mutation", "TP53 mutation"]
    hits = matcher.match([actionable.parse_variant(line) for line in lines])
    assert [bool(h) for h in hits] == [True, True, False, True, True, False, True, True, False]
    with pytest.raises(RuleFileError, match=r"needs ZFP36L2 in knowledgebase/gene_roles\.yaml"):
        parse_pattern("oncogenic mutations", "ZFP36L2")


def test_bad_codon_range_and_missing_gene() -> None:
    with pytest.raises(RuleFileError, match="runs backwards"):
        parse_pattern("codons 20-10", "KRAS")
    with pytest.raises(RuleFileError, match="names no gene"):
        parse_pattern("mutations", None)


def test_bundled_rules_load_and_sources_filter() -> None:
    rules = load_rules(sources=["curated"])
    assert len(rules) > 0
    assert {r.source for r in rules} == {"curated"}
    ids = [r.id for r in rules]
    assert len(ids) == len(set(ids))


# --------------------------------------------------------------------------- properties
ALTERATIONS = {
    "BRAF": ["V600E", "V600K", "V600", "K601E", "fusion", "amplification", "mutations"],
    "EGFR": ["L858R", "T790M", "exon 19 deletion", "exon 20 insertion", "G719", "C797S"],
    "KRAS": ["G12C", "G12D", "codons 12, 13, 61", "mutations", "amplification"],
    "TP53": ["R175H", "R213*", "truncating mutations", "oncogenic mutations"],
}
TUMORS = ["MEL", "NSCLC", "LUAD", "COADREAD", "HGNEC", "BRCA", "all_solid", "all", "AML"]
DRUGS = ["dabrafenib", "trametinib", "erlotinib", "osimertinib", "cetuximab", "pembrolizumab"]

rule_strategy = st.fixed_dictionaries(
    {
        "gene": st.sampled_from(sorted(ALTERATIONS)),
        "level": st.sampled_from(LEVELS),
        "effect": st.sampled_from(["sensitivity", "resistance"]),
        "include": st.lists(st.sampled_from(TUMORS), min_size=1, max_size=3, unique=True),
        "therapy": st.lists(st.sampled_from(DRUGS), min_size=1, max_size=3, unique=True),
        "pmid": st.integers(min_value=1, max_value=40_000_000),
        "pick": st.integers(min_value=0, max_value=100),
        "n": st.integers(min_value=1, max_value=4),
    }
)


def _document(spec: dict[str, object], count: int) -> dict[str, object]:
    gene = str(spec["gene"])
    options = ALTERATIONS[gene]
    rules = []
    for i in range(count):
        rules.append(
            {
                "id": f"prop-{gene.lower()}-{i}",
                "alteration": options[(int(spec["pick"]) + i) % len(options)],  # type: ignore[call-overload]
                "tumor": {"include": spec["include"]},
                "therapy": spec["therapy"],
                "effect": spec["effect"],
                "level": spec["level"],
                "summary": "A generated rule for property tests.",
                "evidence": [{"pmid": spec["pmid"]}],
            }
        )
    return {"gene": gene, "rules": rules}


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(spec=rule_strategy)
def test_generated_rule_files_round_trip(tmp_path: Path, spec: dict[str, object]) -> None:
    count = int(spec["n"])  # type: ignore[call-overload]
    document = _document(spec, count)
    path = tmp_path / "gen.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    rules = load_rule_file(path)
    assert [r.id for r in rules] == [r["id"] for r in document["rules"]]  # type: ignore[index]
    for rule, raw in zip(rules, document["rules"], strict=True):  # type: ignore[call-overload]
        assert rule.gene == document["gene"]
        assert rule.level == raw["level"] and rule.effect == raw["effect"]
        assert rule.therapy == tuple(raw["therapy"])
        assert rule.tumor.include == tuple(raw["tumor"]["include"])
        assert rule.evidence[0].pmid == raw["evidence"][0]["pmid"]
        assert rule.patterns  # every entry compiles to at least one pattern
    # And the engine accepts whatever the loader accepts.
    actionable.Engine(rules)


CORRUPTIONS = {
    "level": ("9", "rules.{i}.level"),
    "effect": ("maybe", "rules.{i}.effect"),
    "therapy": (["notadrug"], "therapy.0"),
    "summary": ("short", "rules.{i}.summary"),
    "evidence": ([], "rules.{i}.evidence"),
}


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    spec=rule_strategy,
    which=st.sampled_from(sorted(CORRUPTIONS)),
    victim=st.integers(min_value=0, max_value=3),
)
def test_generated_corruptions_point_at_the_right_line(
    tmp_path: Path, spec: dict[str, object], which: str, victim: int
) -> None:
    count = int(spec["n"])  # type: ignore[call-overload]
    victim %= count
    document = _document(spec, count)
    value, field = CORRUPTIONS[which]
    document["rules"][victim][which] = value  # type: ignore[index]
    text = yaml.safe_dump(document, sort_keys=False)
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RuleFileError) as info:
        load_rule_file(path)
    error = info.value
    assert error.field == field.format(i=victim)
    # The reported line holds the offending key of the right rule.
    lines = text.splitlines()
    assert error.line is not None
    assert lines[error.line - 1].lstrip(" -").startswith(f"{which}:")
    starts = [n for n, line in enumerate(lines, 1) if line.startswith("- id:")]
    assert starts[victim] <= error.line < (starts[victim + 1] if victim + 1 < count else 10**9)


def test_fusion_entry_may_repeat_its_gene_first() -> None:
    [plain] = parse_pattern("EML4::ALK fusion", None)
    [prefixed] = parse_pattern("ALK EML4::ALK fusion", None)
    assert prefixed == plain
    assert plain.partners == ("EML4", "ALK")


def test_published_schema_is_current() -> None:
    from conftest import REPO

    published = json.loads((REPO / "docs" / "rule.schema.json").read_text(encoding="utf-8"))
    assert published == rule_schema(), "regenerate: actionable schema > docs/rule.schema.json"
