"""Fuzz the live clients against a local 127.0.0.1 server answering random statuses
and bodies: only SourceError comes out, and the token never leaks into a message, a
result or the cache files."""

from __future__ import annotations

import json
import tempfile
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from actionable.sources.http import make_session
from actionable.sources.oncokb import OncoKBClient

from . import _tally

SETTINGS = settings(
    max_examples=_tally.EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck)
)
TOKEN = "fz-token-5e4d3c2b1a"
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=10) | st.just(TOKEN),
    lambda kids: (
        st.lists(kids, max_size=3)
        | st.dictionaries(
            st.sampled_from(
                [
                    "query",
                    "treatments",
                    "level",
                    "drugs",
                    "drugName",
                    "pmids",
                    "levelAssociatedCancerType",
                    "code",
                    "name",
                    "hugoSymbol",
                    "alteration",
                    "abstracts",
                    "dataVersion",
                    "echo",
                ]
            ),
            kids,
            max_size=4,
        )
    ),
    max_leaves=15,
)


class _Script:
    status = 200
    body = b"{}"
    echo = False


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[str, type[_Script]]]:
    script = _Script

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            body = script.body
            if script.echo:
                body = body.replace(b"ECHO", self.headers.get("Authorization", "").encode())
            self.send_response(script.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    host, port = httpd.server_address[:2]
    yield f"http://{host!s}:{port}", script
    httpd.shutdown()
    httpd.server_close()


@SETTINGS
@given(
    st.sampled_from([200, 200, 200, 401, 404, 500]),
    JSON | st.binary(max_size=40).map(lambda b: b),
    st.booleans(),
)
def test_random_answers(
    server: tuple[str, type[_Script]], status: int, body: object, echo: bool
) -> None:
    url, script = server
    script.status = status
    script.echo = echo
    if isinstance(body, bytes):
        script.body = body
    else:
        text = json.dumps(body)
        script.body = (text.replace(json.dumps(TOKEN), '"ECHO"') if echo else text).encode()
    with tempfile.TemporaryDirectory() as tmp:
        client = OncoKBClient(
            token=TOKEN, base_url=url, session=make_session(directory=tmp), retries=0, timeout=3
        )
        seen: list[str] = []

        def call() -> object:
            try:
                return client.rules_for("BRAF", "V600E", "MEL")
            except Exception as error:
                seen.append(str(error))
                raise

        result = _tally.guard(call, f"oncokb {status} {script.body[:40]!r}")
        seen.append(repr(result))
        files = [p.read_bytes() for p in Path(tmp).rglob("*") if p.is_file()]
        secret = TOKEN.split("-", 1)[-1]
        leaks = sum(secret in text for text in seen) + sum(secret.encode() in f for f in files)
        if leaks:
            _tally.add("leaks", leaks)
        assert leaks == 0
