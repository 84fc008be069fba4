"""Every phrasing a tumor can be written in, loaded once into one immutable index: the
OncoTree codes (current and retired) and names, the curated synonyms
(``knowledgebase/tumor_synonyms.yaml``) and the Disease Ontology synonyms
(``knowledgebase/tumor_ontology_synonyms.tsv``, built by
``scripts/build_tumor_vocabulary.py``), each checked against the tree.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from rapidfuzz import fuzz, process

from .._resources import knowledgebase_dir
from ..errors import RuleFileError
from .grammar import normalise as _normalise
from .tree import ONCOTREE_FILE, _build_nodes, _Node, _read_tree

SYNONYMS_FILE = "tumor_synonyms.yaml"


ONTOLOGY_FILE = "tumor_ontology_synonyms.tsv"


# Function words only: dropping them lets "adenocarcinoma of the lung" meet
# "Lung Adenocarcinoma" without letting content words go missing.
_STOPWORDS = frozenset({"of", "the", "in", "and", "a", "an"})


# The C loader parses the synonyms file ten times faster; both are safe loaders.
_YAML_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


_LOCK = threading.Lock()


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


def _bag(key: str) -> tuple[str, ...]:
    return tuple(sorted(token for token in key.split() if token not in _STOPWORDS))


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
    """The ``n`` codes most like ``text`` (InDel similarity), best first; ties by code."""
    found = process.extract(text.upper(), list(codes), scorer=fuzz.ratio, limit=None)
    return [code for code, _, _ in sorted(found, key=lambda hit: (-hit[1], hit[0]))[:n]]


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


def _index() -> _Index:
    # cache() alone may run the build twice under a race; the lock makes the first
    # caller build while the others wait for its result.
    with _LOCK:
        return _build_index()
