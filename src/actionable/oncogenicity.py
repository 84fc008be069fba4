"""What counts as an oncogenic variant of a gene, and what is known to be harmless.

The one place behind the rule entry ``oncogenic mutations`` and the report's words for
an unmatched variant. Curated, cited knowledge files:

* ``knowledgebase/gene_roles.yaml``: a gene's role (oncogene, tumor suppressor), its
  hotspots, and for a few genes the codon from which truncating changes are no longer
  deleterious (BRCA2 K3326* and everything 3' of it);
* ``knowledgebase/benign_variants.yaml``: known benign or neutral variants, which never
  count as an alteration of any class;
* ``knowledgebase/pathogenic_missense.yaml``: pathogenic missense variants of tumor
  suppressors, which count as ``oncogenic mutations`` next to truncating changes;
* ``knowledgebase/hotspots.tsv``: Cancer Hotspots v2 and 3D Hotspots residues
  (``scripts/build_hotspots.py``);
* ``knowledgebase/civic_oncogenic.yaml``: CIViC oncogenic and functional evidence per
  variant, and ``knowledgebase/curated_oncogenic.yaml``: the variants curated level 1-2
  rules name exactly (both by ``scripts/build_oncogenicity.py``).

:func:`classify` puts them together into one :class:`~actionable.models.Classification`
per variant; ``oncogenic mutations`` in a rule means exactly the variants it calls
Oncogenic or Likely Oncogenic (:func:`counts_as_oncogenic_mutation`).

>>> import actionable
>>> from actionable.oncogenicity import describe
>>> describe(actionable.parse_variant("BRCA2 K3326*"))[:36]
'known benign/neutral variant (benign'
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any, Literal

import yaml

from . import genes
from ._resources import knowledgebase_dir
from .errors import VariantParseError
from .models import Citation, Classification, MutationEffect, Oncogenicity, Variant
from .variants import parse_variant

__all__ = [
    "TRUNCATING_KINDS",
    "CuratedVariant",
    "GeneRole",
    "benign_alterations",
    "benign_variant",
    "classify",
    "counts_as_oncogenic_mutation",
    "describe",
    "gene_role",
    "knowledge_genes",
    "neutral_truncation",
    "pathogenic_missense",
]

TRUNCATING_KINDS = frozenset({"nonsense", "frameshift", "splice", "start_lost"})
"""Variant kinds that end or derail the protein."""


@dataclass(frozen=True)
class GeneRole:
    """A gene's role in cancer, from ``knowledgebase/gene_roles.yaml``."""

    gene: str
    role: Literal["oncogene", "tumor_suppressor", "both"]
    hotspots: tuple[str, ...]
    citation: str
    neutral_truncations_from: int | None = None
    """First codon from which truncating changes are not deleterious (None: no cut-off)."""
    truncation_citation: str = ""


@dataclass(frozen=True)
class CuratedVariant:
    """One entry of the benign or pathogenic variant lists."""

    gene: str
    variant: str
    """As curated: a protein or c. change, or (pathogenic list) a codon range."""
    alterations: tuple[str, ...]
    """The canonical forms the parser gives it (protein and c. notation), for matching."""
    classification: str
    citation: str


