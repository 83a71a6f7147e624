"""The tally's figures as CSV rows (section,key,value) for the kecamatan's own spreadsheets: keys
are codes (reason codes, kelurahan names), so a spreadsheet formula keeps working in any language."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from kiosk.i18n import DOCUMENT_LANGUAGE, speaking, tr
from kiosk.outcomes import (
    ActivationOutcome,
    NotContinuedReason,
    activation_outcome_label,
    capture_reason_words,
    not_continued_label,
)
from kiosk.reports.tally_data import Tally

TARGET_MISSING = "sasaran belum diisi"


def _percent(served: int, eligible: int) -> str:
    return f"{100 * served / eligible:.1f}"


def tally_rows(tally: Tally) -> list[tuple[str, str, str]]:
    rows: list[tuple[str, str, str]] = [
        ("header", "date_from", tally.date_from.isoformat()),
        ("header", "date_to", tally.date_to.isoformat()),
        ("header", "device", tally.device_id),
        ("header", "generated_at", tally.generated_at.isoformat(timespec="seconds")),
        ("header", "officer_id", "" if tally.officer_id is None else str(tally.officer_id)),
        ("header", "stand", tally.stand or ""),
        ("totals", "total", str(tally.total)),
        ("totals", "visits", str(tally.total)),
        ("totals", "citizens_unique", str(tally.citizens_unique)),
        ("totals", "not_continued", str(tally.not_continued_total)),
        ("totals", "manual_capture", str(tally.manual_capture_total)),
    ]
    rows += [("totals", name, str(count)) for name, count in tally.totals.items()]
    rows += [("activation", code, str(count)) for code, count in tally.activation.items()]
    for s in tally.per_stand:
        rows += [("stand", s.name, str(s.visits)), ("stand_not_continued", s.name, str(s.not_continued))]
    rows += [("officer", f"{o.name} ({o.nip})", str(o.served)) for o in tally.per_officer]
    rows += [("hour", f"{hour:02d}", str(count)) for hour, count in tally.per_hour.items()]
    for k in tally.per_kelurahan:
        rows += [("kelurahan_served", k.name, str(k.served)),
                 ("kelurahan_not_continued", k.name, str(k.not_continued)),
                 ("kelurahan_target", k.name, str(k.eligible) if k.target else TARGET_MISSING),
                 ("kelurahan_achievement", k.name, _percent(k.served, k.eligible) if k.target else "")]
        if k.target:
            rows.append(("kelurahan_target_source", k.name,
                         f"{k.target.source} ({k.target.figure_date.isoformat()})"))
    rows += [("kelurahan_served", "total", str(tally.served_in_targets)),
             ("kelurahan_target", "total", str(tally.eligible_total))]
    rows += [("not_continued", code, str(count)) for code, count in tally.not_continued]
    rows += [("manual_capture", code, str(count)) for code, count in tally.manual_capture]
    for r in tally.reasons:
        rows += [("rejection", r.reason, str(r.count)), ("remedy", r.reason, r.remedy)]
    rows += [("reconciliation", "sealed", str(tally.sealed)),
             ("reconciliation", "acknowledged", str(tally.acknowledged)),
             ("reconciliation", "difference", str(tally.sealed - tally.acknowledged)),
             ("reconciliation", "discrepancies", str(len(tally.discrepancies)))]
    rows += [("discrepancy", d.slip_no, d.problem) for d in tally.discrepancies]
    return rows


def _reason_words(section: str, key: str) -> str:
    """The Indonesian words for a reason code, for the reader of the spreadsheet."""
    if section == "manual_capture":
        return capture_reason_words(key) or ""
    if section == "activation":
        return activation_outcome_label(ActivationOutcome(key))
    kind, words = {"not_continued": (NotContinuedReason, not_continued_label)}.get(section, (None, None))
    if kind is None:
        return TOTAL_WORDS.get((section, key), lambda: "")()
    try:
        return words(kind(key))
    except ValueError:
        return ""


TOTAL_WORDS = {
    ("totals", "visits"): lambda: tr("Kunjungan dengan data tersimpan"),
    ("totals", "citizens_unique"): lambda: tr("Warga dilayani (NIK berbeda)"),
    ("totals", "not_continued"): lambda: tr("Warga tidak melanjutkan (tanpa data)"),
    ("totals", "manual_capture"): lambda: tr("Foto diambil manual"),
}


def tally_csv(tally: Tally) -> str:
    """section,key,value and, for totals and reasons, their words (``keterangan``) in Indonesian."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(("section", "key", "value", "keterangan"))
    with speaking(DOCUMENT_LANGUAGE):
        writer.writerows((*row, _reason_words(row[0], row[1])) for row in tally_rows(tally))
    return out.getvalue()


def save_tally_csv(tally: Tally, path: Path) -> Path:
    path = Path(path)
    path.write_text(tally_csv(tally), encoding="utf-8")
    return path
