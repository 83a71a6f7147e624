"""Realistic demo records for Kecamatan Koto Tangah, sealed through the real store: valid NIKs,
working contacts, stands in its 13 kelurahan, times within service hours and a synthetic portrait;
a few photos taken by hand (with the officer's reason) and some citizens who left without a record
(with theirs), so the demo tally shows every section.

The callers that make a demo folder (``kiosk demo-data``, ``kiosk --demo``) mark it with
``kiosk.demo_folder``; tests and benchmarks use these records in folders of their own."""

from __future__ import annotations

import datetime as dt
import logging
import random

import cv2
import numpy as np

from kiosk.consent import consent_version
from kiosk.contact import validate_email, validate_mobile
from kiosk.nik import FEMALE_DAY_OFFSET, parse_nik
from kiosk.officers import DEMO_PIN, Officer, Role
from kiosk.outcomes import OFFICER_CAPTURE_REASONS, NotContinuedReason
from kiosk.record import CitizenDraft, Consent, RecordSummary, Stand
from kiosk.regions import Region, RegionTable
from kiosk.store import Store

log = logging.getLogger(__name__)

CONSENT_VERSION = consent_version()  # the default text, 7 days
KOTO_TANGAH = "13.71.11"
HOME_PREFIX = "137111"  # NIKs first registered in Koto Tangah
OTHER_PREFIXES = tuple(f"1371{n:02d}" for n in range(1, 11))  # the other Padang kecamatan
HOME_SHARE = 0.8
BIRTH_FIRST, BIRTH_LAST = dt.date(1950, 1, 1), dt.date(2008, 12, 31)
MOBILE_PREFIXES = ("0811", "0812", "0813", "0821", "0822", "0823", "0852", "0857", "0878", "0896", "0881")
SERVICE_START, SERVICE_END = dt.time(8, 0), dt.time(15, 0)
CAMAT_OFFICE_KELURAHAN = "Lubuk Buaya"
DEMO_OFFICERS = (
    ("Yusnidar, S.Sos.", "197806142005012003", Role.SUPERVISOR),
    ("Rahmat Hidayat", "198903212014031002", Role.OFFICER),
    ("Fitri Handayani, A.Md.", "199208172019032005", Role.OFFICER),
)
FEMALE_NAMES = ("siti", "rahma", "nurul", "fitri", "dewi", "putri", "yulia", "rina", "wulan", "annisa",
                "mardiana", "yanti", "desi", "rika", "yusnidar", "nofrita", "elvira", "zahara", "aisyah")
MALE_NAMES = ("rahmat", "rizki", "fajar", "andi", "budi", "hendra", "fauzan", "dodi", "yusuf", "ilham",
              "arif", "zulkifli", "afrizal", "syafri", "novri", "yendri", "rudi", "irwan", "taufik")
EMAIL_DOMAINS = ("gmail.com", "yahoo.co.id", "yahoo.com", "outlook.com")
EMAIL_WEIGHTS = (8, 2, 1, 1)
PORTRAIT_SIZE = (480, 640)  # width, height
PORTRAIT_NOISE = 4.2  # sensor-like noise: brings JPEG quality 92 to about 60 KB at 480x640
MANUAL_CAPTURE_SHARE = 0.06  # with the 5 % drawn with each record: about one photo in ten by hand
NOT_CONTINUED_SHARE = 0.15  # about one visit in seven ends without a record
# The field study: no smartphone and no email are the usual reasons; declining consent is rare.
NOT_CONTINUED_WEIGHTS = {NotContinuedReason.NO_SMARTPHONE: 5, NotContinuedReason.NO_EMAIL: 4,
                         NotContinuedReason.PHONE_NOT_SUPPORTED: 2, NotContinuedReason.WILL_COME_BACK: 2,
                         NotContinuedReason.DECLINES_CONSENT: 1, NotContinuedReason.OTHER: 1}


