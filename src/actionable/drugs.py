"""Drug vocabulary: generic names, synonyms and brand names.

Rules name drugs by lowercase generic name; reports and ``prior_therapies`` may use
brand names or synonyms ("Tafinlar + Mekinist").

>>> from actionable.drugs import resolve_drug
>>> resolve_drug("Tafinlar")
'dabrafenib'
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path

import yaml

from ._resources import knowledgebase_dir
from .models import Frozen

__all__ = [
    "Drug",
    "all_drugs",
    "get_drug",
    "parse_therapies",
    "partner_role",
    "reload",
    "resolve_drug",
]


class Drug(Frozen):
    """One drug: generic name, the names it is also known by, and its class."""

    name: str
    synonyms: tuple[str, ...] = ()
    brands: tuple[str, ...] = ()
    drug_class: str | None = None


def _key(text: str) -> str:
    return re.sub(r"[\s\-_()®™]+", "", text).lower()


def _vocabulary_files() -> list[Path]:
    # The curated vocabulary first: imported sources (drugs_civic.yaml) only add names
    # it does not already define, so a curated entry always wins.
    kb = knowledgebase_dir()
    return [kb / "drugs.yaml", *sorted(p for p in kb.glob("drugs_*.yaml"))]


@cache
def _table() -> tuple[dict[str, Drug], dict[str, str]]:
    drugs: dict[str, Drug] = {}
    index: dict[str, str] = {}
    for number, path in enumerate(_vocabulary_files()):
        curated = number == 0
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for name, entry in (data.get("drugs") or {}).items():
            entry = entry or {}
            if name in drugs:
                if curated:
                    raise ValueError(f"{path}: drug {name!r} is defined twice")
                continue
            drug = Drug(
                name=name,
                synonyms=tuple(entry.get("synonyms", ())),
                brands=tuple(entry.get("brands", ())),
                drug_class=entry.get("class"),
            )
            drugs[name] = drug
            for alias in (name, *drug.synonyms, *drug.brands):
                key = _key(alias)
                if key in index and index[key] != name:
                    if curated:
                        raise ValueError(
                            f"{path}: {alias!r} names both {index[key]!r} and {name!r}"
                        )
                    continue
                index[key] = name
    return drugs, index


def all_drugs() -> tuple[Drug, ...]:
    """Every drug in ``knowledgebase/drugs.yaml``.

    >>> from actionable.drugs import all_drugs
    >>> "trametinib" in {d.name for d in all_drugs()}
    True
    """
    return tuple(_table()[0].values())


def get_drug(name: str) -> Drug:
    """The :class:`Drug` for a generic name, synonym or brand name.

    >>> from actionable.drugs import get_drug
    >>> get_drug("Mekinist").drug_class
    'MEK inhibitor'
    """
    return _table()[0][resolve_drug(name)]


def resolve_drug(name: str) -> str:
    """The generic name for a generic name, synonym or brand name (case-insensitive).

    Raises ``ValueError`` naming the closest known drugs.

    >>> from actionable.drugs import resolve_drug
    >>> resolve_drug("Keytruda")
    'pembrolizumab'
    """
    index = _table()[1]
    found = index.get(_key(name))
    if found is None:
        close = difflib.get_close_matches(_key(name), list(index), n=3, cutoff=0.6)
        names = list(dict.fromkeys(index[c] for c in close))
        hint = f"; did you mean {', '.join(names)}?" if names else ""
        raise ValueError(f"unknown drug {name!r}{hint} Add it to knowledgebase/drugs.yaml.")
    return found


def parse_therapies(items: Iterable[str]) -> frozenset[str]:
    """Generic names of everything in a list of therapies, splitting combinations.

    >>> from actionable.drugs import parse_therapies
    >>> sorted(parse_therapies(["Tafinlar + Mekinist", "FOLFOX"]))
    ['dabrafenib', 'fluorouracil', 'leucovorin', 'oxaliplatin', 'trametinib']
    """
    out: set[str] = set()
    for item in items:
        for part in re.split(r"\s*(?:\+|/|,|&|\band\b|\bplus\b|\bwith\b)\s*", item.strip()):
            if not part:
                continue
            key = _key(part)
            regimen = _regimens().get(key)
            if regimen:
                out.update(regimen)
            else:
                out.add(resolve_drug(part))
    return frozenset(out)


@cache
def _regimens() -> dict[str, tuple[str, ...]]:
    path = knowledgebase_dir() / "drugs.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {_key(k): tuple(v) for k, v in (data.get("regimens") or {}).items()}


@cache
def _roles() -> dict[str, tuple[str, frozenset[str]]]:
    path = knowledgebase_dir() / "drug_roles.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    out: dict[str, tuple[str, frozenset[str]]] = {}
    for role, entry in (data.get("roles") or {}).items():
        for name in entry.get("classes", ()):
            out[name] = (role, frozenset(entry.get("directed_by", ())))
    return out


def partner_role(drug: str, target: str | None = None) -> str | None:
    """The partner role of a drug in a combination for a rule on ``target`` (a gene or
    biomarker), or ``None`` when the drug is directed at the biomarker
    (``knowledgebase/drug_roles.yaml``).

    >>> from actionable.drugs import partner_role
    >>> partner_role("enzalutamide", "BRCA2"), partner_role("talazoparib", "BRCA2")
    ('androgen-axis therapy', None)
    >>> partner_role("cetuximab", "BRAF"), partner_role("cetuximab", "EGFR")
    ('anti-EGFR antibody', None)
    """
    drug_class = _table()[0][resolve_drug(drug)].drug_class
    found = _roles().get(drug_class or "")
    if found is None or (target is not None and target in found[1]):
        return None
    return found[0]


def reload() -> None:
    """Forget the loaded vocabulary, so the next lookup reads the files again (after an
    importer wrote ``knowledgebase/drugs_civic.yaml``, for example).

    >>> from actionable.drugs import reload, resolve_drug
    >>> reload()
    >>> resolve_drug("Mekinist")
    'trametinib'
    """
    _table.cache_clear()
    _regimens.cache_clear()
    _roles.cache_clear()
