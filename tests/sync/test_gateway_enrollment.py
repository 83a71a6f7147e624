"""Enrolment at the reference gateway: a one-time code binds a device key; a retry after a lost
answer gets the same answer; a used code with another key, an unknown or expired code are refused."""

from __future__ import annotations

import time

from gateway_harness import MakeDevice, RunningGateway
from kiosk.sync.protocol import EnrollResponse, HelloResponse
from kiosk.sync.signing import public_key_b64


def test_a_code_enrols_a_device_and_the_answer_names_the_gateway_key(
        gateway: RunningGateway, new_device: MakeDevice) -> None:
    device = new_device(gateway)
    response = device.enroll(gateway.store.new_enroll_code())
    assert response.status_code == 200
    answer = EnrollResponse.model_validate_json(response.content)
    assert answer.device_id == device.device_id
    assert answer.server_public_key == public_key_b64(gateway.server_public_key)
    assert abs(answer.server_time - time.time()) < 5
    hello = HelloResponse.model_validate_json(device.get("/v1/hello").content)
    assert hello.device_enrolled and hello.protocol == "kiosk-sync/1"


def test_a_retry_with_the_same_code_and_key_gets_the_same_answer(
        gateway: RunningGateway, new_device: MakeDevice) -> None:
    device, code = new_device(gateway), gateway.store.new_enroll_code()
    first = EnrollResponse.model_validate_json(device.enroll(code).content)
    again = device.enroll(code.lower().replace("-", " "))  # typed loosely by an officer
    assert again.status_code == 200
    second = EnrollResponse.model_validate_json(again.content)
    assert (second.device_id, second.server_public_key) == (first.device_id, first.server_public_key)
    assert device.get("/v1/devices/me/summary").status_code == 200


def test_a_used_code_with_another_key_is_409_and_the_first_device_still_works(
        gateway: RunningGateway, new_device: MakeDevice) -> None:
    device, code = new_device(gateway), gateway.store.new_enroll_code()
    assert device.enroll(code).status_code == 200
    thief = new_device(gateway)  # same device id, other key
    refused = thief.enroll(code)
    assert refused.status_code == 409 and refused.json()["code"] == "code_used"
    other = new_device(gateway, "fedcba9876543210")
    assert other.enroll(code).json()["code"] == "code_used"
    assert device.get("/v1/devices/me/summary").status_code == 200
    assert thief.get("/v1/devices/me/summary").json()["code"] == "bad_signature"


def test_an_unknown_or_expired_code_is_403(gateway: RunningGateway, new_device: MakeDevice) -> None:
    device = new_device(gateway)
    unknown = device.enroll("ABCD-EFGH-JKLM")
    assert unknown.status_code == 403 and unknown.json()["code"] == "bad_code"
    assert unknown.json()["message"].startswith("Kode pendaftaran")
    expired = gateway.store.new_enroll_code(ttl=-1)
    assert device.enroll(expired).json()["code"] == "bad_code"


def test_a_malformed_enrolment_is_422_with_an_error_body(
        gateway: RunningGateway, new_device: MakeDevice) -> None:
    device = new_device(gateway)
    bad_key = device.enroll(gateway.store.new_enroll_code(), public_key_b64_="bm90IGEga2V5")
    assert bad_key.status_code == 422 and bad_key.json()["code"] == "bad_public_key"
    garbage = device.send("POST", "/v1/devices/enroll", b"{not json", signed=False)
    assert garbage.status_code == 422 and garbage.json()["code"] == "bad_request"


def test_a_new_code_rebinds_a_device_that_lost_its_key(
        gateway: RunningGateway, new_device: MakeDevice) -> None:
    old = new_device(gateway)
    assert old.enroll(gateway.store.new_enroll_code()).status_code == 200
    new = new_device(gateway)
    assert new.enroll(gateway.store.new_enroll_code()).status_code == 200
    assert new.get("/v1/devices/me/summary").status_code == 200
    assert old.get("/v1/devices/me/summary").status_code == 401
