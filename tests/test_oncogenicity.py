"""Oncogenicity and mutation effect per variant (oncogenicity.classify) and its one meaning
of the rule entry ``oncogenic mutations`` across the engine, the report and the table."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
import yaml

import actionable
from actionable.cohort import ONCOKB_COLUMNS, Annotator
from actionable.engine import Matcher, compile_patterns, fact_for
from actionable.models import Variant
from actionable.oncogenicity import (
    classify,
    counts_as_oncogenic_mutation,
    gene_role,
    pathogenic_missense,
)
from actionable.report import html, markdown
from actionable.rules import Pattern, curated_variant_calls, load_rules

REPO = Path(__file__).resolve().parent.parent
KB = REPO / "knowledgebase"
CORPUS = Path(__file__).parent / "corpus" / "oncogenicity.tsv"
SHARED = REPO.parent / "shared" / "data"


def _corpus() -> list[dict[str, str]]:
    with CORPUS.open(encoding="utf-8") as handle:
        rows = (line for line in handle if not line.startswith("#"))
        return list(csv.DictReader(rows, delimiter="\t"))


ROWS = _corpus()


def test_the_table_is_large_and_covers_every_kind_of_call() -> None:
    assert len(ROWS) >= 150
    assert len({r["variant"] for r in ROWS}) == len(ROWS)
    calls = {r["oncogenicity"] for r in ROWS}
    assert calls >= {"Oncogenic", "Likely Oncogenic", "Likely Neutral", "Unknown"}
    sources = {r["source"] for r in ROWS}
    assert sources >= {
        "curated-rule", "pathogenic-missense", "benign-list", "civic", "hotspot",
        "gene-role", "fusion-driver", "copy-number", "none",
    }  # fmt: skip


@pytest.mark.parametrize("row", ROWS, ids=[r["variant"] for r in ROWS])
def test_expected_oncogenicity(row: dict[str, str]) -> None:
    call = classify(actionable.parse_variant(row["variant"]))
    assert (call.oncogenicity, call.mutation_effect, call.source) == (
        row["oncogenicity"],
        row["mutation_effect"],
        row["source"],
    )
    assert (call.is_hotspot, call.is_3d_hotspot) == (
        row["hotspot"] == "1",
        row["hotspot_3d"] == "1",
    )
    assert call.reason and "\n" not in call.reason
    if call.oncogenicity != "Unknown":
        assert call.citations, row["variant"]  # every call but a VUS cites its source


# --------------------------------------------------------------------------- the seed's NEC
def _pmids(variant: str) -> set[int]:
    return {c.pmid for c in classify(actionable.parse_variant(variant)).citations if c.pmid}


def test_seed_braf_v600e_is_oncogenic_by_its_curated_rule() -> None:
    call = classify(actionable.parse_variant("BRAF V600E"))
    assert (call.oncogenicity, call.mutation_effect) == ("Oncogenic", "Gain-of-function")
    assert call.reason.startswith("named by the curated level 1 rule braf-v600")
    assert call.is_hotspot and call.is_3d_hotspot
    assert any(c.fda for c in call.citations)


def test_seed_tp53_r175h_recurrence_and_civic_function_make_it_oncogenic() -> None:
    call = classify(actionable.parse_variant("TP53 R175H"))
    assert (call.oncogenicity, call.mutation_effect) == ("Oncogenic", "Loss-of-function")
    assert "CIViC functional evidence" in call.reason
    assert {26619011, 29247016, 28115009} <= _pmids("TP53 R175H")
    assert "EID10527" in {c.civic for c in call.citations}  # dominant negative, PMID 10519380


def test_seed_tp53_r213_stop_is_a_recurrent_truncation_of_a_tumor_suppressor() -> None:
    call = classify(actionable.parse_variant("TP53 R213*"))
    assert (call.oncogenicity, call.mutation_effect) == ("Oncogenic", "Loss-of-function")
    assert call.is_hotspot and not call.is_3d_hotspot
    assert "truncating change of a tumor suppressor" in call.reason


def test_seed_gna11_f341l_is_a_vus_outside_the_gna11_hotspots() -> None:
    call = classify(actionable.parse_variant("GNA11 F341L"))
    assert (call.oncogenicity, call.mutation_effect) == ("Unknown", "Unknown")
    assert not call.is_hotspot and not call.is_3d_hotspot
    assert "outside its known hotspots" in call.reason
    # What would decide it: the GNA11 hotspots are Q209 and R183 (gene_roles, Cancer Hotspots).
    role = gene_role("GNA11")
    assert role is not None and set(role.hotspots) == {"Q209", "R183"}
    assert classify(actionable.parse_variant("GNA11 Q209L")).oncogenicity == "Oncogenic"


def test_seed_zfp36l2_frameshift_is_unknown_without_a_curated_role() -> None:
    call = classify(actionable.parse_variant("ZFP36L2 R160fs*314"))
    assert (call.oncogenicity, call.mutation_effect) == ("Unknown", "Unknown")
    assert gene_role("ZFP36L2") is None
    assert "no curated cancer role for ZFP36L2" in call.reason


# --------------------------------------------------------------------------- one meaning
def _oncogenic_rules() -> list[tuple[str, Pattern]]:
    out = []
    for rule in load_rules(sources=["curated"]):
        out.extend((rule.id, p) for p in rule.patterns if p.kind == "oncogenic")
    return out


def _generated(gene: str) -> list[Variant]:
    """Variants of a gene from every source the classifier reads, and around them."""
    lines = [f"{gene} deletion", f"{gene} amplification", f"{gene} A2T", f"{gene} M1?"]
    for position in (5, 40, 150, 400, 900, 1500, 2500, 3300, 3326, 3400):
        lines += [f"{gene} R{position}*", f"{gene} S{position}fs", f"{gene} L{position}P"]
    with (KB / "hotspots.tsv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            if row["gene"] != gene:
                continue
            start = int(row["start"])
            if row["kind"] in ("snv", "3d") and row["ref"]:
                for alt in {*row["alts"].split(","), "A", "W", "*"} - {"", row["ref"]}:
                    lines.append(f"{gene} {row['ref']}{start}{alt}")
            elif row["kind"] == "indel":
                lines.append(f"{gene} A{start}_A{start + 2}del")
    role = gene_role(gene)
    lines += [
        f"{gene} {h}" for h in (role.hotspots if role else ()) if h[0].isalpha() and h[1:].isdigit()
    ]
    lines += [f"{gene} {h}V" for h in (role.hotspots if role else ()) if h[1:].isdigit()]
    lines += [f"{gene} {e.variant}" for e in pathogenic_missense(gene) if " " not in e.variant]
    variants = []
    for line in dict.fromkeys(lines):
        try:
            variants.append(actionable.parse_variant(line))
        except actionable.VariantParseError:
            continue
    return variants


def test_oncogenic_mutations_rules_match_exactly_what_classify_calls_oncogenic() -> None:
    pairs = _oncogenic_rules()
    assert len(pairs) > 50
    patterns = [p for _, p in pairs]
    matcher = Matcher(compile_patterns(patterns))
    genes = sorted({str(p.gene) for p in patterns})
    checked = oncogenic = 0
    for gene in genes:
        variants = _generated(gene)
        for variant, hits in zip(variants, matcher.match(variants), strict=True):
            in_gene = {p for p in hits if p.gene == variant.gene}
            call = classify(variant)
            expected = call.is_oncogenic and counts_as_oncogenic_mutation(variant)
            assert bool(in_gene) == expected, (str(variant), call.reason)
            checked += 1
            oncogenic += expected
    assert checked > 2000 and 0.05 < oncogenic / checked < 0.95


def test_report_and_table_carry_the_same_call_as_the_engine() -> None:
    report = actionable.evaluate(["BRAF V600E", "TP53 R213*", "GNA11 F341L"], tumor="HGNEC")
    assert [c.oncogenicity for c in report.oncogenicity] == ["Oncogenic", "Oncogenic", "Unknown"]
    assert report.oncogenicity == tuple(classify(v) for v in report.variants)
    data = json.loads(json.dumps(report.to_dict()))
    assert data["oncogenicity"][1]["mutation_effect"] == "Loss-of-function"
    assert data["oncogenicity"][0]["is_hotspot"] is True
    page = html.render_html(report)
    assert "<th>Oncogenicity</th>" in page and ">Likely Oncogenic<" not in page
    assert page.count(">Oncogenic</span>") == 2 and ">Unknown</span>" in page
    text = markdown.render_markdown(report)
    assert "| TP53 | R213\\* |  |  | unknown | Oncogenic (hotspot) |" in text
    annotator = Annotator()
    cols = dict(
        zip(
            ONCOKB_COLUMNS,
            annotator.columns(actionable.parse_variant("TP53 R175H"), None),
            strict=True,
        )
    )
    assert ONCOKB_COLUMNS[3:6] == ("MUTATION_EFFECT", "MUTATION_EFFECT_CITATIONS", "ONCOGENIC")
    assert (cols["ONCOGENIC"], cols["MUTATION_EFFECT"]) == ("Oncogenic", "Loss-of-function")
    cites = cols["MUTATION_EFFECT_CITATIONS"].split(";")
    assert "26619011" in cites  # PMIDs as plain numbers, as the OncoKB annotator writes them
    assert "10519380" in cites  # CIViC EID10527's publication


def test_engine_fact_carries_the_verdict_only_for_mutations() -> None:
    assert fact_for(actionable.parse_variant("KRAS G12D"))["o"] == 1
    assert "o" not in fact_for(actionable.parse_variant("MYC amplification"))  # Likely Oncogenic
    assert "o" not in fact_for(actionable.parse_variant("EML4::ALK fusion"))  # Oncogenic
    assert "o" not in fact_for(actionable.parse_variant("KRAS I36M"))  # 3D cluster only


def test_a_hotspot_of_an_oncogene_widens_its_oncogenic_mutations_rules() -> None:
    """BRAF D594G is not a curated gene_roles hotspot, but a recurrent Cancer Hotspots
    residue: Likely Oncogenic, so rules on BRAF oncogenic mutations see it, and the
    rationale says why."""
    call = classify(actionable.parse_variant("BRAF D594G"))
    assert (call.oncogenicity, call.is_hotspot) == ("Likely Oncogenic", True)
    assert counts_as_oncogenic_mutation(actionable.parse_variant("BRAF D594G"))


# --------------------------------------------------------------------------- sources current
def test_curated_calls_file_is_current_with_the_rules() -> None:
    data = yaml.safe_load((KB / "curated_oncogenic.yaml").read_text(encoding="utf-8"))
    assert data["variants"] == curated_variant_calls(load_rules(sources=["curated"]))


@pytest.mark.skipif(not (SHARED / "hotspots").is_dir(), reason="no ../shared/data/hotspots")
def test_hotspots_file_is_the_build_of_the_shared_data() -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "build_hotspots", REPO / "scripts" / "build_hotspots.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    rows = module.build()
    with (KB / "hotspots.tsv").open(encoding="utf-8") as handle:
        committed = [tuple(line.rstrip("\n").split("\t")) for line in handle][1:]
    assert committed == rows


@pytest.mark.skipif(not (SHARED / "civic").is_dir(), reason="no ../shared/data/civic")
def test_civic_oncogenic_file_is_the_build_of_the_release() -> None:
    from actionable.sources.civic.oncogenic import oncogenic_entries, read_oncogenic

    version, items = read_oncogenic(SHARED / "civic")
    data = yaml.safe_load((KB / "civic_oncogenic.yaml").read_text(encoding="utf-8"))
    assert data["release"] == version
    assert data["variants"] == oncogenic_entries(items)
    # Conflicting oncogenic items make a call Inconclusive; one "does not support" alone,
    # Likely Neutral.
    kras = {e["variant"]: e for e in data["variants"] if e["gene"] == "KRAS"}
    assert kras["R164Q"]["oncogenicity"] == "Likely Neutral"


def test_an_unplaced_truncation_of_a_tumor_suppressor_counts_for_its_class_rules() -> None:
    # "NF1 truncating mutation": no codon, but NF1 has no truncation cut-off.
    variant = actionable.parse_variant("NF1 truncating mutation")
    call = classify(variant)
    assert (call.oncogenicity, call.mutation_effect) == (
        "Likely Oncogenic",
        "Likely Loss-of-function",
    )
    assert "give the change" in call.reason
    assert counts_as_oncogenic_mutation(variant)
    report = actionable.evaluate(["NF1 truncating mutation"], tumor="low-grade glioma")
    assert ("3B", ("selumetinib",)) in [(r.level, r.therapy.drugs) for r in report.recommendations]


def test_an_unplaced_truncation_is_not_called_where_a_cut_off_needs_its_codon() -> None:
    # BRCA2 truncations from codon 3326 leave a working protein: without the codon the
    # call would be a guess, and a guess could offer a PARP inhibitor for K3326*.
    call = classify(actionable.parse_variant("BRCA2 truncating mutation"))
    assert call.oncogenicity == "Unknown"
    assert "3326" in call.reason
    assert not counts_as_oncogenic_mutation(actionable.parse_variant("KRAS truncating mutation"))
