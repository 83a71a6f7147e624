"""Indonesian number and date formats for printed reports: 10.000 and 27 November 2026."""

from __future__ import annotations

import datetime as dt

MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September",
          "Oktober", "November", "Desember")


def number_id(value: int) -> str:
    """10000 -> "10.000" (dot as the thousands separator)."""
    sign = "-" if value < 0 else ""
    return sign + f"{abs(int(value)):,}".replace(",", ".")


def percent_id(part: int, whole: int) -> str:
    """Share with one decimal and a comma: 1783/3871 -> "46,1%". A share above nought that rounds
    to 0,0 reads "<0,1%": six citizens served of 18,450 are not "0,0%" to a supervisor."""
    if whole <= 0:
        return "-"
    share = 100.0 * part / whole
    if 0 < share < 0.05:
        return "<0,1%"
    return f"{share:.1f}".replace(".", ",") + "%"


def date_id(day: dt.date) -> str:
    """2026-11-27 -> "27 November 2026"."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def datetime_id(moment: dt.datetime) -> str:
    return f"{date_id(moment.date())}, {moment:%H.%M}"


def period_id(date_from: dt.date, date_to: dt.date) -> str:
    return date_id(date_from) if date_from == date_to else f"{date_id(date_from)} s.d. {date_id(date_to)}"
