"""Build knowledgebase/tumor_ontology_synonyms.tsv: Disease Ontology names and exact
synonyms joined to OncoTree codes.

A Disease Ontology (DO) term is joined to an OncoTree node through the NCI Thesaurus
and UMLS codes both carry. Only unambiguous joins are kept: a term whose codes point
to several OncoTree nodes, a phrase that two terms give to different nodes, and a
phrase that is already an OncoTree code, an OncoTree name or a curated synonym
(``knowledgebase/tumor_synonyms.yaml``) of another node are all left out. Acronym
synonyms are left out too: short letters mean different things in different clinics,
and the curated file is where an abbreviation is decided.

    python scripts/build_tumor_vocabulary.py [--source PATH] [--output PATH]

The OBO file is parsed with obonet (``pip install -e '.[data]'``). The output is
sorted so that a rebuild from the same inputs is byte-identical. Disease Ontology is
CC0 1.0; see NOTICE.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT / "src"))

from actionable.tumors import _normalise  # noqa: E402  (the runtime's own normalisation)

RELEASE = "doid_2026-07-31"
DEFAULT_SOURCE = (
    REPO_ROOT.parent / "shared" / "data" / "tumor_types" / f"{RELEASE}_NCIthesaurus_subset.obo"
)
DEFAULT_OUTPUT = REPO_ROOT / "knowledgebase" / "tumor_ontology_synonyms.tsv"
KB = REPO_ROOT / "knowledgebase"

_SYNONYM_RE = re.compile(r'^"(?P<text>(?:[^"\\]|\\.)*)"\s+(?P<scope>[A-Z]+)\s*(?P<rest>.*)$')
_ACRONYM = "OMO:0003012"

# Nodes the joins reach through codes shared with a broader disease: the DO phrases
# would claim more than they say (checked by hand against the OncoTree names).
_SKIP_CODES = {
    # "Diffuse Astrocytoma, MYB- or MYBL1-Altered" (paediatric) shares NCI codes with
    # adult diffuse astrocytoma, which is IDH-mutant (ASTR2) in WHO 2021.
    "DASTR": "MYB/MYBL1-altered only",
    # "Astrocytoma, IDH-Mutant": DO astrocytoma phrases say nothing about IDH.
    "ASTR": "IDH status not stated",
    # Reached from "malignant extragonadal teratoma", which is not vaginal.
    "VIMT": "site-specific node",
    # Reached from a DO grouping term ("histiocytic and dendritic cell").
    "DCS": "grouping term",
    # OncoTree's "Malignant Tumor" sits under the brain; DO's "cancer" is any cancer.
    "MT": "brain node reached from 'cancer'",
}


def _oncotree_joins() -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    codes = json.loads((KB / "oncotree.json").read_text(encoding="utf-8"))["codes"]
    by_nci: dict[str, set[str]] = defaultdict(set)
    by_umls: dict[str, set[str]] = defaultdict(set)
    for code, entry in codes.items():
        for nci in entry.get("nci", ()):
            by_nci[nci].add(code)
        for cui in entry.get("umls", ()):
            by_umls[cui].add(code)
    return by_nci, by_umls


def _taken() -> dict[str, set[str]]:
    """Normalised phrase -> codes it already means (codes, names, curated synonyms)."""
    taken: dict[str, set[str]] = defaultdict(set)
    codes = json.loads((KB / "oncotree.json").read_text(encoding="utf-8"))["codes"]
    for code, entry in codes.items():
        taken[_normalise(code)].add(code)
        taken[_normalise(entry["name"])].add(code)
        for key in ("history", "precursors", "revocations"):
            for old in entry.get(key, ()):
                taken[_normalise(old)].add(code)
    curated = yaml.safe_load((KB / "tumor_synonyms.yaml").read_text(encoding="utf-8"))
    for code, phrases in (curated.get("synonyms") or {}).items():
        for phrase in phrases:
            taken[_normalise(phrase)].add(code)
    for phrase, options in (curated.get("ambiguous") or {}).items():
        taken[_normalise(phrase)].update(options)
    return taken


def _phrases(data: dict[str, Any]) -> list[str]:
    found = [str(data.get("name", ""))]
    for raw in data.get("synonym", ()):
        hit = _SYNONYM_RE.match(raw)
        if hit is None or hit.group("scope") != "EXACT" or _ACRONYM in hit.group("rest"):
            continue
        found.append(hit.group("text").replace('\\"', '"'))
    return [p for p in found if p.strip()]


def build(source: Path) -> list[tuple[str, str, str]]:
    """(phrase, OncoTree code, DOID) rows, sorted."""
    import obonet  # a data-build dependency only: the library never parses OBO

    graph = obonet.read_obo(str(source))
    by_nci, by_umls = _oncotree_joins()
    taken = _taken()
    proposals: dict[str, dict[str, tuple[str, str]]] = defaultdict(dict)
    for doid, data in graph.nodes(data=True):
        if str(data.get("is_obsolete", "false")).lower() == "true":
            continue
        targets: set[str] = set()
        for xref in data.get("xref", ()):
            prefix, _, value = str(xref).partition(":")
            if prefix == "NCI":
                targets |= by_nci.get(value, set())
            elif prefix == "UMLS_CUI":
                targets |= by_umls.get(value, set())
        if len(targets) != 1:
            continue
        code = next(iter(targets))
        if code in _SKIP_CODES:
            continue
        benign = "benign" in str(data.get("name", "")).lower()
        for phrase in _phrases(data):
            key = _normalise(phrase)
            # "Phyllodes neoplasm" is a synonym of the benign term, but without the word
            # it would claim every phyllodes tumor is benign.
            if benign and "benign" not in key:
                continue
            if len(key) < 4 or key in taken:
                continue
            proposals[key][code] = (phrase, str(doid))
    rows = []
    for _key, by_code in proposals.items():
        if len(by_code) != 1:
            continue  # two DO terms give the phrase to different nodes
        code, (phrase, doid) = next(iter(by_code.items()))
        rows.append((phrase, code, doid))
    return sorted(rows, key=lambda row: (row[1], row[0].casefold(), row[2]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args(argv)
    rows = build(args.source)
    lines = [
        f"# Disease Ontology ({RELEASE}, CC0 1.0) names and exact synonyms joined to OncoTree",
        "# through NCI Thesaurus / UMLS codes. Generated by scripts/build_tumor_vocabulary.py;",
        "# do not edit: add clinic phrasings to tumor_synonyms.yaml instead.",
        "phrase\toncotree\tdoid",
        *(f"{phrase}\t{code}\t{doid}" for phrase, code, doid in rows),
    ]
    args.output.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {len(rows)} phrasings for {len({r[1] for r in rows})} OncoTree codes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
