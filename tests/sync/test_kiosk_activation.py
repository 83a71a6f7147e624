"""The activation QR end to end: a kiosk's real activation step shows the QR, its store seals the
citizen, the uploader syncs to the real gateway on loopback, and the citizen's phone (``kiosk ikd-app
scan``) is told activated, nik_mismatch, or pending until the kiosk syncs. A kiosk whose own clock is
200 s behind still issues QR codes the gateway takes, because they are dated on the corrected clock."""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable

import pytest

from client_fixtures import Kiosk
from gateway_harness import RunningGateway
from kiosk import cli
from kiosk.activation_token import issue_token, nik_check
from kiosk.demo_data import synthetic_portrait
from kiosk.record import CitizenDraft, Consent, RecordState, Stand
from kiosk.sync import sync_settings
from kiosk.sync.enrollment import enroll
from kiosk.sync.gateway_activations import list_activations
from kiosk.sync.uploader import open_uploader
from kiosk.ui.screens.activation_step import ActivationStep

STAND = Stand("Kantor Lurah Lubuk Buaya", "13.71.11.1009", "Lubuk Buaya")
NIK, OTHER_NIK = "1371115708900001", "1371115708900002"
PHOTO = synthetic_portrait(random.Random(5))


def officer_id(kiosk: Kiosk) -> int:
    # Straight into the table: an argon2id hash costs ~0.3 s and accounts have their own tests.
    return kiosk.store.database.execute(
        "INSERT INTO officers (name, nip, role, pin_hash, created_at) VALUES (?, ?, ?, ?, ?)",
        ("Rahmat Hidayat", "198903212014031002", "officer", "not-a-hash", kiosk.clock().isoformat())).lastrowid


def activation_step(qtbot, kiosk: Kiosk, now: Callable[[], float]) -> ActivationStep:
    step = ActivationStep(kiosk.store.keys, now)
    qtbot.addWidget(step)
    return step


def seal_with_qr_shown(kiosk: Kiosk, step: ActivationStep, nik: str = NIK) -> tuple[CitizenDraft, str]:
    """The officer at the activation step: the QR on screen, then Simpan. Returns the draft and the
    text of the QR the citizen's phone read."""
    draft = CitizenDraft(nik=nik, email="siti.rahma84@gmail.com", phone="+6281234567890",
                         consent=Consent("PDP-2026-1", kiosk.clock()), photo_jpeg=PHOTO)
    step.enter(draft)
    shown = step.token.text
    assert step.commit(draft), step.banner.message_text()
    step.leave()
    seal(kiosk, draft)
    return draft, shown


def seal(kiosk: Kiosk, draft: CitizenDraft) -> None:
    kiosk.store.seal(draft, officer_id(kiosk), STAND)
    kiosk.clock.advance(minutes=1)  # the uploader's clock (held by the test) past the sealing time


def scan(capsys: pytest.CaptureFixture, gateway: RunningGateway, text: str) -> tuple[int, str]:
    """The citizen's phone: ``kiosk ikd-app scan --text`` against the gateway."""
    status = cli.run(["ikd-app", "scan", "--server", gateway.url, "--text", text, "--json"])
    return status, json.loads(capsys.readouterr().out)["result"]


def statuses(gateway: RunningGateway) -> list[tuple[str, str]]:
    return [(a["record_id"], a["status"]) for a in list_activations(gateway.store)]


def test_the_qr_shown_at_sealing_activates_and_a_scan_before_the_sync_waits_for_it(
        qtbot, enrolled: Kiosk, gateway: RunningGateway, capsys: pytest.CaptureFixture) -> None:
    step = activation_step(qtbot, enrolled, sync_settings.CorrectedClock(enrolled.store.database))
    draft, shown = seal_with_qr_shown(enrolled, step)
    assert scan(capsys, gateway, shown) == (0, "pending")  # the record is still on the kiosk
    assert statuses(gateway) == [(draft.record_id, "pending")]

    report = enrolled.sync()
    assert report.error is None and report.acknowledged == 1
    assert statuses(gateway) == [(draft.record_id, "activated")]  # decided as the record arrived
    sent = gateway.store.query("SELECT nik_check FROM records WHERE record_id = ?", (draft.record_id,))
    assert sent == [(nik_check(draft.record_id, NIK).hex(),)]

    step.renew()  # F5 on the same citizen after the sync: the new QR is decided at once
    assert scan(capsys, gateway, step.token.text) == (0, "activated")
    assert scan(capsys, gateway, step.token.text) == (1, "already_used")


