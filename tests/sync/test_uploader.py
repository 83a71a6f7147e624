"""One sync pass against a real gateway on loopback: records acknowledged with their receipts,
final statuses pulled, leases, backoff kept in SQLite, quarantine, poison strikes, captive
portals, 413 halving, and the purge of photos after the retention time."""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
import time

import httpx
import pytest

from client_fixtures import FaultTransport, Kiosk, add_demo_records
from gateway_harness import MakeDevice, RunningGateway
from kiosk.settings import KioskSettings, save_settings
from kiosk.sync import outbox, sync_settings
from kiosk.sync.errors import CaptivePortal, NetworkUnavailable, NotEnrolled, ServerBusy
from kiosk.sync.gateway_records import list_records
from kiosk.sync.protocol import BatchRequest
from kiosk.sync.signing import H_NONCE, b64, sign_response, unb64


def outbox_times(kiosk: Kiosk) -> dict[str, dt.datetime]:
    rows = kiosk.store.database.execute("SELECT record_id, next_attempt_at FROM outbox").fetchall()
    return {rid: dt.datetime.fromisoformat(at) for rid, at in rows if at}


def test_one_pass_acknowledges_everything_and_pulls_the_final_statuses(enrolled: Kiosk,
                                                                       gateway: RunningGateway) -> None:
    ids = add_demo_records(enrolled, 25)
    report = enrolled.sync()
    assert report.error is None and report.online
    assert (report.sent, report.acknowledged, report.duplicates, report.quarantined) == (25, 25, 0, 0)
    assert report.receipts_applied == 25 and report.next_attempt_at is None
    records = {r.record_id: r for r in enrolled.store.records()}
    assert {r.state.value for r in records.values()} <= {"processed", "rejected"}
    served = {row["record_id"]: row for row in list_records(gateway.store)}
    assert set(served) == set(ids)
    assert all(served[rid]["receipt_no"] == records[rid].receipt_no for rid in ids)
    assert all(served[rid]["sha256"] == sha for rid, sha in
               enrolled.store.database.execute("SELECT record_id, sha256 FROM records").fetchall())
    rejected = [r for r in records.values() if r.state.value == "rejected"]
    assert all(r.status_reason and r.remedy for r in rejected)
    assert all(served[r.record_id]["status"] == "rejected" for r in rejected)
    again = enrolled.sync()
    assert (again.sent, again.receipts_applied, again.error) == (0, 0, None)


def test_the_pass_is_remembered_for_the_status_view(enrolled: Kiosk, gateway: RunningGateway) -> None:
    add_demo_records(enrolled, 3)
    enrolled.sync()
    last = sync_settings.last_pass(enrolled.store.database)
    assert last["acknowledged"] == 3 and last["online"] and last["error"] is None
    assert sync_settings.receipts_cursor(enrolled.store.database) >= 3


def test_expired_leases_are_released_at_start_and_live_ones_are_not(enrolled: Kiosk, gateway: RunningGateway) -> None:
    ids = add_demo_records(enrolled, 4)
    db, clock = enrolled.store.database, enrolled.clock
    assert outbox.lease(db, ids[:2], clock() - dt.timedelta(minutes=6)) == ids[:2]  # a killed upload
    assert outbox.lease(db, ids[2:], clock() - dt.timedelta(minutes=1)) == ids[2:]  # another, still running
    report = enrolled.sync()
    assert report.leases_released == 2 and report.acknowledged == 2
    states = enrolled.states()
    assert {states[i] for i in ids[:2]} <= {"processed", "rejected"}
    assert {states[i] for i in ids[2:]} == {"sending"}
    enrolled.clock.advance(minutes=5)
    assert enrolled.sync().acknowledged == 2


def test_the_gateway_down_leaves_every_record_queued(enrolled: Kiosk, gateway: RunningGateway) -> None:
    ids = add_demo_records(enrolled, 3)
    gateway.stop()
    report = enrolled.sync()
    assert not report.online and isinstance(report.error, NetworkUnavailable)
    assert report.error.message.startswith("Tidak tersambung ke server")
    assert set(enrolled.states().values()) == {"queued"} and len(ids) == 3
    assert report.next_attempt_at is not None


