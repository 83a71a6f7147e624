"""Scanned-text parsing: every accepted form, and hostile or malformed input."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.errors import InvalidQrPayload
from kiosk.qr_payload import (
    MAX_PAYLOAD_CHARS,
    RECEIPT_QR_PREFIX,
    PayloadSource,
    ScannedIdentity,
    parse_qr_payload,
    receipt_qr_text,
)

NIK = "1371115708900001"
EMAIL = "siti.rahma@example.com"
PHONE = "081234567890"
FULL = ScannedIdentity(NIK, EMAIL, PHONE, None, PayloadSource.JSON)


def test_plain_nik() -> None:
    assert parse_qr_payload(NIK) == ScannedIdentity(NIK, None, None, None, PayloadSource.NIK)


def test_plain_nik_from_a_keyboard_wedge_scanner() -> None:
    """Wedge scanners end with Enter (and some with Tab); people paste with spaces."""
    assert parse_qr_payload(f"  {NIK}\r\n").nik == NIK
    assert parse_qr_payload(f"{NIK}\t").nik == NIK


def test_json_object() -> None:
    text = json.dumps({"nik": NIK, "email": EMAIL, "phone": PHONE})
    assert parse_qr_payload(text) == FULL


def test_json_with_only_a_nik_and_unknown_string_keys() -> None:
    identity = parse_qr_payload(json.dumps({"nik": NIK, "versi": "2"}))
    assert identity == ScannedIdentity(NIK, None, None, None, PayloadSource.JSON)


def test_json_empty_contact_fields_mean_absent() -> None:
    identity = parse_qr_payload(json.dumps({"nik": NIK, "email": "", "phone": " "}))
    assert (identity.email, identity.phone) == (None, None)


def test_bytes_are_accepted_as_utf8() -> None:
    assert parse_qr_payload(NIK.encode()).nik == NIK


@pytest.mark.parametrize(
    "text",
    [
        f"ikd://register?nik={NIK}&email={EMAIL}&phone={PHONE}",
        f"https://dukcapil.example.go.id/ikd/?nik={NIK}&email={EMAIL}&phone={PHONE}",
        f"HTTPS://example.com/a?phone={PHONE}&nik={NIK}&email=siti.rahma%40example.com&utm=x#top",
        f"nik={NIK}&email={EMAIL}&phone={PHONE}",
        f"?nik={NIK}&email={EMAIL}&phone={PHONE}&",
    ],
)
def test_url_and_query_string(text: str) -> None:
    identity = parse_qr_payload(text)
    assert (identity.nik, identity.email, identity.phone) == (NIK, EMAIL, PHONE)
    assert identity.source is PayloadSource.URL


def test_plus_in_a_query_stays_a_plus() -> None:
    identity = parse_qr_payload(f"nik={NIK}&email=siti+ikd@example.com&phone=+6281234567890")
    assert (identity.email, identity.phone) == ("siti+ikd@example.com", "+6281234567890")


def test_receipt_qr_round_trip() -> None:
    text = receipt_qr_text("R-20240601-0042")
    assert text == RECEIPT_QR_PREFIX + "R-20240601-0042"
    assert parse_qr_payload(text) == ScannedIdentity(None, None, None, "R-20240601-0042", PayloadSource.RECEIPT)


@pytest.mark.parametrize("receipt_no", ["", "r-lowercase", "A" * 41, "R 1", "R_1"])
def test_receipt_qr_text_refuses_bad_numbers(receipt_no: str) -> None:
    with pytest.raises(ValueError):
        receipt_qr_text(receipt_no)


def assert_invalid(payload: str | bytes) -> InvalidQrPayload:
    with pytest.raises(InvalidQrPayload) as caught:
        parse_qr_payload(payload)
    assert caught.value.message and caught.value.next_step
    return caught.value


def test_unrecognised_text_gets_the_standard_indonesian_message() -> None:
    error = assert_invalid("hello world")
    assert error.message == "Kode QR ini tidak dikenali."
    assert error.next_step == "Minta warga membuka QR di aplikasi IKD, atau ketik NIK secara manual."


def test_too_long_payload() -> None:
    error = assert_invalid(NIK + " " * MAX_PAYLOAD_CHARS)
    assert "terlalu panjang" in error.message


def test_fifteen_digit_nik_says_how_many_digits() -> None:
    assert "15 angka" in assert_invalid(NIK[:-1]).message
    assert "17 angka" in assert_invalid(NIK + "1").message
    assert "16 angka" in assert_invalid(json.dumps({"nik": NIK[:-1]})).message


@pytest.mark.parametrize(
    "payload",
    [
        "",
        "   \r\n",
        "__import__('os')",
        "__import__('os').system('rm -rf /')",
        "eval(1)",
        f"{NIK[:8]}\x00{NIK[8:]}",  # NUL inside
        f"{NIK}\x1b[2J",  # terminal escape
        f"\u202e{NIK}",  # right-to-left override
        f"{NIK[:8]} {NIK[8:]}",
        "١٣٧١١١٥٧٠٨٩٠٠٠٠١",  # Arabic-Indic digits are not NIK digits
        "[1371115708900001]",
        json.dumps(NIK),
        json.dumps({"nik": int(NIK)}),
        json.dumps({"nik": NIK, "email": None}),
        json.dumps({"nik": NIK, "phone": 81234567890}),
        json.dumps({"nik": NIK, "extra": {"nested": "x"}}),
        json.dumps({"nik": [NIK]}),
        json.dumps({"nik": NIK, "ok": True}),
        json.dumps({"email": EMAIL}),
        '{"nik": "1371115708900001", "nik": "3201010101010001"}',
        '{"nik": "1371115708900001", "email": "a\\u0000b"}',
        '{"nik": "1371115708900001", "email": "\\ud800"}',
        '{"nik": NaN}',
        '{"nik": "1371115708900001"',
        '{"a":' + "[" * 1010,  # deep enough to hit Python's recursion limit within 1 KiB
        f"{NIK}\n{NIK}",
        f"javascript:alert(1)//?nik={NIK}",
        f"file:///etc/passwd?nik={NIK}",
        f"nik={NIK}&nik=3201010101010001",
        f"nik={NIK}&email=a%00b",
        f"ikd://register?email={EMAIL}",
        "&" * 25 + f"nik={NIK}",
        "http://[::1/?nik=" + NIK,
        RECEIPT_QR_PREFIX,
        RECEIPT_QR_PREFIX + "r-lower",
        RECEIPT_QR_PREFIX + "A" * 41,
        "kioskikd1:r:R-1",
        b"\xff\xfe" + NIK.encode(),
    ],
)
def test_hostile_or_malformed_input_is_refused(payload: str | bytes) -> None:
    assert_invalid(payload)


def parses_or_refuses(payload: str | bytes) -> None:
    try:
        identity = parse_qr_payload(payload)
    except InvalidQrPayload:
        return
    assert (identity.nik is None) != (identity.receipt_no is None)


@given(st.binary(max_size=1200))
def test_random_bytes_parse_or_raise_invalid_qr_payload(payload: bytes) -> None:
    parses_or_refuses(payload)


@given(st.text(max_size=1200))
def test_random_text_parse_or_raise_invalid_qr_payload(payload: str) -> None:
    parses_or_refuses(payload)


@given(st.sampled_from(["{", '{"nik": ', "nik=", "ikd://x?", RECEIPT_QR_PREFIX, NIK]), st.text(max_size=300))
def test_random_text_after_a_known_start(start: str, rest: str) -> None:
    parses_or_refuses(start + rest)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3),
    max_leaves=8,
)


@given(st.dictionaries(st.sampled_from(["nik", "email", "phone", "x"]), json_values, max_size=4))
def test_random_json_objects(fields: dict) -> None:
    parses_or_refuses(json.dumps(fields))


@given(st.from_regex(r"[A-Z0-9-]{1,40}", fullmatch=True))
def test_every_valid_receipt_number_round_trips(receipt_no: str) -> None:
    assert parse_qr_payload(receipt_qr_text(receipt_no)).receipt_no == receipt_no
