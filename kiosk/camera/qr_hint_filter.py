"""Turns the reader's per-frame hint ("move closer", "hold still") into a steady line for the
screen: a hint is reported when it starts, changes or ends, never once per frame.

A hint starts once ``required_frames`` frames saw a code they could not read with no gap of
``clear_after`` seconds between them (a far code is found in some frames only; one frame of a
poster's pattern must not flash the line), stays at least ``min_show`` seconds before the other
hint replaces it, and ends at once when a code is read or after ``clear_after`` seconds without
a code seen and unread (the phone was taken away)."""

from __future__ import annotations

import time
from collections.abc import Callable

from kiosk.camera.qr_scan import QrHint, QrScan

class QrHintFilter:
    def __init__(self, required_frames: int = 2, clear_after: float = 1.5, min_show: float = 1.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if required_frames < 1 or clear_after <= 0 or min_show < 0:
            raise ValueError("required_frames >= 1, clear_after > 0 and min_show >= 0")
        self.required_frames = required_frames
        self.clear_after = clear_after
        self.min_show = min_show
        self._clock = clock
        self.current: QrHint | None = None
        self._unread_frames = 0  # frames with a code seen and not read, since the last gap
        self._last_unread = float("-inf")  # when a code was last seen and not read
        self._shown_at = float("-inf")

    def feed(self, scan: QrScan) -> bool:
        """One frame's scan in; True when ``current`` changed (show it, or hide the line)."""
        now = self._clock()
        if scan.texts:
            self._unread_frames = 0
            self._last_unread = float("-inf")
            return self._set(None, now)
        if scan.hint is None:
            if self.current is not None and now - self._last_unread >= self.clear_after:
                return self._set(None, now)
            return False
        if now - self._last_unread >= self.clear_after:
            self._unread_frames = 0
        self._unread_frames += 1
        self._last_unread = now
        if self._unread_frames < self.required_frames or scan.hint is self.current:
            return False
        if self.current is not None and now - self._shown_at < self.min_show:
            return False  # the line the citizen is reading stays a moment
        return self._set(scan.hint, now)

    def reset(self) -> bool:
        """The screen changed: no hint; True when one was showing (hide it)."""
        self._unread_frames = 0
        self._last_unread = float("-inf")
        return self._set(None, self._clock())

    def _set(self, hint: QrHint | None, now: float) -> bool:
        if hint is self.current:
            return False
        self.current, self._shown_at = hint, now
        return True
