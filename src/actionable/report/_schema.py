"""The JSON Schema of the report JSON that ``actionable evaluate --json`` prints.

Published as docs/report.schema.json (``actionable schema --report``); a test keeps the
file current.

>>> schema = report_schema()
>>> schema["properties"]["schema_version"]["const"] == REPORT_SCHEMA_VERSION
True
>>> schema["$defs"]["Recommendation"]["anyOf"][0]
{'required': ['variant_index', 'variant_indices']}
"""

from __future__ import annotations

from typing import Any

from ..models import REPORT_SCHEMA_VERSION, Report

__all__ = ["REPORT_SCHEMA_VERSION", "report_schema"]


def report_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of ``Report.to_dict(variant_refs=True)``."""
    schema = Report.model_json_schema(mode="serialization")
    head = {
        "schema_version": {
            "const": REPORT_SCHEMA_VERSION,
            "description": "Version of this layout; raised when a field changes meaning.",
        },
        "actionable_version": {
            "type": "string",
            "description": "Version of the actionable library that wrote the report.",
        },
    }
    schema["properties"] = {**head, **schema["properties"]}
    schema["required"] = [*head, *schema.get("required", [])]
    rec = schema["$defs"]["Recommendation"]
    props = rec["properties"]
    props["variant_index"] = {
        "type": "integer",
        "minimum": 0,
        "description": "Position in the report's variants of the alteration this answers.",
    }
    props["variant_indices"] = {
        "type": "array",
        "items": {"type": "integer", "minimum": 0},
        "description": "Positions in the report's variants of all alterations the rule needs.",
    }
    rec["required"] = [
        name for name in rec.get("required", []) if name not in ("variant", "variants")
    ]
    # Indices for alterations given as input; an alteration only the rules derived is
    # spelled out instead.
    rec["anyOf"] = [
        {"required": ["variant_index", "variant_indices"]},
        {"required": ["variant", "variants"]},
    ]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        **{k: v for k, v in schema.items() if k != "title"},
        "title": "actionable report",
    }
