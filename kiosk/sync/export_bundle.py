"""The offline export bundle (``kiosk-bundle/1``): one zip of sealed records (protocol BatchRecord
JSON) and their encrypted photos, signed by the device; it holds ciphertext only, never plaintext."""

from __future__ import annotations

import hashlib
import json
import os
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pydantic import ValidationError

from kiosk.durable_files import fsync_dir
from kiosk.errors import KioskError
from kiosk.i18n import tr
from kiosk.sync.protocol import MAX_BLOB_BYTES, PROTOCOL, BatchRecord
from kiosk.sync.signing import b64, public_key_b64, public_key_from_b64, unb64

BUNDLE_FORMAT = "kiosk-bundle/1"
BUNDLE_SUFFIX = ".kiosk-bundle"
MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"  # base64 Ed25519 signature of the manifest's exact bytes
BLOB_DIR = "blobs/"
MAX_MANIFEST_BYTES = 64 * 1024 * 1024


class BundleError(KioskError):
    """A bundle that cannot be read, is not signed by its device, or whose content was altered."""


@dataclass(frozen=True)
class Bundle:
    device_id: str
    device_public_key_b64: str
    records: list[BatchRecord]
    blobs: dict[str, bytes]  # sha256 hex -> encrypted photo
    created_at: float = 0.0


def manifest_bytes(device_id: str, device_public_key_b64: str, records: list[BatchRecord],
                   blobs: dict[str, bytes], created_at: float) -> bytes:
    manifest = {
        "format": BUNDLE_FORMAT, "protocol": PROTOCOL, "created_at": created_at,
        "device_id": device_id, "device_public_key": device_public_key_b64,
        "records": [record.model_dump(mode="json", by_alias=True) for record in records],
        "blobs": {sha: len(data) for sha, data in sorted(blobs.items())},
    }
    return json.dumps(manifest, ensure_ascii=False, sort_keys=True).encode("utf-8")


def write_bundle(path: Path, device_id: str, device_public_key_b64: str, signing_key: Ed25519PrivateKey,
                 records: list[BatchRecord], blobs: dict[str, bytes]) -> None:
    """Write the bundle atomically (temporary file, fsync, rename): a crash leaves no half bundle."""
    for sha, data in blobs.items():
        if hashlib.sha256(data).hexdigest() != sha:
            raise ValueError(f"blob content does not match its name {sha}")  # a bug, not the officer's
    if public_key_b64(signing_key.public_key()) != device_public_key_b64:
        raise ValueError("the signing key does not belong to the given public key")
    manifest = manifest_bytes(device_id, device_public_key_b64, records, blobs, time.time())
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as raw:
        with zipfile.ZipFile(raw, "w") as archive:
            archive.writestr(MANIFEST, manifest, compress_type=zipfile.ZIP_DEFLATED)
            archive.writestr(SIGNATURE, b64(signing_key.sign(manifest)))
            for sha, data in sorted(blobs.items()):
                archive.writestr(BLOB_DIR + sha, data, compress_type=zipfile.ZIP_STORED)  # ciphertext
        raw.flush()
        os.fsync(raw.fileno())
    os.replace(tmp, path)
    fsync_dir(path.parent)


def _broken(path: Path, why: str) -> BundleError:
    return BundleError(tr("Berkas ekspor {path} tidak dapat dipakai: {why}.", path=str(path), why=why),
                       tr("Buat ekspor baru di kios itu, lalu salin lagi berkasnya."))


def read_bundle(path: Path) -> Bundle:
    """Read and verify a bundle: the device's signature over the manifest and every photo's hash."""
    try:
        with zipfile.ZipFile(path) as archive:
            manifest, signature, blobs = _read_members(path, archive)
    except (OSError, zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        raise _broken(path, tr("bukan berkas ekspor kios atau berkasnya rusak")) from None
    data = _verified_manifest(path, manifest, signature)
    _check_blobs(path, data["blobs"], blobs)
    try:
        records = [BatchRecord.model_validate(item) for item in data["records"]]
    except (ValidationError, TypeError):
        raise _broken(path, tr("isi data tidak sesuai format")) from None
    return Bundle(device_id=data["device_id"], device_public_key_b64=data["device_public_key"],
                  records=records, blobs=blobs, created_at=float(data.get("created_at", 0.0)))


def _read_members(path: Path, archive: zipfile.ZipFile) -> tuple[bytes, bytes, dict[str, bytes]]:
    names = archive.namelist()
    if MANIFEST not in names or SIGNATURE not in names:
        raise _broken(path, tr("manifes atau tanda tangan tidak ada"))
    blobs: dict[str, bytes] = {}
    for info in archive.infolist():
        limit = MAX_MANIFEST_BYTES if info.filename in (MANIFEST, SIGNATURE) else MAX_BLOB_BYTES
        if info.file_size > limit:
            raise _broken(path, tr("ada isi yang terlalu besar"))
        if info.filename.startswith(BLOB_DIR):
            blobs[info.filename[len(BLOB_DIR):]] = archive.read(info)
        elif info.filename not in (MANIFEST, SIGNATURE):
            raise _broken(path, tr("ada isi yang tidak dikenal"))
    return archive.read(MANIFEST), archive.read(SIGNATURE), blobs


def _verified_manifest(path: Path, manifest: bytes, signature: bytes) -> dict:
    try:
        data = json.loads(manifest)
        if data.get("format") != BUNDLE_FORMAT:
            raise _broken(path, tr("format berkas tidak dikenal"))
        public_key = public_key_from_b64(data["device_public_key"])
        public_key.verify(unb64(signature.decode("ascii").strip()), manifest)
    except InvalidSignature:
        raise _broken(path, tr("tanda tangan perangkat tidak cocok, isi berkas telah diubah")) from None
    except (ValueError, KeyError, TypeError, AttributeError, UnicodeDecodeError):
        raise _broken(path, tr("manifes rusak")) from None
    if not isinstance(data.get("records"), list) or not isinstance(data.get("blobs"), dict) \
            or not isinstance(data.get("device_id"), str):
        raise _broken(path, tr("manifes rusak"))
    return data


def _check_blobs(path: Path, listed: dict, blobs: dict[str, bytes]) -> None:
    if set(listed) != set(blobs):
        raise _broken(path, tr("daftar foto tidak sama dengan isi berkas"))
    for sha, data in blobs.items():
        if hashlib.sha256(data).hexdigest() != sha or listed[sha] != len(data):
            raise _broken(path, tr("foto {sha} rusak atau telah diubah", sha=sha[:12]))
