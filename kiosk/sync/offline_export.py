"""``kiosk export``: the records not yet acknowledged (queued or sending) as one signed bundle of
ciphertext for a day without any network; a gateway imports it with the same dedupe rules.

Record states do not change: the later sync of the same records just gets ``duplicate``.
Quarantined records stay out: the gateway already refused them once; so does a record whose
encrypted parts no longer open (it is set aside: quarantined, reason "rusak"). Each bundle
written is one audit entry (its file name and the count; the bundle itself lists the records).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from kiosk.audit import AuditEvent, AuditLog
from kiosk.damaged_records import record_opens, set_aside
from kiosk.database import Database
from kiosk.device_keys import DeviceKeys
from kiosk.errors import KioskError
from kiosk.i18n import tr
from kiosk.record import RecordState
from kiosk.sync.export_bundle import BUNDLE_SUFFIX, write_bundle
from kiosk.sync.outbox import photo_ciphertext, unsynced_records
from kiosk.sync.signing import public_key_b64

EXPORT_STATES = frozenset({RecordState.QUEUED, RecordState.SENDING})


class ExportError(KioskError):
    """The bundle cannot be written where the officer asked."""


@dataclass(frozen=True)
class ExportResult:
    path: Path | None  # None when nothing was waiting
    records: int
    skipped: int  # records whose photo or ciphertext is missing (they stay in the queue)


def export_unsynced(database: Database, keys: DeviceKeys, folder: Path, now: dt.datetime,
                    officer_id: int | None = None) -> ExportResult:
    items, broken = unsynced_records(database, EXPORT_STATES)
    blobs = {}
    for item in list(items):
        photo = photo_ciphertext(database, item.record_id)
        if photo is None or not record_opens(database, keys, item.record_id):
            items.remove(item)
            broken.append(item.record_id)
            if photo is not None:  # damaged, not missing: set aside (reason "rusak") for the supervisor
                set_aside(database, keys, item.record_id, now)
        else:
            blobs[item.photo_sha256] = photo
    if not items:
        return ExportResult(None, 0, len(broken))
    try:
        folder.mkdir(parents=True, exist_ok=True)
        path = _free_name(folder, f"kiosk-{keys.device_id}-{now.strftime('%Y%m%d-%H%M%S')}")
        write_bundle(path, keys.device_id, public_key_b64(keys.public_key), keys.signing_key,
                     [item.record for item in items], blobs)
    except OSError as exc:
        raise ExportError(tr("Berkas ekspor tidak bisa ditulis di {path}.", path=str(folder)),
                          tr("Periksa flashdisk atau folder tujuan (terpasang, bisa ditulis, tidak penuh), "
                             "lalu ulangi.")) from exc
    AuditLog.for_device(database, keys).append(AuditEvent.RECORD_EXPORTED, officer_id, path.name,
                                               {"records": len(items), "skipped": len(broken)})
    return ExportResult(path, len(items), len(broken))


def _free_name(folder: Path, stem: str) -> Path:
    path, n = folder / f"{stem}{BUNDLE_SUFFIX}", 1
    while path.exists():
        n += 1
        path = folder / f"{stem}-{n}{BUNDLE_SUFFIX}"
    return path
