"""No fault far from the desk costs the citizen at the desk: a sync pass that raises (a broken
settings.toml, a locked database) is reported and tried again while the officer keeps typing; a
seal that meets a locked database says "Coba lagi" and keeps the draft; a bug in the flow sends
the desk home with the citizen kept to resume; crash reports stay at the newest 50."""

from __future__ import annotations

import socket
import sqlite3
import sys
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QObject, Qt, Slot
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kiosk.camera.frame_source import FrameListSource
from kiosk.camera.qr_reader import make_qr_reader
from kiosk.paths import database_path, logs_dir
from kiosk.regions import RegionTable
from kiosk.settings import settings_path
from kiosk.sync import sync_settings
from kiosk.sync.signing import public_key_b64
from kiosk.ui import app as app_module
from kiosk.ui.app import shared_face_analyzer
from kiosk.ui.camera_thread import CameraThread
from kiosk.ui.crash_guard import KEEP_REPORTS, CrashGuard
from kiosk.ui.main_window import MainWindow
from kiosk.ui.sync_worker import SyncOutcome, SyncService

NIK, EMAIL, PHONE = "1371115708900001", "siti.rahma@example.com", "081234567890"
PASS_WAIT_MS = 30_000  # the first pass starts 5 s after the worker; a locked database waits 5 s more


