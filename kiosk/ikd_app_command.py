"""``kiosk ikd-app scan --server URL (--image PNG | --text TOKEN) [--json]``: the citizen's IKD app
as the tests, the demo and support staff play it. It reads the activation QR with the kiosk's own
reader, sends the text to the gateway's ``POST /v1/activations`` and prints the verdict.

Exit status: 0 when the scan is activated or pending (the record has not synced yet), 1 for every
refusal (already used, expired, unknown or revoked kiosk, bad signature, NIK mismatch), 2 for an
expected error (no QR in the image, a server that cannot be reached or does not answer as a gateway).
The QR carries no NIK and nothing here prints one.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from kiosk.cli import EXIT_OK, KioskArgumentParser, Subcommand, _Formatter
from kiosk.errors import KioskError
from kiosk.i18n import tr

EXIT_REFUSED = 1
ACCEPTED_RESULTS = frozenset({"activated", "pending"})
TIMEOUT_SECONDS = 10.0


def summary() -> str:
    return tr("Aplikasi IKD tiruan: pindai QR aktivasi dan kirim ke gateway, seperti ponsel warga.")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="ikd_app_action", required=True, title=tr("aksi"), metavar=tr("AKSI"),
                                    parser_class=KioskArgumentParser)
    text = tr("Pindai QR aktivasi (gambar atau teks) dan tampilkan jawaban gateway.")
    scan = actions.add_parser("scan", add_help=False, formatter_class=_Formatter, help=text, description=text)
    scan.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS,
                      help=tr("Tampilkan bantuan ini lalu keluar."))
    scan.add_argument("--server", required=True, metavar="URL", help=tr("Alamat gateway."))
    source = scan.add_mutually_exclusive_group(required=True)
    source.add_argument("--image", type=Path, metavar=tr("GAMBAR"),
                        help=tr("Gambar QR aktivasi (PNG atau JPEG), misalnya foto layar kios."))
    source.add_argument("--text", metavar=tr("TEKS"), help=tr("Teks QR aktivasi (IKD1:...)."))
    scan.add_argument("--json", action="store_true", help=tr("Jawaban sebagai satu objek JSON, untuk skrip."))


def run(args: argparse.Namespace) -> int:
    from kiosk.sync.enrollment import normalise_server_url

    server = normalise_server_url(args.server)
    token = args.text.strip() if args.text is not None else token_in_image(args.image)
    answer = send_scan(server, token)
    if args.json:
        print(json.dumps(answer.model_dump(), ensure_ascii=False))
    else:
        print(answer.message)
    return EXIT_OK if answer.result in ACCEPTED_RESULTS else EXIT_REFUSED


def token_in_image(path: Path) -> str:
    """The activation QR's text in the image, read as the kiosk's camera reads codes."""
    # Imported here, as in qr-decode: every kiosk command imports this module.
    from kiosk.activation_token import PREFIX
    from kiosk.camera.qr_reader import make_qr_reader
    from kiosk.image_file import read_image

    image = read_image(path)
    if image is None:
        raise KioskError(tr("Gambar {path} tidak bisa dibaca.", path=str(path)),
                         tr("Periksa nama berkasnya dan pastikan berkas itu gambar PNG atau JPEG."))
    for text in make_qr_reader().decode(image):
        if text.startswith(PREFIX):
            return text
    raise KioskError(tr("Tidak ada QR aktivasi pada gambar {path}.", path=str(path)),
                     tr("Foto ulang QR di layar kios: seluruh kode terlihat, tajam dan tidak silau."))


def send_scan(server: str, token: str):
    """The gateway's verdict on ``token``; KioskError when there is no gateway answer to show."""
    import httpx
    from pydantic import ValidationError

    from kiosk.sync.protocol import ActivationResponse, ErrorBody

    try:
        response = httpx.post(server + "/v1/activations", json={"token": token}, timeout=TIMEOUT_SECONDS)
    except httpx.HTTPError:
        raise KioskError(tr("Server {server} tidak bisa dihubungi.", server=server),
                         tr("Periksa alamat server dan sambungan internet, lalu pindai lagi.")) from None
    try:
        if response.status_code == 200:
            return ActivationResponse.model_validate_json(response.content)
        refusal = ErrorBody.model_validate_json(response.content)
    except ValidationError:
        raise KioskError(tr("Server {server} tidak menjawab seperti gateway Dukcapil (HTTP {status}).",
                            server=server, status=response.status_code),
                         tr("Periksa alamat server; halaman login Wi-Fi juga bisa menjawab seperti ini.")) from None
    raise KioskError(tr("Gateway menolak pindaian: {message}", message=refusal.message),
                     tr("Coba lagi sebentar lagi; bila tetap gagal, hubungi petugas Disdukcapil."))


SUBCOMMAND = Subcommand(summary, add_arguments, run)
