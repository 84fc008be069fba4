"""Every notation the parser accepts, its canonical form, and every error path."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from actionable.errors import VariantParseError
from actionable.facts import read_fact
from actionable.models import Variant
from actionable.variants import (
    exon_of,
    exon_range,
    format_variant,
    parse_variant,
    parse_variants,
)


def V(gene: str | None, kind: str, alteration: str, **fields: Any) -> Variant:  # noqa: N802
    """Expected variant, built through pydantic validation."""
    if "genes" not in fields:
        fields["genes"] = (gene,) if gene else ()
    return Variant(gene=gene, kind=kind, alteration=alteration, **fields)  # type: ignore[arg-type]


CASES: list[tuple[str, str | None, Variant, str]] = [
    # (input, gene=, expected, canonical str)
    ("BRAF V600E", None, V("BRAF", "missense", "V600E", position=600, ref="V", alt="E"),
     "BRAF V600E"),
    ("BRAF:p.(V600E)", None, V("BRAF", "missense", "V600E", position=600, ref="V", alt="E"),
     "BRAF V600E"),
    ("BRAF p.Val600Glu", None, V("BRAF", "missense", "V600E", position=600, ref="V", alt="E"),
     "BRAF V600E"),
    ("BRAF p.(Val600Glu)", None, V("BRAF", "missense", "V600E", position=600, ref="V", alt="E"),
     "BRAF V600E"),
    ("braf V600E", None, V("BRAF", "missense", "V600E", position=600, ref="V", alt="E"),
     "BRAF V600E"),
    ("BRAF v600e", None, V("BRAF", "missense", "V600E", position=600, ref="V", alt="E"),
     "BRAF V600E"),
    ("BRAF V600E mutation", None,
     V("BRAF", "missense", "V600E", position=600, ref="V", alt="E"), "BRAF V600E"),
    ("V600E", "BRAF", V("BRAF", "missense", "V600E", position=600, ref="V", alt="E"),
     "BRAF V600E"),
    ("p.V600E", "BRAF", V("BRAF", "missense", "V600E", position=600, ref="V", alt="E"),
     "BRAF V600E"),
    ("BRAF V600E", "braf", V("BRAF", "missense", "V600E", position=600, ref="V", alt="E"),
     "BRAF V600E"),
    ("HER2 V777L", None, V("ERBB2", "missense", "V777L", position=777, ref="V", alt="L"),
     "ERBB2 V777L"),
    ("MLL2 R5432W", None, V("KMT2D", "missense", "R5432W", position=5432, ref="R", alt="W"),
     "KMT2D R5432W"),
    ("NKX2-1 A100T", None, V("NKX2-1", "missense", "A100T", position=100, ref="A", alt="T"),
     "NKX2-1 A100T"),
    ("TP53 p.Arg213Ter", None, V("TP53", "nonsense", "R213*", position=213, ref="R", alt="*"),
     "TP53 R213*"),
    ("TP53 R213X", None, V("TP53", "nonsense", "R213*", position=213, ref="R", alt="*"),
     "TP53 R213*"),
    ("TP53 p.R213*", None, V("TP53", "nonsense", "R213*", position=213, ref="R", alt="*"),
     "TP53 R213*"),
    ("p.Arg213Ter", "TP53", V("TP53", "nonsense", "R213*", position=213, ref="R", alt="*"),
     "TP53 R213*"),
    ("BRAF V600=", None, V("BRAF", "synonymous", "V600=", position=600, ref="V", alt="V"),
     "BRAF V600="),
    ("BRAF p.Val600=", None, V("BRAF", "synonymous", "V600=", position=600, ref="V", alt="V"),
     "BRAF V600="),
    ("BRAF V600V", None, V("BRAF", "synonymous", "V600=", position=600, ref="V", alt="V"),
     "BRAF V600="),
    ("TP53 R160fs*314", None, V("TP53", "frameshift", "R160fs*314", position=160, ref="R"),
     "TP53 R160fs*314"),
    ("TP53 R160fsX314", None, V("TP53", "frameshift", "R160fs*314", position=160, ref="R"),
     "TP53 R160fs*314"),
    ("TP53 R160fs", None, V("TP53", "frameshift", "R160fs", position=160, ref="R"),
     "TP53 R160fs"),
    ("BRCA2 p.Ser1982Argfs*22", None,
     V("BRCA2", "frameshift", "S1982Rfs*22", position=1982, ref="S", alt="R"),
     "BRCA2 S1982Rfs*22"),
    ("BRCA2 p.Ser1982ArgfsTer22", None,
     V("BRCA2", "frameshift", "S1982Rfs*22", position=1982, ref="S", alt="R"),
     "BRCA2 S1982Rfs*22"),
    ("BRCA2 S1982RfsTer22", None,
     V("BRCA2", "frameshift", "S1982Rfs*22", position=1982, ref="S", alt="R"),
     "BRCA2 S1982Rfs*22"),
    ("EGFR E746_A750del", None,
     V("EGFR", "inframe_deletion", "E746_A750del", position=746, end_position=750, ref="E"),
     "EGFR E746_A750del"),
    ("EGFR p.Glu746_Ala750del", None,
     V("EGFR", "inframe_deletion", "E746_A750del", position=746, end_position=750, ref="E"),
     "EGFR E746_A750del"),
    ("EGFR E746_A750delELREA", None,
     V("EGFR", "inframe_deletion", "E746_A750del", position=746, end_position=750, ref="E"),
     "EGFR E746_A750del"),
    ("EGFR E746del", None, V("EGFR", "inframe_deletion", "E746del", position=746, ref="E"),
     "EGFR E746del"),
    ("EGFR D770_N771insSVD", None,
     V("EGFR", "inframe_insertion", "D770_N771insSVD", position=770, end_position=771,
       ref="D", alt="SVD"),
     "EGFR D770_N771insSVD"),
    ("EGFR p.Asp770_Asn771insSerValAsp", None,
     V("EGFR", "inframe_insertion", "D770_N771insSVD", position=770, end_position=771,
       ref="D", alt="SVD"),
     "EGFR D770_N771insSVD"),
    ("ERBB2 Y772_A775dup", None,
     V("ERBB2", "duplication", "Y772_A775dup", position=772, end_position=775, ref="Y"),
     "ERBB2 Y772_A775dup"),
    ("EGFR L747_P753delinsS", None,
     V("EGFR", "inframe_delins", "L747_P753delinsS", position=747, end_position=753, ref="L",
       alt="S"),
     "EGFR L747_P753delinsS"),
    ("BRAF V600_K601delinsE", None,
     V("BRAF", "inframe_delins", "V600_K601delinsE", position=600, end_position=601, ref="V",
       alt="E"),
     "BRAF V600_K601delinsE"),
    ("TP53 M1?", None, V("TP53", "start_lost", "M1?", position=1, ref="M"), "TP53 M1?"),
    ("TP53 p.Met1?", None, V("TP53", "start_lost", "M1?", position=1, ref="M"), "TP53 M1?"),
    ("TP53 M1I", None, V("TP53", "start_lost", "M1I", position=1, ref="M", alt="I"),
     "TP53 M1I"),
    ("TP53 *394Wext*?", None,
     V("TP53", "stop_lost", "*394Wext*?", position=394, ref="*", alt="W"), "TP53 *394Wext*?"),
    ("TP53 p.Ter394TrpextTer?", None,
     V("TP53", "stop_lost", "*394Wext*?", position=394, ref="*", alt="W"), "TP53 *394Wext*?"),
    ("TP53 X394Q", None,
     V("TP53", "stop_lost", "*394Qext*?", position=394, ref="*", alt="Q"), "TP53 *394Qext*?"),
    ("TP53 *394Wext*5", None,
     V("TP53", "stop_lost", "*394Wext*5", position=394, ref="*", alt="W"), "TP53 *394Wext*5"),
    # The first codon of exon 14 marks its splice acceptor: exon 14 skipping (audit M1).
    ("MET X963_splice", None, V("MET", "exon_skipping", "exon 14 skipping", exon=14,
     reading="read 'MET X963_splice' as MET exon 14 skipping: codon 963 borders exon 14"),
     "MET exon 14 skipping"),
    ("MET 963_splice", None, V("MET", "exon_skipping", "exon 14 skipping", exon=14,
     reading="read 'MET 963_splice' as MET exon 14 skipping: codon 963 borders exon 14"),
     "MET exon 14 skipping"),
    ("MET splice site", None, V("MET", "splice", "splice site"), "MET splice site"),
    ("MET splice-site mutation", None, V("MET", "splice", "splice site"), "MET splice site"),
    ("MET c.2888-1G>A", None, V("MET", "exon_skipping", "exon 14 skipping", exon=14,
     cdna="c.2888-1G>A", reading="read 'MET c.2888-1G>A' as MET exon 14 skipping: c.2888-1 "
     "is in the exon 14 splice acceptor"), "MET exon 14 skipping"),
    ("MET c.3028+2T>C", None, V("MET", "exon_skipping", "exon 14 skipping", exon=14,
     cdna="c.3028+2T>C", reading="read 'MET c.3028+2T>C' as MET exon 14 skipping: c.3028+2 "
     "is in the exon 14 splice donor"), "MET exon 14 skipping"),
    ("BRAF c.1799T>A", None, V("BRAF", "coding", "c.1799T>A"), "BRAF c.1799T>A"),
    ("MET c.2888-5C>T", None, V("MET", "coding", "c.2888-5C>T"), "MET c.2888-5C>T"),
    ("BRAF V600", None, V("BRAF", "codon", "V600", position=600, ref="V"), "BRAF V600"),
    ("KRAS p.G12", None, V("KRAS", "codon", "G12", position=12, ref="G"), "KRAS G12"),
    # copy number
    ("ERBB2 amplification", None, V("ERBB2", "amplification", "amplification"),
     "ERBB2 amplification"),
    ("ERBB2 amp", None, V("ERBB2", "amplification", "amplification"), "ERBB2 amplification"),
    ("ERBB2 Amplified", None, V("ERBB2", "amplification", "amplification"),
     "ERBB2 amplification"),
    ("ERBB2 high-level gain", None, V("ERBB2", "amplification", "amplification"),
     "ERBB2 amplification"),
    ("ERBB2 gain of high level", None, V("ERBB2", "amplification", "amplification"),
     "ERBB2 amplification"),
    ("amp", "ERBB2", V("ERBB2", "amplification", "amplification"), "ERBB2 amplification"),
    ("CDKN2A deletion", None, V("CDKN2A", "deletion", "deletion"), "CDKN2A deletion"),
    ("CDKN2A homozygous deletion", None, V("CDKN2A", "deletion", "deletion"),
     "CDKN2A deletion"),
    ("CDKN2A deep deletion", None, V("CDKN2A", "deletion", "deletion"), "CDKN2A deletion"),
    ("CDKN2A HOMDEL", None, V("CDKN2A", "deletion", "deletion"), "CDKN2A deletion"),
    ("CDKN2A del", None, V("CDKN2A", "deletion", "deletion"), "CDKN2A deletion"),
    ("MYC gain", None, V("MYC", "gain", "gain"), "MYC gain"),
    ("MYC copy number gain", None, V("MYC", "gain", "gain"), "MYC gain"),
    ("PTEN loss", None, V("PTEN", "loss", "loss"), "PTEN loss"),
    ("PTEN shallow deletion", None, V("PTEN", "loss", "loss"), "PTEN loss"),
    ("HLA-A amplification", None, V("HLA-A", "amplification", "amplification"),
     "HLA-A amplification"),
    ("NKX2-1 amplification", None, V("NKX2-1", "amplification", "amplification"),
     "NKX2-1 amplification"),
    # exon events
    ("EGFR exon 19 deletion", None, V("EGFR", "exon_deletion", "exon 19 deletion", exon=19),
     "EGFR exon 19 deletion"),
    ("EGFR exon19 del", None, V("EGFR", "exon_deletion", "exon 19 deletion", exon=19),
     "EGFR exon 19 deletion"),
    ("EGFR ex19del", None, V("EGFR", "exon_deletion", "exon 19 deletion", exon=19),
     "EGFR exon 19 deletion"),
    ("EGFR exon 19 del", None, V("EGFR", "exon_deletion", "exon 19 deletion", exon=19),
     "EGFR exon 19 deletion"),
    ("EGFR Exon 19 Deletions", None, V("EGFR", "exon_deletion", "exon 19 deletion", exon=19),
     "EGFR exon 19 deletion"),
    ("EGFRex19del", None, V("EGFR", "exon_deletion", "exon 19 deletion", exon=19),
     "EGFR exon 19 deletion"),
    ("EGFR exon 20 insertion", None,
     V("EGFR", "exon_insertion", "exon 20 insertion", exon=20), "EGFR exon 20 insertion"),
    ("ERBB2 exon 20 insertions", None,
     V("ERBB2", "exon_insertion", "exon 20 insertion", exon=20), "ERBB2 exon 20 insertion"),
    ("EGFR ex20ins", None, V("EGFR", "exon_insertion", "exon 20 insertion", exon=20),
     "EGFR exon 20 insertion"),
    ("MET exon 14 skipping", None, V("MET", "exon_skipping", "exon 14 skipping", exon=14),
     "MET exon 14 skipping"),
    ("MET exon 14 skip", None, V("MET", "exon_skipping", "exon 14 skipping", exon=14),
     "MET exon 14 skipping"),
    ("METex14", None, V("MET", "exon_skipping", "exon 14 skipping", exon=14),
     "MET exon 14 skipping"),
    ("MET ex14", None, V("MET", "exon_skipping", "exon 14 skipping", exon=14),
     "MET exon 14 skipping"),
    ("MET ΔEx14", None, V("MET", "exon_skipping", "exon 14 skipping", exon=14),
     "MET exon 14 skipping"),
    ("METΔex14", None, V("MET", "exon_skipping", "exon 14 skipping", exon=14),
     "MET exon 14 skipping"),
    ("MET exon 14 skipping mutation", None,
     V("MET", "exon_skipping", "exon 14 skipping", exon=14), "MET exon 14 skipping"),
    ("exon 19 deletion", "EGFR", V("EGFR", "exon_deletion", "exon 19 deletion", exon=19),
     "EGFR exon 19 deletion"),
    # fusions
    ("EML4-ALK", None, V("ALK", "fusion", "EML4::ALK fusion", genes=("EML4", "ALK")),
     "EML4::ALK fusion"),
    ("EML4--ALK", None, V("ALK", "fusion", "EML4::ALK fusion", genes=("EML4", "ALK")),
     "EML4::ALK fusion"),
    ("EML4::ALK", None, V("ALK", "fusion", "EML4::ALK fusion", genes=("EML4", "ALK")),
     "EML4::ALK fusion"),
    ("EML4/ALK", None, V("ALK", "fusion", "EML4::ALK fusion", genes=("EML4", "ALK")),
     "EML4::ALK fusion"),
    ("EML4-ALK fusion", None, V("ALK", "fusion", "EML4::ALK fusion", genes=("EML4", "ALK")),
     "EML4::ALK fusion"),
    ("EML4::ALK fusion", None, V("ALK", "fusion", "EML4::ALK fusion", genes=("EML4", "ALK")),
     "EML4::ALK fusion"),
    ("EML4 ALK fusion", None, V("ALK", "fusion", "EML4::ALK fusion", genes=("EML4", "ALK")),
     "EML4::ALK fusion"),
    ("BCR-ABL1", None, V("ABL1", "fusion", "BCR::ABL1 fusion", genes=("BCR", "ABL1")),
     "BCR::ABL1 fusion"),
    ("NPM1-ALK", None, V("ALK", "fusion", "NPM1::ALK fusion", genes=("NPM1", "ALK")),
     "NPM1::ALK fusion"),
    ("TMPRSS2-ERG", None, V("ERG", "fusion", "TMPRSS2::ERG fusion", genes=("TMPRSS2", "ERG")),
     "TMPRSS2::ERG fusion"),
    ("FGFR3-TACC3", None,
     V("FGFR3", "fusion", "FGFR3::TACC3 fusion", genes=("FGFR3", "TACC3")),
     "FGFR3::TACC3 fusion"),
    ("EWSR1--FLI1", None, V("EWSR1", "fusion", "EWSR1::FLI1 fusion", genes=("EWSR1", "FLI1")),
     "EWSR1::FLI1 fusion"),
    ("KMT2A::AFF1", None, V("KMT2A", "fusion", "KMT2A::AFF1 fusion", genes=("KMT2A", "AFF1")),
     "KMT2A::AFF1 fusion"),
    ("NTRK1--TPM3", None, V("NTRK1", "fusion", "NTRK1::TPM3 fusion", genes=("NTRK1", "TPM3")),
     "NTRK1::TPM3 fusion"),
    ("HLA-A--ALK", None, V("ALK", "fusion", "HLA-A::ALK fusion", genes=("HLA-A", "ALK")),
     "HLA-A::ALK fusion"),
    ("NKX2-1-ALK", None, V("ALK", "fusion", "NKX2-1::ALK fusion", genes=("NKX2-1", "ALK")),
     "NKX2-1::ALK fusion"),
    ("ALK rearrangement", None, V("ALK", "fusion", "ALK fusion"), "ALK fusion"),
    ("ALK fusion", None, V("ALK", "fusion", "ALK fusion"), "ALK fusion"),
    ("ROS1 translocation", None, V("ROS1", "fusion", "ROS1 fusion"), "ROS1 fusion"),
    ("ALK positive", None, V("ALK", "fusion", "ALK fusion"), "ALK fusion"),
    # expression, wildtype
    ("ERBB2 overexpression", None, V("ERBB2", "overexpression", "overexpression"),
     "ERBB2 overexpression"),
    # HER2-positive lines are an ERBB2 alteration and a patient fact at once.
    ("HER2 IHC 3+", None, V("ERBB2", "overexpression", "overexpression", method="IHC",
                            facts=read_fact("HER2 IHC 3+")),
     "ERBB2 overexpression"),
    ("HER2 positive", None, V("ERBB2", "overexpression", "overexpression", method="IHC",
                              facts=read_fact("HER2 positive")),
     "ERBB2 overexpression"),
    ("KRAS wildtype", None, V("KRAS", "wildtype", "wildtype"), "KRAS wildtype"),
    ("KRAS wild-type", None, V("KRAS", "wildtype", "wildtype"), "KRAS wildtype"),
    ("KRAS WT", None, V("KRAS", "wildtype", "wildtype"), "KRAS wildtype"),
    # biomarkers
    ("MSI-H", None, V(None, "biomarker", "MSI-H", biomarker="MSI"), "MSI-H"),
    ("MSI high", None, V(None, "biomarker", "MSI-H", biomarker="MSI"), "MSI-H"),
    ("microsatellite instability-high", None, V(None, "biomarker", "MSI-H", biomarker="MSI"),
     "MSI-H"),
    ("MSS", None, V(None, "biomarker", "MSS", biomarker="MSI"), "MSS"),
    ("MSI-L", None, V(None, "biomarker", "MSI-L", biomarker="MSI"), "MSI-L"),
    ("dMMR", None, V(None, "biomarker", "dMMR", biomarker="MMR"), "dMMR"),
    ("MMR deficient", None, V(None, "biomarker", "dMMR", biomarker="MMR"), "dMMR"),
    ("pMMR", None, V(None, "biomarker", "pMMR", biomarker="MMR"), "pMMR"),
    ("TMB 14 mut/Mb", None,
     V(None, "biomarker", "TMB 14 mut/Mb", biomarker="TMB", value=14.0, unit="mut/Mb"),
     "TMB 14 mut/Mb"),
    ("TMB: 14.2 muts/Mb", None,
     V(None, "biomarker", "TMB 14.2 mut/Mb", biomarker="TMB", value=14.2, unit="mut/Mb"),
     "TMB 14.2 mut/Mb"),
    ("TMB 14.0", None,
     V(None, "biomarker", "TMB 14 mut/Mb", biomarker="TMB", value=14.0, unit="mut/Mb"),
     "TMB 14 mut/Mb"),
    ("TMB 1.6", None,
     V(None, "biomarker", "TMB 1.6 mut/Mb", biomarker="TMB", value=1.6, unit="mut/Mb"),
     "TMB 1.6 mut/Mb"),
    ("tumor mutational burden 10 mutations/Mb", None,
     V(None, "biomarker", "TMB 10 mut/Mb", biomarker="TMB", value=10.0, unit="mut/Mb"),
     "TMB 10 mut/Mb"),
    ("TMB-H", None, V(None, "biomarker", "TMB-H", biomarker="TMB"), "TMB-H"),
    ("TMB high", None, V(None, "biomarker", "TMB-H", biomarker="TMB"), "TMB-H"),
    ("TMB-L", None, V(None, "biomarker", "TMB-L", biomarker="TMB"), "TMB-L"),
    ("HRD", None, V(None, "biomarker", "HRD", biomarker="HRD"), "HRD"),
    ("HRD positive", None, V(None, "biomarker", "HRD", biomarker="HRD"), "HRD"),
    ("HRD negative", None, V(None, "biomarker", "HRD negative", biomarker="HRD"),
     "HRD negative"),
    ("MSI-H", "BRAF", V(None, "biomarker", "MSI-H", biomarker="MSI"), "MSI-H"),
    # origin
    ("BRCA1 C61G (germline)", None,
     V("BRCA1", "missense", "C61G", position=61, ref="C", alt="G", origin="germline"),
     "BRCA1 C61G (germline)"),
    ("BRCA1 C61G germline", None,
     V("BRCA1", "missense", "C61G", position=61, ref="C", alt="G", origin="germline"),
     "BRCA1 C61G (germline)"),
    ("germline BRCA2 K3326*", None,
     V("BRCA2", "nonsense", "K3326*", position=3326, ref="K", alt="*", origin="germline"),
     "BRCA2 K3326* (germline)"),
    ("gBRCA2 K3326*", None,
     V("BRCA2", "nonsense", "K3326*", position=3326, ref="K", alt="*", origin="germline"),
     "BRCA2 K3326* (germline)"),
    ("BRAF V600E (somatic)", None,
     V("BRAF", "missense", "V600E", position=600, ref="V", alt="E", origin="somatic"),
     "BRAF V600E (somatic)"),
    # full HGVS
    ("NM_004333.4:c.1799T>A", None,
     V("BRAF", "coding", "NM_004333.4:c.1799T>A", hgvs="NM_004333.4:c.1799T>A"),
     "BRAF NM_004333.4:c.1799T>A"),
    ("BRAF NM_004333.4:c.1799T>A", None,
     V("BRAF", "coding", "NM_004333.4:c.1799T>A", hgvs="NM_004333.4:c.1799T>A"),
     "BRAF NM_004333.4:c.1799T>A"),
    ("NM_004333.4(BRAF):c.1799T>A", None,
     V("BRAF", "coding", "NM_004333.4:c.1799T>A", hgvs="NM_004333.4:c.1799T>A"),
     "BRAF NM_004333.4:c.1799T>A"),
    ("ENST00000288602.11:c.1799T>A", None,
     V("BRAF", "coding", "ENST00000288602.11:c.1799T>A", hgvs="ENST00000288602.11:c.1799T>A"),
     "BRAF ENST00000288602.11:c.1799T>A"),
    ("NM_000245.4:c.2888-1G>A", None,
     V("MET", "exon_skipping", "exon 14 skipping", exon=14, cdna="c.2888-1G>A",
       hgvs="NM_000245.4:c.2888-1G>A", reading="read 'NM_000245.4:c.2888-1G>A' as MET exon "
       "14 skipping: c.2888-1 is in the exon 14 splice acceptor"),
     "MET exon 14 skipping"),
    ("NM_000245.4:c.3028+1_3028+2del", None,
     V("MET", "exon_skipping", "exon 14 skipping", exon=14, cdna="c.3028+1_3028+2del",
       hgvs="NM_000245.4:c.3028+1_3028+2del", reading="read 'NM_000245.4:c.3028+1_3028+2del'"
       " as MET exon 14 skipping: the del covers the exon 14 splice donor"),
     "MET exon 14 skipping"),
    ("NM_999999.1:c.100A>G", "TP53",
     V("TP53", "coding", "NM_999999.1:c.100A>G", hgvs="NM_999999.1:c.100A>G"),
     "TP53 NM_999999.1:c.100A>G"),
    ("NP_004324.2:p.Val600Glu", None,
     V("BRAF", "missense", "V600E", position=600, ref="V", alt="E",
       hgvs="NP_004324.2:p.Val600Glu"),
     "BRAF V600E"),
    ("NP_004324.2:p.(Val600Glu)", None,
     V("BRAF", "missense", "V600E", position=600, ref="V", alt="E",
       hgvs="NP_004324.2:p.(Val600Glu)"),
     "BRAF V600E"),
    ("NP_005219.2:p.Glu746_Ala750del", None,
     V("EGFR", "inframe_deletion", "E746_A750del", position=746, end_position=750, ref="E",
       hgvs="NP_005219.2:p.Glu746_Ala750del"),
     "EGFR E746_A750del"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "gene", "expected", "canonical"), CASES)
def test_notation(text: str, gene: str | None, expected: Variant, canonical: str) -> None:
    variant = parse_variant(text, gene)
    assert variant == expected
    assert variant.model_dump() == {**expected.model_dump(), "text": text}
    assert variant.text == text
    assert str(variant) == canonical


@pytest.mark.parametrize(("text", "gene", "expected", "canonical"), CASES)
def test_round_trip(text: str, gene: str | None, expected: Variant, canonical: str) -> None:
    variant = parse_variant(text, gene)
    again = parse_variant(str(variant))
    assert again == variant
    if variant.hgvs and variant.kind not in ("coding", "splice"):
        # A p. expression prints as its short form; the accession is kept only in .hgvs.
        assert again.hgvs is None


def test_hgvs_protein_equals_short_form_apart_from_hgvs() -> None:
    full = parse_variant("NP_004324.2:p.Val600Glu")
    short = parse_variant("BRAF V600E")
    assert full.hgvs == "NP_004324.2:p.Val600Glu"
    assert full == short and hash(full) == hash(short)


def test_fast_path_matches_validated_model() -> None:
    variant = parse_variant("KRAS G12C")
    rebuilt = Variant.model_validate(variant.model_dump())
    assert rebuilt == variant
    assert hash(rebuilt) == hash(variant)
    assert variant.model_dump(mode="json")["genes"] == ["KRAS"]
    with pytest.raises(Exception, match="frozen"):
        variant.gene = "NRAS"  # type: ignore[misc]


def test_origin_argument() -> None:
    assert parse_variant("BRCA1 C61G", origin="germline").origin == "germline"
    assert parse_variant("BRCA1 C61G", origin="somatic").origin == "somatic"
    assert parse_variant("BRCA1 C61G").origin == "unknown"
    assert parse_variant("BRCA1 C61G (germline)", origin="germline").origin == "germline"
    assert str(parse_variant("BRCA1 C61G", origin="germline")) == "BRCA1 C61G (germline)"


def test_text_is_ignored_by_equality() -> None:
    assert parse_variant("BRAF V600E") == parse_variant("BRAF p.(Val600Glu)")
    assert parse_variant("BRAF V600E").text == "BRAF V600E"
    assert parse_variant("BRAF p.(Val600Glu)").text == "BRAF p.(Val600Glu)"


def test_parse_variants() -> None:
    given = parse_variant("KRAS G12C")
    out = parse_variants([given, "ERBB2 amp", "MSI-H"])
    assert out[0] is given
    assert [str(v) for v in out] == ["KRAS G12C", "ERBB2 amplification", "MSI-H"]
    assert [str(v) for v in parse_variants(["p.V600E", "p.K601E"], "BRAF")] == [
        "BRAF V600E",
        "BRAF K601E",
    ]
    assert parse_variants([]) == []


def test_parse_variants_rejects_a_single_string() -> None:
    with pytest.raises(VariantParseError, match="needs a list of texts, not one string"):
        parse_variants("BRAF V600E")


def test_format_variant() -> None:
    v = parse_variant("NP_004324.2:p.Val600Glu")
    assert format_variant(v) == "BRAF V600E"
    assert format_variant(v, style="hgvs") == "NP_004324.2:p.Val600Glu"
    assert format_variant(parse_variant("BRAF V600E"), style="hgvs") == "BRAF V600E"
    with pytest.raises(ValueError, match="unknown style 'long'"):
        format_variant(v, style="long")


def test_exon_helpers_are_exported() -> None:
    assert exon_range("EGFR", 19) == (729, 761)
    v = parse_variant("EGFR E746_A750del")
    assert v.position is not None
    assert exon_of(v.gene or "", v.position) == 19


def test_threads_agree() -> None:
    from actionable import variants
    from actionable.variants._checks import conflict

    texts = [f"EGFR L{p}R" for p in range(700, 900) if conflict("EGFR", p, None, "L") is None]
    texts += ["NM_004333.4:c.1799T>A"] * 20
    results: list[list[str]] = []

    def work() -> None:
        results.append([str(variants.read_line(t, None, None)[0]) for t in texts])

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 4
    assert all(r == results[0] for r in results)


# --- errors -------------------------------------------------------------------------------

FORMS = (
    "Write a protein change such as 'V600E', 'p.Val600Glu', 'E746_A750del', 'R160fs*314', "
    "or an event such as 'amplification', 'exon 19 deletion', 'fusion'"
)

ERRORS: list[tuple[Any, str | None, str]] = [
    ("BRAF V600EE", None,
     f"cannot parse variant 'BRAF V600EE': malformed change 'V600EE'. {FORMS}"),
    ("BRAF V-600E", None,
     f"cannot parse variant 'BRAF V-600E': malformed change 'V-600E'. {FORMS}"),
    ("BRAF 600E", None,
     "cannot parse variant 'BRAF 600E': malformed protein change '600E': the reference amino "
     "acid is missing. Write the reference residue before the position, e.g. 'V600E'"),
    ("", None, "cannot parse variant '': empty variant text. Write e.g. 'BRAF V600E'"),
    ("   ", None, "cannot parse variant '   ': empty variant text. Write e.g. 'BRAF V600E'"),
    (None, None, "cannot parse variant 'None': expected a string, got NoneType. Pass text such "
     "as 'BRAF V600E'"),
    (600, None, "cannot parse variant '600': expected a string, got int. Pass text such as "
     "'BRAF V600E'"),
    ("V600E", None,
     "cannot parse variant 'V600E': missing gene. Pass the gene, e.g. parse_variant('V600E', "
     "gene='BRAF'), or write it first as in 'BRAF V600E'"),
    ("p.Val600Glu", None,
     "cannot parse variant 'p.Val600Glu': missing gene. Pass the gene, e.g. "
     "parse_variant('p.Val600Glu', gene='BRAF'), or write it first as in 'BRAF V600E'"),
    ("exon 19 deletion", None,
     "cannot parse variant 'exon 19 deletion': missing gene. Pass the gene, e.g. "
     "parse_variant('exon 19 deletion', gene='BRAF'), or write it first as in 'BRAF V600E'"),
    ("amplification", None,
     "cannot parse variant 'amplification': missing gene. Pass the gene, e.g. "
     "parse_variant('amplification', gene='BRAF'), or write it first as in 'BRAF V600E'"),
    ("NP_999999.1:p.Val600Glu", None,
     "cannot parse variant 'NP_999999.1:p.Val600Glu': missing gene: NP_999999.1 is not a MANE "
     "or MSK-IMPACT transcript. Pass gene=..., or write the gene first as in "
     "'BRAF NP_999999.1:p.Val600Glu'"),
    ("EGFR exon 0 deletion", None,
     "cannot parse variant 'EGFR exon 0 deletion': impossible exon 0 (EGFR has exons 1-28). "
     "Check the exon number of the exon deletion"),
    ("EGFR exon 29 deletion", None,
     "cannot parse variant 'EGFR exon 29 deletion': impossible exon 29 (EGFR has exons 1-28). "
     "Check the exon number of the exon deletion"),
    ("TP53 exon 151 deletion", None,
     "cannot parse variant 'TP53 exon 151 deletion': impossible exon 151 (exons run 1-150). "
     "Check the exon number of the exon deletion"),
    ("EGFR exon 19", None,
     "cannot parse variant 'EGFR exon 19': exon 19 without an event. Write 'exon 19 deletion', "
     "'exon 19 insertion' or 'exon 19 skipping'"),
    ("P34 V600E", None,
     "cannot parse variant 'P34 V600E': ambiguous gene symbol 'P34': it is an alias of AAGAB, "
     "CCNH, GTF2H3. Use the approved symbol, one of AAGAB, CCNH, GTF2H3"),
    ("BRAF", None,
     "cannot parse variant 'BRAF': no alteration given for BRAF. Write e.g. 'BRAF V600E' or "
     "'BRAF amplification'"),
    ("V600E", "KRAS2X",
     "cannot parse variant 'V600E': unknown gene 'KRAS2X'. Did you mean 'KRAS', 'KRASP1', "
     "'RRAS2'?"),
    ("BRAF V600E", "KRAS",
     "cannot parse variant 'BRAF V600E': gene='KRAS' disagrees with 'BRAF' in the text. Drop "
     "the gene argument or fix the text"),
    ("EGFR D770insSVD", None,
     "cannot parse variant 'EGFR D770insSVD': malformed insertion 'D770insSVD': an insertion "
     "lies between two adjacent residues and names the inserted amino acids. Write e.g. "
     "'D770_N771insSVD'"),
    ("EGFR D770_N775insSVD", None,
     "cannot parse variant 'EGFR D770_N775insSVD': malformed insertion 'D770_N775insSVD': an "
     "insertion lies between two adjacent residues and names the inserted amino acids. Write "
     "e.g. 'D770_N771insSVD'"),
    ("EGFR A750_E746del", None,
     "cannot parse variant 'EGFR A750_E746del': malformed range in 'A750_E746del': it must run "
     "from a lower to a higher position. Write e.g. 'E746_A750del'"),
    ("BRAF V0E", None,
     "cannot parse variant 'BRAF V0E': position 0 is not a residue. Protein positions start "
     "at 1"),
    ("KRAS positive", None,
     "cannot parse variant 'KRAS positive': 'positive' is ambiguous for KRAS. Name the finding: "
     "'KRAS amplification', 'KRAS overexpression' or 'KRAS fusion'"),
    ("MET IHC 2+", None,
     "cannot parse variant 'MET IHC 2+': only IHC 3+ is read as overexpression, not 'IHC 2+'. "
     "Write 'overexpression' for IHC 3+, or give the ISH/NGS result"),
    ("ALK::ALK", None,
     "cannot parse variant 'ALK::ALK': a fusion needs two different genes, got ALK twice. "
     "Write 'ALK fusion' when the partner is unknown"),
    ("NC_000007.14:g.140753336A>T", None,
     "cannot parse variant 'NC_000007.14:g.140753336A>T': HGVS g. expressions are not "
     "supported. Give the c. or p. change on a transcript, e.g. 'NM_004333.4:c.1799T>A'"),
    ("NM_004333.4:c.1799T>>A", None,
     "cannot parse variant 'NM_004333.4:c.1799T>>A': malformed HGVS expression "
     "'NM_004333.4:c.1799T>>A' (HGVSParseError). Check it against "
     "https://hgvs-nomenclature.org, e.g. 'NP_004324.2:p.Val600Glu'"),
    ("KRAS NM_004333.4:c.1799T>A", None,
     "cannot parse variant 'KRAS NM_004333.4:c.1799T>A': conflicting genes BRAF, KRAS "
     "(NM_004333.4 is a BRAF transcript). Give the gene that the accession belongs to"),
    ("BRAF c.17QQ", None,
     "cannot parse variant 'BRAF c.17QQ': malformed cDNA change 'c.17QQ' (HGVSParseError). "
     "Write an HGVS c. change such as 'c.1799T>A' or 'c.2888-1G>A'"),
    ("EML4-ALK V600E", None,
     "cannot parse variant 'EML4-ALK V600E': unexpected 'V600E' after the fusion EML4::ALK. "
     "Write 'EML4::ALK fusion'"),
    ("BRAF mutationx", None, f"cannot parse variant 'BRAF mutationx': malformed change "
     f"'mutationx'. {FORMS}"),
    ("germline", None,
     "cannot parse variant 'germline': only an origin was given. Write e.g. 'BRCA1 C61G'"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "gene", "message"), ERRORS)
def test_errors(text: Any, gene: str | None, message: str) -> None:
    with pytest.raises(VariantParseError) as info:
        parse_variant(text, gene)
    assert str(info.value) == message
    assert isinstance(info.value, ValueError)


def test_unknown_gene_names_the_closest_symbols() -> None:
    with pytest.raises(VariantParseError) as info:
        parse_variant("BRAFF V600E")
    assert info.value.problem == "unknown gene 'BRAFF'"
    assert info.value.suggestion is not None
    assert info.value.suggestion.startswith("did you mean 'BRAF'")
    assert info.value.text == "BRAFF V600E"


def test_unknown_fusion_partner() -> None:
    with pytest.raises(VariantParseError) as info:
        parse_variant("EML4::ALKK")
    assert info.value.problem == "unknown gene 'ALKK'"


def test_ras_is_not_a_gene() -> None:
    with pytest.raises(VariantParseError) as info:
        parse_variant("RAS wt")
    assert info.value.problem == "unknown gene 'RAS'"


def test_origin_conflicts_and_bad_origin() -> None:
    with pytest.raises(VariantParseError) as info:
        parse_variant("BRCA1 C61G (germline)", origin="somatic")
    assert str(info.value) == (
        "cannot parse variant 'BRCA1 C61G (germline)': the text says germline but "
        "origin='somatic' was passed. Drop one of them"
    )
    with pytest.raises(VariantParseError) as info:
        parse_variant("BRCA1 C61G", origin="inherited")
    assert str(info.value) == (
        "cannot parse variant 'BRCA1 C61G': unknown origin 'inherited'. Use 'somatic', "
        "'germline' or 'unknown'"
    )
    with pytest.raises(VariantParseError, match="unknown origin"):
        parse_variant("BRCA1 C61G", origin=["germline"])  # type: ignore[arg-type]


def test_non_string_gene_argument() -> None:
    with pytest.raises(VariantParseError, match="gene= must be a string, not int"):
        parse_variant("V600E", 7)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "junk",
    ["!!!", "BRAF ???", "BRAF V600E V600K", "::", "--", "/", "NM_:c.", "TMB x mut/Mb",
     "BRAF p.", "BRAF p.()", "EGFR exon x deletion", "\x00", "BRAF\tV600E\tX"],
)  # fmt: skip
def test_junk_raises_only_variant_parse_error(junk: str) -> None:
    with pytest.raises(VariantParseError):
        parse_variant(junk)


@pytest.mark.parametrize(
    "text", ["FLT3 ITD", "FLT3-ITD", "FLT3 internal tandem duplication", "flt3 itd positive"]
)
def test_flt3_itd_is_a_named_duplication(text: str) -> None:
    variant = parse_variant(text)
    assert (variant.gene, variant.kind, variant.alteration, str(variant)) == (
        "FLT3",
        "duplication",
        "ITD",
        "FLT3 ITD",
    )
    assert variant.position is None
    assert parse_variant(str(variant)) == variant
