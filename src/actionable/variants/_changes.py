"""The grammar of changes: one alteration in a library short form into a canonical
:class:`~actionable.models.Variant`.

Short forms (``BRAF V600E``, ``EGFR exon 19 deletion``, ``EML4-ALK``, ``TMB 14 mut/Mb``)
are parsed by hand-written code with precompiled regular expressions; only full HGVS
expressions with an accession (``NM_004333.4:c.1799T>A``) go through the biocommons
``hgvs`` parser, which is about a hundred times slower.
"""

from __future__ import annotations

import re
import threading
from functools import cache
from typing import Any

import yaml

from .._resources import knowledgebase_dir
from ..errors import VariantParseError
from ..genes import _index as _gene_index
from ..genes import _lookup as _lookup_gene
from ..genes import (
    ambiguous_gene_error,
    exon_count,
    exon_of,
    exon_range,
    gene_for_accession,
    unknown_gene_error,
)
from ..models import Variant, _new, _set_dict, _set_extra, _set_fields, _set_private, trusted
from ._checks import MAX_POSITION, fits

__all__ = ["exon_of", "exon_range"]

_MAX_EXON = 150  # no human gene has more than ~150 exons (TTN has 363 but no rules use it)

_THREE_TO_ONE = {
    "Ala": "A", "Arg": "R", "Asn": "N", "Asp": "D", "Cys": "C", "Gln": "Q", "Glu": "E",
    "Gly": "G", "His": "H", "Ile": "I", "Leu": "L", "Lys": "K", "Met": "M", "Phe": "F",
    "Pro": "P", "Ser": "S", "Thr": "T", "Trp": "W", "Tyr": "Y", "Val": "V", "Ter": "*",
}  # fmt: skip
_THREE_RE = re.compile("|".join(_THREE_TO_ONE))

_AA = "ACDEFGHIKLMNPQRSTVWY"
# X is the legacy one-letter stop (R213X, X394Q); it is turned into * below.
_SUB_RE = re.compile(rf"([{_AA}X*])(\d+)([{_AA}X*=?])")
_CODON_RE = re.compile(rf"([{_AA}])(\d+)")
_FS_RE = re.compile(rf"([{_AA}])(\d+)([{_AA}])?fs(?:(?:\*|X|Ter)(\d+|\?)?)?")
_EXT_RE = re.compile(rf"[*X](\d+)([{_AA}])ext(?:\*|X)?(\d+|\?)")
_RANGE_RE = re.compile(rf"([{_AA}])(\d+)(?:_([{_AA}])(\d+))?(delins|del|dup|ins)([{_AA}*]*)")
_SPLICE_POS_RE = re.compile(r"[X*]?(\d+)(?:_|\s+)splice(?:[\s_]site)?", re.IGNORECASE)
_MISSING_REF_RE = re.compile(rf"(\d+)([{_AA}X*])")

# An accession-based HGVS expression, optionally preceded by a gene symbol and with a
# ClinVar-style "(GENE)" after the accession.
_HGVS_RE = re.compile(
    r"(?:(?P<gene>[A-Za-z0-9][A-Za-z0-9-]*)[\s:]+)?"
    r"(?P<ac>(?:N[CGMPRTW]|X[MPR]|ENS[TPG]|LRG)_?\d+(?:\.\d+)?)"
    r"(?:\((?P<acgene>[A-Za-z0-9-]+)\))?"
    r":(?P<type>[a-z])\.(?P<change>\S+)"
)
_FUSION_SEP_RE = re.compile(
    r"([A-Za-z0-9.-]+?)(?:::|--|/)([A-Za-z0-9.-]+?)"
    r"(?:\s+(?:fusions?|rearrangements?|translocations?|fusion[\s_-]positive))?",
    re.IGNORECASE,
)
_FUSION_WORDS = frozenset(
    {"fusion", "fusions", "rearrangement", "rearrangements", "rearranged", "translocation",
     "translocations", "fusion positive", "fusion gene"}
)  # fmt: skip
_TRAILING_NOISE_RE = re.compile(
    r"(?<!\s)\s+(?:mutations?|mutant|variants?|alterations?|mut)$", re.IGNORECASE
)
_EXON_RE = re.compile(
    r"(δ\s?)?ex(?:on)?\s?(\d+)\s?"
    r"(deletions?|del|insertions?|ins|skipping|skipped|skip|frameshifts?|fs|)"
    r"(?:\s(?:mutations?|alterations?|variants?|events?))?"
)
_GLUED_EXON_RE = re.compile(r"([A-Za-z0-9-]+?)((?:Δ|δ)?ex(?:on)?\d+.*)", re.IGNORECASE)
_TMB_RE = re.compile(
    r"(?:tmb|tumou?r mutation(?:al)? burden)\s*[:=]?\s*(\d+(?:\.\d+)?)\s*"
    r"(?:(?:mut(?:ation)?s?|muts?)\s*(?:/|per)\s*mb|/\s*mb)?"
)

