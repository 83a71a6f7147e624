"""Nothing personal in logs or crash reports: every log record at DEBUG (the kiosk's, httpx's,
uvicorn's), everything written to stdout and stderr, and the text of every error and traceback,
captured while a realistic run seals records, scans QR codes (good and hostile), fills a disk,
loses the keyring and syncs with a gateway on loopback. None of it may hold a citizen's NIK, email
or phone number, nor an officer's PIN."""

from __future__ import annotations

import datetime as dt
import logging
import random
import sys
import traceback
from collections.abc import Iterator
from pathlib import Path

import keyring
import numpy as np
import pytest
import qrcode
from keyring.backends import fail

from kiosk.camera.qr_reader import make_qr_reader
from kiosk.contact import validate_email, validate_mobile
from kiosk.demo_data import synthetic_portrait
from kiosk.errors import InvalidQrPayload, KioskError
from kiosk.officers import Role
from kiosk.qr_payload import MAX_PAYLOAD_CHARS, parse_qr_payload
from kiosk.record import CitizenDraft, Consent, Stand
from kiosk.secret_store import BACKEND_ENV, is_secure_backend
from kiosk.store import Store, open_store

sys.path.insert(0, str(Path(__file__).parents[1] / "sync"))  # the loopback gateway harness
from gateway_harness import RunningGateway  # noqa: E402

WIB = dt.timezone(dt.timedelta(hours=7))
START = dt.datetime(2026, 11, 27, 9, 30, tzinfo=WIB)
STAND = Stand("Kantor Camat Koto Tangah", "13.71.11.1009", "Lubuk Buaya")
CITIZENS = (  # NIK, email, mobile as typed
    ("1371115708900001", "wulandari.logbocor01@gmail.com", "081266661234"),
    ("1371110203850042", "zulkifli_logbocor02@yahoo.co.id", "085274419023"),
    ("1371116512990137", "annisa.logbocor03@outlook.com", "0812-7733-0458"),
)
SUPERVISOR = ("Rina Marlina", "198705122010012003", "135790")
SECURE_KEYRING = is_secure_backend(keyring.get_keyring())
UVICORN_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access")


def e164(mobile: str) -> str:
    return validate_mobile(mobile).value


def forbidden() -> dict[str, str]:
    """Every personal value in every form it could be written in."""
    values = {"officer PIN": SUPERVISOR[2]}
    for nik, email, mobile in CITIZENS:
        phone = e164(mobile)
        national = phone.removeprefix("+62")
        values |= {f"NIK {nik[:6]}": nik, f"email {email}": validate_email(email).value,
                   f"email local part {email}": email.split("@")[0],
                   f"phone {phone}": phone, f"phone 62 {phone}": "62" + national, f"phone 0 {phone}": "0" + national}
    return values


def drafts() -> list[CitizenDraft]:
    return [CitizenDraft(nik=nik, email=validate_email(email).value, phone=e164(mobile),
                         consent=Consent("PDP-2026-1", START), photo_jpeg=synthetic_portrait(random.Random(n)))
            for n, (nik, email, mobile) in enumerate(CITIZENS)]


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> dt.datetime:
        return self.now


class Transcript:
    """Everything the run said: log records (formatted with their tracebacks), stdout and stderr,
    and the errors it caught, as the crash log or a banner would show them."""

    def __init__(self, caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]) -> None:
        self._caplog = caplog
        self._capfd = capfd
        self.errors: list[str] = []
        self.formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")

    def error(self, exc: BaseException) -> None:
        text = "".join(traceback.format_exception(exc))
        if isinstance(exc, KioskError):
            text += f"\n{exc.message}\n{exc.next_step}\n{exc!s}"
        self.errors.append(text)

    def listen_to(self, name: str) -> None:
        """Also record a logger that does not propagate to the root (uvicorn's), at DEBUG."""
        logger = logging.getLogger(name)
        logger.addHandler(self._caplog.handler)
        logger.setLevel(logging.DEBUG)

    def stop_listening(self, name: str) -> None:
        logging.getLogger(name).removeHandler(self._caplog.handler)

    def logs(self) -> list[str]:
        return [self.formatter.format(record) for record in self._caplog.records]

    def text(self) -> str:
        out, err = self._capfd.readouterr()
        sys.stdout.write(out)  # still shown when the test fails
        sys.stderr.write(err)
        return "\n".join([*self.logs(), out, err, *self.errors])

    def assert_clean(self) -> None:
        text = self.text()
        leaked = [what for what, value in forbidden().items() if value in text]
        assert leaked == [], f"personal data in logs or errors: {leaked}"


