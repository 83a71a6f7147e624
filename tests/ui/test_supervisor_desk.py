"""The supervisor's desk: only a supervisor reaches it; officer accounts are added, disabled and
given a new PIN there; settings are checked, saved to settings.toml, audited and take effect."""

from __future__ import annotations

import tomllib

from PySide6.QtCore import Qt

from kiosk.audit import AuditEvent
from kiosk.officers import Role
from kiosk.settings import settings_path
from tests.ui.conftest import SUPERVISOR

OFFICER = ("Andi Saputra", "199205172019031004", "730164")


def supervisor_desk(make_desk):
    desk = make_desk(demo_video=False)
    desk.open_for_service()
    desk.press(Qt.Key.Key_F9)
    assert desk.page is desk.window.supervisor_screen
    return desk


def events(store) -> list[str]:
    return [entry.event for entry in store.audit.entries(limit=1000)]


def test_an_officer_cannot_reach_the_supervisor_desk(make_desk) -> None:
    desk = make_desk(demo_video=False)
    desk.create_supervisor()
    boss = desk.store.officers.active()[0]
    andi = desk.store.officers.add(*OFFICER, Role.OFFICER, by=boss.officer_id)
    desk.window.sign_in_screen.refresh()
    desk.window.sign_in_screen.select_officer(andi.officer_id)
    desk.sign_in(OFFICER[2])
    desk.choose_stand()
    home = desk.window.home_screen
    assert not home.supervisor_button.isVisible()
    desk.press(Qt.Key.Key_F9)
    assert desk.page is home
    assert not desk.window.show_supervisor()
    assert desk.page is home
    # Even a panel reached some other way refuses to act for an officer.
    panel = desk.window.supervisor_screen.settings_panel
    panel.show_settings(desk.window.settings, andi.officer_id)
    panel.idle_box.setCurrentIndex(panel.idle_box.findData(10))
    assert panel.save() is None
    assert panel.banner.kind() == "error" and "supervisor" in panel.banner.message_text()
    assert not settings_path(desk.store.database.path.parent).exists()


def test_supervisor_adds_disables_and_resets_an_officer(make_desk) -> None:
    desk = supervisor_desk(make_desk)
    screen = desk.window.supervisor_screen
    screen.show_panel(screen.officers_panel)
    panel = screen.officers_panel
    panel.name_field.setText(OFFICER[0])
    panel.nip_field.setText(OFFICER[1])
    panel.pin_field.setText(OFFICER[2])
    panel.pin_again_field.setText(OFFICER[2])
    desk.qtbot.mouseClick(panel.add_button, Qt.MouseButton.LeftButton)
    assert panel.banner.kind() == "success", panel.banner.message_text()
    names = [panel.table.item(row, 0).text() for row in range(panel.table.rowCount())]
    assert OFFICER[0] in names
    andi = next(o for o in desk.store.officers.active() if o.nip == OFFICER[1])
    assert andi.role is Role.OFFICER

    panel.select(andi.officer_id)
    panel.new_pin_field.setText("918273")
    desk.qtbot.mouseClick(panel.reset_pin_button, Qt.MouseButton.LeftButton)
    assert panel.banner.kind() == "success"
    assert desk.store.officers.sign_in(andi.officer_id, "918273").officer_id == andi.officer_id

    panel.select(andi.officer_id)
    desk.qtbot.mouseClick(panel.toggle_button, Qt.MouseButton.LeftButton)
    assert OFFICER[1] not in [o.nip for o in desk.store.officers.active()]
    assert panel.toggle_button.text() == "Aktifkan"

    boss = next(o for o in desk.store.officers.active() if o.nip == SUPERVISOR[1])
    panel.select(boss.officer_id)
    desk.qtbot.mouseClick(panel.toggle_button, Qt.MouseButton.LeftButton)
    assert panel.banner.kind() == "error"  # not yourself, not the last supervisor
    assert SUPERVISOR[1] in [o.nip for o in desk.store.officers.active()]

    log = events(desk.store)
    for event in (AuditEvent.OFFICER_ADDED, AuditEvent.PIN_RESET, AuditEvent.OFFICER_DISABLED):
        assert event.value in log


def test_a_mistyped_second_pin_adds_nobody(make_desk) -> None:
    desk = supervisor_desk(make_desk)
    panel = desk.window.supervisor_screen.officers_panel
    panel.name_field.setText(OFFICER[0])
    panel.nip_field.setText(OFFICER[1])
    panel.pin_field.setText(OFFICER[2])
    panel.pin_again_field.setText("730165")
    assert not panel.add_officer()
    assert panel.banner.kind() == "error"
    assert len(desk.store.officers.all()) == 1


def test_settings_are_saved_audited_and_take_effect(make_desk) -> None:
    desk = supervisor_desk(make_desk)
    panel = desk.window.supervisor_screen.settings_panel
    assert panel.idle_box.currentData() == 2  # the default
    panel.idle_box.setCurrentIndex(panel.idle_box.findData(5))
    panel.retention_box.setCurrentIndex(panel.retention_box.findData(14))
    desk.qtbot.mouseClick(panel.save_button, Qt.MouseButton.LeftButton)
    assert panel.banner.kind() == "success", panel.banner.message_text()
    saved = tomllib.loads(settings_path(desk.store.database.path.parent).read_text(encoding="utf-8"))
    assert saved["idle_lock_minutes"] == 5 and saved["retention_days"] == 14
    assert desk.window.idle_watch.timeout_ms() == 5 * 60_000
    assert desk.window.settings.retention_days == 14
    consent = desk.flow.consent  # the citizen now reads the new retention, and the record keeps it
    assert "dihapus 14 hari" in consent.text.text() and "PDP-2026-1/14d" in consent.version.text()
    changes = [e for e in desk.store.audit.entries(limit=1000) if e.event == AuditEvent.SETTINGS_CHANGED.value]
    boss = desk.window.officer.officer_id
    assert {e.subject for e in changes if e.officer_id == boss} >= {"idle_lock_minutes", "retention_days"}


def test_a_value_out_of_range_is_refused_and_nothing_changes(make_desk) -> None:
    desk = supervisor_desk(make_desk)
    panel = desk.window.supervisor_screen.settings_panel
    panel.disk_box.setText("10")  # below the 50 MB floor
    assert panel.save() is None
    assert panel.banner.kind() == "error" and "min_free_disk_mb" in panel.banner.message_text()
    assert not settings_path(desk.store.database.path.parent).exists()
    assert desk.window.settings.min_free_disk_mb == 500
