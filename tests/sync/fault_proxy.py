"""A fault-injecting TCP proxy for the sync tests (toxiproxy's faults, plus "drop the response
after the server committed"), on 127.0.0.1 only.

The proxy runs its own asyncio event loop in a background thread and sits in front of one
upstream ``host:port`` (the gateway). Tests switch its behaviour from their own thread at any time
(``set_mode``, ``set_schedule``, ``set_random``: all thread-safe) and read its ``counters``.

**Faults are applied per HTTP request, not per TCP connection.** httpx keeps connections alive,
so a fault chosen once per connection would hit only the first request and the tests would not
control which exchange breaks. The proxy therefore parses HTTP/1.1 framing on both sides (request
line + headers, then a ``Content-Length`` or chunked body; response status + headers, then a
``Content-Length``, chunked or read-to-EOF body) and draws the next fault from the schedule for
every request, whichever connection it comes on. A "connection" in a schedule is therefore one
request/response exchange; with keep-alive off it is the same thing. Faults that break the
connection (resets, drops) close it on both sides; the client then opens a new one. Upstream, each
request gets a fresh connection (loopback: cheap), so an idle upstream connection closed by the
server's keep-alive timeout never shows up as a fault nobody asked for.

Modes (``Fault.mode``):

``pass``                        forward the request and the response unchanged.
``reset_mid_request``           forward only the first ``fraction`` of the request bytes to the
                                upstream, then reset both sides (SO_LINGER 0: an RST, not a FIN).
                                The upstream sees a truncated request and must commit nothing.
``drop_response_after_commit``  forward the whole request, read the whole upstream response (the
                                server has committed), then reset the client without a byte of it.
``reset_mid_response``          as above, but send the first ``fraction`` of the response first.
``stall``                       hold the request ``seconds`` before forwarding it (``phase=
                                "response"``: hold the response instead, after the upstream answered).
``bandwidth``                   ``bytes_per_second`` both ways, plus ``latency`` +- ``jitter``
                                seconds before the request and before the response (seeded).
``black_hole``                  read and discard everything, never answer, never close (until the
                                proxy is stopped or the client gives up).
``captive_portal``              answer the request itself: ``200 text/html`` login page, unsigned,
                                ``Connection: close``. The upstream never sees the request.
``status_with_retry_after``     answer the request itself: ``status`` (429 or 503) with
                                ``Retry-After: retry_after`` and a small JSON body, unsigned.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import socket
import struct
import threading
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

Mode = Literal["pass", "reset_mid_request", "drop_response_after_commit", "reset_mid_response", "stall",
               "bandwidth", "black_hole", "captive_portal", "status_with_retry_after"]
MODES: tuple[str, ...] = Mode.__args__  # type: ignore[attr-defined]
# The faults a "10 % random faults" schedule draws from: each one breaks or delays an exchange
# without hanging the client for longer than a short test timeout.
RANDOM_FAULTS: tuple[str, ...] = ("reset_mid_request", "drop_response_after_commit", "reset_mid_response",
                                  "status_with_retry_after")
MAX_HEADER_BYTES = 64 * 1024
READ_CHUNK = 64 * 1024
PORTAL_PAGE = (b"<!doctype html><html><head><title>Login WiFi</title></head><body>"
               b"<h1>Selamat datang di WiFi.id</h1><form method=post action=/login>"
               b"<input name=user><input name=password type=password><button>Masuk</button>"
               b"</form></body></html>")


@dataclass(frozen=True)
class Fault:
    """One fault and its parameters (unused parameters are ignored by the other modes)."""

    mode: Mode = "pass"
    fraction: float = 0.5  # reset_mid_request / reset_mid_response: share of the bytes let through
    seconds: float = 1.0  # stall
    phase: Literal["request", "response"] = "request"  # stall
    bytes_per_second: int = 20 * 1024  # bandwidth
    latency: float = 0.0  # bandwidth: one-way delay before the request and before the response
    jitter: float = 0.0  # bandwidth: latency +- U(0, jitter)
    status: int = 429  # status_with_retry_after
    retry_after: int = 5  # status_with_retry_after: seconds

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ValueError(f"unknown fault mode {self.mode!r}")
        if not 0.0 <= self.fraction <= 1.0:
            raise ValueError("fraction must be within [0, 1]")
        if self.bytes_per_second <= 0:
            raise ValueError("bytes_per_second must be positive")


PASS = Fault("pass")


class Schedule:
    """Which fault the next request gets. Not thread-safe by itself: the proxy calls it under its
    lock, once per request, in arrival order."""

    def fault_for(self, method: str, path: str) -> Fault:  # pragma: no cover - interface
        raise NotImplementedError


@dataclass
class Constant(Schedule):
    fault: Fault

    def fault_for(self, method: str, path: str) -> Fault:
        return self.fault


@dataclass
class Sequence(Schedule):
    """The listed faults for the next requests, then ``then`` for every later one."""

    faults: list[Fault]
    then: Fault = PASS
    _taken: int = 0

    def fault_for(self, method: str, path: str) -> Fault:
        self._taken += 1
        return self.faults[self._taken - 1] if self._taken <= len(self.faults) else self.then


@dataclass
class Random(Schedule):
    """Each request gets a random fault with probability ``rate`` (seeded: the same seed gives the
    same faults for the same request order), else ``otherwise``."""

    rate: float
    faults: tuple[Fault, ...]
    seed: int
    otherwise: Fault = PASS
    _rng: random.Random = field(init=False)

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)

    def fault_for(self, method: str, path: str) -> Fault:
        hit = self._rng.random() < self.rate
        choice = self._rng.choice(self.faults)  # drawn either way, so the sequence stays stable
        return choice if hit else self.otherwise


@dataclass
class Only(Schedule):
    """``inner`` for the requests matching ``"METHOD /path-prefix"`` (e.g. ``"POST /v1/batches"``,
    or ``"/v1/blobs/"`` for any method); every other request passes and takes no slot of ``inner``."""

    inner: Schedule
    match: str

    def fault_for(self, method: str, path: str) -> Fault:
        want_method, _, want_path = self.match.rpartition(" ")
        if (not want_method or want_method.upper() == method) and path.startswith(want_path):
            return self.inner.fault_for(method, path)
        return PASS


class _Broken(Exception):
    """A peer closed or reset the connection, or sent something that is not HTTP/1.1."""


@dataclass
class _Message:
    head: bytes  # start line + headers + the blank line
    body: bytes  # as framed on the wire (chunked bodies keep their chunk framing)
    close: bool  # the connection ends after this message

    @property
    def raw(self) -> bytes:
        return self.head + self.body


def _headers(head: bytes) -> tuple[str, dict[str, str]]:
    lines = head.decode("latin-1").split("\r\n")
    fields: dict[str, str] = {}
    for line in lines[1:]:
        if ":" in line:
            name, value = line.split(":", 1)
            fields[name.strip().lower()] = value.strip()
    return lines[0], fields


async def _read_head(reader: asyncio.StreamReader) -> bytes:
    try:
        return await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError as exc:
        raise _Broken("eof" if not exc.partial else "truncated head") from None
    except asyncio.LimitOverrunError:
        raise _Broken("head too long") from None
    except (ConnectionError, OSError) as exc:
        raise _Broken(str(exc)) from None


async def _read_exactly(reader: asyncio.StreamReader, count: int) -> bytes:
    try:
        return await reader.readexactly(count)
    except asyncio.IncompleteReadError:
        raise _Broken("truncated body") from None
    except (ConnectionError, OSError) as exc:
        raise _Broken(str(exc)) from None


async def _read_chunked(reader: asyncio.StreamReader) -> bytes:
    parts = []
    for _ in range(1_000_000):
        size_line = await _read_head_line(reader)
        parts.append(size_line)
        size = int(size_line.split(b";")[0].strip() or b"0", 16)
        if size == 0:
            while True:  # trailers, up to the blank line
                line = await _read_head_line(reader)
                parts.append(line)
                if line == b"\r\n":
                    return b"".join(parts)
        parts.append(await _read_exactly(reader, size + 2))
    raise _Broken("too many chunks")


async def _read_head_line(reader: asyncio.StreamReader) -> bytes:
    try:
        return await reader.readuntil(b"\r\n")
    except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError, OSError):
        raise _Broken("truncated chunk") from None


async def _read_request(reader: asyncio.StreamReader) -> _Message:
    head = await _read_head(reader)
    start, fields = _headers(head)
    if fields.get("transfer-encoding", "").lower() == "chunked":
        body = await _read_chunked(reader)
    else:
        body = await _read_exactly(reader, int(fields.get("content-length", "0") or 0))
    close = fields.get("connection", "").lower() == "close" or start.endswith("HTTP/1.0")
    return _Message(head, body, close)


async def _read_response(reader: asyncio.StreamReader, request_method: str) -> _Message:
    while True:
        head = await _read_head(reader)
        start, fields = _headers(head)
        parts = start.split(" ", 2)
        status = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0
        if status == 0:
            raise _Broken("not an HTTP response")
        if 100 <= status < 200 and status != 101:
            continue  # 100 Continue: the final answer follows
        break
    close = fields.get("connection", "").lower() == "close" or start.startswith("HTTP/1.0")
    if request_method == "HEAD" or status in (204, 304):
        return _Message(head, b"", close)
    if fields.get("transfer-encoding", "").lower() == "chunked":
        return _Message(head, await _read_chunked(reader), close)
    if "content-length" in fields:
        return _Message(head, await _read_exactly(reader, int(fields["content-length"])), close)
    try:  # no framing: the body runs to the end of the connection
        return _Message(head, await reader.read(-1), True)
    except (ConnectionError, OSError) as exc:
        raise _Broken(str(exc)) from None


def _reset(writer: asyncio.StreamWriter | None) -> None:
    """Close with an RST (SO_LINGER on, timeout 0) rather than a FIN, discarding unsent bytes."""
    if writer is None:
        return
    sock = writer.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


def _close(writer: asyncio.StreamWriter | None) -> None:
    if writer is not None and not writer.transport.is_closing():
        writer.close()


@dataclass
class _Connection:
    """One client connection and the upstream connection that serves it."""

    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    upstream: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    def close_upstream(self) -> None:
        if self.upstream is not None:
            _close(self.upstream[1])
            self.upstream = None

    def reset_upstream(self) -> None:
        if self.upstream is not None:
            _reset(self.upstream[1])
            self.upstream = None


def _target(head: bytes) -> tuple[str, str]:
    """The request's method and path (without the query string), for schedules and counters."""
    parts = head.split(b"\r\n", 1)[0].decode("latin-1").split(" ")
    method = parts[0].upper() if parts else ""
    path = parts[1].split("?", 1)[0] if len(parts) > 1 else ""
    # Blob names are content hashes: count them under one name.
    if path.startswith("/v1/blobs/"):
        path = "/v1/blobs/"
    return method, path


