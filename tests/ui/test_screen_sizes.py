"""Every screen on the laptops the kiosk is meant for: the real main window, with the kiosk's own
style sheet, sized as each screen and walked through every screen an officer or a supervisor
can reach. On each one every visible action (button, field, list, tab) must lie inside the window,
the window must not demand more room than the screen has, and nothing may scroll sideways.

Sizes (logical pixels, the whole screen for the window, as a kiosk runs maximised):
  1024x768, 1280x720, 1366x768, and 1024x768 at 125 % scaling = 819x614. With
  QT_SCALE_FACTOR=1.25 (or Windows' 125 %) Qt lays out in logical pixels, 1.25 device pixels each,
  and fonts given in points grow with them; so a 1024x768 screen at 125 % offers exactly the
  layout room of an 819x614 window at 100 %, which this test uses in-process instead of a
  subprocess per scale.

A failure names the size, the screen and the widget, with its place in the window, so it says
what to fix. Vertical scrolling inside a scroll area (the supervisor's panels) is allowed: the
officer can reach those actions; sideways scrolling is not."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLineEdit,
    QMainWindow,
    QPushButton,
    QScrollArea,
    QTabBar,
    QWidget,
)

from kiosk.demo_data import make_demo_records
from kiosk.doctor import Printers
from kiosk.errors import KioskError
from kiosk.ui.app import load_stylesheet, startup_error_window
from test_help_screen import CHECK_WAIT_MS, camera_zero

SIZES = {"1024x768": QSize(1024, 768), "1280x720": QSize(1280, 720), "1366x768": QSize(1366, 768),
         "1024x768 at 125%": QSize(819, 614)}
ACTIONS = (QAbstractButton, QLineEdit, QComboBox, QAbstractSpinBox, QAbstractScrollArea)
NIK, EMAIL, PHONE = "1371115708900009", "siti.rahma@gmail.com", "081234567890"


@pytest.fixture(autouse=True)
def kiosk_style(qapp) -> None:
    """The kiosk's own style sheet (17 pt text, 60 px buttons): it sets every size measured here."""
    load_stylesheet(qapp)
    yield
    qapp.setStyleSheet("")


def _settle() -> None:
    for _ in range(3):
        QApplication.sendPostedEvents()
        QApplication.processEvents()


def _name(widget: QWidget) -> str:
    text = widget.text() if hasattr(widget, "text") and callable(widget.text) else ""
    label = f" \u201c{text}\u201d" if text else ""
    return f"{type(widget).__name__}{label} ({widget.objectName() or widget.parent().__class__.__name__})"


def _in_window(widget: QWidget, window: QWidget) -> QRect:
    return QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())


def _scroll_area_of(widget: QWidget) -> QScrollArea | None:
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QScrollArea):
            return parent
        parent = parent.parentWidget()
    return None


def _visible_part(widget: QWidget, window: QWidget, up_to: QWidget | None) -> QRect:
    """The part of ``widget`` its ancestors (up to ``up_to``, else the window) leave visible."""
    rect = _in_window(widget, window)
    parent = widget.parentWidget()
    while parent is not None and parent is not up_to:
        rect = rect.intersected(_in_window(parent, window))
        parent = parent.parentWidget()
    return rect


def layout_problems(window: QMainWindow, screen: str) -> list[str]:
    """What does not fit on ``screen`` at each size; the window is left at the last size."""
    problems: list[str] = []
    for size_name, size in SIZES.items():
        window.resize(size)
        _settle()
        where = f"{size_name}, {screen}"
        hint = window.minimumSizeHint()
        if hint.width() > size.width() or hint.height() > size.height():
            problems.append(f"{where}: the window needs at least {hint.width()}x{hint.height()}")
        if window.size() != size:
            problems.append(f"{where}: the window stayed {window.width()}x{window.height()}")
        problems += _widget_problems(window, where, QRect(QPoint(0, 0), size))
    return problems


def _widget_problems(window: QMainWindow, where: str, inside: QRect) -> list[str]:
    problems = []
    for widget in window.findChildren(QWidget):
        if not widget.isVisible() or not isinstance(widget, ACTIONS + (QTabBar,)):
            continue
        if isinstance(widget, QAbstractScrollArea) and widget.horizontalScrollBar().isVisible():
            problems.append(f"{where}: {_name(widget)} scrolls sideways")
        if isinstance(widget, QAbstractButton) and widget.parentWidget() and isinstance(
                widget.parentWidget().parentWidget(), QAbstractScrollArea):
            continue  # a scroll area's own corner buttons
        rect = _in_window(widget, window)
        area = _scroll_area_of(widget)
        seen = _visible_part(widget, window, area.viewport() if area else None)
        if area is not None:  # reachable by scrolling down: only its width must show
            viewport = _in_window(area.viewport(), window)
            fits = seen.left() == rect.left() and seen.right() == rect.right() \
                and viewport.left() <= rect.left() and rect.right() <= viewport.right()
        else:
            fits = inside.contains(rect) and seen == rect
        if not fits:
            problems.append(f"{where}: {_name(widget)} at x {rect.left()}..{rect.right()}, "
                            f"y {rect.top()}..{rect.bottom()} is cut off (screen {inside.width()}x"
                            f"{inside.height()}, shown {seen.width()}x{seen.height()})")
        wanted = widget.sizeHint()
        if isinstance(widget, QPushButton) and (widget.width() < wanted.width() or widget.height() < wanted.height()):
            problems.append(f"{where}: {_name(widget)} is squeezed to {widget.width()}x{widget.height()}, "
                            f"its text needs {wanted.width()}x{wanted.height()}")
        if isinstance(widget, QTabBar):
            for index in range(widget.count()):
                if not widget.rect().contains(widget.tabRect(index)):
                    problems.append(f"{where}: the tab \u201c{widget.tabText(index)}\u201d is out of sight")
    return problems


