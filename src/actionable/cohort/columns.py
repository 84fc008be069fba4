"""The annotation columns of one alteration, in one place: the names
(:data:`ANNOTATION_COLUMNS`) and the functions that compute their values
(:func:`oncokb_columns`, :func:`oncogenicity_columns`). The writer and the pool only
call these, so a new column layout replaces this module and nothing else.

>>> ANNOTATION_COLUMNS[:4]
('MUTATION_EFFECT', 'MUTATION_EFFECT_CITATIONS', 'ONCOGENIC', 'HIGHEST_LEVEL')
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from ..models import Recommendation, Variant
from ..oncogenicity import classify

__all__ = [
    "ANNOTATION_COLUMNS",
    "LEVEL_COLUMNS",
    "ONCOGENICITY_COLUMNS",
    "oncogenicity_columns",
    "oncokb_columns",
]

LEVEL_COLUMNS: tuple[str, ...] = (
    "LEVEL_1",
    "LEVEL_2",
    "LEVEL_3A",
    "LEVEL_3B",
    "LEVEL_4",
    "LEVEL_R1",
    "LEVEL_R2",
)
ONCOGENICITY_COLUMNS: tuple[str, ...] = (
    "MUTATION_EFFECT",
    "MUTATION_EFFECT_CITATIONS",
    "ONCOGENIC",
)
"""Per-variant columns from :func:`actionable.oncogenicity.classify`, where the OncoKB
annotator writes them (before the levels); filled for the rows the annotator parses."""
ANNOTATION_COLUMNS: tuple[str, ...] = (
    *ONCOGENICITY_COLUMNS,
    "HIGHEST_LEVEL",
    "HIGHEST_SENSITIVE_LEVEL",
    "HIGHEST_RESISTANCE_LEVEL",
    *LEVEL_COLUMNS,
    "ACTIONABLE_RULE_IDS",
    "RATIONALE",
    "ACTIONABLE_ERROR",
)
# Order used for HIGHEST_LEVEL, as in the OncoKB annotator: R1 first, R2 last.
_HIGHEST_ORDER = ("R1", "1", "2", "3A", "3B", "4", "R2")
_SENSITIVE = ("1", "2", "3A", "3B", "4")
_EMPTY = ("",) * len(ANNOTATION_COLUMNS)
_HIGHEST = ANNOTATION_COLUMNS.index("HIGHEST_LEVEL")


def _clean(text: str) -> str:
    return " ".join(text.replace("|", "/").split())


def oncogenicity_columns(variant: Variant | None) -> tuple[str, ...]:
    """``MUTATION_EFFECT``, ``MUTATION_EFFECT_CITATIONS`` (``PMID:n`` or CIViC ids, ``;``
    -joined) and ``ONCOGENIC`` for one variant (empty without one).

    >>> import actionable
    >>> oncogenicity_columns(actionable.parse_variant("TP53 R175H"))[::2]
    ('Loss-of-function', 'Oncogenic')
    """
    if variant is None:
        return ("", "", "")
    call = classify(variant)
    cites = (
        part
        for c in call.citations
        for part in (
            f"PMID:{c.pmid}" if c.pmid else "",
            c.civic or "",
            "" if c.pmid or c.civic else (c.fda or c.guideline or c.doi or c.url or ""),
        )
    )
    return (
        call.mutation_effect,
        ";".join(_clean(c) for c in dict.fromkeys(cites) if c),
        call.oncogenicity,
    )


def oncokb_columns(
    recommendations: Iterable[Recommendation], error: str = "", variant: Variant | None = None
) -> tuple[str, ...]:
    """The annotation columns (:data:`ANNOTATION_COLUMNS` order) for one alteration;
    the oncogenicity columns are empty unless ``variant`` is given.

    Drugs of a recommendation are joined with ``+``, recommendations at the same level
    with ``,`` (OncoKB annotator convention); ``HIGHEST_*`` values read ``LEVEL_1``,
    ``LEVEL_R1``. ``RATIONALE`` is one short sentence per recommendation, ``|``-joined.

    >>> import actionable
    >>> r = actionable.evaluate(["BRAF V600E"], tumor="MEL", max_level="1")
    >>> cols = dict(zip(ANNOTATION_COLUMNS, oncokb_columns(r.recommendations)))
    >>> cols["HIGHEST_LEVEL"], "dabrafenib+trametinib" in cols["LEVEL_1"].split(",")
    ('LEVEL_1', True)
    """
    by_level: dict[str, list[str]] = defaultdict(list)
    rule_ids: list[str] = []
    rationale: list[str] = []
    for rec in recommendations:
        therapy = "+".join(rec.therapy.drugs)
        if therapy not in by_level[rec.level]:
            by_level[rec.level].append(therapy)
        rule_ids.append(rec.rule_id)
        why = rec.rationale[0] if rec.rationale else rec.rule_id
        extra = "; off-label (curated for another tumor type)" if rec.match.off_label else ""
        rationale.append(_clean(f"LEVEL_{rec.level} {rec.therapy.name}: {why}{extra}"))
    present = [level for level in _HIGHEST_ORDER if by_level.get(level)]
    sensitive = [level for level in present if level in _SENSITIVE]
    resistant = [level for level in present if level not in _SENSITIVE]
    return (
        *oncogenicity_columns(variant),
        f"LEVEL_{present[0]}" if present else "",
        f"LEVEL_{sensitive[0]}" if sensitive else "",
        f"LEVEL_{resistant[0]}" if resistant else "",
        *(",".join(by_level.get(column[6:], ())) for column in LEVEL_COLUMNS),
        ",".join(dict.fromkeys(rule_ids)),
        "|".join(rationale),
        _clean(error),
    )
