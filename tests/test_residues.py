"""Residue contradictions: a change whose reference residue, position or signature
hotspot contradicts what the library knows is refused, naming what it knows; the fast
path for ``GENE X123Y`` agrees with the general parser everywhere."""

from __future__ import annotations

import pickle

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from actionable import parse_variant
from actionable._resources import knowledgebase_dir
from actionable.errors import ResidueConflictError, VariantParseError
from actionable.variants import _changes, parse_report_line
from actionable.variants._checks import _residues, _signatures, conflict, fits


@pytest.mark.parametrize(
    ("text", "gene", "position", "hotspot", "suggestion"),
    [
        ("BRAF G12C", "BRAF", 12, ("KRAS", "NRAS", "HRAS"), "Did you mean KRAS G12C?"),
        ("EGFR G12D", "EGFR", 12, ("KRAS", "NRAS", "HRAS"), "Did you mean KRAS G12D?"),
        ("PIK3CA G13D", "PIK3CA", 13, ("KRAS", "HRAS", "NRAS"), "Did you mean KRAS G13D?"),
        ("KIT Q61R", "KIT", 61, ("NRAS", "KRAS", "HRAS"), "Did you mean NRAS Q61R?"),
        ("EGFR V600E", "EGFR", 600, ("BRAF",), "Did you mean BRAF V600E?"),
        ("ERBB2 H1047R", "ERBB2", 1047, ("PIK3CA",), "Did you mean PIK3CA H1047R?"),
        ("MTOR E545K", "MTOR", 545, ("PIK3CA",), "Did you mean PIK3CA E545K?"),
        ("IDH2 R132H", "IDH2", 132, ("IDH1",), "Did you mean IDH1 R132H?"),
        ("BRAF p.Gly12Cys", "BRAF", 12, ("KRAS", "NRAS", "HRAS"), "Did you mean KRAS G12C?"),
        ("BRAF G12", "BRAF", 12, ("KRAS", "NRAS", "HRAS"), "Did you mean KRAS G12?"),
        ("BRAF c.34G>T (p.G12C), VAF 20%", "BRAF", 12, ("KRAS", "NRAS", "HRAS"),
         "Did you mean KRAS G12C?"),
    ],
)  # fmt: skip
def test_another_genes_signature_hotspot_is_refused(
    text: str, gene: str, position: int, hotspot: tuple[str, ...], suggestion: str
) -> None:
    with pytest.raises(ResidueConflictError) as caught:
        parse_report_line(text)
    error = caught.value
    assert (error.gene, error.position, error.known) == (gene, position, None)
    assert error.hotspot_genes == hotspot
    message = str(error)
    assert f"signature hotspot of {hotspot[0]}" in message
    assert f"the library does not know {gene}'s residue at position {position}" in message
    assert suggestion in message
    assert isinstance(error, VariantParseError)  # callers catching the parent still do


@pytest.mark.parametrize(
    "text",
    [
        "KRAS G12C", "NRAS G12C", "HRAS G12C", "KRAS G13D", "NRAS Q61R", "HRAS Q61L",
        "KRAS Q61H", "BRAF V600E", "BRAF V600K", "PIK3CA H1047R", "PIK3CA E545K",
        "PIK3CA E542K", "IDH1 R132H", "IDH1 R132C",
        # not a missense or codon change: a stop or frameshift at a glycine 12 says
        # nothing about KRAS
        "BRAF G12*", "BRAF G12fs", "BRAF G12=",
        # below the signature bar: AKT2 and AKT3 carry E17K for real, like AKT1
        "AKT2 E17K", "AKT3 E17K",
    ],
)  # fmt: skip
def test_signature_hotspot_accepted_where_it_belongs(text: str) -> None:
    variant = parse_variant(text)
    assert f"{variant.gene} {variant.alteration}" == text


