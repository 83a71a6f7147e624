"""A Hypothesis state machine over the whole outbox: a real kiosk store and the real Uploader, a
real gateway (uvicorn on loopback) behind the fault proxy. Steps: seal, sync, sync with the
request or the response dropped at a random exchange, crash of the kiosk (connections dropped,
store and uploader reopened from disk, leases left behind, optionally expired), crash of the
gateway (restart on the same port and data), the registry deciding, receipts pulled, the clock
moved and photos purged.

Invariants after every step: (1) only legal state transitions; (2) the gateway's rows of this
kiosk are sealed records, every locally acknowledged-or-later record is there with the same
receipt, and a record the gateway holds but the kiosk has not acknowledged is still waiting to
be sent (its resend will be a duplicate); receipts never change; (3) nothing is purged without a
final status and a server copy; and at teardown (4) a reliable sync acknowledges every sealed
record, each held once at the gateway with equal receipts.

One gateway and proxy serve every example; each example is a new kiosk (a new device id), so
examples never see each other's records.
"""

from __future__ import annotations

import itertools
import os
import random
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from collections import Counter

from hypothesis import HealthCheck, settings
from hypothesis import event as hypothesis_event
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test

from fault_proxy import PASS, Fault, FaultProxy
from kiosk.demo_data import synthetic_portrait
from kiosk.record import ALLOWED_TRANSITIONS, FINAL_STATES, CitizenDraft, Consent, RecordState, Stand
from kiosk.sync import gateway_records, sync_settings
from kiosk.sync.final_status import purge_final
from kiosk.sync.gateway_app import GatewayConfig
from kiosk.sync.uploader import SyncReport
from sync_harness import ACKED_OR_LATER, UNSENT, PortGateway, TestKiosk, assert_exactly_once, drain

S = RecordState
REJECT_PERCENT = 30
EXAMPLES = int(os.environ.get("KIOSK_STATEFUL_EXAMPLES", "25"))
STEPS = int(os.environ.get("KIOSK_STATEFUL_STEPS", "20"))
STEP_TIMEOUT = httpx.Timeout(connect=2.0, read=5.0, write=5.0, pool=2.0)


def reachable(start: RecordState) -> frozenset[RecordState]:
    """Every state ``start`` can reach by allowed transitions (itself included)."""
    seen, todo = {start}, [start]
    while todo:
        for nxt in ALLOWED_TRANSITIONS[todo.pop()]:
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return frozenset(seen)


REACHABLE = {state: reachable(state) for state in RecordState}
STATS: Counter[str] = Counter()  # what the examples did, printed at the end (pytest -s shows it)


def event(text: str) -> None:
    STATS[text] += 1
    hypothesis_event(text)


class Environment:
    """What every example shares: the gateway, the proxy, a folder for kiosks and one photo."""

    def __init__(self, root: Path, gateway: PortGateway, proxy: FaultProxy) -> None:
        self.root, self.gateway, self.proxy = root, gateway, proxy
        self.photo = synthetic_portrait(random.Random(1))
        self._numbers = itertools.count()

    def new_dir(self) -> Path:
        return self.root / f"kiosk-{next(self._numbers)}"


