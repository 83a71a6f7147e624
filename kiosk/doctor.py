"""``kiosk doctor`` and the Help screen's "Periksa kios": what support asks first, checked in a few
seconds and read out over the phone. Each check says ok / warning / problem in one Indonesian line,
with the next step when it is not ok.

Checks are isolated: one that fails unexpectedly is reported by its error's type, and the others
still run. Nothing here writes to the database or makes keys, nothing personal is returned (the
data folder's path is), and no Qt is imported: the GUI or the CLI hands in the printer probe."""

from __future__ import annotations

import datetime as dt
import logging
import shutil
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

import cv2
import httpx
import keyring

from kiosk import __version__
from kiosk.activation_token import LIFETIME_SECONDS
from kiosk.camera.camera_probe import CameraFound, CameraOpener, probe_camera, quiet_opencv
from kiosk.camera.frame_source import DeviceSource
from kiosk.database import SCHEMA_VERSION, _too_new, _unreadable
from kiosk.device_keys import DeviceKeys, load_or_create_device_keys
from kiosk.disk_guard import DiskAlmostFull, check_room_for_new_record
from kiosk.errors import KioskError
from kiosk.i18n import tr
from kiosk.paths import database_path, resources_dir
from kiosk.secret_store import (
    KeyBackend,
    _no_secure_keyring,
    backend_in_use,
    chosen_backend,
    is_secure_backend,
    key_file,
    marker_file,
)
from kiosk.settings import SETTINGS_FILE, KioskSettings, SettingsError, load_settings, settings_path
from kiosk.sync import errors as sync_errors
from kiosk.sync import sync_settings
from kiosk.sync.client import SyncClient

if TYPE_CHECKING:  # the face models load in check_models only
    from kiosk.camera.face_detector import FaceModelError

log = logging.getLogger(__name__)

MB = 1024 * 1024
MIN_CAMERA_FPS = 10.0  # below this a moving face blurs and auto-capture waits long
CLOCK_WARNING_SECONDS = 30.0  # as far as sync lets the clock drift before correcting it
CLOCK_PROBLEM_SECONDS = float(LIFETIME_SECONDS)  # a phone would read the activation QR as expired
SAMPLE_FACE = ("demo", "obama.jpg")


class Status(StrEnum):
    OK = "ok"
    WARNING = "warning"
    PROBLEM = "problem"


@dataclass(frozen=True)
class Check:
    name: str  # a stable English key for scripts: settings, disk, database, keyring, server, ...
    status: Status
    finding: str
    next_step: str = ""
    details: dict = field(default_factory=dict)

    @property
    def title(self) -> str:
        return check_title(self.name)

    def as_json(self) -> dict:
        return {"name": self.name, "title": self.title, "status": self.status.value, "finding": self.finding,
                "next_step": self.next_step, "details": self.details}


@dataclass(frozen=True)
class Printers:
    """What the system's print service knows (asked through Qt by ``kiosk.ui.printer_check``)."""

    default: str  # "" when there is no default printer
    available: tuple[str, ...]
    default_ready: bool = True  # False when the default printer reports an error or is stopped


PrinterProbe = Callable[[], Printers]


def check_title(name: str) -> str:
    titles = {"settings": tr("Pengaturan"), "disk": tr("Ruang disk"), "database": tr("Basis data"),
              "keyring": tr("Kunci perangkat"), "server": tr("Server sinkronisasi"), "clock": tr("Jam"),
              "camera": tr("Kamera"), "models": tr("Model wajah"), "printer": tr("Printer")}
    return titles.get(name, name)


def status_label(status: Status) -> str:
    return {Status.OK: tr("OK"), Status.WARNING: tr("PERHATIAN"), Status.PROBLEM: tr("MASALAH")}[status]


