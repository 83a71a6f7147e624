"""``kiosk activation issue`` through the real command entry on a real data folder with real officer
accounts: the token verifies under the device's public key, the PNG reads back with the kiosk's own
QR reader, a bad NIK or a wrong PIN issues nothing, and the audit log names no NIK."""

from __future__ import annotations

import datetime as dt
import io
import json
import subprocess
import sys
from pathlib import Path

import cv2
import pytest

from kiosk import cli
from kiosk.activation_token import claimed_issuer, qr_version, verify_token
from kiosk.audit import AuditEvent
from kiosk.camera.qr_reader import make_qr_reader
from kiosk.demo_data import make_demo_records
from kiosk.demo_folder import mark_demo_folder
from kiosk.officers import DEMO_PIN
from kiosk.store import open_store
from supervisor_credentials import OFFICER_NIP, PIN, PIN_LINE, prepare_accounts

NIK = "1371115708900001"
WRONG_PIN_LINE = "135792\n"


@pytest.fixture
def kiosk_dir(tmp_path: Path) -> Path:
    data_dir = tmp_path / "kiosk"
    prepare_accounts(data_dir)
    return data_dir


def issue(capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch, data_dir: Path, *extra: str,
          nik: str = NIK, nip: str = OFFICER_NIP, stdin: str = PIN_LINE) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    status = cli.run(["--data-dir", str(data_dir), "activation", "issue", "--nik", nik, "--nip", nip,
                      "--pin-stdin", *extra])
    out, err = capsys.readouterr()
    assert NIK not in out + err and PIN not in out + err
    return status, out, err


def device_public_key_and_audit(data_dir: Path):
    store = open_store(data_dir)
    try:
        return store.keys.device_id, store.keys.public_key, store.audit.entries(limit=1000), store.audit.verify()
    finally:
        store.database.close()


def issued_entries(entries) -> list:
    return [e for e in entries if e.event == AuditEvent.ACTIVATION_ISSUED]


def test_a_token_is_issued_that_verifies_under_the_devices_key(kiosk_dir, capsys, monkeypatch) -> None:
    before = dt.datetime.now(dt.timezone.utc).timestamp()
    status, out, err = issue(capsys, monkeypatch, kiosk_dir)
    assert status == 0, err
    token_line, expiry_line = out.splitlines()
    assert token_line.startswith("IKD1:") and expiry_line.startswith("Berlaku sampai pukul ")
    assert "(90 detik)" in expiry_line
    device_id, public_key, entries, chain = device_public_key_and_audit(kiosk_dir)
    assert claimed_issuer(token_line) == device_id
    token = verify_token(token_line, public_key, before + 1, lambda nonce, record: True)
    assert token.expires_at - token.issued_at == 90 and abs(token.issued_at - before) < 30
    [entry] = issued_entries(entries)
    assert entry.subject == token.record_id and entry.details["nonce"] == token.nonce
    assert NIK not in json.dumps([e.as_json() for e in entries])
    assert chain.ok


def test_png_reads_back_with_the_kiosks_qr_reader(kiosk_dir, capsys, monkeypatch, tmp_path) -> None:
    png = tmp_path / "qr.png"
    status, out, err = issue(capsys, monkeypatch, kiosk_dir, "--png", str(png))
    assert status == 0, err
    image = cv2.imread(str(png))
    assert image is not None
    assert make_qr_reader("zxing").decode(image) == [out.splitlines()[0]]


def test_json_shape(kiosk_dir, capsys, monkeypatch) -> None:
    status, out, err = issue(capsys, monkeypatch, kiosk_dir, "--json")
    assert status == 0, err
    answer = json.loads(out)
    assert set(answer) == {"token", "record_id", "expires_at", "qr_version"}
    _, public_key, _, _ = device_public_key_and_audit(kiosk_dir)
    expires = dt.datetime.fromisoformat(answer["expires_at"])
    token = verify_token(answer["token"], public_key, expires.timestamp() - 1, lambda nonce, record: True)
    assert token.record_id == answer["record_id"] and token.expires_at == expires.timestamp()
    assert expires.tzinfo is not None
    assert answer["qr_version"] == qr_version(answer["token"]) <= 9


