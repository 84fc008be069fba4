"""Self-contained HTML tumor-board report: inline CSS, no scripts, no external assets.

Every piece of text from inputs or rules goes through :func:`html.escape`.

>>> import actionable
>>> page = render_html(actionable.evaluate(["BRAF V600E"], tumor="colon NEC"))
>>> page.startswith("<!DOCTYPE html>"), "dabrafenib + trametinib" in page
(True, True)
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from ..models import Citation, Classification, Recommendation, Report
from . import LEVEL_COLOURS, _unpack, citation_link

if TYPE_CHECKING:
    from ..cohort import Funnel, Patient

__all__ = ["render_html", "render_index_html"]

_CSS = """
body{font-family:-apple-system,"Segoe UI",Helvetica,Arial,sans-serif;margin:24px auto;
max-width:1100px;color:#1d1d1f;line-height:1.4;padding:0 16px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;border-bottom:2px solid #ddd;
padding-bottom:4px;margin-top:28px}.meta{color:#555;font-size:14px}
table{border-collapse:collapse;width:100%;font-size:14px}
th,td{border:1px solid #ddd;padding:6px 8px;text-align:left;vertical-align:top}
th{background:#f3f4f6}.badge{display:inline-block;min-width:34px;text-align:center;
color:#fff;font-weight:700;border-radius:12px;padding:2px 8px;font-size:13px}
.rec{border:1px solid #ddd;border-left-width:8px;border-radius:6px;padding:10px 14px;
margin:12px 0}.rec h3{margin:0 0 6px;font-size:16px}.rec ul{margin:6px 0 0 18px;
padding:0;font-size:13px}.cite{font-size:13px;color:#333}.muted{color:#666}
.warn{background:#fff7e6;border:1px solid #f0c36d;border-radius:6px;padding:8px 12px}
footer{margin-top:32px;font-size:12px;color:#666;border-top:1px solid #ddd;padding-top:8px}
.resistance h3{color:#b42318}
"""


def _badge(level: str) -> str:
    colour = LEVEL_COLOURS.get(level, "#777")
    text_colour = "#000" if level in ("3B", "R2") else "#fff"
    return (
        f'<span class="badge" style="background:{colour};color:{text_colour}">'
        f"{escape(level)}</span>"
    )


def _citation(c: Citation) -> str:
    text = escape(str(c))
    link = citation_link(c.pmid)
    if link:
        text = f'<a href="{escape(link)}">{text}</a>'
    elif c.url:
        text = f'<a href="{escape(c.url)}">{text}</a>'
    if c.note:
        text += f' <span class="muted">({escape(c.note)})</span>'
    return f"<li>{text}</li>"


def _recommendation(number: int, rec: Recommendation) -> str:
    colour = LEVEL_COLOURS.get(rec.level, "#777")
    variants = ", ".join(escape(str(v)) for v in rec.variants)
    flags = []
    if rec.match.off_label:
        flags.append("off-label (another tumor type)")
    if rec.previously_received:
        flags.append("previously received")
    if rec.conditions:
        flags.append("to confirm: " + ", ".join(rec.conditions))
    if rec.conflicts:
        flags.append("conflicts: " + ", ".join(rec.conflicts))
    flag_html = f' <span class="muted">[{escape("; ".join(flags))}]</span>' if flags else ""
    rationale = "".join(f"<li>{escape(s)}</li>" for s in rec.rationale)
    citations = "".join(_citation(c) for c in rec.evidence)
    return (
        f'<div class="rec {escape(rec.effect)}" style="border-left-color:{colour}">'
        f"<h3>{number}. {_badge(rec.level)} {escape(rec.therapy.name)} "
        f'<span class="muted">({escape(rec.effect)})</span>{flag_html}</h3>'
        f'<div class="meta">for {variants} &middot; AMP/ASCO/CAP tier {escape(rec.tier)}'
        f" &middot; rule <code>{escape(rec.rule_id)}</code> ({escape(rec.source)})</div>"
        f"<ul>{rationale}</ul>"
        f'<div class="cite"><strong>Evidence</strong><ul>{citations}</ul></div></div>'
    )


def render_html(item: Patient | Report, *, kb: tuple[str, str] | None = None) -> str:
    """One patient's report as a complete, self-contained HTML page.

    ``item`` is a :class:`~actionable.cohort.Patient` (adds clinical data and input
    problems) or a bare :class:`~actionable.models.Report`.

    >>> import actionable
    >>> "&lt;b&gt;" in render_html(actionable.evaluate(["BRAF V600E"], tumor="<b>MEL</b>"
    ...     if False else "MEL").model_copy(update={"warnings": ("<b>",)}))
    True
    """
    report, patient = _unpack(item)
    title = f"Tumor board report - {patient.sample}" if patient else "Tumor board report"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{escape(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{escape(title)}</h1>",
    ]
    meta: list[tuple[str, str]] = []
    if patient is not None:
        meta.append(("Tumor (as written)", patient.tumor_text or "not given"))
    if report is not None:
        meta.append(("Tumor type", str(report.tumor) if report.tumor else "unknown"))
    if patient is not None:
        meta.append(("NGS panel", patient.panel or "not given"))
        meta.append(("Prior therapies", "; ".join(patient.prior_therapies) or "none given"))
        meta.append(("Treated with", "; ".join(patient.treated_with) or "none given"))
    parts.append('<table class="meta-table">')
    parts.extend(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in meta)
    parts.append("</table>")

    if report is None:
        parts.append("<p>No evaluation: the patient was not sequenced.</p>")
    else:
        parts.append(
            "<h2>Variants</h2><table><tr><th>Alteration</th><th>Kind</th>"
            "<th>Origin</th><th>As reported</th><th>Oncogenicity</th></tr>"
        )
        calls = (*report.oncogenicity, *([None] * len(report.variants)))
        parts.extend(
            f"<tr><td>{escape(str(v))}</td><td>{escape(v.kind)}</td>"
            f"<td>{escape(v.origin)}</td><td>{escape(v.text)}</td><td>{_oncogenicity(c)}</td></tr>"
            for v, c in zip(report.variants, calls, strict=False)
        )
        if not report.variants:
            parts.append('<tr><td colspan="5">none reported</td></tr>')
        parts.append("</table>")
        parts.append(f"<h2>Recommendations ({len(report.recommendations)})</h2>")
        if report.recommendations:
            parts.extend(_recommendation(i, r) for i, r in enumerate(report.recommendations, 1))
        else:
            parts.append("<p>No targeted therapy at any level.</p>")
        if report.contraindicated:
            parts.append(
                f"<h2>Contraindicated by this patient's resistance "
                f"({len(report.contraindicated)})</h2>"
            )
            parts.extend(_recommendation(i, r) for i, r in enumerate(report.contraindicated, 1))
        parts.append("<h2>Variants without a targeted therapy</h2>")
        if report.unmatched:
            parts.append("<ul>")
            parts.extend(
                f"<li><strong>{escape(str(u.variant))}</strong>: {escape(u.reason)}</li>"
                for u in report.unmatched
            )
            parts.append("</ul>")
        else:
            parts.append('<p class="muted">none</p>')
        if report.warnings:
            parts.append('<h2>Warnings</h2><div class="warn"><ul>')
            parts.extend(f"<li>{escape(w)}</li>" for w in report.warnings)
            parts.append("</ul></div>")
    if patient is not None and (patient.clinical_error or patient.input_issue_counts):
        parts.append('<h2>Input problems</h2><div class="warn"><ul>')
        if patient.clinical_error:
            parts.append(f"<li>clinical table: {escape(patient.clinical_error)}</li>")
        for reason, count in patient.input_issue_counts.items():
            parts.append(f"<li>{count} row(s): {escape(reason)}</li>")
        parts.append("</ul></div>")
    version, date = kb if kb else ((report.kb_version, report.kb_date) if report else ("?", "?"))
    parts.append(
        f"<footer>Knowledge base {escape(version)} ({escape(date)}). Levels follow the OncoKB "
        "therapeutic levels of evidence. Decision support for a molecular tumor board; "
        "not a substitute for clinical judgement.</footer></body></html>"
    )
    return "\n".join(parts)


def render_index_html(funnel: Funnel) -> str:
    """The cohort page: the funnel table and a link to each patient's report.

    >>> from actionable.cohort import Funnel
    >>> "<table>" in render_index_html(Funnel(threshold="2", screened=("A",), sequenced=(),
    ...     actionable=(), treated=()))
    True
    """
    from . import _safe_name

    rows = "".join(
        f"<tr><td>{escape(stage)}</td><td>{n}</td></tr>" for stage, n in funnel.counts.items()
    )
    links = []
    for sample in funnel.sequenced:
        patient = funnel.patients.get(sample)
        report = patient.report if patient else None
        best = report.recommendations[0].level if report and report.recommendations else "-"
        mark = " (actionable)" if sample in funnel.actionable else ""
        links.append(
            f'<li><a href="{escape(_safe_name(sample))}.html">{escape(sample)}</a> '
            f"best level {escape(best)}{escape(mark)}</li>"
        )
    errors = "".join(f"<li>{escape(e)}</li>" for e in funnel.errors)
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Cohort screen'
        f"</title><style>{_CSS}</style></head><body><h1>Cohort screen</h1>"
        f'<p class="meta">actionable = a sensitivity recommendation at level '
        f"{escape(funnel.threshold)} or better</p>"
        f"<table><tr><th>stage</th><th>patients</th></tr>{rows}</table>"
        f"<h2>Patients</h2><ul>{''.join(links)}</ul>"
        + (f'<h2>Input problems</h2><div class="warn"><ul>{errors}</ul></div>' if errors else "")
        + f"<footer>Knowledge base {escape(funnel.kb_version)} ({escape(funnel.kb_date)})."
        "</footer></body></html>"
    )


def _oncogenicity(call: Classification | None) -> str:
    """A badge with the call, the mutation effect and the hotspot flags; the reason on hover."""
    if call is None:
        return ""
    flags = [
        f for f, on in (("hotspot", call.is_hotspot), ("3D hotspot", call.is_3d_hotspot)) if on
    ]
    extra = f" &middot; {escape(', '.join(flags))}" if flags else ""
    colour = _ONCOGENICITY_COLOURS.get(call.oncogenicity, "#6b7280")
    return (
        f'<span class="badge" style="background:{colour}" title="{escape(call.reason)}">'
        f"{escape(call.oncogenicity)}</span> {escape(call.mutation_effect)}{extra}"
    )


_ONCOGENICITY_COLOURS = {
    "Oncogenic": "#b91c1c",
    "Likely Oncogenic": "#dc2626",
    "Likely Neutral": "#15803d",
    "Inconclusive": "#a16207",
}
