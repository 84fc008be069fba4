"""CIViC: monthly release TSVs and the GraphQL API -> ``source: civic`` rule files.

CIViC (https://civicdb.org, CC0) curates evidence items (one claim from one
publication) and assertions (a curated summary of several items, with AMP/ASCO/CAP
tier, FDA approval and NCCN guideline flags). Only *Predictive* items and assertions
become rules: one rule per item (or one per drug when the item lists substitutable
drugs), with an id such as ``civic-eid1409`` or ``civic-aid7``.

The mapping is made of small pure functions, each unit-tested and documented in
``docs/readme/sources.md``:

* :func:`effect_for` - evidence direction + significance -> ``sensitivity``/``resistance``
* :func:`level_for` - CIViC evidence level or assertion flags -> OncoKB-style level
* :func:`alteration_for` - a CIViC variant name -> entries of our alteration grammar
* :func:`profile_terms` - a molecular profile (``A AND B``, ``A OR B``, ``NOT C``) ->
  alteration / ``requires`` / ``excludes``
* :func:`therapy_groups` - therapies + interaction type -> the drug lists of the rules
* :class:`DiseaseMapper` - DOID -> OncoTree codes (curated overrides, then the UMLS
  bridge, then exact OncoTree names and synonyms)

Summaries are generated from the structured fields; CIViC's evidence statements are
never copied.

>>> from actionable.sources.civic import effect_for, level_for
>>> effect_for("Supports", "Sensitivity/Response")
'sensitivity'
>>> level_for("B", "sensitivity")
'3A'
"""

from __future__ import annotations

import csv
import gzip
import json
import logging
import os
import re
import shutil
import tempfile
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml

from .. import drugs, genes, tumors
from .._files import atomic_write
from .._resources import knowledgebase_dir, rules_dir
from ..errors import RuleFileError, SourceError, UnknownTumorError, VariantParseError
from ..rules import Citation, RuleFile, RuleSpec, load_rule_file, parse_pattern

__all__ = [
    "GRAPHQL_URL",
    "CivicClient",
    "CivicItem",
    "DiseaseMapper",
    "DrugNamer",
    "ImportResult",
    "ProfileTerms",
    "Skip",
    "Skipped",
    "alteration_for",
    "convert_item",
    "effect_for",
    "import_release",
    "item_from_graphql",
    "level_for",
    "origin_for",
    "profile_terms",
    "read_release",
    "rule_file_yaml",
    "split_therapies",
    "therapy_groups",
    "write_rule_files",
]

log = logging.getLogger(__name__)

GRAPHQL_URL = "https://civicdb.org/api/graphql"

# Reasons an item is not converted (keys of ImportResult.skip_counts).
POLICY_REASONS = frozenset({"does_not_support", "not_efficacy", "sequential_therapy"})
# Items about markers a sequencing report does not call are outside the library's scope.
OUT_OF_SCOPE_REASONS = POLICY_REASONS | {"non_sequencing_marker"}
REASONS: Mapping[str, str] = {
    "does_not_support": "evidence direction 'Does Not Support' (a negative finding, not a rule)",
    "not_efficacy": "significance is not response or resistance (e.g. Adverse Response)",
    "sequential_therapy": "sequential therapies: the order of drugs cannot be expressed",
    "no_therapy": "no therapy given",
    "nonspecific_therapy": "only a drug class or a non-drug treatment (chemotherapy, radiation)",
    "non_sequencing_marker": "expression, methylation, polymorphism or other marker a "
    "sequencing report does not call",
    "alteration_not_mapped": "variant name has no clean equivalent in our alteration grammar",
    "complex_profile": "molecular profile logic that rules cannot express",
    "unknown_gene": "gene symbol not in the HGNC vocabulary",
    "disease_not_mapped": "CIViC disease has no OncoTree code",
    "unknown_drug": "drug not in knowledgebase/drugs*.yaml (live client only)",
    "loader_rejected": "the rule loader rejected the generated rule",
}


# --------------------------------------------------------------------------- items
@dataclass(frozen=True)
class CivicItem:
    """One CIViC evidence item or assertion, as read from a release TSV or the API.

    Field values use the release vocabulary (``"Supports"``, ``"Sensitivity/Response"``,
    ``"Combination"``); the GraphQL client translates its enums to it.

    >>> item = CivicItem(kind="EID", number=1409, profile="BRAF V600E", disease="Melanoma",
    ...                  doid="1909", therapies=("Dabrafenib", "Trametinib"),
    ...                  interaction="Combination", direction="Supports",
    ...                  significance="Sensitivity/Response", evidence_level="B")
    >>> item.civic_id
    'EID1409'
    """

    kind: str
    """``EID`` (evidence item) or ``AID`` (assertion)."""
    number: int
    profile: str
    disease: str
    doid: str
    therapies: tuple[str, ...]
    interaction: str
    direction: str
    significance: str
    evidence_level: str | None = None
    amp_category: str | None = None
    nccn_guideline: str | None = None
    nccn_version: str | None = None
    regulatory_approval: bool = False
    fda_companion_test: bool = False
    variant_origin: str = ""
    pmid: int | None = None
    abstract: str | None = None
    nct_ids: tuple[str, ...] = ()
    url: str | None = None
    evidence_ids: tuple[int, ...] = ()

    @property
    def civic_id(self) -> str:
        """``EID123`` or ``AID5``."""
        return f"{self.kind}{self.number}"

    @property
    def rule_id(self) -> str:
        """The base rule id: ``civic-eid123``."""
        return f"civic-{self.kind.lower()}{self.number}"


@dataclass(frozen=True)
class Skipped:
    """An item that was not converted, and why (``reason`` is a key of ``REASONS``).

    >>> Skipped("EID11", "does_not_support", "Does Not Support").reason
    'does_not_support'
    """

    item: str
    reason: str
    detail: str = ""


class Skip(Exception):  # noqa: N818 - a control-flow signal, not an error for callers
    """Raised by the mapping functions when an item cannot become a rule.

    >>> try:
    ...     effect_for("Does Not Support", "Resistance")
    ... except Skip as s:
    ...     s.reason
    'does_not_support'
    """

    def __init__(self, reason: str, detail: str = "") -> None:
        self.reason = reason
        self.detail = detail
        super().__init__(f"{reason}: {detail}" if detail else reason)


# --------------------------------------------------------------------------- effect, level
def effect_for(direction: str, significance: str) -> str:
    """Rule effect for a CIViC evidence direction and significance.

    ``Supports`` + ``Sensitivity/Response`` -> ``sensitivity``; ``Supports`` +
    ``Resistance`` or ``Reduced Sensitivity`` -> ``resistance``. ``Does Not Support``
    and other significances (``Adverse Response``) raise :class:`Skip`.

    >>> effect_for("Supports", "Reduced Sensitivity")
    'resistance'
    """
    if direction.strip().lower() != "supports":
        raise Skip("does_not_support", direction)
    sig = significance.strip().lower()
    if sig in ("sensitivity/response", "sensitivity", "response"):
        return "sensitivity"
    if sig in ("resistance", "reduced sensitivity"):
        return "resistance"
    raise Skip("not_efficacy", significance)


_AMP = re.compile(r"tier\s+(i{1,2}|iv|iii)\s*-\s*level\s+([a-d])", re.I)


