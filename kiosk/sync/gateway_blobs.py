"""Content-addressed blob files of the gateway: ``<data dir>/blobs/<sha[:2]>/<sha>``, written
atomically (temporary file, fsync, rename) and only after their sha256 was checked."""

from __future__ import annotations

import hashlib
import os
import re
import secrets
from pathlib import Path

from kiosk.durable_files import fsync_dir

SHA256_PATTERN = r"^[0-9a-f]{64}$"
_SHA256 = re.compile(SHA256_PATTERN)


class DigestMismatch(ValueError):
    """The bytes received do not hash to the name they were sent under."""


def is_sha256(text: str) -> bool:
    return bool(_SHA256.match(text))


class BlobFiles:
    def __init__(self, root: Path) -> None:
        self.root = root

    def path_for(self, sha256: str) -> Path:
        if not is_sha256(sha256):
            raise ValueError("not a sha256 hex digest")
        return self.root / sha256[:2] / sha256

    def write(self, sha256: str, data: bytes) -> None:
        """Keep ``data`` under its hash; a partial or altered upload is never kept."""
        if hashlib.sha256(data).hexdigest() != sha256:
            raise DigestMismatch(sha256)
        path = self.path_for(sha256)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{sha256}.{secrets.token_hex(4)}.tmp")
        with open(tmp, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
        fsync_dir(path.parent)

    def read(self, sha256: str) -> bytes | None:
        """The blob's bytes, or None when the file is missing or no longer matches its hash."""
        try:
            data = self.path_for(sha256).read_bytes()
        except (OSError, ValueError):
            return None
        return data if hashlib.sha256(data).hexdigest() == sha256 else None
