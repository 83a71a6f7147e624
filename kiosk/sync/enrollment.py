"""Enrolment: register this kiosk's device key with a gateway using the supervisor's one-time
code, and remember the gateway's URL and public key in the settings table.

The device keys exist before the request and are reused, so a retry after a lost answer sends
the same key again; the gateway is idempotent for the same code and key.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from kiosk.database import Database
from kiosk.device_keys import DeviceKeys
from kiosk.errors import KioskError
from kiosk.i18n import tr
from kiosk.sync import errors
from kiosk.sync import sync_settings as settings
from kiosk.sync.client import SyncClient
from kiosk.sync.protocol import EnrollResponse

CLOCK_RESYNC_SECONDS = 30.0


class EnrolmentInputError(KioskError):
    """A server address or code that cannot be right."""


def normalise_server_url(text: str) -> str:
    try:
        url = httpx.URL(text.strip())
    except (httpx.InvalidURL, TypeError):
        url = None
    if url is None or url.scheme not in ("http", "https") or not url.host:
        raise EnrolmentInputError(
            tr("Alamat server \u201c{text}\u201d tidak sah.", text=text),
            tr("Tulis alamat lengkap seperti https://sinkron.kecamatan.go.id atau http://192.168.1.10:8080"))
    return str(url).rstrip("/")


def normalise_code(text: str) -> str:
    code = text.strip()
    if not 6 <= len(code) <= 64:
        raise EnrolmentInputError(tr("Kode pendaftaran \u201c{code}\u201d tidak sah.", code=code),
                                  tr("Salin kode dari supervisor persis seperti tertulis."))
    return code


@dataclass(frozen=True)
class EnrolmentReply:
    """What the gateway answered, before anything is saved (made off the GUI thread)."""

    url: str
    reply: EnrollResponse
    clock_offset: float


def request_enrolment(keys: DeviceKeys, server_url: str, code: str, *, clock: Callable[[], float] = time.time,
                      transport: httpx.BaseTransport | None = None) -> EnrolmentReply:
    """The network half of ``enroll``: touches no database, so a worker thread may run it."""
    url, code = normalise_server_url(server_url), normalise_code(code)
    with SyncClient(url, keys, None, clock=clock, transport=transport) as client:
        reply = client.enroll(code)
        return EnrolmentReply(url, reply, client.clock_offset)


def enroll(database: Database, keys: DeviceKeys, server_url: str, code: str, *,
           clock: Callable[[], float] = time.time, transport: httpx.BaseTransport | None = None,
           ) -> settings.Enrolment:
    """Register and remember the gateway; raises ``SyncError`` when the gateway is not reached
    or refuses (nothing is saved then, and the same command can simply be run again)."""
    answer = request_enrolment(keys, server_url, code, clock=clock, transport=transport)
    remember(database, answer.url, answer.reply, answer.clock_offset, clock)
    enrolled = settings.enrolment(database)
    assert enrolled is not None
    return enrolled


def remember(database: Database, url: str, reply: EnrollResponse, offset: float,
             clock: Callable[[], float]) -> None:
    previous = settings.enrolment(database)
    if abs(reply.server_time - (clock() + offset)) > CLOCK_RESYNC_SECONDS:
        offset = reply.server_time - clock()
    with database.transaction():
        settings.set_setting(database, settings.SERVER_URL, url)
        settings.set_setting(database, settings.SERVER_PUBLIC_KEY, reply.server_public_key)
        settings.set_setting(database, settings.ENROLLED_AT,
                             dt.datetime.fromtimestamp(clock(), dt.timezone.utc).isoformat())
        settings.set_setting(database, settings.CLOCK_OFFSET, repr(offset))
        if previous is None or previous.server_key_b64 != reply.server_public_key:
            settings.set_setting(database, settings.RECEIPTS_CURSOR, "0")  # another gateway's feed


def enrolment_failure(error: errors.SyncError, server_url: str) -> KioskError:
    """What a failed enrolment means for the supervisor at the desk, with the next step."""
    if isinstance(error, errors.RequestRejected) and error.code == "bad_code":
        return KioskError(tr("Kode sekali pakai salah atau sudah kedaluwarsa."),
                          tr("Periksa kode (tanpa huruf O dan I), atau minta kode baru ke pengelola server."))
    if isinstance(error, errors.RequestRejected) and error.code == "code_used":
        return KioskError(tr("Kode sekali pakai ini sudah dipakai kios lain."),
                          tr("Minta kode baru ke pengelola server; satu kode untuk satu kios."))
    if isinstance(error, errors.NetworkUnavailable):
        return KioskError(tr("Server {url} tidak terjangkau.", url=server_url),
                          tr("Periksa alamat server dan sambungan internet kios, lalu coba lagi."))
    if isinstance(error, (errors.CaptivePortal, errors.ProtocolMismatch)):
        return KioskError(tr("Alamat {url} tidak menjawab seperti server sinkronisasi Kios IKD.", url=server_url),
                          tr("Periksa alamat server. Bila memakai Wi-Fi umum, masuk dulu lewat peramban."))
    return KioskError(error.message, error.next_step)
