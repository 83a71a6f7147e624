"""Encryption at rest, checked byte by byte: records sealed with real face photos and known NIKs,
emails and phone numbers, then every file of the data folder (database, its -wal and -shm, keys/,
anything else) is scanned for those values in every written form, for any 16-digit run that is a
valid NIK, and for JPEG data. None may be found: while the data still sits in the WAL, after a
checkpoint and close, and after a sync and the purge of the photos (the gateway's folder too)."""

from __future__ import annotations

import datetime as dt
import random
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import cv2
import keyring
import pytest

from kiosk.contact import validate_email, validate_mobile
from kiosk.demo_data import synthetic_portrait
from kiosk.nik import parse_nik
from kiosk.officers import Role
from kiosk.paths import database_path
from kiosk.record import CitizenDraft, Consent, Stand
from kiosk.record_crypto import open_photo
from kiosk.regions import RegionTable
from kiosk.secret_store import BACKEND_ENV, is_secure_backend
from kiosk.store import Store, open_store

sys.path.insert(0, str(Path(__file__).parents[1] / "sync"))  # the loopback gateway harness
from gateway_harness import RunningGateway  # noqa: E402

FACES = Path(__file__).parents[1] / "data" / "faces"
WIB = dt.timezone(dt.timedelta(hours=7))
START = dt.datetime(2026, 11, 27, 9, 30, tzinfo=WIB)
STAND = Stand("Kantor Camat Koto Tangah", "13.71.11.1009", "Lubuk Buaya")
RETENTION = dt.timedelta(days=8)  # past the default 7 days after the final status

# NIK, email, mobile as typed at the desk (the store keeps E.164), and the photo.
CITIZENS = (
    ("1371115708900001", "wulandari.kiosbocor01@gmail.com", "081266661234", "obama.jpg"),
    ("1371110203850042", "zulkifli_rekamjejak02@yahoo.co.id", "085274419023", "mpl_grace_hopper.jpg"),
    ("1371116512990137", "annisa.tandauji03@outlook.com", "0812-7733-0458", "obama2.jpg"),
    ("1371021111770208", "hendra.sidikjari04@gmail.com", "+6282199881234", "sk_astronaut.png"),
    ("1371104407020019", "yulia.cekdisk05@yahoo.com", "087812340987", None),  # a drawn portrait
)

SIXTEEN_DIGITS = re.compile(rb"(?<![0-9])[0-9]{16}(?![0-9])")
HEX_DIGEST = re.compile(rb"[0-9a-f]{32,}")
# What a JPEG's first marker after SOI can be: APPn (JFIF, Exif, ...), DQT, DHT, SOFn, COM.
JPEG_FIRST_MARKERS = frozenset([*range(0xE0, 0xF0), 0xDB, 0xC4, 0xC0, 0xC1, 0xC2, 0xFE])
JPEG_TAGS = (b"JFIF\x00", b"Exif\x00\x00", b"http://ns.adobe.com/xap/")
PHOTO_SAMPLE_BYTES = 32
PHOTO_SAMPLE_STEP = 1024


@dataclass(frozen=True)
class Citizen:
    nik: str
    email: str
    phone: str  # E.164
    photo: bytes

    def draft(self) -> CitizenDraft:
        return CitizenDraft(nik=self.nik, email=self.email, phone=self.phone,
                            consent=Consent("PDP-2026-1", START), photo_jpeg=self.photo)

    def needles(self) -> dict[str, bytes]:
        """Every form in which a value could be written: as stored, as typed, without "+" or "0",
        the email's distinctive local part; in UTF-8 and in UTF-16 (SQLite can store either)."""
        national = self.phone.removeprefix("+62")
        texts = {"NIK": self.nik, "email": self.email, "email local part": self.email.split("@")[0],
                 "phone E.164": self.phone, "phone 62...": "62" + national, "phone 08...": "0" + national,
                 "phone national": national}
        found = {f"{what} (utf-8)": text.encode() for what, text in texts.items()}
        found |= {f"{what} (utf-16)": text.encode("utf-16-le") for what, text in texts.items()}
        found |= {f"photo bytes at {at}": self.photo[at:at + PHOTO_SAMPLE_BYTES]
                  for at in range(0, len(self.photo) - PHOTO_SAMPLE_BYTES, PHOTO_SAMPLE_STEP)}
        return found


