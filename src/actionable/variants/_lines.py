"""The grammar of a report line: one line as a sequencing report prints it into the
alterations (and patient facts) it states.

A line is read in this order: a patient-fact statement (``PR negative``,
``HER2 IHC 2+/ISH+``); else its head and its annotations are separated
(:mod:`._annotations`); the head is read as a biomarker (``TMB-High``, ``MSI-H``,
``dMMR``), a translocation (``t(15;17)``), a TERT promoter change, a c./p. change with
or without a transcript (``NM_006218.4(PIK3CA):c.1624G>A`` + ``(p.Glu542Lys)``: the
protein change decides), a fusion followed by a kinase-domain change (``BCR-ABL1 E255K``:
two alterations), a fusion named with its partner in parentheses, mismatch-repair
protein loss, a gene-level query (``KIT mutation``) or, last, a short form
(:mod:`._changes`). MET changes at the exon 14 splice sites become exon 14 skipping, and
every change is checked against the residues and lengths the library knows
(:mod:`._checks`).
"""

from __future__ import annotations

import re
from typing import Any

from ..errors import VariantParseError
from ..facts import read_fact
from ..genes import _lookup as _lookup_gene
from ..genes import ambiguous_gene_error, exon_range, gene_for_accession, unknown_gene_error
from ..models import PatientFacts, Variant
from . import _changes as changes
from ._annotations import Notes, read_segment, split_line, strip_tail
from ._checks import _residues, check_position

__all__ = ["read_line", "read_short"]

_ORIGINS = ("somatic", "germline", "unknown")
_DASHES = str.maketrans(
    {"\u2013": "-", "\u2014": "-", "\u2212": "-", "\u2010": "-", "\u2011": "-",
     "\u00a0": " ", "\u2009": " ", "\u200b": "", "\u2236": ":", "\uff1a": ":"}
)  # fmt: skip
_NEGATION_RE = re.compile(
    r"\b(?:not detected|not identified|not present|not found|none detected|negative for"
    r"|no (?:\w+ ){0,4}(?:detected|identified|found))\b",
    re.IGNORECASE,
)
_ORIGIN_LEAD_RE = re.compile(r"(germline|somatic)\s*[:-]?\s+(?=\S)", re.IGNORECASE)
_FACT_LEADS = ("ER", "PR", "HR", "HE", "PD", "ES", "OE", "PG", "GR", "TR", "TN", "HO", "LO", "HI")
_ACC_RE = re.compile(
    r"(?:(?P<gene>[A-Za-z0-9][A-Za-z0-9-]*)[:\s])?"
    r"(?P<ac>(?:N[CGMPRTW]|X[MPR]|ENS[TPG]|LRG)_?\d+(?:\.\d+)?)"
    r"(?:\((?P<acgene>[A-Za-z0-9-]+)\))?:(?P<change>[cp]\.\S+)"
)
_GENE_CHANGE_RE = re.compile(r"(?P<gene>[A-Za-z0-9][A-Za-z0-9-]*):(?P<change>[cp]\.\S+)")
_TRANSLOCATION_RE = re.compile(
    r"(?P<op>t|inv)\((?P<a>[0-9XY]+)(?:;(?P<b>[0-9XY]+))?\)(?:\s*\([pq][0-9.]+;?[pq]?[0-9.]*\))?",
    re.IGNORECASE,
)
# Balanced rearrangements whose partner genes are fixed by the cytogenetics (WHO 2022
# haematolymphoid classification; Mitelman database), 5' partner first.
_TRANSLOCATIONS = {
    ("15", "17"): ("PML", "RARA"), ("9", "22"): ("BCR", "ABL1"),
    ("8", "21"): ("RUNX1", "RUNX1T1"), ("12", "21"): ("ETV6", "RUNX1"),
    ("16", "16"): ("CBFB", "MYH11"), ("9", "11"): ("KMT2A", "MLLT3"),
    ("4", "11"): ("KMT2A", "AFF1"), ("6", "9"): ("DEK", "NUP214"),
    ("1", "19"): ("TCF3", "PBX1"), ("2", "5"): ("NPM1", "ALK"),
    ("11", "22"): ("EWSR1", "FLI1"), ("12", "16"): ("FUS", "DDIT3"),
}  # fmt: skip
_TERT_RE = re.compile(
    r"(?:promoter|prom\.?|upstream)?\s*(?:mutation|mutated|variant|alteration|hotspot)?\s*"
    r"(?:(?P<name>c228t|c250t|c228a|c250a)|(?:c\.)?-(?P<pos>\d+)\s*(?P<ref>[acgt])\s*>\s*"
    r"(?P<alt>[acgt]))?\s*(?:mutation|variant)?\s*(?P<name2>c228t|c250t|c228a|c250a)?",
)
# The two recurrent TERT promoter hotspots, named by their hg19 position 1,295,228 and
# 1,295,250 (Horn et al., Science 2013, PMID 23348503; Huang et al., Science 2013,
# PMID 23348506), i.e. 124 and 146 bases upstream of the start codon.
_TERT_NAMES = {("124", "c", "t"): "C228T", ("146", "c", "t"): "C250T",
               ("124", "c", "a"): "C228A", ("146", "c", "a"): "C250A"}  # fmt: skip
