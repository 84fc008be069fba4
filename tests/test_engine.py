"""The durable_rules wrapper: matching, limits, partitioning, threads, long runs."""

from __future__ import annotations

import random
import threading

import pytest

import actionable
from actionable import engine as eng
from actionable.engine import (
    MAX_CONDITIONS_PER_FACT,
    MAX_FANOUT,
    Engine,
    Matcher,
    compile_patterns,
    condition_for,
    evaluate_condition,
    fact_for,
)
from actionable.evaluate import default_engine
from actionable.models import Citation, TumorContext
from actionable.rules import Rule, parse_pattern


def texts(hits: frozenset[object]) -> list[str]:
    return sorted(str(p) for p in hits)


def matcher_for(*entries: tuple[str, str | None]) -> Matcher:
    patterns = [p for text, gene in entries for p in parse_pattern(text, gene)]
    return Matcher(compile_patterns(patterns))


# --------------------------------------------------------------------------- granularity
@pytest.mark.parametrize(
    ("entry", "gene", "variant", "expected"),
    [
        ("V600E", "BRAF", "BRAF V600E", True),
        ("V600E", "BRAF", "BRAF V600K", False),
        ("V600", "BRAF", "BRAF V600K", True),
        ("V600", "BRAF", "BRAF V600", True),
        ("V600", "BRAF", "BRAF K601E", False),
        ("codons 12, 13, 61", "KRAS", "KRAS G13D", True),
        ("codons 12, 13, 61", "KRAS", "KRAS Q61H", True),
        ("codons 12, 13, 61", "KRAS", "KRAS A146T", False),
        ("codons 12, 13, 61", "KRAS", "KRAS G12C", True),
        ("exon 19 deletion", "EGFR", "EGFR E746_A750del", True),
        ("exon 19 deletion", "EGFR", "EGFR L747_P753delinsS", True),
        ("exon 19 deletion", "EGFR", "EGFR exon 19 deletion", True),
        ("exon 19 deletion", "EGFR", "EGFR exon 20 insertion", False),
        ("exon 19 deletion", "EGFR", "EGFR L858R", False),
        ("exon 20 insertion", "EGFR", "EGFR D770_N771insSVD", True),
        ("exon 20 insertion", "EGFR", "EGFR exon 20 insertion", True),
        ("exon 20 insertion", "EGFR", "EGFR E746_A750del", False),
        ("truncating mutations", "TP53", "TP53 R213*", True),
        ("truncating mutations", "TP53", "TP53 R175H", False),
        ("truncating mutations", "ZFP36L2", "ZFP36L2 R160fs*314", True),
        ("missense mutations", "TP53", "TP53 R175H", True),
        ("mutations", "KRAS", "KRAS G12D", True),
        ("mutations", "KRAS", "KRAS amplification", False),
        ("oncogenic mutations", "TP53", "TP53 R213*", True),
        ("oncogenic mutations", "TP53", "TP53 deletion", True),
        ("oncogenic mutations", "KRAS", "KRAS G12V", True),
        ("oncogenic mutations", "KRAS", "KRAS I36M", False),
        ("fusion", "ALK", "EML4::ALK fusion", True),
        ("fusion", "ALK", "ALK fusion", True),
        ("fusion", "ALK", "ALK amplification", False),
        ("EML4::ALK fusion", None, "EML4-ALK", True),
        ("EML4::ALK fusion", None, "NPM1::ALK fusion", False),
        ("amplification", "ERBB2", "HER2 amplification", True),
        ("amplification", "ERBB2", "ERBB2 deletion", False),
        ("any", "BRAF", "BRAF amplification", True),
    ],
)
def test_granularity(entry: str, gene: str | None, variant: str, expected: bool) -> None:
    matcher = matcher_for((entry, gene))
    hits = matcher.match([actionable.parse_variant(variant)])[0]
    assert bool(hits) is expected


def test_biomarker_conditions_route_only_their_biomarker() -> None:
    matcher = matcher_for(("MSI-H", None), ("dMMR", None), ("TMB >= 10", None))
    variants = [actionable.parse_variant(t) for t in ("MSI-H", "MSS", "dMMR", "TMB 12 mut/Mb")]
    assert [texts(h) for h in matcher.match(variants)] == [["MSI-H"], [], ["dMMR"], ["TMB >= 10"]]


