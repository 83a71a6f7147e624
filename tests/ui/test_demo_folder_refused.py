"""A kiosk started without --demo on a demo folder refuses, on its start-up error screen; the
folder ``--demo`` fills is marked as a demo folder, so it is refused the same way."""

from __future__ import annotations

from pathlib import Path

from kiosk.demo_folder import is_demo_folder, mark_demo_folder
from kiosk.store import open_store
from kiosk.ui.app import build_window, is_startup_error
from kiosk.ui.main_window import MainWindow
from kiosk.ui.screens.startup_error_screen import StartupErrorScreen


def assert_refused_as_demo(window, data_dir: Path) -> None:
    screen = window.centralWidget()
    assert isinstance(screen, StartupErrorScreen) and is_startup_error(window)
    assert screen.banner.isVisible() and screen.banner.kind() == "error"
    assert screen.banner.message_text() == (
        f"Folder data {data_dir} berisi data contoh (demo), bukan data kios sungguhan.")
    assert "kiosk --demo" in screen.banner.next_step_text()


def test_a_demo_folder_is_refused_without_demo(data_dir: Path, show_window) -> None:
    store = open_store(data_dir)
    mark_demo_folder(store)
    store.database.close()
    window = show_window(build_window(data_dir, demo=False))
    assert_refused_as_demo(window, data_dir)
    screen = window.centralWidget()
    screen.close_button.click()
    assert not window.isVisible()


def test_the_folder_demo_mode_fills_is_marked_and_then_refused(data_dir: Path, show_window) -> None:
    demo = show_window(build_window(data_dir, demo=True))
    assert isinstance(demo, MainWindow) and is_demo_folder(data_dir)
    demo.close()
    assert_refused_as_demo(show_window(build_window(data_dir, demo=False)), data_dir)


def test_a_real_folder_still_starts(data_dir: Path, show_window) -> None:
    window = show_window(build_window(data_dir, demo=False))
    assert isinstance(window, MainWindow) and not is_demo_folder(data_dir)
