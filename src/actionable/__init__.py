"""actionable: from sequencing-report alterations and a tumor type to ranked, cited
targeted-therapy recommendations.

>>> import actionable
>>> report = actionable.evaluate(["BRAF V600E", "TP53 R213*"], tumor="colon NEC")
>>> report.recommendations[0].therapy.name
'dabrafenib + trametinib'
"""

from __future__ import annotations

from .cohort import Funnel, annotate, screen
from .engine import Engine
from .errors import (
    ActionableError,
    EngineLimitError,
    FactError,
    MissingExtraError,
    RuleFileError,
    SourceError,
    UnknownTumorError,
    VariantParseError,
)
from .evaluate import evaluate
from .models import (
    Citation,
    Classification,
    MatchDetail,
    PatientFacts,
    Recommendation,
    Report,
    Therapy,
    TumorContext,
    TumorMatch,
    TumorType,
    Unmatched,
    Variant,
)
from .oncogenicity import classify
from .rules import load_rules
from .tumors import resolve_tumor
from .variants import parse_variant, parse_variants

__version__ = "0.1.0"

__all__ = [
    "ActionableError",
    "Citation",
    "Classification",
    "Engine",
    "EngineLimitError",
    "FactError",
    "Funnel",
    "MatchDetail",
    "MissingExtraError",
    "PatientFacts",
    "Recommendation",
    "Report",
    "RuleFileError",
    "SourceError",
    "Therapy",
    "TumorContext",
    "TumorMatch",
    "TumorType",
    "UnknownTumorError",
    "Unmatched",
    "Variant",
    "VariantParseError",
    "__version__",
    "annotate",
    "classify",
    "evaluate",
    "load_rules",
    "parse_variant",
    "parse_variants",
    "resolve_tumor",
    "screen",
]
