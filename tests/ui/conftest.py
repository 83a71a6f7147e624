"""GUI test fixtures: a real store in a temporary folder, the real main window over the demo video,
an officer (``Desk``) who drives it by keyboard, and guards that fail a test on any Qt warning or on
a thread (camera) still running after its window closed."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest
import shiboken6
import zxingcpp
from PySide6.QtCore import QEvent, Qt, QThread, QtMsgType, qInstallMessageHandler
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QMainWindow, QWidget

from kiosk.camera.frame_source import FrameListSource, FrameSource, VideoFileSource
from kiosk.camera.qr_reader import make_qr_reader
from kiosk.record import RecordSummary
from kiosk.regions import RegionTable
from kiosk.store import Store, open_store
from kiosk.ui.app import demo_video_path, shared_face_analyzer
from kiosk.ui.camera_thread import CameraThread
from kiosk.ui.main_window import MainWindow
from kiosk.ui.widgets.reason_dialog import ReasonDialog

UI_TESTS = Path(__file__).parent
# The offscreen platform says this whenever a window is shown; it is not about the kiosk.
IGNORED_QT_MESSAGES = (re.compile(r"This plugin does not support propagateSizeHints\(\)"),)
FAILING_QT_TYPES = frozenset({QtMsgType.QtWarningMsg, QtMsgType.QtCriticalMsg, QtMsgType.QtFatalMsg})
DEMO_QR_FRAMES = 60  # resources/demo/README.md: frames 0-59 show the QR, 60-149 a face
DEMO_FRAMES = 150
FACE_WAIT_MS = 15_000  # the looping demo video reaches the face at most ~10 s later

SUPERVISOR = ("Rina Marlina", "198705122010012003", "135790")
KELURAHAN, PLACE = "Lubuk Buaya", "Kantor Lurah Lubuk Buaya"


# -- guards ----------------------------------------------------------------------------------
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # pytest-qt's own capture ends before fixture teardown; ours also covers closing the windows.
    for item in items:
        if UI_TESTS in item.path.parents:
            item.add_marker(pytest.mark.no_qt_log)


@pytest.fixture(autouse=True)
def qt_warnings() -> Iterator[list[str]]:
    """Every Qt warning (or worse) from setup to teardown fails the test."""
    caught: list[str] = []

    def handler(kind: QtMsgType, context, message: str) -> None:  # any thread may call this
        sys.stderr.write(f"Qt {kind.name}: {message}\n")
        if kind in FAILING_QT_TYPES and not any(p.search(message) for p in IGNORED_QT_MESSAGES):
            caught.append(f"{kind.name}: {message}")

    previous = qInstallMessageHandler(handler)
    yield caught
    qInstallMessageHandler(previous)
    if caught:
        pytest.fail("Qt warned during the test:\n  " + "\n  ".join(caught), pytrace=False)


@pytest.fixture(autouse=True)
def threads(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[QThread]]:
    """Every QThread started in this test (camera threads and any later worker), newest last;
    none may still run once the test's windows are closed."""
    started: list[QThread] = []
    start = QThread.start

    def recording_start(thread: QThread, *args) -> None:
        started.append(thread)
        start(thread, *args)

    monkeypatch.setattr(QThread, "start", recording_start)
    yield started
    running = [thread for thread in started if shiboken6.isValid(thread) and thread.isRunning()]
    for thread in running:
        thread.requestInterruption()  # else Qt aborts the whole run when the thread object goes
        thread.wait()
    if running:
        pytest.fail(f"still running after the window was closed: {running}", pytrace=False)


# -- the kiosk's parts -----------------------------------------------------------------------
@pytest.fixture
def data_dir(kiosk_data_dir: Path) -> Path:
    return kiosk_data_dir


@pytest.fixture
def store(data_dir: Path) -> Iterator[Store]:
    store = open_store(data_dir)
    yield store
    store.database.close()


