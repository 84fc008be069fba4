"""CIViC items in rule terms: effect, level, alterations, profiles, therapies.

Pure functions, each unit-tested; :func:`convert_item` puts them together for one item.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import yaml

from ... import drugs, genes
from ..._resources import knowledgebase_dir
from ...errors import RuleFileError, VariantParseError
from ...rules import Citation, RuleSpec, parse_pattern
from .diseases import DiseaseMapper
from .items import CivicItem, Skip

log = logging.getLogger(__name__)


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
