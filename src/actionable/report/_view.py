"""What a tumor-board report shows, computed once for every output format.

The templates only lay this out; ordering, grouping and links are decided here so the
HTML page, the Markdown report and a site's own templates agree.

>>> import actionable
>>> view = report_view(actionable.evaluate(["BRAF V600E", "TP53 R213*"], tumor="colon NEC"),
...                    date="2026-12-01")
>>> [(a.alteration, a.best.therapy.name, a.best.level) for a in view.alterations]
[('BRAF V600E', 'dabrafenib + trametinib', '1')]
>>> [(row.variant.alteration, row.relevance) for row in view.variants]
[('V600E', 'actionable'), ('R213*', 'oncogenic')]
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal
from urllib.parse import quote_plus

from ..models import Citation, Classification, Recommendation, Report, Variant

if TYPE_CHECKING:
    from ..cohort import Funnel, Patient

Relevance = Literal["actionable", "oncogenic", "other"]

LEVELS: tuple[tuple[str, str], ...] = (
    ("1", "FDA-recognised biomarker predicting response to an FDA-approved drug here"),
    ("2", "Standard-care biomarker (guidelines) predicting response in this tumor type"),
    ("3A", "Compelling clinical evidence for response in this tumor type; not yet standard care"),
    ("3B", "Standard-care or investigational biomarker in another tumor type (off-label)"),
    ("4", "Compelling biological evidence for response; clinical evidence still lacking"),
    ("R1", "Standard-care biomarker predicting resistance to an FDA-approved drug here"),
    ("R2", "Compelling clinical evidence for resistance to a drug"),
)  # fmt: skip
"""The OncoKB therapeutic levels, in the library's own words."""

TIERS: tuple[tuple[str, str], ...] = (
    ("IA", "Tier I, level A: FDA-approved therapy or professional guideline in this tumor type"),
    ("IB", "Tier I, level B: well-powered studies with expert consensus in this tumor type"),
    ("IIC", "Tier II, level C: approved in another tumor type, or a trial inclusion criterion"),
    ("IID", "Tier II, level D: preclinical studies or case reports without consensus"),
)  # fmt: skip
"""AMP/ASCO/CAP somatic-variant tiers (Li et al. 2017, PMID 27993330), briefly."""


@dataclass(frozen=True)
class Link:
    """One piece of evidence as text with the public page it can be checked on."""

    text: str
    url: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class Option:
    """A recommendation with its number (the anchor ``rec-N``) and what to show of it."""

    number: int
    rec: Recommendation
    rationale: tuple[str, ...]
    evidence: tuple[Link, ...]

    @property
    def therapy(self) -> str:
        return self.rec.therapy.name


@dataclass(frozen=True)
class Alteration:
    """The options of one alteration (or set of alterations), best first."""

    alteration: str
    best: Recommendation
    best_option: Option
    further: tuple[Option, ...]
    """Other sensitivity options curated for this tumor type (or tumor-agnostic)."""
    off_label: tuple[Option, ...]
    """Level-3B options curated for another tumor type, shown in one collapsed block."""
    resistance: tuple[Option, ...]


@dataclass(frozen=True)
class VariantRow:
    """One row of the variants table."""

    variant: Variant
    relevance: Relevance
    note: str
    oncogenicity: Classification | None = None
    """The classifier's call for the variant (Oncogenic, Likely Neutral, Unknown...)."""


@dataclass(frozen=True)
class View:
    """Everything a report template needs."""

    title: str
    sample: str | None
    date: str
    version: str
    kb_version: str
    kb_date: str
    oncotree: str
    sources: tuple[str, ...]
    facts: tuple[tuple[str, str], ...]
    evaluated: bool
    alterations: tuple[Alteration, ...] = ()
    contraindicated: tuple[Option, ...] = ()
    variants: tuple[VariantRow, ...] = ()
    warnings: tuple[str, ...] = ()
    input_problems: tuple[str, ...] = ()
    levels: tuple[tuple[str, str], ...] = LEVELS
    tiers: tuple[tuple[str, str], ...] = TIERS
    extra: dict[str, object] = field(default_factory=dict)
    """Whatever a site passes to its own templates (``render_html(..., extra=...)``)."""


# A label names its drugs as "Brand (generic)"; the generic name finds it on DailyMed.
_GENERIC = re.compile(r"\(([a-z][a-z0-9 -]+)\)")


