"""``kiosk enroll``, ``kiosk sync --once | --status`` and ``kiosk export`` as an officer runs them,
in subprocesses against a real gateway: both sides end up holding exactly the sealed set with the
same receipt numbers, and an exported bundle imported at the gateway makes the later sync all
duplicates. Enrolling and exporting take a supervisor's NIP, with the PIN on stdin."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from client_fixtures import kiosk_cli
from gateway_harness import RunningGateway
from kiosk.demo_data import DEMO_OFFICERS, make_demo_records
from kiosk.officers import DEMO_PIN, Role
from kiosk.store import open_store
from supervisor_credentials import PIN_LINE, credentials, prepare_accounts

# make_demo_records makes a demo supervisor (and officers) with the demo PIN
DEMO_SUPERVISOR = credentials(next(nip for _, nip, role in DEMO_OFFICERS if role is Role.SUPERVISOR))
DEMO_PIN_LINE = DEMO_PIN + "\n"


def json_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def ok(done) -> str:
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture
def demo_kiosk(tmp_path: Path) -> Path:
    """A real (not demo) kiosk folder holding demo records: ``kiosk demo-data`` makes a demo folder,
    which sync, export and enroll refuse, so the records are sealed here as a desk would."""
    data_dir = tmp_path / "kiosk"
    store = open_store(data_dir)
    try:
        make_demo_records(store, 20, days=2, seed=5)
    finally:
        store.database.close()
    return data_dir


def enroll_cli(data_dir: Path, gateway: RunningGateway) -> None:
    ok(kiosk_cli("enroll", "--server", gateway.url, "--code", gateway.store.new_enroll_code(), *DEMO_SUPERVISOR,
                 data_dir=data_dir, stdin=DEMO_PIN_LINE))


def gateway_records(gateway: RunningGateway) -> dict[str, dict]:
    rows = json_lines(ok(kiosk_cli("gateway", "records", "--data-dir", str(gateway.data_dir), "--json")))
    return {row["record_id"]: row for row in rows}


def test_sync_once_end_to_end(demo_kiosk: Path, gateway: RunningGateway) -> None:
    sealed = {r["record_id"]: r for r in json_lines(ok(kiosk_cli("records", "--json", data_dir=demo_kiosk)))}
    assert {r["state"] for r in sealed.values()} == {"queued"} and len(sealed) == 20
    assert all(r["receipt_no"] is None for r in sealed.values())
    enroll_cli(demo_kiosk, gateway)
    out = ok(kiosk_cli("sync", "--once", data_dir=demo_kiosk))
    assert out.startswith("Sinkronisasi selesai: 20 dikirim, 20 diterima server (0 duplikat)")
    after = {r["record_id"]: r for r in json_lines(ok(kiosk_cli("records", "--json", data_dir=demo_kiosk)))}
    served = gateway_records(gateway)
    assert set(served) == set(sealed) == set(after)
    assert all(after[rid]["state"] in ("processed", "rejected") for rid in after)
    assert all(after[rid]["receipt_no"] == served[rid]["receipt_no"] for rid in after)
    assert all(after[rid]["state"] == served[rid]["status"] for rid in after)
    again = ok(kiosk_cli("sync", "--once", data_dir=demo_kiosk))
    assert again.startswith("Sinkronisasi selesai: 0 dikirim")
    assert len(gateway_records(gateway)) == 20


def test_sync_status(demo_kiosk: Path, gateway: RunningGateway) -> None:
    enroll_cli(demo_kiosk, gateway)
    before = json.loads(ok(kiosk_cli("sync", "--status", "--json", data_dir=demo_kiosk)))
    assert before["server_url"] == gateway.url and before["counts"]["queued"] == 20
    assert before["last_pass"] is None and before["next_attempt_at"] is not None
    ok(kiosk_cli("sync", "--once", data_dir=demo_kiosk))
    after = json.loads(ok(kiosk_cli("sync", "--status", "--json", data_dir=demo_kiosk)))
    assert after["counts"]["processed"] + after["counts"]["rejected"] == 20
    assert after["last_pass"]["acknowledged"] == 20 and after["next_attempt_at"] is None
    text = ok(kiosk_cli("sync", "--status", data_dir=demo_kiosk))
    assert f"Server sinkronisasi: {gateway.url}" in text
    assert "berhasil (20 diterima server)" in text and "Tidak ada data yang menunggu kirim." in text


def test_sync_once_offline_still_exits_0(demo_kiosk: Path, gateway: RunningGateway) -> None:
    enroll_cli(demo_kiosk, gateway)
    gateway.stop()
    done = kiosk_cli("sync", "--once", data_dir=demo_kiosk)
    assert done.returncode == 0
    assert done.stdout.startswith("Sinkronisasi tidak tersambung: 0 dikirim")
    assert "Tidak tersambung ke server" in done.stderr
    status = json.loads(ok(kiosk_cli("sync", "--status", "--json", data_dir=demo_kiosk)))
    assert status["counts"]["queued"] == 20 and status["last_pass"]["error"]


def test_export_then_import_then_sync_gives_duplicates_only(demo_kiosk: Path, gateway: RunningGateway,
                                                            tmp_path: Path) -> None:
    enroll_cli(demo_kiosk, gateway)
    out = ok(kiosk_cli("export", "--to", str(tmp_path / "usb"), *DEMO_SUPERVISOR, data_dir=demo_kiosk,
                       stdin=DEMO_PIN_LINE))
    bundle = Path(out.splitlines()[-1])
    assert bundle.parent == tmp_path / "usb" and bundle.name.endswith(".kiosk-bundle")
    assert out.startswith("20 data diekspor")
    states = {r["state"] for r in json_lines(ok(kiosk_cli("records", "--json", data_dir=demo_kiosk)))}
    assert states == {"queued"}  # exporting changes nothing
    imported = json.loads(ok(kiosk_cli("gateway", "import", "--data-dir", str(gateway.data_dir), "--json",
                                       str(bundle))))
    assert imported["accepted"] == 20
    report = json.loads(ok(kiosk_cli("sync", "--once", "--json", data_dir=demo_kiosk)))
    assert (report["acknowledged"], report["duplicates"], report["error"]) == (20, 20, None)
    served = gateway_records(gateway)
    after = json_lines(ok(kiosk_cli("records", "--json", data_dir=demo_kiosk)))
    assert all(r["receipt_no"] == served[r["record_id"]]["receipt_no"] for r in after)
    assert len(served) == 20


def test_export_with_nothing_waiting(tmp_path: Path) -> None:
    prepare_accounts(tmp_path / "empty")
    out = ok(kiosk_cli("export", "--to", str(tmp_path / "usb"), *credentials(), data_dir=tmp_path / "empty",
                       stdin=PIN_LINE))
    assert out.startswith("Tidak ada data yang belum terkirim")
    assert not (tmp_path / "usb").exists() or not any((tmp_path / "usb").iterdir())


def test_export_to_an_unwritable_place(demo_kiosk: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "afile"
    blocker.write_text("not a folder")
    done = kiosk_cli("export", "--to", str(blocker / "usb"), *DEMO_SUPERVISOR, data_dir=demo_kiosk,
                     stdin=DEMO_PIN_LINE)
    assert done.returncode == 2 and done.stderr.startswith("Galat: Berkas ekspor tidak bisa ditulis")
