"""The supervisor connects the kiosk from the desk (Settings -> Sambungkan ke server), against the
real gateway on loopback: a wrong code is refused in plain words, the right one connects."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel

from kiosk.sync import sync_settings
from kiosk.sync.enrolment_qr import enrolment_qr_text
from kiosk.ui.screens.enrol_panel import EnrolPanel


def test_the_supervisor_connects_the_kiosk_with_address_and_code(qtbot, kiosk, gateway) -> None:
    panel = EnrolPanel(kiosk.store)
    qtbot.addWidget(panel)
    assert panel.state_label.text() == "Kios ini belum tersambung ke server sinkronisasi."
    panel.server_field.setText(gateway.url)
    panel.code_field.setText("AAAA-BBBB-CCCC")
    with qtbot.waitSignal(panel.connect_button.clicked, timeout=1000):
        panel.connect_button.click()
    qtbot.waitUntil(lambda: panel.connect_button.isEnabled(), timeout=10_000)
    shown = " ".join(label.text() for label in panel.banner.findChildren(QLabel))
    assert "Kode sekali pakai salah atau sudah kedaluwarsa." in shown and "minta kode baru" in shown
    assert sync_settings.enrolment(kiosk.store.database) is None

    panel.code_field.setText(gateway.store.new_enroll_code())
    with qtbot.waitSignal(panel.enrolled, timeout=10_000) as done:
        panel.connect_button.click()
    assert done.args == [gateway.url]
    assert sync_settings.enrolment(kiosk.store.database).server_url == gateway.url
    assert panel.state_label.text() == f"Tersambung ke {gateway.url}."


def test_the_enrolment_qr_text_from_a_hand_scanner_fills_both_fields(qtbot, kiosk, gateway) -> None:
    panel = EnrolPanel(kiosk.store)
    qtbot.addWidget(panel)
    panel.code_field.setText(enrolment_qr_text(gateway.url, gateway.store.new_enroll_code()))
    with qtbot.waitSignal(panel.enrolled, timeout=10_000):
        panel.connect_button.click()
    assert sync_settings.enrolment(kiosk.store.database).server_url == gateway.url
