"""Offline contact checks: Indonesian mobile numbers stored as E.164, email syntax without DNS."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.contact import mask_email, mask_phone, validate_email, validate_mobile

E164_ID_MOBILE = re.compile(r"\+628\d{7,10}")


@pytest.mark.parametrize(("text", "e164"), [
    ("081234567890", "+6281234567890"),
    ("+6281234567890", "+6281234567890"),
    ("0812-3456-7890", "+6281234567890"),
    ("0812 3456 7890", "+6281234567890"),
    ("(0812) 3456.7890", "+6281234567890"),
    ("+62 812 3456 7890", "+6281234567890"),
    ("  085212345678 ", "+6285212345678"),
    ("08781234567", "+628781234567"),
    ("08961234567", "+628961234567"),
    ("0881234567", "+62881234567"),
])
def test_mobile_numbers_are_stored_as_e164(text: str, e164: str) -> None:
    result = validate_mobile(text)
    assert result.ok, result.message
    assert result.value == e164
    assert result.message == ""


@pytest.mark.parametrize("text", ["0812345678", "08123456789", "081234567890", "0812345678901"])
def test_ten_to_thirteen_digits_are_accepted(text: str) -> None:
    assert validate_mobile(text).ok


@pytest.mark.parametrize("text", ["081234567", "08123456789012", "+628123456789012"])
def test_fewer_than_ten_or_more_than_thirteen_digits_are_rejected(text: str) -> None:
    result = validate_mobile(text)
    assert not result.ok
    assert "10 sampai 13 digit" in result.message


@pytest.mark.parametrize("text", ["0211234567", "02112345678", "075112345678", "+622112345678", "6281234567890"])
def test_landlines_and_other_starts_are_rejected(text: str) -> None:
    result = validate_mobile(text)
    assert not result.ok
    assert "diawali 08 atau +628" in result.message
    assert "081234567890" in result.next_step


def test_toll_free_number_is_not_a_mobile() -> None:
    result = validate_mobile("08001234567")
    assert not result.ok
    assert "bukan nomor HP" in result.message


@pytest.mark.parametrize("text", ["0812abc45678", "0812345678O", "08123456789!"])
def test_letters_are_rejected(text: str) -> None:
    result = validate_mobile(text)
    assert not result.ok
    assert "angka" in result.message


@pytest.mark.parametrize("text", ["", "   "])
def test_empty_mobile(text: str) -> None:
    result = validate_mobile(text)
    assert not result.ok
    assert result.message == "Nomor HP belum diisi."


@given(st.text(max_size=30))
def test_any_text_gives_a_verdict_and_never_raises(text: str) -> None:
    result = validate_mobile(text)
    if result.ok:
        assert E164_ID_MOBILE.fullmatch(result.value)
    else:
        assert result.value is None and result.message and result.next_step


@given(st.from_regex(r"08[1-9][0-9]{7,10}", fullmatch=True))
def test_accepted_numbers_keep_their_digits(text: str) -> None:
    result = validate_mobile(text)
    if result.ok:
        assert result.value == "+62" + text[1:]


@pytest.mark.parametrize(("text", "normalized"), [
    ("siti.rahma84@gmail.com", "siti.rahma84@gmail.com"),
    ("warga@example.com", "warga@example.com"),
    ("budi@dukcapil.padang.go.id", "budi@dukcapil.padang.go.id"),
    ("andi_1990@mail.co.id", "andi_1990@mail.co.id"),
    ("  Siti@Example.COM ", "Siti@example.com"),  # the domain is case-insensitive, the local part is not
])
def test_valid_emails(text: str, normalized: str) -> None:
    result = validate_email(text)
    assert result.ok, result.message
    assert result.value == normalized


@pytest.mark.parametrize("text", [
    "siti", "siti@", "@gmail.com", "siti@@gmail.com", "siti rahma@gmail.com", "siti@localhost",
    "siti@gmail..com", "siti.@gmail.com", "siti@-gmail.com",
])
def test_invalid_emails(text: str) -> None:
    result = validate_email(text)
    assert not result.ok
    assert result.message == "Alamat email tidak sah."
    assert "bacakan kembali" in result.next_step


def test_empty_email() -> None:
    result = validate_email("  ")
    assert not result.ok
    assert result.message == "Alamat email belum diisi."


def test_masking_hides_the_contact() -> None:
    assert mask_email("siti.rahma84@gmail.com") == "s***@gmail.com"
    assert mask_email("no-at-sign") == "***"
    assert mask_phone("+6281234567890") == "+6281******890"
    assert mask_phone("+62812") == "***"
    assert "1234567" not in mask_phone("+6281234567890")