def test_one_variant_reports_every_pattern_it_matches() -> None:
    matcher = matcher_for(
        ("V600E", "BRAF"),
        ("V600", "BRAF"),
        ("mutations", "BRAF"),
        ("oncogenic mutations", "BRAF"),
        ("any", "BRAF"),
    )
    hits = matcher.match([actionable.parse_variant("BRAF V600E")])[0]
    assert texts(hits) == [
        "BRAF V600",
        "BRAF V600E",
        "BRAF any alteration",
        "BRAF mutations",
        "BRAF oncogenic mutations",
    ]


def test_fusion_fact_reaches_both_partner_partitions() -> None:
    matcher = matcher_for(("fusion", "ALK"), ("fusion", "EML4"))
    hits = matcher.match([actionable.parse_variant("EML4::ALK fusion")])[0]
    assert len(hits) == 2
    assert {p.gene for p in hits} == {"ALK", "EML4"}


def test_variant_of_a_gene_without_rules_matches_nothing() -> None:
    matcher = matcher_for(("V600E", "BRAF"))
    assert matcher.match([actionable.parse_variant("TP53 R175H")]) == [frozenset()]


# --------------------------------------------------------------------------- compile
def test_identical_conditions_become_one_engine_rule() -> None:
    # 300 identical conditions would crash durable_rules (256 segfault); merged, it is one.
    patterns = [parse_pattern("V600E", "BRAF")[0] for _ in range(300)]
    compiled = compile_patterns(patterns)
    assert compiled.stats["engine_rules"] == 1
    assert len(next(iter(compiled.groups.values()))) == 300


def test_wide_genes_are_split_into_buckets_under_the_fanout_limit() -> None:
    patterns = [p for pos in range(1, 1001) for p in parse_pattern(f"A{pos}T", "TTN")]
    compiled = compile_patterns(patterns)
    buckets = compiled.partitions["TTN"]
    assert len(buckets) == 3
    assert all(len(b.conditions) <= MAX_FANOUT for b in buckets)
    hits = Matcher(compiled).match(
        [actionable.parse_variant("TTN A999T"), actionable.parse_variant("TTN A1T")]
    )
    assert [texts(h) for h in hits] == [["TTN A999T"], ["TTN A1T"]]


def test_overlapping_conditions_are_split_so_no_fact_matches_too_many() -> None:
    # 79 overlapping ranges: one ruleset would let a fact match 79 conditions at once
    # (the engine fails above 64); the compiler splits them instead.
    patterns = [p for lo in range(1, 80) for p in parse_pattern(f"codons {lo}-{lo + 200}", "TTN")]
    compiled = compile_patterns(patterns)
    buckets = compiled.partitions["TTN"]
    assert len(buckets) >= 2
    assert all(len(b.conditions) < MAX_CONDITIONS_PER_FACT for b in buckets)


def test_conditions_are_plain_json_and_evaluable_in_python() -> None:
    pattern = parse_pattern("exon 19 deletion", "EGFR")[0]
    condition = condition_for(pattern)
    assert evaluate_condition(condition, fact_for(actionable.parse_variant("EGFR E746_A750del")))
    assert not evaluate_condition(condition, fact_for(actionable.parse_variant("EGFR L858R")))


