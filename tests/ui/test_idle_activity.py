"""What counts as activity at a shared desk: every key, shortcut keys included (Enter moves the
flow on, F5 renews the QR, both taken by a QShortcut before any widget sees a KeyPress), keeps
the desk open; with no input at all it still locks. On the lock screen a stray Enter on an empty
PIN field is guidance, never a wrong PIN."""

from __future__ import annotations

from PySide6.QtCore import QElapsedTimer, Qt

from kiosk.audit import AuditEvent
from tests.ui.conftest import SUPERVISOR

NIK = "1371115708900001"
EMAIL, PHONE = "siti.rahma84@gmail.com", "081234567890"
LOCK_MS = 1500  # the real default is 2 minutes
PERIODS = 3  # keep working this many lock times in a row
STEP_MS = LOCK_MS // 3  # a key every third of the lock time: an idle watch that misses it locks


def keep_pressing(desk, press) -> None:
    """``press()`` once every ``STEP_MS`` for ``PERIODS`` lock times; the desk must stay open.

    Qt runs the lock timer only while events are processed, so a key sent right after the wait
    always lands before the timer can fire: an idle watch that sees the key never locks here."""
    desk.window.idle_watch.set_timeout_ms(LOCK_MS)
    since_key, total = QElapsedTimer(), QElapsedTimer()
    total.start()
    while total.elapsed() < PERIODS * LOCK_MS:
        since_key.start()
        desk.qtbot.waitUntil(lambda: since_key.elapsed() >= STEP_MS, timeout=LOCK_MS)
        assert not desk.window.is_locked(), f"locked {total.elapsed()} ms into the work"
        press()
    assert not desk.window.is_locked()


def test_enter_on_the_flow_keeps_the_desk_open(serving) -> None:
    desk = serving
    identify = desk.flow.identify
    keep_pressing(desk, desk.enter)  # Enter with no NIK yet: the step says what is missing
    assert desk.step() is identify and identify.banner.message_text()
    desk.qtbot.waitUntil(desk.window.is_locked, timeout=3 * LOCK_MS)  # hands off: it locks


def test_f5_and_typing_keep_the_qr_step_open(serving) -> None:
    desk, flow = serving, serving.flow
    desk.to_activation_step(NIK, EMAIL, PHONE)

    tokens = []
    keep_pressing(desk, lambda: (desk.press(Qt.Key.Key_F5), tokens.append(flow.activation.token)))
    assert len(set(tokens)) == len(tokens) > PERIODS  # each F5 reached the step: a new QR each time
    assert desk.step() is flow.activation

    desk.qtbot.waitUntil(desk.window.is_locked, timeout=3 * LOCK_MS)


def test_typing_in_a_field_keeps_the_desk_open(serving) -> None:
    desk = serving
    digits = iter(NIK)
    keep_pressing(desk, lambda: desk.type(next(digits)))
    assert NIK.startswith(desk.flow.identify.nik_field.text())


def test_enter_on_an_empty_pin_counts_nothing(serving) -> None:
    desk, store = serving, serving.store
    desk.window.idle_watch.set_timeout_ms(300)
    desk.qtbot.waitUntil(desk.window.is_locked, timeout=3000)
    screen = desk.window.sign_in_screen
    for _ in range(5):
        desk.sign_in("")  # only Enter
        assert screen.banner.message_text() == "PIN belum diisi."
        assert desk.window.is_locked()
    desk.sign_in("   ")
    assert screen.banner.message_text() == "PIN belum diisi."

    failed_attempts, locked_until = store.database.execute(
        "SELECT failed_attempts, locked_until FROM officers").fetchone()
    assert (failed_attempts, locked_until) == (0, None)
    events = [e.event for e in store.audit.entries(limit=1000)]
    assert AuditEvent.SIGN_IN_FAILED not in events and AuditEvent.LOCKED_OUT not in events

    desk.sign_in(SUPERVISOR[2])  # no lockout waits: the right PIN opens at once
    assert not desk.window.is_locked()
    assert desk.step() is desk.flow.identify
