"""The receipts feed applied to the kiosk's records: final status, reason and remedy, the cursor
saved with them, held back by a record whose acknowledgement was lost; receipts that are not for
an acknowledged record change nothing."""

from __future__ import annotations

from client_fixtures import Kiosk, add_demo_records
from kiosk.sync import outbox, sync_settings
from kiosk.sync.final_status import apply_receipt_page
from kiosk.sync.protocol import Receipt, ReceiptsResponse


def acknowledge(kiosk: Kiosk, record_id: str, receipt_no: str) -> None:
    db, now = kiosk.store.database, kiosk.clock()
    assert outbox.lease(db, [record_id], now) == [record_id]
    with db.transaction() as conn:
        assert outbox.acknowledge(conn, record_id, receipt_no, 7, now)


def receipt(feed_seq: int, record_id: str, status: str = "processed", **reason: str) -> Receipt:
    return Receipt(feed_seq=feed_seq, record_id=record_id, receipt_no=f"KT-1371-{feed_seq:06d}", status=status,
                   decided_at=0.0, **reason)


def test_a_lost_acknowledgement_holds_the_cursor_until_the_resend(kiosk: Kiosk) -> None:
    lost, acked = add_demo_records(kiosk, 2)
    acknowledge(kiosk, acked, "KT-1371-000002")
    page = ReceiptsResponse(receipts=[receipt(1, lost), receipt(2, acked, "rejected", reason_code="face_mismatch",
                                                                reason="Foto wajah tidak cocok", remedy="Foto ulang")],
                            next_after=2)
    db = kiosk.store.database
    assert apply_receipt_page(db, page, None, kiosk.clock()) == (1, 0)
    assert sync_settings.receipts_cursor(db) == 0
    record = kiosk.store.get(acked)
    assert (record.state.value, record.status_reason, record.remedy) == ("rejected", "Foto wajah tidak cocok",
                                                                          "Foto ulang")
    assert kiosk.column("SELECT final_status FROM records WHERE record_id = ?", (acked,)) == ["rejected"]
    acknowledge(kiosk, lost, "KT-1371-000001")  # the resend came back as a duplicate
    assert apply_receipt_page(db, page, None, kiosk.clock()) == (1, None)
    assert sync_settings.receipts_cursor(db) == 2
    assert kiosk.store.get(lost).state.value == "processed"


def test_receipts_for_unknown_quarantined_or_final_records_change_nothing(kiosk: Kiosk) -> None:
    quarantined, final = add_demo_records(kiosk, 2)
    db, now = kiosk.store.database, kiosk.clock()
    outbox.lease(db, [quarantined], now)
    with db.transaction() as conn:
        outbox.quarantine(conn, quarantined, "conflict", "Bentrok", now)
    acknowledge(kiosk, final, "KT-1371-000009")
    apply_receipt_page(db, ReceiptsResponse(receipts=[receipt(1, final)], next_after=1), None, now)
    page = ReceiptsResponse(receipts=[receipt(2, "0190f0f0-0000-7000-8000-000000000000"),
                                      receipt(3, quarantined), receipt(4, final, "rejected")], next_after=4)
    assert apply_receipt_page(db, page, None, now) == (0, None)
    assert sync_settings.receipts_cursor(db) == 4
    assert kiosk.store.get(quarantined).state.value == "quarantined"
    assert kiosk.store.get(final).state.value == "processed"
