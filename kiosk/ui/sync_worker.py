"""Sync in its own thread: a worker with its own SQLite connection runs one uploader pass every
minute (sooner when a retry falls due) or when the officer asks, and reports by a signal."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QMetaObject, QObject, Qt, QThread, QTimer, Signal, Slot

from kiosk.database import Database
from kiosk.device_keys import DeviceKeys
from kiosk.errors import KioskError
from kiosk.i18n import tr
from kiosk.logs import redact
from kiosk.paths import database_path
from kiosk.store import now_local
from kiosk.sync.errors import NotEnrolled
from kiosk.sync.uploader import SyncReport, open_uploader
from kiosk.ui.crash_guard import redacted_traceback

log = logging.getLogger("kiosk.sync")

DEFAULT_INTERVAL_SECONDS = 60
MIN_INTERVAL_SECONDS = 5


@dataclass(frozen=True)
class SyncOutcome:
    """One pass as the GUI sees it; ``report`` is None when the kiosk is not enrolled or the pass
    stopped on a fault (then ``failed_at`` says when)."""

    manual: bool
    enrolled: bool
    report: SyncReport | None
    error: KioskError | None
    failed_at: dt.datetime | None = None  # set when the pass stopped with no report (a fault)


def pass_fault(exc: Exception, retry_ms: int) -> KioskError:
    """An unexpected fault in a pass, as the officer reads it; the details are in the log."""
    return KioskError(
        tr("Sinkronisasi gagal karena kesalahan di kios ({kind}); akan dicoba lagi.", kind=type(exc).__name__),
        tr("Data warga aman dan pelayanan bisa jalan terus. Kios mencoba lagi dalam {minutes} menit; bila "
           "terus gagal, hubungi dukungan teknis.", minutes=max(1, round(retry_ms / 60_000))))


class SyncWorker(QObject):
    sync_finished = Signal(object)  # SyncOutcome

    def __init__(self, data_dir: Path, keys: DeviceKeys, interval_seconds: int = DEFAULT_INTERVAL_SECONDS) -> None:
        super().__init__()
        self._data_dir = data_dir
        self._keys = keys
        self._interval_ms = interval_seconds * 1000
        self._database: Database | None = None
        self._timer: QTimer | None = None

    @Slot()
    def begin(self) -> None:
        """In the worker thread: start the timer. The connection is opened by the first pass, so
        a database that cannot be opened yet is one failed pass, tried again, not a dead worker."""
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._on_timer_timeout)
        self._timer.start(MIN_INTERVAL_SECONDS * 1000)  # a first pass soon after start

    @Slot(bool)
    def run_pass(self, manual: bool) -> None:
        """One pass. Whatever it raises stays here: logged, reported by ``sync_finished``, and the
        timer is armed again, so a bad settings file or a locked database only delays sync."""
        if self._timer is None:
            return  # not begun, or ended: a request still queued finds nothing to do
        next_attempt_at = None
        try:
            outcome = self._pass(manual)
            next_attempt_at = outcome.report.next_attempt_at if outcome.report else None
        except KioskError as error:  # e.g. a malformed settings.toml, read on every pass
            log.warning("sync pass stopped (%s): %s", type(error).__name__, redact(error.message))
            outcome = SyncOutcome(manual, True, None, error, failed_at=now_local())
        except Exception as exc:  # noqa: BLE001 - a worker's boundary: nothing may reach sys.excepthook
            log.error("sync pass failed (%s)\n%s", type(exc).__name__, redacted_traceback(exc))
            outcome = SyncOutcome(manual, True, None, pass_fault(exc, self._interval_ms), failed_at=now_local())
        finally:
            self._schedule(next_attempt_at)
        self.sync_finished.emit(outcome)

    def _pass(self, manual: bool) -> SyncOutcome:
        if self._database is None:
            self._database = Database(database_path(self._data_dir))  # this thread's own connection
        try:
            uploader = open_uploader(self._database, self._keys)
        except NotEnrolled as error:
            return SyncOutcome(manual, False, None, error)
        try:
            report = uploader.run_once()
        finally:
            uploader.client.close()  # no idle sockets left open between passes
        return SyncOutcome(manual, True, report, report.error)

    @Slot()
    def end(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if self._database is not None:
            self._database.close()
            self._database = None

    def _on_timer_timeout(self) -> None:
        self.run_pass(False)

    def _schedule(self, next_attempt_at: dt.datetime | None) -> None:
        delay = self._interval_ms
        if next_attempt_at is not None:
            due_ms = int((next_attempt_at - now_local()).total_seconds() * 1000)
            delay = max(MIN_INTERVAL_SECONDS * 1000, min(delay, due_ms))
        if self._timer is not None:
            self._timer.start(delay)


class SyncService(QObject):
    """Owns the worker's thread; ``request`` asks for a pass, ``shutdown`` stops it cleanly."""

    pass_requested = Signal(bool)

    def __init__(self, data_dir: Path, keys: DeviceKeys, interval_seconds: int = DEFAULT_INTERVAL_SECONDS) -> None:
        super().__init__()
        self.thread = QThread()
        self.worker = SyncWorker(data_dir, keys, interval_seconds)
        self.worker.moveToThread(self.thread)
        self.thread.started.connect(self.worker.begin)
        self.pass_requested.connect(self.worker.run_pass)

    def start(self) -> None:
        self.thread.start()

    def request(self, manual: bool = True) -> None:
        self.pass_requested.emit(manual)

    def shutdown(self) -> None:
        if self.thread.isRunning():
            QMetaObject.invokeMethod(self.worker, "end", Qt.ConnectionType.BlockingQueuedConnection)
            self.thread.quit()
            self.thread.wait()
