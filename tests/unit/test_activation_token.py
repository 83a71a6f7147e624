"""Activation QR tokens: signed by this device, valid 90 s, single use, and anything else is
``TokenRejected``; the QR is small (version <= 9 at ECC M) and a webcam-like frame of it at
3, 4 and 6 px per module reads back to the token text."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import base45
import cbor2
import cv2
import numpy as np
import pytest
import zxingcpp
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.activation_token import (
    LIFETIME_SECONDS,
    MAX_TOKEN_LENGTH,
    PREFIX,
    ActivationToken,
    TokenRejected,
    issue_token,
    nik_check,
    qr_matrix,
    qr_png,
    qr_version,
    verify_token,
)
from kiosk.camera.qr_reader import ZxingQrReader
from kiosk.device_keys import DeviceKeys
from kiosk.store import Store, open_store

ISSUED = 1_795_000_000.0
RECORD_ID = "01a21fb8-1bf2-7c6f-a796-a4a4bbbc4762"
NIK = "1371115708900001"  # made up (the demo video's)
KEYS = DeviceKeys.generate()  # Ed25519 key generation is cheap; one device for the module
NIK_HASH = nik_check(RECORD_ID, NIK)  # ~50 ms: once for the module
QR_ALPHANUMERIC = set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:")
ISS, EXP, IAT, CTI, RID, NIK_CLAIM = 1, 4, 6, 7, -65537, -65538  # the module docstring's table


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = open_store(tmp_path)
    yield opened
    opened.database.close()


def issue(now: float = ISSUED, keys: DeviceKeys = KEYS) -> ActivationToken:
    return issue_token(keys.signing_key, RECORD_ID, keys.device_id, now, NIK_HASH)


@pytest.fixture
def token() -> ActivationToken:
    return issue()


def never_called(nonce: str, record_id: str) -> bool:
    raise AssertionError("a token that fails its checks must not spend a nonce")


def reason(text: str, store: Store, now: float = ISSUED) -> str:
    with pytest.raises(TokenRejected) as caught:
        verify_token(text, KEYS.public_key, now, store.consume_nonce)
    assert caught.value.message and caught.value.next_step
    return caught.value.reason


def assert_tampered(text: str) -> None:
    with pytest.raises(TokenRejected) as caught:
        verify_token(text, KEYS.public_key, ISSUED, never_called)
    assert caught.value.reason == "tampered"
    assert caught.value.message and caught.value.next_step


# -- what a token is -----------------------------------------------------------------------
def test_issue_and_verify(token: ActivationToken, store: Store) -> None:
    assert token.text.startswith(PREFIX) and len(token.text) <= MAX_TOKEN_LENGTH
    assert set(token.text) <= QR_ALPHANUMERIC  # the QR stays in alphanumeric mode
    assert (token.expires_at - token.issued_at, token.record_id, token.device_id) == (
        LIFETIME_SECONDS, RECORD_ID, KEYS.device_id)
    assert token.seconds_left(ISSUED) == 90 and token.seconds_left(ISSUED + 89.5) == 1
    verified = verify_token(token.text, KEYS.public_key, ISSUED + 5, store.consume_nonce)
    assert verified == token


def test_the_nik_check_matches_only_that_nik_on_that_record(token: ActivationToken, store: Store) -> None:
    """What a gateway does: recompute the check from the NIK it knows and the token's record."""
    verified = verify_token(token.text, KEYS.public_key, ISSUED, store.consume_nonce)
    assert verified.nik_hash == nik_check(verified.record_id, NIK)
    assert verified.nik_hash != nik_check(verified.record_id, "1371115708900002")
    assert verified.nik_hash != nik_check("01a21fb8-0000-7000-8000-000000000000", NIK)


def test_the_qr_does_not_carry_the_nik(token: ActivationToken) -> None:
    raw = base45.b45decode(token.text[len(PREFIX):])
    assert NIK.encode() not in raw and int(NIK).to_bytes(8, "big").lstrip(b"\0") not in raw
    assert NIK not in token.text


def test_every_token_has_its_own_nonce() -> None:
    nonces = {issue().nonce for _ in range(50)}
    assert len(nonces) == 50


# -- expiry and single use -----------------------------------------------------------------
def test_valid_until_the_ninetieth_second(token: ActivationToken, store: Store) -> None:
    verify_token(token.text, KEYS.public_key, ISSUED + LIFETIME_SECONDS - 1, store.consume_nonce)


@pytest.mark.parametrize("late", [LIFETIME_SECONDS, LIFETIME_SECONDS + 1, 86_400])
def test_expired(token: ActivationToken, store: Store, late: int) -> None:
    assert reason(token.text, store, now=ISSUED + late) == "expired"
    assert token.seconds_left(ISSUED + late) == 0


