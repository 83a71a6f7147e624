"""The device's own keys: its id, the data key that wraps per-record keys, the NIK lookup key
and the Ed25519 signing key.

Kept in the OS keyring; without a secure one the folder is refused, except a demo's throwaway
folder and the developers' ``KIOSK_KEY_BACKEND=file`` (``kiosk.secret_store`` decides); callers
only see ``DeviceKeys``.
"""

from __future__ import annotations

import base64
import json
import secrets
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from kiosk.errors import DataDirError
from kiosk.i18n import tr
from kiosk.paths import keys_dir
from kiosk.secret_store import read_device_secret, write_device_secret


@dataclass(frozen=True)
class DeviceKeys:
    device_id: str
    data_key: bytes  # 32 bytes, AES-256-GCM key-wrapping key
    lookup_key: bytes  # 32 bytes, HMAC key for finding a NIK without storing it
    signing_key: Ed25519PrivateKey

    @property
    def public_key(self) -> Ed25519PublicKey:
        return self.signing_key.public_key()

    @property
    def short_id(self) -> str:
        return self.device_id[:4].upper()

    @classmethod
    def generate(cls) -> DeviceKeys:
        return cls(
            device_id=secrets.token_hex(8),
            data_key=secrets.token_bytes(32),
            lookup_key=secrets.token_bytes(32),
            signing_key=Ed25519PrivateKey.generate(),
        )


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _to_json(keys: DeviceKeys) -> str:
    raw_signing = keys.signing_key.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    return json.dumps({
        "device_id": keys.device_id,
        "data_key": _b64(keys.data_key),
        "lookup_key": _b64(keys.lookup_key),
        "signing_key": _b64(raw_signing),
    })


def _from_json(text: str) -> DeviceKeys:
    data = json.loads(text)
    return DeviceKeys(
        device_id=data["device_id"],
        data_key=base64.b64decode(data["data_key"]),
        lookup_key=base64.b64decode(data["lookup_key"]),
        signing_key=Ed25519PrivateKey.from_private_bytes(base64.b64decode(data["signing_key"])),
    )


def load_or_create_device_keys(data_dir: Path) -> DeviceKeys:
    """The device's keys, made on first start and kept by ``secret_store`` (the OS keyring; with
    no secure keyring a ``NoSecureKeyringError`` says what to install). Damaged or unreachable keys
    are an error, never replaced, because records sealed with the old keys would become unreadable."""
    folder = keys_dir(data_dir)
    try:
        text = read_device_secret(data_dir)
        if text is not None:
            return _from_json(text)
        keys = DeviceKeys.generate()
        write_device_secret(data_dir, _to_json(keys))
        return keys
    except OSError as exc:
        raise DataDirError(
            tr("Kunci perangkat tidak bisa dibaca atau dibuat di {path}.", path=str(folder)),
            tr("Pastikan folder data bisa ditulis dan disk tidak penuh, lalu buka ulang aplikasi."),
        ) from exc
    except (ValueError, KeyError, TypeError) as exc:
        raise DataDirError(
            tr("Kunci perangkat rusak: {path}.", path=str(folder)),
            tr("Jangan hapus folder kunci itu. Hubungi dukungan teknis kecamatan."),
        ) from exc
