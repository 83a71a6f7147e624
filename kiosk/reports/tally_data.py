"""The supervisor's tally as plain figures: one pure function over the records table.

``build_tally`` reads the store (records, officers, device keys for masked NIKs) and returns a
``Tally``; the PDF and the CSV only lay it out, so both always show the same numbers."""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from kiosk.damaged_records import DAMAGED_NIK, open_nik, set_aside
from kiosk.nik import mask_nik
from kiosk.paths import resources_dir
from kiosk.regions import RegionTable

TARGETS_SETTING = "tally.targets_csv"
PURGED_NIK = "(dihapus)"

# Order of the totals table; each group names the record states (and final statuses) it counts.
GROUPS = ("captured", "queued", "sent", "activated", "rejected", "quarantined", "erased")


def default_targets_path() -> Path:
    return resources_dir() / "data" / "targets_koto_tangah.csv"


@dataclass(frozen=True)
class Target:
    code: str
    name: str
    eligible: int


@dataclass(frozen=True)
class KelurahanRow:
    code: str
    name: str
    served: int
    eligible: int


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
    problem: str  # "unacknowledged" or "quarantined"


@dataclass
class Tally:
    date_from: dt.date
    date_to: dt.date
    officer_id: int | None
    stand: str | None
    device_id: str
    generated_at: dt.datetime
    total: int = 0
    totals: dict[str, int] = field(default_factory=dict)
    per_stand: list[tuple[str, int]] = field(default_factory=list)
    per_officer: list[OfficerRow] = field(default_factory=list)
    per_hour: dict[int, int] = field(default_factory=dict)
    per_kelurahan: list[KelurahanRow] = field(default_factory=list)
    reasons: list[ReasonRow] = field(default_factory=list)
    sealed: int = 0
    acknowledged: int = 0
    discrepancies: list[Discrepancy] = field(default_factory=list)
    citizens: list[CitizenRow] = field(default_factory=list)

    @property
    def eligible_total(self) -> int:
        return sum(row.eligible for row in self.per_kelurahan)

    @property
    def served_in_targets(self) -> int:
        return sum(row.served for row in self.per_kelurahan)


def group_of(state: str, final_status: str | None) -> str:
    """The totals group of one record: purged records count by the final status they reached."""
    if state == "purged":
        state = final_status or "processed"  # 'erased': a supervisor erased it before it was sent
    return {"captured": "captured", "sealed": "captured", "queued": "queued", "sending": "queued",
            "acknowledged": "sent", "processed": "activated", "rejected": "rejected",
            "quarantined": "quarantined", "erased": "erased"}.get(state, "captured")


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
    return DAMAGED_NIK, "quarantined" if group in ("captured", "queued", "quarantined") else group


def _now(store) -> dt.datetime:
    return store.clock() if hasattr(store, "clock") else dt.datetime.now().astimezone()


def load_targets(path: Path | None = None) -> list[Target]:
    """Targets per kelurahan from a CSV with the columns code,name,eligible."""
    with open(path or default_targets_path(), newline="", encoding="utf-8") as handle:
        return [Target(row["code"].strip(), row["name"].strip(), int(row["eligible"]))
                for row in csv.DictReader(handle) if row.get("code")]


def targets_path_for(store, explicit: Path | None = None) -> Path:
    if explicit is not None:
        return explicit
    configured = store.get_setting(TARGETS_SETTING) if hasattr(store, "get_setting") else None
    return Path(configured) if configured else default_targets_path()


def build_tally(store, date_from: dt.date, date_to: dt.date | None = None, officer_id: int | None = None,
                stand: str | None = None, *, targets: list[Target] | None = None,
                tz: dt.tzinfo | None = None, now: dt.datetime | None = None) -> Tally:
    """Every figure of the tally for ``date_from``..``date_to`` (local dates, inclusive)."""
    date_to = date_to or date_from
    now = now or _now(store)
    if now.tzinfo is None:
        now = now.astimezone()
    tz = tz or now.tzinfo
    targets = targets if targets is not None else load_targets(targets_path_for(store))
    database = store.database
    keys = store.keys
    sql = ("SELECT record_id, state, final_status, created_at, local_date, officer_id, stand, "
           "kelurahan_code, receipt_no, status_reason, reason_code, remedy, slip_no, wrapped_key, "
           "personal_ct FROM records WHERE local_date BETWEEN ? AND ?")
    params: list = [date_from.isoformat(), date_to.isoformat()]
    if officer_id is not None:
        sql += " AND officer_id = ?"
        params.append(officer_id)
    if stand is not None:
        sql += " AND stand = ?"
        params.append(stand)
    rows = database.execute(sql + " ORDER BY device_seq", tuple(params)).fetchall()

    tally = Tally(date_from, date_to, officer_id, stand, keys.short_id, now)
    totals = Counter({name: 0 for name in GROUPS})
    stands: Counter = Counter()
    officers: Counter = Counter()
    hours: Counter = Counter()
    kelurahan: Counter = Counter()
    reasons: Counter = Counter()
    remedies: dict[str, str] = {}
    stale_before = now - dt.timedelta(days=1)
    for (record_id, state, final_status, created_at, local_date, officer, stand_name, kel_code,
         receipt_no, status_reason, reason_code, remedy, slip_no, wrapped_key, personal_ct) in rows:
        nik_masked, group = _citizen_nik(store, record_id, wrapped_key, personal_ct, group_of(state, final_status))
        totals[group] += 1
        stands[stand_name] += 1
        officers[officer] += 1
        created = dt.datetime.fromisoformat(created_at).astimezone(tz)
        hours[created.hour] += 1
        kelurahan[kel_code] += 1
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
        tally.citizens.append(CitizenRow(slip_no, nik_masked, f"{created:%H:%M}", stand_name, group,
                                         receipt_no or ""))

    tally.total = len(rows)
    tally.sealed = len(rows)
    tally.totals = {name: totals[name] for name in GROUPS}
    tally.per_stand = sorted(stands.items(), key=lambda item: (-item[1], item[0]))
    names = {row[0]: (row[1], row[2]) for row in
             database.execute("SELECT officer_id, name, nip FROM officers").fetchall()}
    tally.per_officer = [OfficerRow(oid, *names.get(oid, (f"#{oid}", "-")), served)
                         for oid, served in sorted(officers.items(), key=lambda item: (-item[1], item[0]))]
    tally.per_hour = {hour: hours[hour] for hour in sorted(hours)}
    known = {target.code for target in targets}
    tally.per_kelurahan = [KelurahanRow(t.code, t.name, kelurahan[t.code], t.eligible) for t in targets]
    if any(code not in known for code in kelurahan):
        regions = RegionTable.load()
        tally.per_kelurahan += [KelurahanRow(code, regions.name_of(code) or code, count, 0)
                                for code, count in sorted(kelurahan.items()) if code not in known]
    tally.reasons = [ReasonRow(reason, remedies.get(reason, "-"), count)
                     for reason, count in sorted(reasons.items(), key=lambda item: (-item[1], item[0]))]
    return tally


def stands_seen(store) -> list[str]:
    """Every stand name this kiosk has records for, for the tally's stand filter."""
    rows = store.database.execute("SELECT DISTINCT stand FROM records ORDER BY stand").fetchall()
    return [row[0] for row in rows]
