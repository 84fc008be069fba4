"""``actionable serve``: an OncoKB-compatible web API and a tumor-board page, on the
user's own machine, answered from the bundled rules (no licence token, no internet).

The API answers the calls the OncoKB annotator scripts and cBioPortal make (same paths
under ``/api/v1``, same JSON field names), plus a native endpoint that returns the full
report JSON with its rationale; ``/`` is a page where a clinician pastes report lines and
gets the board report. FastAPI and uvicorn come with the ``serve`` extra
(``pip install 'actionable[serve]'``).

>>> from fastapi.testclient import TestClient
>>> client = TestClient(create_app())
>>> client.get("/api/v1/annotate/mutations/byProteinChange",
...            params={"hugoSymbol": "BRAF", "alteration": "V600E",
...                    "tumorType": "MEL"}).json()["highestSensitiveLevel"]
'LEVEL_1'
"""

from __future__ import annotations

import ipaddress
import os
import signal
import stat
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import Field, SecretStr

from ..errors import ArgumentError, MissingExtraError
from ..models import Frozen

if TYPE_CHECKING:
    from fastapi import FastAPI

__all__ = [
    "MAX_BATCH",
    "MAX_BODY_BYTES",
    "Settings",
    "create_app",
    "is_loopback",
    "read_token",
    "run",
]

MAX_BODY_BYTES = 4 * 1024 * 1024
"""Largest request body accepted (bytes); a larger one is answered 413 before it is read."""
MAX_BATCH = 5000
"""Most queries in one batch POST; the OncoKB annotator sends 200 at a time."""

# Workers started by uvicorn re-create the app in their own process from this variable
# (a JSON Settings without the token; each worker reads the token file itself).
_ENV = "ACTIONABLE_SERVE_SETTINGS"


class Settings(Frozen):
    """What a server answers from and what it accepts.

    ``token`` is the bearer token every request must carry (``None``: no authentication);
    it is a :class:`~pydantic.SecretStr`, so it never shows in a repr or a log line.

    >>> Settings(token="s3cret")  # doctest: +ELLIPSIS
    Settings(rules=None, sources=None, token=SecretStr('**********'), ...)
    """

    rules: Path | None = None
    """Folder of rule files (default: the bundled rules)."""
    sources: tuple[str, ...] | None = None
    """Rule sources (default: curated; add civic)."""
    token: SecretStr | None = None
    token_file: Path | None = None
    """Where ``token`` was read from (workers read it again)."""
    max_body_bytes: int = Field(default=MAX_BODY_BYTES, gt=0)
    max_batch: int = Field(default=MAX_BATCH, gt=0)


def read_token(path: str | Path) -> SecretStr:
    """The bearer token in ``path``: its first line, stripped. The file must not be
    readable by other users, and the token must be at least 16 printable characters.

    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "token"
    >>> _ = f.write_text("correct-horse-battery-staple\\n")
    >>> f.chmod(0o600)
    >>> read_token(f)
    SecretStr('**********')
    """
    target = Path(path)
    try:
        mode = target.stat().st_mode
        text = target.read_text(encoding="utf-8")
    except OSError as error:
        raise ArgumentError(
            f"--token-file {target}: cannot read it ({error.strerror}). Give a file holding "
            "one token line."
        ) from None
    except UnicodeDecodeError:
        raise ArgumentError(
            f"--token-file {target}: not UTF-8 text. Write the token as one line of text."
        ) from None
    if os.name == "posix" and mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise ArgumentError(
            f"--token-file {target}: other users may read it (mode {stat.S_IMODE(mode):o}). "
            f"Restrict it first: chmod 600 {target}"
        )
    lines = text.splitlines()
    token = lines[0].strip() if lines else ""
    if len(token) < 16 or not token.isprintable() or " " in token:
        raise ArgumentError(
            f"--token-file {target}: the first line must be a token of at least 16 printable "
            'characters without spaces. Generate one, e.g. python -c "import secrets; '
            'print(secrets.token_urlsafe(32))"'
        )
    return SecretStr(token)


def is_loopback(host: str) -> bool:
    """Whether ``host`` only accepts connections from this machine.

    >>> is_loopback("127.0.0.1"), is_loopback("localhost"), is_loopback("0.0.0.0")
    (True, True, False)
    """
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _require() -> None:
    try:
        import fastapi  # noqa: F401
        import fastapi_offline  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError as error:
        raise MissingExtraError("actionable serve", error.name or "fastapi", "serve") from error


def create_app(settings: Settings | None = None) -> FastAPI:
    """The web application (FastAPI), with the rules loaded and warmed up, so a wrong
    rules folder fails here rather than at the first request.

    >>> from fastapi.testclient import TestClient
    >>> TestClient(create_app()).get("/api/v1/info").json()["dataVersion"]["version"]
    '2026.12.1'
    """
    _require()
    from ._app import build_app

    return build_app(settings or Settings())


def _worker_app() -> FastAPI:
    """The app of one uvicorn worker process, from the settings the parent exported."""
    settings = Settings.model_validate_json(os.environ[_ENV])
    if settings.token_file is not None:
        settings = settings.model_copy(update={"token": read_token(settings.token_file)})
    return create_app(settings)


def run(
    settings: Settings | None = None,
    *,
    host: str = "127.0.0.1",
    port: int = 8080,
    workers: int = 1,
    log_level: str = "info",
) -> None:
    """Serve until interrupted (Ctrl-C or SIGTERM). A host other than loopback needs a
    token (``Settings.token``): patient data must not be open to the network.
    ``workers`` > 1 starts that many processes sharing nothing but the read-only rules.

    >>> run(Settings(), host="0.0.0.0")
    Traceback (most recent call last):
    ...
    actionable.errors.ArgumentError: --host 0.0.0.0 accepts connections from other machines ...
    """
    settings = settings or Settings()
    if not is_loopback(host) and settings.token is None:
        raise ArgumentError(
            f"--host {host} accepts connections from other machines without authentication. "
            "Give --token-file FILE (clients then send Authorization: Bearer <token>), or "
            "bind to 127.0.0.1."
        )
    if not 1 <= workers <= 64:
        raise ArgumentError(f"--workers {workers}: give a number from 1 to 64.")
    _require()
    import uvicorn

    options: dict[str, Any] = {
        "host": host,
        "port": port,
        "log_level": log_level,
        # Request lines are logged without headers, so a token never reaches a log.
        "access_log": True,
        "server_header": False,
        "timeout_graceful_shutdown": 10,
    }
    # uvicorn shuts down gracefully on SIGINT/SIGTERM, then raises the signal again for
    # the previous handler: these make that a clean exit (status 0) rather than a kill.
    previous = signal.signal(signal.SIGTERM, _exit_cleanly)
    try:
        if workers == 1:
            uvicorn.run(create_app(settings), **options)
            return
        create_app(settings)  # fail here, once, on a wrong rules folder; fills the disk cache
        os.environ[_ENV] = settings.model_copy(update={"token": None}).model_dump_json()
        uvicorn.run("actionable.serve:_worker_app", factory=True, workers=workers, **options)
    except KeyboardInterrupt:
        return
    finally:
        signal.signal(signal.SIGTERM, previous)


def _exit_cleanly(signum: int, frame: object) -> None:
    raise SystemExit(0)
