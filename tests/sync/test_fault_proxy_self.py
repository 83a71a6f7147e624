"""The fault proxy itself, in front of a tiny asyncio HTTP responder: each fault does what it says,
per request on kept-alive connections, and nothing leaves loopback."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import socket
import threading
import time

import httpx
import pytest

from fault_proxy import RANDOM_FAULTS, Fault, FaultProxy, Random, _read_request

SHORT = httpx.Timeout(connect=2.0, read=2.0, write=2.0, pool=2.0)


class TinyUpstream:
    """An HTTP/1.1 responder on 127.0.0.1: every complete request is "committed" (counted, with the
    sha256 of its body) and answered with JSON; ``GET /big`` answers 200 KB. Truncated requests
    are counted as ``partial`` and never committed."""

    def __init__(self) -> None:
        self.commits: list[tuple[str, str, float]] = []  # (path, body sha256, monotonic time)
        self.partial = 0
        self.connections = 0
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self.port = 0

    def start(self) -> TinyUpstream:
        ready = threading.Event()

        def main() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            server = loop.run_until_complete(asyncio.start_server(self._serve, "127.0.0.1", 0))
            self.port = server.sockets[0].getsockname()[1]
            ready.set()
            try:
                loop.run_forever()
            finally:
                server.close()
                tasks = [t for t in asyncio.all_tasks(loop) if not t.done()]
                for task in tasks:
                    task.cancel()
                if tasks:
                    loop.run_until_complete(asyncio.wait(tasks, timeout=5))
                loop.run_until_complete(server.wait_closed())
                loop.close()

        self._thread = threading.Thread(target=main, daemon=True)
        self._thread.start()
        assert ready.wait(5)
        return self

    def stop(self) -> None:
        assert self._loop is not None and self._thread is not None
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        assert not self._thread.is_alive()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        from fault_proxy import _Broken

        with self._lock:
            self.connections += 1
        try:
            for _ in range(1000):
                try:
                    request = await _read_request(reader)
                except _Broken as exc:
                    if str(exc) != "eof":
                        with self._lock:
                            self.partial += 1
                    return
                path = request.head.split(b" ", 2)[1].decode()
                digest = hashlib.sha256(request.body).hexdigest()
                with self._lock:
                    self.commits.append((path, digest, time.monotonic()))
                    number = len(self.commits)
                if path == "/big":
                    body = bytes(range(256)) * 800  # 204,800 bytes
                else:
                    body = json.dumps({"commit": number, "sha256": digest}).encode()
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                             + f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            writer.close()

    def committed(self) -> int:
        with self._lock:
            return len(self.commits)

    def partials(self) -> int:
        with self._lock:
            return self.partial


@pytest.fixture()
def upstream():
    server = TinyUpstream().start()
    yield server
    server.stop()


@pytest.fixture()
def proxy(upstream):
    with FaultProxy(upstream.port, seed=7) as running:
        yield running


@pytest.fixture()
def client(proxy):
    with httpx.Client(base_url=proxy.url, timeout=SHORT) as http:
        yield http


def wait_until(predicate, seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return predicate()


def test_pass_forwards_every_request_on_one_kept_alive_connection(proxy, client, upstream):
    bodies = [bytes([n]) * (1000 * n + 1) for n in range(5)]
    for number, body in enumerate(bodies, start=1):
        answer = client.post("/echo", content=body)
        assert answer.status_code == 200
        assert answer.json() == {"commit": number, "sha256": hashlib.sha256(body).hexdigest()}
    assert wait_until(lambda: proxy.counters["delivered"] == 5)  # counted once the write drained
    counters = proxy.counters
    assert counters["connections"] == 1  # keep-alive held; faults are chosen per request
    assert counters["requests"] == counters["fault:pass"] == 5
    assert upstream.committed() == 5
    assert proxy.url.startswith("http://127.0.0.1:")


def test_reset_mid_request_commits_nothing_upstream(proxy, client, upstream):
    proxy.set_mode("reset_mid_request", fraction=0.3)
    with pytest.raises(httpx.TransportError):
        client.post("/blob", content=b"x" * 100_000)
    assert wait_until(lambda: upstream.partials() == 1)
    assert upstream.committed() == 0
    assert proxy.counters["partial_requests"] == 1
    proxy.set_mode("pass")
    assert client.post("/blob", content=b"x" * 100_000).status_code == 200
    assert upstream.committed() == 1


def test_reset_mid_request_is_an_rst_not_a_fin(proxy):
    proxy.set_mode("reset_mid_request", fraction=0.5)
    with socket.create_connection(("127.0.0.1", proxy.port), timeout=3) as raw:
        raw.sendall(b"POST /blob HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n" + b"y" * 1000)
        with pytest.raises(ConnectionResetError):
            for _ in range(100):
                if not raw.recv(65536):
                    break  # a FIN: the assertion below fails
            pytest.fail("connection closed cleanly instead of reset")


def test_drop_response_after_commit_commits_then_answers_nothing(proxy, client, upstream):
    proxy.set_mode("drop_response_after_commit")
    with pytest.raises(httpx.TransportError):
        client.post("/batches", content=b'{"records": []}')
    assert upstream.committed() == 1  # the server HAS committed
    counters = proxy.counters
    assert counters["upstream_responses"] == 1 and counters["delivered"] == 0
    assert counters["bytes_down"] == 0


def test_reset_mid_response_sends_part_then_resets(proxy, upstream):
    proxy.set_mode("reset_mid_response", fraction=0.25)
    received = bytearray()
    with socket.create_connection(("127.0.0.1", proxy.port), timeout=3) as raw:
        raw.sendall(b"GET /big HTTP/1.1\r\nHost: x\r\n\r\n")
        with pytest.raises(ConnectionResetError):
            for _ in range(1000):
                chunk = raw.recv(65536)
                if not chunk:
                    pytest.fail("connection closed cleanly instead of reset")
                received += chunk
    assert received.startswith(b"HTTP/1.1 200 OK")
    assert 0 < len(received) < 204_800
    assert upstream.committed() == 1


def test_reset_mid_response_through_httpx(proxy, client, upstream):
    proxy.set_mode("reset_mid_response", fraction=0.5)
    with pytest.raises(httpx.TransportError):
        client.get("/big")
    assert upstream.committed() == 1


def test_stall_holds_the_request_then_forwards(proxy, client, upstream):
    proxy.set_mode("stall", seconds=0.6)
    started = time.monotonic()
    assert client.post("/x", content=b"a").status_code == 200
    assert time.monotonic() - started >= 0.6
    assert upstream.commits[0][2] - started >= 0.55  # held before forwarding


def test_stall_on_the_response_holds_after_the_commit(proxy, client, upstream):
    proxy.set_mode("stall", seconds=0.6, phase="response")
    started = time.monotonic()
    assert client.post("/x", content=b"a").status_code == 200
    answered = time.monotonic()
    assert answered - started >= 0.6
    assert answered - upstream.commits[0][2] >= 0.55  # committed first, answer held


def test_bandwidth_limits_both_ways_and_keeps_the_bytes(proxy, client, upstream):
    proxy.set_mode("bandwidth", bytes_per_second=100_000, latency=0.1, jitter=0.05)
    body = bytes(range(256)) * 200  # 51,200 bytes up: ~0.5 s
    started = time.monotonic()
    answer = client.post("/echo", content=body)
    up_seconds = time.monotonic() - started
    assert answer.json()["sha256"] == hashlib.sha256(body).hexdigest()
    assert 0.45 <= up_seconds < 5
    started = time.monotonic()
    big = client.get("/big")  # 204,800 bytes down: ~2 s
    down_seconds = time.monotonic() - started
    assert big.content == bytes(range(256)) * 800
    assert 1.9 <= down_seconds < 8


def test_black_hole_never_answers_and_never_closes(proxy, client, upstream):
    proxy.set_mode("black_hole")
    started = time.monotonic()
    with pytest.raises(httpx.ReadTimeout):
        client.post("/x", content=b"a", timeout=httpx.Timeout(2.0, read=0.5))
    assert time.monotonic() - started < 3
    with socket.create_connection(("127.0.0.1", proxy.port), timeout=0.5) as raw:
        raw.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        with pytest.raises(socket.timeout):
            raw.recv(10)  # neither an answer nor an EOF
    assert upstream.committed() == 0 and upstream.connections == 0


def test_stop_closes_a_black_holed_connection(upstream):
    proxy = FaultProxy(upstream.port).start()
    proxy.set_mode("black_hole")
    raw = socket.create_connection(("127.0.0.1", proxy.port), timeout=3)
    try:
        raw.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        assert wait_until(lambda: proxy.counters["requests"] == 1)
        started = time.monotonic()
        proxy.stop()
        assert time.monotonic() - started < 3
        with contextlib.suppress(ConnectionResetError):
            assert raw.recv(10) == b""
    finally:
        raw.close()
    proxy.stop()  # idempotent


def test_captive_portal_answers_an_unsigned_login_page(proxy, client, upstream):
    proxy.set_mode("captive_portal")
    answer = client.post("/v1/batches", content=b'{"records": []}')
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/html")
    assert "<form" in answer.text
    assert not any(name.lower().startswith("x-kiosk") for name in answer.headers)
    assert upstream.committed() == 0


@pytest.mark.parametrize("status", [429, 503])
def test_status_with_retry_after(proxy, client, upstream, status):
    proxy.set_mode("status_with_retry_after", status=status, retry_after=7)
    answer = client.post("/v1/batches", content=b"{}")
    assert answer.status_code == status
    assert answer.headers["retry-after"] == "7"
    assert upstream.committed() == 0
    proxy.set_mode("pass")
    assert client.post("/v1/batches", content=b"{}").status_code == 200  # same connection goes on


def test_schedule_first_two_drop_after_commit_then_pass(proxy, client, upstream):
    proxy.set_schedule(["drop_response_after_commit"] * 2)
    outcomes = []
    for _ in range(4):
        try:
            outcomes.append(client.post("/batches", content=b"{}").status_code)
        except httpx.TransportError:
            outcomes.append("dropped")
    assert outcomes == ["dropped", "dropped", 200, 200]
    assert upstream.committed() == 4  # the dropped two were committed too
    assert proxy.counters["fault:drop_response_after_commit"] == 2


def test_schedule_applies_per_request_on_a_kept_alive_connection(proxy, client, upstream):
    assert client.get("/a").status_code == 200
    proxy.set_schedule([Fault("pass"), Fault("status_with_retry_after", status=503, retry_after=1)])
    assert client.get("/b").status_code == 200
    assert client.get("/c").status_code == 503
    assert client.get("/d").status_code == 200
    assert proxy.counters["connections"] == 1  # all on the first connection


def test_random_faults_are_seeded_and_near_the_rate():
    faults = tuple(Fault(mode) for mode in RANDOM_FAULTS)
    first, second = Random(0.1, faults, seed=42), Random(0.1, faults, seed=42)
    draws = [first.fault_for("GET", "/").mode for _ in range(2000)]
    assert draws == [second.fault_for("GET", "/").mode for _ in range(2000)]
    share = sum(mode != "pass" for mode in draws) / len(draws)
    assert 0.07 < share < 0.13
    assert {mode for mode in draws if mode != "pass"} == set(RANDOM_FAULTS)


def test_only_applies_the_schedule_to_matching_requests(proxy, client, upstream):
    proxy.set_schedule(["status_with_retry_after", "captive_portal"], only="POST /v1/batches")
    assert client.get("/v1/hello").status_code == 200  # passes, takes no slot
    assert client.put("/v1/blobs/ab12", content=b"p").status_code == 200
    assert client.post("/v1/batches", content=b"{}").status_code == 429
    assert client.get("/v1/batches").status_code == 200  # another method: passes
    assert client.post("/v1/batches", content=b"{}").headers["content-type"].startswith("text/html")
    assert client.post("/v1/batches", content=b"{}").status_code == 200  # then: pass
    counters = proxy.counters
    assert counters["request:POST /v1/batches"] == 3 and counters["request:PUT /v1/blobs/"] == 1
    assert counters["fault:captive_portal:POST /v1/batches"] == 1
    proxy.set_mode("status_with_retry_after", only="/v1/blobs/", status=503)
    assert client.put("/v1/blobs/cd34", content=b"p").status_code == 503
    assert client.get("/v1/hello").status_code == 200


def test_random_faults_through_the_proxy(proxy, client, upstream):
    proxy.set_random(rate=0.3, seed=3, faults=["drop_response_after_commit", "reset_mid_request"])
    failed = 0
    for _ in range(30):
        try:
            client.post("/x", content=b"z" * 2000)
        except httpx.TransportError:
            failed += 1
    counters = proxy.counters
    assert failed == counters["fault:drop_response_after_commit"] + counters["fault:reset_mid_request"]
    assert 0 < failed < 30
    assert upstream.committed() == 30 - counters["fault:reset_mid_request"]


def test_upstream_down_is_a_reset_for_the_client(upstream):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        dead_port = probe.getsockname()[1]
    with FaultProxy(dead_port) as proxy, httpx.Client(base_url=proxy.url, timeout=SHORT) as http:
        with pytest.raises(httpx.TransportError):
            http.get("/hello")
        assert proxy.counters["upstream_refused"] == 1


def test_only_loopback_upstreams():
    with pytest.raises(ValueError):
        FaultProxy(80, upstream_host="example.org")
    with pytest.raises(ValueError):
        Fault("teleport")  # type: ignore[arg-type]
