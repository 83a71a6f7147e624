"""The supervisor's queue of records: today's, and older ones that still need a decision. Each row
shows the time, the number (Dukcapil's receipt number once the server gave one, else the slip's
number; both in the row's tooltip), the state and the outcome. A citizen's slip can be printed again; an unsent record can be erased (at the citizen's
request, or a mistake) and a quarantined one sent again. Only masked NIKs are shown; every action is
audited with a reason code, never free text."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHeaderView,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

import datetime as dt

from kiosk.damaged_records import shown_nik
from kiosk.errors import KioskError
from kiosk.i18n import tr
from kiosk.outcomes import ManualCaptureReason, manual_capture_label
from kiosk.record import RecordState, RecordSummary, state_label
from kiosk.store import EraseReason, RecordOutcome, Store
from kiosk.ui.screens.common import button, hint
from kiosk.ui.screens.home_screen import plain_tooltip  # a gateway's reason must not become markup
from kiosk.ui.slip_printer import PrintError, default_printer, print_slip
from kiosk.ui.widgets.banner import Banner
from kiosk.ui.widgets.flow_layout import FlowLayout

DECIDED_HERE = (RecordState.QUEUED, RecordState.QUARANTINED)
FINAL_STATUSES = frozenset({RecordState.PROCESSED.value, RecordState.REJECTED.value})  # not "erased"


def reason_label(reason: EraseReason) -> str:
    return {EraseReason.CITIZEN_REQUEST: tr("Permintaan warga"),
            EraseReason.DUPLICATE: tr("Data ganda"),
            EraseReason.WRONG_PERSON: tr("Salah orang / salah data")}[reason]


def outcome_text(record: RecordSummary, outcome: RecordOutcome | None) -> str:
    """The "Hasil" cell: what became of this visit, in the officer's words."""
    parts = []
    if record.state is RecordState.PROCESSED or (outcome and outcome.final_status == "processed"):
        parts.append(tr("IKD aktif"))
    elif outcome and outcome.final_status == "erased":
        reason = outcome.reason_code
        parts.append(tr("Dihapus: {reason}", reason=reason_label(EraseReason(reason)))
                     if reason in {r.value for r in EraseReason} else tr("Dihapus"))
    elif record.status_reason:
        parts.append(record.status_reason)
    elif outcome and outcome.activation_later:
        parts.append(tr("Aktivasi nanti (kode lewat email)"))
    if outcome and outcome.capture_reason and outcome.final_status != "erased":
        try:
            parts.append(tr("Foto manual: {reason}",
                            reason=manual_capture_label(ManualCaptureReason(outcome.capture_reason))))
        except ValueError:
            parts.append(tr("Foto manual"))
    return "; ".join(parts) or "-"


def _time_text(record: RecordSummary, today: dt.date) -> str:
    created = dt.datetime.fromisoformat(record.created_at).astimezone()
    return f"{created:%H.%M}" if record.local_date == today.isoformat() else f"{record.local_date} {created:%H.%M}"


class RecordsPanel(QWidget):
    def __init__(self, store: Store, parent=None) -> None:
        super().__init__(parent)
        self._store = store
        self.supervisor_id: int | None = None
        self.confirm = self._ask  # replaced in tests by an answer
        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels([tr("Waktu"), tr("Nomor"), tr("NIK"),
                                              tr("Status"), tr("Hasil")])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)  # never sideways; a cut cell has its tooltip
        for short in (0, 1, 3):  # time, number, state: short texts, shown whole; the rest share what is left
            header.setSectionResizeMode(short, QHeaderView.ResizeMode.ResizeToContents)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.reason_box = QComboBox()
        for reason in EraseReason:
            self.reason_box.addItem(reason_label(reason), reason.value)
        self.erase_button = button(tr("Hapus data ini"), name="danger")
        self.erase_button.clicked.connect(lambda: self.erase_selected())
        self.resend_button = button(tr("Kirim ulang"))
        self.resend_button.clicked.connect(lambda: self.resend_selected())
        self.reprint_button = button(tr("Cetak ulang slip"))
        self.reprint_button.clicked.connect(lambda: self.reprint_selected())
        self.banner = Banner()
        actions = FlowLayout()  # wraps on a narrow screen rather than pushing a button out of sight
        for each in (self.reprint_button, self.reason_box, self.erase_button, self.resend_button):
            actions.addWidget(each)
        layout = QVBoxLayout(self)
        layout.addWidget(hint(tr("Data hari ini dan data lama yang belum terkirim atau dikarantina, yang terbaru "
                                 "di atas. Data yang sudah diterima server hanya bisa dihapus oleh Disdukcapil.")))
        layout.addWidget(self.table, 1)
        layout.addLayout(actions)
        layout.addWidget(self.banner)
        self._records: list[RecordSummary] = []

    def refresh(self, supervisor_id: int) -> None:
        self.supervisor_id = supervisor_id
        self.banner.clear()
        self._fill()

    def _fill(self) -> None:
        today = self._store.clock().date()
        shown = {r.record_id: r for r in self._store.records_in_states(frozenset(DECIDED_HERE))}
        shown |= {r.record_id: r for r in self._store.records(today)}
        self._records = sorted(shown.values(), key=lambda r: r.device_seq, reverse=True)
        self.table.setRowCount(len(self._records))
        for row, record in enumerate(self._records):
            number = record.receipt_no or record.slip_no
            numbers = tr("No. slip: {slip}", slip=record.slip_no)
            if record.receipt_no:
                numbers += "\n" + tr("No. tanda terima Dukcapil: {receipt}", receipt=record.receipt_no)
            cells = (_time_text(record, today), number, shown_nik(record.nik_masked), state_label(record.state),
                     outcome_text(record, self._store.outcome_of(record.record_id)))
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                # both numbers, the whole outcome (a narrow screen cuts it), Dukcapil's remedy for a rejection
                tip = "\n".join(filter(None, (numbers, cells[4].strip("-"), record.remedy)))
                item.setToolTip(plain_tooltip(tip))
                self.table.setItem(row, column, item)
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
        self.erase_button.setEnabled(record is not None and record.state in DECIDED_HERE)
        self.resend_button.setEnabled(record is not None and record.state is RecordState.QUARANTINED)
        self.reprint_button.setEnabled(record is not None and self._reprintable(record))

    def _reprintable(self, record: RecordSummary) -> bool:
        """Any record's slip but an erased one's: after its final status and the purge, the slip still
        counts (receipt number, QR), printed without the contact line."""
        if record.state is not RecordState.PURGED:
            return True
        outcome = self._store.outcome_of(record.record_id)
        return outcome is not None and outcome.final_status in FINAL_STATUSES

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

    def reprint_selected(self, printer=None) -> bool:
        """Print the selected citizen's slip again (lost or smudged), on ``printer`` or the default one.
        Audited as a reprint. The slip holds no NIK; the email and phone only masked, and only while
        the record still holds them."""
        record = self.selected()
        if record is None or not self._reprintable(record):
            return False
        try:
            print_slip(record, printer if printer is not None else default_printer())
        except PrintError as error:
            self.banner.show_error(error)
            return False
        self._store.note_printed(record.record_id, self.supervisor_id, reprint=True)
        self.banner.show_message("success", tr("Slip {slip} dicetak ulang.", slip=record.slip_no),
                                 tr("Serahkan slip kepada warga. Cetak ulang tercatat di log audit."))
        return True