@pytest.mark.parametrize(("nik", "message"), [
    ("1371115708900000", "Galat: Nomor urut NIK (4 digit terakhir) tidak boleh 0000.\n"
                         "Cocokkan 4 digit terakhir dengan KTP-el.\n"),
    ("137111570890", "Galat: NIK harus 16 digit.\nHitung ulang digit pada KTP-el warga.\n"),
    ("1371119913900001", "Galat: Tanggal lahir di dalam NIK tidak mungkin.\n"),
], ids=["serial-zero", "short", "bad-date"])
def test_an_invalid_nik_is_refused_and_nothing_is_issued(kiosk_dir, capsys, monkeypatch, tmp_path, nik,
                                                        message) -> None:
    _, _, before, _ = device_public_key_and_audit(kiosk_dir)
    png = tmp_path / "qr.png"
    status, out, err = issue(capsys, monkeypatch, kiosk_dir, "--png", str(png), nik=nik)
    assert status == 2 and out == "" and err.startswith(message)
    assert nik not in err
    assert not png.exists()
    _, _, after, _ = device_public_key_and_audit(kiosk_dir)
    assert len(after) == len(before)  # no sign-in, no token: nothing audited


def test_a_wrong_pin_is_refused_and_counts_toward_the_lockout(kiosk_dir, capsys, monkeypatch) -> None:
    tries = [issue(capsys, monkeypatch, kiosk_dir, stdin=WRONG_PIN_LINE) for _ in range(3)]
    assert [t[0] for t in tries] == [2, 2, 2] and all(t[1] == "" for t in tries)
    assert tries[0][2].startswith("Galat: PIN salah.\n")
    assert tries[2][2].startswith("Galat: PIN salah. Akun dikunci sementara")
    status, out, err = issue(capsys, monkeypatch, kiosk_dir)  # the right PIN, while locked
    assert status == 2 and out == "" and err.startswith("Galat: Akun dikunci sementara")
    _, _, entries, _ = device_public_key_and_audit(kiosk_dir)
    assert issued_entries(entries) == []
    failed = [e.details.get("reason") for e in reversed(entries) if e.event == AuditEvent.SIGN_IN_FAILED]
    assert failed == ["wrong_pin"] * 3 + ["locked"]


def test_without_credentials_it_is_refused(kiosk_dir, capsys, monkeypatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    status = cli.run(["--data-dir", str(kiosk_dir), "activation", "issue", "--nik", NIK])
    out, err = capsys.readouterr()
    assert status == 2 and out == ""
    assert err.startswith("Galat: Perintah ini memerlukan NIP dan PIN petugas.") and "--pin-stdin" in err


def test_a_demo_folder_issues_as_the_demo_desk_does(tmp_path, capsys, monkeypatch) -> None:
    """Demo folders refuse only what carries records to Dukcapil; a token carries none."""
    data_dir = tmp_path / "demo"
    store = open_store(data_dir)
    try:
        mark_demo_folder(store)
        make_demo_records(store, 1, seed=1)
        nip = store.officers.active()[0].nip
    finally:
        store.database.close()
    status, out, err = issue(capsys, monkeypatch, data_dir, nip=nip, stdin=DEMO_PIN + "\n")
    assert status == 0, err
    assert out.startswith("IKD1:")


def test_a_separate_process_prints_no_nik(kiosk_dir) -> None:
    done = subprocess.run([sys.executable, "-m", "kiosk", "--data-dir", str(kiosk_dir), "activation", "issue",
                           "--nik", NIK, "--nip", OFFICER_NIP, "--pin-stdin"], input=PIN_LINE,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("IKD1:") and NIK not in done.stdout + done.stderr
