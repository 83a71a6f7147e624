"""A record's life: only the documented transitions, purged is final, quarantine needs a decision,
and the store enforces the same rules on a real SQLite file (also across a reopen)."""

from __future__ import annotations

import datetime as dt
import itertools
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from kiosk.record import (
    ALLOWED_TRANSITIONS,
    FINAL_STATES,
    UNSYNCED_STATES,
    CitizenDraft,
    Consent,
    InvalidTransition,
    RecordState,
    Stand,
    check_transition,
    state_label,
)
from kiosk.store import open_store

S = RecordState
ALLOWED_PAIRS = [(old, new) for old, targets in ALLOWED_TRANSITIONS.items() for new in targets]
FORBIDDEN_PAIRS = [(old, new) for old, new in itertools.product(S, S) if new not in ALLOWED_TRANSITIONS[old]]


@pytest.mark.parametrize(("old", "new"), ALLOWED_PAIRS)
def test_allowed_transitions(old: RecordState, new: RecordState) -> None:
    check_transition(old, new)


@pytest.mark.parametrize(("old", "new"), FORBIDDEN_PAIRS)
def test_forbidden_transitions(old: RecordState, new: RecordState) -> None:
    with pytest.raises(InvalidTransition) as caught:
        check_transition(old, new)
    assert "tidak bisa diubah" in caught.value.message
    assert caught.value.next_step


def test_the_documented_life() -> None:
    assert ALLOWED_TRANSITIONS[S.PURGED] == frozenset()
    assert S.QUEUED in ALLOWED_TRANSITIONS[S.SENDING]  # a transport failure never drops a record
    assert ALLOWED_TRANSITIONS[S.ACKNOWLEDGED] == FINAL_STATES
    assert all(S.QUARANTINED not in ALLOWED_TRANSITIONS[s] for s in FINAL_STATES | {S.ACKNOWLEDGED})
    assert S.SEALED in UNSYNCED_STATES and S.PROCESSED not in UNSYNCED_STATES


def test_state_labels_are_indonesian() -> None:
    assert {state: state_label(state) for state in S} == {
        S.CAPTURED: "Diambil", S.SEALED: "Disegel", S.QUEUED: "Menunggu kirim",
        S.SENDING: "Sedang dikirim", S.ACKNOWLEDGED: "Diterima server", S.PROCESSED: "Aktif",
        S.REJECTED: "Ditolak", S.QUARANTINED: "Perlu diperiksa", S.PURGED: "Data dihapus",
    }


def walk(requests: list[RecordState], start: RecordState = S.CAPTURED) -> list[RecordState]:
    """The states a record passes through when each request is tried in turn."""
    path = [start]
    for new in requests:
        try:
            check_transition(path[-1], new)
        except InvalidTransition:
            continue
        path.append(new)
    return path


@given(st.lists(st.sampled_from(S), max_size=40))
def test_random_request_sequences_follow_the_life(requests: list[RecordState]) -> None:
    path = walk(requests)
    for old, new in zip(path, path[1:]):
        assert new in ALLOWED_TRANSITIONS[old]
    if S.PURGED in path:
        assert path.index(S.PURGED) == len(path) - 1  # nothing ever leaves purged
    for index, state in enumerate(path):
        if state in FINAL_STATES:
            assert path[index - 1] is S.ACKNOWLEDGED  # an outcome only after the server took it
        if state is S.ACKNOWLEDGED:
            assert path[index - 1] is S.SENDING


@given(st.lists(st.sampled_from(S), max_size=40))
def test_quarantine_is_left_only_by_a_decision(requests: list[RecordState]) -> None:
    path = walk(requests, start=S.QUARANTINED)
    if len(path) > 1:
        assert path[1] in {S.QUEUED, S.PURGED}  # re-queued or erased by a supervisor, nothing else


STAND = Stand("Posyandu RW 03", "13.71.11.1009", "Lubuk Buaya")
WIB = dt.timezone(dt.timedelta(hours=7))


class StoredRecordLife(RuleBasedStateMachine):
    """Random state requests against a sealed record in a real store, checked against a model."""

    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="kiosk-state-"))
        self.store = open_store(self.folder, clock=lambda: dt.datetime(2026, 11, 27, 10, tzinfo=WIB))
        officer = self.store.database.execute(
            "INSERT INTO officers (name, nip, role, pin_hash, created_at) "
            "VALUES ('Rahmat Hidayat', '198903212014031002', 'officer', 'x', '2026-11-27')").lastrowid
        draft = CitizenDraft(nik="1371115708900001", email="warga@example.com", phone="+6281234567890",
                             consent=Consent("PDP-2026-1", dt.datetime(2026, 11, 27, tzinfo=WIB)),
                             photo_jpeg=b"\xff\xd8 not really a photo")
        self.record_id = self.store.seal(draft, officer, STAND).record_id
        self.expected = S.QUEUED

    @rule(new=st.sampled_from(S))
    def request(self, new: RecordState) -> None:
        allowed = new in ALLOWED_TRANSITIONS[self.expected]
        try:
            self.store.transition(self.record_id, new, reason="uji")
        except InvalidTransition:
            assert not allowed
            return
        assert allowed
        self.expected = new

    @rule()
    def reopen(self) -> None:
        clock = self.store.clock
        self.store.database.close()
        self.store = open_store(self.folder, clock=clock)

    @invariant()
    def stored_state_matches_the_model(self) -> None:
        summary = self.store.get(self.record_id)
        assert summary is not None  # a record row is never deleted, purged or not
        assert summary.state is self.expected

    def teardown(self) -> None:
        self.store.database.close()
        shutil.rmtree(self.folder)


TestStoredRecordLife = StoredRecordLife.TestCase
TestStoredRecordLife.settings = settings(
    max_examples=30, stateful_step_count=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
