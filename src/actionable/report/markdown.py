"""Markdown tumor-board report (the same content as the HTML one).

>>> import actionable
>>> text = render_markdown(actionable.evaluate(["BRAF V600E"], tumor="colon NEC"))
>>> text.splitlines()[0]
'# Tumor board report'
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..models import Recommendation, Report
from . import _unpack, citation_link

if TYPE_CHECKING:
    from ..cohort import Funnel, Patient

__all__ = ["render_index_markdown", "render_markdown"]

_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_[]<>|#"})


def _md(text: str) -> str:
    return " ".join(str(text).split()).translate(_SPECIAL)


def _recommendations(recs: tuple[Recommendation, ...]) -> list[str]:
    lines: list[str] = []
    for number, rec in enumerate(recs, 1):
        off = " - off-label" if rec.match.off_label else ""
        lines.append(
            f"{number}. **[{rec.level}]** {_md(rec.therapy.name)} ({rec.effect}) for "
            f"{_md(', '.join(str(v) for v in rec.variants))}{off}; tier {_md(rec.tier)}; "
            f"rule `{rec.rule_id}`"
        )
        lines += [f"    - {_md(s)}" for s in rec.rationale]
        for c in rec.evidence:
            link = citation_link(c.pmid)
            text = _md(str(c))
            lines.append(f"    - evidence: [{text}]({link})" if link else f"    - evidence: {text}")
    return lines


def render_markdown(item: Patient | Report, *, kb: tuple[str, str] | None = None) -> str:
    """One patient's report as Markdown (text escaped for Markdown).

    >>> import actionable
    >>> "**[1]**" in render_markdown(actionable.evaluate(["BRAF V600E"], tumor="MEL"))
    True
    """
    report, patient = _unpack(item)
    title = f"Tumor board report: {patient.sample}" if patient else "Tumor board report"
    lines = [f"# {_md(title)}", ""]
    if patient is not None:
        lines.append(f"- Tumor (as written): {_md(patient.tumor_text or 'not given')}")
    if report is not None:
        lines.append(f"- Tumor type: {_md(str(report.tumor) if report.tumor else 'unknown')}")
    if patient is not None:
        lines.append(f"- NGS panel: {_md(patient.panel or 'not given')}")
        lines.append(
            f"- Prior therapies: {_md('; '.join(patient.prior_therapies) or 'none given')}"
        )
        lines.append(f"- Treated with: {_md('; '.join(patient.treated_with) or 'none given')}")
    lines.append("")
    if report is None:
        lines.append("No evaluation: the patient was not sequenced.")
    else:
        lines += ["## Variants", ""]
        calls = (*report.oncogenicity, *([None] * len(report.variants)))
        lines += [
            f"- {_md(str(v))} ({_md(v.kind)})"
            + (f": {_md(c.oncogenicity)}, {_md(c.mutation_effect)} ({_md(c.reason)})" if c else "")
            for v, c in zip(report.variants, calls, strict=False)
        ] or ["- none"]
        lines += ["", f"## Recommendations ({len(report.recommendations)})", ""]
        lines += _recommendations(report.recommendations)
        if not report.recommendations:
            lines.append("No targeted therapy at any level.")
        if report.contraindicated:
            lines += [
                "",
                f"## Contraindicated by this patient's resistance ({len(report.contraindicated)})",
                "",
            ]
            lines += _recommendations(report.contraindicated)
        lines += ["", "## Variants without a targeted therapy", ""]
        lines += [f"- **{_md(str(u.variant))}**: {_md(u.reason)}" for u in report.unmatched] or [
            "- none"
        ]
        if report.warnings:
            lines += ["", "## Warnings", ""] + [f"- {_md(w)}" for w in report.warnings]
    if patient is not None and (patient.clinical_error or patient.input_issue_counts):
        lines += ["", "## Input problems", ""]
        if patient.clinical_error:
            lines.append(f"- clinical table: {_md(patient.clinical_error)}")
        lines += [f"- {n} row(s): {_md(r)}" for r, n in patient.input_issue_counts.items()]
    version, date = kb if kb else ((report.kb_version, report.kb_date) if report else ("?", "?"))
    lines += ["", f"_Knowledge base {_md(version)} ({_md(date)})._", ""]
    return "\n".join(lines)


def render_index_markdown(funnel: Funnel) -> str:
    """The cohort funnel as a Markdown table with links to the patients' reports.

    >>> from actionable.cohort import Funnel
    >>> print(render_index_markdown(Funnel(threshold="2", screened=("A",), sequenced=(),
    ...     actionable=(), treated=())).splitlines()[2])
    | stage | patients |
    """
    from . import _safe_name

    lines = ["# Cohort screen", "", "| stage | patients |", "|---|---|"]
    lines += [f"| {stage} | {n} |" for stage, n in funnel.counts.items()]
    lines += ["", f"Actionable: level {funnel.threshold} or better.", "", "## Patients", ""]
    lines += [f"- [{_md(s)}]({_safe_name(s)}.md)" for s in funnel.sequenced]
    if funnel.errors:
        lines += ["", "## Input problems", ""] + [f"- {_md(e)}" for e in funnel.errors]
    return "\n".join(lines) + "\n"