_GENE_LEVEL_RE = re.compile(
    r"(?:(?P<onc>oncogenic|likely oncogenic|pathogenic|likely pathogenic|deleterious"
    r"|activating|inactivating|loss[ -]of[ -]function|damaging|driver)\s+)?"
    r"(?:mutations?|mutated|mutant|variants?|alterations?|mut|sequence variants?"
    r"|mutation positive|mutation detected)",
    re.IGNORECASE,
)
_TRUNCATING_RE = re.compile(
    r"(?:truncating|truncation)(?:\s+(?:mutations?|variants?|alterations?|changes?))?",
    re.IGNORECASE,
)
_MMR_GENES = ("MLH1", "MSH2", "MSH6", "PMS2", "EPCAM")
_MMR_LOSS_RE = re.compile(
    r"(?:loss of\s+)?(?P<genes>(?:mlh1|msh2|msh6|pms2)(?:\s*(?:/|and|,|&)\s*(?:mlh1|msh2|msh6"
    r"|pms2))*)(?:\s+(?:protein\s+)?(?:loss|lost|absent|deficient|expression lost"
    r"|loss of expression))?(?:\s+(?:protein\s+)?expression)?",
    re.IGNORECASE,
)
_MMR_INTACT_RE = re.compile(
    r"(?:mmr|mismatch repair)(?: proteins?)? (?:intact|retained|preserved|normal)"
    r"|(?:intact|retained) (?:mmr|mismatch repair)(?: proteins?)?",
    re.IGNORECASE,
)
_CATEGORY_WORDS = frozenset({"high", "low", "intermediate", "tmb high", "tmb low", "tmb h",
                             "positive", "stable", "unstable", "msi h", "msi high"})  # fmt: skip
_TMB_WORDS_RE = re.compile(
    r"tmb|tumou?r mutation(?:al)? (?:burden|load)(?: tmb)?|mutational burden", re.IGNORECASE
)
_TMB_UNITS_RE = re.compile(
    r"(?<!\s)\s*(?:mut(?:ation)?s?|muts|mt|m)\s*(?:/|per)\s*(?:mb|megabase|mega-base)s?\b", re.I
)
_SPLICE_SITE_RE = re.compile(r"splice\s+site\s+(\d+[+-]\d+(?:[ACGT]>[ACGT]|del\w*|dup\w*))")
_CONTEXT_RE = re.compile(
    r"(?:(?:exon|ex)\s*(?P<exon>\d+)\s*)?(?:deletion|insertion|del|ins|mutation|mutations"
    r"|skipping|missense|nonsense|frameshift|in-frame deletion|in-frame insertion|duplication"
    r"|truncating|splice|variant)?",
    re.IGNORECASE,
)
_CN_KINDS = frozenset({"loss", "deletion", "amplification", "gain"})
_MET_SITES = ((2888, -2), (2888, -1), (3028, 1), (3028, 2))
_MET_LONG_ISOFORM = ("NM_001127500", "NP_001120972")
_MET_LONG_SHIFT = 18  # codons the longer MET isoform has before exon 14
_C_POS = r"(\d+)(?:([+-])(\d+))?"
_C_SUB_RE = re.compile(rf"c\.{_C_POS}([ACGT])>([ACGT])")
_C_RANGE_RE = re.compile(rf"c\.{_C_POS}(?:_{_C_POS})?(del|dup|ins|delins)\S*")


def _facts_variant(facts: PatientFacts, method: str | None) -> Variant:
    """The variant of a line that states a patient fact: an ERBB2 alteration when the
    line means HER2-positive, else a fact-only biomarker."""
    if facts.her2_ihc == "3+" or facts.her2 == "positive":
        # IHC 3+ is protein overexpression; "HER2 positive" alone is read the same way
        # (the protein-level reading HER2-targeted labels name).
        return changes._variant(gene="ERBB2", kind="overexpression", alteration="overexpression",
                                facts=facts, method=method or "IHC")  # fmt: skip
    if facts.her2_ish == "positive":
        # ISH-amplified (whatever the IHC score) is gene amplification.
        return changes._variant(gene="ERBB2", kind="amplification", alteration="amplification",
                                facts=facts, method=method or "ISH")  # fmt: skip
    marker, text = _fact_text(facts)
    return changes._variant(
        gene=None, genes=(), kind="biomarker", biomarker=marker, alteration=text, facts=facts,
        method=method,
    )  # fmt: skip


def _fact_text(f: PatientFacts) -> tuple[str, str]:
    if f.er == "negative" and f.pr == "negative" and f.her2 == "negative":
        return "HR", "triple negative"
    for name, marker in (("er", "ER"), ("pr", "PR"), ("hr", "HR")):
        if getattr(f, name) is not None:
            return marker, f"{marker} {getattr(f, name)}"
    if f.her2_ihc == "ultralow" and f.her2_ish is None:
        return "HER2", "HER2-ultralow"
    if f.her2_ihc is not None:
        ish = {"positive": "/ISH+", "negative": "/ISH-"}.get(f.her2_ish or "", "")
        return "HER2", f"HER2 IHC {f.her2_ihc}{ish}"
    if f.her2_ish is not None:
        return "HER2", "HER2 ISH " + ("amplified" if f.her2_ish == "positive" else "not amplified")
    if f.her2 is not None:
        return "HER2", f"HER2-{f.her2}" if f.her2 in (
            "low",
            "ultralow",
            "zero",
        ) else f"HER2 {f.her2}"
    if f.pdl1_tps is not None:
        return "PD-L1", f"PD-L1 TPS {f.pdl1_tps:g}%"
    if f.pdl1_cps is not None:
        return "PD-L1", f"PD-L1 CPS {f.pdl1_cps:g}"
    return "grade", f"grade {f.grade}"


