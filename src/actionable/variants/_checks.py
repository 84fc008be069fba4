"""What the library knows about protein positions: the reference residue at known
positions (``knowledgebase/residues.tsv``, built by ``scripts/build_residues.py``) and
protein lengths (``knowledgebase/protein_lengths.yaml``). A change that contradicts
them is refused: ``KRAS V12C`` names a residue KRAS does not have at 12, ``KRAS V600E``
a position beyond its end. Silently matching nothing would hide a typo from the board.
"""

from __future__ import annotations

from functools import cache

import yaml

from .._resources import knowledgebase_dir
from ..errors import VariantParseError
from ..models import Variant

__all__ = ["check_position", "conflict"]

# Kinds whose ``ref`` is the reference residue at ``position``.
_CHECKED = frozenset(
    {"missense", "nonsense", "synonymous", "frameshift", "codon", "inframe_deletion",
     "inframe_insertion", "inframe_delins", "duplication", "start_lost"}
)  # fmt: skip


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


def _elsewhere(position: int, ref: str, gene: str) -> str:
    genes = [g for g in _residues()[1].get((position, ref), ()) if g != gene]
    if not genes:
        return ""
    return f" ({ref}{position} is a {'/'.join(genes[:3])} residue)"


def conflict(gene: str, position: int, end: int | None, ref: str | None) -> str | None:
    """Why a change at ``position`` (to ``end``) with reference ``ref`` cannot be right
    for ``gene``, or ``None`` when nothing known contradicts it.

    >>> conflict("KRAS", 12, None, "V")
    'KRAS has G at position 12, not V (V12 is a KNSTRN residue)'
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
    return None


def check_position(variant: Variant, text: str) -> None:
    """Refuse a change whose residue or position contradicts what the library knows.

    >>> from actionable.variants import parse_variant
    >>> parse_variant("KRAS V600E")
    Traceback (most recent call last):
    ...
    actionable.errors.VariantParseError: cannot parse variant 'KRAS V600E': position 600 \
is beyond the end of KRAS (189 amino acids) (V600 is a BRAF residue). Check the gene \
and the position
    """
    values = variant.__dict__
    gene, position = values["gene"], values["position"]
    if gene is None or position is None or values["kind"] not in _CHECKED:
        return
    # The common case, nothing known against it, without building a message.
    length = _lengths().get(gene)
    ref = values["ref"]
    known = _residues()[0].get((gene, position))
    if (length is None or (values["end_position"] or position) <= length) and (
        known is None or not ref or ref[0] == known or ref == "*"
    ):
        return
    problem = conflict(gene, position, values["end_position"], ref)
    if problem is not None:
        raise VariantParseError(text, problem, "check the gene and the position")
