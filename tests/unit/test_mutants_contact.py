"""The contact step at its edges: masked phone numbers on slips and screens (a short number is never
shown whole, a just-long-enough one keeps its first five and last three digits), and every refusal
word for word in both screen languages."""

from __future__ import annotations

import pytest

from kiosk.contact import mask_phone, validate_email, validate_mobile
from kiosk.i18n import speaking


def test_an_eight_character_number_is_hidden_whole() -> None:
    # Five shown plus three shown would be the whole number.
    assert mask_phone("+6281234") == "***"


def test_a_nine_character_number_hides_one_digit() -> None:
    assert mask_phone("+62812345") == "+6281*345"


# Every refusal the officer can meet on the contact step, word for word, with the next step, in
# both screen languages: a changed or untranslated sentence is a sentence the officer misreads.
PHONE_NEXT_STEP = ("Tulis nomor HP seperti 081234567890 atau +6281234567890.",
                   "Write the mobile number as 081234567890 or +6281234567890.")
EMAIL_NEXT_STEP = ("Minta warga mengeja alamat email, lalu bacakan kembali untuk memastikan.",
                   "Ask the citizen to spell the email address, then read it back to make sure.")


@pytest.mark.parametrize(("text", "indonesian", "english"), [
    ("", "Nomor HP belum diisi.", "The mobile number is empty."),
    ("0211234567", "Nomor HP harus diawali 08 atau +628.", "The mobile number must start with 08 or +628."),
    ("0812abc45678", "Nomor HP hanya boleh berisi angka.", "The mobile number may only contain digits."),
    ("0812345678901234567", "Nomor HP tidak bisa dibaca.", "The mobile number cannot be read."),
    ("081234567", "Nomor HP harus 10 sampai 13 digit (dengan angka 0 di depan).",
     "The mobile number must have 10 to 13 digits (with the leading 0)."),
    ("08001234567", "Ini bukan nomor HP Indonesia yang berlaku.",
     "This is not a valid Indonesian mobile number."),
])
def test_each_phone_refusal_reads_the_same_in_both_languages(text: str, indonesian: str, english: str) -> None:
    result = validate_mobile(text)
    assert (result.value, result.message, result.next_step) == (None, indonesian, PHONE_NEXT_STEP[0])
    with speaking("en"):
        result = validate_mobile(text)
    assert (result.value, result.message, result.next_step) == (None, english, PHONE_NEXT_STEP[1])


@pytest.mark.parametrize(("text", "indonesian", "english"), [
    ("  ", "Alamat email belum diisi.", "The email address is empty."),
    ("siti@@gmail.com", "Alamat email tidak sah.", "The email address is not valid."),
])
def test_each_email_refusal_reads_the_same_in_both_languages(text: str, indonesian: str, english: str) -> None:
    result = validate_email(text)
    assert (result.value, result.message, result.next_step) == (None, indonesian, EMAIL_NEXT_STEP[0])
    with speaking("en"):
        result = validate_email(text)
    assert (result.value, result.message, result.next_step) == (None, english, EMAIL_NEXT_STEP[1])
