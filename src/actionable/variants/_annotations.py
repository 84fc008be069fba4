"""The grammar of what a report prints around a change.

A report line is a change (``KRAS p.G12D``) surrounded by annotations: allele fraction
(``VAF 23%``, ``AF 0.23``, ``23% VAF``), depth (``DP 512``, ``500x``), copy number
(``CN 18``, ``copy number 14``), zygosity, method (``by FISH``, ``IHC``, ``ctDNA``),
classification words (``pathogenic``, ``VUS``, ``Tier IA``), origin (``germline``), the
c. or p. piece of the same change (``(p.Glu545Lys)``), transcript and database ids, and
details of a fusion (``v1``, ``(E13;A20)``, ``e14a2 transcript``) or of a biomarker
(``(15 mut/Mb)``, ``(5/5 loci)``, ``(GIS 52)``, ``(loss of MSH2/MSH6)``).

:func:`split_line` cuts a line into its head and its separate segments (parentheses,
brackets, commas, semicolons, spaced dashes); :func:`read_segment` reads a segment made
only of annotations into :class:`Notes`; :func:`strip_tail` takes annotations written
after the change without a separator (``ERBB2 amplification CN 18``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from ..errors import VariantParseError
from ..genes import _lookup as _lookup_gene
from ._changes import _BIOMARKERS

__all__ = ["Notes", "read_segment", "split_line", "strip_tail"]

_NUM = r"\d+(?:\.\d+)?"
_PHRASE_RE = re.compile(
    rf"""
    (?:(?:variant\ |mutant\ )?allele\ (?:frequency|fraction)|allelic\ fraction|v\.?a\.?f\.?|af
       |maf|mutant\ allele\ frequency|frequency)\s*[:=]?\s*(?P<vaf>{_NUM})\s*(?P<vaf_pct>%)?
    |(?P<vaf2>{_NUM})\s*%(?:\s*(?:vaf|af|allele\ (?:frequency|fraction)|of\ reads|maf
       |variant\ allele\ frequency|mutant\ allele\ frequency))?
    |(?:depth|read\ depth|total\ depth|depth\ of\ coverage|coverage|dp|total\ reads)
       \s*[:=]?\s*(?P<depth>\d+)\s*x?
    |(?P<depth2>\d+)\s*x(?:\s*(?:coverage|depth))?
    |(?P<depth3>\d+)\s*(?:total\ |supporting\ |alt\ |split\ )?reads
    |(?:cn|copy\ number|copy-number|estimated\ copy\ number|copy\ number\ estimate|copies
       |plasma\ copy\ number|plasma\ cn
       |ploidy)\s*[:=]?\s*(?P<cn>{_NUM})
    |(?P<cn2>{_NUM})\s*copies
    |(?P<zyg>heterozygous|homozygous|hemizygous|het|hom|biallelic|monoallelic|with\ loh|loh)
    |(?:(?:detected\ |identified\ |confirmed\ )?(?:by|via|on|per|using|in)\ )?
       (?P<method>fish|ihc|ddpcr|pcr|rt-?pcr|qpcr|ngs|ctdna|cfdna|liquid\ biopsy|plasma|tissue
       |rna|dna|rna-?seq|sanger|ish|cish|sish|immunohistochemistry|sequencing|nanostring|mlpa
       |wes|wgs|tissue\ ngs|plasma\ ngs|blood)
    |(?P<clone>d5f3|sp263|22c3|28-8|sp142|4b5|ventana|vysis|abbott|clone\ \S+|break-?apart
       |break\ apart|dual\ fusion)
    |(?P<cls>(?:likely\ |predicted\ |suspected\ |presumed\ |known\ )?
       (?:pathogenic|oncogenic|deleterious|benign|neutral)(?:\ variant)?
       |vus|variant\ of\ (?:uncertain|unknown)\ (?:clinical\ )?significance
       |(?:of\ )?uncertain\ significance|tier\s*(?:i{{1,3}}|iv|[1-4])\s*[abcd]?
       |level\s*(?:[1-4][ab]?|[a-d])|clinically\ significant|(?:potentially\ )?actionable
       |biologically\ significant|clinical\ significance\s*:\s*\S+|equivocal)
    |(?P<region>splice\ (?:donor|acceptor|site|region)|[35]'\s?utr|[35]'\ untranslated\ region
       |intronic|promoter\ region|upstream)
    |(?P<ratio>(?:allelic|allele|itd|mutant|signal|her2/cep17|her2:cep17|met/cep7|met:cep7)
       \ ratio\s*[:=]?\s*{_NUM})
    |(?P<extent>focal|broad|arm-level|high-level|low-level|amplified)
    |(?P<origin>germline|somatic)(?:\ (?:origin|variant|finding|mutation|status))?
    |(?P<status>detected|present|identified|reported|confirmed|positive|(?:fish|ihc|pcr|ngs)
       \ positive)
    |(?P<tx>(?:nm|nr|xm|enst|ensp|np|lrg)_?\d+(?:\.\d+)?)
    |(?P<dbid>rs\d+|cosm\d+|cosv\d+|vcv\d+|clinvar\s*(?:id)?\s*[:#]?\s*\d+)
    |(?P<where>(?:exon|intron|ex)\s*\d+)
    |(?P<threshold>(?:≥|>=|>|<|≤|<=|cut-?off\s*)\s*{_NUM}\s*(?:mut(?:ation)?s?|muts|mt)
       \s*(?:/|per)\s*(?:mb|megabase))
    |(?P<tmb>{_NUM})\s*(?:mut(?:ation)?s?|muts|mt)\s*(?:/|per)\s*(?:mb|megabase)
    |(?:gis|hrd\ score|genomic\ instability\ score|gi\ score|loh\ score|score)
       \s*[:=]?\s*(?P<score>{_NUM})
    |(?P<loci>\d+\s*/\s*\d+\s*(?:loci|markers)(?:\ (?:unstable|instable))?)
    |(?P<mmr>(?:loss\ of|lost)\ (?:(?:mlh1|msh2|msh6|pms2|and|expression|protein|proteins)
       [\s/,]*)+|(?:mlh1|msh2|msh6|pms2)(?:\s*(?:/|and|,)\s*(?:mlh1|msh2|msh6|pms2))*
       \s+(?:loss|lost|absent|deficient)(?:\ of\ expression)?)
    |(?P<fusion>v\d+[ab]?(?:/[ab])?|variant\s*\d+[ab]?(?:/[ab])?|[eb]\d+\s*[;:/-]?\s*a\d+(?:\s+transcript)?
       |(?:e|exon\s*)\d+\s*[;:/]\s*(?:a|e|r|exon\s*)\d+|[a-z]{{1,2}}\d+\s*;\s*[a-z]{{1,2}}\d+
       |p190|p210|p230|(?:major|minor|micro)\ breakpoint|in-?frame|transcript
       |fusion\ transcript
       |(?:[a-z0-9]+\s+)?(?:exon|ex|e)\s*\d+\s*[-:/;]\s*(?:[a-z0-9]+\s+)?(?:exon|ex|e)\s*\d+)
    |(?P<clonal>clonal|subclonal)
    """,
    re.VERBOSE,
)

_ZYGOSITY = {"het": "heterozygous", "hom": "homozygous", "with loh": "LOH", "loh": "LOH"}
_METHOD = {
    "immunohistochemistry": "IHC", "rt-pcr": "RT-PCR", "rtpcr": "RT-PCR", "rna-seq": "RNA-seq",
    "rnaseq": "RNA-seq", "liquid biopsy": "ctDNA", "plasma": "ctDNA", "cfdna": "ctDNA",
    "tissue ngs": "NGS", "plasma ngs": "ctDNA", "blood": "ctDNA", "sequencing": "NGS",
    "ctdna": "ctDNA", "ddpcr": "ddPCR", "qpcr": "qPCR", "tissue": "tissue",
}  # fmt: skip
_MAX_WORDS = 7
_JOINED = frozenset({"method", "classification", "zygosity"})


@dataclass
class Notes:
    """Annotations collected while one line is read."""

    vaf: float | None = None
    depth: int | None = None
    copy_number: float | None = None
    zygosity: str | None = None
    method: str | None = None
    classification: str | None = None
    origin: str | None = None
    tmb: float | None = None
    score: float | None = None
    mmr_loss: bool = False
    fusion_detail: bool = False
    cdna: list[str] = field(default_factory=list)
    protein: list[str] = field(default_factory=list)
    accessions: list[re.Match[str]] = field(default_factory=list)
    """Transcript-qualified changes (``NM_006218.4(PIK3CA):c.1624G>A``)."""

    def set(self, name: str, value: object, text: str) -> None:
        """Record one annotation; the same one given twice with two values is refused."""
        have = getattr(self, name)
        if have is not None and have != value and name in _JOINED:
            # "ctDNA by NGS", "pathogenic, Tier IA": both words stand.
            if str(value) not in str(have).split(", "):
                setattr(self, name, f"{have}, {value}")
            return
        if have is not None and have != value:
            raise VariantParseError(
                text,
                f"two different {name.replace('_', ' ')} values ({have} and {value})",
                "keep the one that is right",
            )
        setattr(self, name, value)


def split_line(body: str) -> tuple[str, list[str]]:
    """The head of a line and its other segments: those set off by separators first,
    then the contents of brackets.

    >>> split_line("PIK3CA c.1633G>A (p.Glu545Lys), VAF 23%")
    ('PIK3CA c.1633G>A', ['VAF 23%', 'p.Glu545Lys'])
    """
    parts: list[str] = []
    groups: list[str] = []
    depth = 0
    start = 0
    current: list[str] = []
    i = 0
    n = len(body)
    while i < n:
        ch = body[i]
        if ch in "([":
            if depth == 0 and (i == 0 or body[i - 1] == " "):
                current.append(body[start:i])
                close = _closing(body, i)
                groups.append(body[i + 1 : close])
                i = start = close + 1
                continue
            depth += 1
        elif ch in ")]":
            depth = max(0, depth - 1)
        elif depth == 0 and (ch in ",;|" or (ch == "-" and body[i - 1 : i + 2] == " - ")):
            current.append(body[start:i])
            parts.append("".join(current))
            current = []
            start = i + 1
        i += 1
    current.append(body[start:])
    parts.append("".join(current))
    segments = [" ".join(p.split()) for p in parts]
    for group in groups:
        segments.extend(" ".join(g.split()) for g in re.split(r"[;,]\s(?![a-z]?\d)|,", group))
    segments = [s.strip(" :") for s in segments]
    head = segments[0] if segments else ""
    return head, [s for s in segments[1:] if s]


def _closing(body: str, i: int) -> int:
    depth = 0
    for j in range(i, len(body)):
        if body[j] in "([":
            depth += 1
        elif body[j] in ")]":
            depth -= 1
            if depth == 0:
                return j
    return len(body)


def _record(m: re.Match[str], notes: Notes, text: str) -> None:
    g = m.groupdict()
    if g["vaf"] is not None or g["vaf2"] is not None:
        raw = float(g["vaf"] or g["vaf2"])
        percent = g["vaf2"] is not None or g["vaf_pct"] is not None or raw > 1
        value = raw / 100 if percent else raw
        if not 0 <= value <= 1:
            raise VariantParseError(text, f"allele fraction {raw:g}% is over 100%", "check it")
        notes.set("vaf", round(value, 6), text)
    elif g["depth"] or g["depth2"] or g["depth3"]:
        notes.set("depth", int(g["depth"] or g["depth2"] or g["depth3"]), text)
    elif g["cn"] or g["cn2"]:
        notes.set("copy_number", float(g["cn"] or g["cn2"]), text)
    elif g["zyg"]:
        notes.set("zygosity", _ZYGOSITY.get(g["zyg"], g["zyg"]), text)
    elif g["method"]:
        method = g["method"]
        notes.set("method", _METHOD.get(method, method.upper()), text)
    elif g["cls"]:
        notes.set("classification", _classification(g["cls"]), text)
    elif g["origin"]:
        notes.set("origin", g["origin"], text)
    elif g["tmb"]:
        notes.set("tmb", float(g["tmb"]), text)
    elif g["score"]:
        notes.set("score", float(g["score"]), text)
    elif g["mmr"]:
        notes.mmr_loss = True
        if notes.method is None:
            notes.method = "IHC"  # loss of a mismatch-repair protein is an IHC reading
    elif g["fusion"]:
        notes.fusion_detail = True
    # transcript and database ids, exon numbers, clones, loci counts, clonality and status
    # words say nothing the variant does not already say.


def _classification(words: str) -> str:
    words = " ".join(words.split())
    if words.startswith("tier"):
        return "tier " + words[4:].strip().upper().replace(" ", "")
    if words.startswith("level"):
        return "level " + words[5:].strip().upper()
    return {"vus": "VUS"}.get(words, words)


def _cover(words: list[str], i: int) -> list[re.Match[str]] | None:
    """Annotation phrases covering ``words[i:]`` exactly (longest first, backtracking:
    ``41% AF 0.4`` is ``41%`` then ``AF 0.4``), or None."""
    if i == len(words):
        return []
    for j in range(min(len(words), i + _MAX_WORDS), i, -1):
        m = _PHRASE_RE.fullmatch(" ".join(words[i:j]))
        if m is not None:
            rest = _cover(words, j)
            if rest is not None:
                return [m, *rest]
    return None


def read_segment(segment: str, notes: Notes, text: str) -> bool:
    """Record a segment made only of annotations (``VAF 23%``, ``germline pathogenic``),
    possibly led by the c. or p. piece of the change (``p.Glu545Lys VAF 23%``), and
    return True; return False (recording nothing) for anything else."""
    words = segment.split()
    if not words:
        return False
    lead = words[0][:2].lower()
    piece = words[0] if lead in ("p.", "c.") and len(words[0]) > 2 else None
    found = _cover([w.lower() for w in words[1 if piece else 0 :]], 0)
    if found is None:
        return False
    if piece is not None:
        (notes.protein if lead == "p." else notes.cdna).append(piece)
    for m in found:
        _record(m, notes, text)
    return True


def strip_tail(
    head: str, notes: Notes, text: str, until: Callable[[str], object] | None = None
) -> str:
    """The head without the annotations written after the change. A gene symbol is never
    left alone (``MET exon 14`` keeps ``exon 14``; ``EML4-ALK v1`` drops ``v1``).

    >>> n = Notes()
    >>> strip_tail("ERBB2 amplification CN 18", n, ""), n.copy_number
    ('ERBB2 amplification', 18.0)
    """
    words = head.split(" ")
    while len(words) > 1:
        if until is not None and until(" ".join(words)):
            break
        low = [w.lower() for w in words]
        for size in range(min(_MAX_WORDS, len(words) - 1), 0, -1):
            m = _PHRASE_RE.fullmatch(" ".join(low[-size:]))
            if m is None:
                continue
            if (
                len(words) - size == 1
                and isinstance(_lookup_gene(words[0]), str)
                and words[0].lower() not in _BIOMARKERS
            ):
                continue
            _record(m, notes, text)
            del words[-size:]
            break
        else:
            break
    return " ".join(words)
