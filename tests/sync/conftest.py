"""Sync test fixtures: records sealed by a real kiosk store as protocol BatchRecords (with their
encrypted photos), and a real reference gateway on loopback with a signed device talking to it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from gateway_harness import RunningGateway, SealedKiosk, SignedDevice
from kiosk.store import Store
from kiosk.sync.gateway_app import GatewayConfig
from kiosk.sync.protocol import BatchRecord, BlobRef
from kiosk.sync.signing import b64
from client_fixtures import enrolled, kiosk, portal  # noqa: E402,F401 - fixtures for every test here

_SEALED_COLUMNS = (
    "r.record_id, r.device_seq, r.created_at, r.local_date, r.stand, r.kelurahan_code, r.officer_id, "
    "r.consent_version, r.consent_at, r.capture_override, r.personal_ct, r.wrapped_key, r.sha256, "
    "r.signature, p.sha256, p.ciphertext")


def sealed_batch_records(store: Store) -> list[tuple[BatchRecord, bytes]]:
    """Every record of ``store`` that still has its photo, as the uploader sends it: the protocol
    BatchRecord and the encrypted photo (the blob), in device_seq order."""
    rows = store.database.execute(f"SELECT {_SEALED_COLUMNS} FROM records r JOIN photos p USING (record_id) "
                                  "WHERE r.personal_ct IS NOT NULL ORDER BY r.device_seq").fetchall()
    return [(_batch_record(row), row[15]) for row in rows]


def _batch_record(row: tuple) -> BatchRecord:
    return BatchRecord(
        record_id=row[0], device_seq=row[1], captured_at=row[2], local_date=row[3], stand=row[4],
        kelurahan_code=row[5], officer_id=row[6], consent_version=row[7], consent_at=row[8],
        capture_override=bool(row[9]), payload_ct=b64(row[10]), wrapped_key=b64(row[11]),
        blobs=[BlobRef(sha256=row[14], bytes=len(row[15]))], record_sha256=row[12], device_sig=b64(row[13]))


@pytest.fixture(name="sealed_batch_records")
def sealed_batch_records_fixture() -> Callable[[Store], list[tuple[BatchRecord, bytes]]]:
    return sealed_batch_records


@pytest.fixture(scope="session")
def sealed_kiosk(tmp_path_factory: pytest.TempPathFactory) -> SealedKiosk:
    """A kiosk's identity and 60 sealed records, made once per session (sealing takes ~1 s)."""
    from kiosk.demo_data import make_demo_records
    from kiosk.store import open_store

    store = open_store(tmp_path_factory.mktemp("sealing-kiosk"))
    try:
        make_demo_records(store, 60, days=2, seed=4)
        return SealedKiosk(store.keys.device_id, store.keys.signing_key, sealed_batch_records(store))
    finally:
        store.database.close()


@pytest.fixture
def start_gateway(tmp_path: Path) -> Iterator[Callable[..., RunningGateway]]:
    """Start a gateway (several may run; each is stopped at teardown)."""
    running: list[RunningGateway] = []

    def start(config: GatewayConfig | None = None, data_dir: Path | None = None) -> RunningGateway:
        gateway = RunningGateway(data_dir or tmp_path / f"gateway-{len(running)}", config).start()
        running.append(gateway)
        return gateway

    yield start
    for gateway in running:
        gateway.stop()


@pytest.fixture
def gateway(start_gateway: Callable[..., RunningGateway]) -> RunningGateway:
    return start_gateway()


@pytest.fixture
def new_device() -> Iterator[Callable[..., SignedDevice]]:
    """Make devices talking to a gateway (a fresh key unless given); closed at teardown."""
    made: list[SignedDevice] = []

    def make(gateway: RunningGateway, device_id: str = "0123456789abcdef",
             key: Ed25519PrivateKey | None = None) -> SignedDevice:
        device = SignedDevice(gateway.url, gateway.server_public_key, device_id, key or Ed25519PrivateKey.generate())
        made.append(device)
        return device

    yield make
    for device in made:
        device.close()


@pytest.fixture
def device(gateway: RunningGateway, sealed_kiosk: SealedKiosk,
           new_device: Callable[..., SignedDevice]) -> SignedDevice:
    """The sealing kiosk, enrolled at ``gateway``."""
    device = new_device(gateway, sealed_kiosk.device_id, sealed_kiosk.signing_key)
    response = device.enroll(gateway.store.new_enroll_code())
    assert response.status_code == 200, response.text
    return device
