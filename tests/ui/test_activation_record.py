"""What the activation step gives the record, and on which clock: the NIK check always of the NIK
the draft holds when the QR is shown, and QR codes dated on the kiosk's clock as the gateway reckons
it, wired by the composition root (a kiosk whose own clock is 200 s behind)."""

from __future__ import annotations

import time
from pathlib import Path

from kiosk.activation_token import nik_check
from kiosk.record import CitizenDraft
from kiosk.store import open_store
from kiosk.sync import sync_settings
from kiosk.ui.app import build_window
from kiosk.ui.main_window import MainWindow
from kiosk.ui.screens.activation_step import ActivationStep

NIK, CORRECTED_NIK = "1371115708900001", "1371115708900002"


def test_a_nik_corrected_after_the_qr_was_shown_gets_its_own_check(qtbot, data_dir: Path) -> None:
    store = open_store(data_dir)
    try:
        step = ActivationStep(store.keys)
        qtbot.addWidget(step)
        draft = CitizenDraft(nik=NIK)
        step.enter(draft)
        assert draft.nik_check == nik_check(draft.record_id, NIK).hex()
        assert draft.activation_nonce == step.token.nonce
        step.leave()
        draft.nik = CORRECTED_NIK  # the officer went back and corrected the NIK
        step.enter(draft)
        assert draft.nik_check == nik_check(draft.record_id, CORRECTED_NIK).hex()
        assert step.token.nik_hash.hex() == draft.nik_check and draft.activation_nonce == step.token.nonce
        step.reset()
    finally:
        store.database.close()


def test_the_desk_dates_the_activation_qr_on_the_offset_learnt_from_the_gateway(data_dir: Path,
                                                                                show_window) -> None:
    store = open_store(data_dir)
    sync_settings.set_setting(store.database, sync_settings.CLOCK_OFFSET, "200.0")  # saved by a sync pass
    store.database.close()
    window = show_window(build_window(data_dir, demo=False))
    assert isinstance(window, MainWindow)
    activation = window.flow_screen.activation
    assert abs(activation._now() - (time.time() + 200)) < 5
