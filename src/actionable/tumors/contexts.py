"""Whether a rule's tumor context applies to a tumor, with the reasons a clinician can
check; and the check that a context names only OncoTree codes and groups."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

from ..errors import UnknownTumorError
from ..models import TumorContext, TumorMatch, TumorType
from .matching import _resolve_or_raise, is_agnostic
from .tree import Solidity
from .vocabulary import _closest_codes, _Index, _index

GROUPS: Mapping[str, str] = {
    "all": "every tumor type",
    "all_solid": "all solid tumors",
    "all_liquid": "all hematologic (liquid) cancers",
}
"""Group names a :class:`TumorContext` may use besides OncoTree codes."""


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
