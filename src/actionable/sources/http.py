"""HTTP for the live knowledge-source clients: a cached session and a JSON client.

* :func:`make_session` - a ``requests-cache`` :class:`CachedSession` backed by SQLite
  under the user cache directory (``$ACTIONABLE_CACHE_DIR`` or
  ``$XDG_CACHE_HOME/actionable``, default ``~/.cache/actionable``; files in ``http/``),
  with an explicit expiry (7 days by default), an offline mode that never touches the
  network, and pinned snapshots (a named cache file that is never expired or refreshed).
* :class:`JsonClient` - GET/POST returning parsed JSON with timeouts, bounded retries
  with backoff for 429 (honouring ``Retry-After``) and 5xx, and a clear
  :class:`~actionable.errors.SourceError` for everything else (bad token, timeout,
  malformed or truncated answer, offline cache miss).

Only complete, well-formed JSON answers with status 200 are cached: an error, a
truncated body or malformed JSON never becomes a cache entry. Authorization headers
are not part of cache keys and are never stored, logged or put in error messages.

>>> from actionable.sources.http import make_session
>>> session = make_session(offline=True)  # doctest: +SKIP
"""

from __future__ import annotations

import email.utils
import json
import logging
import os
import re
import threading
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests
from requests_cache import NEVER_EXPIRE, CachedSession

from ..errors import SourceError

__all__ = [
    "DEFAULT_EXPIRY",
    "JsonClient",
    "cache_dir",
    "make_session",
    "parse_retry_after",
]

log = logging.getLogger(__name__)

_SECRET_HEADERS = frozenset({"authorization", "x-api-key", "api-key", "x-auth-token"})
_HEADER_VALUE = re.compile(r"[\x20-\x7e]{0,4096}")
DEFAULT_EXPIRY = timedelta(days=7)
_SNAPSHOT_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,80}$")


def cache_dir(override: str | Path | None = None) -> Path:
    """Directory of the HTTP caches: ``override``, else ``$ACTIONABLE_CACHE_DIR/http``,
    else ``$XDG_CACHE_HOME/actionable/http`` (default ``~/.cache/actionable/http``).

    >>> str(cache_dir("/data/cache"))
    '/data/cache'
    >>> cache_dir().name
    'http'
    """
    if override is not None:
        return Path(override)
    explicit = os.environ.get("ACTIONABLE_CACHE_DIR")
    if explicit:
        return Path(explicit) / "http"
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "actionable" / "http"


def _is_complete_json(response: requests.Response) -> bool:
    """Cache filter: only a 200 whose whole body parses as JSON is stored."""
    if response.status_code != 200:
        return False
    try:
        json.loads(response.content)
    except (ValueError, UnicodeDecodeError):
        return False
    return True