def _fact_line(body: str, text: str) -> list[Variant] | None:
    if body[:2].upper() not in _FACT_LEADS:
        return None
    # "ER 95%, PR 10%": several statements on one line, each a fact of its own (read
    # so only when the line as a whole is not one statement with annotations).
    parts = [part.strip() for part in _FACT_SEPARATOR_RE.split(body) if part.strip()]
    if len(parts) == 1:
        # "ER+ PR+ HER2-": receptor panels are often printed with spaces alone.
        parts = [part.strip() for part in _FACT_WORD_RE.split(body) if part.strip()]
    several = len(parts) > 1 and all(part[:2].upper() in _FACT_LEADS for part in parts)
    try:
        one = _one_fact(body, text)
    except VariantParseError:
        if not several:
            raise
        one = None
    if one is not None:
        return [one]
    if not several:
        return None
    found = [_one_fact(part, text) for part in parts]
    if any(variant is None for variant in found):
        return None
    return [variant for variant in found if variant is not None]


_FACT_SEPARATOR_RE = re.compile(r"[,;]|\s+(?:and|&)\s+|\s+/\s+")
_FACT_WORD_RE = re.compile(r"\s+(?=(?:ER|PR|HR|HER2|PD-?L1)(?:\b|[+-]))", re.IGNORECASE)


def _one_fact(body: str, text: str) -> Variant | None:
    facts = read_fact(body)
    method = None
    if facts is None:
        # Annotations after the statement: the statement is the longest run of leading
        # segments that reads as a fact ("HER2 IHC 2+, FISH amplified, Tier IA").
        head, segments = split_line(body)
        for k in range(len(segments), -1, -1):
            notes = Notes()
            if all(read_segment(seg, notes, text) for seg in segments[k:]):
                stated = ", ".join([head, *segments[:k]])
                facts = read_fact(strip_tail(stated, notes, text, until=read_fact))
                if facts is not None:
                    method = notes.method
                    break
    if facts is None:
        return None
    return _facts_variant(facts.model_copy(update={"sources": (f"report line {text.strip()!r}",)}),
                          method)  # fmt: skip


# --- biomarkers ----------------------------------------------------------------------------


def _biomarker(head: str, notes: Notes, leftovers: list[str]) -> Variant | None:
    low = head.lower()
    if low[:3].upper() not in changes._BIOMARKER_LEADS and not low.startswith(
        ("microsat", "tumo", "genomic", "loss of", "mmr", "mismatch", "homolog", "ms-", "ms ")
    ):
        return None
    cleaned = _TMB_UNITS_RE.sub(" mut/Mb", low)
    cleaned = re.sub(r"\((tmb|msi|mmr|hrd)\)|\bstatus\b|\bresult\b|\bscore\b|:", " ", cleaned)
    cleaned = " ".join(cleaned.split())
    found = changes._biomarker(cleaned)
    if found is None:
        words = changes._words(cleaned)
        tries = (words, words.replace("ms ", "msi ", 1), words.replace("msi ", "", 1),
                 words.replace("microsatellite ", "", 1))  # fmt: skip
        for variant in tries:
            hit = changes._BIOMARKERS.get(variant)
            if hit is not None:
                found = changes._variant(gene=None, kind="biomarker", biomarker=hit[0],
                                         alteration=hit[1])  # fmt: skip
                break
        if found is None and notes.tmb is not None and _TMB_WORDS_RE.fullmatch(cleaned):
            found = changes._biomarker(f"tmb {notes.tmb:g}")
        if found is None and _MMR_INTACT_RE.fullmatch(cleaned):
            found = changes._variant(gene=None, kind="biomarker", biomarker="MMR",
                                     alteration="pMMR")  # fmt: skip
    if found is None:
        return None
    for seg in list(leftovers):
        words = changes._words(seg.lower())
        same = changes._BIOMARKERS.get(words)
        if words in _CATEGORY_WORDS or words == (found.biomarker or "").lower() or (
            same is not None and same[0] == found.biomarker
            and (same[1] == found.alteration or found.value is not None)
        ):  # fmt: skip
            leftovers.remove(seg)
    if found.biomarker == "TMB" and notes.tmb is not None:
        if found.value is not None and found.value != notes.tmb:
            raise VariantParseError(head, f"two TMB values ({found.value:g} and {notes.tmb:g})")
        if found.alteration == "TMB-L" and notes.tmb >= 10:
            raise VariantParseError(
                head, f"TMB-Low with {notes.tmb:g} mut/Mb", "check which of the two is right"
            )
        # The measured value is more precise than the category: rules test thresholds.
        return changes._biomarker(f"tmb {notes.tmb:g}")
    if found.biomarker == "HRD" and notes.score is not None:
        found.__dict__.update(value=notes.score, unit="GIS")
    return found