def test_known_matching_residue_is_never_refused() -> None:
    """Wherever the library knows a gene's residue at a signature position and the change
    names that residue, the change is read."""
    residues = _residues()[0]
    checked = 0
    for (position, ref), genes in _signatures().items():
        for (gene, pos), known in residues.items():
            if pos == position and known == ref and gene not in genes:
                assert conflict(gene, position, None, ref) is None
                assert parse_variant(f"{gene} {ref}{position}W").position == position
                checked += 1
    for (position, ref), genes in _signatures().items():
        for gene in genes:
            if residues.get((gene, position)) == ref:
                assert parse_variant(f"{gene} {ref}{position}W").gene == gene
                checked += 1
    assert checked >= 8


def test_beyond_the_end_names_the_signature_gene() -> None:
    with pytest.raises(ResidueConflictError) as caught:
        parse_variant("KRAS V600E")
    message = str(caught.value)
    assert "position 600 is beyond the end of KRAS (189 amino acids)" in message
    assert "Did you mean BRAF V600E?" in message
    assert caught.value.hotspot_genes == ("BRAF",)


def test_known_other_residue_names_it() -> None:
    with pytest.raises(ResidueConflictError) as caught:
        parse_variant("KRAS V12C")
    assert caught.value.known == "G"
    assert "KRAS has G at position 12, not V" in str(caught.value)
    assert caught.value.hotspot_genes == ()
    assert "Check the gene and the position" in str(caught.value)


def test_residue_error_pickles_as_a_parse_error() -> None:
    with pytest.raises(ResidueConflictError) as caught:
        parse_variant("BRAF G12C")
    copy = pickle.loads(pickle.dumps(caught.value))
    assert isinstance(copy, ResidueConflictError)
    assert str(copy) == str(caught.value)


def test_broadened_residues_come_from_civic_and_3d_hotspots() -> None:
    residues = _residues()[0]
    # residues named on the MANE protein in CIViC or 3D Hotspots only, not in the rules
    # or the Cancer Hotspots table
    assert len(residues) > 1800
    with (knowledgebase_dir() / "residues.tsv").open(encoding="utf-8") as handle:
        sources = {line.split("\t")[3].strip() for line in handle if not line.startswith("#")}
    assert any("civic" in s for s in sources)
    assert any("3dhotspots" in s for s in sources)


_AA = "ACDEFGHIKLMNPQRSTVWY"


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    gene=st.sampled_from(["BRAF", "KRAS", "NRAS", "EGFR", "TP53", "PIK3CA", "IDH1", "IDH2",
                          "KIT", "ERBB2", "MET", "TERT", "AKT1", "braf", "HLA-A"]),
    ref=st.sampled_from(_AA),
    position=st.one_of(st.sampled_from([1, 12, 13, 61, 132, 545, 600, 1010, 1047]),
                       st.integers(1, 40_000)),
    alt=st.sampled_from([*_AA, "*", "fs", "Rfs", "fs*12", "Efs*1", "fs*0", "fs*?", "Xfs"]),
    prefix=st.sampled_from(["", "p."]),
)  # fmt: skip
def test_fast_path_agrees_with_general_parser(
    gene: str, ref: str, position: int, alt: str, prefix: str
) -> None:
    """``GENE X123Y`` and ``GENE X123fs`` read by the precompiled fast path give exactly
    what the general parser gives (or are refused the same way)."""
    text = f"{gene} {prefix}{ref}{position}{alt}"
    fast = _changes.common_change(text, "unknown")
    try:
        # The leading space skips the fast path: the general parser reads the line.
        general = parse_report_line(f" {text}")
    except VariantParseError as error:
        assert fast is None
        with pytest.raises(type(error)):
            parse_variant(text)
        return
    assert len(general) == 1
    if fast is not None:
        assert fast == general[0]
        assert fast.model_dump(exclude={"text"}) == general[0].model_dump(exclude={"text"})
        assert fits(fast.gene or "", position, ref)
    assert parse_variant(text) == general[0]
