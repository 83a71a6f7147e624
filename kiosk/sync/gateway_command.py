"""``kiosk gateway serve | enroll-code | records | import | revoke | activations``: the reference
kiosk-sync/1 gateway and its admin commands. ``--data-dir`` is the gateway's own folder, given
before or after the action."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path

from kiosk.cli import EXIT_OK, KioskArgumentParser, Subcommand, _Formatter
from kiosk.errors import KioskError
from kiosk.i18n import tr
from kiosk.paths import default_data_dir

IMPORT_STATUSES = ("accepted", "duplicate", "conflict", "invalid", "missing_blobs")


def summary() -> str:
    return tr("Gateway rujukan kiosk-sync/1: server, kode pendaftaran, data diterima, impor ekspor.")


def _actions() -> dict[str, tuple[str, Callable, Callable]]:
    return {
        "serve": (tr("Jalankan server gateway sampai dihentikan (Ctrl+C atau SIGTERM)."),
                  _serve_arguments, _run_serve),
        "enroll-code": (tr("Buat kode pendaftaran kios sekali pakai (berlaku 24 jam)."),
                        _enroll_code_arguments, _run_enroll_code),
        "records": (tr("Daftar data yang diterima gateway."), _records_arguments, _run_records),
        "import": (tr("Impor berkas ekspor kios (untuk hari tanpa jaringan)."), _import_arguments, _run_import),
        "revoke": (tr("Cabut kios yang hilang atau dicuri: kuncinya tidak dipercaya lagi."),
                   _revoke_arguments, _run_revoke),
        "activations": (tr("Daftar pindaian QR aktivasi yang diterima gateway."),
                        _records_arguments, _run_activations),
    }


def add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="gateway_action", required=True, title=tr("aksi"), metavar=tr("AKSI"),
                                    parser_class=KioskArgumentParser)
    for name, (text, add, run_action) in _actions().items():
        sub = actions.add_parser(name, add_help=False, formatter_class=_Formatter, help=text, description=text)
        sub.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS,
                         help=tr("Tampilkan bantuan ini lalu keluar."))
        # The same dest as the global option: ``kiosk --data-dir X gateway serve`` means the same.
        sub.add_argument("--data-dir", type=Path, default=argparse.SUPPRESS, metavar=tr("FOLDER"),
                         help=tr("Folder data gateway (wajib; bukan folder data kios)."))
        add(sub)
        sub.set_defaults(gateway_run=run_action)


def run(args: argparse.Namespace) -> int:
    return args.gateway_run(args, gateway_dir(args))


def gateway_dir(args: argparse.Namespace) -> Path:
    """The folder given with --data-dir; the kiosk's default folder (what kiosk.cli fills in when
    none was given) is refused, so that a gateway never writes into a kiosk's data."""
    given = getattr(args, "data_dir", None)
    if given is None or Path(given).expanduser().resolve() == default_data_dir().expanduser().resolve():
        raise KioskError(tr("Folder data gateway belum ditentukan."),
                         tr("Tambahkan --data-dir FOLDER (folder khusus gateway, bukan folder data kios)."))
    return Path(given)


def _existing(data_dir: Path) -> Path:
    from kiosk.sync.gateway_store import DATABASE_FILE

    if not (data_dir / DATABASE_FILE).is_file():
        raise KioskError(tr("Folder {path} bukan folder data gateway.", path=str(data_dir)),
                         tr("Periksa --data-dir; folder gateway dibuat oleh \u201ckiosk gateway serve\u201d."))
    return data_dir


# -- serve -----------------------------------------------------------------------------------
def percent(text: str) -> int:
    if not (text.isascii() and text.isdigit() and 0 <= int(text) <= 100):
        raise argparse.ArgumentTypeError(tr("\u201c{text}\u201d bukan persen 0 sampai 100", text=text))
    return int(text)


def seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value < float("inf"):
        raise argparse.ArgumentTypeError(tr("\u201c{text}\u201d bukan jumlah detik", text=text))
    return value


def port_number(text: str) -> int:
    if not (text.isascii() and text.isdigit() and 0 <= int(text) <= 65535):
        raise argparse.ArgumentTypeError(tr("\u201c{text}\u201d bukan nomor port (0 = port bebas)", text=text))
    return int(text)


def _serve_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help=tr("Alamat yang didengar (bawaan: 127.0.0.1)."))
    parser.add_argument("--port", type=port_number, required=True, metavar="N",
                        help=tr("Port yang didengar; 0 memilih port bebas."))
    parser.add_argument("--reject-percent", type=percent, default=10, metavar="P",
                        help=tr("Persen data yang ditolak registri tiruan (bawaan: 10)."))
    parser.add_argument("--process-after", type=seconds, default=0.0, metavar="S",
                        help=tr("Detik sebelum data diputuskan registri (bawaan: 0)."))


def _run_serve(args: argparse.Namespace, data_dir: Path) -> int:
    from kiosk.sync.gateway_app import GatewayConfig
    from kiosk.sync.gateway_server import serve

    serve(data_dir, args.host, args.port, GatewayConfig(reject_percent=args.reject_percent,
                                                        process_after_seconds=args.process_after))
    return EXIT_OK


# -- enroll-code -----------------------------------------------------------------------------
def _enroll_code_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--server", metavar="URL",
                        help=tr("Alamat gateway ini seperti kios melihatnya; dengan ini dicetak juga QR "
                                "pendaftaran yang dipindai kamera kios."))
    parser.add_argument("--qr-png", type=Path, metavar=tr("BERKAS"),
                        help=tr("Simpan QR pendaftaran sebagai gambar PNG untuk dicetak (perlu --server)."))


