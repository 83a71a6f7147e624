"""The hint line under the camera changes only when what would help changes: not once per frame,
not for one stray frame, gone when a code is read or the phone is taken away."""

from __future__ import annotations

import pytest

from kiosk.camera.qr_hint_filter import QrHintFilter
from kiosk.camera.qr_scan import QrHint, QrScan

FAR = QrScan([], QrHint.MOVE_CLOSER)
BLURRED = QrScan([], QrHint.HOLD_STILL)
NOTHING = QrScan([], None)
READ = QrScan(["1371115708900001"], None)
FRAME = 1 / 25


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def run(hints: QrHintFilter, clock: Clock, scans: list[QrScan]) -> list[QrHint | None]:
    """The changes reported while ``scans`` come in at 25 frames a second."""
    changes = []
    for scan in scans:
        if hints.feed(scan):
            changes.append(hints.current)
        clock.now += FRAME
    return changes


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def hints(clock: Clock) -> QrHintFilter:
    return QrHintFilter(clock=clock)


def test_a_far_code_held_for_seconds_is_reported_once(hints: QrHintFilter, clock: Clock) -> None:
    assert run(hints, clock, [FAR] * 75) == [QrHint.MOVE_CLOSER]


def test_a_far_code_found_in_some_frames_only_still_shows_one_steady_hint(hints, clock) -> None:
    assert run(hints, clock, [FAR, NOTHING, NOTHING] * 25) == [QrHint.MOVE_CLOSER]


def test_one_stray_frame_never_shows_a_hint(hints: QrHintFilter, clock: Clock) -> None:
    assert run(hints, clock, [NOTHING] * 10 + [FAR] + [NOTHING] * 60 + [BLURRED] + [NOTHING] * 10) == []


def test_a_read_code_hides_the_hint_at_once(hints: QrHintFilter, clock: Clock) -> None:
    assert run(hints, clock, [FAR] * 10 + [READ]) == [QrHint.MOVE_CLOSER, None]


def test_the_hint_goes_a_moment_after_the_phone_is_taken_away(hints: QrHintFilter, clock: Clock) -> None:
    assert run(hints, clock, [FAR] * 10 + [NOTHING] * 30) == [QrHint.MOVE_CLOSER]  # 1.2 s: still there
    assert run(hints, clock, [NOTHING] * 10) == [None]


def test_a_hint_stays_readable_before_the_other_one_replaces_it(hints: QrHintFilter, clock: Clock) -> None:
    """Near the line between the two hints the reader may say either on alternate frames."""
    changes = run(hints, clock, [FAR, BLURRED] * 50)  # 4 s, a different hint on every frame
    assert 1 <= len(changes) <= 4  # at most one change a second
    assert None not in changes
    run(hints, clock, [BLURRED] * 30)
    assert hints.current is QrHint.HOLD_STILL


def test_reset_hides_a_hint_and_says_so_only_when_one_showed(hints: QrHintFilter, clock: Clock) -> None:
    assert hints.reset() is False
    run(hints, clock, [FAR] * 5)
    assert hints.reset() is True and hints.current is None
    assert run(hints, clock, [FAR]) == []  # counting starts again


@pytest.mark.parametrize("arguments", [{"required_frames": 0}, {"clear_after": 0}, {"min_show": -1}])
def test_impossible_settings_are_refused(arguments: dict) -> None:
    with pytest.raises(ValueError):
        QrHintFilter(**arguments)
