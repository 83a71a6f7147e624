"""What a sync pass means for the officer: the status-bar badge (every pass) and the message a
manual "Sinkronkan sekarang" shows (only then are errors spelled out)."""

from __future__ import annotations

import datetime as dt

from kiosk.i18n import tr
from kiosk.ui.sync_worker import SyncOutcome
from kiosk.ui.widgets.status_bar import KioskStatusBar


def _time(moment: dt.datetime) -> str:
    return moment.astimezone().strftime("%H.%M")


def show_sync_outcome(status: KioskStatusBar, outcome: SyncOutcome) -> None:
    if outcome.failed_at is not None:  # the pass stopped on a fault: the badge says so, the log says why
        status.set_last_sync(tr("Sinkron gagal {time}, dicoba lagi nanti", time=_time(outcome.failed_at)),
                             problem=True, detail=outcome.error.message if outcome.error else "")
        return
    if not outcome.enrolled or outcome.report is None:
        status.set_connection(online=False, detail=tr("server belum diatur"))
        return
    report = outcome.report
    moment = _time(report.finished_at or report.started_at)
    status.set_connection(online=report.online, detail="" if report.online else tr("tidak terhubung"))
    if report.error is None:
        status.set_last_sync(tr("Sinkron {time}", time=moment))
    else:
        status.set_last_sync(tr("Sinkron gagal {time}", time=moment), problem=True, detail=report.error.message)


def manual_sync_message(outcome: SyncOutcome) -> tuple[str, str, str]:
    """(banner kind, message, next step) for the officer who pressed the button."""
    if outcome.error is not None:
        return "error", outcome.error.message, outcome.error.next_step
    report = outcome.report
    return ("success",
            tr("Sinkron selesai: {sent} dikirim, {acknowledged} diterima server, {receipts} hasil dari Dukcapil.",
               sent=report.sent, acknowledged=report.acknowledged + report.duplicates,
               receipts=report.receipts_applied),
            tr("{quarantined} data perlu diperiksa supervisor.", quarantined=report.quarantined)
            if report.quarantined else "")
