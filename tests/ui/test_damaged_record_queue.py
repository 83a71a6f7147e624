"""The home screen's queue with one record damaged on disk: every record is listed, the damaged one
as "data rusak" and "Perlu diperiksa" with the reason on hover, and the desk stays usable."""

from __future__ import annotations

from pathlib import Path

from kiosk.demo_data import make_demo_records
from record_damage import damage


def test_the_queue_shows_the_damaged_record_and_the_others(make_desk, data_dir: Path) -> None:
    desk = make_desk(demo_video=False)
    desk.open_for_service()
    made = make_demo_records(desk.store, 3, days=1, seed=5)
    desk.store.database.execute("UPDATE records SET local_date = ?", (desk.store.clock().date().isoformat(),))
    damage(data_dir, made[1].record_id)
    home = desk.window.home_screen
    home.refresh()
    rows = {home.queue.item(row, 3).text(): [home.queue.item(row, col).text() for col in range(5)]
            for row in range(home.queue.rowCount())}
    assert set(rows) == {summary.slip_no for summary in made}
    assert rows[made[1].slip_no][2:] == ["data rusak", made[1].slip_no, "Perlu diperiksa"]
    assert all(rows[s.slip_no][2] == s.nik_masked and rows[s.slip_no][4] == "Menunggu kirim"
               for s in (made[0], made[2]))
    damaged_row = [row for row in range(3) if home.queue.item(row, 3).text() == made[1].slip_no][0]
    assert "Data rusak: bagian terenkripsinya tidak bisa dibuka." in home.queue.item(damaged_row, 2).toolTip()
    desk.start_citizen()  # the desk goes on serving
