"""Expected errors: each carries an Indonesian message for the officer and the next step to take.

Bugs are not ``KioskError``: they go to the crash log. Anything an officer can cause or fix
(bad input, a full disk, a dead camera, a corrupt file) is raised as a subclass of ``KioskError``.
"""

from __future__ import annotations


class KioskError(Exception):
    """An expected failure with a translated ``message`` and a translated ``next_step``."""

    def __init__(self, message: str, next_step: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.next_step = next_step

    def __str__(self) -> str:
        return f"{self.message} {self.next_step}".strip()


class DataDirError(KioskError):
    """The data folder cannot be created or written."""


class DatabaseError(KioskError):
    """The database file is corrupt, locked or from a newer version of the kiosk."""


class CameraError(KioskError):
    """The camera cannot be opened or stopped delivering frames."""


class InvalidQrPayload(KioskError):
    """A scanned code is not something the kiosk accepts."""


class PermissionDenied(KioskError):
    """The acting officer is not an active supervisor and the action is for supervisors only."""