def _own_answer(status: int, reason: str, content_type: str, body: bytes, extra: dict[str, str]) -> bytes:
    lines = [f"HTTP/1.1 {status} {reason}", f"Content-Type: {content_type}", f"Content-Length: {len(body)}",
             *(f"{k}: {v}" for k, v in extra.items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


class FaultProxy:
    """``with FaultProxy(upstream_port) as proxy: ... proxy.url ...``; or ``start()`` / ``stop()``."""

    def __init__(self, upstream_port: int, upstream_host: str = "127.0.0.1", seed: int = 0) -> None:
        if upstream_host not in ("127.0.0.1", "localhost", "::1"):
            raise ValueError("the fault proxy only talks to loopback")
        self.upstream_host = upstream_host
        self.upstream_port = upstream_port
        self._lock = threading.Lock()
        self._schedule: Schedule = Constant(PASS)
        self._counters: Counter[str] = Counter()
        self._last_request = ""
        self._rng = random.Random(seed)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._server: asyncio.base_events.Server | None = None
        self._tasks: set[asyncio.Task] = set()
        self._writers: set[asyncio.StreamWriter] = set()
        self.port = 0

    # -- life ------------------------------------------------------------------------------
    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 10.0) -> FaultProxy:
        ready = threading.Event()
        failure: list[BaseException] = []

        def main() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            try:
                self._server = loop.run_until_complete(
                    asyncio.start_server(self._client_connected, "127.0.0.1", 0, limit=MAX_HEADER_BYTES))
                self.port = self._server.sockets[0].getsockname()[1]
            except BaseException as exc:  # noqa: BLE001 - reported to the starting thread
                failure.append(exc)
                ready.set()
                loop.close()
                return
            ready.set()
            try:
                loop.run_forever()
            finally:
                loop.run_until_complete(self._shutdown())
                loop.close()

        self._thread = threading.Thread(target=main, name=f"fault-proxy->{self.upstream_port}", daemon=True)
        self._thread.start()
        if not ready.wait(timeout):
            raise RuntimeError("fault proxy did not start")
        if failure:
            raise failure[0]
        return self

    def stop(self, timeout: float = 10.0) -> None:
        """Close the listening socket and every open connection; join the thread."""
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        if not loop.is_closed():
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout)
        if thread.is_alive():
            raise RuntimeError("fault proxy thread did not stop")
        self._loop = self._thread = None

    async def _shutdown(self) -> None:
        if self._server is not None:
            self._server.close()
        for writer in list(self._writers):
            writer.transport.abort()
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.wait(list(self._tasks), timeout=5)
        if self._server is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._server.wait_closed(), 5)

    def __enter__(self) -> FaultProxy:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def drop_connections(self) -> None:
        """Reset every open connection now (a crash of the network path, not of either side)."""
        loop = self._loop
        if loop is None:
            return
        done = threading.Event()

        def drop() -> None:
            for writer in list(self._writers):
                _reset(writer)
            done.set()

        loop.call_soon_threadsafe(drop)
        done.wait(5)

    # -- control (any thread) ----------------------------------------------------------------
    def set_mode(self, mode: Mode | Fault, only: str | None = None, **params) -> None:
        """Every later request (matching ``only``, see ``Only``) gets this fault:
        ``set_mode("stall", seconds=2)``, ``set_mode("captive_portal", only="POST /v1/batches")``."""
        fault = mode if isinstance(mode, Fault) else Fault(mode, **params)
        self.set_schedule_object(Constant(fault), only)

    def set_schedule(self, faults: Iterable[Fault | Mode], then: Fault | Mode = "pass",
                     only: str | None = None) -> None:
        """The next requests (matching ``only``) get ``faults`` in order, every later one ``then``:
        ``set_schedule(["drop_response_after_commit"] * 2, only="POST /v1/batches")``."""
        listed = [f if isinstance(f, Fault) else Fault(f) for f in faults]
        self.set_schedule_object(Sequence(listed, then if isinstance(then, Fault) else Fault(then)), only)

    def set_random(self, rate: float, seed: int, faults: Iterable[Fault | Mode] = RANDOM_FAULTS,
                   otherwise: Fault | Mode = "pass", only: str | None = None) -> None:
        """Each later request (matching ``only``) gets one of ``faults`` with probability ``rate``
        (seeded)."""
        listed = tuple(f if isinstance(f, Fault) else Fault(f) for f in faults)
        self.set_schedule_object(Random(rate, listed, seed,
                                        otherwise if isinstance(otherwise, Fault) else Fault(otherwise)), only)

    def set_schedule_object(self, schedule: Schedule, only: str | None = None) -> None:
        with self._lock:
            self._schedule = Only(schedule, only) if only else schedule

    @property
    def counters(self) -> Counter[str]:
        """A snapshot: ``connections``, ``requests``, ``fault:<mode>`` per applied fault,
        ``forwarded`` (requests handed whole to the upstream), ``upstream_responses`` (complete
        responses read from it), ``delivered`` (responses handed whole to the client),
        ``partial_requests`` (truncated requests sent upstream), ``client_resets``,
        ``bytes_up``, ``bytes_down``, ``upstream_refused``, ``upstream_broken``; and per request
        ``request:<METHOD> <path>``, ``response:<METHOD> <path>`` (a complete upstream answer was
        read: the server has committed) and ``fault:<mode>:<METHOD> <path>`` (every blob PUT
        counts as ``/v1/blobs/``)."""
        with self._lock:
            return Counter(self._counters)

    @property
    def last_request(self) -> str:
        """``"METHOD /path"`` of the latest request to arrive ("" before the first)."""
        with self._lock:
            return self._last_request

    def reset_counters(self) -> None:
        with self._lock:
            self._counters.clear()

    def _count(self, key: str, amount: int = 1) -> None:
        with self._lock:
            self._counters[key] += amount

    def _next_fault(self, method: str, path: str) -> Fault:
        with self._lock:
            fault = self._schedule.fault_for(method, path)
            self._counters["requests"] += 1
            self._counters[f"fault:{fault.mode}"] += 1
            self._counters[f"request:{method} {path}"] += 1
            self._last_request = f"{method} {path}"
            if fault.mode != "pass":
                self._counters[f"fault:{fault.mode}:{method} {path}"] += 1
            return fault

    def _uniform(self, low: float, high: float) -> float:
        with self._lock:
            return self._rng.uniform(low, high)

    # -- one client connection (event-loop thread) -------------------------------------------
    async def _client_connected(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        self._writers.add(writer)
        self._count("connections")
        conn = _Connection(reader, writer)
        try:
            for _ in range(100_000):  # requests on one kept-alive connection, bounded
                try:
                    head = await _read_head(reader)
                except _Broken:
                    return
                method, path = _target(head)
                if not await self._exchange(self._next_fault(method, path), head, conn):
                    return
        except asyncio.CancelledError:
            # The proxy is stopping. Not re-raised: asyncio's start_server callback would log a
            # cancelled connection task as an error.
            _reset(writer)
        except (_Broken, ConnectionError, OSError):
            _reset(writer)
        finally:
            conn.close_upstream()
            _close(writer)
            self._writers.discard(writer)
            self._tasks.discard(task)

    async def _exchange(self, fault: Fault, head: bytes, conn: _Connection) -> bool:
        """Handle one request whose head was read; return whether the connection goes on."""
        reader, writer = conn.reader, conn.writer
        start, fields = _headers(head)
        method = start.split(" ", 1)[0].upper()
        chunked = fields.get("transfer-encoding", "").lower() == "chunked"
        length = 0 if chunked else int(fields.get("content-length", "0") or 0)

        if fault.mode == "black_hole":
            for _ in range(10_000_000):  # ends when the client closes or the proxy stops
                data = await reader.read(READ_CHUNK)
                if not data:
                    return False
            return False

        if fault.mode == "reset_mid_request":
            whole = len(head) + length
            cut = max(1, min(whole - 1, int(whole * fault.fraction)))
            if cut <= len(head):
                partial = head[:cut]
            else:
                partial = head + await _read_exactly(reader, cut - len(head))
            up_writer = (await self._upstream(conn))[1]
            up_writer.write(partial)
            with contextlib.suppress(ConnectionError, OSError):
                await up_writer.drain()
            await asyncio.sleep(0.05)  # let the partial bytes reach the upstream before the RST
            self._count("partial_requests")
            self._count("bytes_up", len(partial))
            conn.reset_upstream()
            _reset(writer)
            self._count("client_resets")
            return False

        # Every other mode needs the whole request first.
        if fault.mode == "bandwidth":
            body = await self._paced_read(reader, length, fault) if not chunked else await _read_chunked(reader)
        else:
            body = await _read_chunked(reader) if chunked else await _read_exactly(reader, length)
        request = _Message(head, body, fields.get("connection", "").lower() == "close")
        self._count("bytes_up", len(request.raw))

        if fault.mode == "captive_portal":
            writer.write(_own_answer(200, "OK", "text/html; charset=utf-8", PORTAL_PAGE,
                                     {"Connection": "close", "Cache-Control": "no-store"}))
            await writer.drain()
            return False
        if fault.mode == "status_with_retry_after":
            body = b'{"code":"busy","message":"Server sibuk, coba lagi nanti."}'
            reason = "Too Many Requests" if fault.status == 429 else "Service Unavailable"
            writer.write(_own_answer(fault.status, reason, "application/json", body,
                                     {"Retry-After": str(fault.retry_after)}))
            await writer.drain()
            return not request.close

        if fault.mode == "stall" and fault.phase == "request":
            await asyncio.sleep(fault.seconds)
        if fault.mode == "bandwidth":
            await asyncio.sleep(self._latency(fault))

        up_reader, up_writer = await self._upstream(conn)
        try:
            up_writer.write(request.raw)
            await up_writer.drain()
            self._count("forwarded")
            response = await _read_response(up_reader, method)
        except (_Broken, ConnectionError, OSError):
            # The upstream went away (a gateway restart): the client sees a reset, as it would.
            conn.reset_upstream()
            _reset(writer)
            self._count("client_resets")
            self._count("upstream_broken")
            return False
        self._count("upstream_responses")
        self._count(f"response:{method} {_target(head)[1]}")
        # One upstream connection per request: a kept-alive upstream connection that the server
        # closed while idle would otherwise turn into a spurious reset of the next request.
        conn.close_upstream()

        if fault.mode == "drop_response_after_commit":
            _reset(writer)
            self._count("client_resets")
            conn.close_upstream()
            return False
        if fault.mode == "reset_mid_response":
            data = response.raw
            cut = max(1, min(len(data) - 1, int(len(data) * fault.fraction)))
            writer.write(data[:cut])
            await writer.drain()
            await asyncio.sleep(0.05)  # the partial bytes leave before the RST
            self._count("bytes_down", cut)
            _reset(writer)
            self._count("client_resets")
            conn.close_upstream()
            return False
        if fault.mode == "stall" and fault.phase == "response":
            await asyncio.sleep(fault.seconds)
        if fault.mode == "bandwidth":
            await asyncio.sleep(self._latency(fault))
            await self._paced_write(writer, response.raw, fault)
        else:
            writer.write(response.raw)
            await writer.drain()
        self._count("bytes_down", len(response.raw))
        self._count("delivered")
        return not (request.close or response.close)

    async def _upstream(self, conn: _Connection) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        """A fresh upstream connection for this request (closed once its response is read)."""
        if conn.upstream is None:
            conn.upstream = await self._open_upstream()
        return conn.upstream

    async def _open_upstream(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        try:
            return await asyncio.wait_for(
                asyncio.open_connection(self.upstream_host, self.upstream_port, limit=MAX_HEADER_BYTES), 10)
        except (OSError, asyncio.TimeoutError) as exc:
            self._count("upstream_refused")
            raise _Broken(f"upstream: {exc}") from None

    def _latency(self, fault: Fault) -> float:
        if fault.latency <= 0:
            return 0.0
        return max(0.0, fault.latency + self._uniform(-fault.jitter, fault.jitter))

    async def _paced_read(self, reader: asyncio.StreamReader, length: int, fault: Fault) -> bytes:
        parts, left = [], length
        tick = 0.05
        step = max(1, int(fault.bytes_per_second * tick))
        for _ in range(length // step + 2):
            if left <= 0:
                break
            started = time.monotonic()
            part = await _read_exactly(reader, min(step, left))
            parts.append(part)
            left -= len(part)
            await asyncio.sleep(max(0.0, len(part) / fault.bytes_per_second - (time.monotonic() - started)))
        return b"".join(parts)

    async def _paced_write(self, writer: asyncio.StreamWriter, data: bytes, fault: Fault) -> None:
        tick = 0.05
        step = max(1, int(fault.bytes_per_second * tick))
        for offset in range(0, len(data), step):
            part = data[offset:offset + step]
            writer.write(part)
            await writer.drain()
            await asyncio.sleep(len(part) / fault.bytes_per_second)


__all__ = ["FaultProxy", "Fault", "MODES", "RANDOM_FAULTS", "PASS", "Schedule",
           "Constant", "Sequence", "Random", "Only"]