def level_for(
    evidence_level: str | None,
    effect: str,
    *,
    assertion: bool = False,
    regulatory_approval: bool = False,
    nccn_guideline: str | None = None,
    amp_category: str | None = None,
) -> str:
    """Our level for a CIViC evidence level (items) or assertion flags (assertions).

    Evidence items (sensitivity): A, B -> ``3A``; C -> ``3B``; D, E -> ``4``. CIViC level A
    ("validated") alone never gives 1 or 2: only an assertion's FDA-approval or NCCN flag
    does. Evidence items (resistance): every level -> ``R2``.

    Assertions (sensitivity): regulatory approval -> ``1``; NCCN guideline -> ``2``;
    otherwise by AMP category: Tier I Level A/B -> ``3A``, Tier II Level C -> ``3B``,
    Tier II Level D -> ``4``. Assertions (resistance): approval or NCCN -> ``R1``, else
    ``R2``.

    >>> level_for("C", "sensitivity"), level_for("A", "resistance")
    ('3B', 'R2')
    >>> level_for(None, "sensitivity", assertion=True, regulatory_approval=True)
    '1'
    >>> level_for(None, "sensitivity", assertion=True, amp_category="Tier II - Level C")
    '3B'
    """
    if assertion:
        guideline = bool(nccn_guideline and nccn_guideline.strip())
        if effect == "resistance":
            return "R1" if regulatory_approval or guideline else "R2"
        if regulatory_approval:
            return "1"
        if guideline:
            return "2"
        match = _AMP.search(amp_category or "")
        letter = match.group(2).upper() if match else (evidence_level or "D").upper()
        return {"A": "3A", "B": "3A", "C": "3B"}.get(letter, "4")
    if effect == "resistance":
        return "R2"
    letter = (evidence_level or "").strip().upper()
    if letter in ("A", "B"):
        return "3A"
    if letter == "C":
        return "3B"
    if letter in ("D", "E"):
        return "4"
    raise Skip("not_efficacy", f"unknown evidence level {evidence_level!r}")


def origin_for(variant_origin: str) -> str:
    """Rule origin: ``germline`` for CIViC Rare/Common Germline, else ``any``.

    >>> origin_for("Rare Germline"), origin_for("Somatic")
    ('germline', 'any')
    """
    return "germline" if "germline" in variant_origin.lower() else "any"


# --------------------------------------------------------------------------- alterations
_NON_SEQUENCING = re.compile(
    r"expression|methylation|phosphorylation|serum|mislocali[sz]ation|translocation|"
    r"polymorphism|^rs\d+$|^loh$|^ugt1a1\*|^[a-z]+\d*\*\d+$|tandem repeat|"
    r"biallelic|domain mutation|tkd mutation|activating mutation|isoform|splice variant|"
    r"^v\d+ |^p16 |nuclear|cytoplasmic",
    re.I,
)
_CLASS_NAMES: Mapping[str, str] = {
    "mutation": "mutations",
    "mutations": "mutations",
    "missense mutation": "missense mutations",
    "truncating mutation": "truncating mutations",
    "loss-of-function": "truncating mutations",
    "loss of function": "truncating mutations",
    "deleterious mutation": "truncating mutations",
    "inactivating mutation": "truncating mutations",
    "amplification": "amplification",
    "copy number gain": "gain",
    "gain": "gain",
    "loss": "loss",
    "copy number loss": "loss",
    "deletion": "deletion",
    "homozygous deletion": "deletion",
    "overexpression": "overexpression",
    "wildtype": "wildtype",
    "wild type": "wildtype",
    "fusion": "fusion",
    "fusions": "fusion",
    "rearrangement": "fusion",
    "itd": "inframe insertions",
    "internal tandem duplication": "inframe insertions",
}
_EXON_NAME = re.compile(
    r"^exon\s+(\d+)\s+(deletion|insertion|skipping(?: mutation)?|mutations?)$", re.I
)
_MULTI_ALT = re.compile(r"^([A-Z])(\d+)([A-Z*](?:/[A-Z*])+)$")
_MULTI_CODON = re.compile(r"^[A-Z]?(\d+)(?:/[A-Z]?(\d+))+$")
_CODONS_ANY = re.compile(r"[A-Z]?(\d+)")
_UPPER_CHANGE = re.compile(r"^([A-Z]\d+(?:_[A-Z]\d+)?)(DELINS|DEL|DUP|INS|FS)(\*?\d*[A-Z]*)$")
_FUSION = re.compile(r"^([A-Za-z0-9.\-]+)::([A-Za-z0-9.\-]+)(?:\s+(e\d+-e\d+))?$")


def alteration_for(gene: str, name: str) -> list[str]:
    """Entries of our alteration grammar for one CIViC variant of ``gene``.

    Returns one entry, or several meaning "any of" (``V600E/K``). Raises :class:`Skip`
    for markers a sequencing report does not call (expression, methylation, rs ids) and
    for names the grammar cannot express.

    >>> alteration_for("BRAF", "V600E/K"), alteration_for("KRAS", "G12/G13")
    (['V600E', 'V600K'], ['codons 12, 13'])
    >>> alteration_for("EGFR", "Exon 19 Deletion"), alteration_for("ALK", "EML4::ALK e6-e20")
    (['exon 19 deletion'], ['EML4::ALK fusion'])
    >>> alteration_for("ERBB2", "AMPLIFICATION")
    ['amplification']
    """
    text = " ".join(name.split())
    text = re.sub(r"\s*\((?:c\.|p\.)[^)]*\)$", "", text)  # "V600E (c.1799T>A)"
    lower = text.lower()
    if lower in _CLASS_NAMES:
        return [_checked(gene, _CLASS_NAMES[lower], name)]
    if _NON_SEQUENCING.search(lower):
        raise Skip("non_sequencing_marker", f"{gene} {name}")
    # Upper-case HGVS keywords ("Y772_A775DUP", "M695FS*26") and the old "E746_T751>I".
    change = _UPPER_CHANGE.match(text)
    if change:
        text = change.group(1) + change.group(2).lower() + change.group(3)
    text = re.sub(r"^([A-Z]\d+_[A-Z]\d+)>([A-Z]+)$", r"\1delins\2", text)
    exon = _EXON_NAME.match(text)
    if exon:
        event = exon.group(2).lower()
        event = (
            "skipping"
            if event.startswith("skipping")
            else "mutations"
            if event.startswith("mutation")
            else event
        )
        return [_checked(gene, f"exon {int(exon.group(1))} {event}", name)]
    fusion = _FUSION.match(text)
    if fusion:
        return [_checked(gene, f"{fusion.group(1)}::{fusion.group(2)} fusion", name)]
    multi = _MULTI_ALT.match(text)
    if multi:
        ref, pos, alts = multi.groups()
        return [_checked(gene, f"{ref}{pos}{alt}", name) for alt in alts.split("/")]
    if _MULTI_CODON.match(text):
        codons = ", ".join(str(int(n)) for n in _CODONS_ANY.findall(text))
        return [_checked(gene, f"codons {codons}", name)]
    return [_checked(gene, text, name)]


def _checked(gene: str, entry: str, name: str) -> str:
    """``entry`` if our grammar reads it for ``gene``, else :class:`Skip`."""
    try:
        parse_pattern(entry, gene)
    except (RuleFileError, VariantParseError, ValueError) as error:
        problem = getattr(error, "problem", str(error))
        raise Skip("alteration_not_mapped", f"{gene} {name}: {problem}") from None
    return entry


@dataclass(frozen=True)
class ProfileTerms:
    """A molecular profile in rule terms: the file's gene, what the rule matches
    (entries meaning "any of"), and ``requires`` / ``excludes`` entries (gene-prefixed).

    >>> ProfileTerms(gene="KRAS", alteration=("G12C",), excludes=("STK11 mutations",)).excludes
    ('STK11 mutations',)
    """

    gene: str
    alteration: tuple[str, ...]
    requires: tuple[str, ...] = ()
    excludes: tuple[str, ...] = ()
    variant: str = ""
    """The profile as CIViC names it, for summaries."""


_OPERATORS = frozenset({"AND", "OR", "NOT", "(", ")"})


def _tokens(profile: str) -> list[str]:
    out: list[str] = []
    words: list[str] = []
    for word in profile.split():
        if word in _OPERATORS:
            if words:
                out.append(" ".join(words))
                words = []
            out.append(word)
        else:
            words.append(word)
    if words:
        out.append(" ".join(words))
    return out