def _mmr_loss(head: str, notes: Notes) -> Variant | None:
    m = _MMR_LOSS_RE.fullmatch(head)
    if m is None:
        return None
    genes = re.split(r"\s*(?:/|and|,|&)\s*", m.group("genes"))
    said_loss = head.lower() != m.group("genes").lower()
    # One protein named lost is an IHC reading only when the line says IHC; several
    # proteins named together ("MLH1/PMS2 loss") are always an MMR panel.
    by_ihc = "IHC" in (notes.method or "").split(", ")
    if not said_loss or (len(genes) < 2 and not by_ihc):
        return None
    if notes.method is None:
        notes.method = "IHC"
    return changes._variant(gene=None, kind="biomarker", biomarker="MMR", alteration="dMMR")


# --- genes and changes -----------------------------------------------------------------------


def _gene(symbol: str, text: str) -> str:
    found = _lookup_gene(symbol)
    if isinstance(found, tuple):
        raise ambiguous_gene_error(symbol, found, text)
    if found is None:
        raise unknown_gene_error(symbol, text)
    return found


def _one_gene(candidates: list[tuple[str, str]], text: str) -> str | None:
    """The gene all sources agree on (symbol, accession...), or an error naming both."""
    genes = {gene for gene, _ in candidates}
    if len(genes) > 1:
        said = ", ".join(f"{g} ({where})" for g, where in candidates)
        raise VariantParseError(text, f"conflicting genes: {said}", "give one gene")
    return genes.pop() if genes else None


def _tert(rest: str, leftovers: list[str], text: str) -> Variant | None:
    names = [s for s in leftovers if s.lower() in ("c228t", "c250t", "c228a", "c250a")]
    m = _TERT_RE.fullmatch(rest.lower())
    if m is None or not rest:
        return None
    said = [n for n in (m.group("name"), m.group("name2"), *[s.lower() for s in names]) if n]
    if m.group("pos"):
        key = (m.group("pos"), m.group("ref"), m.group("alt"))
        cdna = f"c.-{key[0]}{key[1].upper()}>{key[2].upper()}"
        name = _TERT_NAMES.get(key)
        alteration = f"promoter {name}" if name else f"promoter {cdna}"
    elif said:
        name = said[0].upper()
        cdna = next(
            f"c.-{k[0]}{k[1].upper()}>{k[2].upper()}" for k, v in _TERT_NAMES.items() if v == name
        )
        alteration = f"promoter {name}"
    elif "promoter" in rest.lower() or "prom" in rest.lower():
        cdna, name, alteration = None, None, "promoter mutation"
    else:
        return None
    if any(s.upper() != (name or "") for s in said):
        raise VariantParseError(
            text, f"the TERT promoter change and its name disagree ({', '.join(said)})",
            "C228T is c.-124C>T and C250T is c.-146C>T",
        )  # fmt: skip
    for seg in names:
        leftovers.remove(seg)
    return changes._variant(gene="TERT", kind="promoter", alteration=alteration, cdna=cdna)


def _c_pos(base: str, sign: str | None, offset: str | None) -> tuple[int, int]:
    return int(base), (int(offset) * (1 if sign == "+" else -1)) if offset else 0


def _met_exon14(variant: Variant, cdna: str | None, text: str) -> Variant:
    """MET changes that disrupt the exon 14 splice sites, read as exon 14 skipping
    (Frampton et al., Cancer Discov 2015, PMID 26729443; Paik et al., Cancer Discov 2015,
    PMID 25971939). Exon 14 is c.2888-c.3028 of NM_000245 (codons 963-1010); in the
    longer isoform NM_001127500 (NP_001120972), 18 codons longer before exon 14, it is
    c.2942-c.3082 (codons 981-1028), used when the line names that transcript."""
    why = None
    long_form = any(accession in text for accession in _MET_LONG_ISOFORM)
    shift_c, shift_p = (_MET_LONG_SHIFT * 3, _MET_LONG_SHIFT) if long_form else (0, 0)
    written = variant.alteration.rpartition(":")[2]
    change = cdna or (written if written.startswith("c.") else None)
    if change:
        m = _C_SUB_RE.fullmatch(change)
        if m:
            base, offset = _c_pos(m.group(1), m.group(2), m.group(3))
            site = (base - shift_c, offset)
            if site in _MET_SITES:
                part = "acceptor" if site[0] == 2888 else "donor"
                why = f"c.{base}{offset:+d} is in the exon 14 splice {part}"
            elif site == (3028, 0):
                why = f"c.{base} is the last base of exon 14, part of its splice donor"
        m = _C_RANGE_RE.fullmatch(change) if why is None else None
        if m:
            start = _c_pos(m.group(1), m.group(2), m.group(3))
            end = _c_pos(m.group(4), m.group(5), m.group(6)) if m.group(4) else start
            start, end = (start[0] - shift_c, start[1]), (end[0] - shift_c, end[1])
            hit = [s for s in _MET_SITES if start <= s <= end]
            if hit:
                part = "acceptor" if hit[0][0] == 2888 else "donor"
                why = f"the {m.group(7)} covers the exon 14 splice {part}"
    first_base = variant.kind == "missense" and variant.alt in ("H", "N", "Y")
    position = variant.position - shift_p if variant.position is not None else None
    if why is None and position == 1010 and first_base and variant.ref == "D":
        why = (f"D{variant.position}{variant.alt} changes the last base of exon 14, part of "
               "its splice donor")  # fmt: skip
    if why is None and variant.kind == "splice" and position in (963, 1010):
        why = f"codon {variant.position} borders exon 14"
    if why is None:
        return variant
    if long_form:
        why += " (NM_001127500 numbering; c.2888-c.3028 and codons 963-1010 in NM_000245)"
    return changes._variant(
        gene="MET", kind="exon_skipping", alteration="exon 14 skipping", exon=14,
        cdna=change, hgvs=variant.hgvs,
        reading=f"read {text.strip()!r} as MET exon 14 skipping: {why}",
    )  # fmt: skip