_BIOMARKERS: dict[str, tuple[str, str]] = {}
_phrases: tuple[str, ...]
for _phrases, _canonical in (
    (("msi h", "msi high", "msi hi", "high msi", "msi", "msi positive",
      "microsatellite instability high", "microsatellite instability",
      "microsatellite unstable", "high microsatellite instability"), ("MSI", "MSI-H")),
    (("msi l", "msi low", "low msi", "microsatellite instability low"), ("MSI", "MSI-L")),
    (("mss", "msi stable", "ms stable", "microsatellite stable", "msi negative"), ("MSI", "MSS")),
    (("dmmr", "mmr deficient", "mmr deficiency", "deficient mmr", "mmr d",
      "mismatch repair deficient", "mismatch repair deficiency"), ("MMR", "dMMR")),
    (("pmmr", "mmr proficient", "proficient mmr", "mmr intact", "mmr p",
      "mismatch repair proficient"), ("MMR", "pMMR")),
    (("tmb h", "tmb high", "high tmb", "tmb hi", "tumor mutational burden high",
      "tumour mutational burden high", "high tumor mutational burden"), ("TMB", "TMB-H")),
    (("tmb l", "tmb low", "low tmb", "tumor mutational burden low"), ("TMB", "TMB-L")),
    (("hrd", "hrd positive", "hrd+", "hrd pos", "homologous recombination deficiency",
      "homologous recombination deficient", "hr deficient"), ("HRD", "HRD")),
    (("hrd negative", "hrd-", "hrd neg", "hr proficient", "hrp",
      "homologous recombination proficient"), ("HRD", "HRD negative")),
):  # fmt: skip
    for _phrase in _phrases:
        _BIOMARKERS[_phrase] = _canonical
_BIOMARKER_LEADS = frozenset(
    {"MSI", "MSS", "TMB", "HRD", "DMM", "PMM", "MMR", "MIC", "TUM", "HOM", "MIS", "HIG",
     "LOW", "DEF", "PRO", "HR ", "HRP", "MS "}
)  # fmt: skip

_EVENTS: dict[str, str] = {}
_event_phrases: tuple[str, ...]
for _event_phrases, _kind in (
    (("amplification", "amplifications", "amp", "amplified", "high level gain",
      "gain of high level", "high level amplification", "focal amplification",
      "copy number amplification", "cn amplification", "cna amplification"), "amplification"),
    (("deletion", "homozygous deletion", "deep deletion", "homdel", "del", "deep loss",
      "homozygous loss", "biallelic loss", "biallelic deletion", "two copy loss"), "deletion"),
    (("gain", "copy number gain", "cn gain", "low level gain", "shallow gain", "copy gain"),
     "gain"),
    (("loss", "copy number loss", "cn loss", "shallow deletion", "shallow loss",
      "heterozygous deletion", "hemizygous deletion", "heterozygous loss", "hemizygous loss",
      "single copy loss", "one copy loss"), "loss"),
    (("overexpression", "over expression", "overexpressed", "over expressed", "ihc 3+",
      "ihc3+", "ihc 3 +", "protein overexpression"), "overexpression"),
    (("wildtype", "wild type", "wt", "wild type status", "non mutated", "unmutated"),
     "wildtype"),
    # FLT3 internal tandem duplications vary in length and position from patient to
    # patient, so reports name the event, not the residues.
    (("itd", "internal tandem duplication", "internal tandem duplications",
      "itd mutation", "itd positive"), "duplication"),
):  # fmt: skip
    for _phrase in _event_phrases:
        _EVENTS[_phrase] = _kind
_EVENT_CANONICAL = {
    "amplification": "amplification",
    "deletion": "deletion",
    "gain": "gain",
    "loss": "loss",
    "overexpression": "overexpression",
    "wildtype": "wildtype",
    "duplication": "ITD",
}
_POSITIVE = frozenset({"positive", "pos", "+", "ihc positive"})

