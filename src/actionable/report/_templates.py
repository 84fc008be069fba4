"""The Jinja2 environments of the reports: packaged templates, overridable by a site.

A site passes ``templates=<folder>``: a file there with a packaged template's name
replaces it (``report.html.j2``). It can start with
``{% extends "actionable/report.html.j2" %}`` (the ``actionable/`` prefix always names the
packaged template) and change only a block: ``logo``, ``style``, ``header``, ``summary``,
``options``, ``variants``, ``legend``, ``signoff``, ``footer``.

>>> env = environment("html", None)
>>> env.autoescape
True
>>> env.from_string("{{ x }}").render(x="<b>")
'&lt;b&gt;'
"""

from __future__ import annotations

import threading
from importlib import resources
from pathlib import Path
from typing import Literal

import jinja2

__all__ = ["environment", "markdown_escape"]

_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_[]<>|#"})


def markdown_escape(text: object) -> str:
    """Text made safe for one Markdown line (whitespace folded, markup escaped).

    >>> markdown_escape("TP53 R213*  | x")
    'TP53 R213\\\\* \\\\| x'
    """
    return " ".join(str(text).split()).translate(_SPECIAL)


def _packaged(name: str) -> str | None:
    name = name.removeprefix("actionable/")
    folder = resources.files("actionable.report") / "templates"
    target = folder / name
    return target.read_text(encoding="utf-8") if target.is_file() else None


_LOCK = threading.Lock()
_CACHE: dict[tuple[str, str | None], jinja2.Environment] = {}


def environment(
    kind: Literal["html", "markdown"], templates: str | Path | None
) -> jinja2.Environment:
    """The environment for one output kind and template folder (built once, shared).

    HTML autoescapes every value; Markdown escapes through the ``md`` filter instead.
    """
    key = (kind, str(templates) if templates is not None else None)
    with _LOCK:
        env = _CACHE.get(key)
        if env is None:
            loaders: list[jinja2.BaseLoader] = []
            if templates is not None:
                loaders.append(jinja2.FileSystemLoader(str(templates)))
            loaders.append(jinja2.FunctionLoader(_packaged))
            env = jinja2.Environment(
                loader=jinja2.ChoiceLoader(loaders),
                autoescape=kind == "html",
                undefined=jinja2.StrictUndefined,
                trim_blocks=kind == "markdown",
                keep_trailing_newline=True,
            )
            env.filters["md"] = markdown_escape
            _CACHE[key] = env
        return env
