"""``kiosk gateway``: serve prints its address and stops cleanly on a signal; enroll-code prints
the code last; records --json lists what was received; import takes a bundle by the batch rules."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from gateway_harness import MakeDevice, RunningGateway, SealedKiosk, SignedDevice, same_id_other_content
from kiosk import cli
from kiosk.sync.export_bundle import write_bundle
from kiosk.sync.gateway_records import list_records
from kiosk.sync.gateway_store import GatewayStore
from kiosk.sync.signing import public_key_b64


def kiosk(capsys: pytest.CaptureFixture, *argv: str) -> tuple[int, list[str], str]:
    status = cli.run(list(argv))
    out, err = capsys.readouterr()
    return status, out.splitlines(), err


@pytest.fixture
def serving(tmp_path: Path) -> Iterator[tuple[subprocess.Popen, str]]:
    process = subprocess.Popen([sys.executable, "-m", "kiosk", "gateway", "serve", "--data-dir",
                                str(tmp_path / "gw"), "--port", "0"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline()
        match = re.fullmatch(r"listening on (http://127\.0\.0\.1:\d+)\n", line)
        assert match, (line, process.stderr.read() if process.poll() is not None else "")
        yield process, match[1]
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(10)
        process.stdout.close()
        process.stderr.close()


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
def test_serve_prints_its_address_answers_and_exits_0_on_a_signal(serving: tuple[subprocess.Popen, str],
                                                                  stop: signal.Signals) -> None:
    process, url = serving
    hello = httpx.get(url + "/v1/hello", timeout=10)
    assert hello.status_code == 200 and hello.json()["protocol"] == "kiosk-sync/1"
    process.send_signal(stop)
    assert process.wait(15) == 0
    assert "Traceback" not in process.stderr.read()


def test_serve_on_a_taken_port_is_an_indonesian_error(tmp_path: Path, gateway: RunningGateway,
                                                      capsys: pytest.CaptureFixture) -> None:
    port = gateway.url.rsplit(":", 1)[1]
    status, _, err = kiosk(capsys, "gateway", "serve", "--data-dir", str(tmp_path / "gw"), "--port", port)
    assert status == 2 and "Galat: Gateway tidak bisa mendengar" in err


def test_enroll_code_prints_the_code_last_and_it_enrols(gateway: RunningGateway, new_device: MakeDevice,
                                                        capsys: pytest.CaptureFixture) -> None:
    status, lines, _ = kiosk(capsys, "gateway", "enroll-code", "--data-dir", str(gateway.data_dir))
    assert status == 0 and len(lines) >= 2 and "Kode pendaftaran" in lines[0]
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", lines[-1])
    assert new_device(gateway).enroll(lines[-1]).status_code == 200


def test_records_json_lists_each_received_record(gateway: RunningGateway, device: SignedDevice,
                                                 sealed_kiosk: SealedKiosk, capsys: pytest.CaptureFixture) -> None:
    pairs = sealed_kiosk.records[:3]
    for record, photo in pairs:
        device.put_blob(record.blobs[0].sha256, photo)
    results = device.post_json("/v1/batches", {"records": [r.model_dump(mode="json", by_alias=True)
                                                           for r, _ in pairs]}).json()["results"]
    status, lines, _ = kiosk(capsys, "gateway", "records", "--data-dir", str(gateway.data_dir), "--json")
    rows = [json.loads(line) for line in lines]
    assert status == 0 and rows == list_records(gateway.store)
    assert [(r["record_id"], r["sha256"], r["receipt_no"], r["status"]) for r in rows] == [
        (record.record_id, record.record_sha256, result["receipt_no"], "accepted")
        for (record, _), result in zip(pairs, results)]
    assert {"device_id", "device_seq", "server_seq", "reason_code"} <= set(rows[0])
    assert kiosk(capsys, "--data-dir", str(gateway.data_dir), "gateway", "records", "--json")[1] == lines


def test_the_gateway_needs_its_own_folder(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    status, _, err = kiosk(capsys, "gateway", "enroll-code")
    assert status == 2 and "Folder data gateway belum ditentukan" in err
    status, _, err = kiosk(capsys, "gateway", "records", "--data-dir", str(tmp_path / "typo"))
    assert status == 2 and "bukan folder data gateway" in err


def bundle_of(path: Path, kiosk_: SealedKiosk, pairs: list) -> Path:
    write_bundle(path, kiosk_.device_id, public_key_b64(kiosk_.signing_key.public_key()), kiosk_.signing_key,
                 [record for record, _ in pairs], {record.blobs[0].sha256: photo for record, photo in pairs})
    return path


def import_counts(capsys: pytest.CaptureFixture, data_dir: Path, bundle: Path) -> dict:
    status, lines, err = kiosk(capsys, "gateway", "import", "--data-dir", str(data_dir), "--json", str(bundle))
    assert status == 0, err
    return json.loads(lines[-1])


def test_import_twice_gives_all_duplicate_and_other_content_conflict(
        tmp_path: Path, sealed_kiosk: SealedKiosk, capsys: pytest.CaptureFixture) -> None:
    data_dir = tmp_path / "gw"
    store = GatewayStore(data_dir)
    store.enroll(store.new_enroll_code(), sealed_kiosk.device_id, public_key_b64(sealed_kiosk.signing_key.public_key()))
    store.close()
    bundle = bundle_of(tmp_path / "day.kiosk-bundle", sealed_kiosk, sealed_kiosk.records[:5])
    assert import_counts(capsys, data_dir, bundle) == {"accepted": 5, "duplicate": 0, "conflict": 0,
                                                       "invalid": 0, "missing_blobs": 0}
    before = kiosk(capsys, "gateway", "records", "--data-dir", str(data_dir), "--json")[1]
    assert import_counts(capsys, data_dir, bundle)["duplicate"] == 5
    status, lines, _ = kiosk(capsys, "gateway", "import", "--data-dir", str(data_dir), str(bundle))
    assert status == 0 and "Sudah ada (duplikat): 5" in lines
    (record, _), (other, other_photo) = sealed_kiosk.records[0], sealed_kiosk.records[9]
    changed = bundle_of(tmp_path / "changed.kiosk-bundle", sealed_kiosk, [
        (same_id_other_content(record, other, other_photo, sealed_kiosk.signing_key), other_photo)])
    assert import_counts(capsys, data_dir, changed)["conflict"] == 1
    assert kiosk(capsys, "gateway", "records", "--data-dir", str(data_dir), "--json")[1] == before
    assert all(json.loads(line)["status"] == "accepted" for line in before)


def test_import_of_an_unenrolled_kiosk_or_a_damaged_bundle_is_refused(
        tmp_path: Path, sealed_kiosk: SealedKiosk, capsys: pytest.CaptureFixture) -> None:
    data_dir = tmp_path / "gw"
    GatewayStore(data_dir).close()
    bundle = bundle_of(tmp_path / "day.kiosk-bundle", sealed_kiosk, sealed_kiosk.records[:2])
    status, _, err = kiosk(capsys, "gateway", "import", "--data-dir", str(data_dir), str(bundle))
    assert status == 2 and "belum terdaftar di gateway" in err
    store = GatewayStore(data_dir)
    stranger_key = public_key_b64(Ed25519PrivateKey.generate().public_key())
    store.enroll(store.new_enroll_code(), sealed_kiosk.device_id, stranger_key)
    store.close()
    status, _, err = kiosk(capsys, "gateway", "import", "--data-dir", str(data_dir), str(bundle))
    assert status == 2 and "bukan kunci terdaftar" in err
    bundle.write_bytes(bundle.read_bytes()[:-50])
    status, _, err = kiosk(capsys, "gateway", "import", "--data-dir", str(data_dir), str(bundle))
    assert status == 2 and "Berkas ekspor" in err
