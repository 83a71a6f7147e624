"""Officer accounts, for the supervisor: who may use this kiosk, in which role; add an officer,
disable or enable one, set a new PIN for one who forgot theirs. Every change is audited."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHeaderView,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kiosk.errors import KioskError
from kiosk.i18n import tr
from kiosk.officers import Officer, Role
from kiosk.store import Store
from kiosk.ui.screens.common import button, pin_field
from kiosk.ui.widgets.banner import Banner
from kiosk.ui.widgets.flow_layout import FlowLayout


def role_label(role: Role) -> str:
    return tr("Supervisor") if role is Role.SUPERVISOR else tr("Petugas")


class OfficersPanel(QWidget):
    def __init__(self, store: Store, parent=None) -> None:
        super().__init__(parent)
        self._store = store
        self.supervisor_id: int | None = None
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels([tr("Nama"), tr("NIP"), tr("Peran"), tr("Status")])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)  # names are long; NIPs are not
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.toggle_button = button(tr("Nonaktifkan"))
        self.toggle_button.clicked.connect(lambda: self.toggle_selected())
        self.new_pin_field = pin_field()
        self.new_pin_field.setPlaceholderText(tr("PIN baru"))
        self.reset_pin_button = button(tr("Ganti PIN"))
        self.reset_pin_button.clicked.connect(lambda: self.reset_selected_pin())

        self.name_field = QLineEdit()
        self.nip_field = QLineEdit()
        self.nip_field.setMaxLength(18)
        self.role_box = QComboBox()
        self.role_box.addItem(role_label(Role.OFFICER), Role.OFFICER.value)
        self.role_box.addItem(role_label(Role.SUPERVISOR), Role.SUPERVISOR.value)
        self.pin_field = pin_field()
        self.pin_again_field = pin_field()
        self.add_button = button(tr("Tambah akun"), primary=True)
        self.add_button.clicked.connect(lambda: self.add_officer())
        self.banner = Banner()

        selected = FlowLayout()  # wraps on a narrow screen rather than squeezing the buttons
        selected.addWidget(self.toggle_button)
        selected.addWidget(self.new_pin_field)
        selected.addWidget(self.reset_pin_button)
        form = QFormLayout()
        form.addRow(tr("Nama lengkap"), self.name_field)
        form.addRow(tr("NIP (18 angka)"), self.nip_field)
        form.addRow(tr("Peran"), self.role_box)
        form.addRow(tr("PIN (6-12 angka)"), self.pin_field)
        form.addRow(tr("Ulangi PIN"), self.pin_again_field)
        form.addRow("", self.add_button)
        adding = QGroupBox(tr("Akun baru"))
        adding.setLayout(form)
        # One column: the list, what to do with the one chosen, the result, then a new account.
        # Side by side they needed 1300 px; the desk scrolls down, never sideways.
        self.table.setMinimumHeight(220)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(selected)
        layout.addWidget(self.banner)
        layout.addWidget(adding)

    def refresh(self, supervisor_id: int) -> None:
        self.supervisor_id = supervisor_id
        self.banner.clear()
        self._fill()

    def _fill(self) -> None:
        officers = self._store.officers.all()
        self.table.setRowCount(len(officers))
        for row, officer in enumerate(officers):
            cells = (officer.name, officer.nip, role_label(officer.role),
                     tr("Aktif") if officer.active else tr("Nonaktif"))
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, officer.officer_id)
                self.table.setItem(row, column, item)
        self._update_buttons()

    def selected(self) -> Officer | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows:
            return None
        return self._store.officers.get(self.table.item(rows[0].row(), 0).data(Qt.ItemDataRole.UserRole))

    def select(self, officer_id: int) -> None:
        for row in range(self.table.rowCount()):
            if self.table.item(row, 0).data(Qt.ItemDataRole.UserRole) == officer_id:
                self.table.selectRow(row)
                return

    def _update_buttons(self) -> None:
        officer = self.selected()
        self.toggle_button.setEnabled(officer is not None)
        self.reset_pin_button.setEnabled(officer is not None and officer.active)
        self.toggle_button.setText(tr("Aktifkan") if officer is not None and not officer.active
                                   else tr("Nonaktifkan"))

    # -- actions -----------------------------------------------------------------------------
    def _run(self, action, done: str, next_step: str = "") -> bool:
        try:
            action()
        except KioskError as error:
            self.banner.show_error(error)
            return False
        self.banner.show_message("success", done, next_step)
        return True

    def add_officer(self) -> bool:
        if self.pin_field.text() != self.pin_again_field.text():
            self.banner.show_message("error", tr("Kedua PIN tidak sama."), tr("Ketik PIN yang sama dua kali."))
            return False
        name = " ".join(self.name_field.text().split())
        added = self._run(lambda: self._store.officers.add(name, self.nip_field.text().strip(),
                                                           self.pin_field.text(), Role(self.role_box.currentData()),
                                                           by=self.supervisor_id),
                          tr("Akun {name} dibuat.", name=name),
                          tr("Petugas kini bisa masuk dengan PIN-nya."))
        self.pin_field.clear()
        self.pin_again_field.clear()
        if added:
            self.name_field.clear()
            self.nip_field.clear()
            self._fill()
        return added

    def toggle_selected(self) -> bool:
        officer = self.selected()
        if officer is None:
            return False
        if officer.active:
            done = self._run(lambda: self._store.officers.disable(officer.officer_id, by=self.supervisor_id),
                             tr("Akun {name} dinonaktifkan.", name=officer.name),
                             tr("Ia tidak bisa masuk lagi; data yang sudah direkamnya tetap tercatat."))
        else:
            done = self._run(lambda: self._store.officers.enable(officer.officer_id, by=self.supervisor_id),
                             tr("Akun {name} diaktifkan lagi.", name=officer.name))
        self._fill()
        self.select(officer.officer_id)
        return done

    def reset_selected_pin(self) -> bool:
        officer = self.selected()
        if officer is None:
            return False
        new_pin = self.new_pin_field.text()
        self.new_pin_field.clear()
        return self._run(lambda: self._store.officers.reset_pin(officer.officer_id, new_pin, by=self.supervisor_id),
                         tr("PIN {name} diganti.", name=officer.name),
                         tr("Sampaikan PIN baru secara langsung, bukan lewat pesan."))