def _term(text: str) -> tuple[str, str]:
    gene, _, variant = text.partition(" ")
    if not variant:
        raise Skip("complex_profile", f"term {text!r} names no variant")
    try:
        return genes.resolve_gene(gene), variant
    except VariantParseError:
        raise Skip("unknown_gene", gene) from None


def _entry(gene: str, alteration: str, home: str | None) -> str:
    """An alteration entry as written in a file of gene ``home``: other genes are named
    first, except in fusions (``EML4::ALK fusion`` names its genes)."""
    return alteration if gene == home or "::" in alteration else f"{gene} {alteration}"


def profile_terms(profile: str) -> ProfileTerms:
    """Read a CIViC molecular profile name into rule terms.

    ``A`` -> alteration A. ``A OR B`` -> alteration ``[A, B]``. ``A AND B`` -> alteration
    A, ``requires: [B]``; ``A AND NOT C`` -> ``excludes: [C]``; ``A AND ( B OR C )`` ->
    alteration ``[B, C]``, ``requires: [A]``. Everything else raises :class:`Skip`.

    >>> t = profile_terms("ABL1 BCR::ABL1 AND ABL1 T315I")
    >>> t.gene, t.alteration, t.requires
    ('ABL1', ('BCR::ABL1 fusion',), ('ABL1 T315I',))
    >>> profile_terms("EGFR L858R OR EGFR Exon 19 Deletion").alteration
    ('L858R', 'exon 19 deletion')
    """
    tokens = _tokens(profile)
    # Top level: a sequence of units joined by one kind of operator.
    units: list[tuple[bool, list[tuple[str, str]]]] = []  # (negated, OR-alternatives)
    joins: set[str] = set()
    i = 0
    while i < len(tokens):
        negated = False
        if tokens[i] == "NOT":
            negated, i = True, i + 1
        if i >= len(tokens):
            raise Skip("complex_profile", profile)
        if tokens[i] == "(":
            close = tokens.index(")", i) if ")" in tokens[i:] else -1
            inner = tokens[i + 1 : close]
            if close < 0 or "(" in inner or "AND" in inner or "NOT" in inner:
                raise Skip("complex_profile", profile)
            alternatives = [_term(t) for t in inner if t != "OR"]
            if len(alternatives) != (len(inner) + 1) // 2:
                raise Skip("complex_profile", profile)
            units.append((negated, alternatives))
            i = close + 1
        elif tokens[i] in _OPERATORS:
            raise Skip("complex_profile", profile)
        else:
            units.append((negated, [_term(tokens[i])]))
            i += 1
        if i < len(tokens):
            if tokens[i] not in ("AND", "OR"):
                raise Skip("complex_profile", profile)
            joins.add(tokens[i])
            i += 1
            if i >= len(tokens):
                raise Skip("complex_profile", profile)
    if len(joins) > 1 or not units:
        raise Skip("complex_profile", profile)
    if joins == {"OR"}:
        if any(neg or len(alts) > 1 for neg, alts in units):
            raise Skip("complex_profile", profile)
        units = [(False, [alts[0] for _, alts in units])]
    positives = [alts for neg, alts in units if not neg]
    negatives = [alts for neg, alts in units if neg]
    if not positives:
        raise Skip("complex_profile", profile)
    groups = [alts for alts in positives if len(alts) > 1]
    if len(groups) > 1:
        raise Skip("complex_profile", profile)
    main = groups[0] if groups else positives[0]
    home = main[0][0]
    alteration = tuple(_entry(g, e, home) for g, v in main for e in alteration_for(g, v))
    requires: list[str] = []
    for alts in positives:
        if alts is main:
            continue
        ((g, v),) = alts
        entries = alteration_for(g, v)
        if len(entries) != 1:
            raise Skip("complex_profile", f"{profile}: 'any of' inside a required term")
        requires.append(_entry(g, entries[0], None))
    excludes: list[str] = []
    for alts in negatives:
        for g, v in alts:
            excludes.extend(_entry(g, e, None) for e in alteration_for(g, v))
    for entry in (*requires, *excludes):
        try:
            parse_pattern(entry, None)
        except (RuleFileError, VariantParseError, ValueError) as error:
            raise Skip(
                "alteration_not_mapped", f"{entry}: {getattr(error, 'problem', error)}"
            ) from None
    return ProfileTerms(
        gene=home,
        alteration=alteration,
        requires=tuple(requires),
        excludes=tuple(excludes),
        variant=profile,
    )


# --------------------------------------------------------------------------- therapies
_CLASS_WORDS = re.compile(
    r"\b(inhibitors?|therapy|chemotherapy|radiotherapy|surgery|compound|antagonist|"
    r"antibody|sirna|lymphocytes|oligonucleotide|antibiotic|radiation|regimen|protocol)\b",
    re.I,
)
_SALTS = re.compile(r"\s+(mesylate|bismesylate|hydrochloride|tosylate|maleate|dimaleate)$", re.I)
# CIViC regimen names -> their drugs (standard compositions).
_REGIMENS: Mapping[str, tuple[str, ...]] = {
    "folfox regimen": ("fluorouracil", "leucovorin", "oxaliplatin"),
    "folfox-4 regimen": ("fluorouracil", "leucovorin", "oxaliplatin"),
    "folfiri regimen": ("fluorouracil", "leucovorin", "irinotecan"),
    "r-chop regimen": ("rituximab", "cyclophosphamide", "doxorubicin", "vincristine", "prednisone"),
    "pcv regimen": ("procarbazine", "lomustine", "vincristine"),
    "eap protocol": ("etoposide", "doxorubicin", "cisplatin"),
}


def split_therapies(cell: str) -> list[str]:
    """Split a release ``therapies`` cell on commas, keeping chemical names whole.

    >>> split_therapies("Trametinib,Dabrafenib")
    ['Trametinib', 'Dabrafenib']
    >>> split_therapies("2,4-pyrimidinediamine")
    ['2,4-pyrimidinediamine']
    """
    parts = [p.strip() for p in cell.split(",")]
    out: list[str] = []
    for part in parts:
        # "2,4-pyrimidinediamine", "CP-724,714": a comma between digits is part of a name.
        joins = bool(out) and (
            (re.fullmatch(r"\d+", part) is not None and re.search(r"\d$", out[-1]) is not None)
            or (re.match(r"\d", part) is not None and re.fullmatch(r"\d+", out[-1]) is not None)
        )
        if joins:
            out[-1] += "," + part
        elif part:
            out.append(part)
    return out


def _is_specific(name: str) -> bool:
    if name.lower() in _REGIMENS:
        return True
    if re.match(r"anti-", name, re.I) and not re.search(r"\d", name.split()[-1]):
        return False
    if _CLASS_WORDS.search(name):
        last = name.split()[-1].strip("()")
        return (
            len(name.split()) > 1 and bool(re.search(r"\d", last)) and not _CLASS_WORDS.search(last)
        )
    return True


