"""What the library knows about protein positions: the reference residue at known
positions (``knowledgebase/residues.tsv``), protein lengths
(``knowledgebase/protein_lengths.yaml``) and the signature hotspots of oncogenes
(``knowledgebase/signature_hotspots.tsv``), all built by ``scripts/build_residues.py``.

A change that contradicts them is refused: ``KRAS V12C`` names a residue KRAS does not
have at 12, ``KRAS V600E`` a position beyond its end. ``BRAF G12C`` names a residue the
library does not know for BRAF, but G12C is the signature of KRAS: far likelier a gene
written on the wrong line than a real BRAF change, so it is refused too, naming KRAS.
Silently matching nothing would hide a typo from the board.
"""

from __future__ import annotations

from functools import cache

import yaml

from .._resources import knowledgebase_dir
from ..errors import ResidueConflictError
from ..models import Variant

__all__ = ["MAX_POSITION", "check_position", "conflict", "fits"]

MAX_POSITION = 35_000
"""Highest protein position accepted: the longest human protein (titin) has ~34,350."""

# Kinds whose ``ref`` is the reference residue at ``position``.
_CHECKED = frozenset(
    {"missense", "nonsense", "synonymous", "frameshift", "codon", "inframe_deletion",
     "inframe_insertion", "inframe_delins", "duplication", "start_lost"}
)  # fmt: skip
# Kinds that name a hotspot the way reports name a signature change (G12C, or codon G12);
# a stop or frameshift at a glycine 12 says nothing about KRAS.
_SIGNATURE_KINDS = frozenset({"missense", "codon"})


@cache
def _residues() -> tuple[dict[tuple[str, int], str], dict[tuple[int, str], tuple[str, ...]]]:
    table: dict[tuple[str, int], str] = {}
    by_residue: dict[tuple[int, str], list[str]] = {}
    with (knowledgebase_dir() / "residues.tsv").open(encoding="utf-8") as handle:
        for line in handle:
            if line.startswith(("#", "gene\t")):
                continue
            gene, pos, ref, _ = line.rstrip("\n").split("\t")
            table[(gene, int(pos))] = ref
            by_residue.setdefault((int(pos), ref), []).append(gene)
    return table, {k: tuple(v) for k, v in by_residue.items()}


@cache
def _lengths() -> dict[str, int]:
    with (knowledgebase_dir() / "protein_lengths.yaml").open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle) or {}
    return {str(k): int(v) for k, v in (data.get("lengths") or {}).items()}


@cache
def _signatures() -> dict[tuple[int, str], tuple[str, ...]]:
    """(position, residue) -> the oncogenes with a hotspot there, most mutated first."""
    table: dict[tuple[int, str], tuple[str, ...]] = {}
    with (knowledgebase_dir() / "signature_hotspots.tsv").open(encoding="utf-8") as handle:
        for line in handle:
            if line.startswith(("#", "position\t")):
                continue
            pos, ref, genes = line.rstrip("\n").split("\t")
            table[(int(pos), ref)] = tuple(g.partition(":")[0] for g in genes.split(","))
    return table


def fits(gene: str, position: int, ref: str) -> bool:
    """Whether a one-residue change certainly passes :func:`conflict` (the parser's fast
    path); ``False`` means "ask :func:`conflict`", not "refused"."""
    residues, lengths, signatures = _tables()
    if position > lengths.get(gene, position):
        return False
    known = residues.get((gene, position))
    if known is not None:
        return known == ref
    return (position, ref) not in signatures


@cache
def _tables() -> tuple[
    dict[tuple[str, int], str], dict[str, int], dict[tuple[int, str], tuple[str, ...]]
]:
    # One cached call instead of three: fits() runs once per parsed line.
    return _residues()[0], _lengths(), _signatures()


def _elsewhere(position: int, ref: str, gene: str) -> str:
    genes = [g for g in _residues()[1].get((position, ref), ()) if g != gene]
    if not genes:
        return ""
    return f" ({ref}{position} is a {'/'.join(genes[:3])} residue)"