def _pieces(head: str, notes: Notes) -> tuple[str | None, list[str]]:
    """The gene token and the other words of a head, with c./p. and transcript pieces
    moved into ``notes``."""
    tokens = head.split(" ")
    gene_tok: str | None = tokens[0]
    rest: list[str] = []
    accessions: list[re.Match[str]] = []
    for i, tok in enumerate(tokens):
        m = _ACC_RE.fullmatch(tok)
        if m is not None:
            accessions.append(m)
            if i == 0:
                gene_tok = None
            continue
        if i == 0:
            m2 = _GENE_CHANGE_RE.fullmatch(tok)
            if m2 is None:
                continue
            gene_tok = m2.group("gene")
            parts = m2.group("change").split(":")
            if all(p[:2] in ("c.", "p.") for p in parts):  # KRAS:c.35G>A:p.G12D
                for part in parts[:-1]:
                    (notes.cdna if part[:2] == "c." else notes.protein).append(part)
                tok = parts[-1]
            else:
                tok = m2.group("change")
        low = tok[:2].lower()
        if low == "c.":
            notes.cdna.append(tok)
        elif low == "p." and tok != "p.":
            notes.protein.append(tok)
        else:
            rest.append(tok)
    for m in accessions:
        change = m.group("change")
        target = notes.cdna if change.startswith("c.") else notes.protein
        target.append(change)
        notes.accessions.append(m)
    return gene_tok, rest


def _gene_of(gene_tok: str | None, notes: Notes, text: str, hint: str | None) -> str | None:
    candidates: list[tuple[str, str]] = []
    if gene_tok:
        candidates.append((_gene(gene_tok, text), "the symbol"))
    for m in notes.accessions:
        for symbol in (m.group("gene"), m.group("acgene")):
            if symbol:
                candidates.append((_gene(symbol, text), "the symbol"))
        from_ac = gene_for_accession(m.group("ac"))
        if from_ac is not None:
            candidates.append((from_ac, f"{m.group('ac')} is a {from_ac} transcript"))
    if hint is not None:
        candidates.append((hint, "gene="))
    return _one_gene(candidates, text)


def _same(pieces: list[str], what: str, text: str) -> str | None:
    kept = list(dict.fromkeys(p.replace("p.(", "p.").rstrip(")") if p.startswith("p.(") else p
                              for p in pieces))  # fmt: skip
    if what == "protein" and len(kept) > 1:
        read = {str(changes._protein(p, "?", text)): p for p in kept}
        kept = list(read.values()) if "None" not in read else kept
    if len(kept) > 1:
        raise VariantParseError(
            text, f"two different {what} changes ({', '.join(kept)})", "give one change per line"
        )
    return kept[0] if kept else None


def _hgvs_of(notes: Notes, kind: str) -> str | None:
    for m in notes.accessions:
        if m.group("change").startswith(kind):
            return f"{m.group('ac')}:{m.group('change')}"
    return None


def _coded(gene: str, rest: list[str], notes: Notes, text: str) -> Variant:
    """A change given as c. and/or p. pieces: the protein change decides."""
    protein = _same(notes.protein, "protein", text)
    cdna = _same(notes.cdna, "cDNA", text)
    if protein is None and rest and cdna is not None and not _CONTEXT_RE.fullmatch(" ".join(rest)):
        protein = " ".join(rest)  # "KRAS G12D c.35G>A": the short protein form
        rest = []
    context = _CONTEXT_RE.fullmatch(" ".join(rest)) if rest else None
    if context is not None and (protein is not None or cdna is not None):
        rest = []  # "MET exon 14 skipping (c.3028+1G>T)": the change decides
    if rest and protein is not None and len(rest) == 1:
        same = changes._protein(rest[0], gene, text)
        if same is not None and same == changes._protein(protein, gene, text):
            rest = []  # "NRAS Q61K (p.Gln61Lys)": one change written twice
    if rest:
        raise VariantParseError(
            text, f"unexpected {' '.join(rest)!r} next to the change", "give one change per line"
        )
    if gene == "TERT" and protein is None and cdna is not None and cdna.startswith("c.-"):
        tert = _tert(cdna, [], text)
        if tert is not None:
            return tert
    if protein is not None:
        variant = changes._change(protein, gene, text)
        if variant is None:
            raise changes._malformed(text, protein)
        if context is not None and context.group("exon") and variant.position is not None:
            # "KRAS exon 2 p.G12D": the exon must hold the change when the library knows it.
            exon = int(context.group("exon"))
            bounds = exon_range(gene, exon)
            if bounds is not None and not bounds[0] <= variant.position <= bounds[1]:
                raise VariantParseError(
                    text, f"{gene} {variant.alteration} is not in exon {exon} "
                    f"(codons {bounds[0]}-{bounds[1]})", "check the exon or the change",
                )  # fmt: skip
        hgvs = _hgvs_of(notes, "p")
        if hgvs is not None:
            variant.__dict__["hgvs"] = hgvs
    else:
        assert cdna is not None
        variant = changes._variant(gene=gene, **changes._cdna(cdna, text))
        hgvs = _hgvs_of(notes, "c")
        if hgvs is not None:
            variant.__dict__["hgvs"] = hgvs
    if cdna is not None and protein is not None:
        variant.__dict__["cdna"] = cdna
    return variant