def _read(name: str) -> dict[str, Any]:
    data = yaml.safe_load((knowledgebase_dir() / name).read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise ValueError(f"knowledgebase/{name} must be a mapping")
    return data


@cache
def _roles() -> dict[str, GeneRole]:
    data = _read("gene_roles.yaml")
    out: dict[str, GeneRole] = {}
    for gene, entry in (data.get("genes") or {}).items():
        cutoff = entry.get("neutral_truncations_from")
        if cutoff is not None and not entry.get("truncation_citation"):
            raise ValueError(
                f"knowledgebase/gene_roles.yaml: {gene} has neutral_truncations_from without "
                "truncation_citation. Cite the classification that sets the cut-off"
            )
        out[gene] = GeneRole(
            gene=gene,
            role=entry["role"],
            hotspots=tuple(str(h) for h in entry.get("hotspots", ())),
            citation=str(entry.get("citation", data.get("citation", ""))),
            neutral_truncations_from=int(cutoff) if cutoff is not None else None,
            truncation_citation=" ".join(str(entry.get("truncation_citation", "")).split()),
        )
    return out


def gene_role(gene: str) -> GeneRole | None:
    """The cancer role of a gene (oncogene, tumor suppressor), when curated.

    >>> from actionable.oncogenicity import gene_role
    >>> gene_role("TP53").role
    'tumor_suppressor'
    >>> gene_role("BRCA2").neutral_truncations_from
    3326
    """
    return _roles().get(gene)


def _canonical(gene: str, text: str, where: str) -> str:
    try:
        return parse_variant(f"{gene} {text}").alteration
    except VariantParseError as error:
        raise ValueError(
            f"knowledgebase/{where}: cannot read {gene} {text!r} ({error.problem}). "
            "Write a protein change such as K3326* or an HGVS c. change such as c.594-2A>C"
        ) from None


def _entries(name: str, *, parse: bool) -> tuple[CuratedVariant, ...]:
    out: list[CuratedVariant] = []
    for entry in _read(name).get("variants") or ():
        gene, variant = str(entry["gene"]), str(entry["variant"])
        missing = [k for k in ("classification", "citation") if not entry.get(k)]
        if missing:
            raise ValueError(
                f"knowledgebase/{name}: {gene} {variant} has no {' or '.join(missing)}. "
                "Give the classification and its source"
            )
        forms = [variant, *([str(entry["hgvs"])] if entry.get("hgvs") else [])]
        alterations = tuple(_canonical(gene, f, name) for f in forms) if parse else (variant,)
        out.append(
            CuratedVariant(
                gene=gene,
                variant=variant,
                alterations=alterations,
                classification=str(entry["classification"]),
                citation=" ".join(str(entry["citation"]).split()),
            )
        )
    return tuple(out)


@cache
def _benign() -> dict[tuple[str, str], CuratedVariant]:
    return {
        (v.gene, alteration): v
        for v in _entries("benign_variants.yaml", parse=True)
        for alteration in v.alterations
    }


@cache
def _pathogenic() -> dict[str, tuple[CuratedVariant, ...]]:
    # Entries are rule grammar (exact changes or codon ranges); rules.py reads them into
    # patterns, so a bad entry is a load-time error of every rule that uses them.
    out: dict[str, list[CuratedVariant]] = {}
    for v in _entries("pathogenic_missense.yaml", parse=False):
        out.setdefault(v.gene, []).append(v)
    return {gene: tuple(vs) for gene, vs in out.items()}


def benign_alterations(gene: str) -> tuple[str, ...]:
    """Canonical alterations of ``gene`` known to be benign or neutral (both notations).

    >>> from actionable.oncogenicity import benign_alterations
    >>> benign_alterations("BRCA2")
    ('K3326*', 'c.9976A>T', 'N372H')
    """
    return tuple(alteration for (g, alteration) in _benign() if g == gene)


def benign_variant(variant: Variant) -> CuratedVariant | None:
    """The curated benign/neutral entry a variant is, if any.

    >>> import actionable
    >>> benign_variant(actionable.parse_variant("BRCA1 c.594-2A>C")).classification
    'not pathogenic'
    """
    if variant.gene is None:
        return None
    return _benign().get((variant.gene, variant.alteration))


def pathogenic_missense(gene: str) -> tuple[CuratedVariant, ...]:
    """Curated pathogenic missense entries of a tumor suppressor (rule grammar).

    >>> from actionable.oncogenicity import pathogenic_missense
    >>> [v.variant for v in pathogenic_missense("BRCA1")][:2]
    ['C61G', 'R1699W']
    """
    return _pathogenic().get(gene, ())


def neutral_truncation(variant: Variant) -> GeneRole | None:
    """The gene role whose truncation cut-off makes this truncating change not deleterious.

    >>> import actionable
    >>> neutral_truncation(actionable.parse_variant("BRCA2 S3366Nfs*4")).gene
    'BRCA2'
    >>> neutral_truncation(actionable.parse_variant("BRCA2 E3309*")) is None
    True
    """
    if variant.kind not in TRUNCATING_KINDS or variant.position is None or not variant.gene:
        return None
    role = gene_role(variant.gene)
    if role is None or role.neutral_truncations_from is None:
        return None
    return role if variant.position >= role.neutral_truncations_from else None


def describe(variant: Variant) -> str | None:
    """What the curated lists say about a variant, for the report; None when nothing.

    >>> import actionable
    >>> describe(actionable.parse_variant("PTEN R130Q")).startswith("curated pathogenic")
    True
    """
    benign = benign_variant(variant)
    if benign is not None:
        return f"known benign/neutral variant ({benign.classification}: {benign.citation})"
    role = neutral_truncation(variant)
    if role is not None:
        return (
            f"truncating change at or after {role.gene} codon {role.neutral_truncations_from}, "
            f"where truncations are not deleterious ({role.truncation_citation})"
        )
    if variant.gene and variant.kind == "missense":
        for entry in pathogenic_missense(variant.gene):
            if entry.variant == variant.alteration or _in_range(entry.variant, variant):
                return f"curated pathogenic missense variant ({entry.citation})"
    return None


def _in_range(entry: str, variant: Variant) -> bool:
    words = entry.split()
    if len(words) != 2 or words[0] != "codons" or variant.position is None:
        return False
    lo, _, hi = words[1].partition("-")
    return int(lo) <= variant.position <= int(hi or lo)


# --------------------------------------------------------------------------- classifier
_CHANG_2016 = Citation(pmid=26619011, note="Cancer Hotspots (Chang et al., Nat Biotechnol 2016)")
_CHANG_2018 = Citation(pmid=29247016, note="Cancer Hotspots v2 (Chang et al., Cancer Discov 2018)")
_GAO_2017 = Citation(pmid=28115009, note="3D Hotspots (Gao et al., Genome Med 2017)")
_FUSIONS = Citation(
    doi="10.1038/nrc3947",
    note="Mertens et al., The emerging complexity of gene fusions in cancer, Nat Rev Cancer 2015",
)
_ONCOGENIC = frozenset({"Oncogenic", "Likely Oncogenic"})
# What `oncogenic mutations` may match: changes to the coding sequence and, for tumor
# suppressors, homozygous deletion; never a fusion, copy gain or expression change,
# which rules name on their own ("amplification", "fusion").
_MUTATION_KINDS = frozenset(
    {
        "missense", "nonsense", "frameshift", "inframe_deletion", "inframe_insertion",
        "inframe_delins", "duplication", "splice", "start_lost", "stop_lost", "codon",
        "exon_deletion", "exon_insertion", "exon_skipping", "coding", "deletion",
        "oncogenic_mutation", "truncating_mutation",
    }
)  # fmt: skip
_INDEL_KINDS = frozenset({"inframe_deletion", "inframe_insertion", "inframe_delins", "duplication"})
_CODON_KINDS = frozenset({"missense", "codon"})
# Kinds a curated hotspot entry of gene_roles.yaml accepts, by its grammar.
_RANGE_KINDS = _CODON_KINDS | {"frameshift", "nonsense"} | _INDEL_KINDS
_EXON_EVENTS = {
    "deletion": ("exon_deletion", frozenset({"inframe_deletion", "inframe_delins"})),
    "insertion": (
        "exon_insertion",
        frozenset({"inframe_insertion", "duplication", "inframe_delins"}),
    ),
    "skipping": ("exon_skipping", frozenset({"splice"})),
    "mutations": ("", _MUTATION_KINDS - {"deletion", "coding"}),
}
_EXON = re.compile(r"^exon (\d+) (deletion|insertion|skipping|mutations)$")
_CODONS = re.compile(r"^codons? (\d+)(?:-(\d+))?$")
_CODON = re.compile(r"^[A-Z]?(\d+)$")
_PMID = re.compile(r"PMID:?\s*(\d+)")


@dataclass(frozen=True)
class _Hotspots:
    snv: dict[int, frozenset[str]] = field(default_factory=dict)
    """Residue -> observed amino acids (``*`` for a stop)."""
    splice: frozenset[int] = frozenset()
    indel: tuple[tuple[int, int], ...] = ()
    three_d: frozenset[int] = frozenset()


@cache
def _hotspots() -> dict[str, _Hotspots]:
    snv: dict[str, dict[int, frozenset[str]]] = {}
    splice: dict[str, set[int]] = {}
    indel: dict[str, list[tuple[int, int]]] = {}
    three_d: dict[str, set[int]] = {}
    path = knowledgebase_dir() / "hotspots.tsv"
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            gene, kind, start = row["gene"], row["kind"], int(row["start"])
            if kind == "snv":
                snv.setdefault(gene, {})[start] = frozenset(row["alts"].split(","))
            elif kind == "splice":
                splice.setdefault(gene, set()).add(start)
            elif kind == "indel":
                indel.setdefault(gene, []).append((start, int(row["end"])))
            else:
                three_d.setdefault(gene, set()).add(start)
    names = set(snv) | set(splice) | set(indel) | set(three_d)
    return {
        g: _Hotspots(
            snv=snv.get(g, {}),
            splice=frozenset(splice.get(g, ())),
            indel=tuple(indel.get(g, ())),
            three_d=frozenset(three_d.get(g, ())),
        )
        for g in names
    }


def _citations(text: str) -> tuple[Citation, ...]:
    pmids = dict.fromkeys(int(p) for p in _PMID.findall(text))
    civic = re.findall(r"\b(AID\d+|EID\d+)\b", text)
    return (*(Citation(pmid=p) for p in pmids), *(Citation(civic=c) for c in civic))


@cache
def _civic() -> dict[tuple[str, str], dict[str, Any]]:
    data = _read("civic_oncogenic.yaml")
    return {(str(e["gene"]), str(e["variant"])): e for e in data.get("variants") or ()}


@cache
def _curated() -> dict[tuple[str, str], dict[str, Any]]:
    data = _read("curated_oncogenic.yaml")
    return {(str(e["gene"]), str(e["variant"])): e for e in data.get("variants") or ()}


@cache
def _fusion_drivers() -> frozenset[str]:
    data = _read("fusion_drivers.yaml")
    return frozenset(str(g) for key in ("five_prime", "three_prime") for g in data.get(key) or ())


def _civic_citations(entry: dict[str, Any]) -> tuple[Citation, ...]:
    return tuple(
        Citation(civic=f"EID{e['eid']}", pmid=e.get("pmid"), note=str(e.get("what", "")))
        for e in entry.get("evidence") or ()
    )


def _in_entry(entry: str, variant: Variant) -> bool:
    """Whether a variant is one of a gene_roles.yaml hotspot entry (rule grammar)."""
    kind, position = variant.kind, variant.position
    end = variant.end_position if variant.end_position is not None else position
    exon = _EXON.match(entry)
    if exon:
        number, event = int(exon.group(1)), exon.group(2)
        stated, kinds = _EXON_EVENTS[event]
        if stated and kind == stated and variant.exon == number:
            return True
        bounds = genes.exon_range(str(variant.gene), number)
        return (
            bounds is not None
            and kind in kinds
            and position is not None
            and end is not None
            and bounds[0] <= position
            and end <= bounds[1]
        )
    if entry == "inframe insertions":
        return kind in ("inframe_insertion", "duplication", "exon_insertion")
    codons = _CODONS.match(entry)
    if codons:
        lo, hi = int(codons.group(1)), int(codons.group(2) or codons.group(1))
        return (
            kind in _RANGE_KINDS
            and position is not None
            and end is not None
            and lo <= position
            and end <= hi
        )
    codon = _CODON.match(entry)
    if codon:
        return kind in _CODON_KINDS and position == int(codon.group(1))
    raise ValueError(
        f"knowledgebase/gene_roles.yaml: cannot read hotspot entry {entry!r} of "
        f"{variant.gene}. Write a codon (V600), a codon range (codons 286-290), an exon "
        "event (exon 19 deletion) or 'inframe insertions'"
    )


def _hotspot_flags(variant: Variant) -> tuple[bool, bool]:
    spots = _hotspots().get(str(variant.gene))
    if spots is None or variant.position is None:
        return False, False
    position, kind = variant.position, variant.kind
    end = variant.end_position if variant.end_position is not None else position
    if kind in _CODON_KINDS:
        linear = position in spots.snv and (
            kind == "codon" or (variant.alt or "") in spots.snv[position]
        )
    elif kind == "nonsense":
        linear = "*" in spots.snv.get(position, frozenset())
    elif kind in _INDEL_KINDS:
        linear = any(lo <= end and position <= hi for lo, hi in spots.indel)
    elif kind == "splice":
        linear = position in spots.splice
    else:
        linear = False
    three_d = kind in _CODON_KINDS and position in spots.three_d
    return linear, three_d


def _role_effect(role: GeneRole | None, likely: bool) -> MutationEffect:
    if role is None or role.role == "both":
        return "Unknown"
    if role.role == "oncogene":
        return "Likely Gain-of-function" if likely else "Gain-of-function"
    return "Likely Loss-of-function" if likely else "Loss-of-function"


def _make(
    oncogenicity: Oncogenicity,
    effect: MutationEffect,
    reason: str,
    source: str,
    citations: tuple[Citation, ...] = (),
    flags: tuple[bool, bool] = (False, False),
) -> Classification:
    return Classification(
        oncogenicity=oncogenicity,
        mutation_effect=effect,
        reason=reason,
        source=source,
        citations=tuple(dict.fromkeys(citations)),
        is_hotspot=flags[0],
        is_3d_hotspot=flags[1],
    )


def classify(variant: Variant) -> Classification:
    """Oncogenicity and mutation effect of one variant, with the reason and citations.

    The first source that speaks decides, in this order: the benign list and truncation
    cut-offs (Likely Neutral), the variants curated level 1-2 rules name (Oncogenic),
    curated pathogenic missense (Oncogenic), CIViC oncogenic and functional evidence,
    Cancer Hotspots residues (Likely Oncogenic; Oncogenic with supporting CIViC function
    or, for a truncation of a tumor suppressor, recurrence at that codon), the curated
    hotspots of gene_roles.yaml, truncation or homozygous deletion of a tumor suppressor
    (Likely Oncogenic), fusions of a known driver and amplification of an oncogene.
    Everything else is Unknown: a variant of unknown significance, never a guess.

    >>> import actionable
    >>> classify(actionable.parse_variant("BRAF V600E")).oncogenicity
    'Oncogenic'
    >>> c = classify(actionable.parse_variant("TP53 R175H"))
    >>> c.oncogenicity, c.mutation_effect, c.is_hotspot
    ('Oncogenic', 'Loss-of-function', True)
    >>> classify(actionable.parse_variant("GNA11 F341L")).oncogenicity
    'Unknown'
    """
    return _classify_cached(_Keyed(variant))


def _unplaced_truncation(gene: str, role: GeneRole | None) -> Classification:
    """ "NF1 truncating mutation": a truncation whose codon the report does not give."""
    if role is None or role.role == "oncogene":
        return _make(
            "Unknown",
            "Unknown",
            f"a truncating mutation of {gene} without its position: "
            f"{gene} is not a curated tumor suppressor, so truncation alone says nothing",
            "none",
        )
    if role.neutral_truncations_from is not None:
        # The cut-off cannot be checked without the codon: calling it oncogenic could
        # offer a drug for a truncation that leaves a working protein.
        return _make(
            "Unknown",
            "Unknown",
            f"a truncating mutation of {gene} without its position: truncations from "
            f"codon {role.neutral_truncations_from} are not deleterious, so give the change",
            "gene-role",
            _citations(role.truncation_citation),
        )
    return _make(
        "Likely Oncogenic",
        "Likely Loss-of-function",
        "a truncating mutation of a tumor suppressor, as the report states without naming "
        "the change; give the change for a more precise match",
        "gene-role",
        _citations(role.citation),
    )


class _Keyed:
    """A variant hashed by what decides its call (read depth, VAF and the report's
    wording do not), so the cache serves every report line of the same change."""

    __slots__ = ("key", "variant")

    def __init__(self, variant: Variant) -> None:
        self.variant = variant
        self.key = (
            variant.gene,
            variant.genes,
            variant.kind,
            variant.alteration,
            variant.position,
            variant.end_position,
            variant.alt,
            variant.exon,
        )

    def __hash__(self) -> int:
        return hash(self.key)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Keyed) and other.key == self.key