def run_checks(data_dir: Path, *, open_camera: CameraOpener = DeviceSource, printer_probe: PrinterProbe | None = None,
               camera_indices: Iterable[int] = range(5), timeout: float = 3.0,
               on_check: Callable[[Check], None] | None = None,
               cancelled: Callable[[], bool] = lambda: False, models: Path | None = None) -> list[Check]:
    """Every check in reading order; ``on_check`` sees each one as it is done (the GUI shows rows
    as they come); ``cancelled`` is asked between checks (the window is closing); ``models``: the
    face models' folder when not the bundled one."""
    indices = tuple(camera_indices)
    steps: tuple[tuple[tuple[str, ...], Callable[[], Check | tuple[Check, ...]]], ...] = (
        (("settings",), lambda: check_settings(data_dir)),
        (("disk",), lambda: check_disk(data_dir)),
        (("database",), lambda: check_database(data_dir, timeout)),
        (("keyring",), lambda: check_keyring(data_dir)),
        (("server", "clock"), lambda: check_server_and_clock(data_dir, timeout)),
        (("camera",), lambda: check_cameras(data_dir, open_camera, indices, timeout)),
        (("models",), lambda: check_models(models)),
        (("printer",), lambda: check_printer(printer_probe)),
    )
    checks: list[Check] = []
    for names, step in steps:
        if cancelled():
            break
        for check in _isolated(names, step):
            checks.append(check)
            if on_check is not None:
                on_check(check)
    return checks


def report_json(checks: list[Check], data_dir: Path, versions: dict | None = None) -> dict:
    """What ``kiosk doctor --json`` prints and "Salin laporan" copies: nothing personal in it.
    ``versions``: ``kiosk.versions.collect_versions()``, collected here when not given."""
    return {"version": __version__, "data_dir": str(data_dir),
            "checked_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            "ok": not any(check.status is Status.PROBLEM for check in checks),
            "versions": versions_or_error() if versions is None else versions,
            "checks": [check.as_json() for check in checks]}


def versions_or_error() -> dict:
    """``kiosk.versions.collect_versions()``, or the error's type when even that fails."""
    from kiosk.versions import collect_versions

    try:
        return collect_versions()
    except Exception as exc:  # noqa: BLE001 - the report is still worth sending without them
        log.warning("doctor: collecting versions failed with %s", type(exc).__name__)
        return {"error": type(exc).__name__}


def _isolated(names: tuple[str, ...], step: Callable[[], Check | tuple[Check, ...]]) -> tuple[Check, ...]:
    try:
        found = step()
    except Exception as exc:  # noqa: BLE001 - one broken check must never hide the others
        # The type only: an exception's text or traceback could carry what the check was reading.
        # It goes in the report for support; the officer reads words, not an exception's name.
        log.warning("doctor: the %s check failed with %s", "/".join(names), type(exc).__name__)
        return tuple(Check(name, Status.PROBLEM,
                           tr("Pemeriksaan ini tidak bisa diselesaikan karena kesalahan di dalam aplikasi kios."),
                           tr("Kirim laporan pemeriksaan (tombol \u201cSalin laporan\u201d di layar Bantuan) ke "
                              "dukungan teknis kecamatan; kode kesalahannya tercatat di laporan itu."),
                           {"error": type(exc).__name__}) for name in names)
    return found if isinstance(found, tuple) else (found,)


def _settings_or_default(data_dir: Path) -> KioskSettings:
    """The other checks go on with the defaults when the settings file is broken (that check says so)."""
    try:
        return load_settings(data_dir)
    except SettingsError:
        return KioskSettings()


# -- settings and disk ---------------------------------------------------------------------------
def check_settings(data_dir: Path) -> Check:
    path = settings_path(data_dir)
    try:
        settings = load_settings(data_dir)
    except SettingsError as error:
        return Check("settings", Status.PROBLEM, error.message, error.next_step, {"file": str(path)})
    details = {"file": str(path), **settings.model_dump()}
    if not path.exists():
        return Check("settings", Status.OK, tr("Memakai pengaturan bawaan (belum ada {file}).", file=SETTINGS_FILE),
                     details=details)
    return Check("settings", Status.OK, tr("Pengaturan terbaca dan sah."), details=details)


def _existing(path: Path) -> Path:
    """``path`` or its nearest existing parent: a data folder not made yet is on that disk."""
    while not path.exists() and path.parent != path:
        path = path.parent
    return path


