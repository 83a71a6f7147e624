"""The composition root of the GUI: builds the store, the camera factory and the main window,
and runs the Qt event loop. Nothing else in the kiosk creates long-lived objects."""

from __future__ import annotations

import datetime as dt
import logging
import os
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMainWindow

from kiosk.backup import backup_database
from kiosk.camera.face_analysis import FaceAnalyzer, LazyFaceAnalyzer
from kiosk.camera.frame_source import DeviceSource, VideoFileSource
from kiosk.camera.qr_reader import make_qr_reader
from kiosk.demo_folder import demo_folder_error, is_demo_store, mark_demo_folder
from kiosk.errors import KioskError
from kiosk.i18n import load_language, tr
from kiosk.logs import setup_logging
from kiosk.officers import DEMO_PIN, Role
from kiosk.paths import default_data_dir, resources_dir
from kiosk.regions import RegionTable
from kiosk.settings import KioskSettings, load_settings
from kiosk.secret_store import backend_in_use, use_throwaway_keys
from kiosk.store import Store, open_store
from kiosk.sync.sync_settings import CorrectedClock
from kiosk.ui.activation_watch import ActivationWatch
from kiosk.ui.camera_thread import CameraThread
from kiosk.ui.crash_guard import CrashGuard
from kiosk.ui.main_window import MainWindow
from kiosk.ui.screens.startup_error_screen import StartupErrorScreen
from kiosk.ui.sync_worker import SyncService

log = logging.getLogger(__name__)

DEMO_OFFICER = ("Petugas Demo", "199001012020121001")
DEMO_SEED_RECORDS = 6
READY_ENV = "KIOSK_EXIT_WHEN_READY"  # benchmarks: print the start-up time and quit
EXIT_STARTUP_ERROR = 2  # as the CLI's expected errors: the kiosk could not open its data


def demo_video_path() -> Path:
    return resources_dir() / "demo" / "demo.avi"


def shared_face_analyzer(models: Path | None = None) -> Callable[[], FaceAnalyzer]:
    """The face models load on first use (in the camera thread), once per run of the kiosk, and a
    failure to load is remembered (the face step then offers manual capture); only one camera
    thread runs at a time, so the analyzer is never used by two at once."""
    return LazyFaceAnalyzer(models)


def camera_factory(settings: KioskSettings, demo: bool):
    """A function that makes a new camera thread (each retry opens the source anew)."""
    reader = make_qr_reader(settings.qr_reader)
    index = settings.camera_index
    analyzer = shared_face_analyzer()

    def make_camera() -> CameraThread:
        if demo:
            return CameraThread(lambda: VideoFileSource(demo_video_path(), loop=True), reader, analyzer)
        return CameraThread(lambda: DeviceSource(index), reader, analyzer)

    return make_camera


def prepare_demo(store: Store) -> None:
    """The demo officer (PIN shown on the sign-in screen) and a few records for the queue, in a
    folder marked as a demo folder first (a real kiosk then refuses to open it)."""
    from kiosk.demo_data import make_demo_records

    mark_demo_folder(store)
    store.officers.add(DEMO_OFFICER[0], DEMO_OFFICER[1], DEMO_PIN, Role.SUPERVISOR, demo=True)
    make_demo_records(store, DEMO_SEED_RECORDS, days=1, seed=7)


def load_stylesheet(app: QApplication) -> None:
    style_dir = resources_dir() / "style"
    qss = (style_dir / "kiosk.qss").read_text(encoding="utf-8")
    app.setStyleSheet(qss.replace("{style_dir}", style_dir.as_posix()))


