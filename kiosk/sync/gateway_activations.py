"""Dukcapil's side of the activation QR at the reference gateway: a scan sent by the citizen's IKD
app is checked (enrolled and not revoked device, signature, expiry on that device's clock, single
use, NIK check against the record) and kept; a scan that comes before its record waits, pending,
and is matched when the record arrives."""

from __future__ import annotations

import hmac
import sqlite3

from kiosk.activation_token import TokenRejected, claimed_issuer, verify_token
from kiosk.i18n import tr
from kiosk.sync.gateway_store import GatewayStore
from kiosk.sync.protocol import ActivationResponse, ActivationScan, ActivationStatusResponse
from kiosk.sync.signing import public_key_from_b64

# The device's clock offset is measured on its signed requests in whole seconds and may have drifted
# since its last pass; a few seconds of grace never turn a 90-second QR into a long-lived one.
CLOCK_TOLERANCE_SECONDS = 10
_REFUSALS = {"expired": "expired", "reused": "already_used", "tampered": "bad_signature"}


def _messages() -> dict[str, str]:
    return {
        "activated": tr("Aktivasi terverifikasi: QR ini sah dan cocok dengan data yang direkam petugas."),
        "pending": tr("QR sah. Data perekaman belum sampai di Dukcapil; aktivasi dicocokkan otomatis "
                      "setelah kios mengirim datanya."),
        "already_used": tr("QR ini sudah pernah dipindai. Minta petugas menampilkan QR baru."),
        "expired": tr("QR sudah kedaluwarsa (berlaku 90 detik). Minta petugas memperbarui QR, lalu pindai lagi."),
        "unknown_device": tr("QR ini dibuat oleh kios yang tidak terdaftar di Dukcapil."),
        "revoked": tr("QR ini dibuat oleh kios yang sudah dicabut; jangan dilanjutkan, laporkan ke petugas "
                      "Disdukcapil."),
        "bad_signature": tr("QR ini tidak sah atau rusak. Pindai ulang QR langsung dari layar kios."),
        "nik_mismatch": tr("NIK pada QR tidak sama dengan NIK pada data yang direkam. Minta petugas "
                           "memeriksa NIK, lalu membuat QR baru."),
    }


def answer(result: str, record_id: str | None = None) -> ActivationResponse:
    return ActivationResponse(result=result, message=_messages()[result], record_id=record_id)


def check_scan(store: GatewayStore, text: str) -> ActivationResponse:
    """The verdict on one scanned text; a token that verifies is kept, its nonce spent for good."""
    device_id = claimed_issuer(text)  # only to pick the key: nothing else is read before the signature
    if device_id is None:
        return answer("bad_signature")
    public_key = store.device_public_key(device_id)
    if public_key is None:
        return answer("unknown_device")
    if store.device_revoked(device_id):
        return answer("revoked")
    now = store.clock()
    device_now = now + store.device_clock_offset(device_id)
    with store.transaction() as conn:  # BEGIN IMMEDIATE: the nonce's check and its spending are one step
        def unspent(nonce: str, _record_id: str) -> bool:
            return conn.execute("SELECT 1 FROM activations WHERE device_id = ? AND nonce = ?",
                                (device_id, nonce)).fetchone() is None

        try:
            token = verify_token(text, public_key_from_b64(public_key), device_now - CLOCK_TOLERANCE_SECONDS,
                                 unspent)
        except TokenRejected as exc:
            return answer(_REFUSALS[exc.reason])
        scanned = token.nik_hash.hex()
        record = conn.execute("SELECT nik_check FROM records WHERE record_id = ?", (token.record_id,)).fetchone()
        result = "pending" if record is None else _outcome(record[0], scanned)
        before = record_verdict(conn, token.record_id)
        conn.execute("INSERT INTO activations (device_id, nonce, record_id, nik_check, scanned_at, status, "
                     "decided_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                     (device_id, token.nonce, token.record_id, scanned, now, result,
                      None if result == "pending" else now))
        if record_verdict(conn, token.record_id) != before:
            _refeed(conn, token.record_id)
    return answer(result, token.record_id)


# The record's verdict as its receipt carries it: a verified scan of one of its tokens, made by the
# device that sent the record, wins over any mismatch; NULL while no scan of it is decided.
VERDICT_SQL = ("SELECT CASE WHEN SUM(a.status = 'activated') > 0 THEN 'activated' "
               "WHEN SUM(a.status = 'nik_mismatch') > 0 THEN 'nik_mismatch' END "
               "FROM activations a JOIN records r ON r.record_id = a.record_id AND r.device_id = a.device_id "
               "WHERE a.record_id = ?")


def record_verdict(conn: sqlite3.Connection, record_id: str) -> str | None:
    return conn.execute(VERDICT_SQL, (record_id,)).fetchone()[0]


def _refeed(conn: sqlite3.Connection, record_id: str) -> None:
    """A record already in the receipts feed moves to its end, so a kiosk whose cursor is past it
    reads its receipt again, now with the verdict. One not yet decided has no place in the feed: its
    receipt carries the verdict when it is decided."""
    conn.execute("UPDATE records SET feed_seq = (SELECT MAX(feed_seq) + 1 FROM records) "
                 "WHERE record_id = ? AND feed_seq IS NOT NULL", (record_id,))


def _outcome(record_nik_check: str | None, scanned_nik_check: str) -> str:
    """A record sent without a NIK check (a kiosk older than the field) is matched on the device's
    signature alone: the same key signed the record and the token naming it."""
    if record_nik_check is None or hmac.compare_digest(record_nik_check, scanned_nik_check):
        return "activated"
    return "nik_mismatch"


def match_arrived(conn: sqlite3.Connection, record_id: str, record_nik_check: str | None, now: float) -> None:
    """Decide the scans that waited for this record, in the transaction that takes the record in."""
    waiting = conn.execute("SELECT device_id, nonce, nik_check FROM activations WHERE record_id = ? AND "
                           "status = 'pending'", (record_id,)).fetchall()
    for device_id, nonce, scanned in waiting:
        conn.execute("UPDATE activations SET status = ?, decided_at = ? WHERE device_id = ? AND nonce = ?",
                     (_outcome(record_nik_check, scanned), now, device_id, nonce))


def scan_status(store: GatewayStore, device_id: str, nonces: list[str]) -> ActivationStatusResponse:
    """The kept scans of these nonces of the calling device only: another kiosk's nonces are never
    told, even when asked for."""
    marks = ", ".join("?" for _ in nonces)
    rows = store.query(f"SELECT nonce, status FROM activations WHERE device_id = ? AND nonce IN ({marks}) "
                       "ORDER BY scanned_at, rowid", (device_id, *nonces))
    messages = _messages()
    return ActivationStatusResponse(scans=[ActivationScan(nonce=nonce, result=status, message=messages[status])
                                           for nonce, status in rows])


ACTIVATION_COLUMNS = ("record_id", "device_id", "status", "scanned_at", "decided_at")


def list_activations(store: GatewayStore) -> list[dict]:
    """Every kept scan in the order it came, without its NIK check."""
    rows = store.query("SELECT record_id, device_id, status, scanned_at, decided_at FROM activations "
                       "ORDER BY scanned_at, rowid")
    return [dict(zip(ACTIVATION_COLUMNS, row)) for row in rows]
