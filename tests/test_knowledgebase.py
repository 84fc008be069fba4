"""Consistency of the curated knowledge base: rules/*.yaml, knowledgebase/drugs.yaml,
knowledgebase/gene_roles.yaml and knowledgebase/oncotree.json.

Checked twice: through the loader (what the engine sees, all sources) and on the raw YAML of
the curated rule files (so that a loader bug cannot hide a curation error).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

from actionable.drugs import all_drugs, parse_therapies, resolve_drug
from actionable.rules import LEVELS, load_rules

REPO = Path(__file__).resolve().parent.parent
RULES = REPO / "rules"
KB = REPO / "knowledgebase"
GROUPS = {"all", "all_solid", "all_liquid"}
BIOMARKER_ENTRIES = {"MSI-H", "MSS", "DMMR", "PMMR", "TMB-H", "HRD"}
CITATION_KEYS = {"pmid", "fda", "guideline", "doi", "url", "abstract", "civic"}
ALLOWED_EVIDENCE_KEYS = CITATION_KEYS | {"nct", "year", "note"}
HGNC = REPO.parent / "shared" / "data" / "hgnc" / "hgnc_symbols_prev_alias_2021-02.tsv"


def _curated_files() -> list[Path]:
    return sorted(RULES.glob("*.yaml"))


def _raw_rules() -> list[tuple[Path, dict]]:
    out = []
    for path in _curated_files():
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for rule in data["rules"]:
            out.append((path, rule))
    return out


def _codes() -> set[str]:
    return set(json.loads((KB / "oncotree.json").read_text(encoding="utf-8"))["codes"])


def _drugs_yaml() -> dict:
    return yaml.safe_load((KB / "drugs.yaml").read_text(encoding="utf-8"))


def _roles() -> dict:
    return yaml.safe_load((KB / "gene_roles.yaml").read_text(encoding="utf-8"))["genes"]


# --------------------------------------------------------------------------- via the loader
@pytest.fixture(scope="module")
def rules():
    return load_rules()


def test_loader_reads_every_rule(rules) -> None:
    curated = [r for r in rules if r.source == "curated"]
    assert len(curated) == len(_raw_rules())
    assert len(curated) >= 250


def test_every_rule_has_a_citation(rules) -> None:
    missing = [r.id for r in rules if not r.evidence]
    assert not missing
    for r in rules:
        for c in r.evidence:
            assert any((c.pmid, c.fda, c.guideline, c.doi, c.url, c.abstract, c.civic)), r.id
            if c.fda or c.guideline:
                assert c.year, r.id


def test_no_duplicate_ids_loader(rules) -> None:
    dupes = [i for i, n in Counter(r.id for r in rules).items() if n > 1]
    assert not dupes


def test_levels_and_effects(rules) -> None:
    for r in rules:
        assert r.level in LEVELS, r.id
        assert (r.effect == "resistance") == (r.level in ("R1", "R2")), r.id


def test_rule_drugs_and_tumors_known(rules) -> None:
    codes = _codes() | GROUPS
    for r in rules:
        for drug in r.therapy:
            assert resolve_drug(drug) == drug, (r.id, drug)
        for code in (*r.tumor.include, *r.tumor.exclude):
            assert code in codes, (r.id, code)


# --------------------------------------------------------------------------- raw YAML
def test_raw_ids_unique_and_well_formed() -> None:
    ids = Counter(rule["id"] for _, rule in _raw_rules())
    assert not [i for i, n in ids.items() if n > 1]
    for i in ids:
        assert re.fullmatch(r"[a-z0-9][a-z0-9._-]*", i), i


def test_raw_citations() -> None:
    for path, rule in _raw_rules():
        evidence = rule.get("evidence") or []
        assert evidence, f"{path.name}: {rule['id']} has no evidence"
        for entry in evidence:
            assert set(entry) <= ALLOWED_EVIDENCE_KEYS, (rule["id"], entry)
            assert set(entry) & CITATION_KEYS, (rule["id"], entry)
            assert all(v is not None for v in entry.values()), (rule["id"], entry)
            if "pmid" in entry:
                assert isinstance(entry["pmid"], int) and entry["pmid"] > 0, rule["id"]
            if "fda" in entry or "guideline" in entry:
                assert isinstance(entry.get("year"), int), rule["id"]


def test_raw_levels_summaries_and_level_3b_wording() -> None:
    for _, rule in _raw_rules():
        level = str(rule["level"])
        assert level in LEVELS, rule["id"]
        assert len(rule["summary"]) >= 30, rule["id"]
        if level == "3B":
            assert re.search(r"off-label|other tumor type", rule["summary"]), rule["id"]


def test_raw_tumor_codes_exist() -> None:
    codes = _codes() | GROUPS
    for _, rule in _raw_rules():
        tumor = rule.get("tumor") or {}
        for code in (*tumor.get("include", []), *tumor.get("exclude", [])):
            assert code in codes, (rule["id"], code)


def test_raw_drugs_exist() -> None:
    drugs = set(_drugs_yaml()["drugs"])
    for _, rule in _raw_rules():
        for drug in rule["therapy"]:
            assert drug in drugs, (rule["id"], drug)


def test_gene_files_are_approved_symbols_with_roles() -> None:
    approved = None
    if HGNC.exists():
        with HGNC.open(encoding="utf-8") as handle:
            approved = {line.split("\t", 1)[0] for line in handle}
    roles = _roles()
    for path in _curated_files():
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if "gene" in data:
            assert data["gene"] == path.stem, path.name
            assert data["gene"] in roles, f"{path.name}: add {data['gene']} to gene_roles.yaml"
            if approved is not None:
                assert data["gene"] in approved, path.name
        else:
            assert data["biomarker"] == path.stem, path.name


def test_requires_and_excludes_name_a_gene_or_biomarker() -> None:
    roles = _roles()
    for _, rule in _raw_rules():
        required = rule.get("requires", [])
        required = [required] if isinstance(required, dict) else required
        for entry in (*required, *rule.get("excludes", [])):
            if isinstance(entry, dict):
                continue  # conditions on patient facts (HER2, HR, PD-L1), checked at load
            first = entry.split()[0]
            assert first in roles or entry.upper() in BIOMARKER_ENTRIES, (rule["id"], entry)


# --------------------------------------------------------------------------- drugs and roles
def test_brand_names_resolve() -> None:
    assert resolve_drug("Tafinlar") == "dabrafenib"
    assert resolve_drug("Mekinist") == "trametinib"
    assert resolve_drug("Tagrisso") == "osimertinib"
    assert resolve_drug("Enhertu") == "trastuzumab deruxtecan"
    assert resolve_drug("T-DM1") == "trastuzumab emtansine"
    assert resolve_drug("Gleevec") == "imatinib"
    assert resolve_drug("AMG 510") == "sotorasib"
    assert resolve_drug("keytruda") == "pembrolizumab"


def test_every_brand_and_synonym_resolves_to_its_drug() -> None:
    for name, entry in _drugs_yaml()["drugs"].items():
        assert name == name.lower(), name
        assert entry.get("class"), name
        for alias in (*entry.get("synonyms", []), *entry.get("brands", [])):
            assert resolve_drug(alias) == name, (alias, name)
    assert len(all_drugs()) >= len(_drugs_yaml()["drugs"])


def test_regimens_expand_to_known_drugs() -> None:
    data = _drugs_yaml()
    for name, members in data["regimens"].items():
        assert set(members) <= set(data["drugs"]), name
    assert parse_therapies(["FOLFOX"]) == {"fluorouracil", "leucovorin", "oxaliplatin"}


def test_gene_roles_well_formed() -> None:
    roles = _roles()
    assert {"TP53", "RB1", "APC", "SMAD4", "CDKN2A", "PTEN", "STK11", "KEAP1", "NF1"} <= set(roles)
    for gene, entry in roles.items():
        assert entry["role"] in ("oncogene", "tumor_suppressor", "both"), gene
        for hotspot in entry.get("hotspots", []):
            assert "," not in str(hotspot) or str(hotspot).startswith("codons"), (gene, hotspot)


def test_a_pmid_names_one_trial() -> None:
    """A PMID cited for two differently named trials means one of the citations is wrong."""
    import re
    from collections import defaultdict

    from actionable.rules import load_rules

    trial = re.compile(r"^[A-Za-z]*[A-Z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*$")
    names: dict[int, set[str]] = defaultdict(set)
    for rule in load_rules(sources=["curated"]):
        for c in rule.evidence:
            if c.pmid and c.note:
                first = c.note.split()[0].rstrip(",;:")
                if trial.match(first) and any(ch.isupper() for ch in first[1:]):
                    names[c.pmid].add(first.upper())
    clashes = {pmid: sorted(n) for pmid, n in names.items() if len(n) > 1}
    assert clashes == {}


# --------------------------------------------------------------------------- benign / pathogenic
def test_curated_variant_lists_load_and_no_curated_rule_names_a_benign_variant(rules) -> None:
    """The lists parse (a bad entry raises on first use) and every benign entry is cited."""
    from actionable import oncogenicity

    benign = yaml.safe_load((KB / "benign_variants.yaml").read_text(encoding="utf-8"))
    for entry in benign["variants"]:
        assert entry["citation"] and entry["classification"], entry
        assert oncogenicity.benign_alterations(entry["gene"]), entry
    for gene in {e["gene"] for e in benign["variants"]}:
        named = {
            p.alteration
            for r in rules
            if r.source == "curated"
            for p in r.patterns
            if p.gene == gene and p.kind == "exact"
        }
        assert not named & set(oncogenicity.benign_alterations(gene)), gene
    missense = yaml.safe_load((KB / "pathogenic_missense.yaml").read_text(encoding="utf-8"))
    for entry in missense["variants"]:
        assert _roles()[entry["gene"]]["role"] in ("tumor_suppressor", "both"), entry
        assert entry["citation"] and entry["classification"], entry


# --------------------------------------------------------------------------- broad contexts
FIXTURES = REPO / "tests" / "fixtures"


def test_broad_context_nodes_are_known_codes() -> None:
    from actionable.rules import broad_nodes

    nodes = {n.code: n for n in broad_nodes()}
    assert {"OVARY", "BREAST", "PROSTATE", "BLADDER", "CHOL", "ASTR", "ODG", "GNOS"} <= set(nodes)
    assert {"EGC", "STOMACH", "NSCLC", "ENCG"} <= set(nodes)
    assert nodes["NSCLC"].only_with == {"pemetrexed", "bevacizumab", "zongertinib"}
    for node in nodes.values():
        assert node.other and node.holds, node.code


def test_broad_context_check_on_fixture_rules() -> None:
    """Warns for the rules named warn-*, stays quiet for quiet-* (tumor.broad, excluded
    branches, a branch named on purpose, resistance, an NSCLC drug that covers LUSC)."""
    from actionable.rules import broad_context_warnings

    fixture = load_rules(FIXTURES / "broad_contexts")
    warnings = broad_context_warnings(fixture)
    assert {(w.rule_id, w.node, w.codes) for w in warnings} == {
        ("warn-chol-root", "CHOL", ("PHCH", "EHCH")),
        ("warn-biliary-ancestor", "CHOL", ("PHCH", "EHCH")),
        ("warn-nsclc-pemetrexed", "NSCLC", ("LUSC",)),
        ("warn-glioma-nos", "GNOS", ("GNOS",)),
    }
    assert {r.id for r in fixture if r.id.startswith("warn-")} == {w.rule_id for w in warnings}
    [chol] = [w for w in warnings if w.rule_id == "warn-chol-root"]
    assert str(chol) == (
        f"{FIXTURES / 'broad_contexts' / 'FGFR2.yaml'}:5: rule warn-chol-root: tumor context "
        "covers PHCH, EHCH (CHOL holds perihilar and extrahepatic cholangiocarcinoma besides "
        "intrahepatic). Narrow it to what the label names (usually IHCH), exclude those codes, "
        "or say in tumor.broad why the label covers them"
    )
    [justified] = [r for r in fixture if r.id == "quiet-chol-justified"]
    assert justified.tumor_broad == "the label names cholangiocarcinoma without a site restriction"


def test_rules_validate_prints_broad_context_warnings(capsys: pytest.CaptureFixture[str]) -> None:
    from actionable.cli import main

    assert main(["rules", "validate", str(FIXTURES / "broad_contexts")]) == 0
    out = capsys.readouterr().out
    assert "9 rules valid" in out
    assert out.count("warning: ") == 4
    assert "rule warn-chol-root: tumor context covers PHCH, EHCH" in out
    assert "4 warnings: tumor contexts broader than their labels" in out


def test_a_broad_reason_must_say_something(tmp_path: Path) -> None:
    from actionable.errors import RuleFileError
    from actionable.rules import load_rule_file

    path = tmp_path / "FGFR2.yaml"
    text = (FIXTURES / "broad_contexts" / "FGFR2.yaml").read_text(encoding="utf-8")
    path.write_text(text.replace("the label names cholangiocarcinoma without a site restriction",
                                 "ok"), encoding="utf-8")  # fmt: skip
    with pytest.raises(RuleFileError) as error:
        load_rule_file(path)
    assert error.value.field == "rules.1.tumor.broad"


def _allow_list() -> list[tuple[str, str, str]]:
    out = []
    for line in (FIXTURES / "broad_context_allowlist.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            pattern, node, why = line.split(maxsplit=2)
            out.append((pattern, node, why))
    return out


def test_curated_broad_contexts_are_fixed_justified_or_allow_listed(rules) -> None:
    """Every curated rule whose tumor context is broader than its label is either narrowed,
    justified in tumor.broad, or on the (short) allow-list; the remaining list is printed."""
    from fnmatch import fnmatch

    from actionable.rules import broad_context_warnings

    allowed = _allow_list()
    assert len(allowed) <= 20, "the allow-list is for a few pending fixes, not a way out"
    warnings = broad_context_warnings(r for r in rules if r.source == "curated")
    for w in warnings:
        print(f"broad context: {w.rule_id} {w.node} {','.join(w.codes)}")
    unexplained = [
        str(w)
        for w in warnings
        if not any(fnmatch(w.rule_id, p) and w.node == n for p, n, _ in allowed)
    ]
    stale = [
        f"{p} {n}"
        for p, n, _ in allowed
        if not any(fnmatch(w.rule_id, p) and w.node == n for w in warnings)
    ]
    for line in stale:
        print(f"allow-list line no longer needed: {line}")
    assert unexplained == []
