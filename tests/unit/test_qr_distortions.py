"""The default QR reader on camera-like frames under distortions (tools/qr_corpus.py): read rate
per class, zero wrong payloads, nothing read without a code, both codes read on two-code frames.

The corpus is made from fixed seeds, so each rate below is exact for this build; the thresholds
sit a little under the rates measured here (given after each) so that a real regression fails
while another OpenCV or zxing-cpp build that renders a pixel differently does not.
"""

from __future__ import annotations

import re
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools"))

import qr_corpus  # noqa: E402  (tools/ holds the corpus shared with bench/bench_qr.py)

from kiosk.activation_token import MAX_TOKEN_LENGTH  # noqa: E402
from kiosk.camera.qr_reader import ZxingQrReader  # noqa: E402
from kiosk.qr_payload import PayloadSource, parse_qr_payload  # noqa: E402

pytestmark = pytest.mark.slow  # ~10 s: the corpus is made and read once per run

PER_CLASS = 24  # half 720p, half 1080p; the whole corpus takes ~10 s to make and read

# Minimum share of frames whose codes are all read (measured with zxing-cpp 3.1 in brackets).
MIN_READ_RATE = {
    "clean": 1.0,  # (24/24)
    "tilt": 0.95,  # (24/24) 25-35 deg
    "blur": 0.75,  # (21/24) misses: motion streaks of ~2 modules, defocus near 0.5 module
    "low_light": 0.95,  # (24/24)
    "phone_screen": 0.85,  # (22/24) misses: a saturated glare spot over the code
    "small": 1.0,  # (24/24) 3-4 px per module
    "rotated": 1.0,  # (24/24)
    "occluded": 0.95,  # (24/24) a fingertip over 3-7 % of the modules, away from the finder patterns
    "occluded_finder": 0.0,  # (0/24) a covered finder pattern: no decoder finds the code (not a goal)
    "dark_mode": 1.0,  # (24/24)
    "two_codes": 1.0,  # (24/24) both codes
    "none": 1.0,  # (24/24) nothing read
}


@dataclass(frozen=True)
class Outcome:
    name: str
    kind: str
    expected: tuple[str, ...]
    decoded: tuple[str, ...]
    px_per_module: float
    params: dict

    @property
    def read(self) -> bool:
        return set(self.expected) <= set(self.decoded) if self.expected else not self.decoded


@pytest.fixture(scope="module")
def outcomes() -> dict[str, list[Outcome]]:
    """Every corpus frame read once by the default reader; frames are not kept (memory)."""
    reader = ZxingQrReader()
    by_class: dict[str, list[Outcome]] = defaultdict(list)
    for sample in qr_corpus.corpus(PER_CLASS):
        decoded = tuple(reader.decode(sample.frame))
        by_class[sample.kind].append(Outcome(sample.name, sample.kind, sample.expected, decoded,
                                             sample.px_per_module, sample.params))
    return dict(by_class)


def test_thresholds_cover_every_class() -> None:
    assert set(MIN_READ_RATE) == set(qr_corpus.CLASSES)


@pytest.mark.parametrize("kind", qr_corpus.CLASSES)
def test_read_rate_per_class(outcomes: dict[str, list[Outcome]], kind: str) -> None:
    rows = outcomes[kind]
    rate = sum(row.read for row in rows) / len(rows)
    missed = [(row.name, row.params) for row in rows if not row.read]
    assert rate >= MIN_READ_RATE[kind], f"{kind}: {rate:.0%} read, missed {missed}"


def test_no_wrong_payload_anywhere(outcomes: dict[str, list[Outcome]]) -> None:
    """A decoded text that is not in the frame would fill the form with someone else's NIK."""
    wrong = [(row.name, text) for rows in outcomes.values() for row in rows
             for text in row.decoded if text not in row.expected]
    assert wrong == []


def test_nothing_read_without_a_code(outcomes: dict[str, list[Outcome]]) -> None:
    scenes = {row.params["scene"] for row in outcomes["none"]}
    assert scenes == {"desk", "blocks", "text", "face", "checkerboard", "fake_qr"}
    assert [row.decoded for row in outcomes["none"] if row.decoded] == []


def test_both_codes_read_on_two_code_frames(outcomes: dict[str, list[Outcome]]) -> None:
    rows = outcomes["two_codes"]
    assert all(len(set(row.expected)) == 2 for row in rows)
    assert [row.name for row in rows if set(row.decoded) != set(row.expected)] == []


def test_read_rate_goal_at_3_px_per_module(outcomes: dict[str, list[Outcome]]) -> None:
    """Issue 3: >= 95 % read on frames with >= 3 px per module (a covered finder excepted)."""
    rows = [row for kind, rows in outcomes.items() if kind not in ("none", "occluded_finder")
            for row in rows if row.px_per_module >= 3.0]
    assert sum(row.read for row in rows) / len(rows) >= 0.95


def test_samples_record_their_class_and_scale(outcomes: dict[str, list[Outcome]]) -> None:
    for kind, rows in outcomes.items():
        assert len(rows) == PER_CLASS and all(row.kind == kind for row in rows)
    small = [row.px_per_module for row in outcomes["small"]]
    assert 2.9 <= min(small) and max(small) <= 4.0
    assert all(row.px_per_module >= 3.0 for kind in ("clean", "rotated", "dark_mode") for row in outcomes[kind])
    assert all(25 <= row.params["tilt_deg"] <= 35 for row in outcomes["tilt"])
    assert all(row.params["finger_on"] == "BR" and row.params["covered_pct"] <= 8 for row in outcomes["occluded"])
    assert {row.params["finger_on"] for row in outcomes["occluded_finder"]} <= {"TL", "TR", "BL"}


def test_payloads_are_what_the_kiosk_meets(outcomes: dict[str, list[Outcome]]) -> None:
    """NIK, JSON, URL and receipt payloads parse as scans; activation tokens have the token's shape."""
    kinds_seen = set()
    for row in outcomes["clean"]:
        kind, text = row.params["payload"], row.expected[0]
        kinds_seen.add(kind)
        if kind == "activation":
            assert re.fullmatch(r"IKD1:[0-9A-Z $%*+\-./:]+", text) and len(text) <= MAX_TOKEN_LENGTH
            continue
        expected_source = {"nik": PayloadSource.NIK, "json": PayloadSource.JSON, "url": PayloadSource.URL,
                           "receipt": PayloadSource.RECEIPT}[kind]
        assert parse_qr_payload(text).source is expected_source
    assert kinds_seen == set(qr_corpus.PAYLOAD_KINDS)


def test_a_sample_is_the_same_every_time() -> None:
    first, again = qr_corpus.make_sample("phone_screen", 5), qr_corpus.make_sample("phone_screen", 5)
    assert first.expected == again.expected and first.params == again.params
    assert np.array_equal(first.frame, again.frame)
    assert first.frame.shape == (1080, 1920, 3) and qr_corpus.make_sample("clean", 0).frame.shape == (720, 1280, 3)
