"""Sync from the officer's side: a real gateway process on loopback, the real sync worker thread,
and the home screen's "Sinkronkan sekarang"."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from kiosk.regions import RegionTable
from kiosk.settings import KioskSettings
from kiosk.sync.enrollment import enroll
from kiosk.ui.app import camera_factory
from kiosk.ui.main_window import MainWindow
from kiosk.ui.sync_worker import SyncService

SYNC_WAIT_MS = 15_000
NIK, EMAIL, PHONE = "1371115708900001", "siti.rahma@example.com", "081234567890"


def kiosk_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "kiosk", *args]


@pytest.fixture
def gateway(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """`kiosk gateway serve` as its own process, on a free loopback port."""
    folder = tmp_path / "gateway"
    env = {k: v for k, v in os.environ.items() if k != "KIOSK_DATA_DIR"}
    process = subprocess.Popen(kiosk_command("gateway", "serve", "--data-dir", str(folder), "--port", "0"),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        line = process.stdout.readline()  # blocks until the gateway says where it listens
        assert "http://127.0.0.1:" in line, process.stderr.read()
        yield line.split()[-1].strip(), folder
    finally:
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=30)  # also closes the pipes


def gateway_records(folder: Path) -> list[dict]:
    done = subprocess.run(kiosk_command("gateway", "records", "--data-dir", str(folder), "--json"),
                          capture_output=True, text=True, check=True, timeout=60)
    return [json.loads(line) for line in done.stdout.splitlines()]


def enroll_at(store, url: str, folder: Path) -> None:
    done = subprocess.run(kiosk_command("gateway", "enroll-code", "--data-dir", str(folder)),
                          capture_output=True, text=True, check=True, timeout=60)
    enroll(store.database, store.keys, url, done.stdout.strip().splitlines()[-1])


@pytest.fixture
def synced_desk(make_desk, store, data_dir, show_window, qtbot):
    def make():
        sync = SyncService(data_dir, store.keys, interval_seconds=3600)  # then passes only when asked
        # The service's own first pass comes 5 s after start: let it pass before the desk is used,
        # or on a slow machine it sends the citizen's record before the officer presses "Sinkronkan".
        passes: list[object] = []
        sync.worker.sync_finished.connect(passes.append)  # runs in the worker's thread: a list only
        sync.start()
        qtbot.waitUntil(lambda: bool(passes), timeout=30_000)
        window = show_window(MainWindow(store, RegionTable.load(), camera_factory(KioskSettings(), demo=True), sync=sync))
        return make_desk(window=window)
    return make


def press_sync(desk) -> None:
    home = desk.window.home_screen
    desk.qtbot.mouseClick(home.sync_button, Qt.MouseButton.LeftButton)
    desk.qtbot.waitUntil(lambda: home.sync_banner.kind() in ("success", "error"), timeout=SYNC_WAIT_MS)


def test_manual_sync_sends_the_record_and_shows_it(synced_desk, store, gateway) -> None:
    url, folder = gateway
    enroll_at(store, url, folder)
    desk = synced_desk()
    desk.open_for_service()
    desk.start_citizen()
    record = desk.serve_citizen(NIK, EMAIL, PHONE)
    desk.qtbot.mouseClick(desk.flow.cancel_button, Qt.MouseButton.LeftButton)  # "Ke beranda"
    assert desk.window.status.queue_label.text() == "Belum terkirim: 1"

    press_sync(desk)
    home, status = desk.window.home_screen, desk.window.status
    assert home.sync_banner.kind() == "success", home.sync_banner.message_text()
    assert "1 diterima server" in home.sync_banner.message_text()
    assert "Daring" in status.connection_label.text()
    assert status.queue_label.text() == "Belum terkirim: 0"
    assert status.last_sync_label.text().startswith("Sinkron ")
    shown_states = {home.queue.item(row, 4).text() for row in range(home.queue.rowCount())}
    assert shown_states <= {"Diterima server", "Aktif", "Ditolak"}

    [held] = gateway_records(folder)
    synced = store.get(record.record_id)
    assert held["record_id"] == record.record_id and held["receipt_no"] == synced.receipt_no


def test_manual_sync_before_enrolment_says_what_to_do(synced_desk) -> None:
    desk = synced_desk()
    desk.open_for_service()
    press_sync(desk)
    banner = desk.window.home_screen.sync_banner
    assert banner.kind() == "error"
    assert banner.message_text() == "Kios ini belum didaftarkan ke server sinkronisasi."
    assert "Minta supervisor mendaftarkan kios ini" in banner.next_step_text()
    assert "kiosk enroll" not in banner.next_step_text()  # officer words, no shell command
    assert "server belum diatur" in desk.window.status.connection_label.text()
