"""What ``/info`` and the gene lists answer: our knowledge-base version in OncoKB's
fields, and the genes the bundled knowledge covers (named by a rule or with a curated
cancer role), with their MANE transcript and the strongest level of their rules.

>>> from actionable.evaluate import default_engine
>>> braf = next(g for g in curated_genes(default_engine()) if g["hugoSymbol"] == "BRAF")
>>> braf["entrezGeneId"], braf["geneType"], braf["highestSensitiveLevel"]
(673, 'ONCOGENE', 'LEVEL_1')
"""

from __future__ import annotations

from functools import cache
from typing import Any

import yaml

from .. import __version__
from .._resources import knowledgebase_dir
from ..engine import Engine
from ..errors import VariantParseError
from ..evaluate import kb_version
from ..genes import gene_info
from ..oncogenicity import gene_role
from ..report import LEVEL_COLOURS
from ..resolve import level_description, level_rank
from ..tumors import oncotree_release

__all__ = [
    "cancer_gene_list",
    "cancer_gene_list_tsv",
    "curated_genes",
    "curated_genes_tsv",
    "info",
    "oncokb_level",
]

_LEVELS = ("1", "2", "3A", "3B", "4", "R1", "R2")


def oncokb_level(level: str | None) -> str | None:
    """A level as OncoKB spells it.

    >>> oncokb_level("3A"), oncokb_level("R1"), oncokb_level(None)
    ('LEVEL_3A', 'LEVEL_R1', None)
    """
    return f"LEVEL_{level}" if level else None


def info() -> dict[str, Any]:
    """The ``/info`` answer: ``dataVersion`` is the bundled knowledge base's version and
    date, so a client that shows "OncoKB data version" shows ours.

    >>> info()["dataVersion"]
    {'version': '2026.12.1', 'date': '2026-12-01'}
    """
    version, date = kb_version()
    return {
        "dataVersion": {"version": version, "date": date},
        "apiVersion": {"version": "v1", "date": date},
        "appVersion": {"version": f"actionable {__version__}", "date": date},
        "oncoTreeVersion": oncotree_release(),
        "ncitVersion": "",
        "publicInstance": False,
        "levels": [
            {
                "levelOfEvidence": oncokb_level(level),
                "description": level_description(level),
                "htmlDescription": level_description(level),
                "colorHex": LEVEL_COLOURS[level],
            }
            for level in _LEVELS
        ],
    }


@cache
def _role_genes() -> tuple[str, ...]:
    data = yaml.safe_load((knowledgebase_dir() / "gene_roles.yaml").read_text(encoding="utf-8"))
    return tuple((data or {}).get("genes", {}))


def _gene_type(gene: str) -> str:
    role = gene_role(gene)
    if role is None:
        return "INSUFFICIENT_EVIDENCE"
    return {"oncogene": "ONCOGENE", "tumor_suppressor": "TSG", "both": "ONCOGENE_AND_TSG"}[
        role.role
    ]


def curated_genes(engine: Engine) -> tuple[dict[str, Any], ...]:
    """Every gene a rule of ``engine`` names or ``gene_roles.yaml`` gives a role, sorted,
    in the shape of OncoKB's ``/utils/allCuratedGenes`` (the app computes it once)."""
    strongest: dict[str, dict[str, str]] = {}
    for rule in engine.rules:
        named = {rule.gene} if rule.gene else set()
        for pattern in rule.patterns:
            named.update(g for g in (pattern.gene, *pattern.partners) if g)
        for gene in named:
            best = strongest.setdefault(gene, {})
            held = best.get(rule.effect)
            if held is None or level_rank(rule.level) < level_rank(held):
                best[rule.effect] = rule.level
    genes = sorted({*strongest, *_role_genes()})
    out = []
    for gene in genes:
        try:
            entry = gene_info(gene)
        except VariantParseError:  # a symbol the gene table does not know: listed bare
            entry = None
        best = strongest.get(gene, {})
        role = gene_role(gene)
        out.append(
            {
                "hugoSymbol": gene,
                "entrezGeneId": int(entry.entrez_id) if entry and entry.entrez_id else None,
                "grch37Isoform": None,
                "grch37RefSeq": None,
                "grch38Isoform": entry.ensembl_nuc if entry else None,
                "grch38RefSeq": entry.refseq_nuc if entry else None,
                "geneType": _gene_type(gene),
                "oncogene": role is not None and role.role in ("oncogene", "both"),
                "tsg": role is not None and role.role in ("tumor_suppressor", "both"),
                "highestSensitiveLevel": oncokb_level(best.get("sensitivity")),
                "highestResistanceLevel": oncokb_level(best.get("resistance")),
                "summary": "",
                "background": "",
            }
        )
    return tuple(out)


def curated_genes_tsv(genes: tuple[dict[str, Any], ...]) -> str:
    """The gene list as a tab-separated table (``allCuratedGenes.txt``)."""
    columns = (
        ("GRCh38 Isoform", "grch38Isoform"),
        ("GRCh38 RefSeq", "grch38RefSeq"),
        ("Entrez Gene ID", "entrezGeneId"),
        ("Hugo Symbol", "hugoSymbol"),
        ("Gene Type", "geneType"),
        ("Highest Level of Evidence(sensitivity)", "highestSensitiveLevel"),
        ("Highest Level of Evidence(resistance)", "highestResistanceLevel"),
    )
    return _tsv(genes, columns)


def cancer_gene_list(genes: tuple[dict[str, Any], ...]) -> list[dict[str, Any]]:
    """The gene list in the shape of OncoKB's ``/utils/cancerGeneList``: every gene is
    ``oncokbAnnotated`` (this server annotates it); the other catalogues' flags are not
    tracked and stay false."""
    return [
        {
            "hugoSymbol": g["hugoSymbol"],
            "entrezGeneId": g["entrezGeneId"],
            "grch37Isoform": None,
            "grch37RefSeq": None,
            "grch38Isoform": g["grch38Isoform"],
            "grch38RefSeq": g["grch38RefSeq"],
            "geneType": g["geneType"],
            "oncogene": g["oncogene"],
            "tsg": g["tsg"],
            "oncokbAnnotated": True,
            "occurrenceCount": 1,
            "mSKImpact": False,
            "mSKHeme": False,
            "foundation": False,
            "foundationHeme": False,
            "vogelstein": False,
            "sangerCGC": False,
            "geneAliases": [],
        }
        for g in genes
    ]


def cancer_gene_list_tsv(genes: tuple[dict[str, Any], ...]) -> str:
    """The cancer gene list as a tab-separated table (``cancerGeneList.txt``)."""
    columns = (
        ("Hugo Symbol", "hugoSymbol"),
        ("Entrez Gene ID", "entrezGeneId"),
        ("GRCh38 Isoform", "grch38Isoform"),
        ("GRCh38 RefSeq", "grch38RefSeq"),
        ("Gene Type", "geneType"),
        ("OncoKB Annotated", "oncokbAnnotated"),
    )
    return _tsv(cancer_gene_list(genes), columns)


def _tsv(rows: Any, columns: tuple[tuple[str, str], ...]) -> str:
    def cell(value: object) -> str:
        if value is None:
            return ""
        if isinstance(value, bool):
            return "Yes" if value else "No"
        return str(value)

    lines = ["\t".join(title for title, _ in columns)]
    lines += ["\t".join(cell(row[key]) for _, key in columns) for row in rows]
    return "\n".join(lines) + "\n"