@lru_cache(maxsize=65536)  # thread-safe; bounded for cohort runs
def _classify_cached(keyed: _Keyed) -> Classification:
    return _decide(keyed.variant)


def _decide(variant: Variant) -> Classification:
    gene, kind = variant.gene, variant.kind
    if gene is None or kind in ("biomarker", "wildtype"):
        return _make(
            "Unknown", "Unknown", "not a gene alteration: oncogenicity does not apply", "none"
        )
    if kind == "oncogenic_mutation":
        # "BRCA1 oncogenic mutation": the report has classified a change it does not name.
        # It is taken at its word for class rules, and said so; the change itself would
        # let the library check it (benign list, truncation cut-offs).
        return _make(
            "Oncogenic",
            "Unknown",
            "the report calls it an oncogenic mutation without naming the change; "
            "give the change for a more precise match",
            "report",
        )
    role = gene_role(gene)
    if kind == "truncating_mutation":
        return _unplaced_truncation(gene, role)
    flags = _hotspot_flags(variant)
    benign = benign_variant(variant)
    if benign is not None:
        effect: MutationEffect = (
            "Neutral" if benign.classification == "benign" else "Likely Neutral"
        )
        return _make(
            "Likely Neutral",
            effect,
            f"known {benign.classification} variant (benign_variants.yaml)",
            "benign-list",
            _citations(benign.citation),
            flags,
        )
    cutoff = neutral_truncation(variant)
    if cutoff is not None:
        return _make(
            "Likely Neutral",
            "Likely Neutral",
            f"truncating change at or after {gene} codon {cutoff.neutral_truncations_from}, "
            "where truncations leave a working protein",
            "gene-role",
            _citations(cutoff.truncation_citation),
            flags,
        )
    civic = _civic().get((gene, variant.alteration))
    civic_effect: MutationEffect = civic["mutation_effect"] if civic else "Unknown"
    civic_cites = _civic_citations(civic) if civic else ()
    curated = _curated().get((gene, variant.alteration))
    if curated is not None:
        cites = tuple(Citation(**c) for c in curated.get("citations") or ())
        effect = civic_effect if civic_effect != "Unknown" else _default_effect(variant, role)
        return _make(
            "Oncogenic",
            effect,
            f"named by the curated level {curated['level']} rule {curated['rule']}",
            "curated-rule",
            (*cites, *civic_cites),
            flags,
        )
    if kind == "missense":
        for entry in pathogenic_missense(gene):
            if entry.variant == variant.alteration or _in_range(entry.variant, variant):
                likely = entry.classification != "pathogenic"
                return _make(
                    "Likely Oncogenic" if likely else "Oncogenic",
                    "Likely Loss-of-function" if likely else "Loss-of-function",
                    f"curated {entry.classification} missense variant of a tumor suppressor",
                    "pathogenic-missense",
                    _citations(entry.citation),
                    flags,
                )
    hot_cites = (_CHANG_2016, _CHANG_2018) if flags[0] else ()
    if flags[1]:
        hot_cites = (*hot_cites, _GAO_2017)
    fusion_driver = kind == "fusion" and (
        gene in _fusion_drivers() or (role is not None and role.role == "oncogene")
    )
    if civic is not None and civic["oncogenicity"] != "Unknown":
        call: Oncogenicity = civic["oncogenicity"]
        why = f"CIViC oncogenic evidence ({len(civic_cites)} item(s))"
        if call == "Likely Neutral" and flags[0]:
            call, why = "Inconclusive", f"{why} against a recurrent hotspot"
        elif call == "Likely Oncogenic" and (flags[0] or fusion_driver):
            # Two independent lines: preclinical CIViC evidence and recurrence in
            # tumors (or a fusion keeping a known driver's active part).
            call = "Oncogenic"
            why += " and a recurrent hotspot" if flags[0] else " and a known fusion driver"
        effect = civic_effect
        if effect == "Unknown" and call in _ONCOGENIC:
            effect = "Likely Gain-of-function" if fusion_driver else _role_effect(role, likely=True)
        return _make(call, effect, why, "civic", (*civic_cites, *hot_cites), flags)
    expected = _expected_effect(role, civic_effect)
    # A stop or frameshift recurs at some oncogene codons, but activation is not made of
    # truncations: such a change stays of unknown effect.
    oncogene_truncation = kind in TRUNCATING_KINDS and role is not None and role.role == "oncogene"
    if flags[0] and not oncogene_truncation:
        truncating = kind in TRUNCATING_KINDS and role is not None and role.role != "oncogene"
        if expected or truncating:
            why = (
                "CIViC functional evidence of the expected effect"
                if expected
                else "a truncating change of a tumor suppressor"
            )
            return _make(
                "Oncogenic",
                civic_effect if expected else "Loss-of-function",
                f"recurrent Cancer Hotspots residue and {why}",
                "hotspot",
                (*hot_cites, *civic_cites),
                flags,
            )
        return _make(
            "Likely Oncogenic",
            _role_effect(role, likely=True) if civic_effect == "Unknown" else civic_effect,
            f"recurrent Cancer Hotspots {'residue' if kind in _CODON_KINDS else 'site'}"
            + (
                f" in {'an oncogene' if role.role == 'oncogene' else 'a tumor suppressor'}"
                if role and role.role != "both"
                else ""
            ),
            "hotspot",
            (*hot_cites, *civic_cites),
            flags,
        )
    if civic is not None and expected:
        return _make(
            "Likely Oncogenic",
            civic_effect,
            "CIViC functional evidence of the effect expected for the gene's role",
            "civic",
            (*civic_cites, *hot_cites),
            flags,
        )
    if role is not None:
        role_cites = _citations(role.citation)
        if role.role in ("oncogene", "both"):
            for spot in role.hotspots:
                if _in_entry(spot, variant):
                    return _make(
                        "Likely Oncogenic",
                        _role_effect(role, likely=True)
                        if civic_effect == "Unknown"
                        else civic_effect,
                        f"in the curated hotspot {spot} of {gene} (gene_roles.yaml)",
                        "gene-role",
                        (*role_cites, *civic_cites, *hot_cites),
                        flags,
                    )
        if role.role in ("tumor_suppressor", "both") and kind in TRUNCATING_KINDS | {"deletion"}:
            what = "homozygous deletion" if kind == "deletion" else "truncating change"
            return _make(
                "Likely Oncogenic",
                "Likely Loss-of-function",
                f"{what} of a tumor suppressor",
                "gene-role",
                (*role_cites, *civic_cites, *hot_cites),
                flags,
            )
        if role.role in ("oncogene", "both") and kind in ("amplification", "gain"):
            return _make(
                "Likely Oncogenic",
                "Likely Gain-of-function",
                f"copy-number {kind} of an oncogene",
                "copy-number",
                role_cites,
                flags,
            )
    if kind == "fusion" and (
        gene in _fusion_drivers() or (role is not None and role.role == "oncogene")
    ):
        return _make(
            "Oncogenic",
            "Likely Gain-of-function",
            f"fusion keeping the {gene} driver part (kinase or oncogenic transcription factor)",
            "fusion-driver",
            (_FUSIONS,),
            flags,
        )
    if flags[1]:
        return _make(
            "Unknown",
            "Unknown",
            "in a 3D Hotspots cluster only: not enough on its own to call it oncogenic",
            "hotspot",
            hot_cites,
            flags,
        )
    return _make(
        "Unknown", civic_effect, _unknown_reason(variant, role), "none", civic_cites, flags
    )


