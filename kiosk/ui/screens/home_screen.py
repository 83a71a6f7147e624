"""Home: who is signed in, where, today's queue with each record's state, and "serve a citizen"."""

from __future__ import annotations

import datetime as dt
import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kiosk.damaged_records import shown_nik
from kiosk.i18n import tr
from kiosk.officers import Officer
from kiosk.record import RecordState, Stand, state_label
from kiosk.store import Store
from kiosk.ui.screens.common import button, hint, title
from kiosk.ui.widgets.banner import Banner
from kiosk.ui.widgets.elided_label import ElidedLabel
from kiosk.ui.widgets.flow_layout import FlowLayout


ATTENTION_STATES = frozenset({RecordState.REJECTED, RecordState.QUARANTINED})  # the citizen must act


def plain_tooltip(text: str) -> str:
    """A tooltip that shows ``text`` as written: a gateway's reason is never read as markup."""
    return "<qt>" + html.escape(text).replace("\n", "<br>") + "</qt>"


def _local_time(created_at_utc: str) -> str:
    return dt.datetime.fromisoformat(created_at_utc).astimezone().strftime("%H.%M")


class HomeScreen(QWidget):
    serve_requested = Signal()
    stand_change_requested = Signal()
    sign_out_requested = Signal()
    sync_requested = Signal()
    supervisor_requested = Signal()
    help_requested = Signal()
    resume_requested = Signal()  # the citizen kept after a fault, on the step they were on
    discard_requested = Signal()  # ... or their unsaved data dropped

    def __init__(self, store: Store, parent=None) -> None:
        super().__init__(parent)
        self._store = store
        self.greeting = title("")
        self.stand_label = hint("")
        self.serve_button = button(tr("Layani warga baru  (F2)"), primary=True)
        self.serve_button.clicked.connect(self.serve_requested)
        QShortcut(QKeySequence(Qt.Key.Key_F2), self, activated=self.serve_requested.emit)
        self.stand_button = button(tr("Ganti tempat"), name="secondary")
        self.stand_button.clicked.connect(self.stand_change_requested)
        self.sign_out_button = button(tr("Keluar"), name="secondary")
        self.sign_out_button.clicked.connect(self.sign_out_requested)
        self.sync_button = button(tr("Sinkronkan"))
        self.sync_button.setToolTip(tr("Kirim data yang belum terkirim dan ambil hasil dari Dukcapil sekarang"))
        self.sync_button.clicked.connect(self.sync_requested)
        self.supervisor_button = button(tr("Supervisor (F9)"), name="secondary")
        self.supervisor_button.setToolTip(tr("Rekap harian, akun petugas, pengaturan"))
        self.supervisor_button.clicked.connect(self.supervisor_requested)
        QShortcut(QKeySequence(Qt.Key.Key_F9), self, activated=self._supervisor_key)
        self.help_button = button(tr("Bantuan (F1)"), name="secondary")
        self.help_button.setToolTip(tr("Versi, folder data, kontak dukungan teknis, dan pemeriksaan kios"))
        self.help_button.clicked.connect(self.help_requested)
        QShortcut(QKeySequence(Qt.Key.Key_F1), self, activated=self.help_requested.emit)
        self.sync_banner = Banner()
        self.resume_offer = self._make_resume_offer()
        self.queue_title = QLabel()
        self.queue_title.setStyleSheet("font-weight: 700;")
        self.queue = self._make_table()

        actions = QHBoxLayout()  # what the officer does all day, large
        actions.addWidget(self.serve_button, 2)
        actions.addWidget(self.sync_button, 1)
        # What they do once or twice a day, to the right; the row wraps on a narrow screen.
        session = FlowLayout(align_right=True)
        for widget in (self.stand_button, self.supervisor_button, self.sign_out_button, self.help_button):
            session.addWidget(widget)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 16, 32, 12)
        layout.addWidget(self.greeting)
        layout.addWidget(self.stand_label)
        layout.addLayout(actions)
        layout.addLayout(session)
        layout.addWidget(self.resume_offer)
        layout.addWidget(self.sync_banner)
        layout.addWidget(self.queue_title)
        layout.addWidget(self.queue, 1)

    def _make_resume_offer(self) -> QFrame:
        """The "Lanjutkan warga tadi?" offer, shown only after a fault sent the desk home mid-citizen."""
        offer = QFrame()
        offer.setObjectName("banner_warning")
        offer.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        question = QLabel(tr("Lanjutkan warga tadi?"))
        question.setStyleSheet("font-weight: 700;")
        self.resume_detail = ElidedLabel()  # one line: after a fault the banner above needs the room
        self.resume_button = button(tr("Lanjutkan"), primary=True)
        self.resume_button.setProperty("compact", True)
        self.resume_button.clicked.connect(self.resume_requested)
        self.discard_button = button(tr("Buang data warga tadi"), name="danger")
        self.discard_button.setProperty("compact", True)
        self.discard_button.clicked.connect(self.discard_requested)
        buttons = FlowLayout()
        buttons.addWidget(self.resume_button)
        buttons.addWidget(self.discard_button)
        text = QHBoxLayout()  # one line where it fits: a small screen has no height to spare
        text.addWidget(question)
        text.addWidget(self.resume_detail, 1)
        column = QVBoxLayout(offer)
        column.setContentsMargins(16, 8, 16, 8)
        column.addLayout(text)
        column.addLayout(buttons)
        offer.hide()
        return offer

    def offer_resume(self, summary: str) -> None:
        self.resume_detail.setText(summary)
        self.resume_offer.show()
        self.resume_button.setFocus()  # Enter resumes: the likeliest wish after a fault

    def withdraw_resume_offer(self) -> None:
        self.resume_offer.hide()

    @staticmethod
    def _make_table() -> QTableWidget:
        table = QTableWidget(0, 5)
        table.setHorizontalHeaderLabels([tr("No."), tr("Jam"), tr("NIK"), tr("No. tanda terima"), tr("Status")])
        table.verticalHeader().setVisible(False)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        for column in (0, 1):  # No. and Jam are short: their room goes to the receipt and the state
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        return table

    def show_session(self, officer: Officer, stand: Stand) -> None:
        self.greeting.setText(tr("Halo, {name}", name=officer.name))
        self.supervisor_button.setVisible(officer.is_supervisor)
        self.stand_label.setText(tr("Tempat layanan hari ini: {place}, Kel. {kelurahan}",
                                    place=stand.place_name, kelurahan=stand.kelurahan_name))
        self.refresh()

    def refresh(self) -> None:
        records = self._store.records(self._store.clock().date())
        self.queue_title.setText(tr("Antrean hari ini: {count} warga", count=len(records)))
        self.queue.setRowCount(len(records))
        for row, record in enumerate(reversed(records)):
            cells = (str(record.device_seq), _local_time(record.created_at), shown_nik(record.nik_masked),
                     record.slip_no, state_label(record.state))
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if record.status_reason:  # Dukcapil's reason and the remedy, for the officer to read out
                    item.setToolTip(plain_tooltip("\n".join(filter(None, (record.status_reason, record.remedy)))))
                if record.state in ATTENTION_STATES:
                    item.setForeground(QColor("#b3261e"))
                self.queue.setItem(row, column, item)

    def _supervisor_key(self) -> None:
        if self.supervisor_button.isVisible():
            self.supervisor_requested.emit()

    def show_sync_result(self, kind: str, message: str, next_step: str = "") -> None:
        self.sync_banner.show_message(kind, message, next_step)

    def main_action(self) -> QWidget:
        """Enter resumes the citizen kept after a fault, else serves a new one."""
        return self.resume_button if self.resume_offer.isVisibleTo(self) else self.serve_button

    def showEvent(self, event) -> None:  # noqa: N802
        super().showEvent(event)
        self.main_action().setFocus()
