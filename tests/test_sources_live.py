"""Live clients (CIViC GraphQL, OncoKB REST) against a local replay server.

No test touches the network: a ``http.server`` on 127.0.0.1 (random port) replays the
hand-written recordings in ``tests/fixtures/{civic,oncokb}`` and can be told to fail
(sleep, 401, 429, 5xx, malformed or truncated answers). Every test counts the requests
that reached the server.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from actionable.errors import SourceError
from actionable.rules import Citation, RuleSpec
from actionable.sources import civic
from actionable.sources.civic import CivicClient, write_rule_files
from actionable.sources.http import JsonClient, make_session, parse_retry_after
from actionable.sources.oncokb import OncoKBClient, rules_from_annotation

FIXTURES = Path(__file__).parent / "fixtures"
TOKEN = "s3cr3t-token-value"


def _fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


@dataclass
class Step:
    """One scripted answer: status, body, headers; ``sleep`` before answering;
    ``truncate`` announces a longer body than it sends, then closes."""

    status: int = 200
    body: bytes = b"{}"
    headers: dict[str, str] = field(default_factory=dict)
    sleep: float = 0.0
    truncate: bool = False


@dataclass
class Seen:
    method: str
    path: str
    body: bytes
    headers: dict[str, str]


class Replay:
    """A local server answering with scripted steps, then with ``default(request)``."""

    def __init__(self) -> None:
        self.steps: list[Step] = []
        self.seen: list[Seen] = []
        self.default: Callable[[Seen], Step] = lambda _req: Step(404, b"{}")
        replay = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                request = Seen(self.command, self.path, body, dict(self.headers.items()))
                replay.seen.append(request)
                step = replay.steps.pop(0) if replay.steps else replay.default(request)
                if step.sleep:
                    time.sleep(step.sleep)
                self.send_response(step.status)
                self.send_header("Content-Type", "application/json")
                size = len(step.body) + (100 if step.truncate else 0)
                self.send_header("Content-Length", str(size))
                for key, value in step.headers.items():
                    self.send_header(key, value)
                if step.truncate:
                    self.send_header("Connection", "close")
                self.end_headers()
                try:
                    self.wfile.write(step.body)
                    self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError):
                    pass
                if step.truncate:
                    self.close_connection = True

            do_GET = _answer  # noqa: N815 - http.server's naming
            do_POST = _answer  # noqa: N815

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    def __enter__(self) -> Replay:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def server() -> Iterator[Replay]:
    with Replay() as replay:
        yield replay


def _civic_pages(request: Seen) -> Step:
    variables = json.loads(request.body)["variables"]
    page = "civic/braf_page2.json" if variables.get("after") == "Mw" else "civic/braf_page1.json"
    return Step(body=_fixture(page))


class Sleeps:
    def __init__(self) -> None:
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


def _client(server: Replay, tmp_path: Path, **kw: Any) -> JsonClient:
    session = kw.pop("session", None) or make_session(directory=tmp_path)
    return JsonClient(server.url + "/api", session=session, source="Test", **kw)


# --------------------------------------------------------------------------- CIViC
def test_civic_paginates_with_cursors_and_converts(server: Replay, tmp_path: Path) -> None:
    server.default = _civic_pages
    client = CivicClient(
        base_url=server.url + "/api/graphql", session=make_session(directory=tmp_path), page_size=3
    )
    rule_file, skipped = client.rules_for_gene("BRAF")
    assert len(server.seen) == 2
    first, second = (json.loads(r.body)["variables"] for r in server.seen)
    assert first == {"name": "BRAF", "first": 3}
    assert second == {"name": "BRAF", "first": 3, "after": "Mw"}
    ids = [r.id for r in rule_file.rules]
    assert ids == [
        "civic-eid1409",
        "civic-eid102",
        "civic-eid6001-vemurafenib",
        "civic-eid6001-encorafenib",
    ]
    by_id = {r.id: r for r in rule_file.rules}
    assert by_id["civic-eid1409"].therapy == ["dabrafenib", "trametinib"]
    assert by_id["civic-eid1409"].evidence[0].nct == "NCT01597908"
    assert by_id["civic-eid102"].level == "R2"
    assert by_id["civic-eid6001-vemurafenib"].alteration == ["V600E", "V600K"]
    assert by_id["civic-eid6001-vemurafenib"].tumor.include == ["all"]
    assert rule_file.source == "civic"
    assert [s.reason for s in skipped] == ["does_not_support"]
    # Same query again: served from the cache, the server sees nothing new.
    client.rules_for_gene("BRAF")
    assert len(server.seen) == 2


def test_civic_graphql_error_is_a_source_error(server: Replay, tmp_path: Path) -> None:
    server.steps = [Step(body=b'{"errors": [{"message": "Field \'nope\' does not exist"}]}')]
    client = CivicClient(base_url=server.url, session=make_session(directory=tmp_path))
    with pytest.raises(SourceError, match="GraphQL error: Field 'nope'"):
        client.evidence_nodes("BRAF")


# --------------------------------------------------------------------------- failures
def test_timeout_gives_source_error_and_caches_nothing(server: Replay, tmp_path: Path) -> None:
    server.steps = [Step(sleep=1.0, body=b'{"ok": 1}')]
    server.default = lambda _r: Step(body=b'{"ok": 2}')
    client = _client(server, tmp_path, timeout=0.2, retries=0)
    with pytest.raises(SourceError, match=r"timed out after 0.2 s"):
        client.get_json("x")
    assert client.get_json("x") == {"ok": 2}  # nothing cached from the failed call
    assert len(server.seen) == 2


def test_timeout_is_retried(server: Replay, tmp_path: Path) -> None:
    server.steps = [Step(sleep=1.0)]
    server.default = lambda _r: Step(body=b'{"ok": true}')
    sleeps = Sleeps()
    client = _client(server, tmp_path, timeout=0.2, retries=1, sleep=sleeps)
    assert client.get_json("x") == {"ok": True}
    assert sleeps.calls == [0.5]


def test_401_names_the_token_problem_without_the_token(
    server: Replay, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    server.default = lambda _r: Step(401, b'{"title": "Unauthorized"}')
    client = OncoKBClient(
        token=TOKEN, base_url=server.url, session=make_session(directory=tmp_path)
    )
    with pytest.raises(SourceError) as error:
        client.annotate("BRAF", "V600E", "MEL")
    message = str(error.value)
    assert "HTTP 401" in message and "ONCOKB_API_TOKEN" in message
    assert TOKEN not in message and TOKEN not in repr(client) and TOKEN not in caplog.text
    assert server.seen[0].headers["Authorization"] == f"Bearer {TOKEN}"
    assert len(server.seen) == 1  # an auth failure is not retried


def test_429_honours_retry_after_then_succeeds(server: Replay, tmp_path: Path) -> None:
    server.steps = [Step(429, b'{"error": "slow down"}', headers={"Retry-After": "2"})]
    server.default = lambda _r: Step(body=b'{"ok": true}')
    sleeps = Sleeps()
    client = _client(server, tmp_path, sleep=sleeps)
    assert client.get_json("x") == {"ok": True}
    assert sleeps.calls == [2.0]
    assert len(server.seen) == 2


def test_retry_after_is_bounded(server: Replay, tmp_path: Path) -> None:
    server.steps = [Step(429, b"{}", headers={"Retry-After": "3600"})]
    server.default = lambda _r: Step(body=b"[]")
    sleeps = Sleeps()
    assert _client(server, tmp_path, sleep=sleeps, max_wait=5).get_json("x") == []
    assert sleeps.calls == [5]


def test_5xx_backs_off_then_succeeds(server: Replay, tmp_path: Path) -> None:
    server.steps = [Step(503, b"busy"), Step(502, b"bad gateway")]
    server.default = lambda _r: Step(body=b'{"ok": true}')
    sleeps = Sleeps()
    assert _client(server, tmp_path, sleep=sleeps, backoff=0.25).get_json("x") == {"ok": True}
    assert sleeps.calls == [0.25, 0.5]


def test_5xx_gives_up_after_the_retries(server: Replay, tmp_path: Path) -> None:
    server.default = lambda _r: Step(500, b"oops")
    client = _client(server, tmp_path, sleep=Sleeps(), retries=2)
    with pytest.raises(SourceError, match="HTTP 500 after 3 attempts"):
        client.get_json("x")
    assert len(server.seen) == 3


def test_malformed_json_is_an_error_and_is_not_cached(server: Replay, tmp_path: Path) -> None:
    server.steps = [Step(body=b'{"data": [1, 2')]
    server.default = lambda _r: Step(body=b'{"data": [1, 2]}')
    client = _client(server, tmp_path)
    with pytest.raises(SourceError, match="malformed JSON"):
        client.get_json("x")
    assert client.get_json("x") == {"data": [1, 2]}
    assert client.get_json("x") == {"data": [1, 2]}  # now cached
    assert len(server.seen) == 2


def test_truncated_body_is_an_error_and_is_not_cached(server: Replay, tmp_path: Path) -> None:
    server.steps = [Step(body=b'{"data": [1, 2, 3', truncate=True)]
    server.default = lambda _r: Step(body=b'{"data": [1, 2, 3]}')
    client = _client(server, tmp_path, retries=0)
    with pytest.raises(SourceError, match="cut off"):
        client.get_json("x")
    assert client.get_json("x") == {"data": [1, 2, 3]}
    assert len(server.seen) == 2


def test_truncated_page_in_pagination_leaves_no_rules(server: Replay, tmp_path: Path) -> None:
    server.steps = [
        Step(body=_fixture("civic/braf_page1.json")),
        Step(body=_fixture("civic/braf_page2.json")[:80], truncate=True),
    ]
    client = CivicClient(base_url=server.url, session=make_session(directory=tmp_path), retries=0)
    with pytest.raises(SourceError):
        client.rules_for_gene("BRAF")


# --------------------------------------------------------------------------- cache modes
def test_offline_mode_never_reaches_the_server(server: Replay, tmp_path: Path) -> None:
    server.default = lambda _r: Step(body=b'{"v": 1}')
    assert _client(server, tmp_path).get_json("cached") == {"v": 1}
    assert len(server.seen) == 1
    offline = _client(server, tmp_path, session=make_session(directory=tmp_path, offline=True))
    assert offline.get_json("cached") == {"v": 1}
    with pytest.raises(SourceError, match="offline mode and no cached answer"):
        offline.get_json("not-cached")
    assert len(server.seen) == 1


def test_offline_from_environment(
    server: Replay, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ACTIONABLE_OFFLINE", "1")
    with pytest.raises(SourceError, match="offline"):
        _client(server, tmp_path).get_json("x")
    assert server.seen == []


def test_snapshot_is_pinned_while_the_normal_cache_expires(server: Replay, tmp_path: Path) -> None:
    server.default = lambda _r: Step(body=json.dumps({"n": len(server.seen)}).encode())
    expiring = _client(
        server, tmp_path, session=make_session(directory=tmp_path, expire_after=timedelta(0))
    )
    assert expiring.get_json("x") == {"n": 1}
    assert expiring.get_json("x") == {"n": 2}  # expired at once: fetched again
    pinned = _client(
        server, tmp_path, session=make_session(directory=tmp_path, snapshot="release-1")
    )
    assert pinned.get_json("x") == {"n": 3}
    assert pinned.get_json("x") == {"n": 3}
    reopened = _client(
        server,
        tmp_path,
        session=make_session(directory=tmp_path, snapshot="release-1", offline=True),
    )
    assert reopened.get_json("x") == {"n": 3}
    assert len(server.seen) == 3
    assert (tmp_path / "snapshot-release-1.sqlite").is_file()
    with pytest.raises(SourceError, match="invalid snapshot name"):
        make_session(directory=tmp_path, snapshot="../evil")


def test_cache_location_follows_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ACTIONABLE_CACHE_DIR", str(tmp_path / "c"))
    make_session()
    assert (tmp_path / "c" / "http" / "sources.sqlite").is_file()


def test_parse_retry_after() -> None:
    assert parse_retry_after("0") == 0.0
    assert parse_retry_after("1.5") == 1.5
    assert parse_retry_after("Thu, 01 Jan 1970 00:00:00 GMT") == 0.0
    assert parse_retry_after("") is None


# --------------------------------------------------------------------------- OncoKB
def test_oncokb_annotation_to_rules(server: Replay, tmp_path: Path) -> None:
    server.default = lambda _r: Step(body=_fixture("oncokb/braf_v600e_mel.json"))
    client = OncoKBClient(
        token=TOKEN, base_url=server.url + "/api/v1", session=make_session(directory=tmp_path)
    )
    rule_file, skipped = client.rules_for("BRAF", "V600E", "MEL")
    (request,) = server.seen
    assert request.path.startswith("/api/v1/annotate/mutations/byProteinChange?")
    assert "hugoSymbol=BRAF" in request.path and "tumorType=MEL" in request.path
    assert request.headers["Authorization"] == f"Bearer {TOKEN}"
    assert rule_file.source == "oncokb" and rule_file.version == "v4.0-test"
    rules = {r.id: r for r in rule_file.rules}
    mel = rules["oncokb-braf-v600e-mel-dabrafenib-trametinib"]
    assert (mel.level, mel.effect, [c.pmid for c in mel.evidence]) == (
        "1",
        "sensitivity",
        [25399551, 25265492],
    )
    solid = rules["oncokb-braf-v600e-all-solid-dabrafenib-trametinib"]
    assert solid.tumor.include == ["all_solid"] and solid.tumor.exclude == ["COADREAD"]
    assert rules["oncokb-braf-v600e-coadread-cetuximab"].effect == "resistance"
    assert sorted(s.reason for s in skipped) == ["not_efficacy", "unknown_drug"]
    # The token never reaches the cache file.
    for path in tmp_path.glob("*.sqlite*"):
        assert TOKEN.encode() not in path.read_bytes()


def test_oncokb_without_token_does_not_call(
    server: Replay, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ONCOKB_API_TOKEN", raising=False)
    client = OncoKBClient(base_url=server.url, session=make_session(directory=tmp_path))
    with pytest.raises(SourceError, match="set ONCOKB_API_TOKEN"):
        client.annotate("BRAF", "V600E")
    assert server.seen == []


def test_oncokb_wrong_shape_is_a_source_error(server: Replay, tmp_path: Path) -> None:
    server.default = lambda _r: Step(body=b'{"message": "not an annotation"}')
    client = OncoKBClient(
        token=TOKEN, base_url=server.url, session=make_session(directory=tmp_path)
    )
    with pytest.raises(SourceError, match="IndicatorQueryResp"):
        client.annotate("BRAF", "V600E")


def test_oncokb_unreadable_alteration_is_skipped() -> None:
    rules, skipped = rules_from_annotation(
        {"query": {"hugoSymbol": "BRAF", "alteration": "Kinase Domain"}}
    )
    assert rules == [] and skipped[0].reason == "alteration_not_mapped"


# --------------------------------------------------------------------------- atomic writes
def test_failed_rule_write_leaves_the_previous_rule_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = RuleSpec(
        id="civic-eid1",
        alteration="V600E",
        therapy=["vemurafenib"],
        effect="sensitivity",
        level="3A",
        summary="a generated summary",
        evidence=[Citation(civic="EID1")],
    )
    out = tmp_path / "civic"
    write_rule_files({"BRAF": [spec]}, out, "v1")
    before = (out / "BRAF.yaml").read_text()

    def boom(staging: Path, target: Path) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(civic.release, "_swap", boom)
    changed = spec.model_copy(update={"level": "4"})
    with pytest.raises(OSError, match="disk full"):
        write_rule_files({"BRAF": [changed], "KRAS": [changed]}, out, "v2")
    assert (out / "BRAF.yaml").read_text() == before
    assert sorted(p.name for p in out.iterdir()) == ["BRAF.yaml"]
    assert [p.name for p in tmp_path.iterdir()] == ["civic"]  # no staging left behind


def test_import_of_a_broken_release_leaves_rules_untouched(tmp_path: Path) -> None:
    out = tmp_path / "civic"
    out.mkdir()
    (out / "KEEP.yaml").write_text("kept")
    with pytest.raises(SourceError, match="ClinicalEvidenceSummaries"):
        civic.import_release(tmp_path / "no-release", out, drugs_file=tmp_path / "d.yaml")
    assert [p.name for p in out.iterdir()] == ["KEEP.yaml"]
    assert not (tmp_path / "d.yaml").exists()
