"""English on screen: chosen in the supervisor's settings, spoken from the next start, on every
screen an officer reaches, with no Indonesian left where a translation exists."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QGroupBox,
    QLabel,
    QLineEdit,
    QProgressBar,
    QTableWidget,
    QWidget,
)

from kiosk import i18n
from kiosk.settings import load_settings
from kiosk.ui.app import build_window
from kiosk.ui.main_window import MainWindow
from tests.ui.conftest import SUPERVISOR

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools"))
import extract_strings as ex  # noqa: E402  (tools/ holds the extractor and its word lists)

WRONG_PIN = "975310"
NIK, EMAIL, PHONE = "1371110101850003", "budi.santoso@example.com", "081398765432"


@pytest.fixture(autouse=True)
def indonesian_afterwards() -> Iterator[None]:
    """The language is process-wide: the tests after this one must find Indonesian again."""
    yield
    i18n.load_language(i18n.DEFAULT_LANGUAGE)


@pytest.fixture(scope="module")
def catalog() -> dict[str, str]:
    return ex.read_catalog(ex.CATALOG_DIR / "en.json")


def shown_texts(window: QWidget) -> Iterator[tuple[str, str]]:
    """(widget, text) for every text the window's widgets carry, on the page showing or not:
    labels, buttons, placeholders, group titles, table headers and cells, tooltips."""
    yield "window title", window.windowTitle()
    for widget in window.findChildren(QWidget):
        kind = type(widget).__name__
        yield f"{kind} tooltip", widget.toolTip()
        if isinstance(widget, (QLabel, QAbstractButton)):
            yield kind, widget.text()
        elif isinstance(widget, QLineEdit):
            yield f"{kind} placeholder", widget.placeholderText()
        elif isinstance(widget, QGroupBox):
            yield kind, widget.title()
        elif isinstance(widget, QProgressBar):
            yield kind, widget.format()
        elif isinstance(widget, QTableWidget):
            for column in range(widget.columnCount()):
                header = widget.horizontalHeaderItem(column)
                yield f"{kind} header", header.text() if header else ""
                for row in range(widget.rowCount()):
                    cell = widget.item(row, column)
                    yield f"{kind} cell", cell.text() if cell else ""


def indonesian_left(window: QWidget, catalog: dict[str, str]) -> list[str]:
    """Texts still in Indonesian: a source whose translation differs, or Indonesian words in a
    text no catalog entry explains (names of people and places have none of those words)."""
    found = []
    for where, text in shown_texts(window):
        if not text.strip():
            continue
        if catalog.get(text, text) != text:
            found.append(f"{where}: {text!r} has the translation {catalog[text]!r}")
            continue
        words = set(re.findall(r"[^\W\d_]+", re.sub(r"\u201c[^\u201d]*\u201d", " ", text).lower()))
        if words & ex.INDONESIAN_WORDS:
            found.append(f"{where}: {text!r}")
    return found


def assert_english(window: QWidget, catalog: dict[str, str]) -> None:
    left = indonesian_left(window, catalog)
    assert not left, "Indonesian on an English screen:\n  " + "\n  ".join(left)


def test_the_language_chosen_in_the_settings_is_spoken_from_the_next_start(
        make_desk, data_dir: Path, show_window, catalog: dict[str, str]) -> None:
    desk = make_desk(demo_video=False)
    desk.open_for_service()
    desk.press(Qt.Key.Key_F9)
    supervisor = desk.window.supervisor_screen
    supervisor.show_panel(supervisor.settings_panel)
    panel = supervisor.settings_panel
    panel.language_box.setCurrentIndex(panel.language_box.findData("en"))
    desk.qtbot.mouseClick(panel.save_button, Qt.MouseButton.LeftButton)
    assert panel.banner.kind() == "success", panel.banner.message_text()
    # This run keeps its language: the screens are built already.
    assert panel.banner.next_step_text() == "Buka ulang aplikasi agar language berlaku."
    assert i18n.current_language() == "id"
    assert load_settings(data_dir).language == "en"

    window = show_window(build_window(data_dir, demo=False))  # the next start reads settings.toml
    assert isinstance(window, MainWindow) and i18n.current_language() == "en"
    assert window.windowTitle() == "Kios IKD"
    restarted = make_desk(window=window)
    screen = window.sign_in_screen
    assert screen.sign_in_button.text() == "Sign in"
    restarted.sign_in(WRONG_PIN)
    assert (screen.banner.message_text(), screen.banner.next_step_text()) == (
        "Wrong PIN.", "Type your PIN again, carefully.")
    restarted.sign_in(SUPERVISOR[2])
    home = window.home_screen
    assert restarted.page is home  # the stand chosen earlier today is remembered
    assert home.serve_button.text() == "Serve a new citizen  (F2)"
    assert home.greeting.text() == f"Hello, {SUPERVISOR[0]}"
    assert window.status.officer_label.text() == f"Officer: {SUPERVISOR[0]}"
    assert_english(window, catalog)

    restarted.press(Qt.Key.Key_F9)
    assert restarted.page is window.supervisor_screen
    desk_of_supervisor = window.supervisor_screen
    for each in (desk_of_supervisor.tally_panel, desk_of_supervisor.records_panel,
                 desk_of_supervisor.officers_panel, desk_of_supervisor.settings_panel):
        desk_of_supervisor.show_panel(each)
        assert_english(window, catalog)
    assert desk_of_supervisor.settings_panel.language_box.currentText() == "English"


@pytest.mark.slow
def test_a_citizen_is_served_in_english(make_desk, catalog: dict[str, str]) -> None:
    i18n.load_language("en")  # as the composition root does before it builds the window
    desk = make_desk(demo_video=False)
    window, flow = desk.window, desk.flow
    assert window.setup_screen.create_button.text() == "Create supervisor account"
    assert_english(window, catalog)
    desk.open_for_service()
    desk.start_citizen()
    assert flow.step_bar.text() == f"Step 1 of {len(flow.steps)}: Identity"

    desk.type("1371")
    desk.enter()
    assert flow.identify.banner.message_text() == "The NIK must have 16 digits."
    assert desk.focused() is flow.identify.nik_field
    flow.identify.nik_field.clear()
    desk.type(NIK)
    desk.next_step(flow.contact)
    assert flow.step_bar.text().endswith(": Contact")
    desk.fill_contact(EMAIL, PHONE)
    desk.next_step(flow.consent)
    assert flow.consent.text.text().startswith("To activate your Digital Population Identity (IKD)")
    assert flow.consent.version.text() == "Text version: PDP-2026-1/7d"
    assert_english(window, catalog)
    desk.give_consent()
    desk.next_step(flow.face)
    desk.take_photo()
    desk.next_step(flow.activation)
    desk.next_step(flow.saved)
    record = desk.store.get(flow.draft.record_id)
    assert flow.saved.slip_label.text() == f"Receipt number: {record.slip_no}"
    assert_english(window, catalog)

    window.show_home()
    assert window.home_screen.queue_title.text() == "Today's queue: 1"
    assert_english(window, catalog)