def _run_enroll_code(args: argparse.Namespace, data_dir: Path) -> int:
    from kiosk.sync.enrollment import normalise_server_url
    from kiosk.sync.gateway_store import GatewayStore

    server = normalise_server_url(args.server) if args.server else None  # refused before a code is spent
    if args.qr_png and not server:
        raise KioskError(tr("QR pendaftaran perlu alamat server."), tr("Tambahkan --server URL."))
    store = GatewayStore(data_dir)
    try:
        code = store.new_enroll_code()
    finally:
        store.close()
    print(tr("Kode pendaftaran sekali pakai untuk satu kios, berlaku 24 jam. Di kios itu supervisor "
             "membuka Supervisor \u2192 Pengaturan \u2192 Sambungkan ke server, lalu mengisi alamat "
             "server dan kode di bawah ini, atau memindai QR pendaftaran:"))
    print(code)
    if server:
        _print_enrolment_qr(server, code, args.qr_png)
    return EXIT_OK


def _print_enrolment_qr(server: str, code: str, png: Path | None) -> None:
    import io

    import qrcode

    from kiosk.sync.enrolment_qr import enrolment_qr_text

    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=2)
    qr.add_data(enrolment_qr_text(server, code))
    text = io.StringIO()
    qr.print_ascii(out=text, invert=True)
    print(text.getvalue(), end="")
    if png:
        qr.make_image().save(png)
        print(tr("QR pendaftaran disimpan: {path}", path=str(png)))


# -- records ---------------------------------------------------------------------------------
def _records_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help=tr("Satu objek JSON per baris, untuk skrip."))


def _run_records(args: argparse.Namespace, data_dir: Path) -> int:
    from kiosk.sync.gateway_records import list_records
    from kiosk.sync.gateway_store import GatewayStore

    store = GatewayStore(_existing(data_dir))
    try:
        rows = list_records(store)
    finally:
        store.close()
    if args.json:
        for row in rows:
            print(json.dumps(row, ensure_ascii=False))
    else:
        _print_table(rows)
    return EXIT_OK


def _print_table(rows: list[dict]) -> None:
    if not rows:
        print(tr("Belum ada data diterima."))
        return
    header = (tr("No. tanda terima"), tr("Kios"), tr("No."), tr("Status"), tr("Alasan"))
    cells = [(r["receipt_no"], r["device_id"], str(r["device_seq"]), r["status"], r["reason_code"] or "")
             for r in rows]
    widths = [max(len(row[i]) for row in (header, *cells)) for i in range(len(header))]
    for row in (header, *cells):
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())
    print(tr("Jumlah: {count} data.", count=len(rows)))


# -- import ----------------------------------------------------------------------------------
def _import_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help=tr("Hasil sebagai satu objek JSON."))
    parser.add_argument("bundle", type=Path, metavar=tr("BERKAS"), help=tr("Berkas ekspor dari kios."))


def _run_import(args: argparse.Namespace, data_dir: Path) -> int:
    from kiosk.sync.export_bundle import read_bundle
    from kiosk.sync.gateway_import import import_bundle
    from kiosk.sync.gateway_store import GatewayStore

    bundle = read_bundle(args.bundle)
    store = GatewayStore(_existing(data_dir))
    try:
        counts = import_bundle(store, bundle)
    finally:
        store.close()
    if args.json:
        print(json.dumps({status: counts.get(status, 0) for status in IMPORT_STATUSES}))
        return EXIT_OK
    print(tr("Impor dari kios {device}: {total} data.", device=bundle.device_id, total=len(bundle.records)))
    labels = (tr("Diterima"), tr("Sudah ada (duplikat)"), tr("Bentrok (ID sama, isi lain)"), tr("Tidak sah"),
              tr("Foto tidak ada"))
    for status, label in zip(IMPORT_STATUSES, labels):
        print(f"{label}: {counts.get(status, 0)}")
    return EXIT_OK



# -- revoke ----------------------------------------------------------------------------------
def _revoke_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("device_id", metavar=tr("ID_KIOS"), help=tr("ID kios (16 digit heksadesimal)."))


def _run_revoke(args: argparse.Namespace, data_dir: Path) -> int:
    from kiosk.sync.gateway_store import GatewayStore

    store = GatewayStore(_existing(data_dir))
    try:
        revoked = store.revoke_device(args.device_id)
    finally:
        store.close()
    if not revoked:
        raise KioskError(tr("Kios {device} tidak terdaftar di gateway ini.", device=args.device_id),
                         tr("Periksa ID kios pada \u201ckiosk gateway records\u201d."))
    print(tr("Kios {device} dicabut: permintaannya dan QR aktivasinya ditolak. Kode pendaftaran baru "
             "mendaftarkannya lagi dengan kunci baru.", device=args.device_id))
    return EXIT_OK


# -- activations -----------------------------------------------------------------------------
def _run_activations(args: argparse.Namespace, data_dir: Path) -> int:
    from kiosk.sync.gateway_activations import list_activations
    from kiosk.sync.gateway_store import GatewayStore

    store = GatewayStore(_existing(data_dir))
    try:
        rows = list_activations(store)
    finally:
        store.close()
    if args.json:
        for row in rows:
            print(json.dumps(row, ensure_ascii=False))
        return EXIT_OK
    for row in rows:
        print(f"{row['record_id']}  {row['device_id']}  {row['status']}")
    print(tr("Jumlah: {count} pindaian.", count=len(rows)))
    return EXIT_OK


SUBCOMMAND = Subcommand(summary, add_arguments, run)
