"""CIViC release import: the mapping functions, and the import of the real
01-Aug-2024 release (run once per session into a temporary directory)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import yaml

from actionable import drugs
from actionable.rules import load_rule_file, load_rules
from actionable.sources.civic import (
    CivicItem,
    DiseaseMapper,
    DrugNamer,
    ImportResult,
    Skip,
    alteration_for,
    convert_item,
    effect_for,
    import_release,
    level_for,
    origin_for,
    profile_terms,
    split_therapies,
    therapy_groups,
)

REPO = Path(__file__).resolve().parent.parent
RELEASE = REPO.parent / "shared" / "data" / "civic"
BRIDGE = REPO.parent / "shared" / "data" / "tumor_types" / "pcgr_oncotree_phenotypes.tsv.gz"
needs_release = pytest.mark.skipif(not RELEASE.is_dir(), reason="no ../shared/data/civic")


_FAST = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _skip_reason(call: object, *args: object) -> str:
    with pytest.raises(Skip) as info:
        call(*args)  # type: ignore[operator]
    return info.value.reason


# --------------------------------------------------------------------------- effect, level
@pytest.mark.parametrize(
    ("direction", "significance", "effect"),
    [
        ("Supports", "Sensitivity/Response", "sensitivity"),
        ("Supports", "Resistance", "resistance"),
        ("Supports", "Reduced Sensitivity", "resistance"),
    ],
)
def test_effect(direction: str, significance: str, effect: str) -> None:
    assert effect_for(direction, significance) == effect


def test_effect_skips() -> None:
    assert (
        _skip_reason(effect_for, "Does Not Support", "Sensitivity/Response") == "does_not_support"
    )
    assert _skip_reason(effect_for, "Supports", "Adverse Response") == "not_efficacy"


@pytest.mark.parametrize(
    ("level", "effect", "expected"),
    [
        ("A", "sensitivity", "3A"),
        ("B", "sensitivity", "3A"),
        ("C", "sensitivity", "3B"),
        ("D", "sensitivity", "4"),
        ("E", "sensitivity", "4"),
        ("A", "resistance", "R2"),
        ("B", "resistance", "R2"),
        ("E", "resistance", "R2"),
    ],
)
def test_evidence_levels(level: str, effect: str, expected: str) -> None:
    assert level_for(level, effect) == expected


@pytest.mark.parametrize(
    ("flags", "effect", "expected"),
    [
        ({"regulatory_approval": True, "nccn_guideline": "Melanoma"}, "sensitivity", "1"),
        ({"nccn_guideline": "Melanoma"}, "sensitivity", "2"),
        ({"amp_category": "Tier I - Level A"}, "sensitivity", "3A"),
        ({"amp_category": "Tier I - Level B"}, "sensitivity", "3A"),
        ({"amp_category": "Tier II - Level C"}, "sensitivity", "3B"),
        ({"amp_category": "Tier II - Level D"}, "sensitivity", "4"),
        ({"regulatory_approval": True}, "resistance", "R1"),
        ({"amp_category": "Tier I - Level A"}, "resistance", "R2"),
    ],
)
def test_assertion_levels(flags: dict[str, object], effect: str, expected: str) -> None:
    assert level_for(None, effect, assertion=True, **flags) == expected  # type: ignore[arg-type]


def test_origin() -> None:
    assert [origin_for(o) for o in ("Rare Germline", "Common Germline", "Somatic", "N/A")] == [
        "germline",
        "germline",
        "any",
        "any",
    ]


# --------------------------------------------------------------------------- alterations
@pytest.mark.parametrize(
    ("gene", "name", "entries"),
    [
        ("BRAF", "V600E", ["V600E"]),
        ("BRAF", "V600", ["V600"]),
        ("BRAF", "V600E/K", ["V600E", "V600K"]),
        ("KRAS", "G12/G13", ["codons 12, 13"]),
        ("EGFR", "EXON 19 DELETION", ["exon 19 deletion"]),
        ("EGFR", "Exon 20 Insertion", ["exon 20 insertion"]),
        ("MET", "Exon 14 Skipping Mutation", ["exon 14 skipping"]),
        ("ERBB2", "AMPLIFICATION", ["amplification"]),
        ("ERBB2", "Amplification", ["amplification"]),
        ("TP53", "MUTATION", ["mutations"]),
        ("TP53", "Mutation", ["mutations"]),
        ("PTEN", "Loss-of-function", ["truncating mutations"]),
        ("PTEN", "LOSS", ["loss"]),
        ("CDKN2A", "DELETION", ["deletion"]),
        ("ERBB2", "OVEREXPRESSION", ["overexpression"]),
        ("ALK", "FUSION", ["fusion"]),
        ("ALK", "EML4::ALK", ["EML4::ALK fusion"]),
        ("ALK", "EML4::ALK e6-e20", ["EML4::ALK fusion"]),
        ("ERBB2", "Y772_A775DUP", ["Y772_A775dup"]),
        ("EGFR", "E746_T751>I", ["E746_T751delinsI"]),
        ("FLT3", "ITD", ["inframe insertions"]),
        ("BRAF", "V600E (c.1799T>A)", ["V600E"]),
    ],
)
def test_alteration_for(gene: str, name: str, entries: list[str]) -> None:
    assert alteration_for(gene, name) == entries


@pytest.mark.parametrize(
    ("gene", "name", "reason"),
    [
        ("CD274", "EXPRESSION", "non_sequencing_marker"),
        ("MGMT", "Promoter Methylation", "non_sequencing_marker"),
        ("KRAS", "RS61764370", "non_sequencing_marker"),
        ("TSC1", "Frameshift Truncation", "alteration_not_mapped"),
        ("EGFR", "VIII", "alteration_not_mapped"),
        ("MRE11", "Frameshift", "alteration_not_mapped"),
    ],
)
def test_alteration_skips(gene: str, name: str, reason: str) -> None:
    assert _skip_reason(alteration_for, gene, name) == reason


def test_profile_single_and_or() -> None:
    single = profile_terms("BRAF V600E")
    assert (single.gene, single.alteration, single.requires) == ("BRAF", ("V600E",), ())
    either = profile_terms("EGFR L858R OR EGFR Exon 19 Deletion")
    assert either.alteration == ("L858R", "exon 19 deletion")
    genes = profile_terms("BRCA1 Mutation OR BRCA2 Mutation")
    assert (genes.gene, genes.alteration) == ("BRCA1", ("mutations", "BRCA2 mutations"))


def test_profile_and_not() -> None:
    both = profile_terms("ABL1 BCR::ABL1 AND ABL1 T315I")
    assert (both.gene, both.alteration, both.requires) == (
        "ABL1",
        ("BCR::ABL1 fusion",),
        ("ABL1 T315I",),
    )
    fusion_required = profile_terms("ROS1 G2032R AND ROS1 CD74::ROS1")
    assert fusion_required.requires == ("CD74::ROS1 fusion",)
    negated = profile_terms("KRAS G12C AND NOT STK11 Mutation")
    assert (negated.alteration, negated.excludes) == (("G12C",), ("STK11 mutations",))
    grouped = profile_terms("BRAF Amplification AND ( BRAF V600E OR BRAF V600K )")
    assert (grouped.alteration, grouped.requires) == (("V600E", "V600K"), ("BRAF amplification",))


@pytest.mark.parametrize(
    "profile",
    [
        "NOT KIT D816V",
        "RB1 Wildtype AND ( CDKN2A Loss OR CDKN2A Mutation ) AND ( TP53 Mutation OR TP53 Loss )",
        "BRAF V600E AND BRAF V600K OR KRAS G12C",
        "BRAF V600E AND ( KRAS G12C",
    ],
)
def test_profile_complex(profile: str) -> None:
    assert _skip_reason(profile_terms, profile) == "complex_profile"


def test_profile_unknown_gene() -> None:
    assert _skip_reason(profile_terms, "NOTAGENE1 V600E") == "unknown_gene"


# --------------------------------------------------------------------------- therapies
def test_therapy_interactions() -> None:
    assert therapy_groups(["Dabrafenib", "Trametinib"], "Combination") == (
        [["Dabrafenib", "Trametinib"]],
        [],
    )
    assert therapy_groups(["Erlotinib", "Gefitinib"], "Substitutes") == (
        [["Erlotinib"], ["Gefitinib"]],
        [],
    )
    assert therapy_groups(["Imatinib"], "") == ([["Imatinib"]], [])
    assert therapy_groups(["Cetuximab", "Chemotherapy"], "Combination") == (
        [["Cetuximab"]],
        ["Chemotherapy"],
    )
    assert (
        _skip_reason(therapy_groups, ["Imatinib", "Nilotinib"], "Sequential")
        == "sequential_therapy"
    )
    assert _skip_reason(therapy_groups, ["BRAF Inhibitor"], "") == "nonspecific_therapy"
    assert _skip_reason(therapy_groups, [], "") == "no_therapy"


def test_split_therapies_keeps_chemical_names() -> None:
    assert split_therapies("Trametinib,Dabrafenib") == ["Trametinib", "Dabrafenib"]
    assert split_therapies("2,4-pyrimidinediamine") == ["2,4-pyrimidinediamine"]
    assert split_therapies("HER2 Inhibitor CP-724,714,Lapatinib") == [
        "HER2 Inhibitor CP-724,714",
        "Lapatinib",
    ]


def test_drug_names() -> None:
    namer = DrugNamer()
    assert namer.name("Dabrafenib") == ["dabrafenib"]  # curated
    assert namer.name("Tafinlar") == ["dabrafenib"]  # curated brand
    assert namer.name("Imatinib Mesylate") == namer.name("Imatinib")
    assert namer.name("FOLFOX Regimen") == ["fluorouracil", "leucovorin", "oxaliplatin"]
    assert namer.name("Akt Inhibitor MK2206") == ["mk2206"]
    assert namer.name("JQ-1") == namer.name("JQ1")  # same lookup key: one name
    text = namer.vocabulary_yaml("test")
    data = yaml.safe_load(text)["drugs"]
    assert "dabrafenib" not in data and "Akt Inhibitor MK2206" in data["mk2206"]["synonyms"]


# --------------------------------------------------------------------------- diseases
def test_disease_overrides_and_fallbacks() -> None:
    mapper = DiseaseMapper(bridge=None)
    assert mapper.codes("162", "Cancer") == ("all",)
    assert mapper.codes("", "Solid Tumor") == ("all_solid",)
    assert mapper.codes("9256", "Colorectal Cancer") == ("COADREAD",)
    assert mapper.codes("3908", "Lung Non-small Cell Carcinoma") == ("NSCLC",)
    assert mapper.codes("1909", "Melanoma") == ("MEL",)
    assert mapper.codes("9119", "Acute Myeloid Leukemia") == ("AML",)
    assert mapper.codes("1612", "Breast Cancer") == ("BREAST",)
    # No override, no bridge: an exact OncoTree name still maps.
    assert mapper.codes("99999999", "Gastrointestinal Stromal Tumor") == ("GIST",)
    assert _skip_reason(mapper.codes, "3852", "Peutz-Jeghers Syndrome") == "disease_not_mapped"


@pytest.mark.skipif(not BRIDGE.is_file(), reason="no UMLS bridge file")
def test_disease_umls_bridge() -> None:
    mapper = DiseaseMapper(overrides=Path("/nonexistent"), bridge=BRIDGE)
    assert mapper.codes("9253", "GIST (any name)") == ("GIST",)
    assert mapper.codes("769", "Neuroblastoma") == ("NBL",)
    assert mapper.used[("769", "Neuroblastoma")][1] == "umls"


def test_convert_item_builds_a_rule() -> None:
    item = CivicItem(
        kind="EID",
        number=1409,
        profile="BRAF V600E",
        disease="Melanoma",
        doid="1909",
        therapies=("Dabrafenib", "Trametinib"),
        interaction="Combination",
        direction="Supports",
        significance="Sensitivity/Response",
        evidence_level="B",
        variant_origin="Rare Germline",
        pmid=25399551,
        nct_ids=("NCT1", "NCT2"),
        url="https://civicdb.org/links/evidence_items/1409",
    )
    ((gene, rule),) = convert_item(item, DiseaseMapper(bridge=None), DrugNamer())
    assert gene == "BRAF" and rule.id == "civic-eid1409" and rule.origin == "germline"
    assert rule.summary.startswith(
        "CIViC EID1409 (level B clinical evidence, supports "
        "sensitivity): dabrafenib + trametinib in Melanoma with"
    )
    assert [(c.pmid, c.civic, c.nct) for c in rule.evidence] == [
        (25399551, "EID1409", "NCT1"),
        (None, None, "NCT2"),
    ]


# --------------------------------------------------------------------------- real release
@pytest.fixture(scope="session")
def imported(tmp_path_factory: pytest.TempPathFactory) -> ImportResult:
    """The 01-Aug-2024 release imported into a temp dir. The drug vocabulary file is
    written there too; while importing (the import loads every file it writes), the
    library reads that file instead of the committed knowledgebase/drugs_civic.yaml."""
    if not RELEASE.is_dir():
        pytest.skip("no ../shared/data/civic")
    root = tmp_path_factory.mktemp("civic-import")
    vocabulary = root / "drugs_civic.yaml"
    original = drugs._vocabulary_files

    def files() -> list[Path]:
        return [p for p in original() if p.name != "drugs_civic.yaml"] + [vocabulary]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(drugs, "_vocabulary_files", files)
        drugs.reload()
        try:
            # The import loads every file it writes with the rule loader.
            result = import_release(RELEASE, root / "civic", drugs_file=vocabulary)
        finally:
            drugs.reload()
    return result


@needs_release
def test_import_converts_at_least_90_percent_in_scope(imported: ImportResult) -> None:
    assert imported.version == "01-Aug-2024"
    assert imported.evidence_read == 2634
    assert imported.assertions_read == 20
    assert imported.percent_in_scope >= 90.0
    assert imported.assertions_converted == imported.assertions_read
    counts = imported.skip_counts()
    assert counts["does_not_support"] == 375
    assert "loader_rejected" not in counts
    assert imported.evidence_converted + sum(counts.values()) == imported.evidence_read


@needs_release
def test_import_writes_one_file_per_gene_and_reports(imported: ImportResult) -> None:
    out = imported.out_dir
    files = sorted(out.glob("*.yaml"))
    assert len(files) == imported.files_written
    report = (out / "IMPORT_REPORT.md").read_text()
    assert "does_not_support" in report and "Disease mapping used" in report
    tsv = (out / "IMPORT_REPORT.tsv").read_text().splitlines()
    assert tsv[0] == "item\treason\tdetail" and len(tsv) == len(imported.skipped) + 1
    header = yaml.safe_load((out / "BRAF.yaml").read_text())
    assert (header["gene"], header["source"], header["version"]) == ("BRAF", "civic", "01-Aug-2024")


@needs_release
def test_imported_rules_are_unique_generated_and_mapped(imported: ImportResult) -> None:
    out = imported.out_dir
    ids: Counter[str] = Counter()
    levels: Counter[str] = Counter()
    for path in out.glob("*.yaml"):
        data = yaml.load(path.read_text(), Loader=_FAST)
        for rule in data["rules"]:
            ids[rule["id"]] += 1
            levels[str(rule["level"])] += 1
            assert rule["summary"].startswith(("CIViC EID", "CIViC AID"))
            assert any(c.get("civic") for c in rule["evidence"])
    assert max(ids.values()) == 1
    assert set(levels) <= {"1", "2", "3A", "3B", "4", "R1", "R2"}
    assert levels["1"] >= 10 and levels["R1"] == 0  # level 1 only from assertions
    aid7 = next(
        r
        for r in yaml.safe_load((out / "BRAF.yaml").read_text())["rules"]
        if r["id"] == "civic-aid7"
    )
    assert (aid7["level"], aid7["tumor"]["include"]) == ("1", ["MEL"])


@needs_release
def test_committed_civic_rules_load() -> None:
    rules = load_rules(sources=["civic"])
    assert len(rules) > 2000
    assert all(r.source == "civic" for r in rules)
    braf = load_rule_file(REPO / "rules" / "civic" / "BRAF.yaml")
    assert any(r.id == "civic-aid7" and r.level == "1" for r in braf)
