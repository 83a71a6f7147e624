"""Visits that ended without a record ("Warga tidak melanjutkan"): when, where, who served and the
reason code, nothing about the citizen (no NIK, no hash of it: they did not consent). Counted on
the tally per reason, stand and kelurahan; each one audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from kiosk.audit import AuditEvent, AuditLog
from kiosk.database import Database
from kiosk.outcomes import NotContinuedReason
from kiosk.record import Stand


@dataclass(frozen=True)
class NotContinuedVisit:
    """One visit that ended without a record: codes only."""

    created_at: str  # ISO 8601, UTC
    local_date: str
    officer_id: int
    stand: str
    kelurahan_code: str
    reason: str  # a NotContinuedReason value (or a newer kiosk's code)


class VisitsNotContinued:
    def __init__(self, database: Database, clock: Callable[[], dt.datetime], audit: AuditLog) -> None:
        self._db = database
        self._clock = clock
        self._audit = audit

    def record(self, reason: NotContinuedReason, officer_id: int, stand: Stand) -> None:
        reason = NotContinuedReason(reason)
        now = self._clock()
        with self._db.transaction() as conn:
            cursor = conn.execute(
                "INSERT INTO visits_not_continued (created_at, local_date, officer_id, stand, kelurahan_code, "
                "reason) VALUES (?, ?, ?, ?, ?, ?)",
                (now.astimezone(dt.timezone.utc).isoformat(), now.date().isoformat(), officer_id,
                 stand.place_name, stand.kelurahan_code, reason.value))
            self._audit.append(AuditEvent.VISIT_NOT_CONTINUED, officer_id, f"visit-{cursor.lastrowid}",
                               {"reason": reason.value}, conn=conn)

    def between(self, date_from: dt.date, date_to: dt.date, officer_id: int | None = None,
                stand: str | None = None) -> list[NotContinuedVisit]:
        """Between two local dates (inclusive), oldest first; one officer's or one stand's if given."""
        sql = ("SELECT created_at, local_date, officer_id, stand, kelurahan_code, reason FROM visits_not_continued "
               "WHERE local_date BETWEEN ? AND ?")
        params: list = [date_from.isoformat(), date_to.isoformat()]
        if officer_id is not None:
            sql += " AND officer_id = ?"
            params.append(officer_id)
        if stand is not None:
            sql += " AND stand = ?"
            params.append(stand)
        rows = self._db.execute(sql + " ORDER BY id", tuple(params)).fetchall()
        return [NotContinuedVisit(*row) for row in rows]
