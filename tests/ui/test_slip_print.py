"""The citizen's slip from the saved step: printed through QPrinter (to a PDF file here), read back
with pdftotext and its QR decoded, with the email and phone masked (as the Tersimpan step shows
them), never whole; F6 without a printer; saving the PDF."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import zxingcpp
from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from kiosk.qr_payload import receipt_qr_text
from kiosk.ui import slip_printer
from kiosk.ui.slip_printer import pdf_printer

NIK, EMAIL, PHONE = "1371115708900001", "siti.rahma@example.com", "081234567890"
CONTACT_LINES = ("Kode aktivasi dikirim ke s***@example.com", "Nomor HP: +6281******890")
NEXT_STEPS = ("SIAK Terpusat Identitas Digital", "folder Spam", "kode aktivasi dan captcha", "PIN 6 angka",
              "1x24 jam", "datang lagi dengan membawa tanda terima ini")


def pdf_text(path: Path) -> str:
    out = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout
    return " ".join(out.split())


def pdf_qr_codes(path: Path) -> list[str]:
    prefix = path.with_name(path.stem + "-render")
    subprocess.run(["pdftoppm", "-r", "150", "-gray", "-png", "-singlefile", str(path), str(prefix)],
                   check=True)
    image = np.asarray(Image.open(prefix.with_suffix(".png")).convert("L"))
    codes = zxingcpp.read_barcodes(np.ascontiguousarray(image), formats=zxingcpp.BarcodeFormat.QRCode)
    return [code.text for code in codes if code.valid]


def assert_slip(path: Path, slip_no: str) -> None:
    text = pdf_text(path)
    assert slip_no in text
    for words in NEXT_STEPS + CONTACT_LINES:
        assert words in text, words
    for secret in (NIK, EMAIL, PHONE, "81234567890", "siti.rahma"):
        assert secret not in text, secret
    assert pdf_qr_codes(path) == [receipt_qr_text(slip_no)]


def test_saved_step_prints_the_slip_through_qprinter(serving, tmp_path) -> None:
    desk, saved = serving, serving.flow.saved
    record = desk.serve_citizen(NIK, EMAIL, PHONE)
    assert desk.step() is saved
    assert saved.print_button.text() == "Cetak tanda terima (F6)"
    # Tersimpan says where the code goes, masked as on the slip, and what to do if it is wrong
    assert saved.contact_label.isVisible() and saved.contact_label.text() == "\n".join(CONTACT_LINES)
    assert saved.contact_hint.isVisible() and "supervisor menghapus data ini" in saved.contact_hint.text()

    printed = tmp_path / "printed.pdf"
    assert saved.print_slip(pdf_printer(str(printed)))
    assert saved.banner.kind() == "success" and record.slip_no in saved.banner.message_text()
    assert_slip(printed, record.slip_no)
    printed_events = [e for e in desk.store.audit.entries(limit=100) if e.event == "record_printed"]
    assert [e.subject for e in printed_events] == [record.record_id]


def test_f6_without_a_printer_says_what_to_do_and_the_desk_goes_on(serving, monkeypatch) -> None:
    class NoPrinters:
        @staticmethod
        def defaultPrinter():
            return type("Null", (), {"isNull": staticmethod(lambda: True)})()

        @staticmethod
        def availablePrinters():
            return []

    monkeypatch.setattr(slip_printer, "QPrinterInfo", NoPrinters)
    desk, flow = serving, serving.flow
    desk.serve_citizen(NIK, EMAIL, PHONE)
    desk.press(Qt.Key.Key_F6)
    banner = flow.saved.banner
    assert banner.isVisible() and banner.kind() == "error"
    assert banner.message_text() == "Tidak ada printer yang terpasang di kios ini."
    assert banner.next_step_text() == "Simpan sebagai PDF lalu cetak dari komputer lain."
    desk.enter()  # "Warga berikutnya": still usable
    assert desk.step() is flow.identify


def test_simpan_pdf_writes_the_slip_where_the_officer_chose(serving, tmp_path, monkeypatch) -> None:
    desk, saved = serving, serving.flow.saved
    record = desk.serve_citizen(NIK, EMAIL, PHONE)
    chosen = tmp_path / "flashdisk" / "slip"
    chosen.parent.mkdir()
    asked: list[str] = []

    def fake_dialog(parent, caption, suggested, filters):
        asked.append(suggested)
        return str(chosen), filters

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(fake_dialog))
    desk.qtbot.mouseClick(saved.save_pdf_button, Qt.MouseButton.LeftButton)
    written = chosen.with_name("slip.pdf")
    assert asked and asked[0].endswith(f"tanda-terima-{record.slip_no}.pdf")
    assert saved.banner.kind() == "success" and str(written) in saved.banner.message_text()
    assert_slip(written, record.slip_no)

    # A folder that cannot be written: a message and a next step, nothing raised.
    assert saved.save_pdf(tmp_path / "missing-folder" / "slip.pdf") is None
    assert saved.banner.kind() == "error" and "folder tidak ditemukan" in saved.banner.message_text()
    assert "Pilih folder lain" in saved.banner.next_step_text()