_FROM_ONE = "protein positions start at 1"
_FORMS_HINT = (
    "write a protein change such as 'V600E', 'p.Val600Glu', 'E746_A750del', 'R160fs*314', "
    "or an event such as 'amplification', 'exon 19 deletion', 'fusion'"
)


# --- building Variants quickly ------------------------------------------------------------


def _variant(**values: Any) -> Variant:
    """A Variant from values this module has already validated.

    Pydantic validation (or ``model_construct``) costs several microseconds, as much as the
    whole parse; every value passed here comes from a regex group, the gene table or a
    literal of this module, so the checks would be redundant.
    """
    if not values.get("genes") and values.get("gene") is not None:
        values["genes"] = (values["gene"],)
    return trusted(Variant, values)


# --- knowledge files --------------------------------------------------------------------


class _FusionDrivers:
    def __init__(self, data: dict[str, Any]) -> None:
        self.five_prime = frozenset(data.get("five_prime") or ())
        self.three_prime = frozenset(data.get("three_prime") or ())
        self.positive_means_fusion = frozenset(data.get("positive_means_fusion") or ())


@cache
def _fusion_drivers() -> _FusionDrivers:
    with (knowledgebase_dir() / "fusion_drivers.yaml").open(encoding="utf-8") as handle:
        return _FusionDrivers(yaml.safe_load(handle) or {})


def _fusion_driver(five: str, three: str) -> str:
    drivers = _fusion_drivers()
    if five in drivers.five_prime:
        return five
    if three not in drivers.three_prime and five in drivers.three_prime:
        return five  # partners written 3'-first, e.g. NTRK1--TPM3
    return three


# --- the hgvs parser (slow; full expressions only) ----------------------------------------

_HGVS_LOCK = threading.Lock()


@cache
def _hgvs_parser() -> Any:
    import hgvs.parser  # imported lazily: it costs ~0.1 s and most inputs never need it

    return hgvs.parser.Parser()


def _hgvs_call(method: str, text: str) -> Any:
    # The parser holds one grammar object; parsley gives no thread-safety guarantee.
    with _HGVS_LOCK:
        parser = _hgvs_parser()
        return getattr(parser, method)(text)


# --- helpers -------------------------------------------------------------------------------


def _missing_gene(text: str) -> VariantParseError:
    return VariantParseError(
        text,
        "missing gene",
        f"pass the gene, e.g. parse_variant({text!r}, gene='BRAF'), or write it first "
        "as in 'BRAF V600E'",
    )


def _malformed(text: str, change: str) -> VariantParseError:
    if _MISSING_REF_RE.fullmatch(change):
        return VariantParseError(
            text,
            f"malformed protein change {change!r}: the reference amino acid is missing",
            f"write the reference residue before the position, e.g. 'V{change}'",
        )
    return VariantParseError(text, f"malformed change {change!r}", _FORMS_HINT)


def _format_number(value: float) -> str:
    return f"{value:.4f}".rstrip("0").rstrip(".")


def _resolve_symbol(symbol: str, text: str) -> str | None:
    found = _lookup_gene(symbol)
    if isinstance(found, tuple):
        raise ambiguous_gene_error(symbol, found, text)
    return found


def _words(change: str) -> str:
    return " ".join(change.lower().replace("-", " ").replace("_", " ").split())


def _plausible_exon(gene: str, exon: int, text: str, event: str) -> None:
    count = exon_count(gene)
    top = count if count is not None else _MAX_EXON
    if not 1 <= exon <= top:
        known = f"{gene} has exons 1-{count}" if count is not None else f"exons run 1-{top}"
        raise VariantParseError(
            text, f"impossible exon {exon} ({known})", f"check the exon number of the {event}"
        )


# --- protein changes ----------------------------------------------------------------------