def check_disk(data_dir: Path) -> Check:
    need = _settings_or_default(data_dir).min_free_disk_mb
    folder = _existing(data_dir)
    usage = shutil.disk_usage(folder)
    free = usage.free // MB
    details = {"free_mb": free, "total_mb": usage.total // MB, "min_free_disk_mb": need, "path": str(folder)}
    try:
        check_room_for_new_record(folder, need)  # the very words the officer sees when a citizen is refused
    except DiskAlmostFull as error:
        return Check("disk", Status.PROBLEM, error.message, error.next_step, details)
    if free < 2 * need:
        return Check("disk", Status.WARNING,
                     tr("Ruang disk tinggal {free} MB, mendekati batas {need} MB.", free=free, need=need),
                     tr("Sinkronkan agar foto lama terhapus, dan minta admin mengosongkan ruang disk "
                        "sebelum warga baru ditolak."), details)
    return Check("disk", Status.OK, tr("Ruang disk kosong {free} MB (batas {need} MB).", free=free, need=need),
                 details=details)


# -- database ------------------------------------------------------------------------------------
@contextmanager
def _read_only(path: Path, timeout: float) -> Iterator[sqlite3.Connection]:
    """A connection that cannot change the file, beside the kiosk's own if it is running. (On a
    WAL database SQLite may still create the empty -wal/-shm files it needs to read safely.)"""
    conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True, timeout=timeout)
    try:
        yield conn
    finally:
        conn.close()


def check_database(data_dir: Path, timeout: float) -> Check:
    path = database_path(data_dir)
    if not path.exists():
        return Check("database", Status.WARNING,
                     tr("Basis data belum ada: kios belum pernah dibuka dengan folder data ini."),
                     tr("Buka aplikasi Kios IKD sekali. Bila kios sudah dipakai, pastikan folder datanya "
                        "benar (--data-dir)."), {"path": str(path)})
    details: dict = {"path": str(path), "size_mb": round(path.stat().st_size / MB, 1)}
    try:
        with _read_only(path, timeout) as conn:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            details["schema"] = version
            if version > SCHEMA_VERSION:
                error = _too_new(path, version)  # the start-up screen's words and next step
                return Check("database", Status.PROBLEM, error.message, error.next_step, details)
            rows = [row[0] for row in conn.execute("PRAGMA integrity_check").fetchall()]
    except sqlite3.DatabaseError as exc:
        if getattr(exc, "sqlite_errorname", "") in ("SQLITE_BUSY", "SQLITE_LOCKED"):
            return Check("database", Status.WARNING, tr("Basis data sedang sibuk dipakai kios."),
                         tr("Periksa lagi sebentar lagi."), details)
        error = _unreadable(path, exc)
        return Check("database", Status.PROBLEM, error.message, error.next_step, details | {"sqlite": str(exc)})
    if rows != ["ok"]:
        error = _unreadable(path, ValueError("integrity_check"))
        return Check("database", Status.PROBLEM, error.message, error.next_step, details | {"integrity": rows[:5]})
    return Check("database", Status.OK, tr("Basis data utuh (pemeriksaan integritas SQLite lulus)."),
                 details=details)


# -- device keys ---------------------------------------------------------------------------------
def stored_keys(data_dir: Path) -> DeviceKeys | None:
    """The device's keys when they exist, read as the kiosk reads them at start, but never made,
    moved into the keyring or re-marked (those are the kiosk's to do): None otherwise.
    Raises ``KioskError`` when they exist but cannot be read."""
    if marker_file(data_dir).exists():
        return load_or_create_device_keys(data_dir)
    if chosen_backend(data_dir) is not KeyBackend.KEYRING and key_file(data_dir).exists():
        return load_or_create_device_keys(data_dir)
    return None


