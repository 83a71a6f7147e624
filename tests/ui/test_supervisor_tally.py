"""The supervisor's tally in the GUI: F9 from home opens the supervisor's desk for a supervisor
only; the tally's pages are shown, printed through QPrinter (to a PDF file here, read back with
pdftotext), saved as PDF and CSV; a printer that is missing or a folder that cannot be written
gets an Indonesian message with a next step."""

from __future__ import annotations

import csv
import io
import subprocess
from pathlib import Path

import numpy as np
from PIL import Image
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QFileDialog

from kiosk.demo_data import make_demo_records
from kiosk.ui import slip_printer
from kiosk.ui.slip_printer import pdf_printer

RECORDS = 9


def page_renders(pdf: Path, folder: Path) -> list[np.ndarray]:
    """Every page of ``pdf`` as pdftoppm draws it (grey, 100 dpi)."""
    prefix = folder / pdf.stem
    subprocess.run(["pdftoppm", "-r", "100", "-gray", "-png", str(pdf), str(prefix)], check=True)
    return [np.asarray(Image.open(png).convert("L")) for png in sorted(folder.glob(f"{pdf.stem}-*.png"))]


def layout(page: np.ndarray) -> np.ndarray:
    """The inked part of a page (margins cut off) at a coarse, fixed size: where the tables,
    lines of text and the chart are, not the exact glyph pixels (the printer path resamples)."""
    rows, cols = np.nonzero(page < 200)
    crop = Image.fromarray(page[rows.min():rows.max() + 1, cols.min():cols.max() + 1])
    return np.asarray(crop.resize((120, 170), Image.Resampling.BOX), dtype=np.float32)


def same_page(printed: np.ndarray, original: np.ndarray) -> float:
    """Correlation of the two pages' layouts: ~1 for the same page, far lower for another."""
    return float(np.corrcoef(layout(printed).ravel(), layout(original).ravel())[0, 1])


def open_tally(desk):
    desk.open_for_service()
    records = make_demo_records(desk.store, RECORDS, days=1, seed=11)
    desk.window.show_home()
    desk.press(Qt.Key.Key_F9)
    screen = desk.window.supervisor_screen
    assert desk.page is screen
    panel = screen.tally_panel
    day = QDate.fromString(records[0].local_date, Qt.DateFormat.ISODate)  # the last service day
    panel.date_from.setDate(day)
    panel.date_to.setDate(day)
    return panel


def test_supervisor_prints_today_s_tally_through_qprinter(make_desk, tmp_path) -> None:
    desk = make_desk(demo_video=False)
    panel = open_tally(desk)
    assert not panel.print_button.isEnabled()  # nothing to print before the tally is built
    desk.qtbot.mouseClick(panel.show_button, Qt.MouseButton.LeftButton)
    assert panel.tally is not None and panel.tally.total == RECORDS
    assert panel.print_button.isEnabled()
    assert panel.pages_box.count() >= 1  # page images of the PDF itself
    assert "9 warga" in panel.summary.text()

    printed = tmp_path / "printed.pdf"
    assert panel.print_to(pdf_printer(str(printed)))
    assert panel.banner.kind() == "success"
    saved = tmp_path / "tally.pdf"
    saved.write_bytes(panel.pdf)  # the PDF the kiosk built (its text is checked in tests/unit/test_tally.py)
    printed_pages, tally_pages = page_renders(printed, tmp_path), page_renders(saved, tmp_path)
    assert len(printed_pages) == len(tally_pages) >= 1  # every page went to the printer
    for got, want in zip(printed_pages, tally_pages):
        assert same_page(got, want) > 0.9
    if len(tally_pages) > 1:  # and in order: page 2 is not page 1 again
        assert same_page(printed_pages[1], tally_pages[0]) < 0.8


def test_save_pdf_and_csv_through_the_file_dialog(make_desk, tmp_path, monkeypatch) -> None:
    desk = make_desk(demo_video=False)
    panel = open_tally(desk)
    panel.build()
    chosen = iter([str(tmp_path / "rekap.pdf"), str(tmp_path / "rekap.csv")])
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (next(chosen), ""))
    desk.qtbot.mouseClick(panel.save_pdf_button, Qt.MouseButton.LeftButton)
    desk.qtbot.mouseClick(panel.save_csv_button, Qt.MouseButton.LeftButton)
    assert (tmp_path / "rekap.pdf").read_bytes() == panel.pdf
    rows = list(csv.reader(io.StringIO((tmp_path / "rekap.csv").read_text(encoding="utf-8"))))
    assert any(str(RECORDS) in row for row in rows)
    assert panel.banner.kind() == "success"


def test_unwritable_folder_and_missing_printer_say_what_to_do(make_desk, tmp_path, monkeypatch) -> None:
    desk = make_desk(demo_video=False)
    panel = open_tally(desk)
    panel.build()
    assert panel.save_pdf(tmp_path / "no-such-folder" / "rekap.pdf") is None
    assert panel.banner.kind() == "error" and "flashdisk" in panel.banner.next_step_text()

    monkeypatch.setattr(slip_printer.QPrinterInfo, "availablePrinters", staticmethod(lambda: []))
    monkeypatch.setattr(slip_printer.QPrinterInfo, "defaultPrinter",
                        staticmethod(lambda: slip_printer.QPrinterInfo()))
    assert not panel.print_with_dialog()
    assert panel.banner.kind() == "error" and "PDF" in panel.banner.next_step_text()


def test_end_date_before_start_is_refused(make_desk) -> None:
    desk = make_desk(demo_video=False)
    panel = open_tally(desk)
    panel.date_to.setDate(panel.date_from.date().addDays(-1))
    assert panel.build() is None
    assert panel.banner.kind() == "error"
    assert not panel.print_button.isEnabled()
