"""The board page: ``GET /`` is a form (report lines, tumor, optional facts) and
``POST /board`` answers with the tumor-board report of :mod:`actionable.report`, in its
print layout. Plain HTML forms: no scripts, no framework, no asset from elsewhere.

>>> form = {"lines": "BRAF V600E\\nTP53 R213*", "tumor": "colon NEC", "her2": "",
...         "hr": "", "pdl1_tps": "", "pdl1_cps": "", "prior": "FOLFOX"}
>>> facts, prior = read_form(form)
>>> facts, prior
({}, ['FOLFOX'])
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import jinja2
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from .. import __version__
from ..engine import Engine
from ..errors import ActionableError
from ..evaluate import evaluate, kb_version
from ..report import render_html

__all__ = ["FIELDS", "read_form", "router"]

TEMPLATES = Path(__file__).parent / "templates"
FIELDS = ("lines", "tumor", "her2", "hr", "pdl1_tps", "pdl1_cps", "prior")
_MAX_FIELD = 20_000

_env = jinja2.Environment(
    loader=jinja2.FileSystemLoader(str(TEMPLATES)),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
)


def read_form(values: dict[str, str]) -> tuple[dict[str, str | float], list[str]]:
    """The patient facts (``evaluate(facts=)``) and prior therapies the form states;
    empty fields are facts not given. Raises ``ValueError`` naming a field that is not
    a number where one is needed."""
    facts: dict[str, str | float] = {}
    if values.get("her2", "").strip():
        facts["HER2"] = values["her2"].strip()
    if values.get("hr", "").strip():
        facts["HR"] = values["hr"].strip()
    for field, name in (("pdl1_tps", "PD-L1 TPS"), ("pdl1_cps", "PD-L1 CPS")):
        text = values.get(field, "").strip()
        if text:
            try:
                facts[name] = float(text)
            except ValueError:
                raise ValueError(
                    f"{name} {text!r} is not a number. Give the score, e.g. 50"
                ) from None
    prior = [p.strip() for p in re.split(r"[,;\n]", values.get("prior", "")) if p.strip()]
    return facts, prior


def _form_page(values: dict[str, str], error: str | None = None) -> str:
    version, date = kb_version()
    return _env.get_template("form.html.j2").render(
        values={name: values.get(name, "") for name in FIELDS},
        error=error,
        version=__version__,
        kb_version=version,
        kb_date=date,
    )


def _board(engine: Engine, values: dict[str, str]) -> str:
    facts, prior = read_form(values)
    lines = [line.strip() for line in values.get("lines", "").splitlines() if line.strip()]
    if not lines:
        raise ValueError("Report lines: paste at least one alteration, e.g. BRAF V600E")
    report = evaluate(
        lines,
        tumor=values.get("tumor", "").strip() or None,
        rules=engine,
        facts=facts or None,
        prior_therapies=prior,
        # A pasted report carries lines that are not alterations (headers, comments):
        # they become warnings on the report instead of refusing the whole paste.
        errors="warn",
    )
    return render_html(report, templates=TEMPLATES)


def router(engine: Engine) -> APIRouter:
    """The page's two routes, answering from ``engine``."""
    pages = APIRouter(tags=["board page"], include_in_schema=False)

    @pages.get("/", response_class=HTMLResponse)
    def form() -> Response:
        return HTMLResponse(_form_page({}))

    @pages.post("/board", response_class=HTMLResponse)
    async def board(request: Request) -> Response:
        kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if kind != "application/x-www-form-urlencoded":
            return HTMLResponse(
                _form_page(
                    {}, f"The form was sent as {kind or 'nothing'}; send it from this page."
                ),
                status_code=415,
            )
        try:
            parsed: dict[str, Any] = parse_qs(
                (await request.body()).decode("utf-8"), keep_blank_values=True, max_num_fields=20
            )
        except (UnicodeDecodeError, ValueError):
            return HTMLResponse(_form_page({}, "The form could not be read."), status_code=400)
        values = {name: str(parsed.get(name, [""])[0])[:_MAX_FIELD] for name in FIELDS}
        try:
            page = await run_in_threadpool(_board, engine, values)
        except (ActionableError, ValueError) as error:
            return HTMLResponse(_form_page(values, str(error)), status_code=400)
        return HTMLResponse(page)

    return pages
