"""The supervisor's tally as plain figures: one pure function over the records table.

``build_tally`` reads the store (records, visits that ended without a record, targets, officers,
device keys for masked NIKs) and returns a ``Tally``; the PDF and the CSV only lay it out, so both
always show the same numbers. Visits (records) and citizens (different NIKs) are counted apart: a
citizen who came back four times is one citizen and four visits."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from kiosk.damaged_records import DAMAGED_NIK, open_nik, set_aside
from kiosk.nik import mask_nik
from kiosk.outcomes import ActivationOutcome
from kiosk.regions import RegionTable
from kiosk.targets import Target, koto_tangah_kelurahan

PURGED_NIK = "(dihapus)"

# Order of the totals table; each group names the record states (and final statuses) it counts.
GROUPS = ("captured", "queued", "sent", "activated", "rejected", "quarantined", "erased")


@dataclass(frozen=True)
class KelurahanRow:
    code: str
    name: str
    served: int  # different citizens (NIKs) with a record here
    not_continued: int  # visits here that ended without a record
    target: Target | None  # None: "sasaran belum diisi"

    @property
    def eligible(self) -> int | None:
        return self.target.eligible if self.target else None


@dataclass(frozen=True)
class StandRow:
    name: str
    visits: int  # records sealed here
    not_continued: int


@dataclass(frozen=True)
class OfficerRow:
    officer_id: int
    name: str
    nip: str
    served: int


@dataclass(frozen=True)
class ReasonRow:
    reason: str
    remedy: str
    count: int


@dataclass(frozen=True)
class CitizenRow:
    slip_no: str
    nik_masked: str
    local_time: str  # HH:MM at the stand
    stand: str
    group: str
    receipt_no: str


@dataclass(frozen=True)
class Discrepancy:
    slip_no: str
    local_date: str
    problem: str  # "unacknowledged", "quarantined" or "nik_mismatch" (Dukcapil: the scanned QR's NIK differs)


@dataclass
class Tally:
    date_from: dt.date
    date_to: dt.date
    officer_id: int | None
    stand: str | None
    device_id: str
    generated_at: dt.datetime
    total: int = 0  # visits with a record (records sealed)
    citizens_unique: int = 0  # different NIKs among them (an erased record's NIK is gone: not counted)
    totals: dict[str, int] = field(default_factory=dict)
    per_stand: list[StandRow] = field(default_factory=list)
    per_officer: list[OfficerRow] = field(default_factory=list)
    per_hour: dict[int, int] = field(default_factory=dict)
    per_kelurahan: list[KelurahanRow] = field(default_factory=list)
    reasons: list[ReasonRow] = field(default_factory=list)
    # NotContinuedReason / ManualCaptureReason codes with their counts, most frequent first
    not_continued: list[tuple[str, int]] = field(default_factory=list)
    manual_capture: list[tuple[str, int]] = field(default_factory=list)
    # What the activation step saw, per ActivationOutcome code (always all three, in that order): a
    # scan the gateway confirmed, a QR shown with no scan confirmed, "Warga aktivasi nanti". Records
    # without an outcome (none since schema 8) are in none of them.
    activation: dict[str, int] = field(default_factory=dict)
    sealed: int = 0
    acknowledged: int = 0
    discrepancies: list[Discrepancy] = field(default_factory=list)
    citizens: list[CitizenRow] = field(default_factory=list)

    @property
    def not_continued_total(self) -> int:
        return sum(count for _, count in self.not_continued)

    @property
    def manual_capture_total(self) -> int:
        return sum(count for _, count in self.manual_capture)

    @property
    def eligible_total(self) -> int:
        """The sum of the targets entered (kelurahan without one are left out)."""
        return sum(row.eligible for row in self.per_kelurahan if row.target)

    @property
    def served_in_targets(self) -> int:
        """Citizens served in the kelurahan that have a target: the numerator of the achievement."""
        return sum(row.served for row in self.per_kelurahan if row.target)

    @property
    def target_sources(self) -> list[tuple[str, dt.date]]:
        return sorted({(row.target.source, row.target.figure_date) for row in self.per_kelurahan if row.target})


def group_of(state: str, final_status: str | None) -> str:
    """The totals group of one record: purged records count by the final status they reached."""
    if state == "purged":
        state = final_status or "processed"  # 'erased': a supervisor erased it before it was sent
    # Anything else (captured, sealed, a newer kiosk's state) is still at the kiosk: "captured".
    return {"queued": "queued", "sending": "queued", "acknowledged": "sent", "processed": "activated",
            "rejected": "rejected", "quarantined": "quarantined", "erased": "erased"}.get(state, "captured")


def _citizen_nik(store, record_id: str, wrapped_key: bytes | None, personal_ct: bytes | None,
                 group: str) -> tuple[str, str]:
    """The NIK cell and totals group of one row. A record whose personal part does not open is set
    aside (if the database can be written; the tally prints either way) and, unless the server
    already has it, counted as quarantined."""
    if wrapped_key is None or personal_ct is None:
        return PURGED_NIK, group
    nik = open_nik(store.keys, record_id, wrapped_key, personal_ct)
    if nik is not None:
        return mask_nik(nik), group
    set_aside(store.database, store.keys, record_id, _now(store))
    return DAMAGED_NIK, "quarantined" if group in ("captured", "queued") else group


def _now(store) -> dt.datetime:
    return store.clock() if hasattr(store, "clock") else dt.datetime.now().astimezone()


def _targets_by_code(store, targets: Mapping[str, Target] | Iterable[Target] | None) -> dict[str, Target]:
    if targets is None:
        return store.targets.all()
    return {t.code: t for t in (targets.values() if isinstance(targets, Mapping) else targets)}


def build_tally(store, date_from: dt.date, date_to: dt.date | None = None, officer_id: int | None = None,
                stand: str | None = None, *, targets: Mapping[str, Target] | Iterable[Target] | None = None,
                tz: dt.tzinfo | None = None, now: dt.datetime | None = None) -> Tally:
    """Every figure of the tally for ``date_from``..``date_to`` (local dates, inclusive); the
    targets are the store's unless given."""
    date_to = date_to or date_from
    now = now or _now(store)
    if now.tzinfo is None:
        now = now.astimezone()
    tz = tz or now.tzinfo
    targets = _targets_by_code(store, targets)
    database = store.database
    keys = store.keys
    # SQL text is `no mutate`: SQLite reads keywords and names in any case, so such mutants are equivalent.
    # pragma: no mutate start
    sql = ("SELECT record_id, state, final_status, created_at, local_date, officer_id, stand, "
           "kelurahan_code, receipt_no, status_reason, reason_code, remedy, slip_no, wrapped_key, "
           "personal_ct, nik_hash, capture_override, capture_reason, activation_outcome, activation_verdict "
           "FROM records WHERE local_date BETWEEN ? AND ?")
    # pragma: no mutate end
    params: list = [date_from.isoformat(), date_to.isoformat()]
    if officer_id is not None:
        sql += " AND officer_id = ?"  # pragma: no mutate
        params.append(officer_id)
    if stand is not None:
        sql += " AND stand = ?"  # pragma: no mutate
        params.append(stand)
    rows = database.execute(sql + " ORDER BY device_seq", tuple(params)).fetchall()  # pragma: no mutate

    tally = Tally(date_from, date_to, officer_id, stand, keys.short_id, now)
    totals: Counter = Counter()
    stands: Counter = Counter()
    officers: Counter = Counter()
    hours: Counter = Counter()
    kelurahan: dict[str, set[str]] = {}
    citizens: set[str] = set()
    manual: Counter = Counter()
    activation: Counter = Counter()
    reasons: Counter = Counter()
    remedies: dict[str, str] = {}
    stale_before = now - dt.timedelta(days=1)
    for (record_id, state, final_status, created_at, local_date, officer, stand_name, kel_code,
         receipt_no, status_reason, reason_code, remedy, slip_no, wrapped_key, personal_ct, nik_hash,
         capture_override, capture_reason, activation_outcome, activation_verdict) in rows:
        nik_masked, group = _citizen_nik(store, record_id, wrapped_key, personal_ct, group_of(state, final_status))
        totals[group] += 1
        stands[stand_name] += 1
        officers[officer] += 1
        created = dt.datetime.fromisoformat(created_at).astimezone(tz)
        hours[created.hour] += 1
        kelurahan.setdefault(kel_code, set())
        if nik_hash:
            kelurahan[kel_code].add(nik_hash)
            citizens.add(nik_hash)
        if capture_override:
            manual[capture_reason or "officer"] += 1
        if activation_outcome:
            activation[activation_outcome] += 1
        if group == "rejected":
            reason = status_reason or reason_code or "-"
            reasons[reason] += 1
            if remedy:
                remedies.setdefault(reason, remedy)
        if receipt_no:
            tally.acknowledged += 1
        elif group == "quarantined":
            tally.discrepancies.append(Discrepancy(slip_no, local_date, "quarantined"))
        elif group != "erased" and created < stale_before:
            tally.discrepancies.append(Discrepancy(slip_no, local_date, "unacknowledged"))
        if activation_verdict == "nik_mismatch":
            tally.discrepancies.append(Discrepancy(slip_no, local_date, "nik_mismatch"))
        tally.citizens.append(CitizenRow(slip_no, nik_masked, f"{created:%H:%M}", stand_name, group,
                                         receipt_no or ""))

    visits = store.not_continued_visits(date_from, date_to, officer_id, stand)
    left_at_stand = Counter(v.stand for v in visits)
    left_in_kelurahan = Counter(v.kelurahan_code for v in visits)
    tally.total = len(rows)
    tally.citizens_unique = len(citizens)
    tally.sealed = len(rows)
    tally.totals = {name: totals[name] for name in GROUPS}
    tally.per_stand = [StandRow(name, stands[name], left_at_stand[name]) for name in
                       sorted(set(stands) | set(left_at_stand), key=lambda n: (-stands[n], -left_at_stand[n], n))]
    tally.not_continued = _most_first(Counter(v.reason for v in visits))
    tally.manual_capture = _most_first(manual)
    tally.activation = {outcome.value: activation[outcome.value] for outcome in ActivationOutcome}
    # pragma: no mutate start
    names = {row[0]: (row[1], row[2]) for row in
             database.execute("SELECT officer_id, name, nip FROM officers").fetchall()}
    # pragma: no mutate end
    tally.per_officer = [OfficerRow(oid, *names.get(oid, (f"#{oid}", "-")), served)
                         for oid, served in sorted(officers.items(), key=lambda item: (-item[1], item[0]))]
    tally.per_hour = {hour: hours[hour] for hour in sorted(hours)}
    tally.per_kelurahan = _kelurahan_rows(kelurahan, left_in_kelurahan, targets)
    tally.reasons = [ReasonRow(reason, remedies.get(reason, "-"), count)
                     for reason, count in sorted(reasons.items(), key=lambda item: (-item[1], item[0]))]
    return tally


def _most_first(counts: Counter) -> list[tuple[str, int]]:
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def _kelurahan_rows(served: dict[str, set[str]], left: Counter, targets: dict[str, Target]) -> list[KelurahanRow]:
    """The 13 kelurahan of Koto Tangah always (a target is set against each), then any other
    kelurahan a stand served in this period."""
    regions = RegionTable.load()
    home = [k.code for k in koto_tangah_kelurahan(regions)]
    others = sorted((set(served) | set(left) | set(targets)) - set(home))
    return [KelurahanRow(code, regions.name_of(code) or code, len(served.get(code, ())), left[code],
                         targets.get(code)) for code in home + others]


def stands_seen(store) -> list[str]:
    """Every stand name this kiosk has records for, for the tally's stand filter."""
    rows = store.database.execute("SELECT DISTINCT stand FROM records ORDER BY stand").fetchall()  # pragma: no mutate
    return [row[0] for row in rows]
