"""Masked phone numbers on slips and screens at the edges of their length: a short number is never
shown whole, a just-long-enough one keeps its first five and last three digits."""

from __future__ import annotations

from kiosk.contact import mask_phone


def test_an_eight_character_number_is_hidden_whole() -> None:
    # Five shown plus three shown would be the whole number.
    assert mask_phone("+6281234") == "***"


def test_a_nine_character_number_hides_one_digit() -> None:
    assert mask_phone("+62812345") == "+6281*345"