def _protein(change: str, gene: str, text: str) -> dict[str, Any] | None:
    """Fields of a protein change in short or 3-letter form, or None when it is not one."""
    s = change
    if s.startswith("p."):
        s = s[2:]
    if s.startswith("(") and s.endswith(")"):
        s = s[1:-1]
    if len(s) > 1 and s[1].islower():
        s = _THREE_RE.sub(lambda m: _THREE_TO_ONE[m.group(0)], s)
    elif s.islower() and s[:1].isalpha():
        s = s.upper()  # "v600e"; only all-lowercase one-letter forms, keywords need case
    if not s:
        return None

    m = _SUB_RE.fullmatch(s)
    if m:
        ref, pos_s, alt = m.groups()
        ref = "*" if ref == "X" else ref
        alt = "*" if alt == "X" else alt
        pos = int(pos_s)
        if pos < 1:
            raise VariantParseError(text, f"position {pos} is not a residue", _FROM_ONE)
        if ref == "*":
            if alt in ("*", "="):
                return {"kind": "synonymous", "alteration": f"*{pos}=", "position": pos,
                        "ref": "*", "alt": "*"}  # fmt: skip
            if alt == "?":
                raise _malformed(text, change)
            return {"kind": "stop_lost", "alteration": f"*{pos}{alt}ext*?", "position": pos,
                    "ref": "*", "alt": alt}  # fmt: skip
        if alt == "=" or alt == ref:
            return {"kind": "synonymous", "alteration": f"{ref}{pos}=", "position": pos,
                    "ref": ref, "alt": ref}  # fmt: skip
        if pos == 1 and ref == "M":
            # Any change of the initiator Met loses the start codon (HGVS writes p.Met1?);
            # a written substitution (M1I) is kept as written.
            alt_value = None if alt == "?" else alt
            return {"kind": "start_lost", "alteration": f"M1{alt}", "position": 1,
                    "ref": "M", "alt": alt_value}  # fmt: skip
        if alt == "?":
            raise _malformed(text, change)
        kind = "nonsense" if alt == "*" else "missense"
        return {"kind": kind, "alteration": f"{ref}{pos}{alt}", "position": pos,
                "ref": ref, "alt": alt}  # fmt: skip

    m = _FS_RE.fullmatch(s)
    if m:
        ref, pos_s, alt, length = m.groups()
        pos = int(pos_s)
        tail = f"*{length}" if length else ""
        return {"kind": "frameshift", "alteration": f"{ref}{pos}{alt or ''}fs{tail}",
                "position": pos, "ref": ref, "alt": alt}  # fmt: skip

    m = _RANGE_RE.fullmatch(s)
    if m:
        return _range(m, change, text)

    m = _EXT_RE.fullmatch(s)
    if m:
        pos_s, alt, length = m.groups()
        pos = int(pos_s)
        return {"kind": "stop_lost", "alteration": f"*{pos}{alt}ext*{length}", "position": pos,
                "ref": "*", "alt": alt}  # fmt: skip

    m = _CODON_RE.fullmatch(s)
    if m:
        ref, pos_s = m.groups()
        pos = int(pos_s)
        if pos < 1:
            raise VariantParseError(text, f"position {pos} is not a residue", _FROM_ONE)
        return {"kind": "codon", "alteration": f"{ref}{pos}", "position": pos, "ref": ref}
    return None


def _range(m: re.Match[str], change: str, text: str) -> dict[str, Any]:
    ref, start_s, end_ref, end_s, op, seq = m.groups()
    start = int(start_s)
    end = int(end_s) if end_s else None
    if start < 1 or (end is not None and end <= start):
        raise VariantParseError(
            text,
            f"malformed range in {change!r}: it must run from a lower to a higher position",
            "write e.g. 'E746_A750del'",
        )
    where = f"{ref}{start}" + (f"_{end_ref}{end}" if end is not None else "")
    if op == "ins":
        if end is None or end != start + 1 or not seq or "*" in seq:
            raise VariantParseError(
                text,
                f"malformed insertion {change!r}: an insertion lies between two adjacent "
                "residues and names the inserted amino acids",
                "write e.g. 'D770_N771insSVD'",
            )
        return {"kind": "inframe_insertion", "alteration": f"{where}ins{seq}", "position": start,
                "end_position": end, "ref": ref, "alt": seq}  # fmt: skip
    if op == "delins":
        if not seq:
            raise VariantParseError(
                text, f"malformed delins {change!r}: no inserted amino acids",
                "write e.g. 'L747_P753delinsS'",
            )  # fmt: skip
        return {"kind": "inframe_delins", "alteration": f"{where}delins{seq}", "position": start,
                "end_position": end, "ref": ref, "alt": seq}  # fmt: skip
    # The deleted/duplicated residues after del/dup (legacy E746_A750delELREA) are implied by
    # the range, so they are accepted and dropped.
    kind = "inframe_deletion" if op == "del" else "duplication"
    return {"kind": kind, "alteration": f"{where}{op}", "position": start, "end_position": end,
            "ref": ref}  # fmt: skip


# --- cDNA changes -------------------------------------------------------------------------


def _coding_kind(posedit: Any) -> str:
    for boundary in (posedit.pos.start, posedit.pos.end):
        offset = getattr(boundary, "offset", 0) or 0
        if offset in (-2, -1, 1, 2):
            return "splice"
    return "coding"


