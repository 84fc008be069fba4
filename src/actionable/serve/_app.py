"""The FastAPI application: error handling, the native report endpoint, the metadata
endpoints OncoKB clients read first (``/info``, the gene lists), and the board page.

>>> from fastapi.testclient import TestClient
>>> from actionable.serve import Settings
>>> client = TestClient(build_app(Settings()))
>>> r = client.post("/api/actionable/report", json={"lines": ["BRAF V600E"], "tumor": "MEL"})
>>> r.json()["recommendations"][0]["level"]
'1'
"""

from __future__ import annotations

import logging
from typing import Any, Literal

from fastapi import APIRouter, FastAPI, HTTPException, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from fastapi_offline import FastAPIOffline
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from .. import __version__
from ..engine import Engine
from ..errors import ActionableError
from ..evaluate import default_engine, evaluate, kb_version
from . import Settings, _genes, _page
from ._guard import Guard

__all__ = ["build_app"]

log = logging.getLogger("actionable.serve")

DESCRIPTION = """\
Targeted-therapy annotation from the rules bundled with `actionable`, on this machine.

* `/api/v1/...`: the OncoKB public API paths and JSON shapes the OncoKB annotator and
  cBioPortal call (annotation by protein change, copy number, structural variant;
  `/info`; the gene lists). Levels are spelled `LEVEL_1` ... `LEVEL_R2`.
* `/api/actionable/report`: the full `actionable` report JSON, rationale included.
* `/`: the tumor-board page.

Decision support for a molecular tumor board: verify every option against its sources.
"""


class JSON(JSONResponse):
    """JSON without the encoder's validation pass: the routes build plain dicts."""

    media_type = "application/json"


# --------------------------------------------------------------------------- errors
def _where(location: tuple[Any, ...]) -> str:
    parts = [str(p) for p in location if p not in ("body",)]
    text = ""
    for part in parts:
        text += f"[{part}]" if part.isdigit() else (f".{part}" if text else part)
    return text or "body"


def _validation_message(error: RequestValidationError) -> tuple[int, str]:
    problems = []
    status = 422
    for item in error.errors()[:5]:
        if item.get("type") == "json_invalid":
            status = 400
            problems.append(f"the body is not valid JSON ({item.get('ctx', {}).get('error', '')})")
            continue
        problems.append(f"{_where(tuple(item.get('loc', ())))}: {item.get('msg', 'invalid')}")
    more = len(error.errors()) - 5
    message = "; ".join(problems) + (f"; and {more} more problems" if more > 0 else "")
    return status, message + ". See /docs for the request format."


def _install_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, error: RequestValidationError) -> Response:
        status, message = _validation_message(error)
        return JSON({"status": status, "detail": message}, status_code=status)

    @app.exception_handler(ActionableError)
    async def refused(request: Request, error: ActionableError) -> Response:
        return JSON({"status": 400, "detail": str(error)}, status_code=400)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> Response:
        return JSON(
            {"status": error.status_code, "detail": error.detail},
            status_code=error.status_code,
            headers=getattr(error, "headers", None),
        )

    @app.exception_handler(Exception)
    async def crashed(request: Request, error: Exception) -> Response:
        # The traceback goes to the server log only; the client gets no internals.
        log.exception("unexpected error answering %s %s", request.method, request.url.path)
        return JSON(
            {"status": 500, "detail": "internal error; the server log has the details"},
            status_code=500,
        )


# --------------------------------------------------------------------------- native
class ReportRequest(BaseModel):
    """One patient: report lines as pasted, the tumor, and optional facts."""

    model_config = ConfigDict(extra="forbid")

    lines: list[str] = Field(min_length=1, max_length=1000, examples=[["BRAF V600E"]])
    """Report lines, one alteration (or patient fact) each."""
    tumor: str | None = Field(default=None, max_length=500, examples=["colon NEC"])
    facts: dict[str, str | float] = Field(default_factory=dict, examples=[{"HER2": "low"}])
    prior_therapies: list[str] = Field(default_factory=list, max_length=100)
    max_level: str | None = None
    errors: Literal["raise", "warn"] = "raise"
    """``warn``: an unreadable line becomes a warning of the report instead of a 400."""


def _native(engine: Engine) -> APIRouter:
    router = APIRouter(tags=["actionable"])

    @router.post(
        "/api/actionable/report",
        summary="Evaluate one patient: the full report JSON with rationale",
        response_description="The report (docs/report.schema.json), as `evaluate --json`.",
    )
    def report(body: ReportRequest) -> Response:
        if any(len(line) > 2000 for line in body.lines):
            raise HTTPException(422, "lines: a line is over 2000 characters; split it")
        result = evaluate(
            body.lines,
            tumor=body.tumor or None,
            rules=engine,
            max_level=body.max_level,
            prior_therapies=body.prior_therapies,
            facts=body.facts or None,
            errors=body.errors,
        )
        return JSON(result.to_dict(variant_refs=True))

    return router


# --------------------------------------------------------------------------- metadata
def _meta(engine: Engine) -> APIRouter:
    router = APIRouter(prefix="/api/v1", tags=["OncoKB-compatible: metadata"])
    genes = _genes.curated_genes(engine)

    @router.get("/info", summary="Data version and date (our knowledge-base version)")
    def info() -> Response:
        return JSON(_genes.info())

    @router.get("/utils/allCuratedGenes", summary="Genes with rules or a curated role")
    def all_curated_genes() -> Response:
        return JSON(jsonable_encoder(genes))

    @router.get("/utils/allCuratedGenes.txt", summary="The same, tab-separated")
    def all_curated_genes_txt() -> Response:
        return PlainTextResponse(_genes.curated_genes_tsv(genes))

    @router.get("/utils/cancerGeneList", summary="Cancer genes (cBioPortal reads this first)")
    def cancer_gene_list() -> Response:
        return JSON(_genes.cancer_gene_list(genes))

    @router.get("/utils/cancerGeneList.txt", summary="The same, tab-separated")
    def cancer_gene_list_txt() -> Response:
        return PlainTextResponse(_genes.cancer_gene_list_tsv(genes))

    return router


# --------------------------------------------------------------------------- app
def _engine(settings: Settings) -> Engine:
    if settings.rules is None:
        return default_engine(settings.sources)
    return Engine.load(settings.rules, settings.sources)


def build_app(settings: Settings) -> FastAPI:
    """The application for ``settings`` (see :func:`actionable.serve.create_app`)."""
    engine = _engine(settings)
    # One evaluation loads every vocabulary now, so the first request is not slow.
    evaluate(["BRAF V600E"], tumor="MEL", rules=engine)
    version, date = kb_version()
    # FastAPIOffline serves the /docs page's scripts itself: no CDN, works offline.
    app = FastAPIOffline(
        title="actionable serve",
        version=__version__,
        description=DESCRIPTION + f"\nKnowledge base {version} ({date}).",
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.engine = engine
    _install_handlers(app)
    from ._oncokb import router as oncokb_router

    app.include_router(oncokb_router(engine, settings))
    app.include_router(_meta(engine))
    app.include_router(_native(engine))
    app.include_router(_page.router(engine))
    token = settings.token.get_secret_value().encode() if settings.token else None
    app.add_middleware(Guard, token=token, max_body=settings.max_body_bytes)
    return app
