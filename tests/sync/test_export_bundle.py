"""The offline export bundle: written atomically, signed by the device, read back only when the
signature and every photo's hash hold; it carries ciphertext only."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from gateway_harness import SealedKiosk
from kiosk.sync.export_bundle import MANIFEST, BundleError, read_bundle, write_bundle
from kiosk.sync.signing import public_key_b64


def write(path: Path, kiosk: SealedKiosk, count: int = 3) -> Path:
    pairs = kiosk.records[:count]
    write_bundle(path, kiosk.device_id, public_key_b64(kiosk.signing_key.public_key()), kiosk.signing_key,
                 [record for record, _ in pairs], {record.blobs[0].sha256: photo for record, photo in pairs})
    return path


def rewrite(path: Path, change: dict[str, bytes | None]) -> None:
    """Replace (or drop, with None) members of the zip, keeping the rest."""
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    for name, data in change.items():
        if data is None:
            del members[name]
        else:
            members[name] = data
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)


def test_a_bundle_reads_back_as_written(tmp_path: Path, sealed_kiosk: SealedKiosk) -> None:
    bundle = read_bundle(write(tmp_path / "a.kiosk-bundle", sealed_kiosk))
    assert bundle.device_id == sealed_kiosk.device_id
    assert bundle.records == [record for record, _ in sealed_kiosk.records[:3]]
    assert bundle.blobs == {r.blobs[0].sha256: photo for r, photo in sealed_kiosk.records[:3]}
    assert [p.name for p in tmp_path.iterdir()] == ["a.kiosk-bundle"]  # no temporary file left


def test_the_bundle_holds_no_plaintext_personal_data(tmp_path: Path, sealed_kiosk: SealedKiosk) -> None:
    path = write(tmp_path / "a.kiosk-bundle", sealed_kiosk)
    manifest = json.loads(zipfile.ZipFile(path).read(MANIFEST))
    assert not {"nik", "email", "phone"} & {key for record in manifest["records"] for key in record}
    assert b"\xff\xd8\xff" not in path.read_bytes()  # no JPEG in clear


@pytest.mark.parametrize("damage", ["manifest", "signature", "photo", "missing photo", "extra member"])
def test_a_damaged_bundle_is_refused_in_indonesian(tmp_path: Path, sealed_kiosk: SealedKiosk, damage: str) -> None:
    path = write(tmp_path / "a.kiosk-bundle", sealed_kiosk)
    blob_name = "blobs/" + sealed_kiosk.records[0][0].blobs[0].sha256
    manifest = zipfile.ZipFile(path).read(MANIFEST)
    rewrite(path, {
        "manifest": {MANIFEST: manifest.replace(b'"stand": "', b'"stand": "X')},
        "signature": {"manifest.sig": b"AAAA"},
        "photo": {blob_name: b"altered"},
        "missing photo": {blob_name: None},
        "extra member": {"notes.txt": b"hello"},
    }[damage])
    with pytest.raises(BundleError) as refused:
        read_bundle(path)
    assert "Berkas ekspor" in refused.value.message and refused.value.next_step


def test_a_file_that_is_not_a_bundle_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "photo.jpg"
    path.write_bytes(b"\xff\xd8\xff\xe0 not a zip")
    with pytest.raises(BundleError):
        read_bundle(path)
    with pytest.raises(BundleError):
        read_bundle(tmp_path / "nowhere.kiosk-bundle")