def check_keyring(data_dir: Path) -> Check:
    backend = keyring.get_keyring()
    secure = is_secure_backend(backend)
    kept_in = backend_in_use(data_dir)
    details = {"backend": f"{type(backend).__module__}.{type(backend).__name__}", "secure": secure,
               "keys_in": kept_in}
    if kept_in == KeyBackend.KEYRING:
        try:
            keys = stored_keys(data_dir)
        except KioskError as error:
            return Check("keyring", Status.PROBLEM, error.message, error.next_step, details)
        return Check("keyring", Status.OK, tr("Kunci perangkat ada di keyring sistem dan terbaca."),
                     details=details | {"device_id": keys.device_id if keys else None})
    if kept_in == KeyBackend.THROWAWAY:
        return Check("keyring", Status.OK, tr("Folder demo: kunci perangkat sementara, terhapus bersama folder."),
                     details=details)
    if chosen_backend(data_dir) is KeyBackend.FILE:
        return Check("keyring", Status.WARNING,
                     tr("Kunci perangkat disimpan di berkas biasa (KIOSK_KEY_BACKEND=file), hanya untuk pengembang."),
                     tr("Jalankan kios tanpa KIOSK_KEY_BACKEND=file agar kunci dipindah ke keyring sistem."), details)
    keys_in_file = key_file(data_dir).exists()
    if not secure:
        error = _no_secure_keyring(keys_in_file)  # the start-up screen's words and next step
        return Check("keyring", Status.PROBLEM, error.message, error.next_step, details)
    if keys_in_file:
        return Check("keyring", Status.WARNING,
                     tr("Kunci perangkat masih di berkas biasa; dipindah ke keyring sistem saat kios dibuka lagi."),
                     tr("Buka aplikasi Kios IKD sekali, lalu periksa lagi."), details)
    return Check("keyring", Status.OK, tr("Keyring sistem siap; kunci perangkat dibuat saat kios pertama dibuka."),
                 details=details)


# -- sync server and clock -----------------------------------------------------------------------
@dataclass(frozen=True)
class _Stored:
    """What the database remembers of the gateway, read without writing."""

    enrolment: sync_settings.Enrolment | None
    clock_offset: float
    last_pass: dict | None


def _stored_sync(data_dir: Path, timeout: float) -> _Stored:
    path = database_path(data_dir)
    if not path.exists():
        return _Stored(None, 0.0, None)
    with _read_only(path, timeout) as conn:
        # sync_settings reads through ``execute`` only, which a plain read-only connection has too.
        return _Stored(sync_settings.enrolment(conn), sync_settings.clock_offset(conn), sync_settings.last_pass(conn))


def check_server_and_clock(data_dir: Path, timeout: float) -> tuple[Check, Check]:
    try:
        stored = _stored_sync(data_dir, timeout)
    except sqlite3.DatabaseError:
        finding = tr("Tidak diperiksa karena basis data tidak bisa dibaca.")
        step = tr("Selesaikan dulu masalah basis data.")
        return Check("server", Status.WARNING, finding, step), Check("clock", Status.WARNING, finding, step)
    if stored.enrolment is None:
        server = Check("server", Status.WARNING, tr("Kios belum terdaftar ke server sinkronisasi."),
                       sync_errors.not_enrolled().next_step)
        return server, _clock_check(None, stored)
    server, offset = _hello(data_dir, stored, timeout)
    return server, _clock_check(offset, stored)


def _hello(data_dir: Path, stored: _Stored, timeout: float) -> tuple[Check, float | None]:
    """One ``GET /v1/hello``, the lightest signed exchange: reachability, whether the gateway knows
    this device, and its clock. Without readable keys a throwaway key signs it: the gateway still
    answers (signed), but cannot say whether it knows this kiosk."""
    enrolled = stored.enrolment
    try:
        keys = stored_keys(data_dir)
    except KioskError:
        keys = None
    details = {"url": enrolled.server_url, "enrolled_at": enrolled.enrolled_at,
               "device_id": keys.device_id if keys else None, **_last_pass_details(stored.last_pass)}
    client = SyncClient(enrolled.server_url, keys or DeviceKeys.generate(), enrolled.server_key,
                        clock_offset=stored.clock_offset, timeout=httpx.Timeout(timeout))
    try:
        sent = time.time()
        hello = client.hello()
        answered = time.time()
    except sync_errors.NetworkUnavailable:
        return Check("server", Status.WARNING,
                     tr("Kios terdaftar, tetapi server tidak terjangkau ({url}).", url=enrolled.server_url),
                     tr("Periksa Wi-Fi atau modem kios, lalu periksa lagi. Data tetap aman dalam antrean dan "
                        "dikirim otomatis saat tersambung."), details), None
    except sync_errors.SyncError as error:
        return Check("server", Status.WARNING, error.message, error.next_step,
                     details | {"error": type(error).__name__}), None
    finally:
        client.close()
    details["round_trip_ms"] = round((answered - sent) * 1000)
    offset = hello.server_time - (sent + answered) / 2
    if keys is None:
        return Check("server", Status.WARNING,
                     tr("Server terjangkau, tetapi pendaftaran kios tidak bisa diperiksa karena kunci perangkat "
                        "tidak terbaca."), tr("Selesaikan dulu masalah kunci perangkat."), details), offset
    if not hello.device_enrolled:
        error = sync_errors.unknown_to_server()
        return Check("server", Status.PROBLEM, error.message, error.next_step, details), offset
    return Check("server", Status.OK, tr("Server {url} terjangkau dan mengenali kios ini.", url=enrolled.server_url),
                 details=details), offset


