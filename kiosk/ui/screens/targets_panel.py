"""The supervisor's targets (Sasaran): the 13 kelurahan of Koto Tangah with their wajib-KTP count,
the source of the figure and its date; typed in the table or imported from a CSV (all rows or
none), exported as a CSV to fill in a spreadsheet. Saved in the kiosk's database, audited."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QHeaderView, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget

from kiosk.errors import KioskError
from kiosk.i18n import tr
from kiosk.store import Store
from kiosk.targets import Target, TargetError, koto_tangah_kelurahan, make_target, parse_targets_csv, targets_csv
from kiosk.ui.screens.common import button, hint
from kiosk.ui.widgets.banner import Banner
from kiosk.ui.widgets.flow_layout import FlowLayout

NAME, COUNT, SOURCE, DATE = range(4)


class TargetsPanel(QWidget):
    def __init__(self, store: Store, parent=None) -> None:
        super().__init__(parent)
        self._store = store
        self.supervisor_id: int | None = None
        self.kelurahan = koto_tangah_kelurahan()
        self.table = QTableWidget(len(self.kelurahan), 4)
        self.table.setHorizontalHeaderLabels([tr("Kelurahan"), tr("Wajib KTP"), tr("Sumber data"),
                                              tr("Tanggal data")])
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        # the headings are wider than 1.000.000 and 2026-10-31, so empty columns have room to type in
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(SOURCE, QHeaderView.ResizeMode.Stretch)  # the only long free text
        self.save_button = button(tr("Simpan"), primary=True)
        self.save_button.clicked.connect(lambda: self.save())
        self.import_button = button(tr("Impor CSV\u2026"))
        self.import_button.clicked.connect(lambda: self.import_csv())
        self.export_button = button(tr("Ekspor CSV\u2026"))
        self.export_button.clicked.connect(lambda: self.export_csv())
        self.banner = Banner()
        actions = FlowLayout()  # wraps on a narrow screen rather than pushing a button out of sight
        for each in (self.save_button, self.import_button, self.export_button):
            actions.addWidget(each)
        layout = QVBoxLayout(self)
        layout.addWidget(hint(tr("Jumlah penduduk wajib KTP per kelurahan, dari data resmi (misalnya Data "
                                 "Dukcapil Kota Padang), dengan tanggal angkanya. Tanggal ditulis 2026-10-31. "
                                 "Kelurahan yang dikosongkan tampil \u201csasaran belum diisi\u201d di rekap.")))
        layout.addWidget(self.table, 1)  # the table scrolls; the buttons stay in sight on a small screen
        layout.addLayout(actions)
        layout.addWidget(self.banner)

    def refresh(self, supervisor_id: int) -> None:
        self.supervisor_id = supervisor_id
        self.banner.clear()
        self._fill(self._store.targets.all())

    def _fill(self, targets: dict[str, Target]) -> None:
        for row, kelurahan in enumerate(self.kelurahan):
            target = targets.get(kelurahan.code)
            name = QTableWidgetItem(kelurahan.name)
            name.setFlags(name.flags() & ~Qt.ItemFlag.ItemIsEditable)
            name.setToolTip(self._entered_by(kelurahan.code, target))
            self.table.setItem(row, NAME, name)
            cells = (str(target.eligible), target.source, target.figure_date.isoformat()) if target else ("", "", "")
            for column, text in zip((COUNT, SOURCE, DATE), cells):
                self.table.setItem(row, column, QTableWidgetItem(text))

    def _entered_by(self, code: str, target: Target | None) -> str:
        if target is None:
            return tr("Kode {code}; sasaran belum diisi.", code=code)
        officer = self._store.officers.get(target.entered_by)
        return tr("Kode {code}; diisi oleh {name} pada {when}.", code=code,
                  name=officer.name if officer else f"#{target.entered_by}", when=target.entered_at[:16])

    def _text(self, row: int, column: int) -> str:
        item = self.table.item(row, column)
        return item.text() if item is not None else ""

    # -- saving ----------------------------------------------------------------------------------
    def entries(self) -> dict[str, Target | None] | None:
        """Every row as a target (or None where empty); None, with the row shown, when one is wrong."""
        today = self._store.clock().date()
        found: dict[str, Target | None] = {}
        for row, kelurahan in enumerate(self.kelurahan):
            try:
                found[kelurahan.code] = make_target(kelurahan.code, self._text(row, COUNT), self._text(row, SOURCE),
                                                    self._text(row, DATE), today)
            except TargetError as error:
                self.table.setCurrentCell(row, COUNT)
                self.banner.show_message("error", tr("Kelurahan {name}: {problem}", name=kelurahan.name,
                                                     problem=error.message),
                                         tr("{step} Belum ada yang disimpan.", step=error.next_step))
                return None
        return found

    def save(self) -> bool:
        self.table.setCurrentItem(None)  # a cell still being typed in is committed first
        entries = self.entries()
        return entries is not None and self._save(entries, tr("Sasaran disimpan."))

    def _save(self, entries: dict[str, Target | None], done: str) -> bool:
        try:
            changed = self._store.targets.save(entries, self.supervisor_id)
        except KioskError as error:
            self.banner.show_error(error)
            return False
        self._fill(self._store.targets.all())
        self.banner.show_message("success", done, tr("{count} kelurahan berubah; tercatat di log audit. "
                                                     "Buat rekap untuk melihat capaiannya.", count=changed))
        return True

    # -- CSV -------------------------------------------------------------------------------------
    def import_csv(self, path: Path | None = None) -> bool:
        """Read a CSV and save all its rows, or none of them when one line is wrong."""
        if path is None:
            chosen, _ = QFileDialog.getOpenFileName(self, tr("Impor sasaran dari CSV"), str(Path.home()),
                                                    tr("CSV (*.csv)"))
            if not chosen:
                return False
            path = Path(chosen)
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError):
            self.banner.show_message("error", tr("Berkas {name} tidak bisa dibaca.", name=path.name),
                                     tr("Simpan berkasnya sebagai CSV UTF-8 dari spreadsheet, lalu impor lagi."))
            return False
        try:
            entries = parse_targets_csv(text, self.kelurahan, self._store.clock().date())
        except TargetError as error:
            self.banner.show_error(error)
            return False
        return self._save(entries, tr("Sasaran dari {name} disimpan.", name=path.name))

    def export_csv(self, path: Path | None = None) -> Path | None:
        if path is None:
            chosen, _ = QFileDialog.getSaveFileName(self, tr("Ekspor sasaran ke CSV"),
                                                    str(Path.home() / "sasaran_koto_tangah.csv"), tr("CSV (*.csv)"))
            if not chosen:
                return None
            path = Path(chosen)
        try:
            path.write_text(targets_csv(self.kelurahan, self._store.targets.all()), encoding="utf-8")
        except OSError:
            self.banner.show_message("error", tr("Berkas {name} tidak bisa disimpan.", name=path.name),
                                     tr("Pilih folder lain atau flashdisk lain lalu coba lagi."))
            return None
        self.banner.show_message("success", tr("Sasaran diekspor ke {name}.", name=path.name),
                                 tr("Isi kolom wajib_ktp, sumber dan tanggal, lalu impor lagi di sini."))
        return path
