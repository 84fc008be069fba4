"""Tumor types: clinician text to OncoTree, and whether a rule's tumor context applies.

Resolution never guesses silently. The grammar (:mod:`actionable.tumors.grammar`)
reads the qualifiers (stage, TNM, grade, course, sub-site, receptor statements); the
histology + site left is accepted when it is an OncoTree code, an OncoTree name, a
curated synonym (``knowledgebase/tumor_synonyms.yaml``), a Disease Ontology synonym
(``knowledgebase/tumor_ontology_synonyms.tsv``), a composition of a histology and a
site that names one node or, as the only approximate case, a reordering of a term or
a one-letter slip in a long word with no competing candidate nearby. Anything else
raises :class:`~actionable.errors.UnknownTumorError` with the closest known terms.

>>> from actionable.tumors import resolve_tumor
>>> t = resolve_tumor("stage IV colon NEC")
>>> t.code, t.matched_by, t.ancestors
('HGNEC', 'synonym', ('GINET', 'BOWEL', 'TISSUE'))

OncoTree (release ``oncotree_2025_10_03``) is (c) Memorial Sloan Kettering Cancer
Center, CC BY 4.0; see NOTICE.
"""

from __future__ import annotations

import dataclasses
import json
import re
import threading
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import cache, lru_cache
from pathlib import Path
from typing import Any, Literal

import yaml

from .. import facts as _facts
from .._resources import knowledgebase_dir
from ..errors import RuleFileError, UnknownTumorError
from ..models import PatientFacts, TumorContext, TumorMatch, TumorType
from . import grammar
from .grammar import normalise as _normalise

__all__ = [
    "GROUPS",
    "all_codes",
    "descendants",
    "get_tumor",
    "is_agnostic",
    "is_known_code",
    "match",
    "oncotree_release",
    "resolve_tumor",
    "validate_context",
]

GROUPS: Mapping[str, str] = {
    "all": "every tumor type",
    "all_solid": "all solid tumors",
    "all_liquid": "all hematologic (liquid) cancers",
}
"""Group names a :class:`TumorContext` may use besides OncoTree codes."""

ONCOTREE_FILE = "oncotree.json"
SYNONYMS_FILE = "tumor_synonyms.yaml"
ONTOLOGY_FILE = "tumor_ontology_synonyms.tsv"

# OncoTree files blood cancers under two tissues; everything else is a solid organ
# except the lymphomas OncoTree files under the organ they arise in.
_LIQUID_TISSUES = frozenset({"MYELOID", "LYMPH"})
_LIQUID_CODES = frozenset({"MLYM", "TLYM"})
# Nodes that may be either: no group that depends on solidity should claim them.
_UNDETERMINED = frozenset({"TISSUE", "OTHER", "MIXED"})

# Function words only: dropping them lets "adenocarcinoma of the lung" meet
# "Lung Adenocarcinoma" without letting content words go missing.
_STOPWORDS = frozenset({"of", "the", "in", "and", "a", "an"})

# The C loader parses the synonyms file ten times faster; both are safe loaders.
_YAML_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_LOCK = threading.Lock()

Solidity = Literal["solid", "liquid", "undetermined"]


@dataclass(frozen=True, slots=True)
class _Node:
    code: str
    name: str
    main_type: str | None
    tissue: str | None
    parent: str | None
    level: int
    ancestors: tuple[str, ...]
    solidity: Solidity
    tumor: TumorType


@dataclass(frozen=True, slots=True)
class _Term:
    """One resolvable phrasing, kept for approximate matching and suggestions."""

    key: str
    code: str
    display: str
    is_code: bool = False


@dataclass(frozen=True, slots=True)
class _Index:
    release: str
    nodes: Mapping[str, _Node]
    children: Mapping[str, tuple[str, ...]]
    codes: Mapping[str, str]
    retired: Mapping[str, tuple[str, ...]]
    names: Mapping[str, tuple[str, ...]]
    synonyms: Mapping[str, str]
    ontology: Mapping[str, str]
    ambiguous: Mapping[str, tuple[str, ...]]
    bags: Mapping[tuple[str, ...], frozenset[str]]
    squashed: Mapping[str, frozenset[str]]
    terms: tuple[_Term, ...]


# --------------------------------------------------------------------------- text


def _bag(key: str) -> tuple[str, ...]:
    return tuple(sorted(token for token in key.split() if token not in _STOPWORDS))


# --------------------------------------------------------------------------- loading


def _solidity(code: str, tissue_code: str) -> Solidity:
    if code in _UNDETERMINED:
        return "undetermined"
    if tissue_code in _LIQUID_TISSUES or code in _LIQUID_CODES:
        return "liquid"
    return "solid"


