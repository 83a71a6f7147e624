"""Shared by the fault, kill -9, stateful tests and the upload benchmark: a gateway on a fixed
loopback port that can be stopped and started again on the same port and data folder, a kiosk
with a movable clock and an uploader with chosen timeouts, a bounded "sync until drained", and
the end-to-end check: the gateway holds exactly the sealed set, each once, with the same
receipts on both sides."""

from __future__ import annotations

import datetime as dt
import random
import socket
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import uvicorn

from kiosk.record import RecordState
from kiosk.store import Store, open_store
from kiosk.sync import sync_settings
from kiosk.sync.client import SyncClient
from kiosk.sync.enrollment import enroll
from kiosk.sync.gateway_app import GatewayConfig, create_app
from kiosk.sync.gateway_records import list_records
from kiosk.sync.gateway_store import GatewayStore
from kiosk.sync.uploader import SyncReport, Uploader

WIB = dt.timezone(dt.timedelta(hours=7))
ACKED_OR_LATER = frozenset({RecordState.ACKNOWLEDGED, RecordState.PROCESSED, RecordState.REJECTED,
                            RecordState.PURGED})
UNSENT = frozenset({RecordState.QUEUED, RecordState.SENDING})
TEST_TIMEOUT = httpx.Timeout(connect=3.0, read=10.0, write=10.0, pool=3.0)


# -- the gateway -----------------------------------------------------------------------------------
class PortGateway:
    """``create_app`` under uvicorn in a background thread on 127.0.0.1:``port`` (0: a free one,
    kept across restarts). ``stop`` closes the app and its store; ``start`` again serves the same
    data folder on the same port, as a restarted server would."""

    def __init__(self, data_dir: Path, config: GatewayConfig | None = None, port: int = 0) -> None:
        self.data_dir = data_dir
        self.config = config
        self.port = port
        self.app = None
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._sock: socket.socket | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def store(self) -> GatewayStore:
        assert self.app is not None, "the gateway is not running"
        return self.app.state.store

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> PortGateway:
        self.app = create_app(self.data_dir, self.config)
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", self.port))
        self.port = sock.getsockname()[1]
        self._sock = sock
        self._server = uvicorn.Server(uvicorn.Config(self.app, log_level="warning", access_log=False,
                                                     lifespan="on"))
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [sock]}, daemon=True,
                                        name=f"gateway:{self.port}")
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the gateway did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        if self._server is None or self._thread is None:
            return
        self._server.should_exit = True
        self._thread.join(15)
        if self._thread.is_alive():
            raise RuntimeError("the gateway did not stop")
        if self._sock is not None:
            self._sock.close()
        self._server = self._thread = self._sock = None

    def restart(self) -> PortGateway:
        self.stop()
        return self.start()

    def rows(self, device_id: str | None = None) -> list[dict]:
        """The gateway's records (arrival order), of one device when given."""
        return [row for row in list_records(self.store) if device_id is None or row["device_id"] == device_id]


# -- the kiosk ---------------------------------------------------------------------------------------
class MovableClock:
    """The uploader's clock: aware datetimes that move only when told (signing keeps real time)."""

    def __init__(self, start: dt.datetime | None = None) -> None:
        self.now = start or dt.datetime.now(WIB)

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


