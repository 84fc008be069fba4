"""The board page in a real browser: headless Chromium, driven over the DevTools protocol
on a pipe (no driver, no extra package), fills the form, submits it, reads the rendered
recommendation and takes a screenshot."""

from __future__ import annotations

import base64
import contextlib
import json
import os
import select
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from serve_helpers import Server, running_server

CHROMIUM = next(
    (p for n in ("chromium", "chromium-browser", "google-chrome") if (p := shutil.which(n))), None
)
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="no chromium binary (apt-get install chromium)"
)


class Browser:
    """One headless Chromium tab over --remote-debugging-pipe (fd 3 in, fd 4 out)."""

    def __init__(self, profile: Path) -> None:
        to_child, self._write = os.pipe()
        self._read, from_child = os.pipe()

        def wire() -> None:  # in the child, before exec: the pipe ends become fds 3 and 4
            os.dup2(to_child, 3)
            os.dup2(from_child, 4)

        self.process = subprocess.Popen(
            [
                str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu",
                "--remote-debugging-pipe", "--no-first-run", "--disable-extensions",
                "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--hide-scrollbars", "--window-size=1280,900",
                f"--user-data-dir={profile}", "about:blank",
            ],
            preexec_fn=wire,  # the test process runs no other thread here
            close_fds=False,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        os.close(to_child)
        os.close(from_child)
        self._buffer = b""
        self._id = 0
        self.events: list[dict[str, Any]] = []
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.call("Target.attachToTarget", targetId=target, flatten=True)[
            "sessionId"
        ]
        self.call("Page.enable", session=True)

    def _message(self, timeout: float) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            ready, _, _ = select.select([self._read], [], [], timeout)
            if not ready:
                raise TimeoutError("chromium did not answer")
            chunk = os.read(self._read, 1 << 20)
            if not chunk:
                raise RuntimeError("chromium closed the pipe")
            self._buffer += chunk
        raw, _, self._buffer = self._buffer.partition(b"\0")
        return dict(json.loads(raw))

    def call(self, method: str, *, session: bool = False, **params: Any) -> dict[str, Any]:
        self._id += 1
        message: dict[str, Any] = {"id": self._id, "method": method, "params": params}
        if session:
            message["sessionId"] = self.session
        os.write(self._write, json.dumps(message).encode() + b"\0")
        while True:
            answer = self._message(60)
            if answer.get("id") == self._id:
                if "error" in answer:
                    raise RuntimeError(f"{method}: {answer['error']}")
                return dict(answer.get("result", {}))
            self.events.append(answer)

    def wait_for(self, event: str, timeout: float = 60) -> None:
        while True:
            for i, seen in enumerate(self.events):
                if seen.get("method") == event:
                    del self.events[: i + 1]
                    return
            self.events.append(self._message(timeout))

    def evaluate(self, expression: str) -> Any:
        result = self.call(
            "Runtime.evaluate", session=True, expression=expression, returnByValue=True
        )
        return result["result"].get("value")

    def navigate(self, url: str) -> None:
        self.events.clear()
        self.call("Page.navigate", session=True, url=url)
        self.wait_for("Page.loadEventFired")

    def close(self) -> None:
        with contextlib.suppress(RuntimeError, TimeoutError, OSError):
            self.call("Browser.close")
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.close(self._read)
        os.close(self._write)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with running_server(tmp_path_factory.mktemp("serve-page")) as running:
        yield running


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Browser]:
    tab = Browser(tmp_path / "profile")
    try:
        yield tab
    finally:
        tab.close()


def _fill(browser: Browser, values: dict[str, str]) -> None:
    for field, value in values.items():
        element = f"document.getElementById({json.dumps(field)})"
        browser.evaluate(f"{element}.value = {json.dumps(value)}")


def test_page_fill_submit_read_and_screenshot(
    server: Server, browser: Browser, tmp_path: Path
) -> None:
    browser.navigate(server.url + "/")
    assert browser.evaluate("document.title") == "actionable: tumor-board report"
    # No script on the page and nothing fetched from elsewhere: it works offline.
    assert browser.evaluate("document.scripts.length") == 0
    assert (
        browser.evaluate(
            "[...document.querySelectorAll('[src],link[href]')].filter(e => "
            "!(e.src || e.href).startsWith(location.origin)).length"
        )
        == 0
    )
    _fill(
        browser,
        {
            "lines": "BRAF V600E\nTP53 R213*\nMSS",
            "tumor": "colon NEC",
            "her2": "negative",
            "prior": "FOLFOX",
        },
    )
    browser.evaluate("document.getElementById('hr').value = 'negative'")
    browser.events.clear()
    browser.evaluate("document.getElementById('evaluate').click()")
    browser.wait_for("Page.loadEventFired")
    assert browser.evaluate("location.pathname") == "/board"
    best = browser.evaluate("document.querySelector('table.lines tr:nth-child(2)').innerText")
    assert "BRAF V600E" in best and "dabrafenib + trametinib" in best
    assert browser.evaluate("document.querySelector('table.lines .badge').innerText") == "1"
    facts = browser.evaluate("document.querySelector('.facts').innerText")
    assert "colon NEC" in facts and "HGNEC" in facts and "HER2 negative" in facts
    # The way back to the form is not printed.
    assert browser.evaluate("getComputedStyle(document.querySelector('nav.serve-nav')).display")
    browser.call("Emulation.setEmulatedMedia", session=True, media="print")
    assert (
        browser.evaluate("getComputedStyle(document.querySelector('nav.serve-nav')).display")
        == "none"
    )
    browser.call("Emulation.setEmulatedMedia", session=True, media="screen")
    shot = base64.b64decode(
        browser.call("Page.captureScreenshot", session=True, format="png")["data"]
    )
    target = tmp_path / "board.png"
    target.write_bytes(shot)
    assert shot.startswith(b"\x89PNG") and target.stat().st_size > 20_000


def test_page_shows_a_wrong_tumor_on_the_form(server: Server, browser: Browser) -> None:
    browser.navigate(server.url + "/")
    _fill(browser, {"lines": "EGFR L858R", "tumor": "lung adenocarcinomaa-xyz"})
    browser.events.clear()
    browser.evaluate("document.getElementById('evaluate').click()")
    browser.wait_for("Page.loadEventFired")
    error = browser.evaluate("document.getElementById('error').innerText")
    assert "unknown tumor type" in error
    # What was typed is kept, so it can be corrected rather than typed again.
    assert browser.evaluate("document.getElementById('lines').value") == "EGFR L858R"
