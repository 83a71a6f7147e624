"""Sync in its own thread: a worker with its own SQLite connection runs one uploader pass every
minute (sooner when a retry falls due) or when the officer asks, and reports by a signal."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QMetaObject, QObject, Qt, QThread, QTimer, Signal, Slot

from kiosk.database import Database
from kiosk.device_keys import DeviceKeys
from kiosk.errors import KioskError
from kiosk.paths import database_path
from kiosk.store import now_local
from kiosk.sync.errors import NotEnrolled
from kiosk.sync.uploader import SyncReport, open_uploader

DEFAULT_INTERVAL_SECONDS = 60
MIN_INTERVAL_SECONDS = 5


@dataclass(frozen=True)
class SyncOutcome:
    """One pass as the GUI sees it; ``report`` is None when the kiosk is not enrolled."""

    manual: bool
    enrolled: bool
    report: SyncReport | None
    error: KioskError | None


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
        """In the worker thread: open this thread's own connection and start the timer."""
        self._database = Database(database_path(self._data_dir))
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._on_timer_timeout)
        self._timer.start(MIN_INTERVAL_SECONDS * 1000)  # a first pass soon after start

    @Slot(bool)
    def run_pass(self, manual: bool) -> None:
        if self._database is None:
            return
        try:
            uploader = open_uploader(self._database, self._keys)
        except NotEnrolled as error:
            self.sync_finished.emit(SyncOutcome(manual, False, None, error))
            self._schedule(None)
            return
        try:
            report = uploader.run_once()
        finally:
            uploader.client.close()  # no idle sockets left open between passes
        self.sync_finished.emit(SyncOutcome(manual, True, report, report.error))
        self._schedule(report.next_attempt_at)

    @Slot()
    def end(self) -> None:
        if self._timer is not None:
            self._timer.stop()
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