def _cdna(change: str, text: str) -> dict[str, Any]:
    try:
        posedit = _hgvs_call("parse_c_posedit", change[2:])
    except Exception as error:  # the hgvs grammar raises several unrelated types
        raise VariantParseError(
            text, f"malformed cDNA change {change!r} ({type(error).__name__})",
            "write an HGVS c. change such as 'c.1799T>A' or 'c.2888-1G>A'",
        ) from None  # fmt: skip
    return {"kind": _coding_kind(posedit), "alteration": f"c.{posedit}"}


# --- events (copy number, exon, fusion, expression) ----------------------------------------


def _event(change: str, gene: str, text: str) -> dict[str, Any] | None:
    words = _words(change)
    kind = _EVENTS.get(words)
    if kind is not None:
        return {"kind": kind, "alteration": _EVENT_CANONICAL[kind]}
    if words in _FUSION_WORDS:
        return {"kind": "fusion", "alteration": f"{gene} fusion"}
    m = _EXON_RE.fullmatch(words)
    if m:
        return _exon_event(m, gene, text)
    if words in _POSITIVE:
        if gene == "ERBB2":
            # HER2-positive is defined by protein overexpression (IHC 3+) or amplification;
            # overexpression is the protein-level reading the therapies are labelled for.
            return {"kind": "overexpression", "alteration": "overexpression"}
        if gene in _fusion_drivers().positive_means_fusion:
            return {"kind": "fusion", "alteration": f"{gene} fusion"}
        raise VariantParseError(
            text,
            f"'{change}' is ambiguous for {gene}",
            f"name the finding: '{gene} amplification', '{gene} overexpression' or '{gene} fusion'",
        )
    if words.startswith("ihc "):
        raise VariantParseError(
            text,
            f"only IHC 3+ is read as overexpression, not {change!r}",
            "write 'overexpression' for IHC 3+, or give the ISH/NGS result",
        )
    return None


def _exon_event(m: re.Match[str], gene: str, text: str) -> dict[str, Any]:
    delta, number, event = m.groups()
    exon = int(number)
    if delta:
        if event and not event.startswith("skip"):
            raise VariantParseError(text, "'Δ' means skipping, not a deletion or insertion")
        event = "skipping"
    if not event:
        if gene == "MET" and exon == 14:
            event = "skipping"  # "METex14" is the established name of MET exon 14 skipping
        else:
            raise VariantParseError(
                text,
                f"exon {exon} without an event",
                f"write 'exon {exon} deletion', 'exon {exon} insertion' or 'exon {exon} skipping'",
            )
    if event.startswith(("frameshift", "fs")):
        # "CALR exon 9 frameshift": the exon is named, not the change; the frameshift
        # class rules apply, and nothing finer.
        _plausible_exon(gene, exon, text, "exon frameshift")
        return {"kind": "frameshift", "alteration": f"exon {exon} frameshift", "exon": exon,
                "reading": f"{text.strip()!r} names no specific change: only rules about "
                f"frameshifts (or exon {exon} changes) as a class apply; the specific change "
                "would be more precise"}  # fmt: skip
    if event.startswith("del"):
        kind, name = "exon_deletion", "deletion"
    elif event.startswith("ins"):
        kind, name = "exon_insertion", "insertion"
    else:
        kind, name = "exon_skipping", "skipping"
    _plausible_exon(gene, exon, text, f"exon {name}")
    return {"kind": kind, "alteration": f"exon {exon} {name}", "exon": exon}


def _fusion(five: str, three: str, text: str) -> Variant:
    if five == three:
        raise VariantParseError(
            text, f"a fusion needs two different genes, got {five} twice",
            f"write '{five} fusion' when the partner is unknown",
        )  # fmt: skip
    return _variant(
        gene=_fusion_driver(five, three),
        genes=(five, three),
        kind="fusion",
        alteration=f"{five}::{three} fusion",
    )


def _split_hyphen_fusion(token: str, text: str) -> tuple[str, str] | None:
    """EML4-ALK -> (EML4, ALK); None when no split gives two genes (HLA-A is one gene)."""
    parts = token.split("-")
    for cut in range(1, len(parts)):
        five = _lookup_gene("-".join(parts[:cut]))
        three = _lookup_gene("-".join(parts[cut:]))
        if isinstance(five, str) and isinstance(three, str):
            return five, three
    return None


# --- biomarkers ---------------------------------------------------------------------------