def _expected_effect(role: GeneRole | None, effect: MutationEffect) -> bool:
    if role is None or effect == "Unknown":
        return False
    if role.role == "oncogene":
        return effect in ("Gain-of-function", "Switch-of-function")
    if role.role == "tumor_suppressor":
        return effect == "Loss-of-function"
    return effect != "Neutral"


def _default_effect(variant: Variant, role: GeneRole | None) -> MutationEffect:
    if variant.kind in ("fusion", "amplification", "gain", "overexpression"):
        return "Gain-of-function"
    if variant.kind in TRUNCATING_KINDS or variant.kind in ("deletion", "loss"):
        return "Loss-of-function"
    if role is None or role.role == "both":
        return "Unknown"
    return "Gain-of-function" if role.role == "oncogene" else "Loss-of-function"


def _unknown_reason(variant: Variant, role: GeneRole | None) -> str:
    if variant.kind == "synonymous":
        return "synonymous change: the protein is not altered"
    if variant.kind not in _MUTATION_KINDS:
        what = variant.kind.replace("_", " ")
        return f"{what} of {variant.gene}: no curated effect for this kind of change in this gene"
    if role is None:
        return f"no curated cancer role for {variant.gene} and no variant-level evidence"
    if role.role == "oncogene" and variant.kind in TRUNCATING_KINDS:
        return "truncating change in an oncogene: activating changes are not truncating"
    where = {"oncogene": "an oncogene", "tumor_suppressor": "a tumor suppressor"}.get(
        role.role, "the gene"
    )
    change = variant.kind.replace("_", " ")
    return f"{change} in {where} outside its known hotspots, without variant-level evidence"


