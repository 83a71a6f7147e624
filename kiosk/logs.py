"""The kiosk's own log files, in ``<data>/logs/``: ``kiosk.log`` (rotating, 5 x 1 MB) for what
happened, and ``crash.log`` where ``faulthandler`` writes the Python stacks of a hard crash
(a segfault in a native library). Support reads them; nothing personal goes in.

The code never logs a NIK, a name, an email, a phone number or a photo. As a second line of
defence a filter blanks anything in a log message that looks like one of those, so a careless
log line added later still cannot leak them."""

from __future__ import annotations

import faulthandler
import logging
import logging.handlers
import re
from pathlib import Path

from kiosk.paths import logs_dir

LOG_FILE = "kiosk.log"
CRASH_FILE = "crash.log"
MAX_BYTES = 1_000_000
BACKUPS = 4
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

_PERSONAL = (
    (re.compile(r"(?<!\d)\d{16}(?!\d)"), "[NIK?]"),  # a NIK, or any 16-digit run
    (re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+"), "[email]"),
    (re.compile(r"(?<![\w+])(\+62|62|0)8\d{7,11}(?!\d)"), "[telepon]"),
)


def redact(text: str) -> str:
    for pattern, replacement in _PERSONAL:
        text = pattern.sub(replacement, text)
    return text


class RedactingFormatter(logging.Formatter):
    """Formats as usual (tracebacks included), then blanks anything that looks personal."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


_crash_file = None  # kept open for faulthandler for the life of the process


def setup_logging(data_dir: Path, level: int = logging.INFO) -> Path:
    """Log to ``<data>/logs/kiosk.log`` and arm ``faulthandler``; returns the logs folder.
    Safe to call again (a second call replaces the kiosk's handler, never adds one)."""
    global _crash_file
    folder = logs_dir(data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    handler = logging.handlers.RotatingFileHandler(folder / LOG_FILE, maxBytes=MAX_BYTES,
                                                   backupCount=BACKUPS, encoding="utf-8")
    handler.setFormatter(RedactingFormatter(FORMAT))
    handler.set_name("kiosk-file")
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == "kiosk-file"]:
        root.removeHandler(old)
        old.close()
    root.addHandler(handler)
    root.setLevel(level)
    if _crash_file is None or _crash_file.closed:
        _crash_file = open(folder / CRASH_FILE, "a", encoding="utf-8")  # noqa: SIM115 - open for the process
        faulthandler.enable(_crash_file)
    return folder
