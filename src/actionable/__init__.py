"""actionable: from sequencing-report alterations and a tumor type to ranked, cited
targeted-therapy recommendations.

>>> import actionable
>>> report = actionable.evaluate(["BRAF V600E", "TP53 R213*"], tumor="colon NEC")
>>> report.recommendations[0].therapy.name
'dabrafenib + trametinib'
"""

from __future__ import annotations

from .errors import (
    ActionableError,
    EngineLimitError,
    RuleFileError,
    SourceError,
    UnknownTumorError,
    VariantParseError,
)
from .models import TumorContext, TumorMatch, TumorType, Variant

__version__ = "0.1.0"

__all__ = [
    "ActionableError",
    "EngineLimitError",
    "RuleFileError",
    "SourceError",
    "TumorContext",
    "TumorMatch",
    "TumorType",
    "UnknownTumorError",
    "Variant",
    "VariantParseError",
    "__version__",
]
