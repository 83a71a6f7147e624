"""The stand of the day: which kelurahan and which place the officer serves at, remembered for today."""

from __future__ import annotations

import re

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QLineEdit, QWidget

from kiosk.i18n import tr
from kiosk.record import Stand
from kiosk.regions import RegionTable
from kiosk.store import Store
from kiosk.ui.screens.common import button, lay_out_form_page
from kiosk.ui.widgets.banner import Banner

DEFAULT_KECAMATAN = "13.71.11"  # Koto Tangah, the first place the kiosk serves
MAX_PLACE_NAME = 80
LONG_NUMBER = re.compile(r"\d{8,}")  # a place name has no run of 8 digits; a NIK has 16


class StandScreen(QWidget):
    stand_chosen = Signal(object)  # Stand

    def __init__(self, store: Store, regions: RegionTable, parent=None) -> None:
        super().__init__(parent)
        self._store = store
        self.kelurahan_box = QComboBox()
        for region in regions.kelurahan_of(DEFAULT_KECAMATAN):
            self.kelurahan_box.addItem(region.name, region.code)
        self.place_field = QLineEdit()
        self.place_field.setMaxLength(MAX_PLACE_NAME)
        self.place_field.setPlaceholderText(tr("mis. Kantor Camat Koto Tangah, Posyandu RW 03"))
        self.place_field.returnPressed.connect(self._on_start_clicked)
        self.banner = Banner()
        self.start_button = button(tr("Mulai melayani"), primary=True)
        self.start_button.clicked.connect(self._on_start_clicked)

        lay_out_form_page(
            self, tr("Di mana Anda melayani hari ini?"),
            tr("Pilihan ini diingat sampai hari berganti dan tercatat pada setiap data warga."),
            [(tr("Kelurahan"), self.kelurahan_box), (tr("Tempat layanan"), self.place_field)],
            self.banner, self.start_button)

    def prefill(self) -> None:
        """Offer the last stand used, so a desk that never moves needs one Enter."""
        last = self._store.last_stand()
        if last:
            index = self.kelurahan_box.findData(last.kelurahan_code)
            if index >= 0:
                self.kelurahan_box.setCurrentIndex(index)
            self.place_field.setText(last.place_name)
        self.banner.clear()

    def showEvent(self, event) -> None:  # noqa: N802
        super().showEvent(event)
        self.place_field.setFocus()

    def _on_start_clicked(self) -> None:
        place = " ".join(self.place_field.text().split())
        if len(place) < 3:
            self.banner.show_message("error", tr("Nama tempat layanan belum diisi."),
                                     tr("Tulis nama tempat, mis. \u201cKantor Lurah Lubuk Buaya\u201d."))
            self.place_field.setFocus()
            return
        if LONG_NUMBER.search(place):  # a NIK typed or scanned into the wrong field
            self.banner.show_message(
                "error", tr("Nama tempat layanan berisi deretan angka, seperti NIK atau nomor telepon."),
                tr("Hapus angkanya dan tulis nama tempat, mis. \u201cKantor Lurah Lubuk Buaya\u201d. NIK warga "
                   "diisi nanti, setelah menekan \u201cLayani warga baru\u201d."))
            self.place_field.selectAll()  # the next keystrokes replace it
            self.place_field.setFocus()
            return
        stand = Stand(place, self.kelurahan_box.currentData(), self.kelurahan_box.currentText())
        self._store.set_stand(self._store.clock().date(), stand)
        self.stand_chosen.emit(stand)