def therapy_groups(therapies: Sequence[str], interaction: str) -> tuple[list[list[str]], list[str]]:
    """The drug lists of the rules for an item, and the non-specific treatments left out.

    ``Combination`` -> one rule with all drugs; ``Substitutes`` -> one rule per drug; a
    single therapy -> one rule; ``Sequential`` raises :class:`Skip`. Drug classes and
    non-drug treatments ("Chemotherapy", "BRAF Inhibitor") are dropped from combinations
    (and named in the summary); an item left with no specific drug raises :class:`Skip`.

    >>> therapy_groups(["Dabrafenib", "Trametinib"], "Combination")
    ([['Dabrafenib', 'Trametinib']], [])
    >>> therapy_groups(["Erlotinib", "Gefitinib"], "Substitutes")
    ([['Erlotinib'], ['Gefitinib']], [])
    >>> therapy_groups(["Cetuximab", "Chemotherapy"], "Combination")
    ([['Cetuximab']], ['Chemotherapy'])
    """
    if not therapies:
        raise Skip("no_therapy")
    kind = interaction.strip().lower()
    if kind == "sequential":
        raise Skip("sequential_therapy", ", ".join(therapies))
    specific = [t for t in therapies if _is_specific(t)]
    dropped = [t for t in therapies if not _is_specific(t)]
    if not specific:
        raise Skip("nonspecific_therapy", ", ".join(therapies))
    if kind == "substitutes":
        return [[t] for t in specific], dropped
    if kind == "combination" or len(therapies) == 1:
        return [specific], dropped
    # Several therapies and no interaction type: CIViC requires one, so read them as
    # alternatives, the conservative reading.
    return [[t] for t in specific], dropped


def _drug_key(text: str) -> str:
    # The normalisation actionable.drugs uses to look names up.
    return re.sub(r"[\s\-_()®™]+", "", text).lower()


class DrugNamer:
    """Turns CIViC therapy names into the generic names rules use.

    Names the curated vocabulary (``knowledgebase/drugs.yaml``) knows resolve to its
    generic name; others get a lowercase name (salt dropped; for NCIt names like
    ``ALK Inhibitor TAE684`` the compound code) and are collected for
    ``knowledgebase/drugs_civic.yaml``.

    >>> namer = DrugNamer(curated={"dabrafenib"})
    >>> namer.name("Dabrafenib"), namer.name("Imatinib Mesylate")
    (['dabrafenib'], ['imatinib'])
    >>> namer.name("ALK Inhibitor TAE684")
    ['tae684']
    """

    def __init__(
        self, curated: Mapping[str, str] | Iterable[str] | None = None, *, allow_new: bool = True
    ) -> None:
        if curated is None:
            curated = _curated_index()
        self._curated = (
            dict(curated) if isinstance(curated, Mapping) else {_drug_key(n): n for n in curated}
        )
        self.allow_new = allow_new
        self.added: dict[str, set[str]] = {}
        self._keys: dict[str, str] = {}

    def name(self, civic: str) -> list[str]:
        """Generic names (a regimen gives several) for one CIViC therapy name.

        >>> DrugNamer(curated={"fluorouracil", "leucovorin", "oxaliplatin"}).name("FOLFOX Regimen")
        ['fluorouracil', 'leucovorin', 'oxaliplatin']
        """
        regimen = _REGIMENS.get(civic.lower())
        if regimen:
            return [self._one(d, d) for d in regimen]
        base = _SALTS.sub("", civic.strip())
        if _CLASS_WORDS.search(base):
            base = base.split()[-1].strip("()")
        return [self._one(base.lower(), civic)]

    def _one(self, wanted: str, civic: str) -> str:
        for candidate in (wanted, civic):
            found = self._curated.get(_drug_key(candidate))
            if found is not None:
                return found
        if not self.allow_new:
            # Live use: the vocabulary (curated + drugs_civic.yaml) must know the drug.
            for candidate in (wanted, civic):
                try:
                    return drugs.resolve_drug(candidate)
                except ValueError:
                    continue
            raise Skip("unknown_drug", civic)
        key = _drug_key(wanted)
        name = self._keys.setdefault(key, wanted)
        aliases = self.added.setdefault(name, set())
        if civic.lower() != name:
            aliases.add(civic)
        return name

    def vocabulary_yaml(self, version: str) -> str:
        """Text of ``knowledgebase/drugs_civic.yaml`` for the names added so far.

        >>> namer = DrugNamer(curated=())
        >>> namer.name("Imatinib Mesylate")
        ['imatinib']
        >>> print(namer.vocabulary_yaml("01-Aug-2024").splitlines()[-1])
          imatinib: {synonyms: [Imatinib Mesylate]}
        """
        lines = [
            "# Generated by scripts/import_civic.py from the CIViC release "
            f"{version} (CC0). Do not edit:",
            "# add or correct drugs in knowledgebase/drugs.yaml (curated names win).",
            "drugs:",
        ]
        for name in sorted(self.added):
            synonyms = sorted(self.added[name] - {name}, key=str.lower)
            entry = {"synonyms": synonyms} if synonyms else {}
            lines.append(
                "  "
                + yaml.safe_dump(
                    {name: entry}, default_flow_style=True, width=1000, allow_unicode=True
                ).strip()[1:-1]
            )
        return "\n".join(lines) + "\n"


def _curated_index() -> dict[str, str]:
    """Lookup key -> generic name for every name, synonym and brand of drugs.yaml."""
    data = yaml.safe_load((knowledgebase_dir() / "drugs.yaml").read_text(encoding="utf-8"))
    index: dict[str, str] = {}
    for name, entry in ((data or {}).get("drugs") or {}).items():
        entry = entry or {}
        for alias in (name, *entry.get("synonyms", ()), *entry.get("brands", ())):
            index.setdefault(_drug_key(str(alias)), name)
    return index


# --------------------------------------------------------------------------- diseases
class DiseaseMapper:
    """CIViC disease (DOID, name) -> OncoTree codes or groups.

    Order: the curated overrides in ``knowledgebase/civic_disease_map.yaml`` (by DOID,
    or by name for diseases without one); then the UMLS bridge (OncoTree UMLS CUI ->
    the PCGR phenotype table's ``cui`` -> ``do_id``), keeping the code whose name is
    the disease name, else the broadest codes; then an exact OncoTree name, code or
    curated synonym (``actionable.tumors.resolve_tumor``, no fuzzy matches).

    >>> m = DiseaseMapper(bridge=None)
    >>> m.codes("9256", "Colorectal Cancer"), m.codes("162", "Cancer")
    (('COADREAD',), ('all',))
    """

    def __init__(self, overrides: Path | None = None, bridge: Path | None = None) -> None:
        path = overrides or knowledgebase_dir() / "civic_disease_map.yaml"
        data = yaml.safe_load(path.read_text(encoding="utf-8")) if path.is_file() else {}
        data = data or {}
        self._by_doid = {str(k): tuple(v["oncotree"]) for k, v in (data.get("doid") or {}).items()}
        self._by_name = {str(k).lower(): tuple(v) for k, v in (data.get("name") or {}).items()}
        self._bridge_path = bridge
        self.used: dict[tuple[str, str], tuple[tuple[str, ...], str]] = {}

    @cached_property
    def _bridge(self) -> dict[str, set[str]]:
        out: dict[str, set[str]] = defaultdict(set)
        if self._bridge_path is None or not self._bridge_path.is_file():
            return out
        tree = json.loads((knowledgebase_dir() / "oncotree.json").read_text(encoding="utf-8"))
        by_cui: dict[str, set[str]] = defaultdict(set)
        for code, node in tree["codes"].items():
            for cui in node.get("umls", ()):
                by_cui[cui].add(code)
        with gzip.open(self._bridge_path, "rt", encoding="utf-8") as handle:
            for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
                doid = row.get("do_id", "NA")
                if doid and doid != "NA" and row.get("cui") in by_cui:
                    out[doid.removeprefix("DOID:")] |= by_cui[row["cui"]]
        return out

    def codes(self, doid: str, name: str) -> tuple[str, ...]:
        """OncoTree codes (or groups) for a disease; raises :class:`Skip` when none.

        >>> DiseaseMapper(bridge=None).codes("", "Solid Tumor")
        ('all_solid',)
        """
        key = (doid.strip(), name.strip())
        if key not in self.used:
            self.used[key] = self._codes(*key)
        codes, _how = self.used[key]
        if not codes:
            raise Skip("disease_not_mapped", f"{name} (DOID {doid or '-'})")
        return codes

    def _codes(self, doid: str, name: str) -> tuple[tuple[str, ...], str]:
        if doid and doid in self._by_doid:
            return self._by_doid[doid], "override"
        if name.lower() in self._by_name:
            return self._by_name[name.lower()], "override"
        found = self._bridge.get(doid) if doid else None
        if found:
            return _narrow(found, name), "umls"
        try:
            tumor = tumors.resolve_tumor(name)
        except (UnknownTumorError, ValueError):
            return (), "none"
        if tumor.matched_by in ("code", "name", "synonym"):
            return (tumor.code,), tumor.matched_by
        return (), "none"