def test_reused(token: ActivationToken, store: Store) -> None:
    verify_token(token.text, KEYS.public_key, ISSUED, store.consume_nonce)
    assert reason(token.text, store) == "reused"
    renewed = issue(ISSUED + 1)
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


def test_rejected_tokens_do_not_spend_the_nonce(token: ActivationToken, store: Store) -> None:
    changed = token.text[:-1] + ("0" if token.text[-1] != "0" else "1")
    assert reason(changed, store) == "tampered"
    assert reason(token.text, store, now=ISSUED + LIFETIME_SECONDS) == "expired"
    verify_token(token.text, KEYS.public_key, ISSUED, store.consume_nonce)


# -- tampering ------------------------------------------------------------------------------
def message(text: str) -> cbor2.CBORTag:
    return cbor2.loads(base45.b45decode(text[len(PREFIX):]))


def as_text(item: object) -> str:
    return PREFIX + base45.b45encode(cbor2.dumps(item)).decode("ascii")


def with_claims(token: ActivationToken, **changes: object) -> str:
    """The token with claims changed and its signature kept."""
    sign1 = message(token.text)
    claims = cbor2.loads(sign1.value[2])
    claims.update({{"rid": RID, "exp": EXP, "iss": ISS}[name]: value for name, value in changes.items()})
    return as_text(cbor2.CBORTag(18, [sign1.value[0], {}, cbor2.dumps(claims), sign1.value[3]]))


def signed_by_this_device(claims: dict, protected: dict, unprotected: dict | None = None) -> str:
    """A COSE_Sign1 with the device's real key over whatever headers and claims (RFC 9052 4.4)."""
    body, payload = cbor2.dumps(protected) if protected else b"", cbor2.dumps(claims)
    signature = KEYS.signing_key.sign(cbor2.dumps(["Signature1", body, b"", payload]))
    return as_text(cbor2.CBORTag(18, [body, unprotected or {}, payload, signature]))


def tampered_variants(token: ActivationToken) -> dict[str, str]:
    sign1 = message(token.text)
    claims = cbor2.loads(sign1.value[2])
    flipped = bytearray(sign1.value[3])
    flipped[10] ^= 0x01
    return {
        "record swapped": with_claims(token, rid=bytes(16)),
        "expiry extended": with_claims(token, exp=token.expires_at + 3600),
        "other issuer named": with_claims(token, iss="0000000000000000"),
        "signature changed": as_text(cbor2.CBORTag(18, [*sign1.value[:3], bytes(flipped)])),
        "signature dropped": as_text(cbor2.CBORTag(18, [*sign1.value[:3], b""])),
        "prefix changed": "IKD2:" + token.text[len(PREFIX):],
        "prefix dropped": token.text[len(PREFIX):],
        "bytes appended": token.text + "000",
        "newline appended": token.text + "\n",
        "other device": issue(keys=DeviceKeys.generate()).text,
        "wrong alg (ES256 named, EdDSA signed)": signed_by_this_device(claims, {1: -7}),
        "alg unprotected": signed_by_this_device(claims, {}, {1: -8}),
        "unprotected header added": signed_by_this_device(claims, {1: -8}, {4: b"kid"}),
        "claim added": signed_by_this_device({**claims, 8: "x"}, {1: -8}),
        "claim missing": signed_by_this_device({k: v for k, v in claims.items() if k != CTI}, {1: -8}),
        "short nonce": signed_by_this_device({**claims, CTI: b"\1"}, {1: -8}),
        "record id as text": signed_by_this_device({**claims, RID: RECORD_ID}, {1: -8}),
        "expiry as text": signed_by_this_device({**claims, EXP: str(token.expires_at)}, {1: -8}),
        "expiry as boolean": signed_by_this_device({**claims, EXP: True}, {1: -8}),
        "claims not a map": signed_by_this_device([1, 2], {1: -8}),  # type: ignore[arg-type]
        "CWT tag around it": as_text(cbor2.CBORTag(61, sign1)),
    }


@pytest.mark.parametrize("variant", list(tampered_variants(issue())))
def test_tampered(token: ActivationToken, variant: str) -> None:
    assert_tampered(tampered_variants(token)[variant])


def test_one_changed_character_anywhere_is_tampered(token: ActivationToken) -> None:
    alphabet = sorted(QR_ALPHANUMERIC)
    for position, character in enumerate(token.text):
        for step in (1, 22):  # a neighbour in the alphabet and a far one
            other = alphabet[(alphabet.index(character) + step) % len(alphabet)]
            assert_tampered(token.text[:position] + other + token.text[position + 1:])


