"""The kiosk's settings, for the supervisor: each one with its range, saved to settings.toml and
audited (which keys changed, never values that could hold personal data). Most take effect at
once; the camera and the language on the next start."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtGui import QIntValidator
from PySide6.QtWidgets import QComboBox, QFormLayout, QLineEdit, QVBoxLayout, QWidget

from kiosk.camera.qr_reader import pyzbar_available
from kiosk.errors import KioskError
from kiosk.i18n import tr
from kiosk.settings import KioskSettings, changed_keys, parse_settings, save_settings
from kiosk.store import Store
from kiosk.ui.camera_thread import CameraThread
from kiosk.ui.screens.common import button, hint
from kiosk.ui.screens.enrol_panel import EnrolPanel
from kiosk.ui.widgets.banner import Banner

NEEDS_RESTART = frozenset({"language", "camera_index", "qr_reader"})


def _number_field(field: str) -> QLineEdit:
    """A whole number typed in; its range is checked with the rest of the settings on save."""
    info = KioskSettings.model_fields[field]
    low = next(m.ge for m in info.metadata if hasattr(m, "ge"))
    high = next(m.le for m in info.metadata if hasattr(m, "le"))
    edit = QLineEdit()
    edit.setValidator(QIntValidator(0, high))
    edit.setPlaceholderText(f"{low}–{high}")
    return edit


def _number(edit: QLineEdit) -> int | str:
    text = edit.text().strip()
    return int(text) if text.isdigit() else text  # an empty field is refused by the settings check


def _number_choices(values: tuple[int, ...], label) -> QComboBox:
    """Big touch targets for the few values that make sense; ``label(n)`` words each one."""
    box = QComboBox()
    for value in values:
        box.addItem(label(value), value)
    return box


def _select(box: QComboBox, value) -> None:
    index = box.findData(value)
    if index < 0:  # a value typed into settings.toml by hand: shown as it is
        box.addItem(str(value), value)
        index = box.count() - 1
    box.setCurrentIndex(index)


def _choices(pairs: list[tuple[str, str]]) -> QComboBox:
    box = QComboBox()
    for value, label in pairs:
        box.addItem(label, value)
    return box


def _camera_words(index: int) -> str:
    if index == 0:
        return tr("Kamera 1 (bawaan)")
    if index == 1:
        return tr("Kamera 2 (USB)")
    return tr("Kamera {n}", n=index + 1)


class SettingsPanel(QWidget):
    settings_saved = Signal(object)  # KioskSettings

    def __init__(self, store: Store, data_dir: Path, make_camera: Callable[[], CameraThread] | None = None,
                 parent=None) -> None:
        super().__init__(parent)
        self._store = store
        self._data_dir = data_dir
        self.supervisor_id: int | None = None
        self.current = KioskSettings()
        self.idle_box = _number_choices((1, 2, 3, 5, 10, 15, 30), lambda n: tr("{n} menit", n=n))
        self.retention_box = _number_choices((0, 1, 3, 7, 14, 30, 60, 90),
                                             lambda n: tr("{n} hari", n=n) if n else tr("sampai sinkron berikutnya"))
        self.disk_box = _number_field("min_free_disk_mb")
        self.camera_box = _number_choices(tuple(range(4)), _camera_words)
        self.language_box = _choices([("id", "Bahasa Indonesia"), ("en", "English")])
        self.paper_box = _choices([("a6", tr("A6 (kertas kecil)")), ("a4", "A4"),
                                   ("thermal80", tr("Thermal 80 mm")), ("thermal58", tr("Thermal 58 mm"))])
        readers = [("zxing", tr("Utama (disarankan)"))]
        if pyzbar_available():  # offered only where it loads
            readers.append(("pyzbar", tr("Cadangan (zbar)")))
        self.qr_box = _choices(readers)
        self.save_button = button(tr("Simpan pengaturan"), primary=True)
        self.save_button.clicked.connect(lambda: self.save())
        self.banner = Banner()
        desk, device = QFormLayout(), QFormLayout()
        desk.addRow(tr("Kunci layar bila tidak dipakai"), self.idle_box)
        desk.addRow(tr("Simpan foto setelah keputusan"), self.retention_box)
        desk.addRow(tr("Kertas tanda terima"), self.paper_box)
        desk.addRow(tr("Bahasa"), self.language_box)
        device.addRow(tr("Ruang disk minimum (MB)"), self.disk_box)
        device.addRow(tr("Kamera"), self.camera_box)
        device.addRow(tr("Pembaca QR"), self.qr_box)
        columns = QVBoxLayout()  # one column: side by side they scrolled sideways up to 1366 px
        columns.addLayout(desk, 1)
        columns.addSpacing(24)
        columns.addLayout(device, 1)
        for box in (self.idle_box, self.retention_box, self.paper_box, self.language_box, self.camera_box,
                    self.qr_box):  # long choices must not widen the tab past a 1024-px screen
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            box.setMinimumContentsLength(14)
        settings_column = QVBoxLayout()
        settings_column.addLayout(columns)
        settings_column.addWidget(hint(tr("Pembaca cadangan hanya untuk komputer yang sulit membaca QR dengan "
                                          "pembaca utama; ia lebih lambat.")))
        settings_column.addWidget(hint(tr("Bahasa, kamera dan pembaca QR berlaku setelah aplikasi dibuka ulang; "
                                          "yang lain langsung berlaku.")))
        settings_column.addWidget(self.save_button)
        settings_column.addWidget(self.banner)
        # Below the settings, not beside them: at 1024 px and 125 % scaling only one column fits.
        self.enrol_panel = EnrolPanel(store, make_camera)
        layout = QVBoxLayout(self)
        layout.addLayout(settings_column)
        layout.addSpacing(16)
        layout.addWidget(self.enrol_panel)
        layout.addStretch(1)

    def show_settings(self, settings: KioskSettings, supervisor_id: int) -> None:
        self.current, self.supervisor_id = settings, supervisor_id
        self.disk_box.setText(str(settings.min_free_disk_mb))
        for box, value in ((self.idle_box, settings.idle_lock_minutes), (self.retention_box, settings.retention_days),
                           (self.language_box, settings.language), (self.paper_box, settings.slip_paper),
                           (self.qr_box, settings.qr_reader), (self.camera_box, settings.camera_index)):
            _select(box, value)
        self.banner.clear()

    def chosen(self) -> dict:
        return {"language": self.language_box.currentData(), "idle_lock_minutes": self.idle_box.currentData(),
                "retention_days": self.retention_box.currentData(), "camera_index": self.camera_box.currentData(),
                "qr_reader": self.qr_box.currentData(), "slip_paper": self.paper_box.currentData(),
                "min_free_disk_mb": _number(self.disk_box)}

    def save(self) -> KioskSettings | None:
        try:
            self._store.officers.require_supervisor(self.supervisor_id)
            new = parse_settings(self.chosen())
            keys = changed_keys(self.current, new)
            if not keys:
                self.banner.show_message("info", tr("Tidak ada yang berubah."))
                return self.current
            save_settings(self._data_dir, new)
        except KioskError as error:
            self.banner.show_error(error)
            return None
        except OSError as error:
            self.banner.show_message("error", tr("Pengaturan tidak bisa disimpan: {reason}",
                                                 reason=error.strerror or type(error).__name__),
                                     tr("Periksa ruang disk dan izin folder data."))
            return None
        self._store.note_settings_changed(keys, self.supervisor_id)
        self.current = new
        later = sorted(NEEDS_RESTART.intersection(keys))
        self.banner.show_message("success", tr("Pengaturan disimpan: {keys}.", keys=", ".join(keys)),
                                 tr("Buka ulang aplikasi agar {keys} berlaku.", keys=", ".join(later)) if later
                                 else tr("Sudah berlaku sekarang."))
        self.settings_saved.emit(new)
        return new
