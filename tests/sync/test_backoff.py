"""Backoff: capped exponential with full jitter, always within [1, 300] s without Retry-After,
never shorter than Retry-After (up to the one-hour cap) with it; Retry-After in both forms."""

from __future__ import annotations

import email.utils
import random

from hypothesis import given
from hypothesis import strategies as st

from kiosk.sync.backoff import backoff_delay, parse_retry_after

seeds = st.integers(min_value=0, max_value=2**32)
attempts = st.integers(min_value=0, max_value=10_000)


@given(attempts, seeds)
def test_without_retry_after_the_delay_is_within_1_and_300_seconds(n: int, seed: int) -> None:
    assert 1.0 <= backoff_delay(n, random.Random(seed)) <= 300.0


@given(attempts, seeds, st.floats(min_value=0, max_value=3600, allow_nan=False))
def test_with_retry_after_the_delay_is_at_least_retry_after(n: int, seed: int, retry_after: float) -> None:
    delay = backoff_delay(n, random.Random(seed), retry_after)
    assert retry_after <= delay <= 3600.0 and delay >= 1.0


@given(attempts, seeds, st.floats(min_value=3600, max_value=1e9, allow_nan=False))
def test_a_huge_retry_after_is_capped_at_one_hour(n: int, seed: int, retry_after: float) -> None:
    assert backoff_delay(n, random.Random(seed), retry_after) == 3600.0


def test_the_ceiling_grows_exponentially_then_caps() -> None:
    rng = random.Random(1)
    early = max(backoff_delay(1, rng) for _ in range(2000))
    later = max(backoff_delay(20, rng) for _ in range(2000))
    assert early <= 4.0 and 280.0 < later <= 300.0


def test_full_jitter_spreads_the_retries() -> None:
    rng = random.Random(2)
    delays = [backoff_delay(10, rng) for _ in range(1000)]
    assert min(delays) < 30.0 and max(delays) > 270.0


def test_retry_after_seconds_and_http_date() -> None:
    now = 1_800_000_000.0
    assert parse_retry_after("120", now) == 120.0
    assert parse_retry_after(email.utils.formatdate(now + 90, usegmt=True), now) == 90.0
    assert parse_retry_after(email.utils.formatdate(now - 90, usegmt=True), now) == 0.0
    for bad in (None, "", "soon", "-5", "1.5", "Wed, 99 Foo 2026 99:99:99 GMT"):
        assert parse_retry_after(bad, now) is None
