"""Live clients: a total deadline per attempt, malformed answers as SourceError, the
token never cached, echoed or shown (issue 18). A local 127.0.0.1 server only."""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from actionable.errors import SourceError
from actionable.sources.http import JsonClient, make_session
from actionable.sources.oncokb import OncoKBClient

TOKEN = "tok-9f8e7d6c5b4a"
Answer = Callable[[BaseHTTPRequestHandler], None]


class Server:
    """Answers every request with ``answer(handler)``."""

    def __init__(self, answer: Answer) -> None:
        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    answer(self)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        host, port = self.httpd.server_address[:2]
        self.url = f"http://{host!s}:{port}"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def serve() -> Iterator[Callable[[Answer], Server]]:
    servers: list[Server] = []

    def start(answer: Answer) -> Server:
        servers.append(Server(answer))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


def _json(
    handler: BaseHTTPRequestHandler, body: bytes, headers: dict[str, str] | None = None
) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(body)))
    for key, value in (headers or {}).items():
        handler.send_header(key, value)
    handler.end_headers()
    handler.wfile.write(body)


def _drip_body(handler: BaseHTTPRequestHandler) -> None:
    body = b'{"ok": "' + b"x" * 60 + b'"}'
    handler.send_response(200)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    for byte in body:
        handler.wfile.write(bytes([byte]))
        handler.wfile.flush()
        time.sleep(0.25)


def _drip_headers(handler: BaseHTTPRequestHandler) -> None:
    for byte in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"y" * 60:
        handler.wfile.write(bytes([byte]))
        handler.wfile.flush()
        time.sleep(0.25)


@pytest.mark.parametrize("drip", [_drip_body, _drip_headers])
def test_a_dripping_server_cannot_hold_a_call_past_its_timeout(
    serve: Callable[[Answer], Server], tmp_path: Path, drip: Answer
) -> None:
    server = serve(drip)
    client = JsonClient(
        server.url, session=make_session(directory=tmp_path), timeout=1.0, retries=0
    )
    started = time.monotonic()
    with pytest.raises(SourceError, match="timed out after 1 s"):
        client.get_json("x")
    assert time.monotonic() - started < 2.5  # the drip alone would take 15 s


def _oncokb(server: Server, tmp_path: Path, token: str = TOKEN) -> OncoKBClient:
    return OncoKBClient(
        token=token, base_url=server.url, session=make_session(directory=tmp_path), retries=0
    )


@pytest.mark.parametrize(
    "body",
    [
        {"query": {"hugoSymbol": "BRAF", "alteration": "V600E"}, "treatments": ["a string"]},
        {"query": {"hugoSymbol": "BRAF", "alteration": "V600E"}, "treatments": [{"drugs": "x"}]},
        {
            "query": {"hugoSymbol": "BRAF", "alteration": "V600E"},
            "treatments": [{"level": 5, "drugs": [{"drugName": 7}]}],
        },
        {
            "query": {"hugoSymbol": "BRAF", "alteration": "V600E"},
            "treatments": [
                {
                    "level": "LEVEL_1",
                    "drugs": [{"drugName": "Dabrafenib"}],
                    "levelAssociatedCancerType": "Melanoma",
                }
            ],
        },
        {"query": {"hugoSymbol": 5, "alteration": ["V600E"]}, "treatments": []},
        {"query": "BRAF", "treatments": []},
        ["not", "an", "object"],
    ],
)
def test_malformed_oncokb_answers_are_source_errors(
    serve: Callable[[Answer], Server], tmp_path: Path, body: Any
) -> None:
    data = json.dumps(body).encode()
    server = serve(lambda h: _json(h, data))
    with pytest.raises(SourceError):
        _oncokb(server, tmp_path).rules_for("BRAF", "V600E", "MEL")


@pytest.mark.parametrize(
    "token", [TOKEN + "\n", TOKEN + "\r\nX-Evil: 1", "q7x9 q7x9", "q7x9\u00f6", '"q7x9"']
)
def test_a_token_with_forbidden_characters_is_refused_unsaid(token: str, tmp_path: Path) -> None:
    with pytest.raises(SourceError) as caught:
        OncoKBClient(
            token=token, base_url="http://127.0.0.1:9", session=make_session(directory=tmp_path)
        )
    message = str(caught.value)
    assert "9f8e7d" not in message and "q7x9" not in message


def test_a_reflected_token_is_neither_cached_nor_returned(
    serve: Callable[[Answer], Server], tmp_path: Path
) -> None:
    def reflect(handler: BaseHTTPRequestHandler) -> None:
        auth = handler.headers.get("Authorization", "")
        body = {
            "query": {"hugoSymbol": "BRAF", "alteration": "V600E"},
            "treatments": [],
            "echo": auth,
            auth: "as a key",
        }
        _json(handler, json.dumps(body).encode(), {"X-Echo": auth})

    server = serve(reflect)
    answer = _oncokb(server, tmp_path).annotate("BRAF", "V600E")
    assert TOKEN not in json.dumps(answer)
    assert answer["echo"] == "***"
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert TOKEN.encode() not in path.read_bytes(), path


def test_the_token_is_not_in_the_cache_file(
    serve: Callable[[Answer], Server], tmp_path: Path
) -> None:
    body = json.dumps({"query": {"hugoSymbol": "BRAF", "alteration": "V600E"}}).encode()
    server = serve(lambda h: _json(h, body))
    client = _oncokb(server, tmp_path)
    client.annotate("BRAF", "V600E")
    client.annotate("BRAF", "V600E")  # from the cache
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert files
    for path in files:
        assert TOKEN.encode() not in path.read_bytes(), path
    assert TOKEN not in repr(client)