def _narrow(codes: set[str], name: str) -> tuple[str, ...]:
    named = [c for c in codes if tumors.get_tumor(c).name.lower() == name.lower()]
    if named:
        return (sorted(named)[0],)
    keep = [c for c in codes if not any(c != o and c in tumors.descendants(o) for o in codes)]
    return tuple(sorted(keep))


# --------------------------------------------------------------------------- conversion
_LEVEL_WORDS = {
    "A": "validated",
    "B": "clinical",
    "C": "case study",
    "D": "preclinical",
    "E": "inferential",
}


def convert_item(
    item: CivicItem, diseases: DiseaseMapper, namer: DrugNamer
) -> list[tuple[str, RuleSpec]]:
    """The rules for one CIViC item as ``(gene, RuleSpec)`` pairs; raises :class:`Skip`.

    >>> item = CivicItem(kind="EID", number=1409, profile="BRAF V600E", disease="Melanoma",
    ...                  doid="1909", therapies=("Dabrafenib", "Trametinib"),
    ...                  interaction="Combination", direction="Supports",
    ...                  significance="Sensitivity/Response", evidence_level="B", pmid=21639808)
    >>> [(g, r.id, r.level, r.therapy) for g, r in convert_item(item, DiseaseMapper(), DrugNamer())]
    [('BRAF', 'civic-eid1409', '3A', ['dabrafenib', 'trametinib'])]
    """
    effect = effect_for(item.direction, item.significance)
    groups, dropped = therapy_groups(item.therapies, item.interaction)
    terms = profile_terms(item.profile)
    codes = diseases.codes(item.doid, item.disease)
    if item.kind == "AID":
        level = level_for(
            item.evidence_level,
            effect,
            assertion=True,
            regulatory_approval=item.regulatory_approval,
            nccn_guideline=item.nccn_guideline,
            amp_category=item.amp_category,
        )
    else:
        level = level_for(item.evidence_level, effect)
    evidence = _citations(item)
    out: list[tuple[str, RuleSpec]] = []
    for group in groups:
        therapy = list(dict.fromkeys(n for t in group for n in namer.name(t)))
        rule_id = item.rule_id
        if len(groups) > 1:
            rule_id += "-" + re.sub(r"[^a-z0-9]+", "-", "-".join(therapy)).strip("-")
        summary = _summary(item, effect, level, therapy, dropped, terms, len(groups) > 1)
        spec = RuleSpec(
            id=rule_id,
            alteration=list(terms.alteration) if len(terms.alteration) > 1 else terms.alteration[0],
            requires=list(terms.requires),
            excludes=list(terms.excludes),
            tumor={"include": list(codes)},
            therapy=therapy,
            effect=effect,
            level=level,
            origin=origin_for(item.variant_origin),
            summary=summary,
            evidence=evidence,
        )
        out.append((terms.gene, spec))
    return out


def _summary(
    item: CivicItem,
    effect: str,
    level: str,
    therapy: Sequence[str],
    dropped: Sequence[str],
    terms: ProfileTerms,
    alternative: bool,
) -> str:
    what = "supports " + (
        "sensitivity"
        if effect == "sensitivity"
        else "reduced sensitivity"
        if "reduced" in item.significance.lower()
        else "resistance"
    )
    if item.kind == "AID":
        flags = [item.amp_category or "assertion"]
        if item.regulatory_approval:
            flags.append("regulatory approval")
        if item.nccn_guideline:
            flags.append(f"NCCN {item.nccn_guideline} guideline")
        head = f"CIViC {item.civic_id} ({', '.join(flags)}, {what})"
    else:
        letter = (item.evidence_level or "?").upper()
        head = f"CIViC {item.civic_id} (level {letter} {_LEVEL_WORDS.get(letter, '')}".rstrip()
        head += f" evidence, {what})"
    text = f"{head}: {' + '.join(therapy)}"
    if dropped:
        text += " with " + ", ".join(d.lower() for d in dropped)
    text += f" in {item.disease or 'cancer'} with {terms.variant}."
    if alternative:
        text += " One of several drugs CIViC lists as alternatives."
    if effect == "resistance" and item.kind == "EID" and (item.evidence_level or "") in "CDE":
        text += " Weak evidence (case report, preclinical or inferential), kept at R2."
    if item.kind == "EID" and (item.evidence_level or "") == "A" and level == "3A":
        text += " CIViC level A without an assertion: not raised to level 1 or 2."
    if "e" in terms.variant and re.search(r"::\S+ e\d+-e\d+", terms.variant):
        text += " The fusion breakpoint exons are not checked."
    return text


def _citations(item: CivicItem) -> list[Citation]:
    note = None
    if item.kind == "AID" and item.fda_companion_test:
        note = "CIViC flags an FDA companion diagnostic test"
    first = Citation(
        pmid=item.pmid,
        abstract=item.abstract,
        civic=item.civic_id,
        url=item.url,
        nct=item.nct_ids[0] if item.nct_ids else None,
        note=note,
    )
    out = [first]
    out.extend(
        Citation(url=f"https://clinicaltrials.gov/study/{nct}", nct=nct) for nct in item.nct_ids[1:]
    )
    if item.kind == "AID" and item.nccn_guideline:
        year = re.search(r"(19|20)\d\d", item.nccn_version or "")
        if year:
            out.append(
                Citation(
                    guideline=f"NCCN Guidelines: {item.nccn_guideline}",
                    year=int(year.group(0)),
                    note=f"version {item.nccn_version}",
                )
            )
    out.extend(
        Citation(civic=f"EID{eid}", url=f"https://civicdb.org/links/evidence_items/{eid}")
        for eid in item.evidence_ids[:8]
    )
    return out


# --------------------------------------------------------------------------- release TSVs
def _read_tsv(path: Path) -> list[dict[str, str]]:
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    except OSError as error:
        raise SourceError(f"cannot read CIViC release file {path}: {error.strerror}") from None


def _release_file(directory: Path, suffix: str) -> Path:
    found = sorted(directory.glob(f"*{suffix}"))
    if not found:
        raise SourceError(
            f"no *{suffix} in {directory}: give the directory of a CIViC "
            "monthly release (civicdb.org/releases)"
        )
    return found[-1]


def _int(text: str) -> int | None:
    text = (text or "").strip()
    return int(text) if text.isdigit() and int(text) > 0 else None


