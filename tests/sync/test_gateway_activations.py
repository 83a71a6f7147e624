"""Dukcapil's side of the activation QR, against the real gateway on loopback: what the citizen's
IKD app is told for a fresh, repeated, expired, altered, foreign or revoked kiosk's QR, for a NIK
that is not the record's, and for a scan that comes before the record (matched when it arrives)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from gateway_harness import MakeDevice, RunningGateway, SealedKiosk, SignedDevice
from kiosk import cli
from kiosk.activation_token import LIFETIME_SECONDS, PREFIX, issue_token, nik_check
from kiosk.sync.gateway_activations import CLOCK_TOLERANCE_SECONDS
from kiosk.sync.protocol import BatchRecord

NIK = "1371015507900002"
OTHER_NIK = "1371015507900003"


def synced(device: SignedDevice, pair: tuple[BatchRecord, bytes], nik: str = NIK) -> BatchRecord:
    """The record as a kiosk that sends the NIK check would send it, taken in by the gateway."""
    record, photo = pair
    record = record.model_copy(update={"nik_check": nik_check(record.record_id, nik).hex()})
    assert device.put_blob(record.blobs[0].sha256, photo).status_code in (200, 201)
    answer = device.post_json("/v1/batches", {"records": [record.model_dump(mode="json", by_alias=True)]})
    assert answer.json()["results"][0]["status"] == "accepted", answer.text
    return record


def qr_text(kiosk: SealedKiosk, record: BatchRecord, nik: str = NIK, issued: float | None = None,
            key: Ed25519PrivateKey | None = None, device_id: str | None = None) -> str:
    return issue_token(key or kiosk.signing_key, record.record_id, device_id or kiosk.device_id,
                       time.time() if issued is None else issued, nik_check(record.record_id, nik)).text


def scan(device: SignedDevice, text: str) -> dict:
    """What the phone sends and is told (unsigned; the answer still carries the gateway's signature)."""
    response = device.send("POST", "/v1/activations", json.dumps({"token": text}).encode(), signed=False)
    assert response.status_code == 200, response.text
    return response.json()


def activations(gateway: RunningGateway, capsys: pytest.CaptureFixture) -> list[dict]:
    """The gateway operator's list of kept scans."""
    assert cli.run(["gateway", "activations", "--data-dir", str(gateway.data_dir), "--json"]) == 0
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def test_a_fresh_qr_activates_and_the_same_qr_again_is_already_used(
        gateway: RunningGateway, device: SignedDevice, sealed_kiosk: SealedKiosk,
        capsys: pytest.CaptureFixture) -> None:
    record = synced(device, sealed_kiosk.records[0])
    text = qr_text(sealed_kiosk, record)
    first = scan(device, text)
    assert first["result"] == "activated" and first["record_id"] == record.record_id
    assert "terverifikasi" in first["message"]
    again = scan(device, text)
    assert again["result"] == "already_used" and "sudah pernah dipindai" in again["message"]
    assert [(a["record_id"], a["status"]) for a in activations(gateway, capsys)] == [(record.record_id, "activated")]


def test_a_used_qr_stays_used_after_the_gateway_restarts(
        gateway: RunningGateway, device: SignedDevice, sealed_kiosk: SealedKiosk,
        start_gateway: Callable[..., RunningGateway], new_device: MakeDevice) -> None:
    text = qr_text(sealed_kiosk, synced(device, sealed_kiosk.records[0]))
    assert scan(device, text)["result"] == "activated"
    gateway.stop()
    restarted = start_gateway(data_dir=gateway.data_dir)
    phone = new_device(restarted, sealed_kiosk.device_id, sealed_kiosk.signing_key)
    assert scan(phone, text)["result"] == "already_used"


def test_expiry_is_judged_on_the_kiosks_own_clock(device: SignedDevice, sealed_kiosk: SealedKiosk) -> None:
    """A kiosk 200 s behind the gateway: its fresh QR is already 'past' on the gateway's clock, yet
    valid; one past its 90 s (plus the small tolerance) on the kiosk's clock is expired."""
    record = synced(device, sealed_kiosk.records[0])
    device.clock_offset = -200.0
    assert device.get("/v1/hello").status_code == 200  # a signed request: the gateway sees the kiosk's clock
    kiosk_now = time.time() - 200
    assert scan(device, qr_text(sealed_kiosk, record, issued=kiosk_now))["result"] == "activated"
    too_old = kiosk_now - LIFETIME_SECONDS - CLOCK_TOLERANCE_SECONDS - 2
    late = scan(device, qr_text(sealed_kiosk, record, issued=too_old))
    assert late["result"] == "expired" and "kedaluwarsa" in late["message"]


def test_a_qr_just_issued_on_a_right_clock_but_90_s_old_is_expired(
        device: SignedDevice, sealed_kiosk: SealedKiosk) -> None:
    record = synced(device, sealed_kiosk.records[0])
    old = qr_text(sealed_kiosk, record, issued=time.time() - LIFETIME_SECONDS - CLOCK_TOLERANCE_SECONDS - 2)
    assert scan(device, old)["result"] == "expired"
    assert scan(device, qr_text(sealed_kiosk, record))["result"] == "activated"  # the expired one spent nothing


@pytest.mark.parametrize("where", ["nonce", "middle", "signature"])
def test_one_changed_character_is_bad_signature(device: SignedDevice, sealed_kiosk: SealedKiosk,
                                                where: str) -> None:
    record = synced(device, sealed_kiosk.records[0])
    text = qr_text(sealed_kiosk, record)
    index = {"nonce": len(PREFIX) + 60, "middle": len(text) // 2, "signature": len(text) - 4}[where]
    changed = text[:index] + ("A" if text[index] != "A" else "B") + text[index + 1:]
    refused = scan(device, changed)
    assert refused["result"] == "bad_signature" and "tidak sah" in refused["message"]
    assert scan(device, text)["result"] == "activated"  # the altered copy spent nothing


def test_text_that_is_no_activation_qr_is_bad_signature(device: SignedDevice) -> None:
    for text in ("IKD1:", "IKD1:ABC", "3171015507900002", "https://example.org/"):
        assert scan(device, text)["result"] == "bad_signature"


def test_a_qr_of_a_kiosk_the_gateway_does_not_know_is_unknown_device(
        device: SignedDevice, sealed_kiosk: SealedKiosk) -> None:
    record = synced(device, sealed_kiosk.records[0])
    stranger = qr_text(sealed_kiosk, record, key=Ed25519PrivateKey.generate(), device_id="fedcba9876543210")
    assert scan(device, stranger)["result"] == "unknown_device"


def test_a_qr_signed_with_another_key_under_an_enrolled_id_is_bad_signature(
        device: SignedDevice, sealed_kiosk: SealedKiosk) -> None:
    record = synced(device, sealed_kiosk.records[0])
    forged = qr_text(sealed_kiosk, record, key=Ed25519PrivateKey.generate())
    assert scan(device, forged)["result"] == "bad_signature"


def test_a_revoked_kiosks_qr_is_refused_and_so_are_its_requests(
        gateway: RunningGateway, device: SignedDevice, sealed_kiosk: SealedKiosk,
        capsys: pytest.CaptureFixture) -> None:
    record = synced(device, sealed_kiosk.records[0])
    text = qr_text(sealed_kiosk, record)
    assert cli.run(["gateway", "revoke", "--data-dir", str(gateway.data_dir), sealed_kiosk.device_id]) == 0
    assert "dicabut" in capsys.readouterr().out
    refused = scan(device, text)
    assert refused["result"] == "revoked" and "dicabut" in refused["message"]
    answer = device.get("/v1/devices/me/summary")
    assert answer.status_code == 401 and answer.json()["code"] == "revoked"
    assert device.enroll(gateway.store.new_enroll_code()).status_code == 200  # a fresh code binds it again
    assert device.get("/v1/devices/me/summary").status_code == 200


def test_revoking_a_kiosk_the_gateway_does_not_know_is_an_error(
        gateway: RunningGateway, capsys: pytest.CaptureFixture) -> None:
    assert cli.run(["gateway", "revoke", "--data-dir", str(gateway.data_dir), "fedcba9876543210"]) == 2
    assert "tidak terdaftar" in capsys.readouterr().err


def test_a_nik_other_than_the_records_is_nik_mismatch(device: SignedDevice, sealed_kiosk: SealedKiosk) -> None:
    record = synced(device, sealed_kiosk.records[0], nik=NIK)
    refused = scan(device, qr_text(sealed_kiosk, record, nik=OTHER_NIK))
    assert refused["result"] == "nik_mismatch" and "NIK pada QR tidak sama" in refused["message"]


def test_a_scan_before_the_record_syncs_is_pending_and_matched_when_it_arrives(
        gateway: RunningGateway, device: SignedDevice, sealed_kiosk: SealedKiosk,
        capsys: pytest.CaptureFixture) -> None:
    (good, good_photo), (wrong, wrong_photo) = sealed_kiosk.records[:2]
    waiting = scan(device, qr_text(sealed_kiosk, good))
    assert waiting["result"] == "pending" and "belum sampai" in waiting["message"]
    mismatched = scan(device, qr_text(sealed_kiosk, wrong, nik=OTHER_NIK))
    assert mismatched["result"] == "pending"
    assert {a["status"] for a in activations(gateway, capsys)} == {"pending"}
    synced(device, (good, good_photo), nik=NIK)
    synced(device, (wrong, wrong_photo), nik=NIK)
    decided = {a["record_id"]: a["status"] for a in activations(gateway, capsys)}
    assert decided == {good.record_id: "activated", wrong.record_id: "nik_mismatch"}