@dataclass
class TestKiosk:
    """A kiosk data folder opened in this thread, enrolled at a gateway, with its own clock."""

    __test__ = False  # not a test class, whatever its name

    data_dir: Path
    store: Store
    clock: MovableClock
    clients: list[SyncClient] = field(default_factory=list)

    @classmethod
    def open(cls, data_dir: Path, clock: MovableClock | None = None) -> TestKiosk:
        """The store seals with the same movable clock, so a new record is due at once."""
        clock = clock or MovableClock()
        return cls(data_dir, open_store(data_dir, clock=clock), clock)

    def enroll(self, gateway_url: str, code: str) -> None:
        enroll(self.store.database, self.store.keys, gateway_url, code)

    @property
    def device_id(self) -> str:
        return self.store.keys.device_id

    def uploader(self, base_url: str, timeout: httpx.Timeout = TEST_TIMEOUT, seed: int = 7) -> Uploader:
        """An uploader talking to ``base_url`` (a fault proxy, usually) with these timeouts."""
        enrolled = sync_settings.enrolment(self.store.database)
        assert enrolled is not None, "enrol the kiosk first"
        client = SyncClient(base_url, self.store.keys, enrolled.server_key, timeout=timeout,
                            clock_offset=sync_settings.clock_offset(self.store.database))
        self.clients.append(client)
        return Uploader(self.store.database, self.store.keys, client, clock=self.clock, rng=random.Random(seed))

    def states(self) -> dict[str, RecordState]:
        rows = self.store.database.execute("SELECT record_id, state FROM records").fetchall()
        return {rid: RecordState(state) for rid, state in rows}

    def state_counts(self) -> Counter[str]:
        return Counter(state.value for state in self.states().values())

    def rows(self) -> dict[str, dict]:
        rows = self.store.database.execute(
            "SELECT r.record_id, r.state, r.receipt_no, r.sha256, r.device_seq, o.next_attempt_at, o.lease_until "
            "FROM records r LEFT JOIN outbox o USING (record_id)").fetchall()
        keys = ("record_id", "state", "receipt_no", "sha256", "device_seq", "next_attempt_at", "lease_until")
        return {row[0]: dict(zip(keys, row, strict=True)) for row in rows}

    def next_attempts(self) -> dict[str, dt.datetime]:
        return {rid: dt.datetime.fromisoformat(row["next_attempt_at"]) for rid, row in self.rows().items()
                if row["next_attempt_at"]}

    def close_clients(self) -> None:
        for client in self.clients:
            client.close()
        self.clients.clear()

    def close(self) -> None:
        self.close_clients()
        self.store.database.close()


def drain(kiosk: TestKiosk, base_url: str, max_passes: int = 40, seconds: float = 60.0) -> list[SyncReport]:
    """Sync passes until nothing is queued or sending, moving the kiosk's clock past each backoff
    and lease (bounded in passes and time); the reports of every pass."""
    uploader = kiosk.uploader(base_url)
    reports: list[SyncReport] = []
    deadline = time.monotonic() + seconds
    for _ in range(max_passes):
        report = uploader.run_once()
        reports.append(report)
        counts = kiosk.state_counts()
        if not counts[RecordState.QUEUED.value] and not counts[RecordState.SENDING.value]:
            return reports
        if time.monotonic() > deadline:
            break
        if report.next_attempt_at is not None and report.next_attempt_at > kiosk.clock.now:
            kiosk.clock.now = report.next_attempt_at + dt.timedelta(seconds=1)
        else:
            kiosk.clock.advance(minutes=6)  # past any lease left by a broken pass
    raise AssertionError(f"the queue did not drain in {len(reports)} passes: {dict(kiosk.state_counts())}, "
                         f"last error {reports[-1].error!r}")


def assert_exactly_once(kiosk: TestKiosk, gateway_rows: list[dict], sealed: set[str] | None = None) -> None:
    """The gateway holds exactly the kiosk's sealed set, each record once, with the same content
    hash, and each record's receipt number is the same on both sides."""
    local = kiosk.rows()
    sealed = set(local) if sealed is None else sealed
    served_ids = [row["record_id"] for row in gateway_rows]
    assert len(served_ids) == len(set(served_ids)), "a record is held twice by the gateway"
    assert set(served_ids) == sealed, (f"gateway lacks {len(sealed - set(served_ids))}, "
                                       f"has {len(set(served_ids) - sealed)} unknown")
    seqs = [row["device_seq"] for row in gateway_rows]
    assert len(seqs) == len(set(seqs)), "one device_seq stored under two record ids"
    receipts = [row["receipt_no"] for row in gateway_rows]
    assert len(receipts) == len(set(receipts)), "a receipt number was given twice"
    for row in gateway_rows:
        mine = local[row["record_id"]]
        assert RecordState(mine["state"]) in ACKED_OR_LATER, (row["record_id"], mine["state"])
        assert mine["receipt_no"] == row["receipt_no"], (row["record_id"], mine["receipt_no"], row["receipt_no"])
        assert mine["sha256"] == row["sha256"]
        assert mine["device_seq"] == row["device_seq"]
