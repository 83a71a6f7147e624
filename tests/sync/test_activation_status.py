"""The kiosk asks the gateway whether the citizen's phone scanned its activation QR: a signed
GET /v1/activations/status that answers the calling device's own scans only."""

from __future__ import annotations

import json
import time
from collections.abc import Callable

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from gateway_harness import RunningGateway, SealedKiosk, SignedDevice
from kiosk.activation_token import issue_token, nik_check

NIK = "1371015507900002"
RECORD_ID = "0190a3c4-0000-7000-8000-000000000001"


def shown(kiosk: SealedKiosk, nik: str = NIK):
    return issue_token(kiosk.signing_key, RECORD_ID, kiosk.device_id, time.time(), nik_check(RECORD_ID, nik))


def phone_scans(device: SignedDevice, text: str) -> str:
    response = device.send("POST", "/v1/activations", json.dumps({"token": text}).encode(), signed=False)
    return response.json()["result"]


def status(device: SignedDevice, *nonces: str) -> dict:
    response = device.get("/v1/activations/status?" + "&".join(f"nonce={n}" for n in nonces))
    assert response.status_code == 200, response.text
    return response.json()


def test_a_qr_not_yet_scanned_is_not_listed_and_a_scanned_one_is_pending_until_its_record(
        device: SignedDevice, sealed_kiosk: SealedKiosk) -> None:
    first, second = shown(sealed_kiosk), shown(sealed_kiosk)
    assert status(device, first.nonce, second.nonce) == {"scans": []}
    assert phone_scans(device, second.text) == "pending"
    scans = status(device, first.nonce, second.nonce)["scans"]
    assert [(s["nonce"], s["result"]) for s in scans] == [(second.nonce, "pending")]
    assert "belum sampai" in scans[0]["message"]


def test_another_kiosks_scans_are_never_told(
        gateway: RunningGateway, device: SignedDevice, sealed_kiosk: SealedKiosk,
        new_device: Callable[..., SignedDevice]) -> None:
    token = shown(sealed_kiosk)
    assert phone_scans(device, token.text) == "pending"
    other = new_device(gateway, "fedcba9876543210", Ed25519PrivateKey.generate())
    assert other.enroll(gateway.store.new_enroll_code()).status_code == 200
    assert status(other, token.nonce) == {"scans": []}


def test_the_question_must_be_signed_and_well_formed(device: SignedDevice, sealed_kiosk: SealedKiosk) -> None:
    token = shown(sealed_kiosk)
    unsigned = device.send("GET", f"/v1/activations/status?nonce={token.nonce}", signed=False)
    assert unsigned.status_code == 401
    assert device.get("/v1/activations/status?nonce=not-hex").status_code == 422
    assert device.get("/v1/activations/status").status_code == 422
    too_many = "&".join(f"nonce={i:02x}" for i in range(21))
    assert device.get(f"/v1/activations/status?{too_many}").status_code == 422