def make_session(
    *,
    directory: str | Path | None = None,
    name: str = "sources",
    expire_after: timedelta | int | None = DEFAULT_EXPIRY,
    offline: bool | None = None,
    snapshot: str | None = None,
) -> CachedSession:
    """A cached HTTP session for the live clients.

    ``expire_after`` (default 7 days; ``None`` or ``-1`` never expires) applies to
    ``<directory>/<name>.sqlite``. ``snapshot="oncokb-2024-08"`` uses the pinned file
    ``<directory>/snapshot-oncokb-2024-08.sqlite`` instead: its entries never expire and
    are never refreshed (requests it lacks are fetched once and kept). ``offline``
    (default: ``$ACTIONABLE_OFFLINE`` is ``1``) never touches the network: a request
    that is not cached raises :class:`~actionable.errors.SourceError` from
    :class:`JsonClient`.

    >>> from actionable.sources.http import make_session
    >>> s = make_session(directory="/tmp/ac-http", snapshot="demo", offline=True)
    >>> s.settings.only_if_cached, s.settings.expire_after
    (True, -1)
    """
    root = cache_dir(directory)
    root.mkdir(parents=True, exist_ok=True)
    if offline is None:
        offline = os.environ.get("ACTIONABLE_OFFLINE", "") in ("1", "true", "yes")
    if snapshot is not None:
        if not _SNAPSHOT_NAME.match(snapshot):
            raise SourceError(f"invalid snapshot name {snapshot!r}: use letters, digits, . _ -")
        path = root / f"snapshot-{snapshot}.sqlite"
        expiry: Any = NEVER_EXPIRE
    else:
        path = root / f"{name}.sqlite"
        expiry = NEVER_EXPIRE if expire_after is None else expire_after
    session = CachedSession(
        str(path),
        backend="sqlite",
        expire_after=expiry,
        allowable_methods=("GET", "POST"),
        allowable_codes=(200,),
        filter_fn=_is_complete_json,
        stale_if_error=False,
        cache_control=False,
        # Neither part of a cache key nor stored with the cached request.
        ignored_parameters=("Authorization", "X-API-KEY", "api-key", "access_token", "token"),
    )
    session.settings.only_if_cached = bool(offline)
    return session


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (seconds or an HTTP date).

    >>> parse_retry_after("3"), parse_retry_after(None), parse_retry_after("soon")
    (3.0, None, None)
    >>> parse_retry_after("Wed, 21 Oct 2015 07:28:05 GMT",
    ...                   now=datetime(2015, 10, 21, 7, 28, 0, tzinfo=UTC))
    5.0
    """
    if not value:
        return None
    text = value.strip()
    if re.fullmatch(r"\d+(\.\d+)?", text):
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class JsonClient:
    """JSON over HTTP for one service, with retries and clear errors.

    ``source`` names the service in messages ("OncoKB"); ``headers`` are sent with every
    request (an ``Authorization`` value is never logged or shown). Retries: up to
    ``retries`` more attempts after a 429, a 5xx, a timeout or a dropped connection,
    waiting ``backoff * 2**attempt`` seconds or the server's ``Retry-After`` (capped at
    ``max_wait``).

    >>> from actionable.sources.http import JsonClient, make_session
    >>> client = JsonClient("https://civicdb.org/api/graphql", source="CIViC",
    ...                     session=make_session(directory="/tmp/ac-http", offline=True))
    >>> client.post_json("", {"query": "{ __typename }"})  # doctest: +SKIP
    Traceback (most recent call last):
    actionable.errors.SourceError: CIViC: offline mode and no cached answer for POST ...
    """

    def __init__(
        self,
        base_url: str,
        *,
        session: requests.Session | None = None,
        source: str = "source",
        headers: Mapping[str, str] | None = None,
        timeout: float = 20.0,
        retries: int = 3,
        backoff: float = 0.5,
        max_wait: float = 60.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.source = source
        self._headers = dict(headers or {})
        for key, value in self._headers.items():
            # A newline or other control character in a header would be refused deep in
            # http.client with the value (a token) in the message: refuse it here, unsaid.
            if not isinstance(value, str) or not _HEADER_VALUE.fullmatch(value):
                raise SourceError(
                    f"{source}: the {key} header has characters a header cannot carry "
                    "(a newline, a control or non-ASCII character). Copy the token again."
                )
        self._secrets = tuple(
            sorted(
                {
                    part
                    for key, value in self._headers.items()
                    if key.lower() in _SECRET_HEADERS
                    for part in (value, value.split(" ", 1)[-1])
                    if len(part) >= 4
                },
                key=len,
                reverse=True,
            )
        )
        self.session = session if session is not None else make_session()
        self.timeout = timeout
        self.retries = max(0, retries)
        self.backoff = backoff
        self.max_wait = max_wait
        self._sleep = sleep

    def __repr__(self) -> str:  # never show headers (they may hold a token)
        return f"JsonClient({self.base_url!r}, source={self.source!r})"

    def url(self, path: str) -> str:
        """The full URL of ``path`` under the base URL.

        >>> client = JsonClient("https://www.oncokb.org/api/v1/", session=requests.Session())
        >>> client.url("utils/x")
        'https://www.oncokb.org/api/v1/utils/x'
        """
        return f"{self.base_url}/{path.lstrip('/')}" if path else self.base_url

    def get_json(self, path: str, params: Mapping[str, Any] | None = None) -> Any:
        """GET ``path`` and return the parsed JSON body.

        >>> JsonClient("https://www.oncokb.org/api/v1").get_json("info")  # doctest: +SKIP
        {'dataVersion': {...}, ...}
        """
        return self._request("GET", path, params=dict(params or {}))

    def post_json(self, path: str, payload: Any) -> Any:
        """POST ``payload`` as JSON to ``path`` and return the parsed JSON body.

        >>> JsonClient("https://civicdb.org/api/graphql").post_json(
        ...     "", {"query": "{ __typename }"})  # doctest: +SKIP
        {'data': {'__typename': 'Query'}}
        """
        return self._request("POST", path, payload=payload)

    # ----------------------------------------------------------------- internals
    def redact(self, text: str) -> str:
        """``text`` with every secret header value (a token) replaced by ``***``.

        >>> JsonClient("https://x", session=requests.Session(),
        ...            headers={"Authorization": "Bearer abc123"}).redact("got abc123")
        'got ***'
        """
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return text

    def _scrub(self, value: Any) -> Any:
        """A parsed answer with secrets a server echoed back replaced by ``***``."""
        if isinstance(value, str):
            return self.redact(value)
        if isinstance(value, list):
            return [self._scrub(v) for v in value]
        if isinstance(value, dict):
            return {self.redact(str(k)): self._scrub(v) for k, v in value.items()}
        return value

    def _echoes_secret(self, response: requests.Response) -> bool:
        raw = [response.content, *(str(v).encode() for v in response.headers.values())]
        return any(secret.encode() in chunk for secret in self._secrets for chunk in raw)

    def _send(self, method: str, url: str, budget: float, **kwargs: Any) -> requests.Response:
        """One request with a total deadline: ``requests``' timeout bounds each read,
        so a server sending a byte a second could hold a call for ever. The request
        runs in a worker thread; past the deadline the call raises and the worker is
        left to end with the connection."""
        box: dict[str, Any] = {}
        done = threading.Event()

        def run() -> None:
            try:
                response = self.session.request(method, url, timeout=budget, **kwargs)
                _ = response.content  # the body too must arrive before the deadline
                box["response"] = response
            except BaseException as error:  # handed to the caller below
                box["error"] = error
            finally:
                done.set()

        worker = threading.Thread(target=run, name="actionable-http", daemon=True)
        worker.start()
        if not done.wait(budget):
            raise requests.Timeout(f"no complete answer within {budget:g} s")
        if "error" in box:
            raise box["error"]
        response: requests.Response = box["response"]
        return response

    def _where(self, method: str, path: str) -> str:
        parts = urlsplit(self.url(path))
        return f"{method} {parts.scheme}://{parts.netloc}{parts.path}"

    def _request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        payload: Any = None,
    ) -> Any:
        where = self._where(method, path)
        offline = bool(getattr(getattr(self.session, "settings", None), "only_if_cached", False))
        attempt = 0
        while True:
            try:
                # ``timeout`` bounds each attempt as a whole (connect, headers, body).
                response = self._send(
                    method,
                    self.url(path),
                    self.timeout,
                    params=params,
                    json=payload if method == "POST" else None,
                    headers={"Accept": "application/json", **self._headers},
                )
            except requests.Timeout:
                problem = f"timed out after {self.timeout:g} s"
                if attempt < self.retries:
                    attempt = self._wait(attempt, None, where, problem)
                    continue
                raise SourceError(
                    f"{self.source}: {where} {problem} ({attempt + 1} attempts)"
                ) from None
            except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError) as error:
                problem = _connection_problem(error)
                if attempt < self.retries:
                    attempt = self._wait(attempt, None, where, problem)
                    continue
                raise SourceError(
                    f"{self.source}: {where} failed: {problem} ({attempt + 1} attempts)"
                ) from None
            except requests.RequestException as error:
                raise SourceError(
                    f"{self.source}: {where} failed: {type(error).__name__}"
                ) from None
            except (ValueError, OSError, UnicodeError) as error:
                raise SourceError(
                    f"{self.source}: {where} failed: {self.redact(str(error))[:200]}"
                ) from None
            status = response.status_code
            from_cache = bool(getattr(response, "from_cache", False))
            # requests-cache answers an offline miss with a synthetic 504 (only 200s are
            # ever stored, so a cached 504 cannot exist).
            if offline and (not from_cache or status == 504):
                raise SourceError(
                    f"{self.source}: offline mode and no cached answer for "
                    f"{where}; run once online or use a pinned snapshot"
                )
            if status in (401, 403):
                raise SourceError(
                    f"{self.source}: {where} was refused (HTTP {status}): the API token is "
                    "missing, invalid or expired"
                    + ("; set ONCOKB_API_TOKEN" if self.source == "OncoKB" else "")
                )
            if status == 429 or status >= 500:
                if attempt < self.retries:
                    wait = parse_retry_after(response.headers.get("Retry-After"))
                    attempt = self._wait(attempt, wait, where, f"HTTP {status}")
                    continue
                raise SourceError(
                    f"{self.source}: {where} answered HTTP {status} after {attempt + 1} attempts"
                )
            if status != 200:
                raise SourceError(f"{self.source}: {where} answered HTTP {status}")
            if self._secrets and self._echoes_secret(response):
                # A server that reflects the token must not get it stored in the cache.
                log.warning("%s: %s echoed the credentials; answer not cached", self.source, where)
                key = getattr(response, "cache_key", None)
                cache = getattr(self.session, "cache", None)
                if key and cache is not None:
                    cache.delete(key)
            try:
                return self._scrub(json.loads(response.content))
            except (ValueError, UnicodeDecodeError, RecursionError):
                raise SourceError(
                    f"{self.source}: {where} answered with malformed JSON "
                    f"({len(response.content)} bytes)"
                ) from None

    def _wait(self, attempt: int, retry_after: float | None, where: str, problem: str) -> int:
        delay = self.backoff * (2**attempt) if retry_after is None else retry_after
        delay = min(max(delay, 0.0), self.max_wait)
        log.info("%s: %s %s; retrying in %.1f s", self.source, where, problem, delay)
        self._sleep(delay)
        return attempt + 1


def _connection_problem(error: requests.RequestException) -> str:
    text = str(error)
    if (
        isinstance(error, requests.exceptions.ChunkedEncodingError)
        or "IncompleteRead" in text
        or "Connection broken" in text
    ):
        return "the answer was cut off (truncated body)"
    if "Connection refused" in text:
        return "connection refused"
    return "connection error"
