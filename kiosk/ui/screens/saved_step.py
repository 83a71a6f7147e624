"""Saved: shown only after the record's transaction committed; the slip number and what the
citizen does next, in plain Indonesian."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout

from kiosk.i18n import tr
from kiosk.record import RecordSummary
from kiosk.ui.screens.common import hint
from kiosk.ui.screens.flow_step import FlowStep


def next_steps_text() -> str:
    return tr(
        "Langkah berikutnya untuk warga:\n"
        "1. Tunggu email dari \u201cSIAK Terpusat Identitas Digital\u201d berisi kode aktivasi "
        "(periksa juga folder Spam).\n"
        "2. Buka aplikasi IKD, masukkan kode aktivasi dan captcha.\n"
        "3. Buat PIN 6 angka yang baru dan simpan baik-baik.\n"
        "4. Bila email tidak datang dalam 1x24 jam, datang lagi dengan membawa tanda terima ini.")


class SavedStep(FlowStep):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.step_title = tr("Tersimpan")
        self.state_label = QLabel(tr("Tersimpan"))
        self.state_label.setObjectName("bigstate")
        self.slip_label = QLabel()
        self.slip_label.setStyleSheet("font-size: 22pt; font-weight: 700;")
        steps = QLabel(next_steps_text())
        steps.setWordWrap(True)
        steps.setObjectName("card")
        steps.setStyleSheet("padding: 18px;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(40, 20, 40, 20)
        layout.addWidget(self.state_label)
        layout.addWidget(self.slip_label)
        layout.addWidget(hint(tr("Data warga sudah tersimpan terenkripsi di kios ini dan masuk antrean "
                                 "kirim ke Dukcapil.")))
        layout.addWidget(steps)
        layout.addStretch(1)

    def show_record(self, record: RecordSummary) -> None:
        self.slip_label.setText(tr("Nomor tanda terima: {slip}", slip=record.slip_no))

    def next_label(self) -> str:
        return tr("Warga berikutnya")