def test_engine_agrees_with_python_evaluation_of_the_same_conditions() -> None:
    rng = random.Random(7)
    entries = [
        ("V600E", "BRAF"),
        ("V600", "BRAF"),
        ("codons 12, 13, 61", "KRAS"),
        ("mutations", "KRAS"),
        ("exon 19 deletion", "EGFR"),
        ("exon 20 insertion", "EGFR"),
        ("L858R", "EGFR"),
        ("truncating mutations", "TP53"),
        ("amplification", "ERBB2"),
    ]
    patterns = [p for e, g in entries for p in parse_pattern(e, g)]
    compiled = compile_patterns(patterns)
    matcher = Matcher(compiled)
    pool = [
        "BRAF V600E",
        "BRAF V600K",
        "BRAF K601E",
        "KRAS G12C",
        "KRAS Q61H",
        "KRAS A146T",
        "EGFR E746_A750del",
        "EGFR L858R",
        "EGFR D770_N771insSVD",
        "EGFR T790M",
        "TP53 R213*",
        "TP53 R175H",
        "ERBB2 amplification",
        "ERBB2 S310F",
        "KRAS amplification",
    ]
    for _ in range(50):
        variants = [actionable.parse_variant(t) for t in rng.sample(pool, 5)]
        got = matcher.match(variants)
        for variant, hits in zip(variants, got, strict=True):
            expected = {
                p
                for p in patterns
                if p.gene in variant.genes
                and evaluate_condition(condition_for(p), fact_for(variant))
            }
            assert set(hits) == expected, variant


# --------------------------------------------------------------------------- runs
def _patients() -> list[tuple[list[str], str]]:
    return [
        (["BRAF V600E", "TP53 R213*", "MSS"], "colon NEC"),
        (["BRAF V600E", "TMB 14 mut/Mb"], "melanoma"),
        (["BRAF V600E"], "COAD"),
        (["BRAF V600K", "TP53 R175H"], "MEL"),
        (["MSI-H", "KRAS G12D"], "COADREAD"),
    ]


def _summary(report: actionable.Report) -> list[tuple[str, str, str, str]]:
    return [(r.rule_id, r.therapy.name, r.level, r.effect) for r in report.recommendations]


def test_threads_give_the_same_results_as_serial() -> None:
    patients = _patients()
    serial = [_summary(actionable.evaluate(v, tumor=t)) for v, t in patients]
    errors: list[BaseException] = []
    results: dict[int, list[list[tuple[str, str, str, str]]]] = {}

    def work(worker: int) -> None:
        try:
            results[worker] = [
                _summary(
                    actionable.evaluate(
                        *patients[(i + worker) % len(patients)][:1],
                        tumor=patients[(i + worker) % len(patients)][1],
                    )
                )
                for i in range(200)
            ]
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(w,)) for w in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(results) == list(range(8))
    for worker, got in results.items():
        expected = [serial[(i + worker) % len(patients)] for i in range(200)]
        assert got == expected, worker


def test_five_thousand_evaluations_in_a_row_stay_correct() -> None:
    engine = default_engine(["curated"])
    first = _summary(actionable.evaluate(["BRAF V600E", "TP53 R213*"], tumor="HGNEC", rules=engine))
    # KRAS G12D has no targeted option in HGNEC (the avutometinib + defactinib label
    # for low-grade serous ovarian cancer does not travel): nothing of the BRAF patient
    # may leak into that empty answer
    second = _summary(actionable.evaluate(["KRAS G12D", "MSS"], tumor="HGNEC", rules=engine))
    assert second == []
    for i in range(5000):
        variants = ["BRAF V600E", "TP53 R213*"] if i % 2 == 0 else ["KRAS G12D", "MSS"]
        report = actionable.evaluate(variants, tumor="HGNEC", rules=engine)
        assert _summary(report) == (first if i % 2 == 0 else second)
    assert first[0][:3] == ("braf-v600e-solid-tumor-agnostic", "dabrafenib + trametinib", "1")


def test_engine_never_holds_patient_facts_between_evaluations() -> None:
    engine = Engine.load()
    actionable.evaluate(["BRAF V600E"], tumor="MEL", rules=engine)
    host = eng._get_host()
    for buckets in engine.compiled.partitions.values():
        for bucket in buckets:
            if bucket.name in eng._handles:
                facts = host.get_facts(bucket.name, "s")
                assert facts == []