def counts_as_oncogenic_mutation(variant: Variant) -> bool:
    """Whether the rule entry ``<gene> oncogenic mutations`` matches this variant.

    Oncogenic or Likely Oncogenic by :func:`classify`, and a change to the coding
    sequence (or a homozygous deletion of a tumor suppressor), never a fusion or copy gain.

    >>> import actionable
    >>> counts_as_oncogenic_mutation(actionable.parse_variant("PTEN R130Q"))
    True
    >>> counts_as_oncogenic_mutation(actionable.parse_variant("BRCA2 K3326*"))
    False
    """
    if variant.kind not in _MUTATION_KINDS:
        return False
    return classify(variant).is_oncogenic


@cache
def knowledge_genes() -> frozenset[str]:
    """Every gene some oncogenicity knowledge names (roles, hotspots, curated lists, CIViC,
    fusion drivers). :func:`classify` calls any change of any other gene Unknown without
    looking further, which lets a cohort annotate such rows without parsing them.

    >>> from actionable.oncogenicity import knowledge_genes
    >>> "TP53" in knowledge_genes(), "TTN" in knowledge_genes()
    (True, False)
    """
    return frozenset(
        {
            *_roles(),
            *_hotspots(),
            *(gene for gene, _ in _benign()),
            *_pathogenic(),
            *(gene for gene, _ in _civic()),
            *(gene for gene, _ in _curated()),
            *_fusion_drivers(),
        }
    )


def source_counts() -> dict[str, int]:
    """How much knowledge each oncogenicity source holds (``actionable rules stats``).

    >>> from actionable.oncogenicity import source_counts
    >>> source_counts()["hotspot-residues"] > 1000
    True
    """
    spots = _hotspots().values()
    roles = _roles().values()
    return {
        "curated-rule variants": len(_curated()),
        "pathogenic-missense entries": sum(len(v) for v in _pathogenic().values()),
        "benign-list entries": len(_entries("benign_variants.yaml", parse=False)),
        "civic variants": len(_civic()),
        "hotspot-residues": sum(len(s.snv) + len(s.splice) for s in spots),
        "hotspot-indel-regions": sum(len(s.indel) for s in spots),
        "3d-hotspot-residues": sum(len(s.three_d) for s in spots),
        "gene-role oncogenes": sum(r.role in ("oncogene", "both") for r in roles),
        "gene-role tumor suppressors": sum(r.role in ("tumor_suppressor", "both") for r in roles),
        "fusion-driver genes": len(_fusion_drivers()),
    }