def closed_port() -> int:
    """A loopback port nobody listens on: the gateway is simply unreachable (offline)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def enroll_offline(store) -> None:
    """Enrolled to a gateway that is not there, so every pass runs to its end, offline."""
    key = public_key_b64(Ed25519PrivateKey.generate().public_key())
    store.set_setting(sync_settings.SERVER_URL, f"http://127.0.0.1:{closed_port()}")
    store.set_setting(sync_settings.SERVER_PUBLIC_KEY, key)


@pytest.fixture
def exclusive_lock(data_dir) -> Iterator[sqlite3.Connection]:
    """Another process holding the kiosk's database: ``BEGIN EXCLUSIVE`` on the real file;
    ``.rollback()`` lets go."""
    holder = sqlite3.connect(database_path(data_dir), isolation_level=None)
    yield holder
    if holder.in_transaction:
        holder.rollback()
    holder.close()


def hold(connection: sqlite3.Connection) -> None:
    connection.execute("BEGIN EXCLUSIVE")


@pytest.fixture
def desk_with_sync(make_desk, store, data_dir, show_window, face_frames):
    """An officer at a window whose sync worker passes every second once started (not yet)."""
    sync = SyncService(data_dir, store.keys, interval_seconds=1)
    camera = lambda: CameraThread(lambda: FrameListSource(face_frames, loop=True),  # noqa: E731
                                  make_qr_reader("zxing"), shared_face_analyzer())
    window = show_window(MainWindow(store, RegionTable.load(), camera, sync=sync))
    return make_desk(window=window), sync


def type_first_steps(desk) -> None:
    """The officer is in the middle of a citizen: NIK done, the email typed, the phone not yet."""
    desk.start_citizen()
    desk.type(NIK)
    desk.next_step(desk.flow.contact)
    desk.type(EMAIL)


class Outcomes(QObject):
    """Every pass the worker reports, received in the GUI thread as the main window receives
    them (``qtbot.waitSignal`` would run its slot in the worker's thread)."""

    def __init__(self, sync: SyncService) -> None:
        super().__init__()
        self.seen: list[SyncOutcome] = []
        sync.worker.sync_finished.connect(self._on_worker_sync_finished)

    @Slot(object)
    def _on_worker_sync_finished(self, outcome: SyncOutcome) -> None:
        self.seen.append(outcome)

    def next(self, qtbot) -> SyncOutcome:
        count = len(self.seen)
        qtbot.waitUntil(lambda: len(self.seen) > count, timeout=PASS_WAIT_MS)
        return self.seen[count]


# -- a sync pass that raises ------------------------------------------------------------------
@pytest.mark.parametrize("fault", ["broken settings.toml", "locked database"])
def test_a_failing_sync_pass_is_shown_and_tried_again_while_the_draft_stays(
        desk_with_sync, store, data_dir, exclusive_lock, fault: str) -> None:
    desk, sync = desk_with_sync
    desk.open_for_service()
    enroll_offline(store)
    type_first_steps(desk)
    if fault == "broken settings.toml":
        settings_path(data_dir).write_text("retention_days = [\n", encoding="utf-8")
    else:
        hold(exclusive_lock)

    outcomes = Outcomes(sync)
    sync.start()  # the first pass comes from the worker's own timer, as on a real day
    failed = outcomes.next(desk.qtbot)
    assert failed.failed_at is not None and failed.report is None and not failed.manual
    assert ("pengaturan" if fault == "broken settings.toml" else "akan dicoba lagi") in failed.error.message
    status = desk.window.status.last_sync_label
    desk.qtbot.waitUntil(lambda: "Sinkron gagal" in status.text())
    assert "dicoba lagi" in status.text() and status.toolTip() == failed.error.message

    # The officer noticed nothing but the badge: same step, same text, no crash box.
    assert desk.page is desk.flow and desk.step() is desk.flow.contact
    assert desk.flow.draft.nik == NIK and desk.flow.contact.email_field.text() == EMAIL
    assert desk.window.crash_box is None

    if fault == "broken settings.toml":
        settings_path(data_dir).unlink()
    else:
        exclusive_lock.rollback()
    again = outcomes.next(desk.qtbot)  # nobody asked: the timer was armed again
    assert again.failed_at is None and again.report is not None and again.report.finished_at is not None
    desk.qtbot.waitUntil(lambda: "Sinkron gagal" in status.text() and "dicoba lagi" not in status.text())

    desk.tab(desk.flow.contact.phone_field)  # and the citizen goes on
    desk.type(PHONE)
    desk.next_step(desk.flow.consent)


def test_a_manual_sync_that_fails_says_why_on_home(desk_with_sync, store, data_dir) -> None:
    desk, sync = desk_with_sync
    desk.open_for_service()
    enroll_offline(store)
    settings_path(data_dir).write_text("retention_days = [\n", encoding="utf-8")
    outcomes = Outcomes(sync)
    sync.start()
    home = desk.window.home_screen
    desk.qtbot.mouseClick(home.sync_button, Qt.MouseButton.LeftButton)
    assert outcomes.next(desk.qtbot).manual  # it ran at once, before the worker's own first pass
    desk.qtbot.waitUntil(lambda: home.sync_banner.kind() == "error")
    assert str(settings_path(data_dir)) in home.sync_banner.message_text()
    assert "hapus" in home.sync_banner.next_step_text()


# -- seal against a locked database ----------------------------------------------------------
def test_simpan_on_a_locked_database_says_coba_lagi_and_works_once_it_is_free(
        serving, exclusive_lock, data_dir) -> None:
    desk = serving
    flow = desk.flow
    desk.to_activation_step(NIK, EMAIL, PHONE)

    hold(exclusive_lock)
    desk.enter()  # Simpan: waits out the busy timeout, then says so
    assert desk.step() is flow.activation
    banner = flow.activation.banner
    assert banner.kind() == "error" and "sibuk" in banner.message_text()
    assert "belum tersimpan" in banner.message_text() and banner.next_step_text().startswith("Coba lagi")
    assert flow.draft.nik == NIK and flow.draft.email == EMAIL and flow.draft.photo_jpeg

    exclusive_lock.rollback()
    desk.next_step(flow.saved)  # Simpan again
    with sqlite3.connect(database_path(data_dir)) as independent:
        rows = independent.execute("SELECT record_id, state FROM records").fetchall()
    assert rows == [(flow.draft.record_id, "queued")]


# -- a bug in the flow -----------------------------------------------------------------------
@pytest.fixture
def guarded(serving, data_dir, monkeypatch):
    """The desk with CrashGuard as ``sys.excepthook``, as the real kiosk runs."""
    guard = CrashGuard(data_dir, serving.window)
    guard.crashed.connect(serving.window.recover_from_crash)
    monkeypatch.setattr(sys, "excepthook", guard.handle)
    return serving


def fail_once(monkeypatch, target, name: str) -> None:
    """``target.name`` raises a bug the first time it is called, then works as before."""
    original = getattr(target, name)

    def buggy(*args, **kwargs):
        monkeypatch.setattr(target, name, original)
        raise RuntimeError(f"simulated bug in {name}")

    monkeypatch.setattr(target, name, buggy)


def crash_on_enter(desk, monkeypatch, target, name: str) -> None:
    """Enter runs into a bug in ``target.name``: the desk goes home, and the officer closes the
    crash box."""
    fail_once(monkeypatch, target, name)
    desk.enter()
    desk.qtbot.waitUntil(lambda: desk.page is desk.window.home_screen, timeout=3000)
    desk.qtbot.waitUntil(lambda: desk.window.crash_box is not None and desk.window.crash_box.isVisible())
    desk.window.crash_box.close()


@pytest.mark.qt_no_exception_capture
def test_a_bug_mid_citizen_offers_to_resume_on_the_same_step(guarded, monkeypatch) -> None:
    desk = guarded
    flow, home = desk.flow, desk.window.home_screen
    desk.type(NIK)
    desk.next_step(flow.contact)
    desk.fill_contact(EMAIL, PHONE)
    crash_on_enter(desk, monkeypatch, flow.contact, "commit")
    assert home.resume_offer.isVisible()
    assert "137111********01" in home.resume_detail.text() and flow.contact.step_title in home.resume_detail.text()
    assert "Lanjutkan" in home.sync_banner.next_step_text()
    desk.qtbot.waitUntil(lambda: not desk.camera_running(), timeout=3000)

    desk.qtbot.keyClick(home.resume_button, Qt.Key.Key_F2)  # a new citizen out of habit: asked first
    assert desk.page is home and home.resume_offer.isVisible()
    assert home.sync_banner.kind() == "warning" and "F2 sekali lagi" in home.sync_banner.next_step_text()

    desk.qtbot.mouseClick(home.resume_button, Qt.MouseButton.LeftButton)  # "Lanjutkan"
    assert desk.page is flow and desk.step() is flow.contact
    assert flow.draft.nik == NIK
    assert (flow.contact.email_field.text(), flow.contact.phone_field.text()) == (EMAIL, PHONE)
    desk.qtbot.waitUntil(desk.camera_running, timeout=3000)
    assert not home.resume_offer.isVisibleTo(home)
    assert desk.focused() is flow.contact.phone_field  # where the officer's hands were
    desk.next_step(flow.consent)  # the same citizen goes on


@pytest.mark.qt_no_exception_capture
def test_discarding_the_offer_drops_the_citizen(guarded, monkeypatch) -> None:
    desk = guarded
    flow, home = desk.flow, desk.window.home_screen
    desk.type(NIK)
    crash_on_enter(desk, monkeypatch, flow.identify, "commit")
    assert home.resume_offer.isVisible()

    desk.qtbot.mouseClick(home.discard_button, Qt.MouseButton.LeftButton)
    assert not home.resume_offer.isVisibleTo(home)
    assert flow.identify.nik_field.text() == "" and flow.draft.nik == ""
    desk.start_citizen()  # one F2 now: nothing is kept that it could drop
    assert flow.identify.nik_field.text() == ""


@pytest.mark.qt_no_exception_capture
def test_two_presses_of_f2_serve_a_new_citizen_instead(guarded, monkeypatch) -> None:
    desk = guarded
    flow, home = desk.flow, desk.window.home_screen
    desk.type(NIK)
    crash_on_enter(desk, monkeypatch, flow.identify, "commit")
    desk.qtbot.keyClick(home.resume_button, Qt.Key.Key_F2)
    assert desk.page is home
    desk.qtbot.keyClick(home.resume_button, Qt.Key.Key_F2)
    assert desk.page is flow and desk.step() is flow.identify
    assert flow.identify.nik_field.text() == "" and not home.resume_offer.isVisibleTo(home)


@pytest.mark.qt_no_exception_capture
def test_a_record_sealed_before_the_bug_is_never_offered_again(guarded, monkeypatch, data_dir) -> None:
    desk = guarded
    flow, home = desk.flow, desk.window.home_screen
    desk.to_activation_step(NIK, EMAIL, PHONE)
    crash_on_enter(desk, monkeypatch, flow.saved, "show_record")  # the record commits, then the screen fails
    assert not home.resume_offer.isVisibleTo(home)
    assert "tidak perlu dilayani lagi" in home.sync_banner.next_step_text()
    with sqlite3.connect(database_path(data_dir)) as independent:
        assert independent.execute("SELECT COUNT(*) FROM records").fetchone()[0] == 1
    assert home.queue.rowCount() == 1  # the officer sees the citizen is done


# -- crash reports ---------------------------------------------------------------------------
def test_sixty_crashes_leave_the_newest_fifty_reports(qtbot, data_dir) -> None:
    guard = CrashGuard(data_dir)
    codes: list[str] = []
    guard.crashed.connect(codes.append)
    for n in range(60):
        try:
            raise RuntimeError(f"crash number {n}")
        except RuntimeError as error:
            guard.handle(type(error), error, error.__traceback__)

    assert len(set(codes)) == 60  # a burst in one second overwrote nothing
    kept = sorted(path.name for path in logs_dir(data_dir).glob("crash-*.txt"))
    assert len(kept) == KEEP_REPORTS == 50
    assert kept == sorted(f"crash-{code}.txt" for code in codes[-50:])
    newest = logs_dir(data_dir) / f"crash-{codes[-1]}.txt"
    assert "crash number 59" in newest.read_text(encoding="utf-8")


# -- timers ----------------------------------------------------------------------------------
@pytest.mark.qt_no_exception_capture
def test_a_daily_backup_that_raises_leaves_the_citizen_on_screen(guarded, monkeypatch, data_dir, caplog) -> None:
    desk = guarded
    desk.type(NIK)
    desk.next_step(desk.flow.contact)
    desk.type(EMAIL)
    monkeypatch.setattr(app_module, "backup_database", lambda *_: (_ for _ in ()).throw(ValueError("odd")))
    with caplog.at_level("WARNING", logger=app_module.log.name):
        timer = app_module.start_daily_backup(desk.window, data_dir)
        desk.qtbot.waitUntil(lambda: "daily backup failed: ValueError" in caplog.text, timeout=3000)
    assert timer.isActive()  # the hourly check goes on
    assert desk.window.crash_box is None and not list(logs_dir(data_dir).glob("crash-*.txt"))
    assert desk.step() is desk.flow.contact and desk.flow.contact.email_field.text() == EMAIL