def photo_jpeg(name: str | None, seed: int) -> bytes:
    if name is None:
        return synthetic_portrait(random.Random(seed))
    path = FACES / name
    if path.suffix == ".jpg":
        return path.read_bytes()  # as the camera's JPEG would be, Exif and all
    ok, encoded = cv2.imencode(".jpg", cv2.imread(str(path)), [cv2.IMWRITE_JPEG_QUALITY, 92])
    assert ok
    return encoded.tobytes()


def known_citizens() -> list[Citizen]:
    regions = RegionTable.load()
    made = []
    for seed, (nik, email, mobile, photo) in enumerate(CITIZENS):
        assert parse_nik(nik, regions, START.date()).ok
        made.append(Citizen(nik, validate_email(email).value, validate_mobile(mobile).value, photo_jpeg(photo, seed)))
    return made


# -- the scan --------------------------------------------------------------------------------------
def jpeg_starts(data: bytes) -> list[int]:
    """Offsets of an SOI followed by a well-formed first segment: a marker a JPEG can begin with,
    a length, and the next marker where that length says. Random ciphertext matches FF D8 FF about
    once per 16 MB; the segment check makes that about once per 50 GB, and a real JPEG always passes."""
    found = []
    at = data.find(b"\xff\xd8\xff")
    while at != -1:
        if at + 6 <= len(data) and data[at + 3] in JPEG_FIRST_MARKERS:
            length = int.from_bytes(data[at + 4:at + 6], "big")
            after = at + 4 + length
            if length >= 2 and (after >= len(data) or data[after] == 0xFF):
                found.append(at)
        at = data.find(b"\xff\xd8\xff", at + 1)
    return found


def valid_niks_in(data: bytes, regions: RegionTable) -> list[str]:
    """Every run of 16 digits that parses as a NIK, except one inside a hex digest (a MAC or a
    hash written as 32+ hex characters holds 16 digits in a row now and then, by chance)."""
    digests = [m.span() for m in HEX_DIGEST.finditer(data)]
    runs = (m for m in SIXTEEN_DIGITS.finditer(data)
            if not any(start <= m.start() and m.end() <= end for start, end in digests))
    return [run.group().decode() for run in runs if parse_nik(run.group().decode(), regions, START.date()).ok]


def leaks(folder: Path, citizens: list[Citizen]) -> list[str]:
    """``file: what`` for every personal value or JPEG found in any file under ``folder``."""
    regions = RegionTable.load()
    needles = [(what, value) for citizen in citizens for what, value in citizen.needles().items()]
    found = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        data = path.read_bytes()
        name = path.relative_to(folder)
        found += [f"{name}: {what}" for what, value in needles if value in data]
        found += [f"{name}: a valid NIK {nik}" for nik in valid_niks_in(data, regions)]
        found += [f"{name}: JPEG start at {at}" for at in jpeg_starts(data)]
        found += [f"{name}: JPEG tag {tag!r}" for tag in JPEG_TAGS if tag in data]
    return found