def read_release(directory: str | Path) -> tuple[str, list[CivicItem], list[CivicItem]]:
    """Read a CIViC monthly release: ``(version, predictive evidence, predictive assertions)``.

    >>> version, evidence, assertions = read_release("../shared/data/civic")  # doctest: +SKIP
    >>> version, len(evidence), len(assertions)  # doctest: +SKIP
    ('01-Aug-2024', 2634, 20)
    """
    root = Path(directory)
    ev_path = _release_file(root, "ClinicalEvidenceSummaries.tsv")
    version = ev_path.name.removesuffix("-ClinicalEvidenceSummaries.tsv")
    evidence: list[CivicItem] = []
    for row in _read_tsv(ev_path):
        if row.get("evidence_type") != "Predictive":
            continue
        if row.get("evidence_status", "accepted") != "accepted":
            continue
        source = row.get("source_type", "")
        pmid = _int(row.get("citation_id", "")) if source == "PubMed" else None
        abstract = None
        if source != "PubMed":
            abstract = f"{source} abstract {row.get('asco_abstract_id') or row.get('citation_id')}"
            abstract += f" ({row['citation']})" if row.get("citation") else ""
        evidence.append(
            CivicItem(
                kind="EID",
                number=int(row["evidence_id"]),
                profile=row["molecular_profile"],
                disease=row["disease"],
                doid=row["doid"],
                therapies=tuple(split_therapies(row["therapies"])),
                interaction=row["therapy_interaction_type"],
                direction=row["evidence_direction"],
                significance=row["significance"],
                evidence_level=row["evidence_level"],
                variant_origin=row["variant_origin"],
                pmid=pmid,
                abstract=abstract,
                nct_ids=tuple(n.strip() for n in row["nct_ids"].split(",") if n.strip()),
                url=row["evidence_civic_url"] or None,
            )
        )
    assertions: list[CivicItem] = []
    as_path = _release_file(root, "AssertionSummaries.tsv")
    for row in _read_tsv(as_path):
        if row.get("assertion_type") != "Predictive":
            continue
        assertions.append(
            CivicItem(
                kind="AID",
                number=int(row["assertion_id"]),
                profile=row["molecular_profile"],
                disease=row["disease"],
                doid=row["doid"],
                therapies=tuple(split_therapies(row["therapies"])),
                interaction=row.get("therapy_interaction_type", "")
                or ("Combination" if "," in row["therapies"] else ""),
                direction=row["assertion_direction"],
                significance=row["significance"],
                amp_category=row["amp_category"] or None,
                nccn_guideline=row["nccn_guideline"] or None,
                nccn_version=row["nccn_guideline_version"] or None,
                regulatory_approval=row["regulatory_approval"] == "true",
                fda_companion_test=row["fda_companion_test"] == "true",
                variant_origin=row.get("variant_origin", ""),
                url=row["assertion_civic_url"] or None,
                evidence_ids=tuple(int(e) for e in re.findall(r"\d+", row["evidence_item_ids"])),
            )
        )
    return version, evidence, assertions


# --------------------------------------------------------------------------- writing
def rule_file_yaml(
    gene: str, rules: Sequence[RuleSpec], version: str | None, source: str = "civic"
) -> tuple[str, list[int]]:
    """YAML text of one compact rule file, and the first line of each rule.

    >>> spec = RuleSpec(id="civic-eid1", alteration="V600E", therapy=["vemurafenib"],
    ...                 effect="sensitivity", level="3A", summary="a generated summary",
    ...                 evidence=[{"civic": "EID1"}])
    >>> print(rule_file_yaml("BRAF", [spec], "01-Aug-2024")[0])  # doctest: +NORMALIZE_WHITESPACE
    gene: BRAF
    source: civic
    version: 01-Aug-2024
    rules:
    - id: civic-eid1
      alteration: V600E
      therapy: [vemurafenib]
      effect: sensitivity
      level: 3A
      summary: a generated summary
      evidence:
      - {civic: EID1}
    """
    header: dict[str, Any] = {"gene": gene, "source": source}
    if version:
        header["version"] = version
    text = yaml.safe_dump(header, sort_keys=False, allow_unicode=True) + "rules:\n"
    starts: list[int] = []
    for spec in rules:
        starts.append(text.count("\n") + 1)
        data = spec.model_dump(mode="json", exclude_defaults=True, exclude_none=True)
        data["level"] = spec.level
        data["evidence"] = [c.model_dump(mode="json", exclude_none=True) for c in spec.evidence]
        text += yaml.dump(
            [data],
            Dumper=_Dumper,
            sort_keys=False,
            allow_unicode=True,
            width=100,
            default_flow_style=None,
        )
    return text, starts


_Dumper: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def write_rule_files(
    by_gene: Mapping[str, Sequence[RuleSpec]],
    out_dir: str | Path,
    version: str | None,
    *,
    source: str = "civic",
    extra: Mapping[str, str] | None = None,
    validate: bool = True,
) -> tuple[dict[str, list[RuleSpec]], list[Skipped]]:
    """Write one file per gene into ``out_dir`` atomically; returns what was kept.

    Files are written to a temporary sibling directory, each is loaded with
    :func:`actionable.rules.load_rule_file` (a rule the loader rejects is dropped and
    reported as ``loader_rejected``), then the directory replaces ``out_dir`` in one
    rename, so a failure leaves the previous rule set untouched. ``extra`` adds files
    (name -> text), such as the import report.

    >>> write_rule_files({}, "/tmp/empty-civic", None)  # doctest: +SKIP
    ({}, [])
    """
    target = Path(out_dir)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.new-", dir=target.parent))
    kept: dict[str, list[RuleSpec]] = {}
    dropped: list[Skipped] = []
    try:
        for gene in sorted(by_gene):
            rules = list(by_gene[gene])
            while rules:
                text, starts = rule_file_yaml(gene, rules, version, source)
                path = staging / f"{gene}.yaml"
                path.write_text(text, encoding="utf-8")
                if not validate:
                    break
                try:
                    load_rule_file(path)
                    break
                except RuleFileError as error:
                    index = _rule_at(starts, error.line)
                    if index is None:
                        raise
                    bad = rules.pop(index)
                    dropped.append(Skipped(bad.id, "loader_rejected", error.problem))
                    log.info("dropped %s: %s", bad.id, error.problem)
            if rules:
                kept[gene] = rules
            else:
                (staging / f"{gene}.yaml").unlink(missing_ok=True)
        for name, text in (extra or {}).items():
            (staging / name).write_text(text, encoding="utf-8")
        _swap(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return kept, dropped


def _rule_at(starts: Sequence[int], line: int | None) -> int | None:
    if line is None or not starts or line < starts[0]:
        return None
    index = 0
    for i, start in enumerate(starts):
        if start <= line:
            index = i
    return index


def _swap(staging: Path, target: Path) -> None:
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.old-{os.getpid()}")
        shutil.rmtree(old, ignore_errors=True)
        os.replace(target, old)
    try:
        os.replace(staging, target)
    except BaseException:
        if old is not None:
            os.replace(old, target)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


# --------------------------------------------------------------------------- import
@dataclass
class ImportResult:
    """What :func:`import_release` read, converted, skipped and wrote.

    >>> r = ImportResult(version="01-Aug-2024", out_dir=Path("rules/civic"),
    ...                  evidence_read=10, evidence_converted=8,
    ...                  skipped=[Skipped("EID1", "does_not_support"),
    ...                           Skipped("EID2", "no_therapy")])
    >>> r.percent_converted, r.evidence_claims, round(r.percent_claims, 1)
    (80.0, 9, 88.9)
    """

    version: str
    out_dir: Path
    evidence_read: int = 0
    assertions_read: int = 0
    evidence_converted: int = 0
    assertions_converted: int = 0
    rules_written: int = 0
    files_written: int = 0
    drugs_added: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    diseases: dict[tuple[str, str], tuple[tuple[str, ...], str]] = field(default_factory=dict)

    @property
    def percent_converted(self) -> float:
        """Converted predictive evidence items, in % of all accepted predictive items."""
        return 100.0 * self.evidence_converted / self.evidence_read if self.evidence_read else 0.0

    def _minus(self, reasons: frozenset[str]) -> int:
        return self.evidence_read - sum(
            1 for s in self.skipped if s.item.startswith("EID") and s.reason in reasons
        )

    @property
    def evidence_claims(self) -> int:
        """Predictive items stating a response or resistance claim: all but those skipped
        by policy ('Does Not Support', adverse response, sequential therapies)."""
        return self._minus(POLICY_REASONS)

    @property
    def evidence_in_scope(self) -> int:
        """Claims about an alteration a sequencing report can carry: :attr:`evidence_claims`
        minus expression, methylation and polymorphism markers."""
        return self._minus(OUT_OF_SCOPE_REASONS)

    @property
    def percent_claims(self) -> float:
        """Converted predictive items, in % of :attr:`evidence_claims`."""
        return 100.0 * self.evidence_converted / max(self.evidence_claims, 1)

    @property
    def percent_in_scope(self) -> float:
        """Converted predictive items, in % of :attr:`evidence_in_scope`."""
        return 100.0 * self.evidence_converted / max(self.evidence_in_scope, 1)

    def __str__(self) -> str:
        return (
            f"CIViC {self.version}: {self.evidence_converted} of {self.evidence_read} "
            f"predictive evidence items converted ({self.percent_converted:.1f} %; "
            f"{self.percent_claims:.1f} % of {self.evidence_claims} response/resistance "
            f"claims; {self.percent_in_scope:.1f} % of {self.evidence_in_scope} in scope), "
            f"{self.assertions_converted} of {self.assertions_read} assertions; "
            f"{self.rules_written} rules in {self.files_written} files under {self.out_dir}"
        )

    def skip_counts(self, kind: str = "EID") -> dict[str, int]:
        """Skipped items by reason (evidence items by default, ``AID`` for assertions)."""
        counts = Counter(s.reason for s in self.skipped if s.item.startswith(kind))
        return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))

    def report_markdown(self) -> str:
        """The import report (``rules/civic/IMPORT_REPORT.md``)."""
        lines = [
            f"# CIViC import report ({self.version})",
            "",
            "Generated by `scripts/import_civic.py`; do not edit. Mapping rules: "
            "`docs/readme/sources.md`. Skipped items: `IMPORT_REPORT.tsv`.",
            "",
            "| | evidence items | assertions |",
            "|---|---:|---:|",
            f"| predictive, accepted, read | {self.evidence_read} | {self.assertions_read} |",
            f"| converted | {self.evidence_converted} | {self.assertions_converted} |",
            f"| response/resistance claims (no policy skip) | {self.evidence_claims} | |",
            f"| ... about alterations a report carries (in scope) | {self.evidence_in_scope} | |",
            "",
            f"Converted: {self.percent_converted:.1f} % of all predictive evidence items, "
            f"{self.percent_claims:.1f} % of the claims, {self.percent_in_scope:.1f} % of "
            "those in scope. Rules written: "
            f"{self.rules_written} in {self.files_written} files; drugs added to "
            f"knowledgebase/drugs_civic.yaml: {self.drugs_added}.",
            "",
            "## Skipped evidence items by reason",
            "",
            "| reason | items | meaning |",
            "|---|---:|---|",
        ]
        lines += [f"| {r} | {n} | {REASONS.get(r, '')} |" for r, n in self.skip_counts().items()]
        aids = self.skip_counts("AID")
        if aids:
            lines += ["", "## Skipped assertions", "", "| reason | assertions |", "|---|---:|"]
            lines += [f"| {r} | {n} |" for r, n in aids.items()]
        lines += [
            "",
            "## Disease mapping used",
            "",
            "| DOID | CIViC disease | OncoTree | via |",
            "|---|---|---|---|",
        ]
        for (doid, name), (codes, how) in sorted(self.diseases.items(), key=lambda kv: kv[0][1]):
            lines.append(f"| {doid or '-'} | {name} | {', '.join(codes) or '-'} | {how} |")
        return "\n".join(lines) + "\n"

    def report_tsv(self) -> str:
        """One line per skipped item: item, reason, detail."""
        rows = ["item\treason\tdetail"]
        rows += [
            f"{s.item}\t{s.reason}\t{' '.join(s.detail.split())}"
            for s in sorted(self.skipped, key=lambda s: (s.item[:3], int(s.item[3:])))
        ]
        return "\n".join(rows) + "\n"


