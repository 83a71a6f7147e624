"""Each sealed record can only be opened as itself: swapping encrypted parts between two records
on disk (one citizen's data under another's slip) must fail to open, not show the wrong person."""

from __future__ import annotations

import random

import pytest
from cryptography.exceptions import InvalidTag

from kiosk.demo_data import synthetic_portrait
from kiosk.record import CitizenDraft, Consent, Stand
from kiosk.record_crypto import open_personal, open_photo
from kiosk.store import Store
from tests.unit.conftest import START, officer_id  # the store's clock; store and officer: fixtures there

STAND = Stand("Kantor Camat Koto Tangah", "13.71.11.1009", "Lubuk Buaya")
CITIZENS = (("1371115708900001", "siti.rahma84@gmail.com"), ("1371110203850042", "zulkifli02@yahoo.co.id"))
pytestmark = pytest.mark.usefixtures("officer")  # every test's store has a supervisor and an officer


def seal_two(store: Store) -> list[tuple[str, bytes, bytes, bytes, bytes]]:
    """Two real records in the SQLite file: (record id, wrapped key, personal, photo, photo JPEG)."""
    sealed = []
    for n, (nik, email) in enumerate(CITIZENS):
        photo = synthetic_portrait(random.Random(n))
        draft = CitizenDraft(nik=nik, email=email, phone="+6281234567890",
                             consent=Consent("PDP-2026-1", START), photo_jpeg=photo)
        record_id = store.seal(draft, officer_id(store), STAND).record_id
        sealed.append((record_id, photo))
    rows = {row[0]: row[1:] for row in store.database.execute(
        "SELECT r.record_id, r.wrapped_key, r.personal_ct, p.ciphertext FROM records r "
        "JOIN photos p ON p.record_id = r.record_id").fetchall()}
    return [(record_id, *rows[record_id], photo) for record_id, photo in sealed]


def test_each_record_opens_as_itself(store: Store) -> None:
    for (record_id, wrapped, personal, photo_ct, photo), (nik, email) in zip(seal_two(store), CITIZENS):
        opened = open_personal(store.keys.data_key, record_id, wrapped, personal)
        assert (opened["nik"], opened["email"]) == (nik, email)
        assert open_photo(store.keys.data_key, record_id, wrapped, photo_ct) == photo


def test_another_records_personal_part_does_not_open_under_this_id(store: Store) -> None:
    """The whole envelope (key and personal part) of record B put in record A's row."""
    (a_id, *_), (_, b_wrapped, b_personal, _, _) = seal_two(store)
    with pytest.raises(InvalidTag):
        open_personal(store.keys.data_key, a_id, b_wrapped, b_personal)


def test_another_records_photo_does_not_open_under_this_id(store: Store) -> None:
    (a_id, *_), (_, b_wrapped, _, b_photo_ct, _) = seal_two(store)
    with pytest.raises(InvalidTag):
        open_photo(store.keys.data_key, a_id, b_wrapped, b_photo_ct)
