"""Request and response signatures at the gateway: unsigned, unknown, replayed, skewed and
tampered requests get a signed 401; every answer, errors included, is signed for its request."""

from __future__ import annotations

import json
import time

import httpx
import pytest

from gateway_harness import MakeDevice, RunningGateway, SignedDevice
from kiosk.sync.protocol import HelloResponse
from kiosk.sync.signing import (
    CLOCK_WINDOW_SECONDS,
    H_NONCE,
    H_SERVER_SIGNATURE,
    SignatureError,
    sign_request,
    verify_response,
)

SUMMARY = "/v1/devices/me/summary"


def code_of(response: httpx.Response) -> str:
    return response.json()["code"]


def test_an_unsigned_request_is_401_missing_headers(device: SignedDevice) -> None:
    response = device.send("GET", SUMMARY, signed=False)
    assert response.status_code == 401 and code_of(response) == "missing_headers"
    assert "ditandatangani" in response.json()["message"]


def test_an_unknown_device_is_401_unknown_device(gateway: RunningGateway, new_device: MakeDevice) -> None:
    stranger = new_device(gateway, "aaaaaaaaaaaaaaaa")
    response = stranger.get(SUMMARY)
    assert response.status_code == 401 and code_of(response) == "unknown_device"
    hello = HelloResponse.model_validate_json(stranger.get("/v1/hello").content)
    assert hello.device_enrolled is False  # so a kiosk learns the gateway forgot it


def test_a_replayed_request_is_401_and_its_answer_is_not_the_first_one(device: SignedDevice) -> None:
    headers = sign_request(device.key, device.device_id, "GET", SUMMARY, b"")
    first = device.http.get(SUMMARY, headers=headers)
    again = device.http.get(SUMMARY, headers=headers)
    assert first.status_code == 200
    assert again.status_code == 401 and code_of(again) == "replayed_nonce"


@pytest.mark.parametrize("offset", [-(CLOCK_WINDOW_SECONDS + 60), CLOCK_WINDOW_SECONDS + 60, 2 * 86400])
def test_a_skewed_clock_is_401_with_the_server_time(device: SignedDevice, offset: float) -> None:
    device.clock_offset = offset
    response = device.get(SUMMARY)
    assert response.status_code == 401 and code_of(response) == "clock_skew"
    assert abs(response.json()["server_time"] - time.time()) < 5
    device.clock_offset = response.json()["server_time"] - time.time()  # the client's one correction
    assert device.get(SUMMARY).status_code == 200


def test_a_tampered_body_or_signature_is_401(device: SignedDevice) -> None:
    body = json.dumps({"sha256": ["a" * 64]}).encode()
    headers = sign_request(device.key, device.device_id, "POST", "/v1/blobs:check", body)
    tampered = device.http.post("/v1/blobs:check", content=body.replace(b"a", b"b"), headers=headers)
    assert tampered.status_code == 401 and code_of(tampered) == "bad_digest"
    headers = sign_request(device.key, device.device_id, "POST", "/v1/blobs:check", body)
    other_path = device.http.post("/v1/batches", content=body, headers=headers)
    assert other_path.status_code == 401 and code_of(other_path) == "bad_signature"


def test_every_answer_is_signed_and_bound_to_its_request_nonce(device: SignedDevice) -> None:
    headers = sign_request(device.key, device.device_id, "GET", "/v1/nowhere", b"")
    response = device.http.get("/v1/nowhere", headers=headers)
    assert response.status_code == 404 and code_of(response) == "not_found"
    verify_response(device.server_public_key, 404, headers[H_NONCE], response.headers, response.content)
    with pytest.raises(SignatureError):
        verify_response(device.server_public_key, 404, "another-nonce", response.headers, response.content)
    with pytest.raises(SignatureError):
        verify_response(device.server_public_key, 200, headers[H_NONCE], response.headers, response.content)
    assert device.send("DELETE", SUMMARY).status_code == 405  # SignedDevice checks this answer too


def test_hello_answers_unsigned_requests_signed_when_they_carry_a_nonce(device: SignedDevice) -> None:
    probe = device.send("GET", "/v1/hello", signed=False)  # a nonce only, as a captive-portal probe
    assert probe.status_code == 200 and probe.json()["device_enrolled"] is False
    bare = device.http.get("/v1/hello")
    assert H_SERVER_SIGNATURE in bare.headers
    verify_response(device.server_public_key, 200, "", bare.headers, bare.content)
    assert device.get("/v1/hello").json()["device_enrolled"] is True


def test_an_oversize_body_is_a_signed_413(device: SignedDevice) -> None:
    response = device.send("POST", "/v1/blobs:check", b"x" * (70 * 1024))
    assert response.status_code == 413 and code_of(response) == "too_large"
