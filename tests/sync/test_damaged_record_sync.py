"""A sync pass meets a record whose ciphertext was damaged on disk: that record is set aside
(quarantined, reason "rusak") without being sent, and the pass delivers the others."""

from __future__ import annotations

import pytest

from client_fixtures import Kiosk, add_demo_records
from gateway_harness import RunningGateway
from kiosk.damaged_records import DAMAGED_REASON
from kiosk.sync.gateway_records import list_records
from record_damage import damage


@pytest.mark.parametrize("column", ["personal_ct", "wrapped_key", "ciphertext"])
def test_a_damaged_record_is_set_aside_and_the_rest_is_delivered(enrolled: Kiosk, gateway: RunningGateway,
                                                                 column: str) -> None:
    ids = add_demo_records(enrolled, 6)
    damage(enrolled.data_dir, ids[3], column)
    report = enrolled.sync()
    assert report.error is None
    assert (report.sent, report.acknowledged, report.quarantined) == (5, 5, 1)
    assert set(row["record_id"] for row in list_records(gateway.store)) == set(ids) - {ids[3]}
    # Read straight from the table: a listing would set the record aside by itself.
    assert enrolled.column("SELECT state || '/' || reason_code FROM records WHERE record_id = ?",
                           (ids[3],)) == [f"quarantined/{DAMAGED_REASON}"]
    again = enrolled.sync()
    assert (again.sent, again.quarantined, again.error) == (0, 0, None)