def build_window(data_dir: Path, demo: bool) -> QMainWindow:
    try:
        settings = load_settings(data_dir)
        load_language(settings.language)
        store = open_store(data_dir)
        if demo and not store.officers.any_exists():
            prepare_demo(store)
        elif not demo and is_demo_store(store):
            store.database.close()
            raise demo_folder_error(data_dir)
    except KioskError as error:
        return startup_error_window(error)
    sync = SyncService(data_dir, store.keys)
    sync.start()
    # The activation QR is dated on the clock the kiosk signs its requests with, corrected by the
    # gateway's offset: the gateway judges its expiry on that clock, not on a wrong one at the stand.
    window = MainWindow(store, RegionTable.load(), camera_factory(settings, demo),
                        demo_pin=DEMO_PIN if demo else None, sync=sync, settings=settings,
                        now=CorrectedClock(store.database),
                        activation_watch=ActivationWatch(store.database, store.keys))
    window.status.set_key_backend(backend_in_use(data_dir))
    guard = CrashGuard(data_dir, window)
    guard.crashed.connect(window.recover_from_crash)
    window.crash_guard = guard
    start_daily_backup(window, data_dir)
    return window


def start_daily_backup(window: QMainWindow, data_dir: Path) -> QTimer:
    """Today's backup now (if not made yet), then a check every hour: a kiosk left on overnight
    still gets the next day's copy."""
    def backup() -> None:
        try:
            made = backup_database(data_dir, dt.date.today())
        except Exception as error:  # noqa: BLE001 - a timer's fault is logged, never the desk's problem
            log.warning("daily backup failed: %s", type(error).__name__)
            return
        if made is not None:
            log.info("daily backup written: %s", made.name)

    timer = QTimer(window)
    timer.setInterval(60 * 60 * 1000)
    timer.timeout.connect(backup)
    timer.start()
    QTimer.singleShot(0, window, backup)
    return timer


def startup_error_window(error: KioskError) -> QMainWindow:
    """What is wrong and what to do, on screen and (for a kiosk started from a terminal or a
    service log) on stderr, as the CLI says it."""
    log.error("start-up refused (%s): %s", type(error).__name__, error.message)
    print(tr("Galat: {message}", message=error.message), file=sys.stderr)
    if error.next_step:
        print(error.next_step, file=sys.stderr)
    screen = StartupErrorScreen(error)
    window = QMainWindow()
    window.setWindowTitle(tr("Kios IKD"))
    window.setCentralWidget(screen)
    screen.close_requested.connect(window.close)
    return window


def is_startup_error(window: QMainWindow) -> bool:
    return isinstance(window.centralWidget(), StartupErrorScreen)


def _quit_on_sigterm(app: QApplication) -> QTimer:
    signal.signal(signal.SIGTERM, lambda *_: app.quit())
    signal.signal(signal.SIGINT, lambda *_: app.quit())
    timer = QTimer()  # lets Python run its signal handlers while Qt's loop is waiting
    timer.start(200)
    timer.timeout.connect(lambda: None)
    return timer


def run_gui(data_dir: Path | None, demo: bool) -> int:
    started = time.perf_counter()
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("Kios IKD")
    app.setWindowIcon(QIcon(str(resources_dir() / "icons" / "kiosk-ikd.png")))
    load_stylesheet(app)
    throwaway = Path(tempfile.mkdtemp(prefix="kiosk-ikd-demo-")) if demo else None
    try:
        if throwaway is not None:
            use_throwaway_keys(throwaway)  # no keyring needed; the keys go with the folder at exit
        folder = throwaway or data_dir or default_data_dir()
        setup_logging(folder)
        window = build_window(folder, demo)
        failed = is_startup_error(window)
        guard = getattr(window, "crash_guard", None)
        if guard is not None:
            sys.excepthook = guard.handle  # an exception in any screen: log, report, back home
        # The window manager maximises it; without one (a bare X session at a stand) it still fits
        screen = app.primaryScreen().availableGeometry()
        window.setGeometry(screen.x(), screen.y(), min(1280, screen.width()), min(800, screen.height()))
        window.showMaximized()
        if os.environ.get(READY_ENV):
            app.processEvents()
            print(f"ready_ms={(time.perf_counter() - started) * 1000:.1f}", flush=True)
            window.close()  # stops the sync thread: Qt aborts on a QThread destroyed while running
            return EXIT_STARTUP_ERROR if failed else 0
        keep_alive = _quit_on_sigterm(app)
        code = app.exec()
        keep_alive.stop()
        window.close()
        return EXIT_STARTUP_ERROR if failed else code
    finally:
        if throwaway is not None:
            shutil.rmtree(throwaway, ignore_errors=True)