def _default_bridge(directory: Path) -> Path | None:
    candidate = directory.parent / "tumor_types" / "pcgr_oncotree_phenotypes.tsv.gz"
    return candidate if candidate.is_file() else None


def import_release(
    directory: str | Path,
    out_dir: str | Path | None = None,
    *,
    drugs_file: str | Path | None = None,
    bridge: str | Path | None = None,
) -> ImportResult:
    """Import a CIViC monthly release into ``rules/civic/`` (one file per gene).

    ``directory`` holds the release TSVs (``01-Aug-2024-ClinicalEvidenceSummaries.tsv``...).
    ``out_dir`` defaults to the bundled ``rules/civic``; ``drugs_file`` to
    ``knowledgebase/drugs_civic.yaml``; ``bridge`` to
    ``<directory>/../tumor_types/pcgr_oncotree_phenotypes.tsv.gz`` when present. The
    output directory is replaced atomically and holds ``IMPORT_REPORT.md`` and
    ``IMPORT_REPORT.tsv``.

    >>> from actionable.sources.civic import import_release
    >>> result = import_release("../shared/data/civic", "/tmp/civic-rules")  # doctest: +SKIP
    >>> round(result.percent_in_scope)  # doctest: +SKIP
    94
    """
    root = Path(directory)
    target = Path(out_dir) if out_dir is not None else rules_dir() / "civic"
    drug_path = (
        Path(drugs_file) if drugs_file is not None else (knowledgebase_dir() / "drugs_civic.yaml")
    )
    version, evidence, assertions = read_release(root)
    diseases = DiseaseMapper(bridge=Path(bridge) if bridge else _default_bridge(root))
    namer = DrugNamer()
    result = ImportResult(
        version=version,
        out_dir=target,
        evidence_read=len(evidence),
        assertions_read=len(assertions),
    )
    by_gene: dict[str, list[RuleSpec]] = defaultdict(list)
    owner: dict[str, str] = {}
    for item in (*evidence, *assertions):
        try:
            converted = convert_item(item, diseases, namer)
        except Skip as skip:
            result.skipped.append(Skipped(item.civic_id, skip.reason, skip.detail))
            continue
        for gene, spec in converted:
            by_gene[gene].append(spec)
            owner[spec.id] = item.civic_id
    # The vocabulary must be in place before the loader validates the rules.
    atomic_write(drug_path, namer.vocabulary_yaml(version))
    drugs.reload()
    result.drugs_added = len(namer.added)
    result.diseases = dict(diseases.used)
    kept, rejected = write_rule_files(by_gene, target, version, extra={})
    bad_items = {owner[s.item] for s in rejected}
    good_items = {owner[r.id] for rules in kept.values() for r in rules}
    # An item is converted when at least one of its rules survived the loader.
    for item_id in sorted(bad_items - good_items):
        detail = "; ".join(s.detail for s in rejected if owner[s.item] == item_id)
        result.skipped.append(Skipped(item_id, "loader_rejected", detail))
    result.evidence_converted = sum(1 for i in good_items if i.startswith("EID"))
    result.assertions_converted = sum(1 for i in good_items if i.startswith("AID"))
    result.rules_written = sum(len(r) for r in kept.values())
    result.files_written = len(kept)
    (target / "IMPORT_REPORT.md").write_text(result.report_markdown(), encoding="utf-8")
    (target / "IMPORT_REPORT.tsv").write_text(result.report_tsv(), encoding="utf-8")
    return result


# --------------------------------------------------------------------------- GraphQL client
_EVIDENCE_QUERY = """
query EvidenceForGene($name: String!, $first: Int!, $after: String) {
  evidenceItems(molecularProfileName: $name, evidenceType: PREDICTIVE, status: ACCEPTED,
                first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes {
      id
      evidenceLevel
      evidenceDirection
      significance
      therapyInteractionType
      variantOrigin
      disease { name doid }
      therapies { name }
      molecularProfile { id name }
      source { citationId sourceType ascoAbstractId clinicalTrials { nctId } }
    }
  }
}
"""

