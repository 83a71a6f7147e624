"""Activation QR tokens: signed by this device, valid 90 s, single use, and anything else is
``TokenRejected``; the PNG really scans back to the token text."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np
import pytest
import zxingcpp
from hypothesis import given
from hypothesis import strategies as st

from kiosk.activation_token import (
    LIFETIME_SECONDS,
    PREFIX,
    ActivationToken,
    TokenRejected,
    issue_token,
    qr_matrix,
    qr_png,
    verify_token,
)
from kiosk.device_keys import DeviceKeys
from kiosk.store import Store, open_store

ISSUED = 1_795_000_000.0
RECORD_ID = "01a21fb8-1bf2-7c6f-a796-a4a4bbbc4762"
KEYS = DeviceKeys.generate()  # Ed25519 key generation is cheap; one device for the module


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = open_store(tmp_path)
    yield opened
    opened.database.close()


@pytest.fixture
def token() -> ActivationToken:
    return issue_token(KEYS.signing_key, RECORD_ID, KEYS.device_id, ISSUED)


def never_called(nonce: str, record_id: str) -> bool:
    raise AssertionError("a token that fails its checks must not spend a nonce")


def reason(text: str, store: Store, now: float = ISSUED) -> str:
    with pytest.raises(TokenRejected) as caught:
        verify_token(text, KEYS.public_key, now, store.consume_nonce)
    assert caught.value.message and caught.value.next_step
    return caught.value.reason


def test_issue_and_verify(token: ActivationToken, store: Store) -> None:
    assert token.text.startswith(f"{PREFIX}.")
    assert (token.expires_at - token.issued_at, token.record_id, token.device_id) == (
        LIFETIME_SECONDS, RECORD_ID, KEYS.device_id)
    assert token.seconds_left(ISSUED) == 90 and token.seconds_left(ISSUED + 89.5) == 1
    verified = verify_token(token.text, KEYS.public_key, ISSUED + 5, store.consume_nonce)
    assert verified == token


def test_valid_until_the_ninetieth_second(token: ActivationToken, store: Store) -> None:
    verify_token(token.text, KEYS.public_key, ISSUED + LIFETIME_SECONDS - 1, store.consume_nonce)


@pytest.mark.parametrize("late", [LIFETIME_SECONDS, LIFETIME_SECONDS + 1, 86_400])
def test_expired(token: ActivationToken, store: Store, late: int) -> None:
    assert reason(token.text, store, now=ISSUED + late) == "expired"
    assert token.seconds_left(ISSUED + late) == 0


def test_reused(token: ActivationToken, store: Store) -> None:
    verify_token(token.text, KEYS.public_key, ISSUED, store.consume_nonce)
    assert reason(token.text, store) == "reused"
    renewed = issue_token(KEYS.signing_key, RECORD_ID, KEYS.device_id, ISSUED + 1)
    assert verify_token(renewed.text, KEYS.public_key, ISSUED + 1, store.consume_nonce).nonce != token.nonce


def test_nonce_use_survives_a_restart(token: ActivationToken, tmp_path: Path) -> None:
    first = open_store(tmp_path)
    verify_token(token.text, KEYS.public_key, ISSUED, first.consume_nonce)
    first.database.close()
    second = open_store(tmp_path)
    try:
        assert reason(token.text, second) == "reused"
    finally:
        second.database.close()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def with_payload(token: ActivationToken, **changes: object) -> str:
    prefix, body, signature = token.text.split(".")
    payload = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    payload.update(changes)
    return ".".join((prefix, _b64(json.dumps(payload).encode()), signature))


def flip_a_signature_bit(text: str) -> str:
    # Flip a decoded bit: changing the last base64 character may only touch its padding bits.
    head, signature = text.rsplit(".", 1)
    raw = bytearray(base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4)))
    raw[10] ^= 0x01
    return f"{head}.{_b64(bytes(raw))}"


def tampered_variants(token: ActivationToken) -> dict[str, str]:
    other = DeviceKeys.generate()
    return {
        "record swapped": with_payload(token, rid="01a21fb8-0000-7000-8000-000000000000"),
        "expiry extended": with_payload(token, exp=token.expires_at + 3600),
        "signature changed": flip_a_signature_bit(token.text),
        "signature dropped": token.text.rsplit(".", 1)[0] + ".",
        "prefix changed": "IKDACT2" + token.text[len(PREFIX):],
        "other device": issue_token(other.signing_key, RECORD_ID, other.device_id, ISSUED).text,
        "extra part": token.text + ".x",
    }


@pytest.mark.parametrize("variant", list(tampered_variants(issue_token(KEYS.signing_key, RECORD_ID, "x", 0))))
def test_tampered(token: ActivationToken, variant: str) -> None:
    text = tampered_variants(token)[variant]
    with pytest.raises(TokenRejected) as caught:
        verify_token(text, KEYS.public_key, ISSUED, never_called)
    assert caught.value.reason == "tampered"


def test_rejected_tokens_do_not_spend_the_nonce(token: ActivationToken, store: Store) -> None:
    assert reason(flip_a_signature_bit(token.text), store) == "tampered"
    assert reason(token.text, store, now=ISSUED + LIFETIME_SECONDS) == "expired"
    verify_token(token.text, KEYS.public_key, ISSUED, store.consume_nonce)


@pytest.mark.parametrize("text", [
    "", ".", "..", "IKDACT1", "IKDACT1..", "IKDACT1.%%%.%%%", "IKDACT1.\u00e9\u00e9.\u00e9",
    "IKDACT1.e30.AAAA", "IKDACT1.bnVsbA.\ud800", "\x00" * 100, "IKDACT1." + "A" * 10_000_000,
    "https://ikd.dukcapil.go.id/?nik=1371115708900001",
])
def test_hostile_strings_are_rejected_cleanly(text: str) -> None:
    with pytest.raises(TokenRejected) as caught:
        verify_token(text, KEYS.public_key, ISSUED, never_called)
    assert caught.value.reason == "tampered"


@given(st.text(max_size=700))
def test_any_text_is_rejected_as_tampered(text: str) -> None:
    with pytest.raises(TokenRejected) as caught:
        verify_token(text, KEYS.public_key, ISSUED, never_called)
    assert caught.value.reason == "tampered"


@given(st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=", max_size=300),
       st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=", max_size=100))
def test_well_formed_but_unsigned_tokens_are_tampered(body: str, signature: str) -> None:
    with pytest.raises(TokenRejected) as caught:
        verify_token(f"{PREFIX}.{body}.{signature}", KEYS.public_key, ISSUED, never_called)
    assert caught.value.reason == "tampered"


def test_png_scans_back_to_the_token(token: ActivationToken) -> None:
    png = qr_png(token.text)
    assert png.startswith(b"\x89PNG")
    image = cv2.imdecode(np.frombuffer(png, np.uint8), cv2.IMREAD_GRAYSCALE)
    assert image is not None
    results = zxingcpp.read_barcodes(image)
    assert [r.text for r in results] == [token.text]
    assert results[0].format == zxingcpp.BarcodeFormat.QRCode


def test_qr_matrix_is_square_with_a_quiet_zone(token: ActivationToken) -> None:
    matrix = qr_matrix(token.text)
    assert len(matrix) == len(matrix[0])
    assert not any(matrix[0]) and not any(row[0] for row in matrix)  # quiet zone
    assert matrix[4][4]  # corner of the top-left finder pattern
