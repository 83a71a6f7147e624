"""The device keys in the OS keyring (a real gnome-keyring Secret Service under scripts/test.sh):
nothing secret on disk, one entry per data folder, an old key file moved in and deleted only
after the keyring gave it back, a keyring gone missing is an error, never new keys; and without a
secure keyring the folder is refused (what to install is named), except a demo's throwaway folder
and the developers' KIOSK_KEY_BACKEND=file."""

from __future__ import annotations

import base64
import json
import logging
import stat
from collections.abc import Iterator
from pathlib import Path

import keyring
import keyring.errors
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail, null

from kiosk.device_keys import load_or_create_device_keys
from kiosk.paths import database_path
from kiosk.record_crypto import open_personal
from kiosk.secret_store import (
    BACKEND_ENV,
    SERVICE,
    NoSecureKeyringError,
    SecretStoreError,
    backend_in_use,
    install_hint,
    is_secure_backend,
    key_file,
    keyring_username,
    marker_file,
    throwaway_marker,
    use_throwaway_keys,
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


@needs_keyring
def test_a_lost_marker_gets_the_keys_back_from_the_keyring_not_new_ones(tmp_path: Path) -> None:
    data_dir = tmp_path / "kiosk"
    store = open_store(data_dir)
    keys = store.keys
    store.database.close()
    marker_file(data_dir).unlink()  # "a small file with no secret in it": someone tidied up
    again = open_store(data_dir)
    again.database.close()
    assert (again.keys.device_id, again.keys.data_key) == (keys.device_id, keys.data_key)
    assert backend_in_use(data_dir) == "keyring"


@needs_keyring
def test_a_new_folder_replaces_an_entry_left_by_a_deleted_one(tmp_path: Path) -> None:
    data_dir = tmp_path / "kiosk"
    old = load_or_create_device_keys(data_dir)
    for path in keys_dir_files(data_dir):
        path.unlink()  # the whole folder was deleted; no database: nothing to keep
    new = load_or_create_device_keys(data_dir)
    assert new.device_id != old.device_id
    assert json.loads(keyring.get_password(SERVICE, keyring_username(data_dir)))["device_id"] == new.device_id


def keys_dir_files(data_dir: Path) -> list[Path]:
    return [p for p in marker_file(data_dir).parent.iterdir() if p.is_file()]


# -- no secure keyring -----------------------------------------------------------------------------
def test_without_a_secure_keyring_the_store_is_refused_with_what_to_install(tmp_path: Path,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.platform", "linux")
    keyring.set_keyring(fail.Keyring())
    data_dir = tmp_path / "kiosk"
    with pytest.raises(NoSecureKeyringError) as caught:
        open_store(data_dir)
    assert "Keyring sistem yang aman tidak ditemukan" in caught.value.message
    assert "gnome-keyring" in caught.value.next_step and "sudo apt-get install" in caught.value.next_step
    assert "kiosk --demo" in caught.value.next_step
    assert not database_path(data_dir).exists()
    assert not marker_file(data_dir).parent.exists() or keys_dir_files(data_dir) == []


@pytest.mark.parametrize("backend", [fail.Keyring(), null.Keyring()])
def test_an_insecure_backend_counts_as_none(tmp_path: Path, backend: KeyringBackend) -> None:
    keyring.set_keyring(backend)
    with pytest.raises(NoSecureKeyringError):
        load_or_create_device_keys(tmp_path / "kiosk")
    assert not key_file(tmp_path / "kiosk").exists()


@pytest.mark.parametrize(("platform", "named"), [
    ("linux", "gnome-keyring"), ("win32", "Windows Credential Locker"), ("darwin", "Keychain")])
def test_the_install_hint_names_this_systems_keyring(platform: str, named: str) -> None:
    assert named in install_hint(platform)


def test_a_keyring_refusing_writes_is_an_error_not_a_file(tmp_path: Path) -> None:
    keyring.set_keyring(RefusingKeyring())
    data_dir = tmp_path / "kiosk"
    with pytest.raises(SecretStoreError) as caught:
        load_or_create_device_keys(data_dir)
    assert "menolak" in caught.value.message
    assert not key_file(data_dir).exists() and not marker_file(data_dir).exists()


def test_an_old_key_file_without_a_keyring_is_refused_and_kept(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    data_dir = tmp_path / "kiosk"
    monkeypatch.setenv(BACKEND_ENV, "file")
    keys = load_or_create_device_keys(data_dir)
    before = key_file(data_dir).read_bytes()
    monkeypatch.delenv(BACKEND_ENV)
    for backend in (fail.Keyring(), RefusingKeyring()):
        keyring.set_keyring(backend)
        with pytest.raises(SecretStoreError) as caught:
            load_or_create_device_keys(data_dir)
        assert "jangan hapus folder data" in caught.value.next_step.lower()
        assert key_file(data_dir).read_bytes() == before and not marker_file(data_dir).exists()
    monkeypatch.setenv(BACKEND_ENV, "file")  # the developers' way out still opens it
    assert load_or_create_device_keys(data_dir).data_key == keys.data_key


def test_requiring_a_keyring_without_one_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    keyring.set_keyring(null.Keyring())
    monkeypatch.setenv(BACKEND_ENV, "keyring")
    with pytest.raises(NoSecureKeyringError):
        load_or_create_device_keys(tmp_path / "kiosk")
    assert not key_file(tmp_path / "kiosk").exists()


# -- the two ways to keep keys in a file ---------------------------------------------------------
def test_the_developers_file_backend_works_and_says_it_is_insecure(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                   caplog: pytest.LogCaptureFixture) -> None:
    keyring.set_keyring(fail.Keyring())
    monkeypatch.setenv(BACKEND_ENV, " File ")
    data_dir = tmp_path / "kiosk"
    with caplog.at_level(logging.WARNING, logger="kiosk.secret_store"):
        keys = load_or_create_device_keys(data_dir)
        assert load_or_create_device_keys(data_dir).device_id == keys.device_id
    assert backend_in_use(data_dir) == "file" and stat.S_IMODE(key_file(data_dir).stat().st_mode) == 0o600
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert warnings and all("development" in w and str(tmp_path) not in w for w in warnings)


@pytest.mark.parametrize("setting", ["", "auto", "keyring", "plaintext"])
def test_any_other_setting_requires_the_keyring(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                setting: str) -> None:
    keyring.set_keyring(fail.Keyring())
    monkeypatch.setenv(BACKEND_ENV, setting)
    with pytest.raises(NoSecureKeyringError):
        load_or_create_device_keys(tmp_path / "kiosk")


def test_a_demo_folder_keeps_throwaway_keys_without_a_keyring(tmp_path: Path) -> None:
    keyring.set_keyring(fail.Keyring())
    data_dir = tmp_path / "demo"
    use_throwaway_keys(data_dir)
    store = open_store(data_dir)
    keys = store.keys
    store.database.close()
    assert backend_in_use(data_dir) == "throwaway"
    assert stat.S_IMODE(key_file(data_dir).stat().st_mode) == 0o600
    assert stat.S_IMODE(throwaway_marker(data_dir).stat().st_mode) == 0o600
    assert load_or_create_device_keys(data_dir).device_id == keys.device_id


@needs_keyring
def test_a_demo_folder_stays_out_of_the_keyring(tmp_path: Path) -> None:
    data_dir = tmp_path / "demo"
    use_throwaway_keys(data_dir)
    load_or_create_device_keys(data_dir)
    assert keyring.get_password(SERVICE, keyring_username(data_dir)) is None
    assert backend_in_use(data_dir) == "throwaway"


def test_a_real_folder_cannot_be_made_a_throwaway_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(BACKEND_ENV, "file")
    with_keys, with_database = tmp_path / "keys", tmp_path / "db"
    load_or_create_device_keys(with_keys)
    with_database.mkdir()
    database_path(with_database).write_bytes(b"")
    for folder in (with_keys, with_database):
        with pytest.raises(ValueError):
            use_throwaway_keys(folder)
        assert not throwaway_marker(folder).exists()


def test_insecure_backends_are_recognised() -> None:
    assert not is_secure_backend(fail.Keyring()) and not is_secure_backend(null.Keyring())
    assert is_secure_backend(RefusingKeyring())