def make_demo_records(store: Store, count: int, days: int = 1, seed: int | None = None) -> list[RecordSummary]:
    """Seal ``count`` demo records spread over the last ``days`` service days, oldest first."""
    if count < 0 or days < 1:
        raise ValueError("count must be >= 0 and days >= 1")
    rng = random.Random(seed)
    regions = RegionTable.load()
    officers = ensure_demo_officers(store)
    servers = [o for o in officers if not o.is_supervisor] or officers
    now = store.clock()
    now = now if now.tzinfo else now.astimezone()  # service hours are in the stand's time zone
    service_days = _service_days(now, days)
    stands = _stands_by_day(rng, regions, service_days)
    used_niks: set[str] = set()
    made = []
    # Outcomes draw from a random stream of their own, so a seed still gives the same records.
    outcomes = random.Random(None if seed is None else f"outcomes:{seed}")
    by_hand = _some(outcomes, count, MANUAL_CAPTURE_SHARE)
    then_left = _some(outcomes, count, NOT_CONTINUED_SHARE)
    for index, when in enumerate(_visit_times(rng, now, service_days, count)):
        draft = _demo_draft(rng, regions, when, used_niks)
        if draft.capture_override or index in by_hand:
            draft.capture_override = True
            draft.capture_reason = outcomes.choice(OFFICER_CAPTURE_REASONS).value
        # A store whose clock reads the visit time, so created_at and local_date are the visit's.
        sealer = Store(store.database, store.keys, clock=lambda when=when: when)
        stand = rng.choices(stands[when.date()], weights=(3, 2, 2, 1))[0]
        made.append(sealer.seal(draft, rng.choice(servers).officer_id, stand))
        if index in then_left:  # the next citizen in line leaves without a record
            reason = outcomes.choices(list(NOT_CONTINUED_WEIGHTS), weights=list(NOT_CONTINUED_WEIGHTS.values()))[0]
            sealer.record_not_continued(reason, outcomes.choice(servers).officer_id, stand)
    log.info("sealed %d demo records and %d visits without a record over %d day(s)",
             len(made), len(then_left), days)
    return made


def _some(rng: random.Random, count: int, share: float) -> set[int]:
    """Which of ``count`` visits get an outcome: about ``share`` of them, at least one, so even a
    six-record demo tally shows the section."""
    return set(rng.sample(range(count), max(1, round(count * share)))) if count else set()


def ensure_demo_officers(store: Store) -> list[Officer]:
    """The active officers; a demo supervisor and two officers are created when there are none."""
    active = store.officers.active()
    if active:
        return active
    supervisor = None  # the first account (a supervisor) adds the others, as at a real kiosk
    for name, nip, role in DEMO_OFFICERS:
        added = store.officers.add(name, nip, DEMO_PIN, role, by=supervisor, demo=True)
        supervisor = supervisor or added.officer_id
    log.info("created %d demo officer accounts", len(DEMO_OFFICERS))
    return store.officers.active()


def _service_days(now: dt.datetime, days: int) -> list[dt.date]:
    # Today counts only once its service hours have begun, so no record lies in the future.
    last = now.date() if now.time() >= SERVICE_START else now.date() - dt.timedelta(days=1)
    return [last - dt.timedelta(days=back) for back in range(days)]


def _visit_times(rng: random.Random, now: dt.datetime, service_days: list[dt.date],
                 count: int) -> list[dt.datetime]:
    times = []
    for _ in range(count):
        day = rng.choice(service_days)
        opens = dt.datetime.combine(day, SERVICE_START, tzinfo=now.tzinfo)
        closes = min(dt.datetime.combine(day, SERVICE_END, tzinfo=now.tzinfo), now)
        times.append((opens + (closes - opens) * rng.random()).replace(microsecond=0))
    return sorted(times)


def _stands_by_day(rng: random.Random, regions: RegionTable,
                   service_days: list[dt.date]) -> dict[dt.date, list[Stand]]:
    """Each day: the desk at the camat's office plus three jemput-bola stands, taking the 13
    kelurahan in turn so that a few days cover all of them."""
    kelurahan = regions.kelurahan_of(KOTO_TANGAH)
    seat = next((k for k in kelurahan if k.name == CAMAT_OFFICE_KELURAHAN), kelurahan[0])
    desk = Stand("Kantor Camat Koto Tangah", seat.code, seat.name)
    order = rng.sample(kelurahan, len(kelurahan))
    stands = {}
    for index, day in enumerate(service_days):
        visited = [order[(index * 3 + k) % len(order)] for k in range(3)]
        stands[day] = [desk, *(_mobile_stand(rng, kel) for kel in visited)]
    return stands


def _mobile_stand(rng: random.Random, kelurahan: Region) -> Stand:
    place = rng.choice((
        f"Kantor Lurah {kelurahan.name}",
        f"Posyandu RW {rng.randint(1, 12):02d}",
        f"Posko RT {rng.randint(1, 5):02d}/RW {rng.randint(1, 12):02d}",
        f"Balai Pemuda {kelurahan.name}",
    ))
    return Stand(place, kelurahan.code, kelurahan.name)


def _demo_draft(rng: random.Random, regions: RegionTable, when: dt.datetime,
                used_niks: set[str]) -> CitizenDraft:
    nik, female, born = _demo_nik(rng, regions, when.date(), used_niks)
    return CitizenDraft(
        nik=nik,
        email=_demo_email(rng, female, born),
        phone=_demo_mobile(rng),
        consent=Consent(CONSENT_VERSION, when - dt.timedelta(seconds=rng.randint(60, 240))),
        photo_jpeg=synthetic_portrait(rng, hijab=female and rng.random() < 0.7),
        capture_override=rng.random() < 0.05,
    )


