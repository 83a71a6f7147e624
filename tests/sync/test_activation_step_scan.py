"""The activation step learns from the real gateway on loopback that the citizen's phone scanned
its QR: "Sudah dipindai" shows, and the sealed record says scanned; without a scan it says
shown_unconfirmed; renewals are counted; a kiosk not enrolled does not poll and says so; and a
gateway that never answers leaves the step usable (the question runs off the GUI thread)."""

from __future__ import annotations

import json
import random
import socket
import time
from collections.abc import Callable, Iterator

import pytest
from PySide6.QtCore import Qt

from client_fixtures import Kiosk
from gateway_harness import RunningGateway
from kiosk import cli
from kiosk.demo_data import synthetic_portrait
from kiosk.record import CitizenDraft, Consent, Stand
from kiosk.sync import sync_settings
from kiosk.ui.activation_watch import ActivationWatch
from kiosk.ui.screens.activation_step import ActivationStep

STAND = Stand("Kantor Lurah Lubuk Buaya", "13.71.11.1009", "Lubuk Buaya")
NIK, OTHER_NIK = "1371115708900001", "1371115708900002"
PHOTO = synthetic_portrait(random.Random(5))
POLL_MS = 200


@pytest.fixture
def make_step(qtbot) -> Iterator[Callable[..., ActivationStep]]:
    """An activation step with its own watch on ``kiosk``'s database (shut down at teardown)."""
    watches: list[ActivationWatch] = []

    def make(kiosk: Kiosk, now: Callable[[], float] | None = None) -> ActivationStep:
        watch = ActivationWatch(kiosk.store.database, kiosk.store.keys, interval_ms=POLL_MS)
        watches.append(watch)
        step = ActivationStep(kiosk.store.keys, now or sync_settings.CorrectedClock(kiosk.store.database), watch)
        qtbot.addWidget(step)
        step.show()
        return step

    yield make
    for watch in watches:
        watch.shutdown()


def new_draft(kiosk: Kiosk, nik: str = NIK) -> CitizenDraft:
    return CitizenDraft(nik=nik, email="siti.rahma84@gmail.com", phone="+6281234567890",
                        consent=Consent("PDP-2026-1", kiosk.clock()), photo_jpeg=PHOTO)


def phone_scans(capsys: pytest.CaptureFixture, gateway: RunningGateway, text: str) -> str:
    """The citizen's phone: ``kiosk ikd-app scan --text`` against the gateway."""
    cli.run(["ikd-app", "scan", "--server", gateway.url, "--text", text, "--json"])
    return json.loads(capsys.readouterr().out)["result"]


def simpan(kiosk: Kiosk, step: ActivationStep, draft: CitizenDraft) -> tuple[str, int]:
    """Simpan at the step, then the seal as the flow does it; returns what the record says."""
    assert step.commit(draft), step.banner.message_text()
    step.leave()
    officer = kiosk.store.database.execute(
        "INSERT INTO officers (name, nip, role, pin_hash, created_at) VALUES (?, ?, ?, ?, ?)",
        ("Rahmat Hidayat", "198903212014031002", "officer", "not-a-hash", kiosk.clock().isoformat())).lastrowid
    kiosk.store.seal(draft, officer, STAND)
    return kiosk.store.database.execute("SELECT activation_outcome, activation_renewals FROM records "
                                        "WHERE record_id = ?", (draft.record_id,)).fetchone()


def test_the_step_shows_sudah_dipindai_after_the_phone_scans_and_the_record_says_scanned(
        qtbot, make_step, enrolled: Kiosk, gateway: RunningGateway, capsys: pytest.CaptureFixture) -> None:
    step, draft = make_step(enrolled), new_draft(enrolled)
    step.enter(draft)
    assert "Menunggu" in step.scan_state.text() and not step.scanned()
    assert phone_scans(capsys, gateway, step.token.text) == "pending"  # the record is still on the kiosk
    qtbot.waitUntil(step.scanned, timeout=10_000)
    assert "Sudah dipindai" in step.scan_state.text() and step.scan_state.property("state") == "scanned"
    assert step.scan_state.isVisible() and not step.later_button.isVisible()
    assert simpan(enrolled, step, draft) == ("scanned", 0)


def test_a_scan_of_an_older_qr_counts_and_renewals_are_counted(
        qtbot, make_step, enrolled: Kiosk, gateway: RunningGateway, capsys: pytest.CaptureFixture) -> None:
    step, draft = make_step(enrolled), new_draft(enrolled)
    step.enter(draft)
    first = step.token.text
    for _ in range(2):  # F5 is the same slot (tests/ui/test_one_citizen_one_draft.py presses it)
        qtbot.mouseClick(step.renew_button, Qt.MouseButton.LeftButton)
    assert draft.activation_renewals == 2
    assert phone_scans(capsys, gateway, first) == "pending"  # the phone read the QR just before F5
    qtbot.waitUntil(step.scanned, timeout=10_000)
    assert simpan(enrolled, step, draft) == ("scanned", 2)


