"""While the activation step is shown, ask the enrolled gateway every few seconds whether the
citizen's phone scanned one of the QR codes shown for this citizen. The questions run in their own
thread; a failed one (offline, a dead gateway, a hotspot page) is silent and asked again at the next
poll, so the desk never waits on the network."""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass

import httpx
from PySide6.QtCore import QMetaObject, QObject, Qt, QThread, QTimer, Signal, Slot

from kiosk.database import Database
from kiosk.device_keys import DeviceKeys
from kiosk.sync import sync_settings
from kiosk.sync.client import SyncClient
from kiosk.sync.errors import SyncError
from kiosk.sync.protocol import MAX_STATUS_NONCES
from kiosk.sync.signing import public_key_from_b64
from kiosk.ui.crash_guard import redacted_traceback

log = logging.getLogger("kiosk.activation")

POLL_INTERVAL_MS = 2500
# Short: an answer later than the next poll is of no use to the officer, and a shutdown waits for it.
STATUS_TIMEOUT = httpx.Timeout(3.0)


@dataclass(frozen=True)
class ScanSeen:
    """The gateway kept a scan of one of the QR codes shown: activated, pending or nik_mismatch."""

    nonce: str
    result: str
    message: str


@dataclass(frozen=True)
class StatusQuestion:
    """Everything the worker needs, read on the GUI thread (the worker opens no database)."""

    server_url: str
    server_key_b64: str
    clock_offset: float
    nonces: tuple[str, ...]


class StatusWorker(QObject):
    """Lives in the watch's thread: one signed question at a time, one client per gateway."""

    answered = Signal(object)  # list[ScanSeen]; empty when nothing was scanned or the question failed

    def __init__(self, keys: DeviceKeys) -> None:
        super().__init__()
        self._keys = keys
        self._client: SyncClient | None = None
        self._client_for: tuple[str, str] = ("", "")

    @Slot(object)
    def ask(self, question: StatusQuestion) -> None:
        seen: list[ScanSeen] = []
        try:
            reply = self._client_of(question).activation_status(list(question.nonces))
            seen = [ScanSeen(scan.nonce, scan.result, scan.message) for scan in reply.scans]
        except SyncError as error:  # expected: offline, busy, not signed by the gateway; asked again soon
            log.debug("activation status not known (%s)", type(error).__name__)
        except Exception as exc:  # noqa: BLE001 - a worker's boundary: the step keeps working without it
            log.error("activation status failed (%s)\n%s", type(exc).__name__, redacted_traceback(exc))
        self.answered.emit(seen)

    def _client_of(self, question: StatusQuestion) -> SyncClient:
        wanted = (question.server_url, question.server_key_b64)
        if self._client is None or self._client_for != wanted:
            self.end()
            self._client = SyncClient(question.server_url, self._keys, public_key_from_b64(question.server_key_b64),
                                      timeout=STATUS_TIMEOUT)
            self._client_for = wanted
        self._client.clock_offset = question.clock_offset
        return self._client

    @Slot()
    def end(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None


class ActivationWatch(QObject):
    """The step's side: ``follow`` the nonces shown for one citizen, ``stop`` when the step is left.
    ``scan_seen`` comes on the GUI thread; a question is sent only when the last one was answered,
    so a gateway that does not answer never piles questions up."""

    scan_seen = Signal(object)  # ScanSeen
    question_asked = Signal(object)  # StatusQuestion, to the worker

    def __init__(self, database: Database, keys: DeviceKeys, interval_ms: int = POLL_INTERVAL_MS) -> None:
        super().__init__()
        self._database = database
        self._nonces: tuple[str, ...] = ()
        self._waiting = False
        self.thread = QThread()
        self.worker = StatusWorker(keys)
        self.worker.moveToThread(self.thread)
        self.question_asked.connect(self.worker.ask)
        self.worker.answered.connect(self._on_worker_answered)
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._on_timer_timeout)

    def can_confirm(self) -> bool:
        """Whether scans can be confirmed here: the kiosk is enrolled at a gateway."""
        return sync_settings.enrolment(self._database) is not None

    def follow(self, nonces: list[str]) -> bool:
        """Poll for these nonces (the newest kept when there are more than the gateway answers for);
        False, and no polling, when the kiosk is not enrolled."""
        if not self.can_confirm():
            self.stop()
            return False
        self._nonces = tuple(nonces[-MAX_STATUS_NONCES:])
        if not self.thread.isRunning():
            self.thread.start()
        if not self._timer.isActive():
            self._timer.start()
            self._on_timer_timeout()  # the first question now, not in 2.5 s
        return True

    def stop(self) -> None:
        self._timer.stop()
        self._nonces = ()

    def following(self) -> bool:
        return self._timer.isActive()

    def shutdown(self) -> None:
        self.stop()
        if self.thread.isRunning():
            QMetaObject.invokeMethod(self.worker, "end", Qt.ConnectionType.BlockingQueuedConnection)
            self.thread.quit()
            self.thread.wait()

    def _on_timer_timeout(self) -> None:
        if self._waiting or not self._nonces:
            return
        try:
            enrolled = sync_settings.enrolment(self._database)
            offset = sync_settings.clock_offset(self._database)
        except sqlite3.Error as exc:  # a busy database: this poll is skipped, the next one asks
            log.warning("activation status not asked (%s)", type(exc).__name__)
            return
        if enrolled is None:
            return
        self._waiting = True
        self.question_asked.emit(StatusQuestion(enrolled.server_url, enrolled.server_key_b64, offset, self._nonces))

    def _on_worker_answered(self, seen: list[ScanSeen]) -> None:
        self._waiting = False
        if not self.following():
            return  # the step was left (or another citizen began) while the question was out
        for scan in seen:
            if scan.nonce in self._nonces:
                self.scan_seen.emit(scan)
