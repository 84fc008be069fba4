"""The OncoKB-style annotation core: one alteration's annotation from the library's results."""

from __future__ import annotations

import pytest

import actionable
from actionable.annotation import (
    DX_LEVELS,
    PX_LEVELS,
    TX_LEVELS,
    TX_PRIORITY,
    Annotation,
    annotate_variant,
    citation_texts,
    drug_label_name,
    from_report,
)
from actionable.errors import ArgumentError
from actionable.models import Citation


def test_braf_v600e_in_melanoma() -> None:
    a = annotate_variant("BRAF V600E", "MEL")
    assert a.query.hugo_symbol == "BRAF"
    assert a.query.alteration == "V600E"
    assert a.query.alteration_type == "missense"
    assert a.query.tumor_type == "MEL"
    assert a.gene_exist and a.variant_exist
    assert a.oncogenic == "Oncogenic"
    assert a.mutation_effect == "Gain-of-function"
    assert a.hotspot is True
    assert a.highest_level == a.highest_sensitive_level == "LEVEL_1"
    assert a.highest_resistance_level is None
    assert "Dabrafenib+Trametinib" in a.drugs_at("LEVEL_1")
    assert "Encorafenib+Binimetinib" in a.drugs_at("LEVEL_1")
    first = a.treatments[0]
    assert first.level == first.level_associated_level == "LEVEL_1"
    assert first.level_associated_cancer_types == ("MEL",)
    assert first.tumor_type == "MEL"
    assert first.approved_indications  # a level 1 rule cites its FDA label
    assert not a.vus


def test_levels_spelled_as_oncokb_and_highest_puts_r1_first() -> None:
    assert TX_LEVELS == (
        "LEVEL_1", "LEVEL_2", "LEVEL_3A", "LEVEL_3B", "LEVEL_4", "LEVEL_R1", "LEVEL_R2",
    )  # fmt: skip
    assert TX_PRIORITY[0] == "LEVEL_R1" and TX_PRIORITY[-1] == "LEVEL_R2"
    assert DX_LEVELS == ("LEVEL_Dx1", "LEVEL_Dx2", "LEVEL_Dx3")
    assert PX_LEVELS == ("LEVEL_Px1", "LEVEL_Px2", "LEVEL_Px3")
    a = annotate_variant("EGFR T790M", "LUAD")
    assert a.highest_level == "LEVEL_R1"
    assert a.highest_sensitive_level == "LEVEL_1"
    assert a.highest_resistance_level == "LEVEL_R1"
    assert "Osimertinib" in a.drugs_at("LEVEL_1")
    assert {"Erlotinib", "Gefitinib"} <= set(a.drugs_at("LEVEL_R1"))


def test_resistance_only_alteration_is_labelled_resistance() -> None:
    a = annotate_variant("EGFR C797S", "LUAD")
    assert a.oncogenic == "Resistance"
    assert a.highest_level == "LEVEL_R2"
    assert a.highest_sensitive_level is None
    assert a.drugs_at("LEVEL_R2") == ("Osimertinib",)


def test_off_label_treatment_keeps_its_own_level_and_tumor() -> None:
    a = annotate_variant("BRAF V600E", "PAAD")
    off = [t for t in a.treatments if t.off_label]
    assert off, "a 3B option curated for another tumor type"
    assert all(t.level == "LEVEL_3B" for t in off)
    assert any(t.level_associated_level == "LEVEL_1" for t in off)
    assert all("PAAD" not in t.level_associated_cancer_types for t in off)


def test_unknown_variant_is_a_vus_in_a_known_gene() -> None:
    a = annotate_variant("GNA11 F341L")
    assert a.oncogenic == "Unknown"
    assert a.mutation_effect == "Unknown"
    assert a.treatments == ()
    assert a.highest_level is None
    assert a.variant_exist is False
    assert a.vus
    ttn = annotate_variant("TTN A100V")
    assert ttn.gene_exist is False and ttn.variant_exist is False


def test_biomarker_annotation() -> None:
    a = annotate_variant("MSI-H", "COADREAD")
    assert a.query.hugo_symbol is None
    assert a.query.alteration_type == "biomarker"
    assert a.gene_exist and a.variant_exist
    assert a.highest_sensitive_level == "LEVEL_1"
    assert "Pembrolizumab" in a.drugs_at("LEVEL_1")


def test_diagnostic_and_prognostic_implications_follow_the_tumor() -> None:
    crc = annotate_variant("BRAF V600E", "COADREAD")
    assert crc.highest_prognostic_level == "LEVEL_Px1"
    assert crc.tumor_types_at("LEVEL_Px1") == ("COADREAD",)
    assert any(c.civic == "AID20" for i in crc.prognostic_implications for c in i.citations)
    # The colorectal implication does not hold in lung cancer.
    lung = annotate_variant("BRAF V600E", "LUAD")
    assert "COADREAD" not in [c for i in lung.prognostic_implications for c in i.tumor_types]
    ewing = annotate_variant("EWSR1::FLI1", "ES")
    assert ewing.highest_diagnostic_level == "LEVEL_Dx2"
    assert ewing.tumor_types_at("LEVEL_Dx2") == ("ES",)
    assert ewing.diagnostic_implications[0].exact is True


def test_from_report_reads_each_variant_of_a_report() -> None:
    report = actionable.evaluate(["KRAS G12C", "TP53 R175H"], tumor="LUAD")
    kras, tp53 = from_report(report, 0), from_report(report, report.variants[1])
    assert kras.highest_sensitive_level == "LEVEL_1"
    assert {"Sotorasib", "Adagrasib"} <= set(kras.drugs_at("LEVEL_1"))
    assert tp53.treatments == () and tp53.oncogenic == "Oncogenic"
    assert tp53.mutation_effect == "Loss-of-function"
    with pytest.raises(ArgumentError, match="outside the report"):
        from_report(report, 5)


def test_fact_only_line_is_refused() -> None:
    with pytest.raises(ArgumentError, match="patient fact"):
        annotate_variant("ER positive", "BRCA")


def test_annotation_is_immutable_and_serialisable() -> None:
    a = annotate_variant("KRAS G12C", "LUAD")
    assert isinstance(a, Annotation)
    with pytest.raises(Exception):  # noqa: B017 - pydantic's frozen error
        a.oncogenic = "Unknown"  # type: ignore[misc]
    assert Annotation.model_validate(a.model_dump()) == a
    body = a.to_oncokb()
    assert body["query"] == {
        "hugoSymbol": "KRAS",
        "alteration": "G12C",
        "alterationType": "missense",
        "tumorType": "LUAD",
    }
    assert body["geneExist"] is True and body["oncogenic"] == "Oncogenic"
    assert body["highestSensitiveLevel"] == "LEVEL_1"
    assert body["treatments"][0]["level"] == "LEVEL_1"
    assert body["treatments"][0]["levelAssociatedCancerType"]["code"] in ("LUAD", "NSCLC")


def test_names_and_citations_as_the_annotator_writes_them() -> None:
    assert drug_label_name("dabrafenib") == "Dabrafenib"
    assert drug_label_name("ado-trastuzumab emtansine") == "Ado-trastuzumab Emtansine"
    pmids, others = citation_texts(
        [
            Citation(pmid=1),
            Citation(pmid=1),
            Citation(civic="AID20"),
            Citation(url="https://example.org/x"),
            Citation(guideline="NCCN NSCLC", year=2024),
        ]
    )
    assert pmids == ("1",)
    assert others == (
        "CIViC AID20(https://civicdb.org/links/assertions/20)",
        "https://example.org/x",
        "NCCN NSCLC (2024)",
    )