def test_a_transport_failure_mid_batch_backs_off_within_bounds(enrolled: Kiosk, gateway: RunningGateway) -> None:
    ids = add_demo_records(enrolled, 5)
    before = outbox_times(enrolled)

    def reset_batches(request: httpx.Request) -> None:
        if request.url.path == "/v1/batches":
            raise httpx.ReadError("connection reset by peer")

    report = enrolled.sync(transport=FaultTransport(reset_batches))
    assert not report.online and isinstance(report.error, NetworkUnavailable)
    assert (report.acknowledged, report.retry_later) == (0, 5)
    assert set(enrolled.states().values()) == {"queued"}
    after, now = outbox_times(enrolled), enrolled.clock()
    for rid in ids:
        assert after[rid] > before[rid]
        assert dt.timedelta(seconds=1) <= after[rid] - now <= dt.timedelta(seconds=300)
    assert enrolled.column("SELECT DISTINCT attempts FROM outbox") == [1]
    assert enrolled.column("SELECT DISTINCT strikes FROM outbox") == [0]
    assert enrolled.sync().acknowledged == 0  # not due yet
    enrolled.clock.advance(seconds=301)
    assert enrolled.sync().acknowledged == 5


def test_retry_after_is_honoured(enrolled: Kiosk, gateway: RunningGateway) -> None:
    add_demo_records(enrolled, 4)

    def busy(request: httpx.Request) -> httpx.Response | None:
        if request.url.path == "/v1/batches":
            return httpx.Response(503, headers={"Retry-After": "900"}, content=b"Service Unavailable")
        return None

    report = enrolled.sync(transport=FaultTransport(busy))
    assert isinstance(report.error, ServerBusy) and report.error.retry_after == 900
    assert report.online  # the gateway answered; it is busy, not gone
    now = enrolled.clock()
    assert all(dt.timedelta(seconds=900) <= at - now <= dt.timedelta(hours=1)
               for at in outbox_times(enrolled).values())
    assert report.next_attempt_at >= now + dt.timedelta(seconds=900)


def test_a_413_halves_the_batch_until_it_fits(enrolled: Kiosk, gateway: RunningGateway) -> None:
    add_demo_records(enrolled, 12)
    sizes = []

    def small_batches_only(request: httpx.Request) -> httpx.Response | None:
        if request.url.path == "/v1/batches":
            count = len(BatchRequest.model_validate_json(request.read()).records)
            sizes.append(count)
            if count > 3:
                return httpx.Response(413, content=b"Request Entity Too Large")
        return None

    report = enrolled.sync(transport=FaultTransport(small_batches_only))
    assert report.error is None and report.acknowledged == 12
    assert sizes[0] == 12 and max(s for s in sizes if s <= 3) <= 3


def test_an_invalid_record_is_quarantined_and_the_rest_go_through(enrolled: Kiosk, gateway: RunningGateway) -> None:
    ids = add_demo_records(enrolled, 6)
    bad = ids[2]
    enrolled.store.database.execute("UPDATE records SET signature = ? WHERE record_id = ?", (b"\0" * 64, bad))
    report = enrolled.sync()
    assert (report.acknowledged, report.quarantined) == (5, 1)
    record = enrolled.store.get(bad)
    assert record.state.value == "quarantined" and record.status_reason.startswith("Tanda tangan perangkat")
    assert enrolled.column("SELECT reason_code FROM records WHERE record_id = ?", (bad,)) == ["bad_signature"]
    assert bad not in {row["record_id"] for row in list_records(gateway.store)}
    enrolled.clock.advance(days=30)
    enrolled.sync()
    assert enrolled.store.get(bad).state.value == "quarantined"  # never deleted automatically


def test_same_id_other_content_is_a_conflict_and_the_server_copy_stays(
        enrolled: Kiosk, gateway: RunningGateway, new_device: MakeDevice, sealed_batch_records) -> None:
    ids = add_demo_records(enrolled, 3)
    record, photo = next((r, p) for r, p in sealed_batch_records(enrolled.store) if r.record_id == ids[1])
    other_payload = unb64(record.payload_ct)[::-1]
    other_sha = hashlib.sha256(other_payload + photo).hexdigest()
    keys = enrolled.store.keys
    forged = record.model_copy(update={"payload_ct": b64(other_payload), "record_sha256": other_sha,
                                       "device_sig": b64(keys.signing_key.sign(
                                           f"{record.record_id}|{record.device_seq}|{other_sha}".encode()))})
    device = new_device(gateway, keys.device_id, keys.signing_key)
    assert device.put_blob(record.blobs[0].sha256, photo).status_code in (200, 201)
    first = device.post_json("/v1/batches", {"records": [forged.model_dump(mode="json", by_alias=True)]})
    assert first.json()["results"][0]["status"] == "accepted"
    report = enrolled.sync()
    assert (report.acknowledged, report.quarantined) == (2, 1)
    assert enrolled.store.get(ids[1]).state.value == "quarantined"
    assert enrolled.column("SELECT reason_code FROM records WHERE record_id = ?", (ids[1],)) == ["conflict"]
    served = {row["record_id"]: row for row in list_records(gateway.store)}
    assert served[ids[1]]["sha256"] == other_sha


