"""The supervisor's Sasaran tab: targets typed in the table or imported from a CSV show as
achievement on the tally PDF (and "sasaran belum diisi" where none is set); a wrong cell or a CSV
with one bad line saves nothing; every change is audited; the tab fits a 1024x768 window."""

from __future__ import annotations

import subprocess
from pathlib import Path

from PySide6.QtCore import QDate, QPoint, QRect, Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QPushButton

from kiosk.audit import AuditEvent
from kiosk.demo_data import make_demo_records

HEADER = "kode,kelurahan,wajib_ktp,sumber,tanggal\n"


def open_targets(desk):
    desk.open_for_service()
    desk.window.show_home()
    desk.press(Qt.Key.Key_F9)
    screen = desk.window.supervisor_screen
    screen.show_panel(screen.targets_panel)
    return screen.targets_panel


def row_of(panel, name: str) -> int:
    return next(row for row, k in enumerate(panel.kelurahan) if k.name == name)


def type_into(desk, panel, row: int, column: int, text: str) -> None:
    """Double-click-free editing as at the desk: select the cell, F2, type, Enter."""
    panel.table.setFocus()
    panel.table.setCurrentCell(row, column)
    desk.qtbot.keyClick(panel.table, Qt.Key.Key_F2)
    editor = QApplication.focusWidget()
    assert editor is not panel.table, "F2 opened no editor"
    editor.selectAll()
    desk.qtbot.keyClicks(editor, text)
    desk.qtbot.keyClick(editor, Qt.Key.Key_Return)
    desk.qtbot.waitUntil(lambda: panel.table.item(row, column).text() == text, timeout=2000)  # committed queued


def tally_text(desk, tmp_path: Path) -> str:
    screen = desk.window.supervisor_screen
    screen.show_panel(screen.tally_panel)
    tally = screen.tally_panel
    today = desk.store.clock().date()
    tally.date_from.setDate(QDate(today.year, today.month, today.day))
    tally.date_to.setDate(QDate(today.year, today.month, today.day))
    desk.qtbot.mouseClick(tally.show_button, Qt.MouseButton.LeftButton)
    path = tmp_path / "rekap.pdf"
    path.write_bytes(tally.pdf)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


def test_targets_typed_on_the_desk_show_as_achievement_on_the_tally(make_desk, tmp_path: Path) -> None:
    desk = make_desk(demo_video=False)
    panel = open_targets(desk)
    assert panel.table.rowCount() == 13 and panel.table.item(row_of(panel, "Lubuk Buaya"), 1).text() == ""
    lubuk = row_of(panel, "Lubuk Buaya")
    type_into(desk, panel, lubuk, 1, "18.450")
    type_into(desk, panel, lubuk, 2, "Data Dukcapil Kota Padang")
    type_into(desk, panel, lubuk, 3, "2026-10-31")
    desk.qtbot.mouseClick(panel.save_button, Qt.MouseButton.LeftButton)
    assert panel.banner.kind() == "success", panel.banner.message_text()
    assert panel.table.item(lubuk, 1).text() == "18450"
    assert desk.store.targets.all()["13.71.11.1009"].eligible == 18450
    changes = [e for e in desk.store.audit.entries(limit=20) if e.event == AuditEvent.TARGET_CHANGED.value]
    assert [(e.subject, e.details["eligible"]) for e in changes] == [("13.71.11.1009", 18450)]

    served = make_demo_records(desk.store, 12, days=1, seed=3)
    in_lubuk = sum(r.kelurahan_code == "13.71.11.1009" for r in served)
    assert in_lubuk  # the camat's office is in Lubuk Buaya
    text = tally_text(desk, tmp_path)
    percent = f"{100 * in_lubuk / 18450:.1f}".replace(".", ",") + "%"
    assert any(line.split()[:2] == ["Lubuk", "Buaya"] and "18.450" in line and line.rstrip().endswith(percent)
               for line in text.splitlines()), text
    koto_pulai = next(line for line in text.splitlines() if line.strip().startswith("Koto Pulai"))
    assert "sasaran belum diisi" in koto_pulai and "%" not in koto_pulai
    assert "Sumber sasaran: Data Dukcapil Kota Padang (31 Oktober 2026)." in text


