"""The doctor's server and clock checks against a real gateway on loopback: reachable and knowing
this kiosk, its clock ahead of ours, stopped, forgetting the kiosk, behind a hotspot login page,
and reached while the keyring is closed."""

from __future__ import annotations

import time
from collections.abc import Callable

import keyring
import pytest
from keyring.backends import fail

from client_fixtures import Kiosk, enroll_kiosk
from gateway_harness import RunningGateway
from kiosk.doctor import Status, check_server_and_clock
from kiosk.sync import sync_settings
from kiosk.sync.gateway_app import GatewayConfig


@pytest.fixture
def closed_keyring():
    original = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(original)


def test_an_enrolled_kiosk_reaches_its_server_and_the_clocks_agree(enrolled: Kiosk, gateway: RunningGateway) -> None:
    server, clock = check_server_and_clock(enrolled.data_dir, 3.0)
    assert server.status is Status.OK and gateway.url in server.finding
    assert server.details["device_id"] == enrolled.store.keys.device_id
    assert clock.status is Status.OK and clock.details["measured_now"]
    assert abs(clock.details["offset_seconds"]) < 2


@pytest.mark.parametrize(("ahead", "status"), [(45, Status.WARNING), (600, Status.PROBLEM)])
def test_a_clock_far_from_the_servers_is_reported_in_seconds(kiosk: Kiosk, start_gateway: Callable[..., RunningGateway],
                                                             ahead: int, status: Status) -> None:
    enroll_kiosk(kiosk, start_gateway(GatewayConfig(clock=lambda: time.time() + ahead)))
    server, clock = check_server_and_clock(kiosk.data_dir, 3.0)
    assert server.status is Status.OK  # the signature's clock is corrected; the kiosk's own is not
    assert clock.status is status and abs(clock.details["offset_seconds"] - ahead) < 2
    assert f"{ahead} detik lebih lambat" in clock.finding and "90 detik" in clock.next_step


def test_a_stopped_server_is_a_warning_and_the_clock_falls_back_on_the_last_sync(enrolled: Kiosk,
                                                                                 gateway: RunningGateway) -> None:
    enrolled.sync()  # remembers the last pass and the clock offset it found
    gateway.stop()
    started = time.monotonic()
    server, clock = check_server_and_clock(enrolled.data_dir, 3.0)
    assert time.monotonic() - started < 10
    assert server.status is Status.WARNING and "server tidak terjangkau" in server.finding
    assert "antrean" in server.next_step and server.details["last_sync"]
    assert clock.status is Status.OK and not clock.details["measured_now"] and "terakhir" in clock.finding


def test_a_server_that_forgot_the_kiosk_is_a_problem_saying_to_enroll_again(
        enrolled: Kiosk, gateway: RunningGateway, start_gateway: Callable[..., RunningGateway]) -> None:
    # The server is restored from a backup older than this kiosk: same key, the device unknown.
    with gateway.store.transaction() as conn:
        conn.execute("DELETE FROM devices WHERE device_id = ?", (enrolled.store.keys.device_id,))
    gateway.stop()
    restored = start_gateway(data_dir=gateway.data_dir)
    sync_settings.set_setting(enrolled.store.database, sync_settings.SERVER_URL, restored.url)
    server, _ = check_server_and_clock(enrolled.data_dir, 3.0)
    assert server.status is Status.PROBLEM and "tidak mengenali kios ini" in server.finding
    assert "daftarkan ulang" in server.next_step


def test_a_hotspot_login_page_is_a_warning_saying_so(enrolled: Kiosk, portal: Callable[..., str]) -> None:
    sync_settings.set_setting(enrolled.store.database, sync_settings.SERVER_URL, portal())
    server, _ = check_server_and_clock(enrolled.data_dir, 3.0)
    assert server.status is Status.WARNING and "login" in server.finding and server.details["error"] == "CaptivePortal"


def test_with_the_keyring_closed_the_server_is_still_reached_but_not_asked_about_the_kiosk(
        enrolled: Kiosk, gateway: RunningGateway, closed_keyring: None) -> None:
    server, clock = check_server_and_clock(enrolled.data_dir, 3.0)
    assert server.status is Status.WARNING and "kunci perangkat" in server.finding
    assert server.details["device_id"] is None and server.details["round_trip_ms"] >= 0
    assert clock.status is Status.OK and clock.details["measured_now"]
