"""Consent: the purpose and how long the photo is kept, read to or by the citizen, then agreed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtWidgets import QCheckBox, QLabel, QVBoxLayout

from kiosk.consent import DEFAULT_PHOTO_RETENTION_DAYS, consent_text, consent_version
from kiosk.i18n import tr
from kiosk.record import CitizenDraft, Consent
from kiosk.ui.screens.common import title
from kiosk.ui.screens.flow_step import FlowStep


class ConsentStep(FlowStep):
    def __init__(self, clock: Callable[[], dt.datetime], parent=None) -> None:
        super().__init__(parent)
        self.step_title = tr("Persetujuan")
        self._clock = clock
        self.retention_days = DEFAULT_PHOTO_RETENTION_DAYS
        self.text = text = QLabel()
        text.setWordWrap(True)
        text.setObjectName("card")
        text.setStyleSheet("padding: 18px; font-size: 16pt;")
        self.agree_box = QCheckBox(tr("Warga sudah membaca atau dibacakan, dan setuju."))
        self.version = version = QLabel()
        version.setObjectName("hint")
        self.set_retention_days(self.retention_days)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(40, 20, 40, 20)
        layout.addWidget(title(tr("Persetujuan pemrosesan data pribadi")))
        layout.addWidget(text)
        layout.addWidget(self.agree_box)
        layout.addWidget(version)
        layout.addWidget(self.banner)
        layout.addStretch(1)

    def set_retention_days(self, days: int) -> None:
        """The retention setting changed: the citizen reads the new number, the record stores it."""
        self.retention_days = days
        self.text.setText(consent_text(days))
        self.version.setText(tr("Versi naskah: {version}", version=consent_version(days)))

    def enter(self, draft: CitizenDraft) -> None:
        self.agree_box.setChecked(draft.consent is not None)
        self.agree_box.setFocus()

    def commit(self, draft: CitizenDraft) -> bool:
        if not self.agree_box.isChecked():
            draft.consent = None
            self.banner.show_message("error", tr("Persetujuan warga belum dicentang."),
                                     tr("Bacakan naskah di atas; bila warga setuju, centang kotaknya."))
            return False
        self.banner.clear()
        if draft.consent is None:
            draft.consent = Consent(consent_version(self.retention_days), self._clock())
        return True

    def reset(self) -> None:
        self.agree_box.setChecked(False)
        self.banner.clear()