@pytest.mark.parametrize("text", [
    "", ":", "IKD1", "IKD1:", "IKD1:0", "IKD1:GGW", "ikd1:00", "IKD1:" + "0" * 10_000_000,
    "IKD1:\u00e9\u00e9\u00e9", "IKD1:\ud800\ud800", "\x00" * 100,
    as_text([1, 2, 3]), as_text(cbor2.CBORTag(18, "x")), as_text(cbor2.CBORTag(18, [b"", {}, b"", b""])),
    as_text(cbor2.CBORTag(17, [b"\xa1\x01\x05", {}, b"", b"\0" * 32])), as_text({1: "x"}),
    PREFIX + base45.b45encode(b"\xff\xff\xff\x9f\x9f\x9f").decode(),
    PREFIX + base45.b45encode(b"\x5b" + b"\xff" * 8).decode(),  # a byte string claiming 2**64 bytes
    PREFIX + base45.b45encode(b"\x9f" * 170).decode(),  # nested open arrays
    "IKDACT1.eyJuIjoieCJ9.AAAA",  # the old format
    "https://ikd.dukcapil.go.id/?nik=1371115708900001",
])
def test_hostile_strings_are_rejected_cleanly(text: str) -> None:
    assert_tampered(text)


def test_a_token_longer_than_a_version_9_qr_is_refused_unread(token: ActivationToken) -> None:
    assert_tampered(token.text + "0" * (MAX_TOKEN_LENGTH + 1 - len(token.text)))


@given(st.text(max_size=300))
def test_any_text_is_rejected_as_tampered(text: str) -> None:
    assert_tampered(text)


@given(st.text(alphabet=sorted(QR_ALPHANUMERIC), max_size=300))
def test_any_base45_text_is_rejected_as_tampered(body: str) -> None:
    assert_tampered(PREFIX + body)


CBOR_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-2**70, 2**70) | st.binary(max_size=40) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.integers(-70_000, 70) | st.text(max_size=3),
                                                                inner, max_size=5),
    max_leaves=12)


@settings(max_examples=200)
@given(protected=CBOR_VALUES, unprotected=CBOR_VALUES, payload=CBOR_VALUES, signature=CBOR_VALUES,
       encode_headers=st.booleans())
def test_any_cose_sign1_shape_is_rejected_as_tampered(protected, unprotected, payload, signature,
                                                      encode_headers) -> None:
    if encode_headers:
        protected, payload = cbor2.dumps(protected), cbor2.dumps(payload)
    text = as_text(cbor2.CBORTag(18, [protected, unprotected, payload, signature]))
    if len(text) <= MAX_TOKEN_LENGTH:
        assert_tampered(text)


# -- the QR ---------------------------------------------------------------------------------
def test_the_qr_is_version_9_or_smaller_at_ecc_m(token: ActivationToken) -> None:
    version = qr_version(token.text)
    assert version <= 9
    assert len(qr_matrix(token.text)) == 17 + 4 * version + 8  # modules + the quiet zone


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


def webcam_frame(png: bytes, rng: np.random.Generator) -> np.ndarray:
    """The QR (PNG with its quiet zone) in a 1280x720 frame, shifted by a fraction of a pixel,
    slightly out of focus and with sensor noise, as a laptop webcam would see a screen."""
    code = cv2.imdecode(np.frombuffer(png, np.uint8), cv2.IMREAD_GRAYSCALE).astype(np.float32)
    code = 40 + code * (190 / 255)  # a screen's black is not black, nor its white white
    frame = np.full((720, 1280), 120, np.float32)
    x, y = int(rng.integers(100, 1280 - code.shape[1] - 100)), int(rng.integers(50, 720 - code.shape[0] - 50))
    shift = np.float32([[1, 0, x + rng.uniform(0, 1)], [0, 1, y + rng.uniform(0, 1)]])
    frame = cv2.warpAffine(code, shift, (1280, 720), dst=frame, borderMode=cv2.BORDER_TRANSPARENT)
    frame = cv2.GaussianBlur(frame, (0, 0), 0.7)
    frame += rng.normal(0, 6, frame.shape).astype(np.float32)
    return cv2.cvtColor(np.clip(frame, 0, 255).astype(np.uint8), cv2.COLOR_GRAY2BGR)


@pytest.mark.parametrize("px_per_module", [3, 4, 6])
def test_a_webcam_frame_of_the_qr_reads_back(px_per_module: int) -> None:
    """Issue 13's goal: the token decodes at >= 3 px per module. Ten fresh tokens per scale."""
    rng, reader = np.random.default_rng(px_per_module), ZxingQrReader()
    read = 0
    for second in range(10):
        token = issue(ISSUED + second)
        read += reader.decode(webcam_frame(qr_png(token.text, box_size=px_per_module), rng)) == [token.text]
    assert read == 10