# --------------------------------------------------------------------------- scale
def _generated_rules() -> list[Rule]:
    """20,000 rules over 300 genes: one gene with 1,000 alterations, one alteration
    with 400 rules across tumor types, the rest Zipf-like."""
    rng = random.Random(11)
    evidence = (Citation(pmid=32758030),)
    tumors = ["LUAD", "COAD", "MEL", "BRCA", "PAAD", "HGNEC", "GB", "PRAD", "BLCA", "AML"]
    from actionable.genes import _rows
    from actionable.variants._checks import conflict

    first = ["TTN", "BRAF", "KRAS", "EGFR", "TP53", "PIK3CA", "NRAS", "ERBB2", "KIT", "MET"]
    others = sorted(g for g in _rows() if g.isalnum() and g.isupper() and g not in first)
    genes = first + rng.sample(others, 300 - len(first))
    rules: list[Rule] = []

    def add(gene: str, change: str, tumor: str, n: int) -> None:
        pattern = parse_pattern(change, gene)[0]
        rules.append(
            Rule(
                id=f"gen-{n}",
                gene=gene,
                biomarker=None,
                patterns=(pattern,),
                tumor=TumorContext(include=(tumor,)),
                therapy=("dabrafenib",),
                effect="sensitivity",
                level="3A",
                summary="generated rule for scale tests",
                evidence=evidence,
                file="generated.yaml",
            )
        )

    n = 0
    for pos in range(1, 1001):  # one gene, 1,000 alterations
        add("TTN", f"A{pos}T", tumors[pos % len(tumors)], n)
        n += 1
    for _ in range(400):  # one alteration, 400 rules across tumor types
        add("BRAF", "V600E", tumors[n % len(tumors)], n)
        n += 1
    weights = [1 / (i + 1) for i in range(len(genes))]
    while n < 20000:
        gene = rng.choices(genes, weights)[0]
        if gene == "TTN":
            continue
        position = rng.randint(1, 900)
        alt = rng.choice("ACDEFHIKLMNPQRSTVWY")
        if conflict(gene, position, None, "G") is not None:
            continue  # a residue or length the parser knows otherwise (KRAS G400D)
        add(gene, f"G{position}{alt}", rng.choice(tumors), n)
        n += 1
    return rules


@pytest.mark.slow
def test_twenty_thousand_generated_rules_load_and_evaluate_correctly() -> None:
    rules = _generated_rules()
    assert len(rules) == 20000 and len({r.gene for r in rules}) == 300
    engine = Engine(rules, name="generated")
    assert engine.compiled.stats["largest_ruleset"] <= MAX_FANOUT
    assert len(engine.compiled.partitions["TTN"]) >= 3
    report = actionable.evaluate(["TTN A777T", "BRAF V600E"], tumor="LUAD", rules=engine)
    got = {r.rule_id for r in report.recommendations}
    # All V600E rules curated in LUAD merge into one dabrafenib recommendation.
    luad_braf = [
        r.id
        for r in rules
        if r.gene == "BRAF" and r.patterns[0].alteration == "V600E" and r.tumor.include == ("LUAD",)
    ]
    assert luad_braf, "the generator puts some V600E rules in LUAD"
    braf = [r for r in report.recommendations if r.variant.gene == "BRAF"]
    assert len(braf) == 1 and braf[0].level == "3A"
    assert braf[0].rule_id == min(luad_braf)
    assert set(braf[0].supporting_rules) == set(luad_braf) - {braf[0].rule_id}
    ttn_rule = next(r for r in rules if r.gene == "TTN" and r.patterns[0].alteration == "A777T")
    ttn = [r for r in report.recommendations if r.variant.gene == "TTN"]
    if "LUAD" in ttn_rule.tumor.include:
        assert [r.rule_id for r in ttn] == [ttn_rule.id]
    else:
        assert ttn == [] or ttn[0].level == "3B"
    assert braf[0].rule_id in got
    # Every rule of a Zipf-heavy gene is reachable: sample some and evaluate each.
    for rule in random.Random(3).sample(rules[1400:], 25):
        tumor = rule.tumor.include[0]
        variant = f"{rule.gene} {rule.patterns[0].alteration}"
        ids = {
            r.rule_id
            for r in actionable.evaluate([variant], tumor=tumor, rules=engine).recommendations
        }
        same = sorted(
            r.id
            for r in rules
            if r.gene == rule.gene and r.patterns[0] == rule.patterns[0] and r.tumor == rule.tumor
        )
        assert ids == {same[0]}, (variant, tumor)
