"""Offline contact checks: Indonesian mobile numbers stored as E.164, email syntax without DNS."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.contact import (
    EMAIL_PROVIDERS,
    mask_email,
    mask_phone,
    suggest_email,
    validate_email,
    validate_mobile,
)

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


# -- a likely typo in the email's domain ---------------------------------------------------------
@pytest.mark.parametrize(("typed", "meant"), [
    ("r.sari@gmial.com", "r.sari@gmail.com"),  # two letters swapped
    ("r.sari@gmai.com", "r.sari@gmail.com"),  # one missing
    ("r.sari@gmaill.com", "r.sari@gmail.com"),  # one extra
    ("r.sari@gnail.com", "r.sari@gmail.com"),  # the key beside it
    ("r.sari@gmail.con", "r.sari@gmail.com"),  # an ending no one uses
    ("r.sari@gmail.cm", "r.sari@gmail.com"),
    ("r.sari@gmail.comm", "r.sari@gmail.com"),
    ("r.sari@yaho.com", "r.sari@yahoo.com"),
    ("r.sari@yahoo.co.di", "r.sari@yahoo.co.id"),
    ("r.sari@yhoo.co.id", "r.sari@yahoo.co.id"),
    ("r.sari@yahoo.com.id", "r.sari@yahoo.co.id"),
    ("r.sari@ymial.com", "r.sari@ymail.com"),
    ("r.sari@outlok.com", "r.sari@outlook.com"),
    ("r.sari@hotmial.com", "r.sari@hotmail.com"),
    ("r.sari@lve.com", "r.sari@live.com"),
    ("r.sari@iclod.com", "r.sari@icloud.com"),
])
def test_a_domain_one_slip_from_a_common_provider_gets_a_suggestion(typed: str, meant: str) -> None:
    assert suggest_email(typed) == meant


@pytest.mark.parametrize("domain", EMAIL_PROVIDERS)
def test_a_common_provider_typed_right_gets_no_suggestion(domain: str) -> None:
    # yahoo.co.id is one step from yahoo.com, outlook.co.id from outlook.com: both are real.
    assert suggest_email(f"r.sari@{domain}") is None


@pytest.mark.parametrize("domain", [
    "unand.ac.id", "students.unand.ac.id", "dukcapil.padang.go.id", "kemendagri.go.id", "bri.co.id",
    "example.com", "mail.co.id", "telkom.net",  # a campus, an office, a company: never "corrected"
    "mail.com", "email.com", "mac.com", "gmx.com",  # real mail domains that look like a provider's
    "gmail.co", "yahoo.co", "hotmail.co", "outlook.co", "gmail.co.id", "yahoo.id",  # a real ending
])
def test_a_real_domain_of_its_own_gets_no_suggestion(domain: str) -> None:
    assert suggest_email(f"r.sari@{domain}") is None


@pytest.mark.parametrize("domain", ["gmial.con", "yhaoo.co.di", "life.com", "proton.me", "gm.com", "g"])
def test_a_domain_too_far_from_any_provider_gets_no_suggestion(domain: str) -> None:
    assert suggest_email(f"r.sari@{domain}") is None


def test_the_suggestion_keeps_what_was_typed_before_the_at_sign() -> None:
    assert suggest_email("  Siti.Rahma84@GMIAL.COM ") == "Siti.Rahma84@gmail.com"


@pytest.mark.parametrize("text", ["", "r.sari", "r.sari@", "@gmial.com", "siti rahma@gmial.com"])
def test_no_suggestion_for_text_that_is_not_an_address(text: str) -> None:
    assert suggest_email(text) is None


@given(st.emails())
def test_a_suggestion_is_always_a_valid_address_with_a_provider_domain(text: str) -> None:
    suggestion = suggest_email(text)
    if suggestion is not None:
        assert validate_email(suggestion).ok
        assert suggestion.rpartition("@")[2] in EMAIL_PROVIDERS
        assert suggestion.rpartition("@")[0] == text.strip().rpartition("@")[0]