def test_a_wrong_cell_saves_nothing_and_says_which_kelurahan(make_desk) -> None:
    desk = make_desk(demo_video=False)
    panel = open_targets(desk)
    type_into(desk, panel, row_of(panel, "Balai Gadang"), 1, "9120")
    type_into(desk, panel, row_of(panel, "Balai Gadang"), 2, "Data Dukcapil Kota Padang")
    type_into(desk, panel, row_of(panel, "Balai Gadang"), 3, "2026-10-31")
    type_into(desk, panel, row_of(panel, "Koto Pulai"), 1, "sembilan ratus")
    desk.qtbot.mouseClick(panel.save_button, Qt.MouseButton.LeftButton)
    assert panel.banner.kind() == "error"
    assert panel.banner.message_text() == ("Kelurahan Koto Pulai: Jumlah wajib KTP \u201csembilan ratus\u201d "
                                           "bukan angka bulat.")
    assert "Belum ada yang disimpan" in panel.banner.next_step_text()
    assert panel.table.currentRow() == row_of(panel, "Koto Pulai")
    assert desk.store.targets.all() == {}


def test_a_csv_with_one_bad_line_is_refused_whole_then_a_good_one_is_saved(make_desk, tmp_path: Path,
                                                                            monkeypatch) -> None:
    desk = make_desk(demo_video=False)
    panel = open_targets(desk)
    bad = tmp_path / "sasaran.csv"
    bad.write_text(HEADER + "13.71.11.1001,Balai Gadang,9120,Data Dukcapil Kota Padang,2026-10-31\n"
                   "13.71.11.1009,Lubuk Buaya,18450,Data Dukcapil Kota Padang,31-31-2026\n", encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(bad), ""))
    desk.qtbot.mouseClick(panel.import_button, Qt.MouseButton.LeftButton)
    assert panel.banner.kind() == "error"
    assert panel.banner.message_text() == "Baris 3: Tanggal data \u201c31-31-2026\u201d tidak dikenali."
    assert "Tidak ada yang disimpan" in panel.banner.next_step_text()
    assert desk.store.targets.all() == {}  # not even Balai Gadang, whose line was right
    assert panel.table.item(row_of(panel, "Balai Gadang"), 1).text() == ""

    bad.write_text(bad.read_text(encoding="utf-8").replace("31-31-2026", "31/10/2026"), encoding="utf-8")
    desk.qtbot.mouseClick(panel.import_button, Qt.MouseButton.LeftButton)
    assert panel.banner.kind() == "success", panel.banner.message_text()
    assert {code: t.eligible for code, t in desk.store.targets.all().items()} == {
        "13.71.11.1001": 9120, "13.71.11.1009": 18450}
    assert panel.table.item(row_of(panel, "Lubuk Buaya"), 3).text() == "2026-10-31"

    exported = tmp_path / "keluar.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(exported), ""))
    desk.qtbot.mouseClick(panel.export_button, Qt.MouseButton.LeftButton)
    lines = exported.read_text(encoding="utf-8").splitlines()
    assert lines[0] == HEADER.strip() and len(lines) == 14
    assert "13.71.11.1009,Lubuk Buaya,18450,Data Dukcapil Kota Padang,2026-10-31" in lines


def test_the_sasaran_tab_fits_a_1024x768_window(make_desk, tmp_path: Path) -> None:
    desk = make_desk(demo_video=False)
    panel = open_targets(desk)
    desk.window.resize(1024, 768)
    desk.qtbot.waitUntil(lambda: desk.window.size().width() == 1024)
    QApplication.processEvents()
    window_rect = QRect(QPoint(0, 0), desk.window.size())
    for each in panel.findChildren(QPushButton) + [panel.table]:
        top_left = each.mapTo(desk.window, QPoint(0, 0))
        assert window_rect.contains(QRect(top_left, each.size())), (each.text() if hasattr(each, "text") else each)
    page = desk.window.supervisor_screen.tabs.currentWidget()
    assert page.horizontalScrollBar().maximum() == 0  # no sideways scrolling
    assert panel.table.horizontalScrollBar().maximum() == 0
    desk.window.grab().save(str(tmp_path / "27-supervisor-targets.png"))  # looked at; copied to docs/screenshots