def _biomarker(body: str) -> Variant | None:
    low = body.lower()
    m = _TMB_RE.fullmatch(low)
    if m:
        value = float(_format_number(float(m.group(1))))
        return _variant(
            gene=None, kind="biomarker", biomarker="TMB", value=value, unit="mut/Mb",
            alteration=f"TMB {_format_number(value)} mut/Mb",
        )  # fmt: skip
    found = _BIOMARKERS.get(_words(body))
    if found is None:
        return None
    return _variant(gene=None, kind="biomarker", biomarker=found[0], alteration=found[1])


# --- full HGVS ----------------------------------------------------------------------------


def _full_hgvs(m: re.Match[str], gene_hint: str | None, text: str) -> Variant:
    accession = m.group("ac")
    kind = m.group("type")
    if kind not in ("c", "p"):
        raise VariantParseError(
            text,
            f"HGVS {kind}. expressions are not supported",
            "give the c. or p. change on a transcript, e.g. 'NM_004333.4:c.1799T>A'",
        )
    expression = m.group(0)[m.start("ac") - m.start(0) :]
    if m.group("acgene"):
        expression = expression.replace(f"({m.group('acgene')})", "", 1)
    try:
        parsed = _hgvs_call("parse", expression)
    except Exception as error:  # the hgvs grammar raises several unrelated types
        raise VariantParseError(
            text, f"malformed HGVS expression {expression!r} ({type(error).__name__})",
            "check it against https://hgvs-nomenclature.org, e.g. 'NP_004324.2:p.Val600Glu'",
        ) from None  # fmt: skip

    named = [g for g in (m.group("gene"), m.group("acgene")) if g]
    genes = {_require_gene(g, text) for g in named}
    if gene_hint is not None:
        genes.add(gene_hint)
    from_accession = gene_for_accession(accession)
    if from_accession is not None:
        genes.add(from_accession)
    if not genes:
        raise VariantParseError(
            text,
            f"missing gene: {accession} is not a MANE or MSK-IMPACT transcript",
            f"pass gene=..., or write the gene first as in 'BRAF {expression}'",
        )
    if len(genes) > 1:
        raise VariantParseError(
            text,
            f"conflicting genes {', '.join(sorted(genes))}"
            + (f" ({accession} is a {from_accession} transcript)" if from_accession else ""),
            "give the gene that the accession belongs to",
        )
    gene = genes.pop()
    hgvs_text = str(parsed)
    if kind == "p":
        fields = _protein(str(parsed.posedit), gene, text)
        if fields is None:
            raise VariantParseError(
                text,
                f"the protein change in {expression!r} has no short form here",
                "use a substitution, frameshift, deletion, insertion, delins, dup or extension",
            )
        return _variant(gene=gene, hgvs=hgvs_text, **fields)
    return _variant(
        gene=gene,
        kind=_coding_kind(parsed.posedit),
        alteration=hgvs_text,
        hgvs=hgvs_text,
    )


def _require_gene(symbol: str, text: str) -> str:
    found = _resolve_symbol(symbol, text)
    if found is None:
        raise unknown_gene_error(symbol, text)
    return found


# --- the parser ---------------------------------------------------------------------------


def _change(change: str, gene: str, text: str) -> Variant | None:
    fields = _protein(change, gene, text)
    if fields is None:
        if change[:2] == "c.":
            fields = _cdna(change, text)
        else:
            m = _SPLICE_POS_RE.fullmatch(change)
            if m:
                fields = {"kind": "splice", "alteration": f"X{int(m.group(1))}_splice",
                          "position": int(m.group(1))}  # fmt: skip
            elif _words(change) in ("splice", "splice site", "splice site mutation",
                                    "splice variant", "splice region"):  # fmt: skip
                fields = {"kind": "splice", "alteration": "splice site"}
            else:
                stripped = _TRAILING_NOISE_RE.sub("", change)
                fields = _event(stripped, gene, text)
                if fields is None and stripped != change:
                    fields = _protein(stripped, gene, text)
        if fields is None:
            return None
    if fields["kind"] == "fusion":
        return _variant(gene=gene, genes=(gene,), **fields)
    return _variant(gene=gene, **fields)


