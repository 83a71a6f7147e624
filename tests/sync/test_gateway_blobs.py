"""Encrypted photos at the gateway: content-addressed, checked before they are kept; a partial,
altered or oversize upload is never stored."""

from __future__ import annotations

import hashlib
import os

from gateway_harness import RunningGateway, SealedKiosk, SignedDevice
from kiosk.sync.protocol import MAX_BLOB_BYTES, BlobCheckResponse


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_check_lists_the_missing_and_put_stores_each_once(gateway: RunningGateway, device: SignedDevice,
                                                         sealed_kiosk: SealedKiosk) -> None:
    photos = [photo for _, photo in sealed_kiosk.records[:3]]
    wanted = [sha(p) for p in photos]
    missing = BlobCheckResponse.model_validate_json(device.post_json("/v1/blobs:check", {"sha256": wanted}).content)
    assert missing.missing == wanted
    first = device.put_blob(wanted[0], photos[0])
    assert first.status_code == 201 and first.json() == {"sha256": wanted[0], "stored": True}
    again = device.put_blob(wanted[0], photos[0])
    assert again.status_code == 200 and again.json()["stored"] is False
    assert device.post_json("/v1/blobs:check", {"sha256": wanted}).json()["missing"] == wanted[1:]
    kept = gateway.data_dir / "blobs" / wanted[0][:2] / wanted[0]
    assert kept.read_bytes() == photos[0]
    assert [p.name for p in kept.parent.iterdir()] == [wanted[0]]  # no temporary file left


def test_a_body_that_does_not_hash_to_its_name_is_422_and_not_kept(gateway: RunningGateway,
                                                                 device: SignedDevice) -> None:
    data = os.urandom(5000)
    truncated = device.put_blob(sha(data), data[:4000])
    assert truncated.status_code == 422 and truncated.json()["code"] == "digest_mismatch"
    assert device.post_json("/v1/blobs:check", {"sha256": [sha(data)]}).json()["missing"] == [sha(data)]
    assert not (gateway.data_dir / "blobs" / sha(data)[:2] / sha(data)).exists()


def test_a_blob_above_the_limit_is_413(device: SignedDevice) -> None:
    data = os.urandom(MAX_BLOB_BYTES + 1)
    response = device.put_blob(sha(data), data)
    assert response.status_code == 413 and response.json()["code"] == "too_large"
    largest = os.urandom(MAX_BLOB_BYTES)
    assert device.put_blob(sha(largest), largest).status_code == 201


def test_bad_names_are_422(device: SignedDevice) -> None:
    assert device.put_blob("not-a-hash", b"abc").status_code == 422
    assert device.put_blob(sha(b""), b"").status_code == 422
    response = device.post_json("/v1/blobs:check", {"sha256": ["ABC"]})
    assert response.status_code == 422 and response.json()["code"] == "bad_request"