def _demo_nik(rng: random.Random, regions: RegionTable, today: dt.date,
              used: set[str]) -> tuple[str, bool, dt.date]:
    while True:
        prefix = HOME_PREFIX if rng.random() < HOME_SHARE else rng.choice(OTHER_PREFIXES)
        born = BIRTH_FIRST + dt.timedelta(days=rng.randrange((BIRTH_LAST - BIRTH_FIRST).days + 1))
        female = rng.random() < 0.5
        day = born.day + (FEMALE_DAY_OFFSET if female else 0)
        nik = f"{prefix}{day:02d}{born:%m%y}{rng.randint(1, 200):04d}"
        if nik in used:
            continue
        if not parse_nik(nik, regions, today).ok:
            raise AssertionError(f"demo NIK generator made an invalid NIK (prefix {prefix})")
        used.add(nik)
        return nik, female, born


def _demo_email(rng: random.Random, female: bool, born: dt.date) -> str:
    first, second = rng.sample(FEMALE_NAMES if female else MALE_NAMES, 2)
    local = rng.choice((f"{first}.{second}{born:%y}", f"{first}{second}", f"{first}_{born.year}",
                        f"{first}.{second}"))
    domain = rng.choices(EMAIL_DOMAINS, weights=EMAIL_WEIGHTS)[0]
    result = validate_email(f"{local}@{domain}")
    if not result.ok:
        raise AssertionError("demo email generator made an invalid address")
    return result.value


def _demo_mobile(rng: random.Random) -> str:
    """An E.164 number with a real operator prefix, 11 or 12 digits written with the 0."""
    for _ in range(100):
        digits = rng.choice((11, 12, 12)) - 4
        rest = str(rng.randint(1, 9)) + "".join(str(rng.randint(0, 9)) for _ in range(digits - 1))
        result = validate_mobile(rng.choice(MOBILE_PREFIXES) + rest)
        if result.ok:
            return result.value
    raise AssertionError("demo mobile generator found no valid number")


def synthetic_portrait(rng: random.Random, hijab: bool = False) -> bytes:
    """A 480x640 JPEG (quality 92, about 60 KB) of a drawn head and shoulders, never a real face."""
    width, height = PORTRAIT_SIZE
    top = np.array([rng.randint(150, 235) for _ in range(3)], np.float32)
    ramp = np.linspace(0.0, 1.0, height, dtype=np.float32)[:, None, None]
    image = (top * (1 - ramp) + top * rng.uniform(0.55, 0.8) * ramp) * np.ones((1, width, 1), np.float32)
    skin = (rng.randint(90, 150), rng.randint(130, 185), rng.randint(170, 225))  # BGR
    cloth = tuple(rng.randint(20, 200) for _ in range(3))
    cv2.ellipse(image, (240, 660), (230, 170), 0, 180, 360, cloth, -1, cv2.LINE_AA)
    if hijab:
        cv2.ellipse(image, (240, 300), (150, 175), 0, 0, 360, cloth, -1, cv2.LINE_AA)
        cv2.fillConvexPoly(image, np.array([[120, 380], [360, 380], [420, 520], [60, 520]]), cloth, cv2.LINE_AA)
    else:
        cv2.rectangle(image, (205, 400), (275, 500), skin, -1, cv2.LINE_AA)
    cv2.ellipse(image, (240, 290), (105, 135), 0, 0, 360, skin, -1, cv2.LINE_AA)
    if not hijab:
        cv2.ellipse(image, (240, 230), (112, 90), 0, 180, 360, (30, 30, 35), -1, cv2.LINE_AA)
    _draw_face(image)
    noise = np.random.default_rng(rng.getrandbits(64)).normal(0.0, PORTRAIT_NOISE, image.shape)
    image = np.clip(image + noise.astype(np.float32), 0, 255).astype(np.uint8)
    ok, encoded = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 92])
    if not ok:
        raise RuntimeError("OpenCV could not encode the demo portrait")
    return encoded.tobytes()


def _draw_face(image: np.ndarray) -> None:
    for x in (200, 280):
        cv2.ellipse(image, (x, 285), (16, 8), 0, 0, 360, (245, 245, 245), -1, cv2.LINE_AA)
        cv2.circle(image, (x, 285), 6, (40, 30, 25), -1, cv2.LINE_AA)
    cv2.ellipse(image, (240, 365), (30, 10), 0, 0, 180, (80, 80, 150), 3, cv2.LINE_AA)