def _fast_protein(
    body: str, text: str, gene_hint: str | None, origin: str | None = None
) -> Variant | None:
    """The common report line ``GENE <protein change>`` without the general detours.

    Returns None whenever the general parser could read the text differently (gene not
    resolved uniquely, ``gene=`` disagreeing, not a protein change); the general parser then
    gives the same answer more slowly. Plain missense/nonsense is built inline because it is
    most of any real input; with ``origin``, its ``origin`` and ``text`` are set too.
    """
    m = _FAST_RE.fullmatch(body)
    if m is None:
        return None
    head, change = m.groups()
    gene = _gene_index().get(head.upper())
    if type(gene) is not str or (gene_hint is not None and gene_hint != gene):
        return None
    if gene in _READ_FURTHER:
        return None
    m = _FAST_SUB_RE.fullmatch(change)
    if m is not None:
        ref, pos_s, alt = m.groups()
        if ref != alt and pos_s[0] != "0" and not (ref == "M" and pos_s == "1"):
            data: dict[str, Any] = {}
            data["gene"] = gene
            data["genes"] = (gene,)
            data["kind"] = "nonsense" if alt == "*" else "missense"
            data["alteration"] = ref + pos_s + alt
            data["position"] = int(pos_s)
            data["ref"] = ref
            data["alt"] = alt
            if origin is None:
                return trusted(Variant, data, _FAST_FIELDS)
            data["origin"] = origin
            data["text"] = text
            return trusted(Variant, data, _FAST_FIELDS_READ)
    fields = _protein(change, gene, text)
    if fields is None:
        return None
    fields["gene"] = gene
    fields["genes"] = (gene,)
    if origin is not None:
        fields["origin"] = origin
        fields["text"] = text
    return trusted(Variant, fields)


_COMMON_RE = re.compile(
    rf"([A-Za-z0-9-]+) (?:p\.)?([{_AA}])([1-9][0-9]{{0,4}})"
    rf"(?:([{_AA}*])|([{_AA}])?fs(?:\*([1-9][0-9]{{0,5}}))?)"
)
# Raw symbol as written -> (approved symbol, genes tuple); filled as symbols are seen,
# bounded because the keys come from user text. A dict read or write is atomic.
_COMMON_GENES: dict[str, tuple[str, tuple[str]]] = {}
_COMMON_GENES_MAX = 20_000
# MET substitutions at D1010 and TERT names (C228T) are read as more than a residue.
_NOT_COMMON = frozenset({"TERT", "MET"})


def common_change(text: str, origin: str) -> Variant | None:
    """``GENE X123Y`` and ``GENE X123fs``, most of any real input (``BRAF V600E``,
    ``TP53 R213*``, ``APC R1450Efs*5``), as one precompiled match, a dict read and a
    table check; None for anything else or anything the library would refuse (the
    general path then says why)."""
    m = _COMMON_RE.fullmatch(text)
    if m is None:
        return None
    head, ref, pos_s, alt, fs_alt, fs_length = m.groups()
    found = _COMMON_GENES.get(head)
    if found is None:
        gene = _gene_index().get(head.upper())
        if type(gene) is not str or gene in _NOT_COMMON:
            return None
        found = (gene, (gene,))
        if len(_COMMON_GENES) < _COMMON_GENES_MAX:
            _COMMON_GENES[head] = found
    if ref == alt or (ref == "M" and pos_s == "1"):
        return None
    position = int(pos_s)
    if position > MAX_POSITION or not fits(found[0], position, ref):
        return None
    values = _COMMON_TEMPLATE.copy()
    values["gene"] = found[0]
    values["genes"] = found[1]
    if alt is None:  # a frameshift, as _protein writes it
        values["kind"] = "frameshift"
        tail = "*" + fs_length if fs_length else ""
        values["alteration"] = ref + pos_s + (fs_alt or "") + "fs" + tail
        alt = fs_alt
    else:
        values["kind"] = "nonsense" if alt == "*" else "missense"
        values["alteration"] = ref + pos_s + alt
    values["position"] = position
    values["ref"] = ref
    values["alt"] = alt
    values["origin"] = origin
    values["text"] = text
    # What trusted() does, minus its merge of the defaults (already in the template) and
    # with a prebuilt fields set: half the cost of this whole function.
    variant: Variant = _new(Variant)
    _set_dict(variant, values)
    _set_fields(variant, set(_FAST_SET_READ))
    _set_extra(variant, None)
    _set_private(variant, None)
    return variant


_FAST_RE = re.compile(r"([A-Za-z0-9-]+)[ :](\S+)")
# Genes whose short forms the report-line grammar reads differently: TERT promoter
# names (C228T) are not protein changes.
_READ_FURTHER = frozenset({"TERT"})
_FAST_SUB_RE = re.compile(rf"(?:p\.)?([{_AA}])(\d+)([{_AA}*])")
_FAST_FIELDS = ("gene", "genes", "kind", "alteration", "position", "ref", "alt")
_FAST_FIELDS_READ = (*_FAST_FIELDS, "origin", "text")
_FAST_SET_READ = frozenset(_FAST_FIELDS_READ)
_COMMON_TEMPLATE: dict[str, Any] = {
    name: None if field.is_required() else field.default
    for name, field in Variant.model_fields.items()
}


