"""The sync client's reading of answers (httpx MockTransport playing a gateway with a known key):
signed or not, which status is retryable, Retry-After, one clock-skew retry, typed errors."""

from __future__ import annotations

import email.utils
import json
import time
from collections.abc import Callable

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kiosk.device_keys import DeviceKeys
from kiosk.sync import errors
from kiosk.sync.client import DEFAULT_TIMEOUT, SyncClient
from kiosk.sync.protocol import HelloResponse
from kiosk.sync.signing import H_NONCE, H_SIGNATURE, NonceCache, public_key_b64, sign_response, verify_request

SERVER_KEY = Ed25519PrivateKey.generate()
KEYS = DeviceKeys.generate()


def answer(request: httpx.Request, status: int, body: dict | bytes, headers: dict | None = None,
           signed: bool = True, key: Ed25519PrivateKey = SERVER_KEY) -> httpx.Response:
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    extra = sign_response(key, status, request.headers[H_NONCE], content) if signed else {}
    return httpx.Response(status, content=content, headers={**(headers or {}), **extra})


def hello_body() -> dict:
    return HelloResponse(server_time=time.time(), device_enrolled=True).model_dump()


def client_for(handler: Callable[[httpx.Request], httpx.Response], **kwargs) -> SyncClient:
    return SyncClient("http://gateway.test/base", KEYS, SERVER_KEY.public_key(),
                      transport=httpx.MockTransport(handler), **kwargs)


def test_requests_are_signed_over_the_full_path_and_the_timeouts_are_the_memo_s() -> None:
    seen = []

    def gateway(request: httpx.Request) -> httpx.Response:
        verify_request(KEYS.public_key, request.method, request.url.raw_path.decode(), request.headers,
                       request.content, NonceCache())
        seen.append(request.url.raw_path)
        return answer(request, 200, {"receipts": [], "next_after": 4})

    with client_for(gateway) as client:
        assert client.receipts(4).next_after == 4
    assert seen == [b"/base/v1/receipts?after=4&limit=500"]
    timeout = DEFAULT_TIMEOUT
    assert (timeout.connect, timeout.write, timeout.read, timeout.pool) == (10, 30, 60, 5)


@pytest.mark.parametrize("signed_by", ["nobody", "another key", "wrong body"])
def test_a_200_not_signed_by_the_gateway_is_a_captive_portal(signed_by: str) -> None:
    def portal(request: httpx.Request) -> httpx.Response:
        if signed_by == "nobody":
            return answer(request, 200, hello_body(), signed=False)
        if signed_by == "another key":
            return answer(request, 200, hello_body(), key=Ed25519PrivateKey.generate())
        good = answer(request, 200, hello_body())
        return httpx.Response(200, content=b'{"tampered": true}', headers=dict(good.headers))

    with client_for(portal) as client, pytest.raises(errors.CaptivePortal) as caught:
        client.hello()
    assert caught.value.offline and caught.value.retryable


@pytest.mark.parametrize("status", [408, 425, 429, 500, 502, 503, 504])
@pytest.mark.parametrize("signed", [True, False])
def test_busy_statuses_are_retryable_with_retry_after(status: int, signed: bool) -> None:
    def busy(request: httpx.Request) -> httpx.Response:
        return answer(request, status, {"code": "busy", "message": "sibuk"}, {"Retry-After": "42"}, signed)

    with client_for(busy) as client, pytest.raises(errors.ServerBusy) as caught:
        client.hello()
    assert (caught.value.status, caught.value.retry_after, caught.value.retryable) == (status, 42.0, True)
    assert not caught.value.offline


def test_retry_after_as_an_http_date() -> None:
    when = {"Retry-After": email.utils.formatdate(time.time() + 600, usegmt=True)}

    with client_for(lambda r: answer(r, 429, b"", when)) as client, pytest.raises(errors.ServerBusy) as caught:
        client.hello()
    assert 595 <= caught.value.retry_after <= 601


def test_413_asks_for_a_smaller_batch_even_unsigned() -> None:
    with client_for(lambda r: answer(r, 413, b"too big", signed=False)) as client:
        with pytest.raises(errors.BatchTooLarge):
            client.hello()


def test_a_signed_4xx_is_not_retryable_and_carries_the_gateway_s_words() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        return answer(request, 403, {"code": "forbidden", "message": "Perangkat dicabut."})

    with client_for(refuse) as client, pytest.raises(errors.RequestRejected) as caught:
        client.hello()
    assert (caught.value.status, caught.value.code, caught.value.message) == (403, "forbidden", "Perangkat dicabut.")
    assert not caught.value.retryable


def test_unknown_device_means_not_enrolled() -> None:
    def forgot(request: httpx.Request) -> httpx.Response:
        return answer(request, 401, {"code": "unknown_device", "message": "?"})

    with client_for(forgot) as client, pytest.raises(errors.NotEnrolled):
        client.check_blobs(["0" * 64])


def test_clock_skew_is_fixed_and_retried_exactly_once() -> None:
    server_time = time.time() - 3 * 86400
    created = []

    def skewed(request: httpx.Request) -> httpx.Response:
        created.append(int(request.headers["X-Kiosk-Created"]))
        if abs(created[-1] - server_time) > 300:
            return answer(request, 401, {"code": "clock_skew", "message": "jam", "server_time": server_time})
        return answer(request, 200, hello_body())

    with client_for(skewed) as client:
        client.hello()
        assert abs(client.clock_offset + 3 * 86400) < 5 and len(created) == 2
    def always_skewed(request: httpx.Request) -> httpx.Response:
        return answer(request, 401, {"code": "clock_skew", "message": "jam", "server_time": server_time + 9e6})

    with client_for(always_skewed) as client, pytest.raises(errors.ClockSkew):
        client.hello()


def test_transport_errors_are_network_unavailable() -> None:
    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectTimeout("timed out", request=request)

    with client_for(down) as client, pytest.raises(errors.NetworkUnavailable) as caught:
        client.hello()
    assert caught.value.offline and "ConnectTimeout" in caught.value.message


def test_a_signed_answer_that_is_not_the_protocol_is_a_mismatch() -> None:
    with client_for(lambda r: answer(r, 200, {"hello": "world"})) as client:
        with pytest.raises(errors.ProtocolMismatch):
            client.hello()


def test_enrolment_answers_are_checked_with_the_key_they_carry() -> None:
    def enrol(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        assert body["device_id"] == KEYS.device_id and H_SIGNATURE in request.headers
        return answer(request, 200, {"device_id": KEYS.device_id, "server_time": time.time(),
                                     "server_public_key": public_key_b64(SERVER_KEY.public_key())})

    client = SyncClient("http://gateway.test", KEYS, None, transport=httpx.MockTransport(enrol))
    with client:
        client.enroll("ABCD-EFGH")
        assert public_key_b64(client.server_key) == public_key_b64(SERVER_KEY.public_key())

    def impostor(request: httpx.Request) -> httpx.Response:  # carries one key, signs with another
        return answer(request, 200, {"device_id": KEYS.device_id, "server_time": time.time(),
                                     "server_public_key": public_key_b64(SERVER_KEY.public_key())},
                      key=Ed25519PrivateKey.generate())

    with SyncClient("http://gateway.test", KEYS, None, transport=httpx.MockTransport(impostor)) as client:
        with pytest.raises(errors.CaptivePortal):
            client.enroll("ABCD-EFGH")
        assert client.server_key is None
