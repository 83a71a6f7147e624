"""The gateway's error answers: an ErrorBody with a code for programs and an Indonesian message."""

from __future__ import annotations

from fastapi.responses import JSONResponse

from kiosk.i18n import tr
from kiosk.sync.protocol import ErrorBody


def _messages() -> dict[str, str]:
    return {
        "missing_headers": tr("Permintaan tidak ditandatangani perangkat."),
        "unknown_device": tr("Perangkat ini belum terdaftar di gateway; daftarkan dengan kode pendaftaran."),
        "revoked": tr("Perangkat ini sudah dicabut di gateway; minta kode pendaftaran baru dari supervisor."),
        "bad_signature": tr("Tanda tangan permintaan tidak sah."),
        "bad_digest": tr("Isi permintaan tidak cocok dengan sidiknya (Content-Digest)."),
        "clock_skew": tr("Jam perangkat berbeda terlalu jauh dengan jam gateway."),
        "replayed_nonce": tr("Permintaan ini sudah pernah diterima (nonce dipakai ulang)."),
        "too_large": tr("Permintaan terlalu besar untuk gateway."),
        "too_many_records": tr("Terlalu banyak data dalam satu kiriman."),
        "bad_request": tr("Permintaan tidak sesuai protokol kiosk-sync/1."),
        "bad_code": tr("Kode pendaftaran tidak dikenal atau sudah kedaluwarsa."),
        "code_used": tr("Kode pendaftaran ini sudah dipakai perangkat lain."),
        "bad_public_key": tr("Kunci publik perangkat tidak sah."),
        "digest_mismatch": tr("Isi foto tidak cocok dengan sidik sha256-nya; foto tidak disimpan."),
        "not_found": tr("Alamat ini tidak ada di gateway."),
        "method_not_allowed": tr("Metode ini tidak dipakai untuk alamat ini."),
        "busy": tr("Gateway sedang sibuk; coba lagi sebentar lagi."),
        "internal_error": tr("Gangguan di gateway; coba lagi nanti."),
    }


class ApiError(Exception):
    """Raised by an endpoint: becomes an ErrorBody answer with ``status``."""

    def __init__(self, status: int, code: str, message: str | None = None, server_time: float | None = None,
                 retry_after: int | None = None) -> None:
        super().__init__(code)
        self.status, self.code, self.message = status, code, message
        self.server_time, self.retry_after = server_time, retry_after


def message_for(code: str) -> str:
    return _messages().get(code, tr("Permintaan ditolak gateway ({code}).", code=code))


def error_response(error: ApiError) -> JSONResponse:
    body = ErrorBody(code=error.code, message=error.message or message_for(error.code),
                     server_time=error.server_time)
    headers = {"Retry-After": str(error.retry_after)} if error.retry_after is not None else None
    return JSONResponse(body.model_dump(exclude_none=True), status_code=error.status, headers=headers)
