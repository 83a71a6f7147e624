"""Record decisions on the supervisor's desk: erase an unsent record at the citizen's request
(photo and personal fields gone, tally still counts it, audited), a record on its way to the
server cannot be erased, and a quarantined record goes back to the queue."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import Qt

from kiosk.audit import AuditEvent
from kiosk.record import CitizenDraft, Consent, RecordState
from kiosk.reports.tally_data import build_tally
from kiosk.store import Store

NIK = "1371115708900001"


def records_panel(desk):
    desk.window.show_home()
    desk.press(Qt.Key.Key_F9)
    screen = desk.window.supervisor_screen
    screen.show_panel(screen.records_panel)
    return screen.records_panel


def photo_count(store, record_id: str) -> int:
    return store.database.execute("SELECT COUNT(*) FROM photos WHERE record_id = ?", (record_id,)).fetchone()[0]


def test_supervisor_erases_an_unsent_record_on_request(serving) -> None:
    desk = serving
    record = desk.serve_citizen(NIK, "siti.rahma@example.com", "081234567890")
    desk.flow.finish()
    panel = records_panel(desk)
    assert panel.table.rowCount() == 1
    assert panel.table.item(0, 2).text() == record.nik_masked != NIK  # masked only
    assert panel.table.item(0, 1).text() == record.slip_no  # no receipt from the server yet
    assert f"No. slip: {record.slip_no}" in panel.table.item(0, 1).toolTip()

    asked: list[str] = []
    panel.confirm = lambda question: asked.append(question) or False  # the supervisor says no first
    panel.select(record.record_id)
    desk.qtbot.mouseClick(panel.erase_button, Qt.MouseButton.LeftButton)
    assert record.slip_no in asked[0]
    assert photo_count(desk.store, record.record_id) == 1  # nothing happened

    panel.confirm = lambda question: True
    desk.qtbot.mouseClick(panel.erase_button, Qt.MouseButton.LeftButton)
    assert panel.banner.kind() == "success", panel.banner.message_text()
    # still listed (today's), as erased, and nothing more can be done with it
    assert [panel.table.item(0, c).text() for c in (3, 4)] == ["Data dihapus", "Dihapus: Permintaan warga"]
    panel.select(record.record_id)
    assert not (panel.erase_button.isEnabled() or panel.reprint_button.isEnabled())
    assert photo_count(desk.store, record.record_id) == 0
    assert desk.store.get(record.record_id).state is RecordState.PURGED
    assert desk.store.find_by_nik(NIK) == []
    tally = build_tally(desk.store, dt.date.fromisoformat(record.local_date))
    assert tally.total == 1  # the tombstone is still counted
    erased = [e for e in desk.store.audit.entries(limit=100) if e.event == AuditEvent.RECORD_ERASED.value]
    assert erased and erased[0].subject == record.record_id and "citizen_request" in str(erased[0].details)


def test_a_record_being_sent_cannot_be_erased(serving) -> None:
    desk = serving
    record = desk.serve_citizen(NIK, "siti.rahma@example.com", "081234567890")
    desk.flow.finish()
    lease = (desk.store.clock() + dt.timedelta(minutes=5)).isoformat()
    desk.store.database.execute("UPDATE outbox SET lease_until = ? WHERE record_id = ?", (lease, record.record_id))
    panel = records_panel(desk)
    panel.confirm = lambda question: True
    panel.select(record.record_id)
    assert not panel.erase_selected()
    assert panel.banner.kind() == "error" and "dikirim" in panel.banner.message_text()
    assert photo_count(desk.store, record.record_id) == 1


def test_a_quarantined_record_goes_back_to_the_queue(serving) -> None:
    desk = serving
    record = desk.serve_citizen(NIK, "siti.rahma@example.com", "081234567890")
    desk.flow.finish()
    desk.store.transition(record.record_id, RecordState.QUARANTINED, "Hash tidak cocok")
    panel = records_panel(desk)
    panel.select(record.record_id)
    assert panel.resend_button.isEnabled()
    desk.qtbot.mouseClick(panel.resend_button, Qt.MouseButton.LeftButton)
    assert panel.banner.kind() == "success", panel.banner.message_text()
    assert desk.store.get(record.record_id).state is RecordState.QUEUED
    [(due, strikes)] = desk.store.database.execute(
        "SELECT next_attempt_at, strikes FROM outbox WHERE record_id = ?", (record.record_id,)).fetchall()
    assert due is not None and strikes == 0  # the uploader takes it on its next pass
    released = [e for e in desk.store.audit.entries(limit=100) if e.event == AuditEvent.RECORD_RELEASED.value]
    assert released and released[0].subject == record.record_id


def test_queue_rows_tell_visits_apart_and_a_slip_is_printed_again(serving, tmp_path) -> None:
    """Two visits of the same citizen look alike by masked NIK; the rows differ by time, number,
    state and outcome. The lost slip of the first one is printed again from its row, audited."""
    import subprocess

    from kiosk.ui.slip_printer import pdf_printer

    desk = serving
    first = desk.serve_citizen(NIK, "siti.rahma@example.com", "081234567890")
    desk.flow.finish()
    desk.store.database.execute(
        "UPDATE records SET state = 'processed', final_status = 'processed', receipt_no = 'KTA-2026-000123' "
        "WHERE record_id = ?", (first.record_id,))
    later = dt.datetime.fromisoformat(first.created_at).astimezone() + dt.timedelta(minutes=7)
    photo = (Path(__file__).parents[1] / "data" / "faces" / "obama.jpg").read_bytes()
    came_back = CitizenDraft(nik=NIK, email="siti.rahma@example.com", phone="+6281234567890",
                             consent=Consent("PDP-2026-1", later), photo_jpeg=photo, capture_override=True,
                             capture_reason="head_covering")
    stand = desk.store.stand_for(later.date())
    second = Store(desk.store.database, desk.store.keys, clock=lambda: later).seal(came_back, first.officer_id, stand)
    panel = records_panel(desk)
    rows = [[panel.table.item(r, c).text() for c in range(5)] for r in range(panel.table.rowCount())]
    assert [row[1:] for row in rows] == [
        [second.slip_no, second.nik_masked, "Menunggu kirim",
         "Foto manual: Penutup kepala karena agama menutupi garis wajah"],
        ["KTA-2026-000123", first.nik_masked, "Aktif", "IKD aktif; Foto manual"]]  # newest first; F3 at the desk
    assert rows[0][0] != rows[1][0] and all(len(row[0]) == 5 for row in rows)  # HH:MM, today
    both = panel.table.item(1, 1).toolTip()  # the citizen's slip shows the slip number: both in the tooltip
    assert f"No. slip: {first.slip_no}" in both and "No. tanda terima Dukcapil: KTA-2026-000123" in both

    panel.select(first.record_id)
    assert panel.reprint_button.isEnabled() and not panel.erase_button.isEnabled()
    printed = tmp_path / "ulang.pdf"
    assert panel.reprint_selected(pdf_printer(str(printed)))
    assert panel.banner.kind() == "success" and first.slip_no in panel.banner.message_text()
    text = subprocess.run(["pdftotext", str(printed), "-"], capture_output=True, text=True, check=True).stdout
    assert first.slip_no in text and NIK not in text
    # the same masked contact as the first slip, read from the record's encrypted part; never whole
    assert "Kode aktivasi dikirim ke s***@example.com" in text and "Nomor HP: +6281******890" in text
    assert "siti.rahma" not in text and "81234567890" not in text
    reprints = [e for e in desk.store.audit.entries(limit=50) if e.event == AuditEvent.RECORD_PRINTED.value
                and e.details == {"reprint": True}]
    assert [e.subject for e in reprints] == [first.record_id]


def test_a_slip_is_printed_again_after_the_purge_without_the_contact_line(serving, tmp_path) -> None:
    """Processed, then purged after the retention: the email and phone are gone from the kiosk, the
    citizen's slip (number, QR, next steps) still prints, without them."""
    import subprocess

    from kiosk.sync.final_status import purge_final
    from kiosk.ui.slip_printer import pdf_printer

    desk = serving
    record = desk.serve_citizen(NIK, "siti.rahma@example.com", "081234567890")
    desk.flow.finish()
    sealed_at = dt.datetime.fromisoformat(record.created_at)
    desk.store.database.execute(
        "UPDATE records SET state = 'processed', final_status = 'processed', final_at = ?, "
        "receipt_no = 'KTA-2026-000124' WHERE record_id = ?", (sealed_at.isoformat(), record.record_id))
    assert purge_final(desk.store.database, sealed_at + dt.timedelta(days=8), 7, desk.store.audit) == 1
    panel = records_panel(desk)
    panel.select(record.record_id)
    assert panel.table.item(0, 3).text() == "Data dihapus"
    assert panel.reprint_button.isEnabled() and not panel.erase_button.isEnabled()
    printed = tmp_path / "ulang-setelah-purge.pdf"
    assert panel.reprint_selected(pdf_printer(str(printed)))
    text = " ".join(subprocess.run(["pdftotext", str(printed), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())
    assert record.slip_no in text and "1x24 jam" in text
    assert "Kode aktivasi dikirim ke" not in text and "Nomor HP:" not in text and "***" not in text
