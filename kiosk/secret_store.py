"""Where the device's keys live: the OS keyring (Secret Service, Windows Credential Locker, macOS
Keychain) when a secure one is there, else a file readable by the owner only.

A marker file ``keys/device.keyring`` (no secret in it) records that the keys went into the
keyring and under which name, so a keyring that is missing or locked later is an error, never a
reason to make new keys: records sealed with the old keys would become unreadable.
Set ``KIOSK_KEY_BACKEND=file`` for a process without a keyring (``keyring`` to require one).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from pathlib import Path

import keyring
import keyring.backend
from keyring.backends.chainer import ChainerBackend

from kiosk.errors import DataDirError
from kiosk.i18n import tr
from kiosk.paths import keys_dir

log = logging.getLogger(__name__)

SERVICE = "kiosk-ikd"
BACKEND_ENV = "KIOSK_KEY_BACKEND"
KEY_FILE = "device.json"
MARKER_FILE = "device.keyring"
INSECURE_MODULES = ("keyring.backends.fail", "keyring.backends.null", "keyrings.alt")


class SecretStoreError(DataDirError):
    """The device's keys are in the keyring, but the keyring cannot give them now."""


def keyring_username(data_dir: Path) -> str:
    """One name per data folder, so two data folders on one machine never share keys."""
    resolved = str(data_dir.expanduser().resolve())
    return "device-keys:" + hashlib.sha256(resolved.encode("utf-8")).hexdigest()[:32]


def is_secure_backend(backend: keyring.backend.KeyringBackend) -> bool:
    """False for the fail, null and plaintext-file backends (and a chain holding only those)."""
    if isinstance(backend, ChainerBackend):
        chained = list(backend.backends)
        return bool(chained) and all(is_secure_backend(b) for b in chained)
    try:
        priority = backend.priority
    except Exception:  # noqa: BLE001 - a backend's priority probe may raise anything; it means "not usable"
        return False
    return priority > 0 and not type(backend).__module__.startswith(INSECURE_MODULES)


def keyring_wanted() -> bool:
    """Whether new keys go to the keyring: the environment decides, else a secure backend's presence."""
    choice = os.environ.get(BACKEND_ENV, "auto").strip().lower()
    if choice == "file":
        return False
    secure = is_secure_backend(keyring.get_keyring())
    if choice == "keyring" and not secure:
        raise SecretStoreError(
            tr("Keyring sistem tidak tersedia, padahal {env}=keyring.", env=BACKEND_ENV),
            tr("Buka sesi desktop agar keyring aktif, atau hapus pengaturan {env}.", env=BACKEND_ENV))
    return secure


def key_file(data_dir: Path) -> Path:
    return keys_dir(data_dir) / KEY_FILE


def marker_file(data_dir: Path) -> Path:
    return keys_dir(data_dir) / MARKER_FILE


def backend_in_use(data_dir: Path) -> str:
    """``keyring`` or ``file``: where this data folder's keys are kept now (for status screens)."""
    return "keyring" if marker_file(data_dir).exists() else "file"


# -- the keyring ---------------------------------------------------------------------------------
def _keyring_unreachable(exc: Exception | None) -> SecretStoreError:
    if exc is not None:
        log.warning("keyring unavailable: %s", type(exc).__name__)
    return SecretStoreError(
        tr("Kunci perangkat tersimpan di keyring sistem, tetapi keyring tidak bisa dibuka."),
        tr("Masuk ke sesi desktop pengguna kios (keyring terbuka saat login), lalu buka ulang "
           "aplikasi. Jangan hapus folder data."))


def _keyring_get(username: str) -> str | None:
    try:
        return keyring.get_password(SERVICE, username)
    except Exception as exc:  # noqa: BLE001 - backends raise their own types (D-Bus, locked, ...)
        raise _keyring_unreachable(exc) from exc


def _keyring_put(username: str, secret: str) -> bool:
    """Write and read back; True only when the keyring now holds exactly ``secret``."""
    try:
        keyring.set_password(SERVICE, username, secret)
        return keyring.get_password(SERVICE, username) == secret
    except Exception as exc:  # noqa: BLE001 - see _keyring_get
        log.warning("keyring write failed: %s", type(exc).__name__)
        return False


def _read_marker(data_dir: Path) -> str:
    try:
        return json.loads(marker_file(data_dir).read_text(encoding="utf-8"))["username"]
    except (ValueError, KeyError, TypeError) as exc:
        raise DataDirError(
            tr("Berkas penanda kunci perangkat rusak: {path}.", path=str(marker_file(data_dir))),
            tr("Jangan hapus berkas itu. Hubungi dukungan teknis kecamatan.")) from exc


def _write_private(path: Path, text: str, exclusive: bool) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    flags = os.O_WRONLY | os.O_CREAT | (os.O_EXCL if exclusive else os.O_TRUNC)
    descriptor = os.open(path, flags, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())


def _write_marker(data_dir: Path, username: str) -> None:
    _write_private(marker_file(data_dir), json.dumps({"service": SERVICE, "username": username}), False)


# -- what device_keys uses -----------------------------------------------------------------------
def read_device_secret(data_dir: Path) -> str | None:
    """The stored keys (JSON text), or None when this data folder has none yet.

    A key file met while a secure keyring is wanted is moved into the keyring; the file is
    deleted only after the keyring gave the same text back and the marker is on disk."""
    if marker_file(data_dir).exists():
        secret = _keyring_get(_read_marker(data_dir))
        if secret is None:
            raise _keyring_unreachable(None)
        _drop_migrated_file(data_dir, secret)
        return secret
    path = key_file(data_dir)
    if not path.exists():
        return None
    secret = path.read_text(encoding="utf-8")
    if keyring_wanted():
        _migrate_to_keyring(data_dir, secret)
    return secret


def write_device_secret(data_dir: Path, secret: str) -> str:
    """Store new keys (never overwrites existing ones); returns ``keyring`` or ``file``."""
    if keyring_wanted():
        username = keyring_username(data_dir)
        if _keyring_put(username, secret):
            _write_marker(data_dir, username)
            return "keyring"
        log.warning("keyring refused the device keys; keeping them in the owner-only key file")
    _write_private(key_file(data_dir), secret, exclusive=True)
    return "file"


def _migrate_to_keyring(data_dir: Path, secret: str) -> None:
    username = keyring_username(data_dir)
    if not _keyring_put(username, secret):
        return  # the file stays the only copy; the next start tries again
    _write_marker(data_dir, username)
    key_file(data_dir).unlink()
    log.info("device keys moved from the key file into the keyring")


def _drop_migrated_file(data_dir: Path, secret: str) -> None:
    """A crash between writing the marker and deleting the file leaves both: drop the file only
    when it holds the very keys the keyring holds."""
    path = key_file(data_dir)
    if path.exists() and path.read_text(encoding="utf-8") == secret:
        path.unlink()