def _fusion_token(token: str, text: str) -> tuple[str, str] | None:
    if "::" in token or "--" in token or "/" in token:
        m = changes._FUSION_SEP_RE.fullmatch(token)
        if m:
            return _gene(m.group(1), text), _gene(m.group(2), text)
        return None
    if "-" in token and not isinstance(_lookup_gene(token), str):
        return changes._split_hyphen_fusion(token, text)
    return None


_LABEL_RE = re.compile(
    r"(?:(?<=^)|(?<=[,;|] ))(?:gene|variant|alteration|protein(?: change)?|amino acid change"
    r"|cdna(?: change)?|coding change|nucleotide change|finding|result)\s*:\s*",
    re.IGNORECASE,
)
_GENE_DASH_RE = re.compile(r"([A-Za-z][A-Za-z0-9-]*) - (?=\S)")
_AND_RE = re.compile(r"(?<!\s)\s+(?:and|&)\s+|(?<!\s)\s*[+/]\s*", re.IGNORECASE)


def _several(gene: str, rest: list[str], leftovers: list[str], text: str) -> list[Variant] | None:
    """Several protein changes of one gene on one line: ``EGFR L858R + T790M``,
    ``EGFR L858R and T790M``, ``EGFR L858R, T790M``."""
    parts = _AND_RE.split(" ".join(rest)) if rest else []
    extra = [seg for seg in leftovers if " " not in seg and changes._protein(seg, gene, text)]
    if len(parts) + len(extra) < 2 or not all(" " not in p for p in parts):
        return None
    found = [changes._change(p, gene, text) for p in [*parts, *extra]]
    if not all(v is not None and v.position is not None for v in found):
        return None
    for seg in extra:
        leftovers.remove(seg)
    # "BRAF V600E (Val600Glu)": the same change written twice is one finding.
    return list(dict.fromkeys(v for v in found if v is not None))


def _siblings(token: str) -> tuple[str, ...] | None:
    """CDKN2A/B -> (CDKN2A, CDKN2B): a symbol and the siblings that differ in its last
    characters, as reports abbreviate neighbouring genes."""
    first, *others = token.split("/")
    genes = [first]
    for other in others:
        if not other or len(other) >= len(first) or "-" in other:
            return None
        genes.append(first[: len(first) - len(other)] + other)
    found = [_lookup_gene(g) for g in genes]
    if not all(isinstance(g, str) for g in found):
        return None
    return tuple(g for g in found if isinstance(g, str))


def _partner(gene: str, leftovers: list[str], text: str) -> Variant | None:
    for seg in leftovers:
        pair = _fusion_token(seg.split(" ")[0], text) if " " not in seg.strip() else None
        if pair is None and " " in seg:
            first, _, word = seg.partition(" ")
            if changes._words(word) in changes._FUSION_WORDS:
                pair = _fusion_token(first, text)
        if pair is not None and gene in pair:
            leftovers.remove(seg)
            return changes._fusion(pair[0], pair[1], text)
    return None


