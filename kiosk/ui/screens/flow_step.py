"""The contract between the citizen flow and each of its steps."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from kiosk.i18n import tr
from kiosk.record import CitizenDraft
from kiosk.ui.camera_thread import CameraMode
from kiosk.ui.widgets.banner import Banner


class FlowStep(QWidget):
    """A step shows part of the draft, checks what the officer typed, and writes it back."""

    step_title = ""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.banner = Banner()
        # Times the step stopped a "Lanjut" to ask the officer something: the second half of a
        # double press right after such a stop must not answer the question.
        self.stops = 0

    def camera_mode(self) -> CameraMode | None:
        """What the camera should do while this step shows; None: the step shows no camera."""
        return None

    def next_label(self) -> str:
        return tr("Lanjut")

    def enter(self, draft: CitizenDraft) -> None:
        """Called each time the step is shown (also when coming back to it)."""

    def leave(self) -> None:
        """Called when the flow moves away from this step."""

    def commit(self, draft: CitizenDraft) -> bool:
        """Check the input; on success write it into ``draft`` and return True."""
        return True
