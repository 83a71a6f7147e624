"""The kiosk enrols at a real gateway: the answer is checked with the key it returns, URL and key are
remembered; a retry after a lost answer (same keys, same code) works; refusals are Indonesian."""

from __future__ import annotations

import pytest

from client_fixtures import Kiosk, kiosk_cli
from gateway_harness import RunningGateway
from supervisor_credentials import PIN_LINE, credentials, prepare_accounts
from kiosk.sync import sync_settings
from kiosk.sync.enrollment import EnrolmentInputError, enroll
from kiosk.sync.errors import CaptivePortal, NetworkUnavailable, NotEnrolled, RequestRejected
from kiosk.sync.signing import public_key_b64
from kiosk.sync.uploader import open_uploader


def test_enrolment_remembers_the_gateway_url_and_key(kiosk: Kiosk, gateway: RunningGateway) -> None:
    enrolled_at = enroll(kiosk.store.database, kiosk.store.keys, gateway.url + "/", gateway.store.new_enroll_code())
    assert enrolled_at.server_url == gateway.url
    assert enrolled_at.server_key_b64 == public_key_b64(gateway.server_public_key)
    assert kiosk.store.get_setting(sync_settings.SERVER_URL) == gateway.url
    assert kiosk.store.get_setting(sync_settings.SERVER_PUBLIC_KEY) == public_key_b64(gateway.server_public_key)
    assert gateway.store.device_public_key(kiosk.store.keys.device_id) == public_key_b64(kiosk.store.keys.public_key)


def test_a_lost_answer_is_retried_with_the_same_code_and_keys(kiosk: Kiosk, gateway: RunningGateway) -> None:
    code = gateway.store.new_enroll_code()
    enroll(kiosk.store.database, kiosk.store.keys, gateway.url, code)
    # The answer "was lost": the kiosk never saved it. The keys existed before the request.
    kiosk.store.database.execute("DELETE FROM settings WHERE key LIKE 'sync.%'")
    with pytest.raises(NotEnrolled):
        open_uploader(kiosk.store.database, kiosk.store.keys)
    again = enroll(kiosk.store.database, kiosk.store.keys, gateway.url, code)
    assert again.server_key_b64 == public_key_b64(gateway.server_public_key)
    assert kiosk.sync().online


def test_a_bad_code_is_refused_in_indonesian_and_nothing_is_saved(kiosk: Kiosk, gateway: RunningGateway) -> None:
    with pytest.raises(RequestRejected) as caught:
        enroll(kiosk.store.database, kiosk.store.keys, gateway.url, "ABCD-EFGH-JKLM")
    assert caught.value.status == 403 and caught.value.code == "bad_code"
    assert caught.value.message.startswith("Kode pendaftaran")
    assert sync_settings.enrolment(kiosk.store.database) is None


def test_a_code_used_by_another_kiosk_is_refused(kiosk: Kiosk, gateway: RunningGateway, tmp_path) -> None:
    code = gateway.store.new_enroll_code()
    enroll(kiosk.store.database, kiosk.store.keys, gateway.url, code)
    from kiosk.store import open_store

    other = open_store(tmp_path / "other-kiosk")
    try:
        with pytest.raises(RequestRejected) as caught:
            enroll(other.database, other.keys, gateway.url, code)
        assert caught.value.code == "code_used"
    finally:
        other.database.close()


@pytest.mark.parametrize("url", ["sinkron.kecamatan", "ftp://host", "http://", ""])
def test_a_bad_server_address_is_an_input_error(kiosk: Kiosk, url: str) -> None:
    with pytest.raises(EnrolmentInputError):
        enroll(kiosk.store.database, kiosk.store.keys, url, "ABCD-EFGH")


def test_an_unreachable_server_and_a_portal_are_typed(kiosk: Kiosk, portal) -> None:
    with pytest.raises(NetworkUnavailable):
        enroll(kiosk.store.database, kiosk.store.keys, "http://127.0.0.1:9", "ABCD-EFGH")
    with pytest.raises(CaptivePortal):
        enroll(kiosk.store.database, kiosk.store.keys, portal(), "ABCD-EFGH")
    assert sync_settings.enrolment(kiosk.store.database) is None


def test_the_enroll_command(tmp_path, gateway: RunningGateway) -> None:
    data_dir = tmp_path / "cli-kiosk"
    prepare_accounts(data_dir)
    code = gateway.store.new_enroll_code()
    done = kiosk_cli("enroll", "--server", gateway.url, "--code", code, *credentials(), data_dir=data_dir,
                     stdin=PIN_LINE)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"Kios terdaftar ke {gateway.url}.")
    again = kiosk_cli("enroll", "--server", gateway.url, "--code", code, *credentials(), data_dir=data_dir,
                      stdin=PIN_LINE)
    assert again.returncode == 0, again.stderr
    refused = kiosk_cli("enroll", "--server", gateway.url, "--code", "ABCD-EFGH-JKLM", *credentials(),
                        data_dir=data_dir, stdin=PIN_LINE)
    assert refused.returncode == 2
    assert refused.stderr.startswith("Galat: Kode pendaftaran")


def test_sync_before_enrolment_is_a_local_problem(tmp_path) -> None:
    done = kiosk_cli("sync", "--once", data_dir=tmp_path / "fresh")
    assert done.returncode == 2
    assert "belum didaftarkan" in done.stderr and "Minta supervisor mendaftarkan" in done.stderr
    status = kiosk_cli("sync", "--status", data_dir=tmp_path / "fresh")
    assert status.returncode == 0 and "belum didaftarkan" in status.stdout
