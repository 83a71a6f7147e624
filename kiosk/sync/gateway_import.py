"""``kiosk gateway import``: records from an offline export bundle, taken in by the same rules
as a batch (import twice = all duplicate; same id with other content = conflict)."""

from __future__ import annotations

from collections import Counter

from kiosk.errors import KioskError
from kiosk.i18n import tr
from kiosk.sync.export_bundle import Bundle
from kiosk.sync.gateway_blobs import DigestMismatch
from kiosk.sync.gateway_records import submit
from kiosk.sync.gateway_store import GatewayStore
from kiosk.sync.signing import public_key_from_b64


class ImportRefused(KioskError):
    """The bundle's device is not enrolled here, or with another key."""


def import_bundle(store: GatewayStore, bundle: Bundle) -> Counter:
    """Take in every record of a verified bundle; the counts by result status."""
    enrolled = store.device_public_key(bundle.device_id)
    if enrolled is None:
        raise ImportRefused(tr("Kios {device} belum terdaftar di gateway ini.", device=bundle.device_id),
                            tr("Daftarkan kios itu dengan kode dari \u201ckiosk gateway enroll-code\u201d, "
                               "lalu impor lagi."))
    if enrolled != bundle.device_public_key_b64:
        raise ImportRefused(tr("Berkas ini ditandatangani kunci yang bukan kunci terdaftar kios {device}.",
                               device=bundle.device_id),
                            tr("Buat ekspor baru di kios itu setelah pendaftarannya diperbarui."))
    wanted = {record.blobs[0].sha256 for record in bundle.records}
    for sha256, data in bundle.blobs.items():
        if sha256 in wanted:
            try:
                store.put_blob(sha256, data)
            except DigestMismatch:  # read_bundle checked every hash; kept as a guard
                continue
    key = public_key_from_b64(enrolled)
    return Counter(submit(store, bundle.device_id, key, record, source="import").status
                   for record in bundle.records)