def _read_tree(path: Path) -> tuple[str, dict[str, dict[str, Any]]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return str(data["release"]), dict(data["codes"])
    except (OSError, ValueError, KeyError) as exc:
        raise RuleFileError(
            path, f"cannot read the OncoTree file ({exc}); run scripts/build_oncotree.py"
        ) from exc


def _build_nodes(raw: dict[str, dict[str, Any]]) -> tuple[dict[str, _Node], dict[str, list[str]]]:
    children: dict[str, list[str]] = {code: [] for code in raw}
    lineages: dict[str, tuple[str, ...]] = {}

    def lineage(code: str) -> tuple[str, ...]:
        if code not in lineages:
            parent = raw[code]["parent"]
            lineages[code] = () if parent is None else (parent, *lineage(parent))
        return lineages[code]

    nodes: dict[str, _Node] = {}
    for code, entry in raw.items():
        if entry["parent"] is not None:
            children[entry["parent"]].append(code)
        ancestors = lineage(code)
        # The level-1 node (child of TISSUE) is the tissue; the root is its own.
        tissue_code = ancestors[-2] if len(ancestors) >= 2 else code
        solidity = _solidity(code, tissue_code)
        tumor = TumorType(
            code=code,
            name=entry["name"],
            main_type=entry.get("mainType"),
            tissue=entry.get("tissue"),
            ancestors=ancestors,
            is_solid=solidity == "solid",
            matched_by="code",
            text=code,
        )
        nodes[code] = _Node(
            code=code,
            name=entry["name"],
            main_type=entry.get("mainType"),
            tissue=entry.get("tissue"),
            parent=entry["parent"],
            level=int(entry["level"]),
            ancestors=ancestors,
            solidity=solidity,
            tumor=tumor,
        )
    return nodes, children


def _read_synonyms(
    path: Path, nodes: Mapping[str, _Node]
) -> tuple[list[tuple[str, str]], dict[str, tuple[str, ...]]]:
    """Phrasings per code and ambiguous phrasings, checked against the tree."""
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise RuleFileError(path, f"cannot read the synonyms file: {exc}") from exc
    if not isinstance(data, dict):
        raise RuleFileError(path, "expected a mapping with 'synonyms' and 'ambiguous'")

    def known(code: object, where: str) -> str:
        if not isinstance(code, str) or code not in nodes:
            raise RuleFileError(
                path,
                f"unknown OncoTree code {code!r}",
                field=where,
                valid=_closest_codes(str(code), nodes),
            )
        return code

    pairs: list[tuple[str, str]] = []
    for code, phrases in (data.get("synonyms") or {}).items():
        known(code, "synonyms")
        if not isinstance(phrases, list) or not all(isinstance(p, str) for p in phrases):
            raise RuleFileError(path, "expected a list of phrasings", field=f"synonyms.{code}")
        pairs.extend((phrase, code) for phrase in phrases)
    ambiguous: dict[str, tuple[str, ...]] = {}
    for phrase, codes in (data.get("ambiguous") or {}).items():
        if not isinstance(codes, list) or len(codes) < 2:
            raise RuleFileError(
                path, "expected a list of at least two codes", field=f"ambiguous.{phrase}"
            )
        ambiguous[str(phrase)] = tuple(known(c, f"ambiguous.{phrase}") for c in codes)
    return pairs, ambiguous


def _read_ontology(path: Path, nodes: Mapping[str, _Node]) -> list[tuple[str, str]]:
    """Disease Ontology phrasings joined to OncoTree (scripts/build_tumor_vocabulary.py)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise RuleFileError(
            path, f"cannot read the tumor vocabulary ({exc}); run scripts/build_tumor_vocabulary.py"
        ) from exc
    pairs: list[tuple[str, str]] = []
    for number, line in enumerate(lines, 1):
        if not line or line.startswith("#") or line.startswith("phrase\t"):
            continue
        phrase, _, rest = line.partition("\t")
        code = rest.partition("\t")[0]
        if code not in nodes:
            raise RuleFileError(path, f"unknown OncoTree code {code!r}", line=number)
        pairs.append((phrase, code))
    return pairs


def _closest_codes(text: str, codes: Iterable[str], n: int = 3) -> list[str]:
    target = text.upper()
    scored = sorted(((SequenceMatcher(None, target, c).ratio(), c) for c in codes), reverse=True)
    return [c for _, c in scored[:n]]


@cache
def _build_index() -> _Index:
    base = knowledgebase_dir()
    release, raw = _read_tree(base / ONCOTREE_FILE)
    nodes, children = _build_nodes(raw)
    synonyms_path = base / SYNONYMS_FILE

    codes: dict[str, str] = {}
    for code in nodes:
        codes[code.upper()] = code
    # A code's own lower-case spelling wins over another's with its "s" dropped
    # ("idcs" normalises to "idc", which is IDC, not IDCS).
    for code in sorted(nodes, key=lambda c: _normalise(c) != c.lower()):
        codes.setdefault(_normalise(code), code)
    # A retired code can point to several successors (ALL -> BLL, TLL): it then stays
    # ambiguous rather than picking one.
    retired_sets: dict[str, set[str]] = {}
    for code, entry in raw.items():
        for key in ("history", "precursors", "revocations"):
            for old in entry.get(key, ()):
                if old.upper() not in nodes:
                    retired_sets.setdefault(old.upper(), set()).add(code)
    retired = {old: tuple(sorted(new)) for old, new in retired_sets.items()}
    for old, new in list(retired.items()):
        retired[_normalise(old)] = new

    names: dict[str, list[str]] = {}
    for node in nodes.values():
        names.setdefault(_normalise(node.name), []).append(node.code)
    name_index = {key: tuple(found) for key, found in names.items()}
    terms: list[_Term] = []
    for node in nodes.values():
        key = _normalise(node.name)
        # A repeated name ("Embryonal Carcinoma") would not resolve if suggested.
        shown_name = node.name if len(name_index[key]) == 1 else node.code
        terms.append(_Term(key, node.code, shown_name))
        terms.append(_Term(_normalise(node.code), node.code, node.code, is_code=True))

    pairs, ambiguous_raw = _read_synonyms(synonyms_path, nodes)
    synonyms: dict[str, str] = {}
    for phrase, code in pairs:
        key = _normalise(phrase)
        if not key:
            raise RuleFileError(synonyms_path, f"empty phrasing {phrase!r}", field=code)
        clash = _clash(key, code, codes, retired, name_index, synonyms)
        if clash:
            raise RuleFileError(
                synonyms_path, f"{phrase!r} under {code}: {clash}", field=f"synonyms.{code}"
            )
        synonyms[key] = code
        terms.append(_Term(key, code, phrase))
    ambiguous: dict[str, tuple[str, ...]] = {}
    for phrase, options in ambiguous_raw.items():
        key = _normalise(phrase)
        if key in synonyms or key in name_index or key in codes:
            raise RuleFileError(
                synonyms_path,
                f"ambiguous phrasing {phrase!r} is also a code, a name or a synonym",
                field="ambiguous",
            )
        ambiguous[key] = options

    ontology: dict[str, str] = {}
    for phrase, code in _read_ontology(base / ONTOLOGY_FILE, nodes):
        key = _normalise(phrase)
        # Curated entries, codes and names win; the build script leaves such clashes
        # out, so one appears here only after a curated edit (and then curated wins).
        if key and not (key in synonyms or key in name_index or key in codes or key in ambiguous):
            ontology[key] = code
            terms.append(_Term(key, code, phrase))

    bags: dict[tuple[str, ...], set[str]] = {}
    squashed: dict[str, set[str]] = {}
    # Codes are abbreviations: only suggested, never reached by approximation.
    for term in (t for t in terms if not t.is_code):
        bags.setdefault(_bag(term.key), set()).add(term.code)
        squashed.setdefault(term.key.replace(" ", ""), set()).add(term.code)

    return _Index(
        release=release,
        nodes=nodes,
        children={code: tuple(sorted(kids)) for code, kids in children.items()},
        codes=codes,
        retired=retired,
        names=name_index,
        synonyms=synonyms,
        ontology=ontology,
        ambiguous=ambiguous,
        bags={k: frozenset(v) for k, v in bags.items()},
        squashed={k: frozenset(v) for k, v in squashed.items()},
        terms=tuple(terms),
    )


def _clash(
    key: str,
    code: str,
    codes: Mapping[str, str],
    retired: Mapping[str, tuple[str, ...]],
    names: Mapping[str, tuple[str, ...]],
    synonyms: Mapping[str, str],
) -> str | None:
    """Why a synonym cannot be added: it would be shadowed or contradict another entry."""
    if key in codes and codes[key] != code:
        return f"it is the OncoTree code {codes[key]}, which wins over synonyms"
    if key in retired and retired[key] != (code,):
        return f"it is a retired OncoTree code for {', '.join(retired[key])}"
    if key in names and names[key] != (code,):
        return f"it is the OncoTree name of {', '.join(names[key])}"
    if key in synonyms and synonyms[key] != code:
        return f"it is already a synonym of {synonyms[key]}"
    return None


def _clear_caches() -> None:
    """Forget loaded files and memoised answers (tests, or after editing the files)."""
    with _LOCK:
        for cached in (_build_index, _resolve, _all_codes, _descendants, _context_problems):
            cached.cache_clear()


def _index() -> _Index:
    # cache() alone may run the build twice under a race; the lock makes the first
    # caller build while the others wait for its result.
    with _LOCK:
        return _build_index()


# --------------------------------------------------------------------------- resolving


def resolve_tumor(text: str | TumorType) -> TumorType:
    """Resolve a tumor type as a clinician writes it to an OncoTree node.

    Accepts OncoTree codes in any case (current or retired, e.g. ``MM``), OncoTree
    names, curated and Disease Ontology synonyms, and histology + site compositions
    ("neuroendocrine carcinoma of the cecum"), ignoring case, punctuation, spacing,
    British spelling and plural ``s``. Qualifiers are read and kept on the result:
    stage, TNM, FIGO and Gleason in ``qualifiers``, ``grade`` (which picks graded
    nodes: "grade 2 glioma" is LGGNOS), ``subsite``, ``course`` and receptor/HER2
    statements in ``facts``; ``reading`` says how the text was read. "any solid tumor"
    is a tumor-agnostic context (see :func:`is_agnostic`). A :class:`TumorType` is
    returned unchanged.

    Approximate matching (``matched_by == "fuzzy"``) only accepts a reordering of a
    known term ("carcinoma, hepatocellular"), a missing or extra space, or a
    one-letter slip in a word of at least six letters, and only when no other type
    is that close. Everything else raises :class:`UnknownTumorError` with up to three
    suggestions; a phrase that names several types (``ALL``) raises with those types.

    >>> from actionable.tumors import resolve_tumor
    >>> resolve_tumor("luad").code, resolve_tumor("Metastatic colorectal cancer").code
    ('LUAD', 'COADREAD')
    >>> t = resolve_tumor("anaplastic oligodendroglioma, relapsed")
    >>> t.code, t.grade, t.course, t.matched_by
    ('ODG3', '3', ('relapsed',), 'grammar')
    >>> t = resolve_tumor("hepatocelular carcinoma")
    >>> t.code, t.matched_by
    ('HCC', 'fuzzy')
    >>> resolve_tumor("coln NEC")
    Traceback (most recent call last):
    ...
    actionable.errors.UnknownTumorError: unknown tumor type 'coln NEC'; did you mean ...
    """
    if isinstance(text, TumorType):
        return text
    if not isinstance(text, str):
        raise TypeError(f"tumor type must be a str or TumorType, not {type(text).__name__}")
    return _resolve_or_raise(text)


MatchedBy = Literal["code", "name", "synonym", "fuzzy", "grammar"]

# Texts that name no tumor type but a tumor-agnostic context: only rules written for
# groups (all solid tumors, every tumor) can apply. Value: whether it is solid.
_AGNOSTIC: Mapping[str, bool] = {
    **dict.fromkeys(
        (
            "any solid tumor", "solid tumor", "solid tumor nos", "solid tumor any type",
            "solid tumor not otherwise specified", "any solid tumor type", "any solid cancer",
            "solid cancer", "solid malignancy", "any solid malignancy", "solid neoplasm",
            "solid tumor agnostic", "solid tumor tissue agnostic",
        ),
        True,
    ),
    **dict.fromkeys(
        (
            "any tumor", "any tumor type", "any cancer", "any cancer type", "any malignancy",
            "pan cancer", "pan tumor", "tumor agnostic", "tissue agnostic", "histology agnostic",
            "all tumor", "all tumor type", "all cancer",
        ),
        False,
    ),
}  # fmt: skip

# What to write instead of a text that names no tumor: both resolve, and say what each would mean.
_NOT_A_TUMOR_SUGGESTIONS = ("any solid tumor", "cancer of unknown primary")


def _not_a_tumor_hints(key: str) -> tuple[str, ...]:
    # "unknown" more often means an unknown primary than a missing entry.
    if key.startswith(("unknown", "not known", "not stated", "unk")):
        return _NOT_A_TUMOR_SUGGESTIONS[::-1]
    return _NOT_A_TUMOR_SUGGESTIONS


# Words that name no histology, only that there is a cancer: composed with a site they
# give the site's default type ("carcinoma of the parotid" -> salivary carcinoma).
_GENERIC = frozenset({"cancer", "carcinoma", "malignancy", "malignant neoplasm", "ca"})
_HISTOLOGY_ABBREVIATIONS: Mapping[str, str] = {
    "nec": "neuroendocrine carcinoma",
    "net": "neuroendocrine tumor",
    "scc": "squamous cell carcinoma",
    "sqcc": "squamous cell carcinoma",
    "adeno": "adenocarcinoma",
    "adenoca": "adenocarcinoma",
    "uc": "urothelial carcinoma",
    "tcc": "urothelial carcinoma",
    "transitional cell carcinoma": "urothelial carcinoma",
    "lcnec": "large cell neuroendocrine carcinoma",
    "ca": "carcinoma",
}
# Histologies that name the type wherever they arise (a GIST of the rectum is a GIST).
_SITE_FREE_TISSUES = frozenset({"SOFT_TISSUE", "LYMPH", "MYELOID"})


@dataclass(frozen=True, slots=True)
class _Found:
    code: str
    how: MatchedBy
    histology: str | None = None
    site: str | None = None
    graded_from: str | None = None
    ontology: bool = False


@lru_cache(maxsize=8192)
def _resolve(text: str) -> TumorType:
    idx = _index()
    raw = text.strip()
    if not raw:
        raise UnknownTumorError(text, ())
    exact_code = _exact(idx, raw.upper(), raw_code=True)
    if exact_code is not None:
        # A bare code has nothing else to read.
        return _tumor(idx, text, _Found(*exact_code), grammar.Reading(core="", soft_core=""), None)
    stated, rest = _facts.extract_facts(raw)
    prepared, set_aside = grammar.prepare(rest)
    reading = grammar.read(_normalise(prepared), set_aside)
    if stated is not None and not reading.core:
        # The statement was the type too ("TNBC, pT3N1"): read the text with it kept.
        prepared, set_aside = grammar.prepare(raw)
        reading = grammar.read(_normalise(prepared), set_aside)
    key = _normalise(raw)

    found: _Found | None = None
    for candidate in dict.fromkeys(
        (key, reading.soft_core, reading.plain_core, reading.core, *_spelled_out(reading.core))
    ):
        if found is None and candidate:
            # Upper case first: the normalised "idc" is also IDCS with its "s" dropped.
            hit = _exact(idx, candidate.upper(), raw_code=True)
            found = _as_found(idx, hit or _exact(idx, candidate, raw_code=False), candidate)
            if found is not None and candidate not in (key, reading.soft_core, reading.plain_core):
                # Found only once grade, sub-site or laterality were read.
                found = _Found(found.code, "grammar", ontology=found.ontology)
    if found is None and reading.core in _AGNOSTIC:
        return _agnostic(text, reading, stated, solid=_AGNOSTIC[reading.core])
    if found is None and (grammar.not_a_tumor(reading.core) or grammar.not_a_tumor(key)):
        # Nothing but qualifiers ("metastatic") has nothing to suggest; a text that names no tumor
        # ("awaiting histology", "?") gets what to write while the type is not known.
        only_qualifiers = not reading.core and key
        raise UnknownTumorError(text, () if only_qualifiers else _not_a_tumor_hints(key))
    if found is None:
        found = _compose(idx, reading)
    if found is None:
        found, reading = _without_alterations(idx, prepared, reading)
    if found is None:
        found, reading = _head_segment(idx, prepared, reading)
    for candidate in dict.fromkeys((reading.soft_core, reading.core)):
        if found is None and candidate:
            code = _fuzzy(idx, candidate)
            found = _Found(code, "fuzzy") if code is not None else None
    if found is None:
        raise UnknownTumorError(text, _suggest(idx, reading.core))
    graded = grammar.graded_code(found.code, reading.grade)
    if graded is not None:
        found = _Found(graded, "grammar", found.histology, found.site, graded_from=found.code)
    return _tumor(idx, text, found, reading, stated)


def _spelled_out(core: str) -> tuple[str, ...]:
    """The core with "ca" / "adenoca" spelled out, without a trailing "NOS", and a short
    core squashed into a code ("mds eb2" is MDSEB2)."""
    words = core.split()
    out = [" ".join({"ca": "carcinoma", "adenoca": "adenocarcinoma"}.get(w, w) for w in words)]
    if words and words[-1] == "nos":
        out.append(" ".join(words[:-1]))
    if 1 < len(words) <= 2 and all(len(w) <= 5 for w in words):
        out.append("".join(words).upper())
    return tuple(o for o in out if o and o != core)


def _find(idx: _Index, reading: grammar.Reading) -> _Found | None:
    for candidate in dict.fromkeys(
        (reading.soft_core, reading.plain_core, reading.core, *_spelled_out(reading.core))
    ):
        if candidate:
            hit = _exact(idx, candidate.upper(), raw_code=True)
            found = _as_found(idx, hit or _exact(idx, candidate, raw_code=False), candidate)
            if found is not None:
                return found
    return _compose(idx, reading)


def _head_segment(
    idx: _Index, prepared: str, reading: grammar.Reading
) -> tuple[_Found | None, grammar.Reading]:
    """Tumor-board lists put the type first and details after commas: "GIST, small
    bowel, high risk". The first segment is read as the tumor, with the segments that
    name a site; the others are set aside and said so."""
    segments = [seg.strip() for seg in re.split(r"[,;()\[\]]|\s-\s", prepared) if seg.strip()]
    if len(segments) < 2:
        return None, reading
    head, rest = segments[0], segments[1:]
    sites = [seg for seg in rest if grammar.read(_normalise(seg)).site is not None]
    others = [seg for seg in rest if seg not in sites]
    for parts, set_aside in (([head], rest), ([head, *sites], others)):
        try:
            part = grammar.read(_normalise(" ".join(parts)))
            found = _find(idx, part)
        except _AmbiguousTumorError:
            continue
        if found is None:
            continue
        found = _narrower_segment(idx, found, set_aside)
        subsite = reading.subsite or (", ".join(sites) if sites and parts == [head] else None)
        # Segments with words the grammar did not read ("high risk" is read; "epithelioid"
        # is not) are set aside and shown, so nothing disappears silently.
        unread = tuple(seg for seg in set_aside if grammar.read(_normalise(seg)).core)
        merged = dataclasses.replace(
            part,
            grade=reading.grade,
            grade_text=reading.grade_text,
            course=reading.course,
            subsite=subsite,
            qualifiers=(*reading.qualifiers, *unread),
        )
        return _Found(found.code, "grammar", found.histology, found.site), merged
    return None, reading


def _without_alterations(
    idx: _Index, prepared: str, reading: grammar.Reading
) -> tuple[_Found | None, grammar.Reading]:
    """The type read with the alterations set aside ("EGFR-mutant lung adenocarcinoma");
    they belong in the report lines, and the reading says they were not used."""
    rest, alterations = grammar.molecular(prepared)
    if not alterations:
        return None, reading
    part = grammar.read(_normalise(rest), reading.qualifiers)
    try:
        found = _find(idx, part)
    except _AmbiguousTumorError:
        return None, reading
    if found is None:
        return None, reading
    shown = tuple(f"{a} (an alteration: give it as a report line)" for a in alterations)
    merged = dataclasses.replace(part, qualifiers=(*part.qualifiers, *shown))
    return _Found(found.code, "grammar", found.histology, found.site), merged


def _narrower_segment(idx: _Index, found: _Found, segments: list[str]) -> _Found:
    """A later segment that names a type under the head's ("Liver cancer (HCC)",
    "Cholangiocarcinoma (intrahepatic)") says which one it is."""
    for segment in segments:
        for text in (segment, f"{segment} {idx.nodes[found.code].name}"):
            try:
                narrower = _find(idx, grammar.read(_normalise(text)))
            except _AmbiguousTumorError:
                continue
            if narrower is not None and found.code in idx.nodes[narrower.code].ancestors:
                return _Found(narrower.code, "grammar", narrower.histology, narrower.site)
    return found


def _as_found(idx: _Index, hit: tuple[str, MatchedBy] | None, key: str) -> _Found | None:
    if hit is None:
        return None
    return _Found(hit[0], hit[1], ontology=hit[1] == "synonym" and key in idx.ontology)


def _compose(idx: _Index, reading: grammar.Reading) -> _Found | None:
    """Histology + site -> the OncoTree node that names both, or the histology's own
    node when it is the same wherever it arises, or the site's default for a generic
    word ("carcinoma")."""
    split = grammar.site_in(reading.core)
    if split is None:
        return None
    site, histology = split
    spec = grammar.SITES[site]
    variants = _histology_variants(histology)
    for form in spec.forms:
        for words in variants:
            for phrase in (f"{form} {words}", f"{words} of {form}"):
                code = _lookup(idx, phrase)
                if code is not None:
                    return _Found(code, "grammar", words, site)
    for words in variants:
        code = _lookup(idx, words)
        if code is None:
            continue
        node = idx.nodes[code]
        tissue = node.ancestors[-2] if len(node.ancestors) >= 2 else code
        if tissue == spec.tissue or tissue in _SITE_FREE_TISSUES:
            return _Found(code, "grammar", words, site)
    return None


def _histology_variants(histology: str) -> tuple[str, ...]:
    expanded = " ".join(_HISTOLOGY_ABBREVIATIONS.get(w, w) for w in histology.split())
    variants = [histology, expanded]
    for words in (histology, expanded):
        if words in _GENERIC:
            variants.extend(("cancer", "carcinoma"))
        variants.append(words.replace("carcinoma", "cancer"))
        variants.append(words.replace("cancer", "carcinoma"))
    return tuple(dict.fromkeys(v for v in variants if v))


def _lookup(idx: _Index, phrase: str) -> str | None:
    """A term exactly or reordered; ambiguity still raises."""
    key = _normalise(phrase)
    hit = _exact(idx, key, raw_code=False)
    if hit is not None:
        return hit[0]
    by_bag = idx.bags.get(_bag(key))
    if by_bag is not None and len(by_bag) == 1:
        return next(iter(by_bag))
    return None


def _agnostic(
    text: str, reading: grammar.Reading, stated: PatientFacts | None, *, solid: bool
) -> TumorType:
    what = "solid tumor" if solid else "tumor"
    groups = "all solid tumors (or every tumor)" if solid else "every tumor"
    sentence = (
        f"read {text.strip()!r} as a tumor-agnostic context (any {what}): only rules "
        f"written for {groups} apply, and a tumor type they exclude must be ruled out"
    )
    return TumorType(
        code=ROOT,
        name=f"Any {what} (tumor-agnostic)",
        ancestors=(),
        is_solid=solid,
        matched_by="grammar",
        text=text,
        course=reading.course,
        qualifiers=reading.qualifiers,
        facts=_tumor_facts(text, reading, stated),
        reading=_with_qualifiers(sentence, reading, stated),
    )


ROOT = "TISSUE"


def _tumor_facts(
    text: str, reading: grammar.Reading, stated: PatientFacts | None
) -> PatientFacts | None:
    if stated is None and reading.grade is None and not reading.course:
        return None
    base = stated or PatientFacts()
    return base.model_copy(
        update={
            "grade": reading.grade,
            "course": reading.course,
            "sources": (f"tumor text {text.strip()!r}",),
        }
    )


def _tumor(
    idx: _Index,
    text: str,
    found: _Found,
    reading: grammar.Reading,
    stated: PatientFacts | None,
) -> TumorType:
    node = idx.nodes[found.code]
    said = text.strip()
    how = {
        "code": f"the OncoTree code {found.code}",
        "name": "an OncoTree name",
        "synonym": "a Disease Ontology synonym" if found.ontology else "a curated synonym",
        "fuzzy": "an approximate match (check it)",
    }
    histology, site = found.histology, found.site
    if histology is None and found.how != "code":
        split = grammar.site_in(reading.core)
        site, histology = split if split is not None else (None, reading.core or None)
    parts = []
    if histology:
        parts.append(f"histology {histology}")
    if site:
        parts.append(f"site {site}")
    if found.graded_from is not None:
        parts.append(f"grade {reading.grade} selects {found.code} under {found.graded_from}")
    if found.how != "grammar":
        parts.append(how[found.how])
    sentence = f"read {said!r} as {found.code}: " + ", ".join(parts)
    subsite = reading.subsite
    if subsite is not None and "sided" in subsite:
        subsite = subsite.replace(" sided", "-sided")
    tumor = node.tumor.model_copy(
        update={
            "matched_by": found.how,
            "text": text,
            "grade": reading.grade,
            "subsite": subsite,
            "course": reading.course,
            "qualifiers": reading.qualifiers,
            "facts": _tumor_facts(text, reading, stated),
            "reading": _with_qualifiers(sentence, reading, stated, subsite),
        }
    )
    return tumor


def _with_qualifiers(
    sentence: str,
    reading: grammar.Reading,
    stated: PatientFacts | None,
    subsite: str | None = None,
) -> str:
    parts = [sentence]
    if subsite:
        parts.append(f"{subsite!r} kept as a sub-site")
    laterality = reading.laterality
    if laterality and (subsite is None or _normalise(laterality) != _normalise(subsite)):
        parts.append(f"laterality {laterality}")
    if reading.grade is not None:
        parts.append(f"grade {reading.grade} ({reading.grade_text!r})")
    if reading.course:
        parts.append("course " + ", ".join(reading.course) + " kept as patient facts")
    if reading.qualifiers:
        parts.append(", ".join(repr(q) for q in reading.qualifiers) + " set aside")
    if stated is not None:
        parts.append("receptor and HER2/PD-L1 statements kept as patient facts")
    return "; ".join(parts)


def _exact(idx: _Index, key: str, *, raw_code: bool) -> tuple[str, MatchedBy] | None:
    if key in idx.codes:
        return idx.codes[key], "code"
    if key in idx.retired:
        return _one(idx, key, idx.retired[key], "code")
    if raw_code:
        return None
    if key in idx.names:
        return _one(idx, key, idx.names[key], "name")
    if key in idx.synonyms:
        return idx.synonyms[key], "synonym"
    if key in idx.ontology:
        return idx.ontology[key], "synonym"
    if key in idx.ambiguous:
        _raise_ambiguous(idx, key, idx.ambiguous[key])
    return None


def _one(idx: _Index, key: str, codes: tuple[str, ...], how: MatchedBy) -> tuple[str, MatchedBy]:
    if len(codes) > 1:
        _raise_ambiguous(idx, key, codes)
    return codes[0], how


def _raise_ambiguous(idx: _Index, key: str, codes: tuple[str, ...]) -> None:
    # Names are friendlier, but only a name that resolves on its own is a usable
    # suggestion; OncoTree repeats some ("Immature Teratoma" under three tissues).
    shown = []
    for code in codes:
        name = idx.nodes[code].name
        shown.append(name if idx.names.get(_normalise(name)) == (code,) else code)
    raise _AmbiguousTumorError(key, tuple(shown))


class _AmbiguousTumorError(Exception):
    """Carries candidates from deep in the lookup up to where the user text is known."""

    def __init__(self, key: str, suggestions: tuple[str, ...]) -> None:
        super().__init__(key)
        self.suggestions = suggestions


def _fuzzy(idx: _Index, key: str) -> str | None:
    by_bag = idx.bags.get(_bag(key))
    if by_bag is not None and len(by_bag) == 1:
        return next(iter(by_bag))
    if len(key) >= 8:
        by_space = idx.squashed.get(key.replace(" ", ""))
        if by_space is not None and len(by_space) == 1:
            return next(iter(by_space))
    if len(key) < 6:
        return None
    near: dict[str, list[tuple[int, bool, str]]] = {}
    for term in idx.terms:
        if abs(len(term.key) - len(key)) > 2:
            continue
        distance = _osa(key, term.key, 2)
        if distance <= 2:
            near.setdefault(term.code, []).append((distance, term.is_code, term.key))
    # A second type within two edits means the slip could have come from either:
    # "pancreatik NEC" is as near to pancreatic NET as to pancreatic NEC.
    if len(near) != 1:
        return None
    code, hits = next(iter(near.items()))
    distance, is_code, target = min(hits)
    if distance == 1 and not is_code and _safe_slip(key, target):
        return code
    return None


def _safe_slip(typed: str, known: str) -> bool:
    """One slip in one long word; short words and abbreviations must be exact."""
    a, b = typed.split(), known.split()
    if len(a) != len(b):
        return False
    differing = [(x, y) for x, y in zip(a, b, strict=True) if x != y]
    if len(differing) != 1:
        return False
    _, word = differing[0]
    return len(word) >= 6 and word.isalpha()


def _osa(a: str, b: str, limit: int) -> int:
    """Optimal-string-alignment distance, giving up early once above ``limit``."""
    if a == b:
        return 0
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                value = min(value, previous2[j - 2] + 1)
            current[j] = value
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def _suggest(idx: _Index, key: str, n: int = 3) -> tuple[str, ...]:
    """The best-scoring term of each of the ``n`` closest types, best first."""
    if not key:
        return ()
    matcher = SequenceMatcher(None, autojunk=False)
    matcher.set_seq2(key)
    best: dict[str, tuple[float, str]] = {}
    for term in idx.terms:
        matcher.set_seq1(term.key)
        if matcher.real_quick_ratio() < 0.5 or matcher.quick_ratio() < 0.5:
            continue
        # Shared ends weigh extra: abbreviations differ in the middle ("NSLC" is
        # nearer NSCLC and SCLC than ANSC, which the plain ratio ranks equal).
        score = matcher.ratio() + 0.04 * (
            _common(key, term.key) + _common(key[::-1], term.key[::-1])
        )
        if score > best.get(term.code, (0.0, ""))[0]:
            best[term.code] = (score, term.display)
    ranked = sorted(best.items(), key=lambda item: (-item[1][0], item[0]))
    return tuple(display for _, (_, display) in ranked[:n])


def _common(a: str, b: str) -> int:
    """Length of the common prefix, counting at most three characters."""
    n = 0
    for x, y in zip(a[:3], b[:3], strict=False):
        if x != y:
            break
        n += 1
    return n


# Greek and Cyrillic letters drawn like Latin ones (Unicode's confusables): read as the
# Latin letter, so "ΑCML" (Greek Alpha) is ACML and never CML with a letter dropped.
_LOOKALIKES = str.maketrans(
    "ΑΒΕΖΗΙΚΜΝΟΡΤΥΧαικνορυχϲγАВЕКМНОРСТХЅІЈԚԜҮаеорсухѕіјԛԝһԁ",
    "ABEZHIKMNOPTYXaikvopuxcyABEKMHOPCTXSIJQWYaeopcyxsijqwhd",
)
_MAX_TUMOR_TEXT = 500


def _latin(text: str) -> str:
    """NFKC (full-width and compatibility forms) and look-alike letters to Latin; a
    Greek or Cyrillic letter with no Latin twin is refused rather than dropped."""
    if len(text) > _MAX_TUMOR_TEXT:
        raise UnknownTumorError(text[:60] + "...")
    if text.isascii():
        return text
    read = unicodedata.normalize("NFKC", text).translate(_LOOKALIKES)
    for char in read:
        if char.isalpha() and unicodedata.name(char, "").startswith(("GREEK", "CYRILLIC")):
            raise UnknownTumorError(text)
    return read


def _resolve_or_raise(text: str) -> TumorType:
    text = _latin(text)
    try:
        return _resolve(text)
    except _AmbiguousTumorError as exc:
        raise UnknownTumorError(text, exc.suggestions) from None


# --------------------------------------------------------------------------- lookups


def oncotree_release() -> str:
    """The OncoTree release the bundled tree comes from.

    >>> from actionable.tumors import oncotree_release
    >>> oncotree_release()
    'oncotree_2025_10_03'
    """
    return _index().release


def get_tumor(code: str) -> TumorType:
    """The OncoTree node with this exact code (any case); no names or synonyms.

    >>> from actionable.tumors import get_tumor
    >>> get_tumor("HGNEC").lineage()
    ('HGNEC', 'GINET', 'BOWEL', 'TISSUE')
    """
    idx = _index()
    found = idx.nodes.get(code.strip().upper()) if isinstance(code, str) else None
    if found is None:
        raise UnknownTumorError(str(code), _code_suggestions(idx, str(code)))
    return found.tumor


def is_known_code(code: str) -> bool:
    """Whether ``code`` is a current OncoTree code exactly as written (upper case).

    Retired codes (``MM``) and lower-case spellings are not known codes: rule files
    must use the canonical form. Use :func:`resolve_tumor` for user input.

    >>> from actionable.tumors import is_known_code
    >>> is_known_code("COADREAD"), is_known_code("coadread"), is_known_code("MM")
    (True, False, False)
    """
    return isinstance(code, str) and code in _index().nodes


def all_codes() -> frozenset[str]:
    """Every current OncoTree code, the root ``TISSUE`` included.

    >>> from actionable.tumors import all_codes
    >>> len(all_codes()), "HGNEC" in all_codes()
    (898, True)
    """
    return _all_codes()


@cache
def _all_codes() -> frozenset[str]:
    return frozenset(_index().nodes)


def descendants(code: str) -> frozenset[str]:
    """All codes below ``code`` in the tree, not including ``code`` itself.

    >>> from actionable.tumors import descendants
    >>> sorted(descendants("COADREAD"))
    ['CAIS', 'COAD', 'MACR', 'READ', 'SRCCR']
    >>> "HGNEC" in descendants("COADREAD")
    False
    """
    idx = _index()
    if code not in idx.nodes:
        raise UnknownTumorError(str(code), _code_suggestions(idx, str(code)))
    return _descendants(code)


@lru_cache(maxsize=2048)
def _descendants(code: str) -> frozenset[str]:
    idx = _index()
    found: set[str] = set()
    stack = list(idx.children[code])
    while stack:
        child = stack.pop()
        found.add(child)
        stack.extend(idx.children[child])
    return frozenset(found)


def _code_suggestions(idx: _Index, text: str) -> tuple[str, ...]:
    upper = text.strip().upper()
    if upper in idx.retired:
        return idx.retired[upper]
    return tuple(_closest_codes(upper, idx.nodes))


# --------------------------------------------------------------------------- contexts


def validate_context(context: TumorContext) -> None:
    """Check that every entry of a context is a current OncoTree code or a group.

    Raises ``ValueError`` naming each bad entry with what to write instead. Also
    rejected: an empty include list, ``all`` as an exclusion (nothing could match)
    and an entry both included and excluded.

    >>> from actionable.models import TumorContext
    >>> from actionable.tumors import validate_context
    >>> validate_context(TumorContext(include=("all_solid",), exclude=("COADREAD",)))
    >>> validate_context(TumorContext(include=("COADRED",)))
    Traceback (most recent call last):
    ...
    ValueError: invalid tumor context: include: unknown OncoTree code 'COADRED' (did you mean ...
    """
    problems = _context_problems(context)
    if problems:
        raise ValueError("invalid tumor context: " + "; ".join(problems))


@lru_cache(maxsize=4096)
def _context_problems(context: TumorContext) -> tuple[str, ...]:
    idx = _index()
    problems: list[str] = []
    if not context.include:
        problems.append(
            "the include list is empty, so no tumor could match (use ('all',) for every tumor type)"
        )
    for side, entries in (("include", context.include), ("exclude", context.exclude)):
        for entry in entries:
            problem = _entry_problem(idx, entry)
            if problem:
                problems.append(f"{side}: {problem}")
    if "all" in context.exclude:
        problems.append("exclude: 'all' would exclude every tumor type")
    for entry in sorted(set(context.include) & set(context.exclude)):
        problems.append(f"{entry!r} is both included and excluded")
    return tuple(problems)


def _entry_problem(idx: _Index, entry: str) -> str | None:
    if entry in GROUPS or entry in idx.nodes:
        return None
    upper = entry.strip().upper()
    if upper in idx.nodes:
        return f"write OncoTree code {entry!r} as {upper!r}"
    if upper in idx.retired:
        return f"{entry!r} is a retired OncoTree code; use " + " or ".join(
            repr(c) for c in idx.retired[upper]
        )
    if entry.strip().lower() in GROUPS:
        return f"write group {entry!r} as {entry.strip().lower()!r}"
    try:
        resolved: TumorType | None = _resolve_or_raise(entry)
    except UnknownTumorError:
        resolved = None
    # A rule file is written once and read many times: approximate is not good enough.
    if resolved is None or resolved.matched_by == "fuzzy":
        options = ", ".join(_closest_codes(entry, idx.nodes))
        return f"unknown OncoTree code {entry!r} (did you mean {options}?)"
    if is_agnostic(resolved):
        group = "all_solid" if resolved.is_solid else "all"
        return f"{entry!r} is not an OncoTree code; write the group {group!r}"
    return f"{entry!r} is not an OncoTree code; it resolves to {resolved.code!r}"


def _label(idx: _Index, code: str, fallback: str | None = None) -> str:
    node = idx.nodes.get(code)
    name = node.name if node is not None else fallback
    return f"{code} ({name})" if name else code


def _solidity_of(idx: _Index, tumor: TumorType) -> Solidity:
    node = idx.nodes.get(tumor.code)
    if node is not None:
        return node.solidity
    return "solid" if tumor.is_solid else "liquid"


def _describe_solidity(idx: _Index, tumor: TumorType, solidity: Solidity) -> str:
    if solidity == "solid":
        return f"{tumor.code} is a solid tumor"
    if solidity == "liquid":
        tissue = tumor.tissue or "hematologic"
        return f"{tumor.code} is a hematologic (liquid) cancer ({tissue} branch)"
    return f"{_label(idx, tumor.code, tumor.name)} may be solid or liquid"


def _group_hits(group: str, solidity: Solidity) -> bool:
    if group == "all":
        return True
    if group == "all_solid":
        return solidity == "solid"
    return solidity == "liquid"


def match(context: TumorContext, tumor: TumorType | None) -> TumorMatch:
    """Whether a rule's tumor context applies to a tumor, with reasons for a clinician.

    A tumor matches when it or an ancestor is included (or a group covers it) and
    neither it nor an ancestor is excluded. Two conservative refinements:

    * a tumor broader than an excluded code (``BOWEL`` when ``COADREAD`` is
      excluded) might be that code, so the exclusion applies to it too;
    * a tumor broader than every included code (``LUNG`` for an ``NSCLC`` rule) is
      not included.

    With ``tumor=None`` (unknown tumor type) the context applies only when it
    includes ``all`` and excludes nothing; ``all_solid``/``all_liquid`` never cover
    an unknown tumor, since nothing shows that it is solid or liquid.

    >>> from actionable.models import TumorContext
    >>> from actionable.tumors import match, resolve_tumor
    >>> braf = TumorContext(include=("all_solid",), exclude=("COADREAD",))
    >>> m = match(braf, resolve_tumor("colon NEC"))
    >>> m.matched, m.included_by, m.excluded_by
    (True, 'all_solid', None)
    >>> m = match(braf, resolve_tumor("colon cancer"))
    >>> m.matched, m.excluded_by
    (False, 'COADREAD')
    """
    validate_context(context)
    if tumor is None:
        return _match_unknown(context)
    if is_agnostic(tumor):
        return _match_agnostic(context, tumor)
    idx = _index()
    node = idx.nodes.get(tumor.code)
    lineage = (tumor.code, *(node.ancestors if node is not None else tumor.ancestors))
    solidity = _solidity_of(idx, tumor)
    reasons = [_resolution_sentence(idx, tumor, lineage)]

    included_by, sentence = _inclusion(idx, context, tumor, lineage, solidity)
    reasons.append(sentence)
    excluded_by: str | None = None
    for entry in context.exclude:
        applies, sentence = _exclusion(idx, entry, tumor, lineage, solidity)
        reasons.append(sentence)
        if applies and excluded_by is None:
            excluded_by = entry
    return _verdict(context, tumor.code, tumor.code, included_by, excluded_by, reasons)


def _resolution_sentence(idx: _Index, tumor: TumorType, lineage: tuple[str, ...]) -> str:
    above = [_label(idx, code) for code in lineage[1:] if code != "TISSUE"]
    where = f" under {_join(above)}" if above else ""
    subject = _label(idx, tumor.code, tumor.name)
    text = tumor.text.strip()
    if text and text != tumor.code:
        how = {"fuzzy": " (approximate match: check it)"}.get(tumor.matched_by, "")
        sentence = f"{text} resolves to {subject}{where}{how}"
        read_more = tumor.matched_by == "grammar" or tumor.qualifiers or tumor.facts
        if tumor.reading and (read_more or tumor.subsite or tumor.course):
            sentence += f" ({tumor.reading})"
        return sentence
    if where:
        return f"{subject} lies{where}"
    if tumor.code == "TISSUE":
        return f"{subject} is the root of OncoTree"
    return f"{subject} is a tissue at the top of OncoTree"


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _inclusion(
    idx: _Index,
    context: TumorContext,
    tumor: TumorType,
    lineage: tuple[str, ...],
    solidity: Solidity,
) -> tuple[str | None, str]:
    code = tumor.code
    # Prefer the most specific reason: the code itself, then the nearest ancestor,
    # then a solid/liquid group, then "all".
    ranked: list[tuple[int, str]] = []
    for entry in context.include:
        if entry in lineage:
            ranked.append((lineage.index(entry), entry))
        elif entry in GROUPS and _group_hits(entry, solidity):
            ranked.append((len(lineage) + (entry == "all"), entry))
    if ranked:
        entry = min(ranked)[1]
        if entry == code:
            return entry, f"the context includes {code} itself"
        if entry in GROUPS:
            why = "" if entry == "all" else f" ({_describe_solidity(idx, tumor, solidity)})"
            return entry, f"{code} is included through the group {entry}{why}"
        return entry, f"{code} is included through its ancestor {_label(idx, entry)}"

    narrower = [e for e in context.include if e in idx.nodes and code in idx.nodes[e].ancestors]
    if narrower:
        listed = _join([_label(idx, e) for e in narrower])
        return None, (
            f"{code} is broader than the included {listed}: the tumor may not be "
            "one of them, so it is not included (give a more specific type)"
        )
    parts = []
    codes = [e for e in context.include if e not in GROUPS]
    if codes:
        listed = _join([_label(idx, e) for e in codes])
        under = "it" if len(codes) == 1 else "any of them"
        parts.append(f"{code} is not {listed} nor under {under}")
    for group in (e for e in context.include if e in GROUPS):
        parts.append(
            f"the group {group} does not cover it because "
            f"{_describe_solidity(idx, tumor, solidity)}"
        )
    return None, f"{code} is not included: " + "; ".join(parts)


def _exclusion(
    idx: _Index,
    entry: str,
    tumor: TumorType,
    lineage: tuple[str, ...],
    solidity: Solidity,
) -> tuple[bool, str]:
    code = tumor.code
    if entry in GROUPS:
        head = f"the context excludes the group {entry}"
        state = _describe_solidity(idx, tumor, solidity)
        if _group_hits(entry, solidity):
            return True, f"{head}; {state}, so the exclusion applies"
        if solidity == "undetermined":
            return True, f"{head}; {state}, so to be safe the exclusion applies"
        return False, f"{head}; {state}, so the exclusion does not apply"
    head = f"the context excludes {_label(idx, entry)}"
    if entry == code:
        return True, f"{head}, which is {code} itself"
    if entry in lineage:
        return True, f"{head}; {code} is under {entry}, so the exclusion applies"
    if entry in idx.nodes and code in idx.nodes[entry].ancestors:
        return True, (
            f"{head}; {code} is broader and may be {entry}, so to be safe the "
            "exclusion applies (give a more specific type)"
        )
    return False, f"{head}; {code} is not {entry} nor under it, so the exclusion does not apply"


def is_agnostic(tumor: TumorType) -> bool:
    """Whether a resolved tumor is a tumor-agnostic context (``any solid tumor``), not a
    tumor type: only rules written for groups apply to it.

    >>> from actionable.tumors import is_agnostic, resolve_tumor
    >>> is_agnostic(resolve_tumor("any solid tumour")), is_agnostic(resolve_tumor("TISSUE"))
    (True, False)
    """
    return tumor.code == ROOT and tumor.matched_by == "grammar"


def _match_agnostic(context: TumorContext, tumor: TumorType) -> TumorMatch:
    idx = _index()
    reasons = [tumor.reading or f"{tumor.text} is a tumor-agnostic context"]
    solidity: Solidity = "solid" if tumor.is_solid else "undetermined"
    what = "any solid tumor" if tumor.is_solid else "any tumor"
    included_by: str | None = None
    for group in ("all_solid", "all"):
        if group in context.include and _group_hits(group, solidity):
            included_by = group
            break
    if included_by is not None:
        reasons.append(f"the context includes the group {included_by}, which covers {what}")
    else:
        listed = _join([e if e in GROUPS else _label(idx, e) for e in context.include])
        reasons.append(
            f"the context is limited to {listed}; {what} is not shown to be one of them, "
            "so it is not included (give the tumor type)"
        )
    excluded_by: str | None = None
    for entry in context.exclude:
        if entry in GROUPS:
            applies = _group_hits(entry, solidity) or solidity == "undetermined"
            state = "applies" if applies else "does not apply"
            reasons.append(f"the context excludes the group {entry}; for {what} it {state}")
            if applies and excluded_by is None:
                excluded_by = entry
            continue
        reasons.append(
            f"the context excludes {_label(idx, entry)}; the tumor was given only as {what}, "
            f"so this applies only if the tumor is not {entry}: confirm it"
        )
    return _verdict(context, tumor.code, what, included_by, excluded_by, reasons)


def _verdict(
    context: TumorContext,
    code: str,
    what: str,
    included_by: str | None,
    excluded_by: str | None,
    reasons: list[str],
) -> TumorMatch:
    """The match once inclusion and exclusions are decided, with its closing sentence."""
    matched = included_by is not None and excluded_by is None
    verdict = "applies" if matched else "does not apply"
    reasons.append(f"the rule's tumor context therefore {verdict} to {what}")
    return TumorMatch(
        matched=matched,
        tumor=code,
        included_by=included_by,
        excluded_by=excluded_by,
        checked_exclusions=tuple(context.exclude),
        reasons=tuple(reasons),
    )


def _match_unknown(context: TumorContext) -> TumorMatch:
    reasons = ["the tumor type is unknown (not given or not resolved to OncoTree)"]
    includes_all = "all" in context.include
    matched = includes_all and not context.exclude
    if matched:
        reasons.append(
            "the context includes every tumor type (all) and excludes none, "
            "so it applies whatever the tumor is"
        )
    elif includes_all:
        idx = _index()
        listed = _join([e if e in GROUPS else _label(idx, e) for e in context.exclude])
        reasons.append(
            f"the context excludes {listed}; an unknown tumor could be one of "
            "them, so to be safe the context is not applied"
        )
    else:
        idx = _index()
        listed = _join([e if e in GROUPS else _label(idx, e) for e in context.include])
        reasons.append(
            f"the context is limited to {listed}; an unknown tumor cannot be "
            "shown to be one of them (not even to be solid or liquid), so to "
            "be safe the context is not applied"
        )
    reasons.append(
        "the rule's tumor context therefore " + ("applies" if matched else "does not apply")
    )
    return TumorMatch(
        matched=matched,
        tumor=None,
        included_by="all" if includes_all else None,
        checked_exclusions=tuple(context.exclude),
        reasons=tuple(reasons),
    )