def _hotspot_genes(gene: str, position: int, ref: str, kind: str | None) -> tuple[str, ...]:
    """The oncogenes whose signature hotspot the change names, when it is not ``gene``'s
    and the library does not know ``gene``'s residue there; else ``()``."""
    if kind is not None and kind not in _SIGNATURE_KINDS:
        return ()
    genes = _signatures().get((position, ref), ())
    if not genes or gene in genes or (gene, position) in _residues()[0]:
        return ()
    return genes


def conflict(
    gene: str,
    position: int,
    end: int | None,
    ref: str | None,
    kind: str | None = None,
) -> str | None:
    """Why a change at ``position`` (to ``end``) with reference ``ref`` cannot be right
    for ``gene``, or ``None`` when nothing known contradicts it. ``kind`` (the variant
    kind) limits the signature-hotspot check to missense and codon changes; without it
    a one-residue change is checked as missense.

    >>> conflict("KRAS", 12, None, "V")
    'KRAS has G at position 12, not V (V12 is a KNSTRN residue)'
    >>> conflict("BRAF", 12, None, "G")
    "G12 is a signature hotspot of KRAS (also NRAS, HRAS), not of BRAF, and the library \
does not know BRAF's residue at position 12"
    >>> conflict("NRAS", 12, None, "G") is None
    True
    """
    length = _lengths().get(gene)
    last = end or position
    if length is not None and last > length:
        where = _elsewhere(position, ref[0], gene) if ref else ""
        return f"position {last} is beyond the end of {gene} ({length} amino acids){where}"
    if not ref or ref == "*":
        return None
    known = _residues()[0].get((gene, position))
    if known is not None and known != ref[0]:
        return f"{gene} has {known} at position {position}, not {ref[0]}" + _elsewhere(
            position, ref[0], gene
        )
    if end is None and len(ref) == 1:
        genes = _hotspot_genes(gene, position, ref, kind)
        if genes:
            also = f" (also {', '.join(genes[1:])})" if len(genes) > 1 else ""
            return (
                f"{ref}{position} is a signature hotspot of {genes[0]}{also}, not of {gene}, "
                f"and the library does not know {gene}'s residue at position {position}"
            )
    return None


def check_position(variant: Variant, text: str) -> None:
    """Refuse a change whose residue or position contradicts what the library knows, or
    that names another gene's signature hotspot at a residue it does not know for this
    gene.

    >>> from actionable.variants import parse_variant
    >>> parse_variant("KRAS V600E")
    Traceback (most recent call last):
    ...
    actionable.errors.ResidueConflictError: cannot parse variant 'KRAS V600E': position 600 \
is beyond the end of KRAS (189 amino acids) (V600 is a BRAF residue). Did you mean \
BRAF V600E? Check the gene on the report
    >>> parse_variant("BRAF G12C")
    Traceback (most recent call last):
    ...
    actionable.errors.ResidueConflictError: cannot parse variant 'BRAF G12C': G12 is a \
signature hotspot of KRAS (also NRAS, HRAS), not of BRAF, and the library does not know \
BRAF's residue at position 12. Did you mean KRAS G12C? Check the gene on the report
    """
    values = variant.__dict__
    gene, position = values["gene"], values["position"]
    kind = values["kind"]
    if gene is None or position is None or kind not in _CHECKED:
        return
    ref = values["ref"]
    end = values["end_position"]
    # The common case, nothing known against it, without building a message.
    if end is None and ref and len(ref) == 1 and ref != "*" and fits(gene, position, ref):
        return
    length = _lengths().get(gene)
    known = _residues()[0].get((gene, position))
    if (
        (length is None or (end or position) <= length)
        and (known is None or not ref or ref[0] == known or ref == "*")
        and not (end is None and ref and len(ref) == 1 and ref != "*"
                 and _hotspot_genes(gene, position, ref, kind))
    ):  # fmt: skip
        return
    problem = conflict(gene, position, end, ref, kind)
    if problem is None:
        return
    hotspot = _hotspot_genes(gene, position, ref, kind) if ref and end is None else ()
    if hotspot:  # "KRAS V600E" too: beyond KRAS's end, and BRAF's signature
        suggestion = (
            f"did you mean {hotspot[0]} {values['alteration']}? Check the gene on the report"
        )
    else:
        suggestion = "check the gene and the position"
    raise ResidueConflictError(
        text, problem, suggestion, gene=gene, position=position, known=known,
        hotspot_genes=hotspot,
    )  # fmt: skip
