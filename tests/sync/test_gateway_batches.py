"""Batches at the gateway: one result per record, one bad record never affects the others, and
the gateway never forgets a record id (duplicate = same receipt; conflict = stored copy untouched)."""

from __future__ import annotations

import gzip
import json

from gateway_harness import RunningGateway, SealedKiosk, SignedDevice, same_id_other_content
from kiosk.sync.gateway_records import list_records
from kiosk.sync.protocol import MAX_BATCH_BYTES, BatchRecord, BatchResponse


def upload_blobs(device: SignedDevice, pairs: list[tuple[BatchRecord, bytes]]) -> None:
    for record, photo in pairs:
        assert device.put_blob(record.blobs[0].sha256, photo).status_code in (200, 201)


def post_batch(device: SignedDevice, records: list) -> BatchResponse:
    items = [r.model_dump(mode="json", by_alias=True) if isinstance(r, BatchRecord) else r for r in records]
    response = device.post_json("/v1/batches", {"records": items})
    assert response.status_code == 200, response.text
    return BatchResponse.model_validate_json(response.content)


def stored_rows(gateway: RunningGateway) -> list[tuple]:
    return gateway.store.query("SELECT * FROM records ORDER BY server_seq")


def test_fifty_with_one_invalid_gives_49_accepted_and_1_invalid(gateway: RunningGateway, device: SignedDevice,
                                                                sealed_kiosk: SealedKiosk) -> None:
    pairs = sealed_kiosk.records[:50]
    upload_blobs(device, pairs)
    records = [record for record, _ in pairs]
    records[17] = records[17].model_copy(update={"device_seq": records[17].device_seq + 1000})  # signature breaks
    answer = post_batch(device, records)
    assert [r.record_id for r in answer.results] == [r.record_id for r in records]
    statuses = [r.status for r in answer.results]
    assert statuses.count("accepted") == 49 and statuses[17] == "invalid"
    assert answer.results[17].error.code == "bad_signature" and answer.results[17].error.retryable is False
    receipts = [r.receipt_no for r in answer.results if r.status == "accepted"]
    assert len(set(receipts)) == 49 and all(n.startswith("KT-1371-") for n in receipts)
    assert len(list_records(gateway.store)) == 49


def test_a_repeat_is_duplicate_with_the_original_receipt(device: SignedDevice, sealed_kiosk: SealedKiosk) -> None:
    pairs = sealed_kiosk.records[:3]
    upload_blobs(device, pairs)
    first = post_batch(device, [r for r, _ in pairs])
    again = post_batch(device, [r for r, _ in reversed(pairs)])
    assert {r.status for r in again.results} == {"duplicate"}
    original = {r.record_id: (r.receipt_no, r.server_seq) for r in first.results}
    assert {r.record_id: (r.receipt_no, r.server_seq) for r in again.results} == original


def test_same_id_other_content_is_conflict_and_the_stored_copy_is_untouched(
        gateway: RunningGateway, device: SignedDevice, sealed_kiosk: SealedKiosk) -> None:
    (record, photo), (other, other_photo) = sealed_kiosk.records[:2]
    upload_blobs(device, [(record, photo), (other, other_photo)])
    assert post_batch(device, [record]).results[0].status == "accepted"
    before = stored_rows(gateway)
    impostor = same_id_other_content(record, other, other_photo, device.key)
    result = post_batch(device, [impostor]).results[0]
    assert result.status == "conflict" and result.receipt_no is None and result.error.retryable is False
    assert stored_rows(gateway) == before


def test_a_record_whose_photo_is_not_there_is_missing_blobs(device: SignedDevice, sealed_kiosk: SealedKiosk) -> None:
    (record, photo), = sealed_kiosk.records[:1]
    result = post_batch(device, [record]).results[0]
    assert result.status == "missing_blobs" and result.error.retryable is True and result.receipt_no is None
    upload_blobs(device, [(record, photo)])
    assert post_batch(device, [record]).results[0].status == "accepted"


def test_bad_shape_and_bad_hash_are_invalid_each_on_its_own(device: SignedDevice, sealed_kiosk: SealedKiosk) -> None:
    pairs = sealed_kiosk.records[:2]
    upload_blobs(device, pairs)
    good, victim = pairs[0][0], pairs[1][0]
    wrong_photo = victim.model_copy(update={"blobs": good.blobs})  # signature holds, content hash does not
    shapeless = {"record_id": "x", "surprise": True}
    answer = post_batch(device, [shapeless, wrong_photo, good])
    assert [r.status for r in answer.results] == ["invalid", "invalid", "accepted"]
    assert answer.results[0].error.code == "bad_shape" and answer.results[0].record_id == "x"
    assert answer.results[1].error.code in ("hash_mismatch", "blob_size_mismatch")


def test_batch_limits_are_413_and_a_broken_envelope_422(device: SignedDevice, sealed_kiosk: SealedKiosk) -> None:
    record = sealed_kiosk.records[0][0].model_dump(mode="json", by_alias=True)
    too_many = device.post_json("/v1/batches", {"records": [record] * 51})
    assert too_many.status_code == 413 and too_many.json()["code"] == "too_many_records"
    padded = dict(record, stand="x" * 80)
    body = json.dumps({"records": [padded] * 50}).encode() + b" " * MAX_BATCH_BYTES
    too_big = device.send("POST", "/v1/batches", body)
    assert too_big.status_code == 413 and too_big.json()["code"] == "too_large"
    for envelope in ({"records": []}, {"records": [record], "more": 1}, [record]):
        response = device.post_json("/v1/batches", envelope)
        assert response.status_code == 422 and response.json()["code"] == "bad_request"


def test_a_gzipped_batch_is_read(device: SignedDevice, sealed_kiosk: SealedKiosk) -> None:
    pairs = sealed_kiosk.records[:2]
    upload_blobs(device, pairs)
    records = [r.model_dump(mode="json", by_alias=True) for r, _ in pairs]
    body = gzip.compress(json.dumps({"records": records}).encode())
    response = device.send("POST", "/v1/batches", body, headers={"Content-Encoding": "gzip"})
    assert [r["status"] for r in response.json()["results"]] == ["accepted", "accepted"]