def walk(window: QMainWindow, screens: list[tuple[str, Callable[[], None]]]) -> list[str]:
    problems = []
    for screen, reach in screens:
        window.resize(SIZES["1366x768"])
        reach()
        _settle()
        problems += layout_problems(window, screen)
    return problems


def assert_fits(problems: list[str]) -> None:
    assert not problems, "does not fit:\n  " + "\n  ".join(problems)


# -- the walks ---------------------------------------------------------------------------------
def test_setup_sign_in_stand_home_help_and_lock_fit(make_desk, qtbot) -> None:
    desk = make_desk(demo_video=False)
    window = desk.window
    problems = walk(window, [("setup (first supervisor)", lambda: None)])
    desk.create_supervisor()
    problems += walk(window, [("sign-in", lambda: None)])
    desk.sign_in("000000")
    problems += walk(window, [("sign-in, wrong PIN", lambda: None)])
    desk.sign_in()
    stand = window.stand_screen
    problems += walk(window, [("stand of the day", lambda: None),
                              ("stand of the day, place refused", stand.start_button.click)])
    desk.choose_stand()
    home = window.home_screen
    problems += walk(window, [
        ("home", lambda: None),
        ("home, sync message", lambda: home.show_sync_result(
            "warning", "Kios ini belum didaftarkan ke server sinkronisasi.",
            "Minta supervisor mendaftarkan kios ini dari layar Supervisor, lalu tekan Sinkronkan lagi.")),
        ("home, resume offer", lambda: home.offer_resume(
            "Langkah Foto wajah \u00b7 NIK 137111********09 \u00b7 mulai 09.15")),
    ])
    home.withdraw_resume_offer()
    window.show_help()
    help_screen = window.help_screen
    help_screen.open_camera = camera_zero()
    help_screen.printer_probe = lambda: Printers("", ())
    with qtbot.waitSignal(help_screen.checks_finished, timeout=CHECK_WAIT_MS):
        help_screen.run_checks()
    problems += walk(window, [("Bantuan after Periksa kios", lambda: None)])
    window.show_home()
    window.lock()
    problems += walk(window, [("lock screen", lambda: None)])
    assert_fits(problems)


def test_every_citizen_step_fits(make_desk) -> None:
    desk = make_desk(demo_video=False)
    desk.open_for_service()
    desk.start_citizen()
    flow = desk.flow
    problems = walk(desk.window, [("identify", lambda: None)])
    desk.type("1371113202000000")  # 32 February: refused, with its banner
    desk.enter()
    problems += walk(desk.window, [("identify, NIK refused", lambda: None)])
    flow.identify.nik_field.clear()
    desk.type(NIK)
    desk.next_step(flow.contact)
    problems += walk(desk.window, [("contact", lambda: None)])
    desk.type(EMAIL.replace("gmail.", "gmail.."))  # refused, and a slip: "Maksud Anda …@gmail.com?"
    desk.enter()
    assert flow.contact.email_suggestion.isVisible() and flow.contact.banner.isVisible()
    problems += walk(desk.window, [("contact, email refused with a domain suggestion", lambda: None)])
    desk.tab(flow.contact.email_suggestion.take_button)
    desk.press(Qt.Key.Key_Space)
    assert flow.contact.email_field.text() == EMAIL
    desk.type(PHONE)
    desk.next_step(flow.consent)
    problems += walk(desk.window, [("consent", lambda: None)])
    desk.give_consent()
    desk.next_step(flow.face)
    problems += walk(desk.window, [("face, live", lambda: None)])
    desk.take_photo()
    problems += walk(desk.window, [("face, photo taken", lambda: None)])
    desk.next_step(flow.activation)
    problems += walk(desk.window, [("activation QR", lambda: None)])
    desk.next_step(flow.saved)
    problems += walk(desk.window, [("saved", lambda: None)])
    assert_fits(problems)


def test_every_supervisor_panel_fits(make_desk) -> None:
    desk = make_desk(demo_video=False)
    desk.open_for_service()
    make_demo_records(desk.store, 14, days=1, seed=5)  # a day's queue, as the supervisor sees it
    window = desk.window
    assert window.show_supervisor()
    window.supervisor_screen.tally_panel.build()  # "Tampilkan": the summary and its buttons
    tabs = window.supervisor_screen.tabs
    screens = [(f"supervisor, {tabs.tabText(index)}", lambda index=index: tabs.setCurrentIndex(index))
               for index in range(tabs.count())]
    assert len(screens) >= 4
    assert_fits(walk(window, screens))


def test_the_demo_sign_in_and_the_startup_error_fit(make_window, show_window) -> None:
    demo = make_window(demo_video=False, demo_pin="000000")
    problems = walk(demo, [("demo sign-in", lambda: None)])
    error = startup_error_window(KioskError(
        "Basis data kios rusak dan tidak bisa dibuka (/home/petugas/.local/share/kios-ikd/kiosk.sqlite3).",
        "Jangan hapus folder data. Hubungi dukungan teknis kecamatan; salinan cadangan harian ada di "
        "folder backups."))
    show_window(error)
    problems += walk(error, [("startup error", lambda: None)])
    assert_fits(problems)