def scanned_files(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


# -- the kiosk -------------------------------------------------------------------------------------
class FakeClock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def key_backend(monkeypatch: pytest.MonkeyPatch) -> None:
    """The real keyring under scripts/test.sh; elsewhere the developers' key file (no personal data
    either way, and the scan covers keys/ too)."""
    if not is_secure_backend(keyring.get_keyring()):
        monkeypatch.setenv(BACKEND_ENV, "file")


@pytest.fixture
def citizens() -> list[Citizen]:
    return known_citizens()


@pytest.fixture
def sealed(tmp_path: Path, key_backend: None, citizens: list[Citizen]) -> Iterator[tuple[Path, Store, FakeClock]]:
    """A data folder with every citizen sealed and nothing checkpointed: the store stays open."""
    data_dir, clock = tmp_path / "kiosk", FakeClock()
    store = open_store(data_dir, clock=clock)
    officer = store.officers.add("Rina Marlina", "198705122010012003", "135790", Role.SUPERVISOR)
    for citizen in citizens:
        store.seal(citizen.draft(), officer.officer_id, STAND)
    yield data_dir, store, clock
    store.database.close()


# -- the tests -------------------------------------------------------------------------------------
def test_the_scan_finds_what_it_looks_for(tmp_path: Path, citizens: list[Citizen]) -> None:
    first = citizens[0]
    last = citizens[-1]
    (tmp_path / "clear.txt").write_text(f"x{first.nik}x {last.email} 0{first.phone[3:]}")
    (tmp_path / "photo.bin").write_bytes(b"\x00" * 100 + citizens[1].photo[:4096])
    (tmp_path / "other-nik.txt").write_text("NIK 1371115708900002;")
    found = leaks(tmp_path, citizens)
    for expected in ("clear.txt: NIK (utf-8)", "clear.txt: email (utf-8)", "clear.txt: phone 08... (utf-8)",
                     "photo.bin: JPEG start at 100", "photo.bin: JPEG tag b'JFIF\\x00'",
                     "photo.bin: photo bytes at 0", "other-nik.txt: a valid NIK 1371115708900002"):
        assert expected in found
    assert jpeg_starts(first.photo)[0] == 0 and b"Exif\x00\x00" in first.photo  # and its Exif thumbnail


def test_nothing_personal_while_the_records_sit_in_the_wal(sealed, citizens: list[Citizen]) -> None:
    data_dir, store, _ = sealed
    wal = Path(f"{database_path(data_dir)}-wal")
    assert wal.stat().st_size > sum(len(c.photo) for c in citizens), "the records should still be in the WAL"
    assert f"{wal.name}" in scanned_files(data_dir) and f"{wal.name[:-4]}-shm" in scanned_files(data_dir)
    assert leaks(data_dir, citizens) == []
    # and the photos are really there, sealed: the scan is not passing an empty folder
    rows = store.database.execute("SELECT r.record_id, r.wrapped_key, p.ciphertext FROM records r "
                                  "JOIN photos p USING (record_id) ORDER BY r.device_seq").fetchall()
    assert [open_photo(store.keys.data_key, *row) for row in rows] == [c.photo for c in citizens]


def test_nothing_personal_after_a_checkpoint_and_close(sealed, citizens: list[Citizen]) -> None:
    data_dir, store, _ = sealed
    store.database.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert leaks(data_dir, citizens) == []
    store.database.close()
    assert database_path(data_dir).stat().st_size > sum(len(c.photo) for c in citizens)
    assert leaks(data_dir, citizens) == []


def test_nothing_personal_after_sync_and_purge(sealed, citizens: list[Citizen], tmp_path: Path) -> None:
    from kiosk.sync.enrollment import enroll
    from kiosk.sync.uploader import open_uploader

    data_dir, store, clock = sealed
    gateway = RunningGateway(tmp_path / "gateway").start()
    try:
        enroll(store.database, store.keys, gateway.url, gateway.store.new_enroll_code())
        for advance in (dt.timedelta(0), RETENTION):  # upload and learn the final status; then purge
            clock.now += advance
            uploader = open_uploader(store.database, store.keys, clock=clock, rng=random.Random(1))
            try:
                report = uploader.run_once()
            finally:
                uploader.client.close()
            assert report.error is None
        assert report.purged == len(citizens)
        assert store.database.execute("SELECT COUNT(*) FROM photos").fetchone()[0] == 0
        assert leaks(data_dir, citizens) == []
        assert leaks(gateway.data_dir, citizens) == []  # the gateway never holds them in clear either
    finally:
        gateway.stop()
    store.database.close()
    assert leaks(data_dir, citizens) == []
