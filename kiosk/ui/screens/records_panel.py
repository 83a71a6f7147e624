"""Records that still need a supervisor's decision: not yet sent (a citizen may ask for their
data to be erased, or it was a mistake) and quarantined ones (send again, or erase). Only masked
NIKs are shown; every decision is audited with a reason code, never free text."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kiosk.damaged_records import shown_nik
from kiosk.errors import KioskError
from kiosk.i18n import tr
from kiosk.record import RecordState, RecordSummary, state_label
from kiosk.store import EraseReason, Store
from kiosk.ui.screens.common import button, hint
from kiosk.ui.widgets.banner import Banner

DECIDED_HERE = (RecordState.QUEUED, RecordState.QUARANTINED)


def reason_label(reason: EraseReason) -> str:
    return {EraseReason.CITIZEN_REQUEST: tr("Permintaan warga"),
            EraseReason.DUPLICATE: tr("Data ganda"),
            EraseReason.WRONG_PERSON: tr("Salah orang / salah data")}[reason]


class RecordsPanel(QWidget):
    def __init__(self, store: Store, parent=None) -> None:
        super().__init__(parent)
        self._store = store
        self.supervisor_id: int | None = None
        self.confirm = self._ask  # replaced in tests by an answer
        self.table = QTableWidget(0, 6)
        self.table.setHorizontalHeaderLabels([tr("No."), tr("Tanggal"), tr("NIK"), tr("No. tanda terima"),
                                              tr("Status"), tr("Alasan")])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.reason_box = QComboBox()
        for reason in EraseReason:
            self.reason_box.addItem(reason_label(reason), reason.value)
        self.erase_button = button(tr("Hapus data ini"), name="danger")
        self.erase_button.clicked.connect(lambda: self.erase_selected())
        self.resend_button = button(tr("Kirim ulang"))
        self.resend_button.clicked.connect(lambda: self.resend_selected())
        self.banner = Banner()
        actions = QHBoxLayout()
        actions.addWidget(self.reason_box, 2)
        actions.addWidget(self.erase_button, 1)
        actions.addWidget(self.resend_button, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(hint(tr("Data yang belum terkirim dan data yang dikarantina. Data yang sudah "
                                 "diterima server hanya bisa dihapus oleh Disdukcapil.")))
        layout.addWidget(self.table, 1)
        layout.addLayout(actions)
        layout.addWidget(self.banner)
        self._records: list[RecordSummary] = []

    def refresh(self, supervisor_id: int) -> None:
        self.supervisor_id = supervisor_id
        self.banner.clear()
        self._fill()

    def _fill(self) -> None:
        self._records = [r for r in self._store.records() if r.state in DECIDED_HERE]
        self.table.setRowCount(len(self._records))
        for row, record in enumerate(self._records):
            cells = (str(record.device_seq), record.local_date, shown_nik(record.nik_masked), record.slip_no,
                     state_label(record.state), record.status_reason or "")
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self._update_buttons()

    def select(self, record_id: str) -> None:
        for row, record in enumerate(self._records):
            if record.record_id == record_id:
                self.table.selectRow(row)

    def selected(self) -> RecordSummary | None:
        rows = self.table.selectionModel().selectedRows()
        return self._records[rows[0].row()] if rows else None

    def _update_buttons(self) -> None:
        record = self.selected()
        self.erase_button.setEnabled(record is not None)
        self.resend_button.setEnabled(record is not None and record.state is RecordState.QUARANTINED)

    def _ask(self, question: str) -> bool:
        box = QMessageBox(QMessageBox.Icon.Warning, tr("Hapus data warga"), question, parent=self)
        erase = box.addButton(tr("Hapus"), QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(box.addButton(tr("Batal"), QMessageBox.ButtonRole.RejectRole))
        box.exec()
        return box.clickedButton() is erase

    def erase_selected(self) -> bool:
        record = self.selected()
        if record is None:
            return False
        reason = EraseReason(self.reason_box.currentData())
        if not self.confirm(tr("Hapus foto dan data pribadi warga dengan tanda terima {slip}? Ini tidak bisa "
                               "dibatalkan. Alasan: {reason}.", slip=record.slip_no, reason=reason_label(reason))):
            return False
        try:
            self._store.erase_unsynced(record.record_id, self.supervisor_id, reason)
        except KioskError as error:
            self.banner.show_error(error)
            return False
        self.banner.show_message("success", tr("Data dengan tanda terima {slip} dihapus.", slip=record.slip_no),
                                 tr("Tercatat di log audit. Rekap tetap menghitungnya sebagai dihapus."))
        self._fill()
        return True

    def resend_selected(self) -> bool:
        record = self.selected()
        if record is None or record.state is not RecordState.QUARANTINED:
            return False
        try:
            self._store.release_quarantine(record.record_id, self.supervisor_id)
        except KioskError as error:
            self.banner.show_error(error)
            return False
        self.banner.show_message("success", tr("Data {slip} masuk antrean kirim lagi.", slip=record.slip_no),
                                 tr("Tekan Sinkronkan di beranda atau tunggu sinkron otomatis."))
        self._fill()
        return True
