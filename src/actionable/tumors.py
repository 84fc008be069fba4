"""Tumor types: clinician text to OncoTree, and whether a rule's tumor context applies.

Resolution never guesses silently. Text is accepted when it is an OncoTree code, an
OncoTree name, a curated synonym (``knowledgebase/tumor_synonyms.yaml``) or, as the
only approximate case, a reordering of one of those or a one-letter slip in a long
word with no competing candidate nearby. Anything else raises
:class:`~actionable.errors.UnknownTumorError` with the closest known terms.

>>> from actionable.tumors import resolve_tumor
>>> t = resolve_tumor("stage IV colon NEC")
>>> t.code, t.matched_by, t.ancestors
('HGNEC', 'synonym', ('GINET', 'BOWEL', 'TISSUE'))

OncoTree (release ``oncotree_2025_10_03``) is (c) Memorial Sloan Kettering Cancer
Center, CC BY 4.0; see NOTICE.
"""

from __future__ import annotations

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

from ._resources import knowledgebase_dir
from .errors import RuleFileError, UnknownTumorError
from .models import TumorContext, TumorMatch, TumorType

__all__ = [
    "GROUPS",
    "all_codes",
    "descendants",
    "get_tumor",
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

# OncoTree files blood cancers under two tissues; everything else is a solid organ
# except the lymphomas OncoTree files under the organ they arise in.
_LIQUID_TISSUES = frozenset({"MYELOID", "LYMPH"})
_LIQUID_CODES = frozenset({"MLYM", "TLYM"})
# Nodes that may be either: no group that depends on solidity should claim them.
_UNDETERMINED = frozenset({"TISSUE", "OTHER", "MIXED"})

# Function words only: dropping them lets "adenocarcinoma of the lung" meet
# "Lung Adenocarcinoma" without letting content words go missing.
_STOPWORDS = frozenset({"of", "the", "in", "and", "a", "an"})

# Spelling variants are rewritten on both sides, so names from OncoTree
# ("Polycythaemia Vera Myelofibrosis") and input meet whatever spelling either uses.
_BRITISH = (
    ("tumour", "tumor"),
    ("leukaem", "leukem"),
    ("haem", "hem"),
    ("anaem", "anem"),
    ("oestr", "estr"),
    ("paediatr", "pediatr"),
    ("gynaec", "gynec"),
    ("caec", "cec"),
    ("centre", "center"),
)

# Words that describe the course or extent of a disease, not what it is. Grades,
# "invasive", "malignant", "secondary" and "therapy-related" are deliberately absent:
# they change the OncoTree type.
_QUALIFIER_RE = re.compile(
    r"\b(?:"
    r"stage (?:0|i{1,3}|iv|[1-4]) ?(?:[a-c][1-3]?)?"
    r"|(?:c|p|yp|r)?t[0-4x][a-d]?(?:is)? ?n[0-3x][a-c]? ?m[01x][a-c]?"
    r"|(?:with|to) (?:the )?(?:liver|lung|bone|brain|peritoneal|nodal|lymph node|distant"
    r"|visceral|cns|leptomeningeal) metasta(?:sis|se|tic disease)"
    r"|with metasta(?:sis|se)"
    r"|metastatic to (?:the )?[a-z]+"
    r"|locally advanced|advanced|metastatic|metastasized|metastasised|recurrent|recurring"
    r"|relapsed|refractory|r r|unresectable|inoperable|resectable|resected|de novo"
    r"|newly diagnosed|(?<!unknown )primary|progressive|progressing|localized|localised"
    r"|disseminated|extensive stage|limited stage|early stage|late stage|treatment naive"
    r"|previously treated|pretreated|heavily pretreated|untreated|persistent"
    r")\b"
)

# "pancreas", "thymus", "mycosis" are singular; "carcinomas" is not.
_PLURAL_KEEP = ("ss", "us", "is", "os")
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
    ambiguous: Mapping[str, tuple[str, ...]]
    bags: Mapping[tuple[str, ...], frozenset[str]]
    squashed: Mapping[str, frozenset[str]]
    terms: tuple[_Term, ...]


# --------------------------------------------------------------------------- text


def _normalise(text: str) -> str:
    """Case, accents, punctuation, spacing, British spelling and plural ``s``."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = text.replace("+", " positive ")
    text = re.sub(r"['’`]", "", text)
    text = re.sub(r"[^a-z0-9]+", " ", text)
    # Not a plain replace: American "gastroesophageal" contains "oesophag".
    text = re.sub(r"\boesophag|(?<=gastro)oesophag", "esophag", text)
    for old, new in _BRITISH:
        text = text.replace(old, new)
    tokens = text.split()
    return " ".join(_singular(token) for token in tokens)


def _singular(token: str) -> str:
    plural = token.endswith("s") and not token.endswith(_PLURAL_KEEP)
    plural = plural and (not token.endswith("as") or token.endswith("mas"))
    if plural and len(token) >= 4 and token.isalpha():
        return token[:-1]
    return token


def _strip_qualifiers(key: str) -> str:
    return " ".join(_QUALIFIER_RE.sub(" ", key).split())


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
        codes[_normalise(code)] = code
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
    names and synonyms from ``knowledgebase/tumor_synonyms.yaml``, ignoring case,
    punctuation, spacing, British spelling, plural ``s`` and qualifiers that do not
    change the type ("stage IV", "metastatic", "relapsed/refractory"...). A
    :class:`TumorType` is returned unchanged.

    Approximate matching (``matched_by == "fuzzy"``) only accepts a reordering of a
    known term ("adenocarcinoma of the lung"), a missing or extra space, or a
    one-letter slip in a word of at least six letters, and only when no other type
    is that close. Everything else raises :class:`UnknownTumorError` with up to three
    suggestions; a phrase that names several types (``ALL``) raises with those types.

    >>> from actionable.tumors import resolve_tumor
    >>> resolve_tumor("luad").code, resolve_tumor("Metastatic colorectal cancer").code
    ('LUAD', 'COADREAD')
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


@lru_cache(maxsize=8192)
def _resolve(text: str) -> TumorType:
    idx = _index()
    raw = text.strip()
    if not raw:
        raise UnknownTumorError(text, ())
    found = _exact(idx, raw.upper(), raw_code=True)
    key = _normalise(raw)
    stripped = _strip_qualifiers(key)
    for candidate in dict.fromkeys((key, stripped)):
        if found is None and candidate:
            found = _exact(idx, candidate, raw_code=False)
    if found is None and stripped:
        code = _fuzzy(idx, stripped)
        if code is not None:
            found = (code, "fuzzy")
    if found is None:
        # Only qualifiers ("metastatic"): the type is missing, nothing to suggest.
        raise UnknownTumorError(text, _suggest(idx, stripped))
    code, how = found
    return idx.nodes[code].tumor.model_copy(update={"matched_by": how, "text": text})


MatchedBy = Literal["code", "name", "synonym", "fuzzy"]


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


def _resolve_or_raise(text: str) -> TumorType:
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
    matched = included_by is not None and excluded_by is None
    verdict = "applies" if matched else "does not apply"
    reasons.append(f"the rule's tumor context therefore {verdict} to {tumor.code}")
    return TumorMatch(
        matched=matched,
        tumor=tumor.code,
        included_by=included_by,
        excluded_by=excluded_by,
        checked_exclusions=tuple(context.exclude),
        reasons=tuple(reasons),
    )


def _resolution_sentence(idx: _Index, tumor: TumorType, lineage: tuple[str, ...]) -> str:
    above = [_label(idx, code) for code in lineage[1:] if code != "TISSUE"]
    where = f" under {_join(above)}" if above else ""
    subject = _label(idx, tumor.code, tumor.name)
    text = tumor.text.strip()
    if text and text != tumor.code:
        how = {"fuzzy": " (approximate match: check it)"}.get(tumor.matched_by, "")
        return f"{text} resolves to {subject}{where}{how}"
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
