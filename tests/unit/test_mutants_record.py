"""A record's life as the officer meets it: a refused state change names both states and says
what to do, and a draft that is not complete names each missing part."""

from __future__ import annotations

import datetime as dt

import pytest

from kiosk.record import CitizenDraft, Consent, InvalidTransition, RecordState, check_transition


def test_a_refused_state_change_names_both_states_and_the_next_step() -> None:
    with pytest.raises(InvalidTransition) as refused:
        check_transition(RecordState.PURGED, RecordState.QUEUED)
    assert refused.value.message == "Status data tidak bisa diubah dari purged ke queued."
    assert refused.value.next_step == "Muat ulang daftar antrean lalu coba lagi."


def test_an_empty_draft_names_every_missing_part_in_order() -> None:
    assert CitizenDraft().missing_parts() == ["nik", "email", "phone", "consent", "photo"]


def test_a_complete_draft_misses_nothing() -> None:
    draft = CitizenDraft(nik="1371115708900001", email="warga@gmail.com", phone="+6281234567890",
                         consent=Consent("PDP-2026-1", dt.datetime(2026, 11, 27, 9, 0)), photo_jpeg=b"\xff\xd8")
    assert draft.missing_parts() == []
    draft.phone = ""
    assert draft.missing_parts() == ["phone"]
