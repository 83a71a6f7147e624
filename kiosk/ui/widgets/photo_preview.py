"""The photo just taken, as large as the room beside the camera allows: it asks for its usual
height but gives way down to a smaller one on a small screen, and the photo always fills it."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QLabel, QSizePolicy


class PhotoPreview(QLabel):
    def __init__(self, text: str, usual: QSize, smallest: QSize, parent=None) -> None:
        super().__init__(text, parent)
        self._usual = usual
        self._photo = QPixmap()
        self.setObjectName("card")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setMinimumSize(smallest)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)

    def show_photo(self, jpeg: bytes) -> None:
        self._photo = QPixmap()
        self._photo.loadFromData(jpeg, "JPEG")
        self._fit_photo()

    def show_text(self, text: str) -> None:
        self._photo = QPixmap()
        self.clear()
        self.setText(text)

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        # Not the photo's size: a photo scaled to a small screen must not keep the preview small.
        return self._usual

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return self.minimumSize()

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._fit_photo()

    def _fit_photo(self) -> None:
        if not self._photo.isNull():
            self.setPixmap(self._photo.scaled(self.contentsRect().size(), Qt.AspectRatioMode.KeepAspectRatio,
                                              Qt.TransformationMode.SmoothTransformation))
