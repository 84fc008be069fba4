"""A real ``actionable serve`` in a subprocess on a free loopback port, for the serve tests
and benchmarks/serve.py."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    url: str
    process: subprocess.Popen[str]
    log: Path

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


@contextmanager
def running_server(log_dir: Path, *arguments: str, timeout: float = 120) -> Iterator[Server]:
    """Start ``python -m actionable serve`` on a free port and wait until it answers."""
    port = free_port()
    log = log_dir / f"serve-{port}.log"
    handle = log.open("w", encoding="utf-8")
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    process = subprocess.Popen(
        [sys.executable, "-m", "actionable", "serve", "--port", str(port), *arguments],
        stdout=handle,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    server = Server(f"http://127.0.0.1:{port}", process, log)
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"server exited with {process.returncode}:\n{server.output()}")
            try:
                httpx.get(server.url + "/api/v1/info", timeout=2)
                break  # any answer (even 401) means it is listening
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"server did not start:\n{server.output()}") from None
                time.sleep(0.2)
        yield server
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        handle.close()