def label_link(fda: str) -> str:
    """A DailyMed search page for an FDA label citation (built offline from the drug name).

    >>> label_link("Tafinlar (dabrafenib) and Mekinist (trametinib) prescribing information")
    'https://dailymed.nlm.nih.gov/dailymed/search.cfm?labeltype=all&query=dabrafenib'
    """
    found = _GENERIC.search(fda)
    name = found.group(1) if found else fda.split()[0]
    return "https://dailymed.nlm.nih.gov/dailymed/search.cfm?labeltype=all&query=" + quote_plus(
        name
    )


def citation_links(c: Citation) -> tuple[Link, ...]:
    """Each source of a citation with the address of its public page.

    >>> from actionable.models import Citation
    >>> [(x.text, x.url) for x in citation_links(Citation(pmid=1, nct="NCT01689519"))]
    [('PMID 1', 'https://pubmed.ncbi.nlm.nih.gov/1/'), ('NCT01689519', 'https://clinicaltrials.gov/study/NCT01689519')]
    """
    links: list[Link] = []
    if c.fda:
        links.append(Link(f"FDA label: {c.fda} ({c.year})", label_link(c.fda)))
    if c.guideline:
        links.append(Link(f"{c.guideline} ({c.year})", c.url))
    if c.pmid:
        links.append(Link(f"PMID {c.pmid}", f"https://pubmed.ncbi.nlm.nih.gov/{c.pmid}/"))
    if c.doi:
        links.append(Link(f"doi:{c.doi}", f"https://doi.org/{c.doi}"))
    if c.abstract:
        links.append(Link(c.abstract, None))
    if c.civic:
        kind = "assertions" if c.civic.upper().startswith("AID") else "evidence"
        number = c.civic[3:] if c.civic[:3].upper() in ("EID", "AID") else c.civic
        links.append(Link(f"CIViC {c.civic}", f"https://civicdb.org/links/{kind}/{number}"))
    if c.nct:
        links.append(Link(c.nct, f"https://clinicaltrials.gov/study/{c.nct}"))
    if c.url and not c.guideline and not any(link.url == c.url for link in links):
        links.append(Link(c.url, c.url))
    if links and c.note:
        links[-1] = Link(links[-1].text, links[-1].url, c.note)
    return tuple(links)


def _option(number: int, rec: Recommendation) -> Option:
    # The rationale's "evidence: ..." sentences repeat the evidence list: shown once, linked.
    rationale = tuple(s for s in rec.rationale if not s.startswith("evidence: "))
    evidence = tuple(link for c in rec.evidence for link in citation_links(c))
    return Option(number, rec, rationale, evidence)


def variant_relevance(report: Report) -> tuple[VariantRow, ...]:
    """The report's variants, most relevant first: those with a recommendation
    (actionable), then those the oncogenicity classifier calls Oncogenic or Likely
    Oncogenic, then the rest (shown collapsed: variants of unknown significance, benign
    variants, biomarkers).

    >>> import actionable
    >>> r = actionable.evaluate(["TP53 R213*", "BRAF V600E"], tumor="MEL")
    >>> [(row.variant.gene, row.relevance) for row in variant_relevance(r)]
    [('BRAF', 'actionable'), ('TP53', 'oncogenic')]
    """
    best: dict[Variant, Recommendation] = {}
    for rec in (*report.recommendations, *report.contraindicated):
        for v in rec.variants:
            best.setdefault(v, rec)
    reasons = {u.variant: u.reason for u in report.unmatched}
    calls = dict(zip(report.variants, report.oncogenicity, strict=False))
    rows: list[VariantRow] = []
    for v in report.variants:
        call = calls.get(v)
        if v in best:
            rec = best[v]
            rows.append(VariantRow(v, "actionable", f"level {rec.level}: {rec.therapy.name}", call))
            continue
        reason = reasons.get(v, "")
        prefix = f"{v}: "
        note = reason[len(prefix) :] if reason.startswith(prefix) else reason
        oncogenic = call is not None and call.is_oncogenic
        rows.append(VariantRow(v, "oncogenic" if oncogenic else "other", note, call))
    order = {"actionable": 0, "oncogenic": 1, "other": 2}
    return tuple(sorted(rows, key=lambda row: order[row.relevance]))


