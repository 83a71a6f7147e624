"""Enrolment as the supervisor does it at the desk, against the real gateway on loopback: the
server address and code read from the gateway's enrolment QR, and each failure in plain words."""

from __future__ import annotations

import socket
import time

import pytest

from kiosk.errors import KioskError
from kiosk.sync import sync_settings
from kiosk.sync.enrolment_qr import enrolment_qr_text, parse_enrolment_qr
from kiosk.sync.enrollment import enrolment_failure, remember, request_enrolment
from kiosk.sync.errors import SyncError


def failure(keys, url: str, code: str) -> KioskError:
    with pytest.raises(SyncError) as caught:
        request_enrolment(keys, url, code)
    return enrolment_failure(caught.value, url)


def test_the_scanned_enrolment_qr_enrols_the_kiosk(kiosk, gateway) -> None:
    url, code = parse_enrolment_qr(enrolment_qr_text(gateway.url, gateway.store.new_enroll_code()))
    answer = request_enrolment(kiosk.store.keys, url, code)  # the worker thread's half: no database
    assert sync_settings.enrolment(kiosk.store.database) is None
    remember(kiosk.store.database, answer.url, answer.reply, answer.clock_offset, time.time)
    assert sync_settings.enrolment(kiosk.store.database).server_url == gateway.url


def test_a_wrong_code_says_so_and_what_to_do(kiosk, gateway) -> None:
    error = failure(kiosk.store.keys, gateway.url, "AAAA-BBBB-CCCC")
    assert error.message == "Kode sekali pakai salah atau sudah kedaluwarsa."
    assert "minta kode baru" in error.next_step


def test_a_code_used_by_another_kiosk_says_so(kiosk, gateway) -> None:
    from kiosk.device_keys import DeviceKeys

    code = gateway.store.new_enroll_code()
    request_enrolment(DeviceKeys.generate(), gateway.url, code)
    error = failure(kiosk.store.keys, gateway.url, code)
    assert error.message == "Kode sekali pakai ini sudah dipakai kios lain."


def test_an_unreachable_server_says_check_the_address(kiosk) -> None:
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    error = failure(kiosk.store.keys, url, "AAAA-BBBB-CCCC")
    assert error.message == f"Server {url} tidak terjangkau."
    assert "alamat server" in error.next_step


def test_a_page_that_is_not_a_gateway_is_named_as_such(kiosk, portal) -> None:
    error = failure(kiosk.store.keys, portal(), "AAAA-BBBB-CCCC")
    assert "tidak menjawab seperti server sinkronisasi" in error.message
