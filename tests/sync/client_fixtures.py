"""Kiosk-side sync fixtures: a kiosk data folder with demo records, enrolled at a real gateway on
loopback; an uploader with an injectable clock; a tiny loopback server that answers like a
hotspot login page; an httpx transport that injects faults before the real gateway.

Its fixtures (kiosk, enrolled, portal) reach every test in tests/sync through conftest.py."""

from __future__ import annotations

import datetime as dt
import http.server
import os
import random
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from gateway_harness import RunningGateway
from kiosk.demo_data import make_demo_records
from kiosk.store import Store, open_store
from kiosk.sync.enrollment import enroll
from kiosk.sync.uploader import Uploader, open_uploader

WIB = dt.timezone(dt.timedelta(hours=7))


class FakeClock:
    """The uploader's clock (aware datetimes); signing keeps the real time the gateway checks."""

    def __init__(self, start: dt.datetime | None = None) -> None:
        self.now = start or dt.datetime.now(WIB)

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


@dataclass
class Kiosk:
    """A kiosk data folder opened in this thread, with a clock for its uploader."""

    data_dir: Path
    store: Store
    clock: FakeClock

    def uploader(self, transport: httpx.BaseTransport | None = None, base_url: str | None = None,
                 seed: int = 7) -> Uploader:
        made = open_uploader(self.store.database, self.store.keys, clock=self.clock, rng=random.Random(seed),
                             transport=transport, base_url=base_url)
        self._uploaders.append(made)
        return made

    def sync(self, **kwargs):
        return self.uploader(**kwargs).run_once()

    def states(self) -> dict[str, str]:
        return {r.record_id: r.state.value for r in self.store.records()}

    def column(self, sql: str, params: tuple = ()) -> list:
        return [row[0] for row in self.store.database.execute(sql, params).fetchall()]

    def __post_init__(self) -> None:
        self._uploaders: list[Uploader] = []

    def close(self) -> None:
        for uploader in self._uploaders:
            uploader.client.close()
        self.store.database.close()


@pytest.fixture
def kiosk(tmp_path: Path) -> Iterator[Kiosk]:
    """An empty kiosk (no records, not enrolled)."""
    data_dir = tmp_path / "kiosk"
    opened = Kiosk(data_dir, open_store(data_dir), FakeClock())
    yield opened
    opened.close()


def add_demo_records(kiosk: Kiosk, count: int, seed: int = 3) -> list[str]:
    return [summary.record_id for summary in make_demo_records(kiosk.store, count, seed=seed)]


def enroll_kiosk(kiosk: Kiosk, gateway: RunningGateway) -> None:
    enroll(kiosk.store.database, kiosk.store.keys, gateway.url, gateway.store.new_enroll_code())


@pytest.fixture
def enrolled(kiosk: Kiosk, gateway: RunningGateway) -> Kiosk:
    """The kiosk, enrolled at the test's gateway."""
    enroll_kiosk(kiosk, gateway)
    return kiosk


# -- faults before the real gateway ----------------------------------------------------------------
class FaultTransport(httpx.BaseTransport):
    """Forwards to the real gateway unless ``fault(request)`` returns a response or raises."""

    def __init__(self, fault: Callable[[httpx.Request], httpx.Response | None]) -> None:
        self.fault = fault
        self.inner = httpx.HTTPTransport()
        self.seen: list[tuple[str, str]] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.seen.append((request.method, request.url.path))
        answer = self.fault(request)
        return answer if answer is not None else self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


# -- a hotspot login page --------------------------------------------------------------------------
class _PortalHandler(http.server.BaseHTTPRequestHandler):
    status = 200
    headers_to_send: dict[str, str] = {}
    body = b"<html><body>Login WiFi Gratis</body></html>"

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        self.send_response(self.status)
        for name, value in {"Content-Type": "text/html", **self.headers_to_send}.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    do_GET = do_POST = do_PUT = _answer

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def portal() -> Iterator[Callable[..., str]]:
    """Start a loopback server answering every request with ``status`` (200) and no signature."""
    servers: list[tuple[http.server.ThreadingHTTPServer, threading.Thread]] = []

    def start(status: int = 200, headers: dict[str, str] | None = None, body: bytes | None = None) -> str:
        handler = type("Handler", (_PortalHandler,), {"status": status, "headers_to_send": headers or {},
                                                      "body": body if body is not None else _PortalHandler.body})
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        server.daemon_threads = True
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        servers.append((server, thread))
        return "http://127.0.0.1:%d" % server.server_address[1]

    yield start
    for server, thread in servers:
        server.shutdown()
        server.server_close()
        thread.join(5)


# -- the kiosk command in a subprocess ---------------------------------------------------------------
def kiosk_cli(*args: str, data_dir: Path | None = None, env: dict[str, str] | None = None,
              stdin: str = "") -> subprocess.CompletedProcess[str]:
    """``kiosk ARGS`` in a subprocess; ``stdin`` is its whole input (a supervisor's PIN line)."""
    environment = {k: v for k, v in os.environ.items() if k != "KIOSK_DATA_DIR"}
    environment.update(env or {})
    prefix = ["--data-dir", str(data_dir)] if data_dir else []
    return subprocess.run([sys.executable, "-m", "kiosk", *prefix, *args], capture_output=True, text=True,
                          input=stdin, env=environment, timeout=300, check=False)