@pytest.fixture
def transcript(caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]) -> Iterator[Transcript]:
    caplog.set_level(logging.DEBUG)  # the root logger: every logger that propagates
    yield Transcript(caplog, capfd)


@pytest.fixture
def key_backend(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    original = keyring.get_keyring()
    if not SECURE_KEYRING:
        monkeypatch.setenv(BACKEND_ENV, "file")
    yield
    keyring.set_keyring(original)


@pytest.fixture
def store(tmp_path: Path, key_backend: None) -> Iterator[Store]:
    opened = open_store(tmp_path / "kiosk", clock=Clock())
    yield opened
    opened.database.close()


def supervisor(store: Store) -> int:
    return store.officers.add(SUPERVISOR[0], SUPERVISOR[1], SUPERVISOR[2], Role.SUPERVISOR).officer_id


# -- the run, part by part ---------------------------------------------------------------------------
def test_signing_in_sealing_and_finding_log_nothing_personal(store: Store, transcript: Transcript) -> None:
    officer = supervisor(store)
    for pin in ("000000", "999999", SUPERVISOR[2]):
        try:
            store.officers.sign_in(officer, pin)
        except KioskError as exc:
            transcript.error(exc)
    sealed = [store.seal(draft, officer, STAND) for draft in drafts()]
    assert [store.find_by_nik(nik)[0].record_id for nik, _, _ in CITIZENS] == [s.record_id for s in sealed]
    store.records()
    try:
        store.seal(CitizenDraft(nik=CITIZENS[0][0], email=CITIZENS[0][1]), officer, STAND)
    except KioskError as exc:
        transcript.error(exc)
    assert len(transcript.errors) == 3
    transcript.assert_clean()


def test_a_full_disk_while_sealing_logs_nothing_personal(store: Store, transcript: Transcript) -> None:
    officer = supervisor(store)
    pages = store.database.execute("PRAGMA page_count").fetchone()[0]
    store.database.execute(f"PRAGMA max_page_count = {pages + 2}")  # SQLITE_FULL, as a full disk
    with pytest.raises(KioskError) as caught:
        store.seal(drafts()[0], officer, STAND)
    assert "Disk penuh" in caught.value.message
    transcript.error(caught.value)
    assert "full" in transcript.errors[0]  # the SQLite cause is in the crash text, the citizen is not
    transcript.assert_clean()


def qr_frame(text: str) -> np.ndarray:
    return np.array(qrcode.make(text, box_size=6, border=4).convert("L"))


def hostile_payloads(nik: str, email: str, phone: str) -> list[str | bytes]:
    """Codes carrying a real NIK that the kiosk must refuse; the refusal must not repeat them."""
    return [
        nik + "7",  # 17 digits
        nik[:-1],  # 15 digits
        f'{{"nik": "{nik}", "nik": "{nik[::-1]}"}}',  # duplicate key
        f'{{"nik": "{nik}\u202e", "email": "{email}"}}',  # a bidi override
        f'{{"nik": {nik}, "phone": "{phone}"}}',  # a number, not a string
        f'{{"nik": "{nik}", "email": "{email}", "x": {{"y": 1}}}}',  # nested: refused by type
        f"javascript:alert(1)?nik={nik}&email={email}",
        f"nik={nik}&nik={nik}&phone={phone}",
        f"nik={nik}x&email={email}",
        f"nik={nik}&email={email}&pad=" + "A" * MAX_PAYLOAD_CHARS,
        f"{nik}\x00{email}",
        (f'{{"nik": "{nik}", "email": "{email}"}}').encode("utf-16"),
        "[" * 900 + nik + "]" * 90,
    ]


def test_scanning_codes_good_and_hostile_logs_nothing_personal(transcript: Transcript) -> None:
    reader = make_qr_reader("zxing")
    nik, email, mobile = CITIZENS[0]
    phone = e164(mobile)
    good = [nik, f'{{"nik": "{nik}", "email": "{email}", "phone": "{phone}"}}',
            f"ikd://scan?nik={nik}&email={email}&phone={phone}"]
    for text in good:
        [decoded] = reader.decode(qr_frame(text))
        assert parse_qr_payload(decoded).nik == nik
    for payload in hostile_payloads(nik, email, phone):
        with pytest.raises(InvalidQrPayload) as caught:
            parse_qr_payload(payload)
        transcript.error(caught.value)
    transcript.assert_clean()


def test_losing_the_keyring_logs_nothing_personal(tmp_path: Path, key_backend: None, transcript: Transcript,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    data_dir = tmp_path / "kiosk"
    store = open_store(data_dir, clock=Clock())
    officer = supervisor(store)
    for draft in drafts():
        store.seal(draft, officer, STAND)
    store.database.close()
    keyring.set_keyring(fail.Keyring())
    monkeypatch.delenv(BACKEND_ENV, raising=False)
    folders = [data_dir, tmp_path / "new"] if SECURE_KEYRING else [tmp_path / "new"]
    for folder in folders:  # keys in a keyring that is gone now; a new folder with no keyring
        with pytest.raises(KioskError) as caught:
            open_store(folder, clock=Clock())
        transcript.error(caught.value)
    transcript.assert_clean()


def test_a_sync_pass_with_a_refused_record_logs_nothing_personal(store: Store, tmp_path: Path,
                                                                transcript: Transcript) -> None:
    from kiosk.sync.enrollment import enroll
    from kiosk.sync.uploader import open_uploader

    officer = supervisor(store)
    sealed = [store.seal(draft, officer, STAND) for draft in drafts()]
    store.database.execute("UPDATE records SET signature = ? WHERE record_id = ?", (b"\0" * 64, sealed[0].record_id))
    gateway = RunningGateway(tmp_path / "gateway")
    for name in UVICORN_LOGGERS:
        transcript.listen_to(name)
    gateway.start()
    try:
        enroll(store.database, store.keys, gateway.url, gateway.store.new_enroll_code())
        for advance in (dt.timedelta(0), dt.timedelta(days=8)):  # upload and receipts; then the purge
            store.clock.now += advance
            uploader = open_uploader(store.database, store.keys, clock=store.clock, rng=random.Random(1))
            try:
                report = uploader.run_once()
            finally:
                uploader.client.close()
            assert report.error is None
        assert report.purged == len(sealed) - 1
        states = {r.state.value for r in store.records()}
        assert states == {"purged", "quarantined"}
    finally:
        gateway.stop()
        for name in UVICORN_LOGGERS:
            transcript.stop_listening(name)
    assert any("HTTP Request" in line for line in transcript.logs()), "httpx's log was not captured"
    transcript.assert_clean()


# -- what would leak the day someone logs one of these objects -------------------------------------
def test_a_draft_or_a_scanned_identity_prints_no_personal_value() -> None:
    nik, email, mobile = CITIZENS[0]
    draft = drafts()[0]
    scanned = parse_qr_payload(f'{{"nik": "{nik}", "email": "{email}", "phone": "{e164(mobile)}"}}')
    shown = f"{draft!r} {draft} {scanned!r} {scanned}"
    assert [what for what, value in forbidden().items() if value in shown] == []
