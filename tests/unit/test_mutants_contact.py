"""The contact step at its edges: masked phone numbers on slips and screens (a short number is never
shown whole, a just-long-enough one keeps its first five and last three digits), every refusal
word for word in both screen languages, and the email domain suggestion at its cutoff."""

from __future__ import annotations

from difflib import SequenceMatcher

import pytest

from kiosk.contact import (
    DOMAIN_CUTOFF,
    mask_email,
    mask_phone,
    masked_contact,
    suggest_email,
    validate_email,
    validate_mobile,
)
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


# The domain suggestion at its edges: how close is close enough (difflib's ratio against the
# cutoff), which of two equally close providers wins, and which endings count as a real domain.
def test_the_cutoff_lies_between_one_swap_in_nine_characters_and_one_wrong_letter_in_eight() -> None:
    assert SequenceMatcher(None, "gmial.com", "gmail.com").ratio() == pytest.approx(16 / 18)
    assert SequenceMatcher(None, "life.com", "live.com").ratio() == 14 / 16
    assert 14 / 16 < DOMAIN_CUTOFF <= 16 / 18
    assert suggest_email("rina@gmial.com") == "rina@gmail.com"
    assert suggest_email("rina@life.com") is None


def test_a_tie_goes_to_the_more_used_provider() -> None:
    # xmail.com is one letter from gmail.com and from ymail.com alike.
    assert SequenceMatcher(None, "xmail.com", "gmail.com").ratio() == SequenceMatcher(
        None, "xmail.com", "ymail.com").ratio()
    assert suggest_email("rina@xmail.com") == "rina@gmail.com"


def test_a_provider_name_with_a_real_ending_is_left_alone_and_with_an_unused_one_corrected() -> None:
    assert suggest_email("rina@gmail.co") is None
    assert suggest_email("rina@gmail.om") == "rina@gmail.com"
    # the same ending after a name that is not the provider's is a slip in the name
    assert suggest_email("rina@gmal.com") == "rina@gmail.com"


def test_real_look_alikes_are_not_corrected() -> None:
    assert suggest_email("rina@email.com") is None
    assert suggest_email("rina@mail.com") is None


def test_a_suggestion_that_would_itself_be_refused_is_not_offered() -> None:
    assert suggest_email("rina sari@gmial.com") is None
    assert suggest_email("rina.@gmial.com") is None


# What a slip (which a citizen may lose) shows of the email: the domain, at most one character before it.
@pytest.mark.parametrize(("email", "masked"), [
    ("siti.rahma84@gmail.com", "s***@gmail.com"),
    ("abc@yahoo.co.id", "a***@yahoo.co.id"),
    ("ab@yahoo.co.id", "***@yahoo.co.id"),  # one of two characters would be half the name
    ("a@unand.ac.id", "***@unand.ac.id"),
    ("@gmail.com", "***"),
    ("siti@", "***"),
    ("no-at-sign", "***"),
])
def test_an_email_is_masked_to_its_domain_and_at_most_one_character(email: str, masked: str) -> None:
    assert mask_email(email) == masked


@pytest.mark.parametrize(("personal", "masked"), [
    ({"nik": "1371115708900001", "email": "siti@gmail.com", "phone": "+6281234567890"},
     ("s***@gmail.com", "+6281******890")),
    ({"nik": "1371115708900001", "email": "siti@gmail.com"}, ("s***@gmail.com", "")),
    ({"nik": "1371115708900001", "email": "", "phone": None}, ("", "")),
    ({"nik": "1371115708900001", "email": 7, "phone": ["+6281234567890"]}, ("", "")),  # not ours: not shown
    (None, ("", "")),  # purged, or does not open
])
def test_masked_contact_shows_only_what_the_record_holds(personal, masked) -> None:
    assert masked_contact(personal) == masked


def test_a_domain_exactly_at_the_cutoff_gets_its_suggestion() -> None:
    # hotmail.com.id holds all 11 characters of hotmail.com in 14: 22 / 25 = 0.88, the cutoff itself.
    assert SequenceMatcher(None, "hotmail.com.id", "hotmail.com").ratio() == DOMAIN_CUTOFF
    assert suggest_email("rina@hotmail.com.id") == "rina@hotmail.com"


def test_the_ending_is_everything_after_the_first_dot_of_both_domains() -> None:
    # outlook.or.id is the name "outlook" with the real ending "or.id", nearest to outlook.co.id: left alone.
    assert suggest_email("rina@outlook.or.id") is None
    # yahoo.com.id: the name "yahoo" with "com.id", an ending no one uses: corrected.
    assert suggest_email("rina@yahoo.com.id") == "rina@yahoo.co.id"


def test_the_masked_email_shows_the_domain_after_the_last_at_sign() -> None:
    assert mask_email("a@b@gmail.com") == "a***@gmail.com"
