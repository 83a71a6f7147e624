"""The tally's figures as CSV rows (section,key,value) for the kecamatan's own spreadsheets."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from kiosk.reports.tally_data import Tally


def tally_rows(tally: Tally) -> list[tuple[str, str, str]]:
    rows: list[tuple[str, str, str]] = [
        ("header", "date_from", tally.date_from.isoformat()),
        ("header", "date_to", tally.date_to.isoformat()),
        ("header", "device", tally.device_id),
        ("header", "generated_at", tally.generated_at.isoformat(timespec="seconds")),
        ("header", "officer_id", "" if tally.officer_id is None else str(tally.officer_id)),
        ("header", "stand", tally.stand or ""),
        ("totals", "total", str(tally.total)),
    ]
    rows += [("totals", name, str(count)) for name, count in tally.totals.items()]
    rows += [("stand", name, str(count)) for name, count in tally.per_stand]
    rows += [("officer", f"{o.name} ({o.nip})", str(o.served)) for o in tally.per_officer]
    rows += [("hour", f"{hour:02d}", str(count)) for hour, count in tally.per_hour.items()]
    for k in tally.per_kelurahan:
        rows += [("kelurahan_served", k.name, str(k.served)), ("kelurahan_target", k.name, str(k.eligible))]
    rows += [("kelurahan_served", "total", str(tally.served_in_targets)),
             ("kelurahan_target", "total", str(tally.eligible_total))]
    for r in tally.reasons:
        rows += [("rejection", r.reason, str(r.count)), ("remedy", r.reason, r.remedy)]
    rows += [("reconciliation", "sealed", str(tally.sealed)),
             ("reconciliation", "acknowledged", str(tally.acknowledged)),
             ("reconciliation", "difference", str(tally.sealed - tally.acknowledged)),
             ("reconciliation", "discrepancies", str(len(tally.discrepancies)))]
    rows += [("discrepancy", d.slip_no, d.problem) for d in tally.discrepancies]
    return rows


def tally_csv(tally: Tally) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(("section", "key", "value"))
    writer.writerows(tally_rows(tally))
    return out.getvalue()


def save_tally_csv(tally: Tally, path: Path) -> Path:
    path = Path(path)
    path.write_text(tally_csv(tally), encoding="utf-8")
    return path
