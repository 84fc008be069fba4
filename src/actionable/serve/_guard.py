"""The server's gate: authentication and the request-size bound, before any route runs.

A plain ASGI middleware (not a FastAPI dependency), so a refused request costs no routing
and no body parsing, and the /docs page and static files are guarded like the API.

>>> _credential(b"Bearer abc") == b"abc", _credential(b"Basic dTpwYXNz") == b"pass"
(True, True)
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

__all__ = ["Guard"]


def _credential(header: bytes | None) -> bytes | None:
    """The secret an Authorization header carries: a bearer token, or the password of
    HTTP Basic (what a browser sends for the board page, which cannot set headers)."""
    if not header:
        return None
    scheme, _, value = header.strip().partition(b" ")
    scheme = scheme.lower()
    if scheme == b"bearer":
        return value.strip()
    if scheme == b"basic":
        try:
            decoded = base64.b64decode(value.strip(), validate=True)
        except (binascii.Error, ValueError):
            return None
        return decoded.partition(b":")[2]
    return None


async def _reply(send: Send, status: int, detail: str, headers: list[tuple[bytes, bytes]]) -> None:
    body = json.dumps({"status": status, "detail": detail}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class Guard:
    """Refuses a request without the token (401) or with a body over ``max_body`` bytes
    (413), and hands the app a body already read in full (so no route sees a partial one)."""

    def __init__(self, app: ASGIApp, *, token: bytes | None, max_body: int) -> None:
        self.app = app
        self.token = token
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        if self.token is not None:
            given = _credential(headers.get(b"authorization"))
            # compare_digest: the time taken does not tell how much of a guess was right.
            if given is None or not hmac.compare_digest(given, self.token):
                api = str(scope.get("path", "")).startswith("/api/")
                challenge = b'Bearer realm="actionable"' if api else b'Basic realm="actionable"'
                await _reply(
                    send,
                    401,
                    "authentication required: send the header Authorization: Bearer <token> "
                    "with the token in the server's --token-file",
                    [(b"www-authenticate", challenge)],
                )
                return
        declared = headers.get(b"content-length")
        if declared is not None:
            try:
                size = int(declared)
            except ValueError:
                await _reply(send, 400, f"Content-Length {declared!r} is not a number", [])
                return
            if size > self.max_body:
                await _reply(send, 413, self._too_large(size), [])
                return
        if scope.get("method") in ("GET", "HEAD", "OPTIONS") and declared is None:
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        total = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            total += len(chunk)
            if total > self.max_body:
                await _reply(send, 413, self._too_large(total), [])
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        delivered = False

        async def replay() -> Message:
            nonlocal delivered
            if not delivered:
                delivered = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    def _too_large(self, size: int) -> str:
        return (
            f"request body of {size} bytes is over the limit of {self.max_body} bytes. "
            "Send the queries in smaller batches (the OncoKB annotator sends 200 at a time)."
        )
