"""Clinician text to an OncoTree node: exact lookups, the grammar's reading (qualifiers,
histology + site), the few approximate matches accepted, and the suggestions an
unknown text gets (computed only when its error message is shown).
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from .. import facts as _facts
from ..errors import UnknownTumorError
from ..models import PatientFacts, TumorType
from . import grammar
from .grammar import normalise as _normalise
from .tree import ROOT
from .vocabulary import _bag, _Index, _index


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
        raise UnknownTumorError(
            text, () if only_qualifiers else _not_a_tumor_hints(key), names_no_tumor=True
        )
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
        core = reading.core
        raise UnknownTumorError(text, lambda: _suggest(core))
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
    return _histology_segment(idx, head, rest, reading)


def _histology_segment(
    idx: _Index, head: str, rest: list[str], reading: grammar.Reading
) -> tuple[_Found | None, grammar.Reading]:
    """A head that names only a site and a generic word, with the histology in a later
    segment: "oesophageal cancer - adenocarcinoma" is an adenocarcinoma of the
    oesophagus (the site alone names no single type)."""
    split = grammar.site_in(grammar.read(_normalise(head)).core)
    if split is None or split[1] not in _GENERIC:
        return None, reading
    site = split[0]
    for segment in rest:
        histology = grammar.read(_normalise(segment)).core
        if not histology or grammar.site_in(histology) is not None:
            continue
        try:
            part = grammar.read(_normalise(f"{histology} of the {site}"))
            found = _find(idx, part)
        except _AmbiguousTumorError:
            continue
        if found is None:
            continue
        others = [seg for seg in rest if seg != segment]
        unread = tuple(seg for seg in others if grammar.read(_normalise(seg)).core)
        merged = dataclasses.replace(
            part,
            grade=reading.grade,
            grade_text=reading.grade_text,
            course=reading.course,
            subsite=reading.subsite,
            qualifiers=(*reading.qualifiers, *unread),
        )
        return _Found(found.code, "grammar", histology, site), merged
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
        # Optimal string alignment: a swap of two adjacent letters is one edit.
        distance = OSA.distance(key, term.key, score_cutoff=2)
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


@lru_cache(maxsize=1024)
def _suggest(key: str, n: int = 3) -> tuple[str, ...]:
    """The best-scoring term of each of the ``n`` closest types, best first (cached per
    text: a cohort repeats its unknown tumors)."""
    if not key:
        return ()
    idx = _index()
    keys = [term.key for term in idx.terms]
    best: dict[str, tuple[float, str]] = {}
    # InDel similarity (what difflib's ratio approximates), 0-100, in C over every term.
    for _, ratio, i in process.extract(key, keys, scorer=fuzz.ratio, limit=None, score_cutoff=50):
        term = idx.terms[i]
        # Shared ends weigh extra: abbreviations differ in the middle ("NSLC" is
        # nearer NSCLC and SCLC than ANSC, which the plain ratio ranks equal).
        score = ratio / 100 + 0.04 * (_common(key, term.key) + _common(key[::-1], term.key[::-1]))
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


def is_agnostic(tumor: TumorType) -> bool:
    """Whether a resolved tumor is a tumor-agnostic context (``any solid tumor``), not a
    tumor type: only rules written for groups apply to it.

    >>> from actionable.tumors import is_agnostic, resolve_tumor
    >>> is_agnostic(resolve_tumor("any solid tumour")), is_agnostic(resolve_tumor("TISSUE"))
    (True, False)
    """
    return tumor.code == ROOT and tumor.matched_by == "grammar"
