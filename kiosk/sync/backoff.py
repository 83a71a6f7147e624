"""When to try a record again: capped exponential backoff with full jitter, Retry-After honoured.

delay = max(1 s, U(0, min(300 s, 2 s * 2^attempts))); with a Retry-After, max(Retry-After, delay)
capped at one hour. Transport failures have no attempt limit; the delay is stored in SQLite.
"""

from __future__ import annotations

import email.utils
import random

FLOOR_SECONDS = 1.0
BASE_SECONDS = 2.0
CAP_SECONDS = 300.0
RETRY_AFTER_CAP_SECONDS = 3600.0
SHORT_RETRY_SECONDS = (1.0, 5.0)  # missing_blobs / retry_later: no strike, a short wait


def backoff_delay(attempts: int, rng: random.Random, retry_after: float | None = None) -> float:
    """Seconds to wait after ``attempts`` tries (>= 0)."""
    ceiling = min(CAP_SECONDS, BASE_SECONDS * 2.0 ** min(max(attempts, 0), 16))
    delay = max(FLOOR_SECONDS, rng.uniform(0.0, ceiling))
    if retry_after is not None:
        delay = min(RETRY_AFTER_CAP_SECONDS, max(retry_after, delay))
    return delay


def short_delay(rng: random.Random) -> float:
    return rng.uniform(*SHORT_RETRY_SECONDS)


def parse_retry_after(value: str | None, now: float) -> float | None:
    """Seconds from a ``Retry-After`` header: delta-seconds or an HTTP date (RFC 9110 10.2.3)."""
    if not value:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # an HTTP date is always GMT
        return None
    return max(0.0, when.timestamp() - now)
