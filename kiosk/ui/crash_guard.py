"""What happens when a screen raises an exception nobody caught: the traceback goes to the log
(types and code lines, never the values of variables; the log redacts anything personal), a
short crash report is written for support, and the main window is told to go back to safety.
Sealed records are in SQLite and untouched; the citizen being served is kept to resume.

Exceptions raised in another thread (the camera) reach the GUI thread through a queued
signal, so recovery always runs where the widgets live. Only the newest ``KEEP_REPORTS`` crash
reports are kept: a kiosk that crashes in a loop must not fill its disk."""

from __future__ import annotations

import datetime as dt
import logging
import traceback
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from kiosk.logs import redact
from kiosk.paths import logs_dir

log = logging.getLogger("kiosk.crash")
KEEP_REPORTS = 50


def redacted_traceback(exc: BaseException) -> str:
    """The traceback as support needs it, with anything that looks personal blanked."""
    return redact("".join(traceback.format_exception(type(exc), exc, exc.__traceback__)))


class CrashGuard(QObject):
    crashed = Signal(str)  # the crash code support asks for, e.g. "20261128-103015" (or "-2", "-3"...)

    def __init__(self, data_dir: Path, parent=None) -> None:
        super().__init__(parent)
        self._folder = logs_dir(data_dir)

    def handle(self, exc_type, exc, tb) -> None:
        """A ``sys.excepthook``: never raises, whatever went wrong."""
        code = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        try:
            text = redact("".join(traceback.format_exception(exc_type, exc, tb)))
            self._folder.mkdir(parents=True, exist_ok=True)
            code = write_report(self._folder, code, text)
            log.error("unhandled %s (crash %s)\n%s", exc_type.__name__, code, text)
            prune_reports(self._folder)
        except Exception:  # noqa: BLE001 - the hook must not fail while reporting a failure
            pass
        self.crashed.emit(code)


def write_report(folder: Path, code: str, text: str) -> str:
    """``crash-<code>.txt``, never over an earlier report: a burst of crashes in one second gets
    ``<code>-2``, ``<code>-3``... (numbered past any report of that second still kept, so a code
    is never reused after pruning); returns the code actually used."""
    first = 1 + max((_report_order(path)[2] for path in folder.glob(f"crash-{code}*.txt")), default=0)
    for number in range(first, first + 1000):
        unique = code if number == 1 else f"{code}-{number}"
        try:
            with open(folder / f"crash-{unique}.txt", "x", encoding="utf-8") as report:
                report.write(text)
            return unique
        except FileExistsError:  # another kiosk process crashed in the same second
            continue
    raise FileExistsError(code)


def _report_order(path: Path) -> tuple[str, str, int]:
    day, _, rest = path.stem.removeprefix("crash-").partition("-")
    time, _, number = rest.partition("-")
    return day, time, int(number) if number.isdigit() else 1


def prune_reports(folder: Path, keep: int = KEEP_REPORTS) -> None:
    """Delete all but the newest ``keep`` crash reports (by the time in their name)."""
    reports = sorted(folder.glob("crash-*.txt"), key=_report_order)
    for old in reports[:max(0, len(reports) - keep)]:
        old.unlink(missing_ok=True)
