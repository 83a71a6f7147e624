"""One record damaged on disk (a byte of its ciphertext flipped in the real SQLite file) does not
stop the kiosk: ``kiosk tally`` still prints a PDF listing the others, the damaged one as
"data rusak", and counts it under quarantined (PDF and CSV); and ``kiosk records`` lists every record, the damaged one as such."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.demo_data import make_demo_records
from kiosk.store import open_store
from record_damage import damage
from supervisor_credentials import PIN_LINE, add_supervisor_and_officer, credentials

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext is not installed")


def kiosk_run(*args: str, data_dir: Path, stdin: str = "") -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k != "KIOSK_DATA_DIR"}
    done = subprocess.run([sys.executable, "-m", "kiosk", "--data-dir", str(data_dir), *args], input=stdin,
                          capture_output=True, text=True, env=environment, timeout=300, check=False)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    return done


@pytest.fixture
def damaged_kiosk(tmp_path: Path) -> tuple[Path, str, list[dict]]:
    """A real kiosk with a supervisor and four records; the third damaged on disk. Returns the
    folder, the damaged record's id and the records as listed before the damage."""
    data_dir = tmp_path / "kiosk"
    store = open_store(data_dir)
    try:
        add_supervisor_and_officer(store)
        made = make_demo_records(store, 4, seed=11)
    finally:
        store.database.close()
    before = [json.loads(line) for line in kiosk_run("records", "--json", data_dir=data_dir).stdout.splitlines()]
    damage(data_dir, made[2].record_id)
    return data_dir, made[2].record_id, before


def test_tally_still_prints_and_shows_the_damaged_record(damaged_kiosk, tmp_path: Path) -> None:
    data_dir, damaged_id, before = damaged_kiosk
    pdf, table = tmp_path / "rekap.pdf", tmp_path / "rekap.csv"
    day = before[0]["local_date"]
    kiosk_run("tally", "--date", day, "--pdf", str(pdf), "--csv", str(table), *credentials(),
              data_dir=data_dir, stdin=PIN_LINE)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout
    others = [r for r in before if r["record_id"] != damaged_id]
    assert all(r["nik_masked"] in text and r["slip_no"] in text for r in others)
    [damaged] = [r for r in before if r["record_id"] == damaged_id]
    assert damaged["nik_masked"] not in text
    lines = [line for line in text.splitlines() if damaged["slip_no"] in line]
    assert sum("data rusak" in line for line in lines) == 1  # its row; it is also listed as quarantined
    totals = {row[1]: row[2] for row in csv.reader(io.StringIO(table.read_text(encoding="utf-8-sig")))
              if row[0] == "totals"}
    assert (totals["total"], totals["queued"], totals["quarantined"]) == ("4", "3", "1")


def test_records_lists_the_others_and_the_damaged_one_as_damaged(damaged_kiosk) -> None:
    data_dir, damaged_id, before = damaged_kiosk
    listed = {r["record_id"]: r for r in
              (json.loads(line) for line in kiosk_run("records", "--json", data_dir=data_dir).stdout.splitlines())}
    assert set(listed) == {r["record_id"] for r in before}
    assert [rid for rid, r in listed.items() if r["damaged"]] == [damaged_id]
    assert listed[damaged_id]["state"] == "quarantined"
    assert all(listed[r["record_id"]] == r | {"damaged": False} for r in before if r["record_id"] != damaged_id)
    table = kiosk_run("records", data_dir=data_dir).stdout.splitlines()
    [line] = [line for line in table if listed[damaged_id]["slip_no"] in line]
    assert "data rusak" in line and "Perlu diperiksa" in line
    assert table[-2] == "Jumlah: 4 data."
    assert table[-1].startswith("1 data rusak")
