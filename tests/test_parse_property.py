"""Property tests: round trip over generated variants and agreement with biocommons hgvs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import hgvs.parser
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from actionable.errors import VariantParseError
from actionable.genes import exon_count
from actionable.models import Variant
from actionable.variants import parse_report_line, parse_variant
from actionable.variants._checks import conflict

GENES = [
    "BRAF", "EGFR", "KRAS", "NRAS", "TP53", "PIK3CA", "ERBB2", "BRCA1", "BRCA2", "MET", "ALK",
    "KIT", "PDGFRA", "CDKN2A", "KMT2D", "IDH1", "HLA-A", "HLA-B", "NKX2-1", "H3-3A", "FGFR3",
]  # fmt: skip
ALIASES = {"HER2": "ERBB2", "MLL2": "KMT2D", "P53": "TP53", "TTF-1": "NKX2-1"}
ONE = "ACDEFGHIKLMNPQRSTVWY"
THREE = dict(zip(ONE, ["Ala", "Cys", "Asp", "Glu", "Phe", "Gly", "His", "Ile", "Lys", "Leu",
                       "Met", "Asn", "Pro", "Gln", "Arg", "Ser", "Thr", "Val", "Trp", "Tyr"],
                 strict=True))  # fmt: skip
THREE["*"] = "Ter"

aa = st.sampled_from(ONE)
pos = st.integers(min_value=2, max_value=5000)
seq = st.text(alphabet=ONE, min_size=1, max_size=5)


def three(s: str) -> str:
    return "".join(THREE[c] for c in s)


@st.composite
def protein_change(draw: Any) -> dict[str, Any]:
    """A protein change as (one-letter text, three-letter text, expected fields)."""
    kind = draw(
        st.sampled_from(
            ["missense", "nonsense", "synonymous", "frameshift", "del", "del1", "ins",
             "delins", "dup", "stop_lost", "codon"]
        )
    )  # fmt: skip
    p = draw(pos)
    ref = draw(aa)
    if kind == "missense":
        alt = draw(aa.filter(lambda a: a != ref))
        return {"one": f"{ref}{p}{alt}", "three": f"{three(ref)}{p}{three(alt)}",
                "fields": (p, None, ref, alt), "kind": "missense"}  # fmt: skip
    if kind == "nonsense":
        return {"one": f"{ref}{p}*", "three": f"{three(ref)}{p}Ter",
                "fields": (p, None, ref, "*"), "kind": "nonsense"}  # fmt: skip
    if kind == "synonymous":
        return {"one": f"{ref}{p}=", "three": f"{three(ref)}{p}=",
                "fields": (p, None, ref, ref), "kind": "synonymous"}  # fmt: skip
    if kind == "frameshift":
        alt = draw(st.one_of(st.none(), aa))
        length = draw(st.one_of(st.none(), st.integers(1, 400).map(str), st.just("?")))
        tail = f"*{length}" if length else ""
        one = f"{ref}{p}{alt or ''}fs{tail}"
        three_text = f"{three(ref)}{p}{three(alt) if alt else ''}fs" + (
            f"Ter{length}" if length else ""
        )
        return {"one": one, "three": three_text, "fields": (p, None, ref, alt),
                "kind": "frameshift"}  # fmt: skip
    if kind == "codon":
        return {"one": f"{ref}{p}", "three": None, "fields": (p, None, ref, None),
                "kind": "codon"}  # fmt: skip
    if kind == "stop_lost":
        alt = draw(aa)
        length = draw(st.one_of(st.integers(1, 99).map(str), st.just("?")))
        return {"one": f"*{p}{alt}ext*{length}", "three": f"Ter{p}{three(alt)}extTer{length}",
                "fields": (p, None, "*", alt), "kind": "stop_lost"}  # fmt: skip
    if kind == "del1":
        return {"one": f"{ref}{p}del", "three": f"{three(ref)}{p}del",
                "fields": (p, None, ref, None), "kind": "inframe_deletion"}  # fmt: skip
    end_ref = draw(aa)
    if kind == "ins":
        end = p + 1
        ins = draw(seq)
        return {"one": f"{ref}{p}_{end_ref}{end}ins{ins}",
                "three": f"{three(ref)}{p}_{three(end_ref)}{end}ins{three(ins)}",
                "fields": (p, end, ref, ins), "kind": "inframe_insertion"}  # fmt: skip
    end = p + draw(st.integers(1, 30))
    where1 = f"{ref}{p}_{end_ref}{end}"
    where3 = f"{three(ref)}{p}_{three(end_ref)}{end}"
    if kind == "delins":
        ins = draw(seq)
        return {"one": f"{where1}delins{ins}", "three": f"{where3}delins{three(ins)}",
                "fields": (p, end, ref, ins), "kind": "inframe_delins"}  # fmt: skip
    op = "del" if kind == "del" else "dup"
    return {"one": f"{where1}{op}", "three": f"{where3}{op}", "fields": (p, end, ref, None),
            "kind": "inframe_deletion" if op == "del" else "duplication"}  # fmt: skip


EVENTS = [
    "amplification", "amp", "deletion", "homozygous deletion", "gain", "loss", "overexpression",
    "wildtype", "wild-type", "fusion", "rearrangement", "splice site", "X963_splice",
]  # fmt: skip
BIOMARKERS = ["MSI-H", "MSS", "MSI-L", "dMMR", "pMMR", "TMB-H", "TMB-L", "HRD", "HRD negative"]


@st.composite
def variant_text(draw: Any) -> str:
    gene = draw(st.sampled_from(GENES + list(ALIASES)))
    choice = draw(st.integers(0, 9))
    if choice <= 5:
        change = draw(protein_change())
        text = (
            change["one"]
            if change["three"] is None or draw(st.booleans())
            else ("p." + change["three"])
        )
        sep = draw(st.sampled_from([" ", ":", " p.", " "]))
        if text.startswith("p.") and sep == " p.":
            sep = " "
        return f"{gene}{sep}{text}"
    if choice == 6:
        return f"{gene} {draw(st.sampled_from(EVENTS))}"
    if choice == 7:
        top = exon_count(ALIASES.get(gene, gene)) or 150
        event = draw(st.sampled_from(["deletion", "insertion", "skipping", "del", "ins"]))
        return f"{gene} exon {draw(st.integers(1, top))} {event}"
    if choice == 8:
        approved = ALIASES.get(gene, gene)
        other = draw(st.sampled_from([g for g in GENES if g != approved]))
        sep = draw(st.sampled_from(["::", "--", "/"]))
        return f"{gene}{sep}{other}"
    value = draw(st.decimals(min_value=0, max_value=500, places=2, allow_nan=False))
    return draw(st.sampled_from([*BIOMARKERS, f"TMB {value}", f"TMB: {value} mut/Mb"]))


ORIGINS = st.sampled_from([None, "germline", "unknown"])


def _parse_or_conflict(text: str, origin: str | None) -> Variant | None:
    """The parsed variant, or None when the generated change contradicts a residue or a
    protein length the library knows (the refusal names the conflict)."""
    try:
        return parse_variant(text, origin=origin)
    except VariantParseError as error:
        if "beyond the end of" in error.problem or " at position " in error.problem:
            return None
        raise


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=variant_text(), origin=ORIGINS)
def test_round_trip(text: str, origin: str | None) -> None:
    variant = _parse_or_conflict(text, origin)
    if variant is None:
        return
    assert parse_variant(str(variant)) == variant
    assert Variant.model_validate(variant.model_dump()) == variant
    if variant.gene is not None and variant.kind != "fusion":
        assert str(variant).startswith(variant.gene + " ")


@settings(max_examples=300, deadline=None)
@given(gene=st.sampled_from(GENES), change=protein_change(), origin=ORIGINS)
def test_fields_of_generated_changes(gene: str, change: dict[str, Any], origin: str | None) -> None:
    position, end, ref, _ = change["fields"]
    assume(conflict(ALIASES.get(gene, gene), position, end, ref) is None)
    for text in filter(None, (change["one"], change["three"] and "p." + change["three"])):
        variant = parse_variant(f"{gene} {text}", origin=origin)
        position, end, ref, alt = change["fields"]
        assert (variant.position, variant.end_position, variant.ref, variant.alt) == (
            position, end, ref, alt,
        )  # fmt: skip
        assert variant.kind == change["kind"]
        assert variant.gene == gene
        assert variant.origin == (origin or "unknown")
        assert parse_variant(str(variant)) == variant


_PARSER = hgvs.parser.Parser()


def hgvs_fields(expression: str) -> tuple[int, int | None, str, str | None]:
    """(position, end, ref, alt) of a p. expression as biocommons hgvs reads it."""
    posedit = _PARSER.parse(expression).posedit
    start, end = posedit.pos.start, posedit.pos.end
    edit = posedit.edit
    name = type(edit).__name__
    alt = getattr(edit, "alt", None) or None
    if name == "AARefAlt" and edit.ref == "" and edit.alt == "":
        alt = start.aa  # p.Val600= : synonymous, alt is the reference residue
    end_pos = end.pos if end is not None and end.pos != start.pos else None
    return start.pos, end_pos, start.aa, alt


@settings(max_examples=400, deadline=None)
@given(change=protein_change())
def test_agrees_with_hgvs(change: dict[str, Any]) -> None:
    if change["three"] is None:
        return  # codon-only forms have no HGVS equivalent
    position, end, ref, _ = change["fields"]
    assume(conflict("BRAF", position, end, ref) is None)
    expression = "NP_004324.2:p." + change["three"]
    ours = parse_variant(expression)
    assert (ours.position, ours.end_position, ours.ref, ours.alt) == hgvs_fields(expression)
    short = parse_variant("BRAF " + change["one"])
    assert (short.position, short.end_position, short.ref, short.alt) == hgvs_fields(expression)


AGREEMENT_TABLE = [
    ("Val600Glu", "V600E"),
    ("Arg213Ter", "R213*"),
    ("Ser782ArgfsTer22", "S782Rfs*22"),
    ("Arg160fsTer314", "R160fs*314"),
    ("Glu746_Ala750del", "E746_A750del"),
    ("Asp770_Asn771insSerValAsp", "D770_N771insSVD"),
    ("Tyr772_Ala775dup", "Y772_A775dup"),
    ("Leu747_Pro753delinsSer", "L747_P753delinsS"),
    ("Glu746del", "E746del"),
    ("Val600_Lys601delinsGlu", "V600_K601delinsE"),
    ("Ter394TrpextTer?", "*394Wext*?"),
    ("Val600=", "V600="),
    ("Met1Ile", "M1I"),
]


@pytest.mark.parametrize(("three_letter", "short"), AGREEMENT_TABLE)
def test_agreement_table(three_letter: str, short: str) -> None:
    expression = "NP_004324.2:p." + three_letter
    ours = parse_variant(expression)
    assert ours.alteration == short
    assert ours.hgvs == expression
    assert (ours.position, ours.end_position, ours.ref, ours.alt) == hgvs_fields(expression)


def test_start_lost_unknown_consequence_against_hgvs() -> None:
    # hgvs keeps "?" as the alternate residue; ours has no alternate (None) for M1?.
    assert hgvs_fields("NP_004324.2:p.Met1?") == (1, None, "M", "?")
    v = parse_variant("NP_004324.2:p.Met1?")
    assert (v.position, v.ref, v.alt, v.kind, v.alteration) == (1, "M", None, "start_lost", "M1?")


# --- property: annotations never change the variant --------------------------------------

# Lines of the report-line corpus that state one variant.
VALID = [
    line.split("\t")[0]
    for line in (Path(__file__).parent / "corpus" / "report_lines.tsv")
    .read_text(encoding="utf-8")
    .splitlines()
    if line and not line.startswith("#") and "|" not in line.split("\t")[1]
]
ANNOTATIONS = [
    "VAF 23%", "AF 0.4", "(VAF 12.5%)", "18% VAF", "depth 512", "DP=800", "(1022x)",
    "pathogenic", "likely pathogenic", "Tier IA", "(VUS)", "heterozygous", "by NGS",
    "(ctDNA)", "clonal", "(NM_004985.5)", "COSM521", "[Tier 2C]",
]  # fmt: skip
SEPARATORS = [" ", ", ", "; ", " - ", " | "]


@settings(max_examples=300, deadline=None)
@given(
    line=st.sampled_from(VALID),
    notes=st.lists(st.tuples(st.sampled_from(SEPARATORS), st.sampled_from(ANNOTATIONS)),
                   min_size=1, max_size=3, unique=True),
)  # fmt: skip
def test_annotations_never_change_the_variant(line: str, notes: list[tuple[str, str]]) -> None:
    plain = parse_report_line(line)
    annotated = line + "".join(sep + note for sep, note in notes)
    try:
        got = parse_report_line(annotated)
    except VariantParseError as error:
        # Two values of the same annotation (the line's own VAF and an appended one)
        # are refused rather than one silently chosen.
        assert "two different" in error.problem, annotated
        return
    assert got == plain, annotated
