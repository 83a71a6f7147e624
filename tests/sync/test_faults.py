"""The real uploader against the real gateway through the fault proxy (tests/sync/fault_proxy.py),
one fault at a time, each with the property that must hold; and after each, a clean sync leaves
the gateway holding exactly the sealed set, each record once, with the same receipt numbers on
both sides. Also: same id with other content is a conflict that leaves the gateway's copy alone,
and one invalid record in a batch of 50 does not stop the other 49."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import random
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from fault_proxy import Fault, FaultProxy
from kiosk.demo_data import ensure_demo_officers, make_demo_records, synthetic_portrait
from kiosk.record import CitizenDraft, Consent, RecordState, Stand
from kiosk.sync import sync_settings
from kiosk.sync.errors import CaptivePortal, NetworkUnavailable, ServerBusy
from sync_harness import PortGateway, TestKiosk, assert_exactly_once, drain

S = RecordState
BATCHES = "POST /v1/batches"
BLOBS = "PUT /v1/blobs/"
RECORDS = 8  # per test: one batch, eight photos


@pytest.fixture
def port_gateway(tmp_path: Path) -> Iterator[PortGateway]:
    gateway = PortGateway(tmp_path / "gateway").start()
    yield gateway
    gateway.stop()


@pytest.fixture
def proxy(port_gateway: PortGateway) -> Iterator[FaultProxy]:
    with FaultProxy(port_gateway.port, seed=11) as running:
        yield running


@pytest.fixture
def make_kiosk(tmp_path: Path, port_gateway: PortGateway) -> Iterator[Callable[..., TestKiosk]]:
    opened: list[TestKiosk] = []

    def make(count: int = RECORDS, seed: int = 3) -> TestKiosk:
        kiosk = TestKiosk.open(tmp_path / f"kiosk-{len(opened)}")
        opened.append(kiosk)
        if count:
            make_demo_records(kiosk.store, count, seed=seed)
        kiosk.enroll(port_gateway.url, port_gateway.store.new_enroll_code())
        return kiosk

    yield make
    for kiosk in opened:
        kiosk.close()


def converge(kiosk: TestKiosk, gateway: PortGateway, proxy: FaultProxy) -> None:
    """A clean sync until drained, then exactly the sealed set at the gateway, receipts equal."""
    proxy.set_mode("pass")
    drain(kiosk, proxy.url)
    assert kiosk.state_counts()[S.QUARANTINED.value] == 0
    assert_exactly_once(kiosk, gateway.rows(kiosk.device_id))


def states(kiosk: TestKiosk) -> set[S]:
    return set(kiosk.states().values())


def held_blobs_are_whole(gateway: PortGateway) -> int:
    """Every blob the gateway holds hashes to its name (no partial blob was ever accepted)."""
    names = [row[0] for row in gateway.store.query("SELECT sha256 FROM blobs")]
    for name in names:
        data = gateway.store.blob_files.read(name)
        assert data is not None and hashlib.sha256(data).hexdigest() == name
    return len(names)


# -- reset mid-request ---------------------------------------------------------------------------------
@pytest.mark.parametrize("fraction", [0.05, 0.5, 0.95])
def test_reset_mid_batch_request_acknowledges_nothing_and_a_clean_pass_sends_each_once(
        make_kiosk, port_gateway, proxy, fraction):
    kiosk = make_kiosk()
    proxy.set_mode("reset_mid_request", only=BATCHES, fraction=fraction)
    report = kiosk.uploader(proxy.url).run_once()
    assert isinstance(report.error, NetworkUnavailable)
    assert report.acknowledged == 0 and report.sent == 0
    assert states(kiosk) == {S.QUEUED}  # leased, then put back
    assert all(row["receipt_no"] is None for row in kiosk.rows().values())
    assert port_gateway.rows(kiosk.device_id) == []  # a truncated batch commits nothing
    assert proxy.counters["partial_requests"] == 1
    proxy.set_mode("pass")
    reports = drain(kiosk, proxy.url)
    assert sum(r.acknowledged for r in reports) == RECORDS
    assert sum(r.duplicates for r in reports) == 0  # the gateway never saw them: accepted, once
    converge(kiosk, port_gateway, proxy)


@pytest.mark.parametrize("fraction", [0.01, 0.3, 0.7, 0.99])
def test_reset_mid_blob_upload_never_leaves_a_partial_blob(make_kiosk, port_gateway, proxy, fraction):
    kiosk = make_kiosk()
    proxy.set_schedule([Fault("pass"), Fault("reset_mid_request", fraction=fraction)], only=BLOBS)
    report = kiosk.uploader(proxy.url).run_once()
    assert isinstance(report.error, NetworkUnavailable) and report.acknowledged == 0
    assert states(kiosk) == {S.QUEUED}
    assert held_blobs_are_whole(port_gateway) == 1  # the first photo only, whole
    assert port_gateway.rows(kiosk.device_id) == []
    converge(kiosk, port_gateway, proxy)
    assert held_blobs_are_whole(port_gateway) == RECORDS


# -- the answer is lost after the gateway committed -------------------------------------------------------
@pytest.mark.parametrize("fault", [Fault("drop_response_after_commit"),
                                   Fault("reset_mid_response", fraction=0.1),
                                   Fault("reset_mid_response", fraction=0.9)], ids=lambda f: f"{f.mode}-{f.fraction}")
def test_a_lost_batch_answer_is_resent_and_gets_duplicate_with_the_same_receipt(
        make_kiosk, port_gateway, proxy, fault):
    kiosk = make_kiosk()
    proxy.set_schedule([fault], only=BATCHES)
    report = kiosk.uploader(proxy.url).run_once()
    assert isinstance(report.error, NetworkUnavailable) and report.acknowledged == 0
    assert states(kiosk) == {S.QUEUED}
    committed = {row["record_id"]: row["receipt_no"] for row in port_gateway.rows(kiosk.device_id)}
    assert set(committed) == set(kiosk.states())  # the gateway HAS committed every record
    reports = drain(kiosk, proxy.url)
    assert sum(r.duplicates for r in reports) == RECORDS  # the resend: all duplicate ...
    assert {rid: row["receipt_no"] for rid, row in kiosk.rows().items()} == committed  # ... same receipts
    assert len(port_gateway.rows(kiosk.device_id)) == RECORDS
    converge(kiosk, port_gateway, proxy)


@pytest.mark.parametrize("mode", ["drop_response_after_commit", "reset_mid_response"])
def test_a_lost_blob_answer_is_harmless(make_kiosk, port_gateway, proxy, mode):
    kiosk = make_kiosk()
    proxy.set_schedule([Fault("pass"), Fault("pass"), Fault(mode)], only=BLOBS)
    report = kiosk.uploader(proxy.url).run_once()
    assert isinstance(report.error, NetworkUnavailable) and report.acknowledged == 0
    assert held_blobs_are_whole(port_gateway) == 3  # the third was stored, its answer lost
    converge(kiosk, port_gateway, proxy)


# -- slow but alive ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("fault, only", [
    (Fault("stall", seconds=1.0), "POST "),  # blobs:check and the batch held before forwarding
    (Fault("stall", seconds=2.0, phase="response"), BATCHES),  # committed, the answer late
])
def test_a_stall_shorter_than_the_timeouts_does_not_stop_progress(make_kiosk, port_gateway, proxy, fault, only):
    kiosk = make_kiosk()
    proxy.set_mode(fault, only=only)
    started = time.monotonic()
    report = kiosk.uploader(proxy.url, timeout=httpx.Timeout(3.0)).run_once()
    elapsed = time.monotonic() - started
    assert report.error is None and report.online
    assert report.acknowledged == RECORDS and report.duplicates == 0
    assert elapsed >= fault.seconds
    assert states(kiosk) <= {S.PROCESSED, S.REJECTED}
    converge(kiosk, port_gateway, proxy)


def test_at_20_kb_per_second_a_small_backlog_drains_without_a_false_stall_abort(make_kiosk, port_gateway, proxy):
    kiosk = make_kiosk(2)  # two ~60 KB photos: ~6 s of upload at 20 KB/s
    proxy.set_mode("bandwidth", bytes_per_second=20 * 1024, latency=0.1, jitter=0.05)
    started = time.monotonic()
    # Each timeout is shorter than the whole pass, longer than any gap between bytes.
    report = kiosk.uploader(proxy.url, timeout=httpx.Timeout(connect=3.0, read=5.0, write=5.0, pool=3.0)).run_once()
    elapsed = time.monotonic() - started
    assert report.error is None, report.error
    assert report.acknowledged == 2
    assert elapsed > 5.0  # the limit was real: the pass outlasted every single timeout
    assert proxy.counters["fault:bandwidth"] >= 5
    converge(kiosk, port_gateway, proxy)


# -- nothing answers ----------------------------------------------------------------------------------------
BLACK_HOLE_TIMEOUT = httpx.Timeout(1.0)


def test_a_black_hole_gives_up_within_the_timeouts_and_acknowledges_nothing(make_kiosk, port_gateway, proxy):
    kiosk = make_kiosk()
    proxy.set_mode("black_hole")
    started = time.monotonic()
    report = kiosk.uploader(proxy.url, timeout=BLACK_HOLE_TIMEOUT).run_once()
    assert time.monotonic() - started < 3.0  # one read timeout (1 s), plus the pass itself
    assert isinstance(report.error, NetworkUnavailable) and not report.online
    assert report.acknowledged == 0 and states(kiosk) == {S.QUEUED}
    assert port_gateway.rows(kiosk.device_id) == []
    converge(kiosk, port_gateway, proxy)


def test_a_black_hole_after_the_photos_puts_every_leased_record_back(make_kiosk, port_gateway, proxy):
    kiosk = make_kiosk()
    proxy.set_mode("black_hole", only=BATCHES)
    started = time.monotonic()
    report = kiosk.uploader(proxy.url, timeout=BLACK_HOLE_TIMEOUT).run_once()
    assert time.monotonic() - started < 5.0
    assert isinstance(report.error, NetworkUnavailable) and report.acknowledged == 0
    assert states(kiosk) == {S.QUEUED}
    assert all(at > kiosk.clock.now for at in kiosk.next_attempts().values())  # backed off
    assert port_gateway.rows(kiosk.device_id) == []  # the batch never reached it
    converge(kiosk, port_gateway, proxy)


# -- an answer that is not the gateway's --------------------------------------------------------------------
def test_a_captive_portal_200_is_offline_and_acknowledges_nothing(make_kiosk, port_gateway, proxy):
    kiosk = make_kiosk()
    proxy.set_mode("captive_portal")
    report = kiosk.uploader(proxy.url).run_once()
    assert isinstance(report.error, CaptivePortal) and not report.online
    assert report.acknowledged == 0 and states(kiosk) == {S.QUEUED}
    assert proxy.counters["forwarded"] == 0
    converge(kiosk, port_gateway, proxy)


def test_a_captive_portal_answering_the_batch_puts_the_leased_rows_back(make_kiosk, port_gateway, proxy):
    kiosk = make_kiosk()
    proxy.set_mode("captive_portal", only=BATCHES)
    report = kiosk.uploader(proxy.url).run_once()
    assert isinstance(report.error, CaptivePortal) and not report.online
    assert report.acknowledged == 0 and report.sent == 0
    assert states(kiosk) == {S.QUEUED}
    assert all(row["receipt_no"] is None for row in kiosk.rows().values())
    assert port_gateway.rows(kiosk.device_id) == []
    converge(kiosk, port_gateway, proxy)


# -- 429 / 503 with Retry-After -------------------------------------------------------------------------------
@pytest.mark.parametrize("status, only, retry_after", [(429, BATCHES, 120), (503, BATCHES, 600),
                                                       (503, BLOBS, 90), (429, "POST /v1/blobs:check", 45)])
def test_retry_after_is_honoured_in_the_stored_next_attempt(make_kiosk, port_gateway, proxy, status, only,
                                                             retry_after):
    kiosk = make_kiosk()
    proxy.set_mode("status_with_retry_after", only=only, status=status, retry_after=retry_after)
    uploader = kiosk.uploader(proxy.url)
    report = uploader.run_once()
    now = kiosk.clock.now
    assert isinstance(report.error, ServerBusy) and report.error.status == status
    assert report.acknowledged == 0 and states(kiosk) == {S.QUEUED}
    stored = kiosk.next_attempts()
    assert len(stored) == RECORDS
    assert all(at >= now + dt.timedelta(seconds=retry_after) for at in stored.values())
    assert report.next_attempt_at >= now + dt.timedelta(seconds=retry_after)
    # Before Retry-After has passed, a pass sends nothing; after it, everything goes.
    proxy.set_mode("pass")
    kiosk.clock.advance(seconds=retry_after - 5)
    before = proxy.counters[f"request:{BATCHES}"]
    early = uploader.run_once()
    assert early.sent == 0 and proxy.counters[f"request:{BATCHES}"] == before
    kiosk.clock.advance(seconds=10)
    assert uploader.run_once().acknowledged == RECORDS
    converge(kiosk, port_gateway, proxy)


def test_retry_after_on_hello_is_honoured_too(make_kiosk, port_gateway, proxy):
    kiosk = make_kiosk()
    proxy.set_mode("status_with_retry_after", only="GET /v1/hello", status=503, retry_after=300)
    report = kiosk.uploader(proxy.url).run_once()
    assert isinstance(report.error, ServerBusy)
    assert report.next_attempt_at is not None
    assert report.next_attempt_at >= kiosk.clock.now + dt.timedelta(seconds=300)


# -- the gateway restarts ---------------------------------------------------------------------------------------
def gateway_records_cli(data_dir: Path) -> list[dict]:
    environment = {k: v for k, v in os.environ.items() if k != "KIOSK_DATA_DIR"}
    done = subprocess.run([sys.executable, "-m", "kiosk", "gateway", "records", "--data-dir", str(data_dir),
                           "--json"], capture_output=True, text=True, env=environment, timeout=120, check=True)
    return [json.loads(line) for line in done.stdout.splitlines() if line.strip()]


def test_a_gateway_down_then_restarted_on_the_same_port_gets_everything_once(make_kiosk, port_gateway, proxy):
    kiosk = make_kiosk()
    port = port_gateway.port
    port_gateway.stop()
    report = kiosk.uploader(proxy.url).run_once()
    assert isinstance(report.error, NetworkUnavailable) and report.acknowledged == 0
    assert states(kiosk) == {S.QUEUED}
    port_gateway.start()
    assert port_gateway.port == port
    reports = drain(kiosk, proxy.url)
    assert sum(r.acknowledged for r in reports) == RECORDS and sum(r.duplicates for r in reports) == 0
    converge(kiosk, port_gateway, proxy)
    assert_exactly_once(kiosk, gateway_records_cli(port_gateway.data_dir))


def test_a_gateway_restarted_in_the_middle_of_a_pass(make_kiosk, port_gateway, proxy):
    kiosk = make_kiosk(60)  # two batches: 50, then 10
    # The second batch is held 2 s in the proxy; the gateway is stopped meanwhile, and comes back.
    proxy.set_schedule([Fault("pass"), Fault("stall", seconds=2.0)], only=BATCHES)
    stopped = threading.Event()

    def stop_during_the_second_batch() -> None:
        deadline = time.monotonic() + 60
        while proxy.counters[f"request:{BATCHES}"] < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        port_gateway.stop()
        stopped.set()

    stopper = threading.Thread(target=stop_during_the_second_batch, daemon=True)
    stopper.start()
    report = kiosk.uploader(proxy.url).run_once()
    stopper.join(30)
    assert stopped.is_set()
    assert isinstance(report.error, NetworkUnavailable)
    assert report.acknowledged == 50
    counts = kiosk.state_counts()
    assert counts[S.QUEUED.value] == 10 and counts[S.SENDING.value] == 0
    port_gateway.start()
    assert len(port_gateway.rows(kiosk.device_id)) == 50  # survived the restart
    reports = drain(kiosk, proxy.url)
    assert sum(r.acknowledged for r in reports) == 10 and sum(r.duplicates for r in reports) == 0
    converge(kiosk, port_gateway, proxy)
    assert_exactly_once(kiosk, gateway_records_cli(port_gateway.data_dir))


# -- random faults on every request -------------------------------------------------------------------------------
def test_ten_percent_random_faults_still_deliver_each_record_once(make_kiosk, port_gateway, proxy):
    kiosk = make_kiosk(30)
    proxy.set_random(rate=0.1, seed=5)
    reports = drain(kiosk, proxy.url, max_passes=200)
    assert sum(r.acknowledged for r in reports) == 30
    faults = sum(n for key, n in proxy.counters.items() if key.startswith("fault:") and key.count(":") == 1
                 and key != "fault:pass")
    assert faults >= 1
    converge(kiosk, port_gateway, proxy)


# -- conflict, and one invalid record among 50 -----------------------------------------------------------------
def seal_with_id(kiosk: TestKiosk, record_id: str, seed: int) -> None:
    officer = ensure_demo_officers(kiosk.store)[0]
    draft = CitizenDraft(record_id=record_id, nik="1371114107900001", email="siti.rahma90@gmail.com",
                         phone="+6281234567890", consent=Consent("PDP-2026-1", kiosk.clock.now),
                         photo_jpeg=synthetic_portrait(random.Random(seed)))
    kiosk.store.seal(draft, officer.officer_id, Stand("Kantor Lurah", "13.71.11.1001", "Lubuk Buaya"))


def test_same_id_other_content_is_a_conflict_and_the_gateway_copy_is_untouched(
        make_kiosk, port_gateway, proxy, tmp_path):
    first = make_kiosk(0)
    record_id = "01900000-0000-7000-8000-000000000001"
    seal_with_id(first, record_id, seed=1)
    assert first.uploader(proxy.url).run_once().acknowledged == 1
    before = port_gateway.store.query("SELECT * FROM records WHERE record_id = ?", (record_id,))
    # The same kiosk (same device key), restored from an old backup, seals other content under
    # the same id: a validly signed record whose hash differs.
    first.close_clients()
    second = TestKiosk.open(tmp_path / "restored")
    try:
        keys = first.store.keys
        second.store.keys = keys  # same device, same signing key
        seal_with_id(second, record_id, seed=2)
        for key in (sync_settings.SERVER_URL, sync_settings.SERVER_PUBLIC_KEY):
            sync_settings.set_setting(second.store.database, key, first.store.get_setting(key))
        mine = second.rows()[record_id]
        assert mine["sha256"] != first.rows()[record_id]["sha256"]
        report = second.uploader(proxy.url).run_once()
        assert report.quarantined == 1 and report.acknowledged == 0
        state, reason_code, reason = second.store.database.execute(
            "SELECT state, reason_code, status_reason FROM records WHERE record_id = ?", (record_id,)).fetchone()
        assert (state, reason_code) == ("quarantined", "conflict") and reason
        assert port_gateway.store.query("SELECT * FROM records WHERE record_id = ?", (record_id,)) == before
        # A quarantined record blocks nothing: the next one goes.
        seal_with_id(second, "01900000-0000-7000-8000-000000000002", seed=3)
        assert second.uploader(proxy.url).run_once().acknowledged == 1
    finally:
        second.close()


def test_one_invalid_record_in_a_batch_of_50_does_not_stop_the_other_49(make_kiosk, port_gateway, proxy):
    kiosk = make_kiosk(50)
    bad = kiosk.store.database.execute("SELECT record_id FROM records WHERE device_seq = 17").fetchone()[0]
    # Its signature no longer matches: the gateway must refuse this record, and only this one.
    kiosk.store.database.execute("UPDATE records SET signature = ? WHERE record_id = ?", (b"\x01" * 64, bad))
    report = kiosk.uploader(proxy.url).run_once()
    assert proxy.counters[f"request:{BATCHES}"] == 1  # one batch of 50
    assert report.sent == 50 and report.acknowledged == 49 and report.quarantined == 1
    current = kiosk.states()
    assert current[bad] is S.QUARANTINED
    assert all(state in (S.PROCESSED, S.REJECTED) for rid, state in current.items() if rid != bad)
    reason_code, reason = kiosk.store.database.execute(
        "SELECT reason_code, status_reason FROM records WHERE record_id = ?", (bad,)).fetchone()
    assert reason_code and reason
    served = port_gateway.rows(kiosk.device_id)
    assert len(served) == 49 and bad not in {row["record_id"] for row in served}
    # The queue keeps moving.
    make_demo_records(kiosk.store, 3, seed=99)
    assert kiosk.uploader(proxy.url).run_once().acknowledged == 3
    assert_exactly_once(kiosk, port_gateway.rows(kiosk.device_id), sealed=set(kiosk.states()) - {bad})