def _last_pass_details(last: dict | None) -> dict:
    if not last:
        return {"last_sync": None}
    return {"last_sync": last.get("finished_at") or last.get("started_at"),
            "last_sync_error": last.get("error_type")}


def _clock_check(offset: float | None, stored: _Stored) -> Check:
    """``offset``: the gateway's clock minus ours, measured now; without it, what the last sync
    learnt (sync corrects its own signatures, but records and the activation QR carry this clock)."""
    now = dt.datetime.now().astimezone()
    details = {"local_time": now.isoformat(timespec="seconds"), "measured_now": offset is not None}
    if offset is None and stored.last_pass is None:
        return Check("clock", Status.WARNING, tr("Jam kios belum bisa dibandingkan dengan jam server."),
                     tr("Cocokkan jam dan tanggal kios ({time}) dengan jam ponsel; perbaiki di pengaturan tanggal "
                        "dan waktu bila selisih lebih dari satu menit.", time=now.strftime("%Y-%m-%d %H:%M")),
                     details)
    seconds = offset if offset is not None else stored.clock_offset
    details["offset_seconds"] = round(seconds, 1)
    when = tr("saat ini") if offset is not None else tr("saat sinkronisasi terakhir")
    if abs(seconds) <= CLOCK_WARNING_SECONDS:
        return Check("clock", Status.OK, tr("Jam kios cocok dengan server {when} (selisih {seconds} detik).",
                                            when=when, seconds=f"{abs(seconds):.0f}"), details=details)
    direction = tr("lebih lambat") if seconds > 0 else tr("lebih cepat")
    finding = tr("Jam kios {seconds} detik {direction} dari server ({when}).", seconds=f"{abs(seconds):.0f}",
                 direction=direction, when=when)
    step = tr("Setel tanggal dan waktu kios agar diambil otomatis dari internet, atau cocokkan dengan jam server. "
              "QR aktivasi hanya berlaku 90 detik, jadi jam yang salah membuatnya ditolak.")
    status = Status.PROBLEM if abs(seconds) > CLOCK_PROBLEM_SECONDS else Status.WARNING
    return Check("clock", status, finding, step, details)


# -- camera --------------------------------------------------------------------------------------
def check_cameras(data_dir: Path, open_camera: CameraOpener, indices: tuple[int, ...], timeout: float) -> Check:
    if not indices:
        return Check("camera", Status.WARNING, tr("Kamera tidak diperiksa (--cameras 0)."),
                     tr("Jalankan \u201ckiosk doctor\u201d tanpa --cameras 0 untuk memeriksa kamera."))
    wanted = _settings_or_default(data_dir).camera_index
    with quiet_opencv():
        outcomes = {index: probe_camera(open_camera, index, timeout) for index in sorted({*indices, wanted})}
    found = [outcome for outcome in outcomes.values() if isinstance(outcome, CameraFound)]
    details = {"configured": wanted, "found": [asdict(camera) for camera in found],
               "not_found": {str(index): why for index, why in outcomes.items() if isinstance(why, str)}}
    in_use = next((camera for camera in found if camera.index == wanted), None)
    if not found:
        return Check("camera", Status.WARNING,
                     tr("Tidak ada kamera yang ditemukan (nomor {tried} dicoba).",
                        tried=", ".join(str(index) for index in outcomes)),
                     tr("Pasang kabel USB kamera (coba port lain), tutup aplikasi lain yang memakai kamera, "
                        "tunggu 5 detik, lalu periksa lagi."), details)
    if in_use is None:
        return Check("camera", Status.WARNING,
                     tr("Kamera {wanted} yang dipakai kios tidak ditemukan, tetapi kamera {other} ada.",
                        wanted=wanted, other=found[0].index),
                     tr("Ubah nomor kamera menjadi {other} di Supervisor \u2192 Pengaturan, lalu periksa lagi.",
                        other=found[0].index), details)
    summary = tr("Kamera {index}: {fps} gambar per detik, {width}\u00d7{height}.", index=in_use.index,
                 fps=f"{in_use.fps:.0f}", width=in_use.width, height=in_use.height)
    if in_use.fps < MIN_CAMERA_FPS:
        return Check("camera", Status.WARNING, tr("{summary} Terlalu lambat.", summary=summary),
                     tr("Pindahkan kabel kamera ke port USB lain (langsung ke komputer, bukan hub), lalu periksa "
                        "lagi."), details)
    return Check("camera", Status.OK, summary, details=details)


