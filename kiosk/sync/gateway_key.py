"""The gateway's own Ed25519 signing key: made on first start, kept in ``<data dir>/gateway_key``
(PKCS#8 PEM, mode 0600). A server has no keyring; the file's permissions protect it."""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kiosk.errors import KioskError
from kiosk.i18n import tr

KEY_FILE = "gateway_key"


class GatewayKeyError(KioskError):
    """The gateway's key file is unreadable or not an Ed25519 key."""


def load_or_create_gateway_key(data_dir: Path) -> Ed25519PrivateKey:
    path = data_dir / KEY_FILE
    if not path.exists():
        _create(path)
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as exc:
        raise GatewayKeyError(tr("Kunci gateway {path} rusak atau tidak bisa dibaca.", path=str(path)),
                              tr("Pulihkan berkas itu dari cadangan; jangan buat kunci baru, "
                                 "kios yang terdaftar tidak akan mengenalinya.")) from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise GatewayKeyError(tr("Kunci gateway {path} bukan kunci Ed25519.", path=str(path)))
    return key


def _create(path: Path) -> None:
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, pem)
        os.fsync(fd)
    finally:
        os.close(fd)
    try:
        os.link(tmp, path)  # never replaces a key another process made in the meantime
    except FileExistsError:
        pass
    finally:
        os.unlink(tmp)