def _core(head: str, leftovers: list[str], notes: Notes, text: str, hint: str | None
          ) -> list[Variant]:  # fmt: skip
    found = _biomarker(head, notes, leftovers)
    if found is not None:
        return [found]
    m = _TRANSLOCATION_RE.fullmatch(head)
    if m is not None:
        key = (m.group("a").upper(), (m.group("b") or m.group("a")).upper())
        pair = _TRANSLOCATIONS.get(key) or _TRANSLOCATIONS.get((key[1], key[0]))
        if pair is None:
            raise VariantParseError(
                text, f"the partner genes of {m.group(0)} are not fixed by the cytogenetics",
                "name the fusion, e.g. 'BCR::ABL1 fusion'",
            )  # fmt: skip
        return [changes._fusion(pair[0], pair[1], text)]
    gene_tok, rest = _pieces(head, notes)
    head_gene = _lookup_gene(gene_tok) if gene_tok else None
    for seg in list(leftovers):
        acc = _ACC_RE.fullmatch(seg)
        if acc is not None:  # "EGFR p.L858R (NM_005228.5:c.2573T>G)"
            notes.accessions.append(acc)
            change = acc.group("change")
            (notes.cdna if change[:2] == "c." else notes.protein).append(change)
            leftovers.remove(seg)
        elif isinstance(head_gene, str) and " " not in seg and _lookup_gene(seg) == head_gene:
            leftovers.remove(seg)  # "ERBB2 (HER2) amplification": the gene named twice
        elif (
            isinstance(head_gene, str)
            and head_gene != "TERT"  # C228T names a promoter change, not a residue
            and " " not in seg
            and (notes.protein or not rest)
            and changes._protein(seg, head_gene, text) is not None
        ):
            notes.protein.append(seg)  # "BRAF p.Val600Glu (V600E)", "KRAS - G12D"
            leftovers.remove(seg)
    if isinstance(head_gene, str) and not notes.cdna and not notes.protein:
        several = _several(head_gene, rest, leftovers, text)
        if several is not None:
            return several
    if gene_tok is not None and gene_tok.upper() in ("TERT", "TERTP"):
        tert = _tert(" ".join([*rest, *notes.cdna]), leftovers, text)
        if tert is not None:
            return [tert]
    if gene_tok is not None and _lookup_gene(gene_tok) is None:
        changed = rest if len(rest) == 1 and not notes.protein else notes.protein
        pair = _fusion_token(gene_tok, text) if len(changed) == 1 and not notes.cdna else None
        if pair is not None and changes._words(changed[0]) not in changes._FUSION_WORDS:
            driver = changes._fusion_driver(*pair)
            kinase = changes._change(changed[0], driver, text)
            if kinase is not None and (driver, kinase.position) in _residues()[0]:
                # "BCR-ABL1 E255K": the kinase-domain change of the fusion's driver, in a
                # tumor that carries the fusion; both are findings.
                return [changes._fusion(pair[0], pair[1], text), kinase]
    if gene_tok is not None and len(rest) >= 3 and rest[0].lower() == "splice":
        m = _SPLICE_SITE_RE.fullmatch(" ".join(rest))
        if m is not None:  # F1 style: "PTEN splice site 253+1G>T"
            notes.cdna.append("c." + m.group(1))
            rest = []
    if gene_tok is not None and rest and leftovers and _CONTEXT_RE.fullmatch(" ".join(rest)):
        for seg in leftovers:  # "EGFR exon 19 deletion (E746_A750del)": the change decides
            if " " not in seg and changes._protein(seg, "?", text) is not None:
                notes.protein.append(seg)
                leftovers.remove(seg)
                break
    if notes.accessions and len(notes.cdna) + len(notes.protein) == 1 and not rest:
        return [changes._parse_body(head, text, hint)]
    if notes.cdna or notes.protein:
        gene = _gene_of(gene_tok, notes, text, hint)
        if gene is None:
            raise changes._missing_gene(text)
        return [_coded(gene, rest, notes, text)]
    if gene_tok is None:
        raise changes._missing_gene(text)
    if "/" in gene_tok and rest:
        siblings = _siblings(gene_tok)
        if siblings is not None:  # F1 style: "CDKN2A/B loss" is CDKN2A loss and CDKN2B loss
            each = [changes._change(" ".join(rest), g, text) for g in siblings]
            kept = [v for v in each if v is not None and v.kind in _CN_KINDS]
            if len(kept) == len(each):
                return kept
    words = changes._words(" ".join(rest))
    if (
        rest
        and leftovers
        and words in changes._FUSION_WORDS | {"positive"}
        and isinstance(_lookup_gene(gene_tok), str)
    ):
        fused = _partner(_gene(gene_tok, text), leftovers, text)
        if fused is not None:
            return [fused]
    if rest:
        mmr = _mmr_loss(head, notes)
        if mmr is not None:
            return [mmr]
        if _TRUNCATING_RE.fullmatch(" ".join(rest)) and isinstance(_lookup_gene(gene_tok), str):
            gene = _gene(gene_tok, text)
            return [changes._variant(
                gene=gene, kind="truncating_mutation", alteration="truncating mutation",
                reading=f"{text.strip()!r} names no specific change: only rules about "
                f"truncating {gene} mutations (nonsense, frameshift, splice) as a class "
                "apply; the specific change would be more precise",
            )]  # fmt: skip
        m = _GENE_LEVEL_RE.fullmatch(" ".join(rest))
        if m is not None and isinstance(_lookup_gene(gene_tok), str):
            gene = _gene(gene_tok, text)
            # Only the words of the change decide: a classification printed beside it
            # ("KIT mutation, pathogenic") is kept as an annotation.
            oncogenic = bool(m.group("onc"))
            kind = "oncogenic_mutation" if oncogenic else "mutation"
            alteration = "oncogenic mutation" if oncogenic else "mutation"
            return [changes._variant(
                gene=gene, kind=kind, alteration=alteration,
                reading=f"{text.strip()!r} names no specific change: only rules about "
                f"{'oncogenic ' if oncogenic else ''}{gene} mutations as a class apply; the "
                "specific change would be more precise",
            )]  # fmt: skip
        if gene_tok.upper() == "MET" and re.fullmatch(
            r"ex(?:on)?\s*14\s+splic\w*(?:\s+site|\s+region)?(?:\s+(?:mutation|variant|alteration))?",
            " ".join(rest), re.IGNORECASE,
        ):  # fmt: skip
            return [changes._variant(gene="MET", kind="exon_skipping",
                                     alteration="exon 14 skipping", exon=14)]  # fmt: skip
    variant = changes._parse_body(head, text, hint)
    return [variant]


# --- the line ----------------------------------------------------------------------------------


