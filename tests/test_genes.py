"""Gene symbol resolution, MANE accessions and curated exons."""

from __future__ import annotations

import pytest

from actionable.errors import VariantParseError
from actionable.genes import (
    GeneInfo,
    exon_count,
    exon_of,
    exon_range,
    gene_for_accession,
    gene_info,
    is_gene,
    resolve_gene,
)


@pytest.mark.parametrize(
    ("symbol", "approved"),
    [
        ("BRAF", "BRAF"),
        ("braf", "BRAF"),
        ("HER2", "ERBB2"),
        ("her-2", "ERBB2"),
        ("MLL2", "KMT2D"),  # previous symbol of KMT2D beats alias of KMT2B
        ("MLL", "KMT2A"),
        ("P53", "TP53"),
        ("PD-L1", "CD274"),
        ("BRAF1", "BRAF"),
        ("HLA-A", "HLA-A"),
        ("NKX2-1", "NKX2-1"),
        ("nkx2-1", "NKX2-1"),
        ("TITF1", "NKX2-1"),
        ("TTF1", "TTF1"),  # approved symbol of its own gene, not NKX2-1's alias
        (" EGFR ", "EGFR"),
    ],
)
def test_resolve_gene(symbol: str, approved: str) -> None:
    assert resolve_gene(symbol) == approved


def test_ambiguous_alias_lists_the_genes() -> None:
    with pytest.raises(VariantParseError) as info:
        resolve_gene("CDK4I")
    assert str(info.value) == (
        "cannot parse variant 'CDK4I': ambiguous gene symbol 'CDK4I': it is an alias of "
        "CDKN2A, CDKN2B. Use the approved symbol, one of CDKN2A, CDKN2B"
    )
    assert info.value.text == "CDK4I"


def test_unknown_gene_suggests_close_symbols() -> None:
    with pytest.raises(VariantParseError) as info:
        resolve_gene("BRAFF")
    message = str(info.value)
    assert message.startswith("cannot parse variant 'BRAFF': unknown gene 'BRAFF'. Did you mean ")
    assert "'BRAF'" in message
    assert info.value.problem == "unknown gene 'BRAFF'"


@pytest.mark.parametrize("bad", ["", "   "])
def test_empty_symbol(bad: str) -> None:
    with pytest.raises(VariantParseError, match="empty gene symbol"):
        resolve_gene(bad)


def test_non_string_symbol() -> None:
    with pytest.raises(VariantParseError, match="a gene symbol must be a string, not int"):
        resolve_gene(42)  # type: ignore[arg-type]


def test_is_gene() -> None:
    assert is_gene("ERBB2")
    assert is_gene("her2")
    assert is_gene("HLA-A")
    assert not is_gene("EML4-ALK")
    assert not is_gene("CDK4I")  # ambiguous
    assert not is_gene("NOTAGENE")
    assert not is_gene(None)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("accession", "gene"),
    [
        ("NM_004333.6", "BRAF"),
        ("NM_004333.4", "BRAF"),  # older version of the MANE transcript
        ("NM_004333", "BRAF"),
        ("NP_004324.2", "BRAF"),
        ("ENST00000646891.2", "BRAF"),
        ("ENSP00000493543", "BRAF"),
        ("NM_001374258.1", "BRAF"),  # MANE Plus Clinical
        ("ENST00000288602.11", "BRAF"),  # MSK-IMPACT isoform
        ("NM_004448.4", "ERBB2"),
        ("NP_004439.2", "ERBB2"),
        ("NM_005228.5", "EGFR"),
        ("NM_000245.4", "MET"),
        ("NM_033360.4", "KRAS"),
        ("nm_004985.5", "KRAS"),
    ],
)
def test_gene_for_accession(accession: str, gene: str) -> None:
    assert gene_for_accession(accession) == gene


def test_gene_for_unknown_accession() -> None:
    assert gene_for_accession("NM_999999.1") is None
    assert gene_for_accession("") is None
    assert gene_for_accession(None) is None  # type: ignore[arg-type]


def test_gene_info() -> None:
    info = gene_info("HER2")
    assert info == GeneInfo(
        symbol="ERBB2",
        hgnc_id="HGNC:3430",
        entrez_id="2064",
        refseq_nuc="NM_004448.4",
        refseq_prot="NP_004439.2",
        ensembl_nuc="ENST00000269571.10",
        ensembl_prot="ENSP00000269571.4",
        other_accessions=("ENST00000540147",),
        previous_symbols=("NGL",),
        aliases=("NEU", "HER-2", "CD340", "HER2"),
    )
    with pytest.raises(Exception, match="frozen"):
        info.symbol = "X"  # type: ignore[misc]


def test_gene_without_mane_transcript() -> None:
    info = gene_info("A1BG-AS1")
    assert info.symbol == "A1BG-AS1"
    assert info.refseq_nuc is None
    assert info.previous_symbols == ("NCRNA00181", "A1BGAS", "A1BG-AS")


def test_exon_ranges() -> None:
    assert exon_range("EGFR", 18) == (688, 728)
    assert exon_range("EGFR", 19) == (729, 761)
    assert exon_range("EGFR", 20) == (762, 823)
    assert exon_range("EGFR", 21) == (824, 875)
    assert exon_range("KIT", 11) == (550, 591)
    assert exon_range("KIT", 9) == (449, 514)
    assert exon_range("KIT", 13) == (627, 664)
    assert exon_range("KIT", 17) == (788, 828)
    assert exon_range("PDGFRA", 18) == (814, 854)
    assert exon_range("MET", 14) == (963, 1010)
    assert exon_range("ERBB2", 20) == (770, 831)
    assert exon_range("KIT", 14) is None  # not curated yet
    assert exon_range("TP53", 5) is None


def test_exon_of() -> None:
    assert exon_of("EGFR", 746) == 19
    assert exon_of("EGFR", 790) == 20
    assert exon_of("EGFR", 858) == 21
    assert exon_of("EGFR", 719) == 18
    assert exon_of("EGFR", 600) is None
    assert exon_of("KIT", 816) == 17
    assert exon_of("KIT", 560) == 11
    assert exon_of("PDGFRA", 842) == 18
    assert exon_of("MET", 1003) == 14
    assert exon_of("ERBB2", 772) == 20
    assert exon_of("TP53", 273) is None


def test_exon_counts() -> None:
    assert exon_count("EGFR") == 28
    assert exon_count("MET") == 21
    assert exon_count("TP53") is None


def test_index_reloads_from_the_bundled_table() -> None:
    # Load time is measured in benchmarks/, not asserted here (this machine drifts 2x).
    from actionable import genes

    genes._index.cache_clear()
    genes._index()
    assert genes.is_gene("EGFR")
    assert genes._index.cache_info().misses == 1
