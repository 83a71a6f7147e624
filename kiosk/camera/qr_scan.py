"""What one look at a camera frame found: every QR text read, and a hint when a code was seen
but not read (too small: "move the phone closer"; blurred or cut: "hold it still")."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from kiosk.i18n import tr


class QrHint(Enum):
    """Why a code that was seen could not be read, as the officer can fix it."""

    MOVE_CLOSER = "move_closer"  # its modules are too small for this camera
    HOLD_STILL = "hold_still"  # big enough, but blurred, glared or moving

    def text(self) -> str:
        if self is QrHint.MOVE_CLOSER:
            return tr("Dekatkan ponsel atau slip ke kamera.")
        return tr("Tahan ponsel sebentar, jangan bergerak.")


@dataclass(frozen=True)
class QrScan:
    """The texts read from one frame (each once, in reading order) and, when a code was seen
    but not read, what would help."""

    texts: list[str] = field(default_factory=list)
    hint: QrHint | None = None