@pytest.fixture(scope="session")
def face_frames() -> list[np.ndarray]:
    """The face part of the demo video (no QR in view), a sample of it to keep memory low."""
    with VideoFileSource(demo_video_path()) as source:
        frames = [source.read() for _ in range(DEMO_FRAMES)]
    return frames[DEMO_QR_FRAMES::5]


def demo_video_source() -> FrameSource:
    return VideoFileSource(demo_video_path(), loop=True)


OpenSource = Callable[[], FrameSource]


def show_and_activate(qtbot, window: QWidget) -> None:
    """Shown and active: window shortcuts (Enter, F2, F3) and keyboard focus need both."""
    window.resize(1280, 800)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=2000)


@pytest.fixture
def show_window(qtbot) -> Iterator[Callable[[QMainWindow], QMainWindow]]:
    """``show_window(window)``: shown and active now, closed (as the officer would) and deleted
    at the end of the test, before the camera threads are checked."""
    shown: list[QMainWindow] = []

    def show(window: QMainWindow) -> QMainWindow:
        shown.append(window)
        show_and_activate(qtbot, window)
        return window

    yield show
    for window in shown:
        window.close()  # the kiosk's own shutdown path must stop the camera
        window.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


@pytest.fixture
def make_window(store: Store, show_window, request: pytest.FixtureRequest) -> Callable[..., MainWindow]:
    """``make_window(demo_video=True)``: the main window over ``store``, shown and active.

    ``demo_video``: True = the looping demo video (QR, then a face); False = only its face part,
    for tests that type the NIK (a QR read would overwrite it); or a function that opens a
    ``FrameSource``, called anew for each camera start (retry)."""

    def make(demo_video: bool | OpenSource = True, demo_pin: str | None = None) -> MainWindow:
        if demo_video is True:
            open_source: OpenSource = demo_video_source
        elif demo_video is False:
            frames = request.getfixturevalue("face_frames")
            open_source = lambda: FrameListSource(frames, loop=True)  # noqa: E731
        else:
            open_source = demo_video
        reader, analyzer = make_qr_reader("zxing"), shared_face_analyzer()
        window = MainWindow(store, RegionTable.load(), lambda: CameraThread(open_source, reader, analyzer),
                            demo_pin=demo_pin)
        return show_window(window)

    return make


@pytest.fixture
def make_desk(qtbot, store: Store, threads: list[QThread],
              make_window: Callable[..., MainWindow]) -> Callable[..., Desk]:
    """``make_desk(demo_video=True)``: an officer in front of a new main window (``window=``: one
    built elsewhere, already shown)."""

    def make(demo_video: bool | OpenSource = True, demo_pin: str | None = None,
             window: MainWindow | None = None) -> Desk:
        return Desk(qtbot, window or make_window(demo_video, demo_pin), store, threads)

    return make


@pytest.fixture
def serving(make_desk) -> Desk:
    """An officer serving a citizen: the desk is open, the identify step is showing, and the
    camera shows a face but no QR, so whatever is typed stays as typed."""
    desk = make_desk(demo_video=False)
    desk.open_for_service()
    desk.start_citizen()
    return desk


# -- the officer's hands ---------------------------------------------------------------------
def decode_qr_codes(image: np.ndarray) -> list[str]:
    codes = zxingcpp.read_barcodes(np.ascontiguousarray(image), formats=zxingcpp.BarcodeFormat.QRCode)
    return [code.text for code in codes if code.valid]


def widget_pixels(widget: QWidget) -> np.ndarray:
    """What the widget shows on screen, as a grey image."""
    image = widget.grab().toImage().convertToFormat(QImage.Format.Format_Grayscale8)
    rows = np.frombuffer(image.constBits(), np.uint8, count=image.sizeInBytes())
    return rows.reshape(image.height(), image.bytesPerLine())[:, :image.width()].copy()


