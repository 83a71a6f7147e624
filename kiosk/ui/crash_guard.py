"""What happens when a screen raises an exception nobody caught: the traceback goes to the log
(types and code lines, never the values of variables; the log redacts anything personal), a
short crash report is written for support, and the main window is told to go back to safety.
Sealed records are in SQLite and untouched; only the screen's unsaved state is lost.

Exceptions raised in another thread (the camera, sync) reach the GUI thread through a queued
signal, so recovery always runs where the widgets live."""

from __future__ import annotations

import datetime as dt
import logging
import traceback
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from kiosk.logs import redact
from kiosk.paths import logs_dir

log = logging.getLogger("kiosk.crash")


class CrashGuard(QObject):
    crashed = Signal(str)  # the crash code support asks for, e.g. "20261128-103015"

    def __init__(self, data_dir: Path, parent=None) -> None:
        super().__init__(parent)
        self._folder = logs_dir(data_dir)

    def handle(self, exc_type, exc, tb) -> None:
        """A ``sys.excepthook``: never raises, whatever went wrong."""
        code = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        try:
            text = redact("".join(traceback.format_exception(exc_type, exc, tb)))
            log.error("unhandled %s (crash %s)\n%s", exc_type.__name__, code, text)
            self._folder.mkdir(parents=True, exist_ok=True)
            (self._folder / f"crash-{code}.txt").write_text(text, encoding="utf-8")
        except Exception:  # noqa: BLE001 - the hook must not fail while reporting a failure
            pass
        self.crashed.emit(code)