def test_a_qr_whose_nik_check_is_another_niks_is_nik_mismatch(
        qtbot, enrolled: Kiosk, gateway: RunningGateway, capsys: pytest.CaptureFixture) -> None:
    step = activation_step(qtbot, enrolled, sync_settings.CorrectedClock(enrolled.store.database))
    draft, _ = seal_with_qr_shown(enrolled, step)
    keys = enrolled.store.keys
    other = issue_token(keys.signing_key, draft.record_id, keys.device_id, time.time(),
                        nik_check(draft.record_id, OTHER_NIK))
    assert scan(capsys, gateway, other.text) == (0, "pending")
    assert enrolled.sync().acknowledged == 1
    assert statuses(gateway) == [(draft.record_id, "nik_mismatch")]
    late = issue_token(keys.signing_key, draft.record_id, keys.device_id, time.time(),
                       nik_check(draft.record_id, OTHER_NIK))
    assert scan(capsys, gateway, late.text) == (1, "nik_mismatch")


def test_a_record_saved_as_activation_later_still_decides_a_scan_made_in_time(
        qtbot, enrolled: Kiosk, gateway: RunningGateway, capsys: pytest.CaptureFixture) -> None:
    """The citizen scanned, the QR ran out before Simpan, the officer chose "Warga aktivasi nanti":
    the record still carries the NIK check, so the waiting scan is matched, not taken on trust."""
    moment = [time.time()]
    step = activation_step(qtbot, enrolled, lambda: moment[0])
    draft = CitizenDraft(nik=NIK, email="siti.rahma84@gmail.com", phone="+6281234567890",
                         consent=Consent("PDP-2026-1", enrolled.clock()), photo_jpeg=PHOTO)
    step.enter(draft)
    assert scan(capsys, gateway, step.token.text) == (0, "pending")
    moment[0] += 91
    assert not step.commit(draft)  # expired: Simpan refuses, "Warga aktivasi nanti" is offered
    draft.activation_later = True
    seal(enrolled, draft)
    assert enrolled.sync().acknowledged == 1
    assert statuses(gateway) == [(draft.record_id, "activated")]


def test_a_kiosk_200_s_behind_issues_qr_codes_the_gateway_takes(
        qtbot, kiosk: Kiosk, gateway: RunningGateway, capsys: pytest.CaptureFixture) -> None:
    def behind() -> float:
        return time.time() - 200

    enroll(kiosk.store.database, kiosk.store.keys, gateway.url, gateway.store.new_enroll_code(), clock=behind)
    assert sync_settings.clock_offset(kiosk.store.database) == pytest.approx(200, abs=5)
    corrected = activation_step(qtbot, kiosk, sync_settings.CorrectedClock(kiosk.store.database, behind))
    draft, shown = seal_with_qr_shown(kiosk, corrected)
    assert 85 <= corrected.token.seconds_left(corrected._now()) <= 90  # the officer sees a full countdown
    uploader = open_uploader(kiosk.store.database, kiosk.store.keys, clock=kiosk.clock, epoch_clock=behind)
    try:
        report = uploader.run_once()  # its requests are signed on the corrected clock
    finally:
        uploader.client.close()
    assert report.error is None and report.acknowledged == 1
    assert kiosk.store.get(draft.record_id).state in (RecordState.PROCESSED, RecordState.REJECTED)
    assert scan(capsys, gateway, shown) == (0, "activated")

    uncorrected = activation_step(qtbot, kiosk, behind)  # what the step did before: the stand's clock
    uncorrected.enter(draft)
    assert scan(capsys, gateway, uncorrected.token.text) == (1, "expired")