def test_one_poisoned_record_does_not_block_49_others(enrolled: Kiosk, gateway: RunningGateway) -> None:
    ids = add_demo_records(enrolled, 50)
    poisoned = ids[17]
    # The photo's recorded hash no longer matches it: every PUT is refused. (A changed ciphertext
    # would no longer open, and the kiosk sets such a record aside as damaged without sending it.)
    enrolled.store.database.execute("UPDATE photos SET sha256 = ? WHERE record_id = ?",
                                    (hashlib.sha256(b"another photo").hexdigest(), poisoned))
    first = enrolled.sync()
    assert (first.acknowledged, first.retry_later, first.quarantined) == (49, 1, 0)
    for strike in range(2, 6):
        enrolled.clock.advance(hours=1)
        report = enrolled.sync()
        assert report.acknowledged == 0
        assert enrolled.column("SELECT strikes FROM outbox WHERE record_id = ?", (poisoned,)) == [min(strike, 4)]
    assert report.quarantined == 1
    record = enrolled.store.get(poisoned)
    assert record.state.value == "quarantined" and record.status_reason.startswith("Gagal dikirim 5 kali")
    assert enrolled.column("SELECT reason_code FROM records WHERE record_id = ?", (poisoned,)) == ["poison"]
    assert len(list_records(gateway.store)) == 49


def test_a_captive_portal_acknowledges_nothing(enrolled: Kiosk, portal) -> None:
    add_demo_records(enrolled, 3)
    report = enrolled.sync(base_url=portal())
    assert not report.online and isinstance(report.error, CaptivePortal)
    assert (report.acknowledged, report.sent) == (0, 0)
    assert set(enrolled.states().values()) == {"queued"}


def test_a_portal_that_answers_only_the_batch_acknowledges_nothing(enrolled: Kiosk, gateway: RunningGateway) -> None:
    add_demo_records(enrolled, 3)

    def login_page(request: httpx.Request) -> httpx.Response | None:
        if request.url.path == "/v1/batches":
            return httpx.Response(200, json={"results": []})
        return None

    report = enrolled.sync(transport=FaultTransport(login_page))
    assert not report.online and isinstance(report.error, CaptivePortal)
    assert report.acknowledged == 0 and set(enrolled.states().values()) == {"queued"}
    assert enrolled.column("SELECT DISTINCT strikes FROM outbox") == [0]


@pytest.mark.parametrize("status", [302, 401, 403, 511])
def test_unsigned_refusals_are_a_portal_too(enrolled: Kiosk, portal, status: int) -> None:
    add_demo_records(enrolled, 1)
    report = enrolled.sync(base_url=portal(status, {"Location": "http://login.wifi/"}))
    assert isinstance(report.error, CaptivePortal) and not report.online
    assert set(enrolled.states().values()) == {"queued"}


def test_another_gateway_at_the_address_is_not_believed(enrolled: Kiosk, start_gateway) -> None:
    add_demo_records(enrolled, 2)
    other = start_gateway()  # signs with its own key, not the one remembered at enrolment
    report = enrolled.sync(base_url=other.url)
    assert isinstance(report.error, CaptivePortal) and not report.online
    assert set(enrolled.states().values()) == {"queued"}


def test_a_gateway_that_forgot_the_kiosk_says_so(enrolled: Kiosk, gateway: RunningGateway, start_gateway,
                                                 tmp_path) -> None:
    add_demo_records(enrolled, 2)
    reinstalled = tmp_path / "reinstalled-gateway"  # same server key, empty database
    reinstalled.mkdir()
    shutil.copy(gateway.data_dir / "gateway_key", reinstalled / "gateway_key")
    report = enrolled.sync(base_url=start_gateway(data_dir=reinstalled).url)
    assert isinstance(report.error, NotEnrolled) and report.online
    assert report.error.message == "Server tidak mengenali kios ini."
    assert set(enrolled.states().values()) == {"queued"}