def _annotate(variant: Variant, values: dict[str, Any]) -> None:
    # Variants built by this module are fresh objects (never a cached one): filling the
    # annotation fields in place skips a second validation.
    for name, value in values.items():
        if value is not None and variant.__dict__.get(name) is None:
            variant.__dict__[name] = value
            variant.__pydantic_fields_set__.add(name)


def _hint(gene: object, text: str) -> str | None:
    if gene is None:
        return None
    if not isinstance(gene, str):
        raise VariantParseError(text, f"gene= must be a string, not {type(gene).__name__}")
    return _gene(gene.strip(), text)


def read_short(text: str, origin: str | None) -> Variant | None:
    """The variant of a line ``GENE change`` as the library writes it (no annotation,
    nothing to normalise), or None: most input, read without the general detours, which
    give the same answer more slowly. ``origin`` must be valid."""
    common = changes.common_change(text, origin or "unknown")
    if common is not None:
        return common
    if text.count(" ") != 1 or not text.isascii():
        return None
    fast = changes._fast_protein(text, text, None, origin or "unknown")
    if fast is None:
        return None
    if fast.gene == "MET":
        fast = _met_exon14(fast, None, text)
    check_position(fast, text)
    values = fast.__dict__
    if values["text"] != text:  # built by the general short-form path
        values["origin"] = origin or "unknown"
        values["text"] = text
        fast.__pydantic_fields_set__.update(("origin", "text"))
    return fast


def read_line(text: str, gene: str | None, origin: str | None) -> tuple[Variant, ...]:
    """Every alteration one report line states (usually one)."""
    if not isinstance(text, str):
        raise VariantParseError(
            repr(text), f"expected a string, got {type(text).__name__}",
            "pass text such as 'BRAF V600E'",
        )  # fmt: skip
    if origin is not None and origin not in _ORIGINS:
        raise VariantParseError(
            text, f"unknown origin {origin!r}", "use 'somatic', 'germline' or 'unknown'"
        )
    if gene is None:
        fast = read_short(text, origin)
        if fast is not None:
            return (fast,)
    body = " ".join(text.translate(_DASHES).split()).rstrip(".;,")
    if not body:
        raise VariantParseError(text, "empty variant text", "write e.g. 'BRAF V600E'")
    if origin is not None and origin not in _ORIGINS:
        raise VariantParseError(
            text, f"unknown origin {origin!r}", "use 'somatic', 'germline' or 'unknown'"
        )
    hint = _hint(gene, text)

    variants: list[Variant] | None = None
    notes = Notes()
    if body.count(" ") == 1 and "(" not in body and "," not in body and ";" not in body:
        fast = changes._fast_protein(body, text, hint)
        if fast is not None:
            variants = [fast]
    if variants is None:
        if _NEGATION_RE.search(body):
            raise VariantParseError(
                text, "the line says the alteration was not found",
                "leave lines of negative findings out (or write 'EGFR wildtype')",
            )  # fmt: skip
        lead = _ORIGIN_LEAD_RE.match(body)
        if lead is not None and body.lower() not in _ORIGINS:
            notes.origin = lead.group(1).lower()
            body = body[lead.end() :]
        if body.lower() in _ORIGINS:
            raise VariantParseError(text, "only an origin was given", "write e.g. 'BRCA1 C61G'")
        variants = _fact_line(body, text)
    if variants is None:
        if ":" in body:
            body = _LABEL_RE.sub("", body)  # "Gene: KRAS, Variant: p.G12D"
        joined = _GENE_DASH_RE.match(body)
        if joined is not None and isinstance(_lookup_gene(joined.group(1)), str):
            # "KRAS - G12D VAF 23%": the dash joins the gene to its change; elsewhere
            # " - " sets off an annotation.
            body = f"{joined.group(1)} {body[joined.end() :]}"
        head, segments = split_line(body)
        head = strip_tail(head, notes, text)
        leftovers = [s for s in segments if not read_segment(s, notes, text)]
        variants = _core(head, leftovers, notes, text, hint)
        if leftovers:
            raise VariantParseError(
                text, f"cannot read {leftovers[0]!r}",
                "remove it, or write it as an annotation the parser knows "
                "(VAF 23%, depth 500, CN 8, germline, pathogenic, by FISH)",
            )  # fmt: skip
    for i, variant in enumerate(variants):
        if variant.gene == "MET":
            variant = variants[i] = _met_exon14(variant, variant.cdna, text)
        check_position(variant, text)
    return tuple(_finish(v, notes, text, origin) for v in variants)


def _finish(variant: Variant, notes: Notes, text: str, origin: str | None) -> Variant:
    text_origin = notes.origin
    if variant.origin == "germline":  # from a gBRCA2-style prefix
        text_origin = text_origin or "germline"
    if text_origin and origin and origin != "unknown" and origin != text_origin:
        raise VariantParseError(
            text,
            f"the text says {text_origin} but origin={origin!r} was passed",
            "drop one of them",
        )
    variant.__dict__["origin"] = text_origin or origin or "unknown"
    variant.__dict__["text"] = text
    variant.__pydantic_fields_set__.update(("origin", "text"))
    _annotate(
        variant,
        {"vaf": notes.vaf, "depth": notes.depth, "copy_number": notes.copy_number,
         "zygosity": notes.zygosity, "method": notes.method,
         "classification": notes.classification},
    )  # fmt: skip
    return variant