_ENUMS: Mapping[str, str] = {
    "SUPPORTS": "Supports",
    "DOES_NOT_SUPPORT": "Does Not Support",
    "SENSITIVITYRESPONSE": "Sensitivity/Response",
    "RESISTANCE": "Resistance",
    "REDUCED_SENSITIVITY": "Reduced Sensitivity",
    "ADVERSE_RESPONSE": "Adverse Response",
    "COMBINATION": "Combination",
    "SUBSTITUTES": "Substitutes",
    "SEQUENTIAL": "Sequential",
    "SOMATIC": "Somatic",
    "RARE_GERMLINE": "Rare Germline",
    "COMMON_GERMLINE": "Common Germline",
    "UNKNOWN": "Unknown",
    "NA": "N/A",
    "COMBINED": "Combined",
    "PUBMED": "PubMed",
    "ASCO": "ASCO",
    "ASH": "ASH",
}


def _enum(value: Any) -> str:
    text = str(value or "")
    return _ENUMS.get(text, text)


def item_from_graphql(node: Mapping[str, Any]) -> CivicItem:
    """A :class:`CivicItem` from one GraphQL ``EvidenceItem`` node.

    >>> node = {"id": 1409, "evidenceLevel": "B", "evidenceDirection": "SUPPORTS",
    ...         "significance": "SENSITIVITYRESPONSE", "therapyInteractionType": "COMBINATION",
    ...         "variantOrigin": "SOMATIC", "disease": {"name": "Melanoma", "doid": "1909"},
    ...         "therapies": [{"name": "Dabrafenib"}, {"name": "Trametinib"}],
    ...         "molecularProfile": {"id": 12, "name": "BRAF V600E"},
    ...         "source": {"citationId": "21639808", "sourceType": "PUBMED"}}
    >>> item_from_graphql(node).therapies
    ('Dabrafenib', 'Trametinib')
    """
    source = node.get("source") or {}
    source_type = _enum(source.get("sourceType"))
    citation = str(source.get("citationId") or "")
    disease = node.get("disease") or {}
    number = int(node["id"])
    return CivicItem(
        kind="EID",
        number=number,
        profile=str((node.get("molecularProfile") or {})["name"]),
        disease=str(disease.get("name") or ""),
        doid=str(disease.get("doid") or ""),
        therapies=tuple(str(t["name"]) for t in node.get("therapies") or ()),
        interaction=_enum(node.get("therapyInteractionType")),
        direction=_enum(node.get("evidenceDirection")),
        significance=_enum(node.get("significance")),
        evidence_level=str(node.get("evidenceLevel") or ""),
        variant_origin=_enum(node.get("variantOrigin")),
        pmid=_int(citation) if source_type == "PubMed" else None,
        abstract=None
        if source_type == "PubMed"
        else f"{source_type} abstract {source.get('ascoAbstractId') or citation}",
        nct_ids=tuple(
            str(t["nctId"]) for t in source.get("clinicalTrials") or () if t.get("nctId")
        ),
        url=f"https://civicdb.org/links/evidence_items/{number}",
    )


class CivicClient:
    """CIViC GraphQL client: predictive evidence items of a gene, as rules.

    ``session`` is a :func:`actionable.sources.http.make_session` session (cached,
    offline-capable); ``base_url`` overrides ``https://civicdb.org/api/graphql``.

    >>> from actionable.sources.civic import CivicClient
    >>> client = CivicClient(base_url="http://127.0.0.1:8080/graphql")  # doctest: +SKIP
    >>> rule_file, skipped = client.rules_for_gene("BRAF")  # doctest: +SKIP
    """

    def __init__(
        self,
        *,
        base_url: str | None = None,
        session: Any = None,
        page_size: int = 100,
        timeout: float = 20.0,
        retries: int = 3,
        max_pages: int = 200,
        **http: Any,
    ) -> None:
        from .http import JsonClient

        self.base_url = base_url or os.environ.get("ACTIONABLE_CIVIC_URL") or GRAPHQL_URL
        self.page_size = page_size
        self.max_pages = max_pages
        self._http = JsonClient(
            self.base_url, session=session, timeout=timeout, retries=retries, source="CIViC", **http
        )

    def evidence_nodes(self, gene: str) -> list[dict[str, Any]]:
        """Raw GraphQL nodes of the accepted predictive evidence items naming ``gene``,
        following ``pageInfo.endCursor`` until ``hasNextPage`` is false.

        >>> [n["id"] for n in CivicClient().evidence_nodes("BRAF")][:2]  # doctest: +SKIP
        [1409, 102]
        """
        nodes: list[dict[str, Any]] = []
        after: str | None = None
        for _page in range(self.max_pages):
            variables: dict[str, Any] = {"name": gene, "first": self.page_size}
            if after is not None:
                variables["after"] = after
            data = self._http.post_json("", {"query": _EVIDENCE_QUERY, "variables": variables})
            page = _graphql_page(data)
            nodes.extend(page["nodes"])
            info = page["pageInfo"]
            if not info.get("hasNextPage"):
                return nodes
            after = info.get("endCursor")
            if not after:
                raise SourceError("CIViC answered hasNextPage without an endCursor")
        raise SourceError(f"CIViC returned more than {self.max_pages} pages for {gene!r}")

    def items(self, gene: str) -> list[CivicItem]:
        """Evidence items whose molecular profile involves ``gene`` (HGNC symbol).

        >>> CivicClient().items("BRAF")[0].civic_id  # doctest: +SKIP
        'EID1409'
        """
        symbol = genes.resolve_gene(gene)
        out = []
        for node in self.evidence_nodes(symbol):
            item = item_from_graphql(node)
            if symbol in {g for g, _ in _profile_genes(item.profile)}:
                out.append(item)
        return out

    def rules_for_gene(
        self, gene: str, *, diseases: DiseaseMapper | None = None
    ) -> tuple[RuleFile, list[Skipped]]:
        """The evidence of ``gene`` as an in-memory ``source: civic`` :class:`RuleFile`
        (rules whose alteration is on another gene are left out), and what was skipped.

        Drugs must already be in the vocabulary (run the release import first); items
        naming others are skipped as ``unknown_drug``.

        >>> rule_file, skipped = CivicClient().rules_for_gene("BRAF")  # doctest: +SKIP
        >>> rule_file.source, rule_file.rules[0].id  # doctest: +SKIP
        ('civic', 'civic-eid1409')
        """
        symbol = genes.resolve_gene(gene)
        mapper = diseases or DiseaseMapper()
        namer = DrugNamer(allow_new=False)
        rules: list[RuleSpec] = []
        skipped: list[Skipped] = []
        for item in self.items(symbol):
            try:
                converted = convert_item(item, mapper, namer)
            except Skip as skip:
                skipped.append(Skipped(item.civic_id, skip.reason, skip.detail))
                continue
            rules.extend(spec for g, spec in converted if g == symbol)
        if not rules:
            raise SourceError(f"CIViC has no convertible predictive evidence for {symbol}")
        return RuleFile(gene=symbol, source="civic", version="live", rules=rules), skipped


def _profile_genes(profile: str) -> Iterator[tuple[str, str]]:
    for token in _tokens(profile):
        if token not in _OPERATORS:
            gene, _, variant = token.partition(" ")
            yield gene, variant


def _graphql_page(data: Any) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise SourceError("CIViC answered with JSON that is not a GraphQL response")
    if data.get("errors") and not data.get("data"):
        messages = "; ".join(str(e.get("message", e)) for e in data["errors"][:3])
        raise SourceError(f"CIViC GraphQL error: {messages}")
    try:
        page = data["data"]["evidenceItems"]
        if not isinstance(page["nodes"], list) or not isinstance(page["pageInfo"], dict):
            raise TypeError
    except (KeyError, TypeError):
        raise SourceError("CIViC answered without data.evidenceItems.nodes/pageInfo") from None
    return dict(page)