class Desk:
    """An officer at the kiosk: reads the screen and uses the keyboard, like at a real desk.

    Keys go to whichever widget has the focus, so every step also checks that the focus lands
    where the officer's next keystroke is meant to go."""

    def __init__(self, qtbot, window: MainWindow, store: Store, threads: list[QThread]) -> None:
        self.qtbot = qtbot
        self.window = window
        self.store = store
        self._threads = threads

    @property
    def flow(self):
        return self.window.flow_screen

    @property
    def page(self) -> QWidget:
        return self.window.pages.currentWidget()

    def step(self):
        return self.flow.current_step()

    def camera(self) -> CameraThread:
        """The newest camera thread (the flow starts a new one per citizen and per retry)."""
        return [thread for thread in self._threads if isinstance(thread, CameraThread)][-1]

    def camera_running(self) -> bool:
        camera = self.camera()  # a stopped camera is deleted soon after
        return shiboken6.isValid(camera) and camera.isRunning()

    # -- keyboard ----------------------------------------------------------------------------
    def focused(self) -> QWidget:
        widget = QApplication.focusWidget()
        assert widget is not None, "no widget has the keyboard focus"
        assert widget.window() is self.window, f"focus is outside the kiosk window: {widget!r}"
        return widget

    def type(self, text: str) -> None:
        self.qtbot.keyClicks(self.focused(), text)

    def press(self, key: Qt.Key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
        self.qtbot.keyClick(self.focused(), key, modifier)

    def double_click(self, widget: QWidget) -> None:
        """What a mouse sends for a double click: press, release, double-click press, release."""
        self.qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)
        self.qtbot.mouseDClick(widget, Qt.MouseButton.LeftButton)
        self.qtbot.mouseRelease(widget, Qt.MouseButton.LeftButton)

    def settle(self) -> None:
        """An officer looks at a new step before pressing on: a navigation press within the
        double-click interval of a step change, with nothing else pressed between, is dropped."""
        if self.page is self.flow:
            self.qtbot.waitUntil(lambda: not self.flow.repeat_guard.is_repeat(), timeout=2000)

    def enter(self) -> None:
        self.settle()
        self.press(Qt.Key.Key_Return)

    def tab(self, to: QWidget, backwards: bool = False) -> None:
        if backwards:
            self.press(Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
        else:
            self.press(Qt.Key.Key_Tab)
        assert self.focused() is to, f"Tab moved the focus to {self.focused()!r}"

    # -- a question window (kiosk/ui/widgets/reason_dialog.py) --------------------------------
    def question(self) -> ReasonDialog:
        """The open "why?" window, active: the officer's keys go to it."""
        self.qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), ReasonDialog), timeout=2000)
        dialog = QApplication.activeModalWidget()
        self.qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=2000)
        return dialog

    def answer(self, *keys: Qt.Key) -> None:
        """Keys pressed on the open question, wherever its focus is."""
        dialog = self.question()
        for key in keys:
            focus = QApplication.focusWidget()
            assert focus is not None and focus.window() is dialog, f"focus is not in the question: {focus!r}"
            self.qtbot.keyClick(focus, key)
        if not (shiboken6.isValid(dialog) and dialog.isVisible()):  # answered: the officer looks back
            self.qtbot.waitUntil(lambda: QApplication.focusWidget() is not None
                                 and QApplication.focusWidget().window() is self.window, timeout=2000)

    # -- opening the desk --------------------------------------------------------------------
    def create_supervisor(self, name: str = SUPERVISOR[0], nip: str = SUPERVISOR[1],
                          pin: str = SUPERVISOR[2]) -> None:
        setup = self.window.setup_screen
        assert self.page is setup
        assert self.focused() is setup.name_field
        self.type(name)
        self.tab(setup.nip_field)
        self.type(nip)
        self.tab(setup.pin_field)
        self.type(pin)
        self.tab(setup.pin_again_field)
        self.type(pin)
        self.enter()
        assert self.page is self.window.sign_in_screen, setup.banner.message_text()

    def sign_in(self, pin: str = SUPERVISOR[2]) -> None:
        """Type the PIN and press Enter (the result is for the caller to check)."""
        screen = self.window.sign_in_screen
        assert self.page is screen
        assert self.focused() is screen.pin_field
        self.type(pin)
        self.enter()

    def choose_stand(self, kelurahan: str = KELURAHAN, place: str = PLACE) -> None:
        stand = self.window.stand_screen
        assert self.page is stand
        assert self.focused() is stand.place_field
        self.tab(stand.kelurahan_box, backwards=True)
        for _ in range(stand.kelurahan_box.count()):
            if stand.kelurahan_box.currentText() == kelurahan:
                break
            self.press(Qt.Key.Key_Down)
        assert stand.kelurahan_box.currentText() == kelurahan
        self.tab(stand.place_field)
        self.type(place)
        self.enter()
        assert self.page is self.window.home_screen, stand.banner.message_text()

    def open_for_service(self) -> None:
        """First run to the home screen: create the supervisor, sign in, choose today's stand."""
        self.create_supervisor()
        self.sign_in()
        self.choose_stand()

    # -- serving a citizen -------------------------------------------------------------------
    def start_citizen(self) -> None:
        """F2 on the home screen: a new citizen at the identify step, cursor in the NIK field."""
        assert self.page is self.window.home_screen
        self.press(Qt.Key.Key_F2)
        assert self.page is self.flow
        assert self.step() is self.flow.identify
        assert self.focused() is self.flow.identify.nik_field

    def next_step(self, expected) -> None:
        """Enter, and the flow must have moved on to ``expected``."""
        before = self.step()
        self.enter()
        assert self.step() is expected, (
            f"still on {before.step_title}: {before.banner.message_text()} {before.banner.next_step_text()}")

    def fill_contact(self, email: str, phone: str) -> None:
        contact = self.flow.contact
        assert self.focused() is contact.email_field
        self.type(email)
        self.tab(contact.phone_field)
        self.type(phone)

    def give_consent(self) -> None:
        consent = self.flow.consent
        assert self.focused() is consent.agree_box
        self.press(Qt.Key.Key_Space)
        assert consent.agree_box.isChecked()

    def wait_for_face(self) -> None:
        """Until the camera shows the citizen's face (not the phone with the QR) on the face step,
        found by the face checks (F3 then takes it without asking why), with a few fresh frames on
        screen (the view counts frames of earlier citizens too)."""
        face, camera = self.flow.face, self.camera()
        reader = make_qr_reader("zxing")
        enough = face.camera_view.frames_shown + 3

        def face_in_view() -> bool:
            frame, verdict = camera.latest_frame()
            found = face.face_checks_off or (verdict is not None and verdict.face_box is not None)
            return (face.camera_view.frames_shown >= enough and frame is not None and found
                    and not reader.decode(frame))

        self.qtbot.waitUntil(face_in_view, timeout=FACE_WAIT_MS)

    def take_photo(self) -> None:
        self.wait_for_face()
        self.press(Qt.Key.Key_F3)
        face = self.flow.face
        assert face.has_photo(), face.banner.message_text()
        assert decode_qr_codes(widget_pixels(face.photo_label)) == [], "the photo shows the phone's QR"

    def activation_qr_texts(self) -> list[str]:
        return decode_qr_codes(widget_pixels(self.flow.activation.qr_view))

    def to_face_step(self, nik: str, email: str, phone: str) -> None:
        """From the identify step to the face step: ``nik`` typed (after whatever the NIK field
        holds), the contact filled in, consent given."""
        flow = self.flow
        self.type(nik)
        self.next_step(flow.contact)
        self.fill_contact(email, phone)
        self.next_step(flow.consent)
        self.give_consent()
        self.next_step(flow.face)

    def to_activation_step(self, nik: str, email: str, phone: str) -> None:
        """``to_face_step``, then the photo taken and the activation QR on screen (not yet saved)."""
        self.to_face_step(nik, email, phone)
        self.take_photo()
        self.next_step(self.flow.activation)

    def serve_citizen(self, nik: str, email: str, phone: str) -> RecordSummary:
        """From an empty identify step to the saved step, typing everything."""
        flow = self.flow
        assert self.focused() is flow.identify.nik_field
        self.to_activation_step(nik, email, phone)
        self.next_step(flow.saved)
        record = self.store.get(flow.draft.record_id)
        assert record is not None
        return record
