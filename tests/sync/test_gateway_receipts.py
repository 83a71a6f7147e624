"""The registry as the gateway plays it: records are decided lazily on the receipts query (after
``process_after_seconds``; ``reject_percent`` rejected, by their hash), the feed pages by cursor,
and the device summary names the gaps a kiosk must resend."""

from __future__ import annotations

import time
from collections.abc import Callable

from gateway_harness import MakeDevice, RunningGateway, SealedKiosk, SignedDevice
from kiosk.sync.gateway_app import GatewayConfig
from kiosk.sync.gateway_registry import REASON_CODES, decide
from kiosk.sync.protocol import DeviceSummary, ReceiptsResponse

StartGateway = Callable[..., RunningGateway]


class ShiftedClock:
    """Real time plus a shift the test moves (within the signature window)."""

    def __init__(self) -> None:
        self.shift = 0.0

    def __call__(self) -> float:
        return time.time() + self.shift


def enrolled(gateway: RunningGateway, new_device: MakeDevice, kiosk: SealedKiosk) -> SignedDevice:
    device = new_device(gateway, kiosk.device_id, kiosk.signing_key)
    assert device.enroll(gateway.store.new_enroll_code()).status_code == 200
    return device


def send_all(device: SignedDevice, pairs: list) -> list[str]:
    for record, photo in pairs:
        device.put_blob(record.blobs[0].sha256, photo)
    records = [record.model_dump(mode="json", by_alias=True) for record, _ in pairs]
    results = device.post_json("/v1/batches", {"records": records}).json()["results"]
    assert {r["status"] for r in results} == {"accepted"}
    return [r["receipt_no"] for r in results]


def receipts(device: SignedDevice, after: int = 0, limit: int = 500) -> ReceiptsResponse:
    response = device.get(f"/v1/receipts?after={after}&limit={limit}")
    assert response.status_code == 200, response.text
    return ReceiptsResponse.model_validate_json(response.content)


def test_reject_percent_100_rejects_all_with_a_reason_and_a_remedy(start_gateway: StartGateway,
                                                                  new_device: MakeDevice,
                                                                  sealed_kiosk: SealedKiosk) -> None:
    device = enrolled(start_gateway(GatewayConfig(reject_percent=100)), new_device, sealed_kiosk)
    numbers = send_all(device, sealed_kiosk.records[:12])
    feed = receipts(device)
    assert [r.receipt_no for r in feed.receipts] == numbers
    assert {r.status for r in feed.receipts} == {"rejected"}
    assert {r.reason_code for r in feed.receipts} <= set(REASON_CODES)
    assert all(r.reason and r.remedy for r in feed.receipts)
    face = decide("0" * 8 + "00000001" + "0" * 48, 100)
    assert (face.reason, face.remedy) == ("Foto wajah tidak cocok dengan foto KTP-el",
                                          "Datang lagi untuk foto ulang tanpa kacamata, cahaya cukup")


def test_reject_percent_0_processes_all(start_gateway: StartGateway, new_device: MakeDevice,
                                        sealed_kiosk: SealedKiosk) -> None:
    device = enrolled(start_gateway(GatewayConfig(reject_percent=0)), new_device, sealed_kiosk)
    send_all(device, sealed_kiosk.records[:5])
    feed = receipts(device)
    assert [r.status for r in feed.receipts] == ["processed"] * 5
    assert all(r.reason_code is None for r in feed.receipts)


def test_the_default_rule_is_deterministic_by_hash(sealed_kiosk: SealedKiosk) -> None:
    hashes = [record.record_sha256 for record, _ in sealed_kiosk.records]
    first = [decide(sha, 10) for sha in hashes]
    assert first == [decide(sha, 10) for sha in hashes]
    assert 0 < sum(d.status == "rejected" for d in first) < len(hashes) // 2


def test_the_feed_pages_with_its_cursor_and_repeats_nothing(device: SignedDevice, sealed_kiosk: SealedKiosk) -> None:
    numbers = send_all(device, sealed_kiosk.records[:7])
    seen, after = [], 0
    while True:
        page = receipts(device, after, limit=3)
        if not page.receipts:
            break
        assert len(page.receipts) <= 3 and page.next_after == page.receipts[-1].feed_seq
        seen += page.receipts
        after = page.next_after
    assert [r.receipt_no for r in seen] == numbers
    assert receipts(device, after).next_after == after  # an empty page keeps the cursor
    assert receipts(device, 0).receipts == seen  # decisions are final: the same on every read


def test_processing_waits_process_after_seconds(start_gateway: StartGateway, new_device: MakeDevice,
                                                sealed_kiosk: SealedKiosk) -> None:
    clock = ShiftedClock()
    gateway = start_gateway(GatewayConfig(reject_percent=0, process_after_seconds=60, clock=clock))
    device = enrolled(gateway, new_device, sealed_kiosk)
    send_all(device, sealed_kiosk.records[:2])
    assert receipts(device).receipts == []
    clock.shift = 61
    assert [r.status for r in receipts(device).receipts] == ["processed", "processed"]


def test_the_feed_is_per_device(start_gateway: StartGateway, new_device: MakeDevice,
                                sealed_kiosk: SealedKiosk) -> None:
    gateway = start_gateway()
    device = enrolled(gateway, new_device, sealed_kiosk)
    send_all(device, sealed_kiosk.records[:2])
    other = new_device(gateway, "0000000000000001")
    assert other.enroll(gateway.store.new_enroll_code()).status_code == 200
    assert receipts(other).receipts == [] and len(receipts(device).receipts) == 2


def test_the_summary_names_the_gaps(device: SignedDevice, sealed_kiosk: SealedKiosk) -> None:
    empty = DeviceSummary.model_validate_json(device.get("/v1/devices/me/summary").content)
    assert (empty.records, empty.highest_contiguous_seq, empty.gaps) == (0, 0, [])
    chosen = [pair for pair in sealed_kiosk.records[:9] if pair[0].device_seq not in (3, 6, 7)]
    send_all(device, chosen)
    summary = DeviceSummary.model_validate_json(device.get("/v1/devices/me/summary").content)
    assert summary.device_id == device.device_id
    assert (summary.records, summary.highest_contiguous_seq, summary.gaps) == (6, 2, [3, 6, 7])


def test_bad_cursor_values_are_422(device: SignedDevice) -> None:
    for query in ("after=-1", "limit=0", "limit=501", "after=x"):
        response = device.get(f"/v1/receipts?{query}")
        assert response.status_code == 422 and response.json()["code"] == "bad_request"