def _alterations(report: Report) -> tuple[Alteration, ...]:
    groups: dict[str, list[Option]] = {}
    for number, rec in enumerate(report.recommendations, 1):
        key = ", ".join(str(v) for v in rec.variants)
        groups.setdefault(key, []).append(_option(number, rec))
    result = []
    for key, options in groups.items():
        sensitive = [o for o in options if o.rec.effect == "sensitivity"]
        resistance = tuple(o for o in options if o.rec.effect == "resistance")
        if not sensitive:
            continue
        top, rest = sensitive[0], sensitive[1:]
        result.append(
            Alteration(
                alteration=key,
                best=top.rec,
                best_option=top,
                further=tuple(o for o in rest if not o.rec.match.off_label),
                off_label=tuple(o for o in rest if o.rec.match.off_label),
                resistance=resistance,
            )
        )
    # Resistance without any option for the same alteration still belongs on the board.
    for key, options in groups.items():
        if all(o.rec.effect == "resistance" for o in options):
            top = options[0]
            result.append(Alteration(key, top.rec, top, (), (), tuple(options)))
    return tuple(result)


def _facts(report: Report | None, patient: Patient | None, date: str) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    if patient is not None:
        rows.append(("Sample", patient.sample))
    tumor = report.tumor if report is not None else None
    written = (patient.tumor_text if patient is not None else "") or (tumor.text if tumor else "")
    rows.append(("Tumor as written", written or "not given"))
    if report is not None:
        resolved = str(tumor) if tumor else "not resolved: no tumor-specific level can be given"
        if tumor and tumor.reading and tumor.matched_by != "code":  # a code needs no reading
            resolved += f" ({tumor.reading})"
        rows.append(("Tumor type (OncoTree)", resolved))
    if patient is not None:
        rows.append(("Panel", patient.panel or "not given"))
    rows.append(("Report date", date))
    facts = report.facts if report is not None else None
    if facts is not None:
        receptors = []
        for name, value in (("ER", facts.er), ("PR", facts.pr), ("HR", facts.hr_status())):
            if value is not None:
                receptors.append(f"{name} {value}")
        her2 = facts.her2_status()
        if her2 is not None:
            detail = f" (IHC {facts.her2_ihc})" if facts.her2_ihc else ""
            receptors.append(f"HER2 {her2}{detail}")
        if facts.pdl1_tps is not None:
            receptors.append(f"PD-L1 TPS {facts.pdl1_tps:g}%")
        if facts.pdl1_cps is not None:
            receptors.append(f"PD-L1 CPS {facts.pdl1_cps:g}")
        rows.append(("Receptors, PD-L1", "; ".join(receptors) or "not given"))
        stage = []
        if facts.grade or (tumor and tumor.grade):
            stage.append(f"grade {facts.grade or (tumor.grade if tumor else '')}")
        stage.extend(facts.course or (tumor.course if tumor else ()))
        if facts.line:
            stage.append(f"line {facts.line}")
        if stage:
            rows.append(("Grade, course", "; ".join(stage)))
    prior = list(patient.prior_therapies) if patient is not None else []
    if facts is not None:
        prior += [p for p in facts.prior_therapies if p not in prior]
    rows.append(("Prior therapies", "; ".join(prior) or "none given"))
    if patient is not None and patient.treated_with:
        rows.append(("Treated with", "; ".join(patient.treated_with)))
    return rows


def report_view(
    item: Patient | Report,
    *,
    kb: tuple[str, str] | None = None,
    date: str | None = None,
    extra: dict[str, object] | None = None,
) -> View:
    """The content of one patient's report (see the module example)."""
    from .. import __version__
    from ..tumors import oncotree_release
    from . import _unpack

    report, patient = _unpack(item)
    today = date or datetime.date.today().isoformat()
    version, kb_date = kb if kb else ((report.kb_version, report.kb_date) if report else ("?", "?"))
    sources = sorted({r.source for r in report.recommendations} if report else set())
    problems: list[str] = []
    if patient is not None:
        if patient.clinical_error:
            problems.append(f"clinical table: {patient.clinical_error}")
        problems += [f"{n} row(s): {why}" for why, n in patient.input_issue_counts.items()]
    common = {
        "title": "Tumor board report" + (f": {patient.sample}" if patient else ""),
        "sample": patient.sample if patient else None,
        "date": today,
        "version": __version__,
        "kb_version": version,
        "kb_date": kb_date,
        "oncotree": oncotree_release(),
        "sources": tuple(sources) or ("curated",),
        "facts": tuple(_facts(report, patient, today)),
        "input_problems": tuple(problems),
        "extra": dict(extra or {}),
    }
    if report is None:
        return View(evaluated=False, **common)  # type: ignore[arg-type]
    offset = len(report.recommendations)
    return View(
        evaluated=True,
        alterations=_alterations(report),
        contraindicated=tuple(
            _option(offset + i, r) for i, r in enumerate(report.contraindicated, 1)
        ),
        variants=variant_relevance(report),
        warnings=report.warnings,
        **common,  # type: ignore[arg-type]
    )