# -- face models and printer ---------------------------------------------------------------------
def check_models(models: Path | None = None) -> Check:
    from kiosk.camera.face_analysis import FaceAnalyzer
    from kiosk.camera.face_detector import FaceModelError, models_dir, models_next_step
    from kiosk.image_file import read_image

    folder = models or models_dir()
    sample = resources_dir().joinpath(*SAMPLE_FACE)
    started = time.perf_counter()
    try:
        analyzer = FaceAnalyzer(models_dir=folder)
        image = read_image(sample, colour=True)
        if image is None:
            raise FileNotFoundError(sample)
        faces = int(analyzer.analyze(image).measures.get("face_count", 0))
    except FaceModelError as exc:
        return _models_unavailable(exc, folder)
    except (OSError, cv2.error) as exc:
        return Check("models", Status.PROBLEM,
                     tr("Model wajah tidak bisa dimuat."),
                     models_next_step(reinstall=True), {"folder": str(folder), "error": type(exc).__name__})
    took = round((time.perf_counter() - started) * 1000)
    details = {"folder": str(folder), "milliseconds": took, "faces_in_sample": faces, "engines": analyzer.engines}
    if faces < 1:
        return Check("models", Status.PROBLEM, tr("Model wajah dimuat, tetapi wajah pada foto contoh tidak ditemukan."),
                     models_next_step(reinstall=True), details)
    return Check("models", Status.OK, tr("Model wajah dimuat dan menemukan wajah contoh dalam {ms} ms.", ms=took),
                 details=details)


def _models_unavailable(error: FaceModelError, folder: Path) -> Check:
    """The cause in the officer's words (a file missing or damaged, or this OpenCV's DNN engine
    not running the model whole) and the English cause for support in the details."""
    from kiosk.camera.face_detector import dnn_engines

    details = {"folder": str(folder), "cause": error.detail, "opencv": cv2.__version__,
               "engines_offered": [name for name, _ in dnn_engines()]}
    return Check("models", Status.PROBLEM, error.message, error.next_step, details)


def check_printer(probe: PrinterProbe | None) -> Check:
    if probe is None:
        return Check("printer", Status.WARNING, tr("Printer tidak diperiksa (Qt tidak tersedia di sini)."),
                     tr("Periksa printer dari layar Bantuan (F1) di aplikasi kios."))
    printers = probe()
    details = {"default": printers.default or None, "available": list(printers.available)}
    if not printers.default and not printers.available:
        return Check("printer", Status.WARNING, tr("Tidak ada printer yang terpasang di kios ini."),
                     tr("Nyalakan printer, pasang kabelnya (dan drivernya bila perlu), lalu periksa lagi. Sementara "
                        "itu tanda terima bisa disimpan sebagai PDF."), details)
    if not printers.default:
        return Check("printer", Status.WARNING,
                     tr("Ada printer ({names}), tetapi belum ada printer bawaan.", names=", ".join(printers.available)),
                     tr("Jadikan printer tanda terima sebagai printer bawaan di pengaturan printer sistem, lalu "
                        "periksa lagi."), details)
    if not printers.default_ready:
        return Check("printer", Status.WARNING,
                     tr("Printer {name} melaporkan galat atau berhenti.", name=printers.default),
                     tr("Periksa kertas, kabel dan lampu printer, hapus antrean cetak yang macet, lalu periksa lagi."),
                     details)
    return Check("printer", Status.OK, tr("Printer bawaan: {name}.", name=printers.default), details=details)