def test_without_a_scan_the_record_says_shown_unconfirmed(
        qtbot, make_step, enrolled: Kiosk, gateway: RunningGateway) -> None:
    step, draft = make_step(enrolled), new_draft(enrolled)
    step.enter(draft)
    with qtbot.waitSignal(step._watch.worker.answered, timeout=10_000) as answered:
        pass
    assert answered.args == [[]] and not step.scanned()
    assert simpan(enrolled, step, draft) == ("shown_unconfirmed", 0)


def test_a_confirmed_scan_lets_simpan_save_after_the_qr_ran_out(
        qtbot, make_step, enrolled: Kiosk, gateway: RunningGateway, capsys: pytest.CaptureFixture) -> None:
    moment = [time.time()]
    step, draft = make_step(enrolled, lambda: moment[0]), new_draft(enrolled)
    step.enter(draft)
    assert phone_scans(capsys, gateway, step.token.text) == "pending"
    qtbot.waitUntil(step.scanned, timeout=10_000)
    moment[0] += 91
    step._on_timer_timeout()
    assert step.banner.message_text() == "" and not step.later_button.isVisible()
    assert simpan(enrolled, step, draft) == ("scanned", 0)


def test_a_scan_whose_nik_differs_from_the_synced_record_is_an_error_with_a_next_step(
        qtbot, make_step, enrolled: Kiosk, gateway: RunningGateway, capsys: pytest.CaptureFixture) -> None:
    step, draft = make_step(enrolled), new_draft(enrolled)
    step.enter(draft)
    simpan(enrolled, step, draft)
    enrolled.clock.advance(minutes=1)
    assert enrolled.sync().acknowledged == 1  # the record, with NIK's check, is at the gateway
    draft.nik = OTHER_NIK  # the same visit shown again with a NIK typed otherwise
    step.enter(draft)
    assert phone_scans(capsys, gateway, step.token.text) == "nik_mismatch"
    qtbot.waitUntil(lambda: step.banner.message_text() != "", timeout=10_000)
    assert "tidak cocok" in step.banner.message_text() and not draft.activation_scanned


def test_a_scan_before_the_nik_was_corrected_does_not_count(
        qtbot, make_step, enrolled: Kiosk, gateway: RunningGateway, capsys: pytest.CaptureFixture) -> None:
    step, draft = make_step(enrolled), new_draft(enrolled, OTHER_NIK)
    step.enter(draft)
    assert phone_scans(capsys, gateway, step.token.text) == "pending"
    qtbot.waitUntil(step.scanned, timeout=10_000)
    step.leave()
    draft.nik = NIK  # the officer went back to Identitas and corrected the NIK
    step.enter(draft)
    assert not step.scanned() and "Menunggu" in step.scan_state.text()
    assert simpan(enrolled, step, draft) == ("shown_unconfirmed", 0)


def test_a_kiosk_not_enrolled_does_not_poll_and_says_the_scan_is_confirmed_at_sync(
        qtbot, make_step, kiosk: Kiosk) -> None:
    step, draft = make_step(kiosk), new_draft(kiosk)
    step.enter(draft)
    assert "belum terhubung" in step.scan_state.text() and "sinkron" in step.scan_state.text()
    assert not step._watch.following() and not step._watch.thread.isRunning()
    assert simpan(kiosk, step, draft) == ("shown_unconfirmed", 0)


@pytest.fixture
def silent_gateway() -> Iterator[str]:
    """An address that takes the connection and never answers."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    listener.close()


def test_a_gateway_that_never_answers_leaves_the_step_usable(
        qtbot, make_step, enrolled: Kiosk, silent_gateway: str) -> None:
    sync_settings.set_setting(enrolled.store.database, sync_settings.SERVER_URL, silent_gateway)
    step, draft = make_step(enrolled), new_draft(enrolled)
    step.enter(draft)
    qtbot.waitUntil(lambda: step._watch._waiting, timeout=5_000)  # a question is out, unanswered
    started = time.monotonic()
    step.renew()
    qtbot.wait(2 * POLL_MS)  # the GUI keeps turning while the question hangs
    assert time.monotonic() - started < 1.5 and step._watch._waiting
    assert "Menunggu" in step.scan_state.text() and step.token.seconds_left(time.time()) > 80
    assert simpan(enrolled, step, draft) == ("shown_unconfirmed", 1)