@dataclass(frozen=True)
class IndexRow:
    """One patient of the cohort page."""

    sample: str
    href: str
    md_href: str
    tumor: str
    level: str | None
    option: str
    actionable: bool
    date: str


@dataclass(frozen=True)
class IndexView:
    """The cohort page: the funnel and the patients, pre-sorted by each column."""

    date: str
    version: str
    kb_version: str
    kb_date: str
    oncotree: str
    threshold: str
    counts: tuple[tuple[str, int], ...]
    columns: tuple[tuple[str, str], ...]
    orders: tuple[tuple[str, str, tuple[IndexRow, ...]], ...]
    """(column, heading, rows sorted by it); the last is the default order (sample)."""
    errors: tuple[str, ...]


_LEVEL_ORDER = ("1", "2", "3A", "3B", "4", "R1", "R2")


def index_view(funnel: Funnel, *, date: str | None = None) -> IndexView:
    """The cohort page's content.

    >>> from actionable.cohort import Funnel
    >>> v = index_view(Funnel(threshold="2", screened=("A",), sequenced=(), actionable=(),
    ...                       treated=()), date="2026-12-01")
    >>> v.counts[0], [key for key, _, _ in v.orders]
    (('screened', 1), ['tumor', 'level', 'option', 'actionable', 'date', 'sample'])
    """
    from .. import __version__
    from ..tumors import oncotree_release
    from . import _safe_name

    today = date or datetime.date.today().isoformat()
    rows = []
    for sample in funnel.sequenced:
        patient = funnel.patients.get(sample)
        report = patient.report if patient else None
        top = report.recommendations[0] if report and report.recommendations else None
        tumor = str(report.tumor) if report and report.tumor else "unknown"
        written = patient.tumor_text if patient else ""
        rows.append(
            IndexRow(
                sample=sample,
                href=_safe_name(sample) + ".html",
                md_href=_safe_name(sample) + ".md",
                tumor=f"{tumor} ({written})" if written and written not in tumor else tumor,
                level=top.level if top else None,
                option=top.therapy.name if top else "none",
                actionable=sample in funnel.actionable,
                date=today,
            )
        )

    def level_key(row: IndexRow) -> tuple[int, str]:
        rank = _LEVEL_ORDER.index(row.level) if row.level in _LEVEL_ORDER else len(_LEVEL_ORDER)
        return rank, row.sample

    columns = (
        ("sample", "Sample"),
        ("tumor", "Tumor"),
        ("level", "Best level"),
        ("option", "Top option"),
        ("actionable", "Actionable"),
        ("date", "Date"),
    )
    orders = (
        ("tumor", "Tumor", tuple(sorted(rows, key=lambda r: (r.tumor.lower(), r.sample)))),
        ("level", "Best level", tuple(sorted(rows, key=level_key))),
        ("option", "Top option", tuple(sorted(rows, key=lambda r: (r.option.lower(), r.sample)))),
        ("actionable", "Actionable", tuple(sorted(rows, key=lambda r: (not r.actionable,)))),
        ("date", "Date", tuple(sorted(rows, key=lambda r: (r.date, r.sample)))),
        ("sample", "Sample", tuple(sorted(rows, key=lambda r: r.sample))),
    )
    return IndexView(
        date=today,
        version=__version__,
        kb_version=funnel.kb_version,
        kb_date=funnel.kb_date,
        oncotree=oncotree_release(),
        threshold=funnel.threshold,
        counts=tuple(funnel.counts.items()),
        columns=columns,
        orders=orders,
        errors=tuple(funnel.errors),
    )
