"""CIViC diagnostic and prognostic evidence -> OncoKB Dx/Px levels: the mapping, the
committed knowledge file, and matching entries to variants and tumor types."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from conftest import REPO, SHARED_DATA

import actionable
from actionable.annotation import implications_for
from actionable.sources.civic.implications import (
    ImplicationItem,
    dx_px_level,
    implication_entries,
    read_implications,
)

KB = REPO / "knowledgebase"


@pytest.mark.parametrize(
    ("kind", "level", "amp", "expected"),
    [
        ("Diagnostic", "A", "", "LEVEL_Dx2"),
        ("Diagnostic", "B", "", "LEVEL_Dx3"),
        ("Diagnostic", "C", "", None),
        ("Diagnostic", "D", "", None),
        ("Diagnostic", "", "Tier I - Level A", "LEVEL_Dx2"),
        ("Diagnostic", "", "Tier I - Level B", "LEVEL_Dx2"),
        ("Diagnostic", "", "Tier II - Level C", "LEVEL_Dx3"),
        ("Diagnostic", "", "Tier II - Level D", None),
        ("Prognostic", "A", "", "LEVEL_Px1"),
        ("Prognostic", "B", "", "LEVEL_Px3"),
        ("Prognostic", "E", "", None),
        ("Prognostic", "", "Tier I - Level A", "LEVEL_Px1"),
        ("Prognostic", "", "Tier II - Level C", "LEVEL_Px3"),
        ("Predictive", "A", "", None),
    ],
)
def test_dx_px_level_mapping(kind: str, level: str, amp: str, expected: str | None) -> None:
    assert dx_px_level(kind, level, amp) == expected


def _item(civic: str, level: str, significance: str, kind: str = "prognostic") -> ImplicationItem:
    return ImplicationItem(
        civic, "BRAF", ("V600E",), kind, level, significance, ("COADREAD",), "CRC", None
    )


def test_best_level_kept_with_its_items_only() -> None:
    entries = implication_entries(
        [
            _item("EID2", "LEVEL_Px3", "Poor Outcome"),
            _item("AID1", "LEVEL_Px1", "Poor Outcome"),
            _item("EID3", "LEVEL_Px1", "Poor Outcome"),
        ]
    )
    assert [(e["level"], e["civic"]) for e in entries] == [("LEVEL_Px1", ["AID1", "EID3"])]


def test_prognostic_directions_that_disagree_are_left_out() -> None:
    assert implication_entries(
        [_item("EID1", "LEVEL_Px1", "Poor Outcome"), _item("EID2", "LEVEL_Px3", "Better Outcome")]
    ) == []


def _write_release(root: Path, rows: list[dict[str, str]]) -> Path:
    columns = [
        "molecular_profile", "molecular_profile_id", "disease", "doid", "phenotypes",
        "therapies", "therapy_interaction_type", "evidence_type", "evidence_direction",
        "evidence_level", "significance", "evidence_statement", "citation_id", "source_type",
        "asco_abstract_id", "citation", "nct_ids", "rating", "evidence_status", "evidence_id",
        "variant_origin", "last_review_date", "evidence_civic_url",
        "molecular_profile_civic_url", "is_flagged",
    ]  # fmt: skip
    lines = ["\t".join(columns)]
    for number, row in enumerate(rows, 1):
        base = {
            "evidence_status": "accepted",
            "evidence_id": str(number),
            "evidence_direction": "Supports",
            "source_type": "PubMed",
            "citation_id": str(1000 + number),
            "variant_origin": "Somatic",
            "is_flagged": "false",
            "doid": "",
        }
        base.update(row)
        lines.append("\t".join(base.get(c, "") for c in columns))
    (root / "01-Jan-2024-ClinicalEvidenceSummaries.tsv").write_text(
        "\n".join(lines) + "\n", encoding="utf-8"
    )
    return root


def test_release_rows_map_or_are_left_out_with_a_reason(tmp_path: Path) -> None:
    release = _write_release(
        tmp_path,
        [
            # kept: diagnostic level B, positive -> Dx3
            {"molecular_profile": "IDH1 R132H", "disease": "Glioma", "evidence_type":
             "Diagnostic", "evidence_level": "B", "significance": "Positive"},
            # kept: prognostic level A, poor outcome -> Px1
            {"molecular_profile": "BRAF V600E", "disease": "Colorectal Cancer", "doid": "9256",
             "evidence_type": "Prognostic", "evidence_level": "A",
             "significance": "Poor Outcome"},
            # left out: negative diagnostic, does not support, level C, germline,
            # N/A prognostic, two-variant profile, predictive
            {"molecular_profile": "IDH1 R132H", "disease": "Glioma", "evidence_type":
             "Diagnostic", "evidence_level": "B", "significance": "Negative"},
            {"molecular_profile": "IDH1 R132H", "disease": "Glioma", "evidence_type":
             "Diagnostic", "evidence_level": "B", "significance": "Positive",
             "evidence_direction": "Does Not Support"},
            {"molecular_profile": "IDH1 R132H", "disease": "Glioma", "evidence_type":
             "Diagnostic", "evidence_level": "C", "significance": "Positive"},
            {"molecular_profile": "BRCA1 Mutation", "disease": "Breast Cancer", "evidence_type":
             "Prognostic", "evidence_level": "B", "significance": "Poor Outcome",
             "variant_origin": "Rare Germline"},
            {"molecular_profile": "TP53 Mutation", "disease": "Breast Cancer", "evidence_type":
             "Prognostic", "evidence_level": "B", "significance": "N/A"},
            {"molecular_profile": "KRAS G12D AND TP53 R175H", "disease": "Colorectal Cancer",
             "evidence_type": "Prognostic", "evidence_level": "B",
             "significance": "Poor Outcome"},
            {"molecular_profile": "BRAF V600E", "disease": "Melanoma", "evidence_type":
             "Predictive", "evidence_level": "A", "significance": "Sensitivity/Response"},
        ],
    )
    version, items, skipped = read_implications(release, bridge=tmp_path / "none.tsv.gz")
    assert version == "01-Jan-2024"
    got = sorted((i.civic, i.gene, i.entries, i.kind, i.level, i.tumor_types) for i in items)
    assert got[0][:5] == ("EID1", "IDH1", ("R132H",), "diagnostic", "LEVEL_Dx3")
    assert got[1] == ("EID2", "BRAF", ("V600E",), "prognostic", "LEVEL_Px1", ("COADREAD",))
    assert len(items) == 2
    assert skipped == {
        "diagnostic significance Negative not leveled": 1,
        "does not support": 1,
        "level does not map (C-E items, tier II level D assertions)": 1,
        "germline": 1,
        "prognostic significance N/A not leveled": 1,
        "profile not one readable alteration": 1,
    }


@pytest.mark.skipif(not (SHARED_DATA / "civic").is_dir(), reason="no ../shared/data/civic")
def test_committed_file_is_the_build_of_the_release() -> None:
    version, items, _ = read_implications(SHARED_DATA / "civic")
    data = yaml.safe_load((KB / "civic_implications.yaml").read_text(encoding="utf-8"))
    assert data["release"] == version
    assert data["implications"] == implication_entries(items)
    levels = {e["level"] for e in data["implications"]}
    assert "LEVEL_Dx1" not in levels and "LEVEL_Px2" not in levels
    assert {"LEVEL_Dx2", "LEVEL_Dx3", "LEVEL_Px1", "LEVEL_Px3"} <= levels


def test_entries_match_like_rule_entries() -> None:
    fusion = actionable.parse_variant("ASPSCR1::TFE3")
    found = implications_for(fusion, actionable.resolve_tumor("ASPS"))
    assert [(i.level, i.alteration, i.exact) for i in found if i.kind == "diagnostic"] == [
        ("LEVEL_Dx2", "ASPSCR1::TFE3 fusion", True)
    ]
    # Without a tumor type every implication of the alteration is listed.
    everywhere = implications_for(actionable.parse_variant("BRAF V600E"))
    assert {"COADREAD", "MEL"} <= {c for i in everywhere for c in i.tumor_types}
    # A tumor outside the entry's tumor types gets none of them.
    assert implications_for(fusion, actionable.resolve_tumor("LUAD")) == ()