def test_clock_skew_is_corrected_once_and_remembered(enrolled: Kiosk, gateway: RunningGateway) -> None:
    add_demo_records(enrolled, 2)
    uploader = enrolled.uploader()
    uploader.client.clock = lambda: time.time() + 2 * 86400  # the laptop is two days ahead
    report = uploader.run_once()
    assert report.error is None and report.acknowledged == 2
    offset = sync_settings.clock_offset(enrolled.store.database)
    assert abs(offset + 2 * 86400) < 30


def test_photos_are_purged_after_the_retention_time(enrolled: Kiosk, gateway: RunningGateway) -> None:
    ids = add_demo_records(enrolled, 4)
    enrolled.sync()
    finals = {r.record_id: r.state.value for r in enrolled.store.records()}
    receipts = {r.record_id: r.receipt_no for r in enrolled.store.records()}
    enrolled.clock.advance(days=6, hours=23)
    assert enrolled.sync().purged == 0
    enrolled.clock.advance(hours=1)
    report = enrolled.sync()
    assert report.purged == 4
    assert enrolled.column("SELECT COUNT(*) FROM photos") == [0]
    rows = enrolled.store.database.execute(
        "SELECT record_id, state, final_status, receipt_no, personal_ct, wrapped_key, sha256, nik_hash "
        "FROM records").fetchall()
    for rid, state, final_status, receipt_no, personal_ct, wrapped_key, sha256, nik_hash in rows:
        assert (state, final_status, receipt_no) == ("purged", finals[rid], receipts[rid])
        assert personal_ct is None and wrapped_key is None and sha256 and nik_hash
    assert sorted(ids) == sorted(r.record_id for r in enrolled.store.records())


def test_retention_is_a_setting(enrolled: Kiosk, gateway: RunningGateway) -> None:
    add_demo_records(enrolled, 2)
    save_settings(enrolled.store.database.path.parent, KioskSettings(retention_days=1))  # settings.toml
    enrolled.sync()
    enrolled.clock.advance(days=1)
    assert enrolled.sync().purged == 2


def test_records_quarantined_or_unacknowledged_are_never_purged(enrolled: Kiosk, gateway: RunningGateway) -> None:
    ids = add_demo_records(enrolled, 3)
    enrolled.store.database.execute("UPDATE records SET signature = ? WHERE record_id = ?", (b"\0" * 64, ids[0]))
    gateway.stop()
    enrolled.sync()
    enrolled.clock.advance(days=60)
    assert enrolled.sync().purged == 0
    assert enrolled.column("SELECT COUNT(*) FROM photos") == [3]


def test_a_transport_failure_while_halving_leaves_nothing_in_sending(enrolled: Kiosk, gateway: RunningGateway) -> None:
    add_demo_records(enrolled, 12)
    posts = []

    def small_then_reset(request: httpx.Request) -> httpx.Response | None:
        if request.url.path == "/v1/batches":
            posts.append(len(BatchRequest.model_validate_json(request.read()).records))
            if posts[-1] > 3:
                return httpx.Response(413, content=b"Request Entity Too Large")
            if len(posts) >= 5:
                raise httpx.RemoteProtocolError("peer closed connection")
        return None

    report = enrolled.sync(transport=FaultTransport(small_then_reset))
    assert posts == [12, 6, 3, 3, 6, 3]  # the second half of the second half fails
    assert isinstance(report.error, NetworkUnavailable) and report.acknowledged == 6
    states = list(enrolled.states().values())
    assert states.count("queued") == 6 and "sending" not in states
    assert enrolled.column("SELECT DISTINCT strikes FROM outbox") == [0]


def test_a_signed_refusal_of_the_whole_batch_is_narrowed_to_the_record_at_fault(
        enrolled: Kiosk, gateway: RunningGateway) -> None:
    ids = add_demo_records(enrolled, 8)
    culprit = ids[5]
    server_key = gateway.app.state.server_key

    def refuse_batches_holding_the_culprit(request: httpx.Request) -> httpx.Response | None:
        if request.url.path == "/v1/batches" and culprit.encode() in request.read():
            body = b'{"code": "bad_request", "message": "Permintaan tidak sesuai protokol."}'
            return httpx.Response(422, content=body, headers=sign_response(
                server_key, 422, request.headers[H_NONCE], body))
        return None

    report = enrolled.sync(transport=FaultTransport(refuse_batches_holding_the_culprit))
    assert report.error is None and (report.acknowledged, report.retry_later) == (7, 1)
    assert enrolled.store.get(culprit).state.value == "queued"
    assert enrolled.column("SELECT strikes FROM outbox WHERE record_id = ?", (culprit,)) == [1]