def _parse_body(body: str, text: str, gene_hint: str | None) -> Variant:
    fast = _fast_protein(body, text, gene_hint)
    if fast is not None:
        return fast
    if body[:3].upper() in _BIOMARKER_LEADS:
        found = _biomarker(body)
        if found is not None:
            return found

    if ":" in body:
        m = _HGVS_RE.fullmatch(body)
        if m:
            return _full_hgvs(m, gene_hint, text)

    if "::" in body or "--" in body or "/" in body:
        m = _FUSION_SEP_RE.fullmatch(body)
        if m:
            return _fusion(_require_gene(m.group(1), text), _require_gene(m.group(2), text), text)

    head, _, rest = body.partition(" ")
    if ":" in head:
        head, _, after = head.partition(":")
        rest = (after + " " + rest).strip()
    rest = rest.strip()

    germline = False
    resolved = _resolve_symbol(head, text) if head else None
    if resolved is None and head.upper().endswith("-ITD"):
        resolved = _resolve_symbol(head[:-4], text)  # FLT3-ITD
        rest = ("ITD " + rest).strip()
    if resolved is None and "-" in head:
        pair = _split_hyphen_fusion(head, text)
        if pair is not None:
            if not rest or _words(rest) in _FUSION_WORDS:
                return _fusion(pair[0], pair[1], text)
            raise VariantParseError(
                text, f"unexpected {rest!r} after the fusion {pair[0]}::{pair[1]}",
                f"write '{pair[0]}::{pair[1]} fusion'",
            )  # fmt: skip
    if resolved is None and len(head) > 2 and head[0] == "g" and head[1].isupper():
        resolved = _resolve_symbol(head[1:], text)  # gBRCA2: germline BRCA2
        germline = resolved is not None
    if resolved is None and not rest:
        m = _GLUED_EXON_RE.fullmatch(head)
        if m:
            glued = _resolve_symbol(m.group(1), text)
            if glued is not None:
                resolved, rest = glued, m.group(2)

    if resolved is not None and gene_hint is not None and not rest and resolved != gene_hint:
        # parse_variant("amp", gene="ERBB2"): "AMP" is also an alias of MFAP1.
        as_change = _change(body, gene_hint, text)
        if as_change is not None:
            return as_change
    if resolved is None:
        # No leading gene: the whole text is the change, as in a MAF HGVSp_Short column.
        if gene_hint is not None:
            variant = _change(body, gene_hint, text)
            if variant is not None:
                return variant
        else:
            try:
                is_change = _change(body, "?", text) is not None
            except VariantParseError:
                is_change = True
            if is_change:
                raise _missing_gene(text)
        if (
            rest
            and _HEAD_LIKE_GENE_RE.fullmatch(head)
            and (_change(rest, "?", text) is not None or _HGVS_RE.fullmatch(rest))
        ):
            raise unknown_gene_error(head, text)
        raise _malformed(text, body)

    if gene_hint is not None and gene_hint != resolved:
        raise VariantParseError(
            text,
            f"gene={gene_hint!r} disagrees with {resolved!r} in the text",
            "drop the gene argument or fix the text",
        )
    if not rest:
        raise VariantParseError(
            text, f"no alteration given for {resolved}", f"write e.g. '{resolved} V600E' or "
            f"'{resolved} amplification'",
        )  # fmt: skip
    if ":" in rest:
        m = _HGVS_RE.fullmatch(rest)
        if m:
            variant = _full_hgvs(m, resolved, text)
            return _with_germline(variant, germline)
    if " " in rest:
        partner, _, word = rest.partition(" ")
        if _words(word) in _FUSION_WORDS:
            three = _resolve_symbol(partner, text)
            if three is not None:
                return _with_germline(_fusion(resolved, three, text), germline)
    variant = _change(rest, resolved, text)
    if variant is None:
        raise _malformed(text, rest)
    return _with_germline(variant, germline)


_HEAD_LIKE_GENE_RE = re.compile(r"[A-Za-z][A-Za-z0-9-]{1,20}")


def _with_germline(variant: Variant, germline: bool) -> Variant:
    if germline:
        variant.__dict__["origin"] = "germline"
    return variant
