"""The receipts feed brings Dukcapil's activation verdict back: a record sealed with the QR shown but
no scan confirmed (or "Warga aktivasi nanti") becomes "scanned" once the gateway verified a scan of
one of its tokens, whether the scan came before the record or after its receipt was first read; a
NIK mismatch reaches the supervisor's tally and the audit log; a receipt read again changes nothing.
Real kiosk and gateway on loopback, real SQLite, real signatures."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from client_fixtures import Kiosk
from gateway_harness import RunningGateway
from kiosk.activation_token import issue_token, nik_check
from kiosk.audit import AuditEvent, AuditLog
from kiosk.record import CitizenDraft, Consent
from kiosk.reports.tally_data import build_tally
from kiosk.reports.tally_pdf import tally_story
from kiosk.sync import sync_settings
from kiosk.sync.protocol import Receipt
from test_kiosk_activation import NIK, OTHER_NIK, PHOTO, activation_step, scan, seal, seal_with_qr_shown


def outcome(kiosk: Kiosk, record_id: str) -> tuple[str, str | None]:
    return kiosk.store.database.execute("SELECT activation_outcome, activation_verdict FROM records "
                                        "WHERE record_id = ?", (record_id,)).fetchone()


def tally(kiosk: Kiosk, record_id: str):
    day = kiosk.column("SELECT local_date FROM records WHERE record_id = ?", (record_id,))[0]
    return build_tally(kiosk.store, dt.date.fromisoformat(day), now=kiosk.clock())


def verdict_events(kiosk: Kiosk) -> list[tuple[str, str | None]]:
    log = AuditLog.for_device(kiosk.store.database, kiosk.store.keys)
    return [(str(getattr(e.event, "value", e.event)), e.subject) for e in log.entries(limit=1000)
            if e.event in (AuditEvent.ACTIVATION_VERIFIED, AuditEvent.ACTIVATION_NIK_MISMATCH)]


def reread_the_whole_feed(kiosk: Kiosk) -> None:
    sync_settings.set_setting(kiosk.store.database, sync_settings.RECEIPTS_CURSOR, "0")
    assert kiosk.sync().error is None


def test_a_scan_after_the_receipt_was_read_comes_back_and_counts_as_scanned(
        qtbot, enrolled: Kiosk, gateway: RunningGateway, capsys: pytest.CaptureFixture) -> None:
    step = activation_step(qtbot, enrolled, sync_settings.CorrectedClock(enrolled.store.database))
    draft, shown = seal_with_qr_shown(enrolled, step)
    report = enrolled.sync()
    assert report.error is None and report.receipts_applied == 1  # decided and read, no verdict yet
    assert outcome(enrolled, draft.record_id) == ("shown_unconfirmed", None)
    first_feed_seq = gateway.store.query("SELECT feed_seq FROM records")[0][0]

    assert scan(capsys, gateway, shown) == (0, "activated")  # the citizen scans after the sync
    assert gateway.store.query("SELECT feed_seq FROM records")[0][0] > first_feed_seq  # served again
    assert enrolled.sync().error is None
    assert outcome(enrolled, draft.record_id) == ("scanned", "activated")
    counted = tally(enrolled, draft.record_id)
    assert counted.activation.get("scanned") == 1 and not counted.activation.get("shown_unconfirmed")
    assert counted.discrepancies == []
    assert verdict_events(enrolled) == [("activation_verified", draft.record_id)]

    assert enrolled.sync().error is None  # nothing new in the feed
    reread_the_whole_feed(enrolled)  # and the same receipt delivered again
    assert outcome(enrolled, draft.record_id) == ("scanned", "activated")
    assert verdict_events(enrolled) == [("activation_verified", draft.record_id)]


def test_a_scan_before_the_record_synced_is_scanned_after_the_sync(
        qtbot, enrolled: Kiosk, gateway: RunningGateway, capsys: pytest.CaptureFixture) -> None:
    step = activation_step(qtbot, enrolled, sync_settings.CorrectedClock(enrolled.store.database))
    draft, shown = seal_with_qr_shown(enrolled, step)
    assert outcome(enrolled, draft.record_id) == ("shown_unconfirmed", None)
    assert scan(capsys, gateway, shown) == (0, "pending")
    assert enrolled.sync().error is None
    assert outcome(enrolled, draft.record_id) == ("scanned", "activated")
    assert tally(enrolled, draft.record_id).activation.get("scanned") == 1


def test_activation_later_with_a_scan_in_time_becomes_scanned(
        qtbot, enrolled: Kiosk, gateway: RunningGateway, capsys: pytest.CaptureFixture) -> None:
    moment = [time.time()]
    step = activation_step(qtbot, enrolled, lambda: moment[0])
    draft = CitizenDraft(nik=NIK, email="siti.rahma84@gmail.com", phone="+6281234567890",
                         consent=Consent("PDP-2026-1", enrolled.clock()), photo_jpeg=PHOTO)
    step.enter(draft)
    assert scan(capsys, gateway, step.token.text) == (0, "pending")
    moment[0] += 91
    assert not step.commit(draft)
    draft.activation_later = True
    seal(enrolled, draft)
    assert outcome(enrolled, draft.record_id) == ("later", None)
    assert enrolled.sync().error is None
    assert outcome(enrolled, draft.record_id) == ("scanned", "activated")


def test_a_nik_mismatch_reaches_the_tally_discrepancies_and_a_later_good_scan_wins(
        qtbot, enrolled: Kiosk, gateway: RunningGateway, capsys: pytest.CaptureFixture) -> None:
    step = activation_step(qtbot, enrolled, sync_settings.CorrectedClock(enrolled.store.database))
    draft, shown = seal_with_qr_shown(enrolled, step)
    keys = enrolled.store.keys
    other = issue_token(keys.signing_key, draft.record_id, keys.device_id, time.time(),
                        nik_check(draft.record_id, OTHER_NIK))
    assert scan(capsys, gateway, other.text) == (0, "pending")
    assert enrolled.sync().error is None
    assert outcome(enrolled, draft.record_id) == ("shown_unconfirmed", "nik_mismatch")
    slip = enrolled.column("SELECT slip_no FROM records")[0]
    problems = [(d.slip_no, d.problem) for d in tally(enrolled, draft.record_id).discrepancies]
    assert problems == [(slip, "nik_mismatch")]
    story = str(tally_story(tally(enrolled, draft.record_id), 500))
    assert "NIK pada QR yang dipindai tidak cocok" in story  # the supervisor's PDF names the problem
    assert verdict_events(enrolled) == [("activation_nik_mismatch", draft.record_id)]
    reread_the_whole_feed(enrolled)
    assert verdict_events(enrolled) == [("activation_nik_mismatch", draft.record_id)]
    assert NIK not in str(AuditLog.for_device(enrolled.store.database, enrolled.store.keys).entries(limit=1000))

    assert scan(capsys, gateway, shown) == (0, "activated")  # the right QR, scanned in time, wins
    assert enrolled.sync().error is None
    assert outcome(enrolled, draft.record_id) == ("scanned", "activated")
    assert tally(enrolled, draft.record_id).discrepancies == []
    newest_first = ["activation_verified", "activation_nik_mismatch"]
    assert [e for e, _ in verdict_events(enrolled)] == newest_first


def test_a_scan_signed_by_another_device_gives_no_verdict_for_the_record(
        qtbot, enrolled: Kiosk, gateway: RunningGateway, capsys: pytest.CaptureFixture) -> None:
    """A verdict counts only for scans signed by the device that sent the record."""
    step = activation_step(qtbot, enrolled, sync_settings.CorrectedClock(enrolled.store.database))
    draft, _ = seal_with_qr_shown(enrolled, step)
    assert enrolled.sync().error is None
    with gateway.store.transaction() as conn:  # a scan kept for another device naming this record
        conn.execute("INSERT INTO activations (device_id, nonce, record_id, nik_check, scanned_at, status, "
                     "decided_at) VALUES ('other-device', 'ab', ?, 'x', 0, 'activated', 0)", (draft.record_id,))
    reread_the_whole_feed(enrolled)
    assert outcome(enrolled, draft.record_id) == ("shown_unconfirmed", None)


def test_the_receipt_model_carries_no_verdict_by_default() -> None:
    receipt = Receipt(feed_seq=1, record_id="r", receipt_no="KT-1371-000001", status="processed", decided_at=0)
    assert receipt.activation is None
