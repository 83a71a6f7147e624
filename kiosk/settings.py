"""The kiosk's settings: one TOML file in the data folder (``settings.toml``), every key with a
default and a check. A missing file means all defaults; a file that fails its check stops the
kiosk with a message naming the key, never silently falls back (docs/SETTINGS.md lists them).

What the kiosk learns by itself (the stand of the day, the gateway's key, the sync cursor) stays
in its database; this file holds only what a person chooses."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Literal

import tomli_w
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from kiosk.errors import KioskError
from kiosk.i18n import tr

SETTINGS_FILE = "settings.toml"
# Keys an older kiosk wrote that mean nothing any more: read past, dropped on the next save.
# targets_csv: the tally's targets now live in the database (Supervisor -> Sasaran).
RETIRED_KEYS = frozenset({"targets_csv"})


class SettingsError(KioskError):
    """The settings file cannot be read or holds a value outside its range."""


class KioskSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    language: Literal["id", "en"] = Field("id", description="Bahasa layar: id (Indonesia) atau en (Inggris).")
    idle_lock_minutes: int = Field(2, ge=1, le=30, description="Layar terkunci setelah sekian menit tanpa sentuhan.")
    retention_days: int = Field(7, ge=0, le=90,
                                description="Foto dan data pribadi dihapus sekian hari setelah keputusan "
                                            "Dukcapil (0 = pada sinkron berikutnya).")
    camera_index: int = Field(0, ge=0, le=9, description="Kamera yang dipakai (0 = kamera pertama, biasanya bawaan).")
    qr_reader: Literal["zxing", "pyzbar"] = Field(
        "zxing", description="Pembaca QR: zxing (utama) atau pyzbar (cadangan, perlu libzbar0).")
    slip_paper: Literal["a4", "a6", "thermal80", "thermal58"] = Field(
        "a6", description="Kertas tanda terima warga.")
    min_free_disk_mb: int = Field(500, ge=50, le=100_000,
                                  description="Data warga baru ditolak bila ruang disk kurang dari ini.")


def settings_path(data_dir: Path) -> Path:
    return data_dir / SETTINGS_FILE


def _problem(error: ValidationError) -> str:
    """The first problem in Indonesian: which key, and what it must be."""
    first = error.errors()[0]
    key = ".".join(str(part) for part in first["loc"]) or "?"
    context = first.get("ctx", {})
    kinds = {
        "greater_than_equal": lambda: tr("paling kecil {low}", low=context.get("ge")),
        "less_than_equal": lambda: tr("paling besar {high}", high=context.get("le")),
        "literal_error": lambda: tr("pilih salah satu dari {choices}", choices=context.get("expected")),
        "int_parsing": lambda: tr("harus bilangan bulat"),
        "int_type": lambda: tr("harus bilangan bulat"),
        "string_type": lambda: tr("harus teks"),
        "extra_forbidden": lambda: tr("kunci ini tidak dikenal"),
    }
    what = kinds.get(first["type"], lambda: first["msg"])()
    return tr("{key} {what}", key=key, what=what)


def parse_settings(values: dict) -> KioskSettings:
    values = {key: value for key, value in values.items() if key not in RETIRED_KEYS}
    try:
        return KioskSettings(**values)
    except ValidationError as error:
        raise SettingsError(tr("Pengaturan tidak sah: {problem}.", problem=_problem(error)),
                            tr("Perbaiki nilai itu di layar Supervisor \u2192 Pengaturan atau di {file}.",
                               file=SETTINGS_FILE)) from error


def load_settings(data_dir: Path) -> KioskSettings:
    path = settings_path(data_dir)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return KioskSettings()
    except OSError as error:
        raise SettingsError(tr("Berkas pengaturan {path} tidak bisa dibaca.", path=str(path)),
                            tr("Periksa izin folder data.")) from error
    try:
        values = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise SettingsError(tr("Berkas pengaturan {path} rusak: {problem}.", path=str(path), problem=str(error)),
                            tr("Perbaiki berkas itu atau hapus agar kios memakai nilai bawaan.")) from error
    return parse_settings(values)


def save_settings(data_dir: Path, settings: KioskSettings) -> Path:
    """Write the whole file atomically (a power cut leaves the old or the new file, never half)."""
    path = settings_path(data_dir)
    lines = ["# Pengaturan Kios IKD. Lihat docs/SETTINGS.md. Diubah dari layar Supervisor \u2192 Pengaturan.\n"]
    lines.append(tomli_w.dumps(settings.model_dump()))
    temporary = path.with_suffix(".toml.tmp")
    with open(temporary, "w", encoding="utf-8") as handle:
        handle.write("".join(lines))
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)
    return path


def changed_keys(old: KioskSettings, new: KioskSettings) -> list[str]:
    return [key for key in KioskSettings.model_fields if getattr(old, key) != getattr(new, key)]