class OutboxMachine(RuleBasedStateMachine):
    env: Environment  # set by the test before the machine runs

    def __init__(self) -> None:
        super().__init__()
        self.env.proxy.set_mode("pass")
        self.data_dir = self.env.new_dir()
        self.kiosk = TestKiosk.open(self.data_dir)
        self.kiosk.store.database.execute(
            "INSERT INTO officers (name, nip, role, pin_hash, created_at) VALUES (?, ?, ?, ?, ?)",
            ("Rahmat Hidayat", "198903212014031002", "officer", "-", self.kiosk.clock.now.isoformat()))
        self.officer_id = self.kiosk.store.database.execute("SELECT MAX(officer_id) FROM officers").fetchone()[0]
        self.kiosk.enroll(self.env.gateway.url, self.env.gateway.store.new_enroll_code())
        self.uploader = self.kiosk.uploader(self.env.proxy.url, timeout=STEP_TIMEOUT)
        self.sealed: set[str] = set()
        self.last_states: dict[str, RecordState] = {}
        self.server_receipts: dict[str, str] = {}  # what the gateway ever said: never changes
        self.rng = random.Random(len(self.data_dir.name))

    # -- rules ---------------------------------------------------------------------------------------------
    @initialize(count=st.integers(1, 4))
    def first_records(self, count: int) -> None:
        self.seal(count)

    @rule(count=st.integers(1, 3))
    def seal(self, count: int) -> None:
        STATS["rule: seal"] += 1
        for _ in range(count):
            nik = f"137111{self.rng.randint(1, 28):02d}{self.rng.randint(1, 12):02d}{self.rng.randint(60, 99):02d}" \
                  f"{self.rng.randint(1, 200):04d}"
            draft = CitizenDraft(nik=nik, email="fitri.handayani@gmail.com", phone="+6281234567890",
                                 consent=Consent("PDP-2026-1", self.kiosk.clock.now), photo_jpeg=self.env.photo)
            summary = self.kiosk.store.seal(draft, self.officer_id,
                                            Stand("Balai Pemuda", "13.71.11.1001", "Lubuk Buaya"))
            assert summary.state is S.QUEUED
            self.sealed.add(summary.record_id)

    @rule(decide=st.booleans(), wait=st.booleans())
    def sync(self, decide: bool, wait: bool) -> None:
        """A clean pass; with ``decide`` the registry has decided what it held before the pass,
        with ``wait`` ten minutes passed first (past every backoff of a few failures, and leases)."""
        STATS["rule: sync"] += 1
        if decide:
            self.registry_decides()
        if wait:
            self.kiosk.clock.advance(minutes=10)
        self.env.proxy.set_mode("pass")
        report = self.uploader.run_once()
        assert report.error is None, report.error
        assert report.online and report.quarantined == 0
        if report.duplicates:
            event("a resend was acknowledged as duplicate")
        if report.leases_released:
            event("expired leases released")

    @rule(at=st.integers(0, 5), mode=st.sampled_from(["reset_mid_request", "drop_response_after_commit",
                                                       "reset_mid_response"]),
          decide=st.booleans(), wait=st.booleans())
    def sync_with_a_lost_exchange(self, at: int, mode: str, decide: bool, wait: bool) -> None:
        """One pass where the ``at``-th exchange (hello, blobs:check, photos..., batch, receipts)
        loses its request or its answer."""
        STATS["rule: sync_with_a_lost_exchange"] += 1
        if decide:
            self.registry_decides()
        if wait:
            self.kiosk.clock.advance(minutes=10)
        self.env.proxy.set_schedule([PASS] * at + [Fault(mode)])
        try:
            report = self.uploader.run_once()
        finally:
            self.env.proxy.set_mode("pass")
        assert report.quarantined == 0
        assert report.error is None or report.error.retryable
        event(f"lost exchange: {mode} -> {'failed' if report.error else 'not reached'}")
        if report.duplicates:
            event("a resend was acknowledged as duplicate")

    @rule(lease=st.integers(0, 3), expire=st.booleans())
    def crash_kiosk(self, lease: int, expire: bool) -> None:
        """The kiosk dies: connections reset, store and uploader reopened from disk. ``lease`` due
        records are left ``sending`` as a pass killed after leasing them would leave them."""
        STATS["rule: crash_kiosk"] += 1
        from kiosk.sync import outbox

        due, _ = outbox.due_records(self.kiosk.store.database, self.kiosk.clock.now, lease)
        outbox.lease(self.kiosk.store.database, [item.record_id for item in due], self.kiosk.clock.now)
        self.env.proxy.drop_connections()
        clock = self.kiosk.clock
        self.kiosk.close()
        if expire:
            clock.advance(minutes=6)
        self.kiosk = TestKiosk.open(self.data_dir, clock)
        self.uploader = self.kiosk.uploader(self.env.proxy.url, timeout=STEP_TIMEOUT)

    @rule()
    def crash_gateway(self) -> None:
        STATS["rule: crash_gateway"] += 1
        self.env.proxy.drop_connections()
        self.env.gateway.restart()

    @rule()
    def registry_decides(self) -> None:
        STATS["rule: registry_decides"] += 1
        gateway_records.process_due(self.env.gateway.store, self.kiosk.device_id, REJECT_PERCENT, 0.0)

    @rule()
    def pull_receipts(self) -> None:
        STATS["rule: pull_receipts"] += 1
        self.env.proxy.set_mode("pass")
        self.uploader._pull_receipts(SyncReport(started_at=self.kiosk.clock.now))  # the pass's own pull

    @rule(minutes=st.sampled_from([1, 6, 60, 8 * 24 * 60]))
    def time_passes_and_purge(self, minutes: int) -> None:
        STATS["rule: time_passes_and_purge"] += 1
        self.kiosk.clock.advance(minutes=minutes)
        database = self.kiosk.store.database
        if purge_final(database, self.kiosk.clock.now, sync_settings.retention_days(database),
                       self.kiosk.store.audit):
            event("records purged")

    # -- invariants ----------------------------------------------------------------------------------------
    @invariant()
    def only_legal_transitions(self) -> None:
        states = self.kiosk.states()
        assert set(states) == self.sealed
        for record_id, state in states.items():
            before = self.last_states.get(record_id, S.QUEUED)
            assert state in REACHABLE[before], f"{record_id}: {before.value} -> {state.value}"
            assert state is not S.QUARANTINED
        self.last_states = states

    @invariant()
    def gateway_rows_match_what_the_kiosk_knows(self) -> None:
        if not self.env.gateway.running:
            return
        served = {row["record_id"]: row for row in self.env.gateway.rows(self.kiosk.device_id)}
        assert set(served) <= self.sealed
        for record_id, row in served.items():
            known = self.server_receipts.setdefault(record_id, row["receipt_no"])
            assert known == row["receipt_no"], "a receipt number changed"
        local = self.kiosk.rows()
        for record_id, mine in local.items():
            state = RecordState(mine["state"])
            if state in ACKED_OR_LATER:
                assert record_id in served, f"{record_id} {state.value} locally but not at the gateway"
                assert mine["receipt_no"] == served[record_id]["receipt_no"]
            elif record_id in served:
                assert state in UNSENT, f"{record_id} at the gateway, {state.value} locally"
            if state in FINAL_STATES:
                assert served[record_id]["status"] == state.value

    @invariant()
    def nothing_purged_without_a_final_status_and_a_server_copy(self) -> None:
        rows = self.kiosk.store.database.execute(
            "SELECT r.record_id, r.state, r.final_status, r.final_at, r.receipt_no, r.personal_ct IS NULL, "
            "p.record_id IS NULL FROM records r LEFT JOIN photos p USING (record_id)").fetchall()
        served = ({row["record_id"]: row for row in self.env.gateway.rows(self.kiosk.device_id)}
                  if self.env.gateway.running else None)
        for record_id, state, final_status, final_at, receipt_no, personal_gone, photo_gone in rows:
            if state == S.PURGED.value:
                assert final_status in ("processed", "rejected") and final_at and receipt_no
                assert personal_gone and photo_gone
                if served is not None:
                    assert served[record_id]["receipt_no"] == receipt_no
                    assert served[record_id]["status"] == final_status
            else:
                assert not personal_gone and not photo_gone, f"{record_id} lost its data while {state}"

    def teardown(self) -> None:
        STATS["examples"] += 1
        STATS["records sealed"] += len(self.sealed)
        for state in self.kiosk.states().values():
            STATS[f"before teardown: {state.value}"] += 1
        try:
            self.env.proxy.set_mode("pass")
            if not self.env.gateway.running:
                self.env.gateway.start()
            self.kiosk.clock.advance(minutes=6)  # past any lease a crash left
            drain(self.kiosk, self.env.proxy.url, max_passes=30, seconds=30)
            states = self.kiosk.states()
            assert set(states) == self.sealed
            assert all(state in ACKED_OR_LATER for state in states.values())
            assert_exactly_once(self.kiosk, self.env.gateway.rows(self.kiosk.device_id), self.sealed)
        finally:
            self.kiosk.close()


@pytest.fixture
def environment(tmp_path: Path) -> Iterator[Environment]:
    gateway = PortGateway(tmp_path / "gateway",
                          GatewayConfig(reject_percent=REJECT_PERCENT, process_after_seconds=10**9)).start()
    try:
        with FaultProxy(gateway.port, seed=3) as proxy:
            yield Environment(tmp_path, gateway, proxy)
    finally:
        gateway.stop()


def test_the_outbox_state_machine(environment: Environment) -> None:
    OutboxMachine.env = environment
    run_state_machine_as_test(OutboxMachine, settings=settings(
        max_examples=EXAMPLES, stateful_step_count=STEPS, deadline=None, database=None,
        derandomize=os.environ.get("KIOSK_STATEFUL_RANDOM") is None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]))
    print("state machine:", dict(sorted(STATS.items())))
    assert STATS["examples"] >= 1


def test_reachability_follows_the_record_life() -> None:
    assert REACHABLE[S.QUEUED] >= {S.SENDING, S.ACKNOWLEDGED, S.PROCESSED, S.PURGED}
    assert S.QUEUED not in REACHABLE[S.ACKNOWLEDGED]
    assert REACHABLE[S.PURGED] == {S.PURGED}
