"""The gateway's enrolment QR: what it prints is what the kiosk reads; anything else is refused."""

from __future__ import annotations

import numpy as np
import pytest
import qrcode

from kiosk.camera.qr_reader import make_qr_reader
from kiosk.sync.enrolment_qr import PREFIX, EnrolmentQrError, enrolment_qr_text, parse_enrolment_qr

CODE = "CPEB-ZX48-VTEK"


def test_the_printed_qr_is_read_by_the_kiosk_camera_reader_back_to_server_and_code() -> None:
    image = np.array(qrcode.make(enrolment_qr_text("http://192.168.1.10:8080", CODE), box_size=5).convert("L"))
    [text] = make_qr_reader().decode(image)
    assert parse_enrolment_qr(text) == ("http://192.168.1.10:8080", CODE)


@pytest.mark.parametrize(("text", "message"), [
    ("1371014508900002", "Kode QR ini bukan QR pendaftaran kios."),
    ("KIOSKIKD1:R:R-2026-000001", "Kode QR ini bukan QR pendaftaran kios."),
    (PREFIX + "{not json", "QR pendaftaran ini rusak atau tidak lengkap."),
    (PREFIX + '{"server":"http://a.example","code":"CPEB-ZX48-VTEK","run":"x"}', "QR pendaftaran ini rusak atau tidak lengkap."),
    (PREFIX + '{"server":"http://a.example"}', "QR pendaftaran ini rusak atau tidak lengkap."),
    (PREFIX + '{"server":"ftp://a.example","code":"CPEB-ZX48-VTEK"}', "QR pendaftaran ini rusak atau tidak lengkap."),
    (PREFIX + '{"server":"http://user:pw@a.example","code":"CPEB-ZX48-VTEK"}', "QR pendaftaran ini rusak atau tidak lengkap."),
    (PREFIX + '{"server":"http://a.example/?next=evil","code":"CPEB-ZX48-VTEK"}', "QR pendaftaran ini rusak atau tidak lengkap."),
    (PREFIX + '{"server":"http://a.example","code":"CPEB-ZX48-VTE0"}', "QR pendaftaran ini rusak atau tidak lengkap."),
    (PREFIX + '{"server":"http://a.example","code":1}', "QR pendaftaran ini rusak atau tidak lengkap."),
    (PREFIX + '{"server":"http://' + "a" * 600 + '.example","code":"CPEB-ZX48-VTEK"}',
     "QR pendaftaran ini rusak atau tidak lengkap."),
])
def test_a_hostile_or_malformed_qr_is_refused_with_a_next_step(text: str, message: str) -> None:
    with pytest.raises(EnrolmentQrError) as caught:
        parse_enrolment_qr(text)
    assert caught.value.message == message
    assert "alamat server" in caught.value.next_step
