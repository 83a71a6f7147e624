"""The enrolment QR: the gateway's address and a one-time code in one code the kiosk camera reads.

Text: ``KIOSKIKD1:ENROL:`` + a JSON object with exactly ``{"server": URL, "code": CODE}``, at most
512 characters. Both sides use this module: ``kiosk gateway enroll-code --server URL`` prints it,
the supervisor's "Pindai QR pendaftaran" reads it. Anything else (another QR, a URL with a login
or query in it, extra keys, a code outside the gateway's alphabet) is refused with a message that
says what to do, and nothing is sent anywhere.
"""

from __future__ import annotations

import json
import re

import httpx

from kiosk.errors import KioskError
from kiosk.i18n import tr

PREFIX = "KIOSKIKD1:ENROL:"
MAX_LENGTH = 512
# The gateway's codes: 12 of "A-Z 2-9" without O and I, shown in groups of four (XXXX-XXXX-XXXX).
_CODE = re.compile(r"^[A-HJ-NP-Z2-9]{4}(-?[A-HJ-NP-Z2-9]{4}){2}$")


class EnrolmentQrError(KioskError):
    """A scanned code that is not a usable enrolment QR."""


def enrolment_qr_text(server_url: str, code: str) -> str:
    return PREFIX + json.dumps({"server": server_url, "code": code}, separators=(",", ":"))


def is_enrolment_qr(text: str) -> bool:
    """Whether a scanned text is meant as an enrolment QR (well formed or not)."""
    return text.strip().startswith(PREFIX)


def parse_enrolment_qr(text: str) -> tuple[str, str]:
    """(server URL, code) from a scanned text, or ``EnrolmentQrError``."""
    if not text.startswith(PREFIX):
        raise EnrolmentQrError(tr("Kode QR ini bukan QR pendaftaran kios."),
                               tr("Pindai QR yang dicetak server sinkronisasi untuk kios ini, "
                                  "atau isi alamat server dan kode sekali pakai dengan tangan."))
    try:
        if len(text) > MAX_LENGTH:
            raise ValueError("too long")
        body = json.loads(text[len(PREFIX):])
        if not isinstance(body, dict) or set(body) != {"server", "code"}:
            raise ValueError("keys")
        server, code = body["server"], body["code"]
        if not isinstance(server, str) or not isinstance(code, str) or not _CODE.match(code):
            raise ValueError("values")
        url = httpx.URL(server)
    except (ValueError, httpx.InvalidURL):
        raise _damaged() from None
    if url.scheme not in ("http", "https") or not url.host or url.userinfo or url.query or url.fragment:
        raise _damaged()
    return str(url).rstrip("/"), code


def _damaged() -> EnrolmentQrError:
    return EnrolmentQrError(tr("QR pendaftaran ini rusak atau tidak lengkap."),
                            tr("Minta QR pendaftaran baru dari pengelola server, atau isi alamat server "
                               "dan kode sekali pakai dengan tangan."))
