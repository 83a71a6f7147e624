"""The device keys in the OS keyring (a real gnome-keyring Secret Service under scripts/test.sh):
nothing secret on disk, one entry per data folder, an old key file moved in and deleted only
after the keyring gave it back, and a keyring gone missing is an error, never new keys."""

from __future__ import annotations

import base64
import json
import stat
from collections.abc import Iterator
from pathlib import Path

import keyring
import keyring.errors
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail, null

from kiosk.device_keys import load_or_create_device_keys
from kiosk.record_crypto import open_personal
from kiosk.secret_store import (
    BACKEND_ENV,
    SERVICE,
    SecretStoreError,
    backend_in_use,
    is_secure_backend,
    key_file,
    keyring_username,
    marker_file,
)
from kiosk.store import open_store

SECURE = is_secure_backend(keyring.get_keyring())
needs_keyring = pytest.mark.skipif(not SECURE, reason="no Secret Service: run through scripts/test.sh")


@pytest.fixture(autouse=True)
def auto_backend(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv(BACKEND_ENV, raising=False)
    original = keyring.get_keyring()
    yield
    keyring.set_keyring(original)


class RefusingKeyring(KeyringBackend):
    """A keyring that looks usable but refuses every write (a locked collection, say)."""

    priority = 1

    def get_password(self, service: str, username: str) -> str | None:
        return None

    def set_password(self, service: str, username: str, password: str) -> None:
        raise keyring.errors.PasswordSetError("locked")

    def delete_password(self, service: str, username: str) -> None:
        raise keyring.errors.PasswordDeleteError("locked")


def secrets_of(keys) -> list[bytes]:
    raw = [keys.data_key, keys.lookup_key, keys.signing_key.private_bytes_raw()]
    return raw + [base64.b64encode(item) for item in raw]


def files_holding(folder: Path, needles: list[bytes]) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file() and any(n in p.read_bytes() for n in needles)]


@needs_keyring
def test_keys_land_in_the_keyring_and_not_on_disk(tmp_path: Path) -> None:
    data_dir = tmp_path / "kiosk"
    store = open_store(data_dir)
    keys = store.keys
    store.database.close()
    assert not key_file(data_dir).exists() and backend_in_use(data_dir) == "keyring"
    stored = json.loads(keyring.get_password(SERVICE, keyring_username(data_dir)))
    assert stored["device_id"] == keys.device_id
    assert files_holding(data_dir, secrets_of(keys)) == []
    marker = json.loads(marker_file(data_dir).read_text())
    assert marker == {"service": SERVICE, "username": keyring_username(data_dir)}
    again = load_or_create_device_keys(data_dir)
    assert (again.device_id, again.data_key, again.lookup_key) == (keys.device_id, keys.data_key, keys.lookup_key)


@needs_keyring
def test_two_data_folders_never_share_keys(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    assert keyring_username(first) != keyring_username(second)
    assert keyring_username(tmp_path / "a" / ".." / "a") == keyring_username(first)
    assert load_or_create_device_keys(first).device_id != load_or_create_device_keys(second).device_id


@needs_keyring
def test_an_old_key_file_moves_into_the_keyring(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data_dir = tmp_path / "kiosk"
    monkeypatch.setenv(BACKEND_ENV, "file")
    keys = load_or_create_device_keys(data_dir)
    assert stat.S_IMODE(key_file(data_dir).stat().st_mode) == 0o600
    assert keyring.get_password(SERVICE, keyring_username(data_dir)) is None
    monkeypatch.delenv(BACKEND_ENV)
    moved = load_or_create_device_keys(data_dir)
    assert moved.device_id == keys.device_id and moved.data_key == keys.data_key
    assert not key_file(data_dir).exists()
    assert json.loads(keyring.get_password(SERVICE, keyring_username(data_dir)))["device_id"] == keys.device_id
    assert files_holding(data_dir, secrets_of(keys)) == []


@needs_keyring
def test_records_sealed_before_the_move_stay_readable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from kiosk.demo_data import make_demo_records

    data_dir = tmp_path / "kiosk"
    monkeypatch.setenv(BACKEND_ENV, "file")
    store = open_store(data_dir)
    make_demo_records(store, 2, seed=1)
    store.database.close()
    monkeypatch.delenv(BACKEND_ENV)
    store = open_store(data_dir)
    try:
        for record_id, wrapped, personal in store.database.execute(
                "SELECT record_id, wrapped_key, personal_ct FROM records").fetchall():
            assert len(open_personal(store.keys.data_key, record_id, wrapped, personal)["nik"]) == 16
    finally:
        store.database.close()
    assert backend_in_use(data_dir) == "keyring"


@needs_keyring
def test_a_crash_between_marker_and_delete_drops_the_file_next_time(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    data_dir = tmp_path / "kiosk"
    keys = load_or_create_device_keys(data_dir)
    key_file(data_dir).write_text(keyring.get_password(SERVICE, keyring_username(data_dir)))
    assert load_or_create_device_keys(data_dir).device_id == keys.device_id
    assert not key_file(data_dir).exists()


@needs_keyring
def test_a_keyring_that_cannot_be_opened_is_an_error_not_new_keys(tmp_path: Path) -> None:
    data_dir = tmp_path / "kiosk"
    keys = load_or_create_device_keys(data_dir)
    keyring.set_keyring(fail.Keyring())
    with pytest.raises(SecretStoreError) as caught:
        load_or_create_device_keys(data_dir)
    assert "keyring" in caught.value.message and "Jangan hapus folder data" in caught.value.next_step
    assert not key_file(data_dir).exists()
    keyring.set_keyring(keyring.core.load_keyring("keyring.backends.SecretService.Keyring"))
    assert load_or_create_device_keys(data_dir).device_id == keys.device_id


def test_an_entry_gone_from_the_keyring_is_an_error_not_new_keys(tmp_path: Path) -> None:
    data_dir = tmp_path / "kiosk"
    marker_file(data_dir).parent.mkdir(parents=True)
    marker_file(data_dir).write_text(json.dumps({"service": SERVICE, "username": "device-keys:gone"}))
    keyring.set_keyring(RefusingKeyring())  # answers, but holds nothing
    with pytest.raises(SecretStoreError):
        load_or_create_device_keys(data_dir)


def test_a_keyring_refusing_writes_falls_back_to_the_owner_only_file(tmp_path: Path) -> None:
    keyring.set_keyring(RefusingKeyring())
    data_dir = tmp_path / "kiosk"
    keys = load_or_create_device_keys(data_dir)
    assert backend_in_use(data_dir) == "file" and stat.S_IMODE(key_file(data_dir).stat().st_mode) == 0o600
    assert load_or_create_device_keys(data_dir).device_id == keys.device_id


def test_without_a_secure_keyring_the_file_is_used(tmp_path: Path) -> None:
    keyring.set_keyring(fail.Keyring())
    data_dir = tmp_path / "kiosk"
    keys = load_or_create_device_keys(data_dir)
    assert key_file(data_dir).exists() and not marker_file(data_dir).exists()
    assert load_or_create_device_keys(data_dir).device_id == keys.device_id


def test_requiring_a_keyring_without_one_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    keyring.set_keyring(null.Keyring())
    monkeypatch.setenv(BACKEND_ENV, "keyring")
    with pytest.raises(SecretStoreError):
        load_or_create_device_keys(tmp_path / "kiosk")
    assert not key_file(tmp_path / "kiosk").exists()


def test_insecure_backends_are_recognised() -> None:
    assert not is_secure_backend(fail.Keyring()) and not is_secure_backend(null.Keyring())
    assert is_secure_backend(RefusingKeyring())
