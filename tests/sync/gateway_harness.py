"""Test harness for the reference gateway: the real app under uvicorn on a loopback port in a
background thread, and a device that signs its requests and checks every signed answer."""

from __future__ import annotations

import base64
import hashlib
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import uvicorn
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from kiosk.sync.gateway_app import GatewayConfig, create_app
from kiosk.sync.gateway_server import bind
from kiosk.sync.gateway_store import GatewayStore
from kiosk.sync.protocol import BatchRecord
from kiosk.sync.signing import H_NONCE, public_key_b64, sign_request, verify_response

TIMEOUT = httpx.Timeout(10.0)


@dataclass(frozen=True)
class SealedKiosk:
    """A kiosk's id and signing key, and its sealed records with their encrypted photos."""

    device_id: str
    signing_key: Ed25519PrivateKey
    records: list[tuple[BatchRecord, bytes]]


class RunningGateway:
    """``create_app`` served by uvicorn on 127.0.0.1:<free port> until ``stop``."""

    def __init__(self, data_dir: Path, config: GatewayConfig | None = None) -> None:
        self.data_dir = data_dir
        self.app = create_app(data_dir, config)
        self.server_public_key: Ed25519PublicKey = self.app.state.server_key.public_key()
        self._sock = bind("127.0.0.1", 0)
        self.url = "http://127.0.0.1:%d" % self._sock.getsockname()[1]
        self._server = uvicorn.Server(uvicorn.Config(self.app, log_level="warning", access_log=False))
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [self._sock]}, daemon=True)

    def start(self) -> RunningGateway:
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the gateway did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(10)
        self._sock.close()

    @property
    def store(self) -> GatewayStore:
        return self.app.state.store


@dataclass
class SignedDevice:
    """A kiosk as the gateway sees it: its id and Ed25519 key; every answer's signature is checked."""

    url: str
    server_public_key: Ed25519PublicKey
    device_id: str
    key: Ed25519PrivateKey = field(default_factory=Ed25519PrivateKey.generate)
    clock_offset: float = 0.0

    def __post_init__(self) -> None:
        self.http = httpx.Client(base_url=self.url, timeout=TIMEOUT)

    def close(self) -> None:
        self.http.close()

    @property
    def public_key_b64(self) -> str:
        return public_key_b64(self.key.public_key())

    def enroll(self, code: str, public_key_b64_: str | None = None) -> httpx.Response:
        body = {"code": code, "device_id": self.device_id, "client_version": "test",
                "device_public_key": public_key_b64_ or self.public_key_b64}
        return self.send("POST", "/v1/devices/enroll", json.dumps(body).encode(), signed=False)

    def send(self, method: str, target: str, body: bytes = b"", signed: bool = True,
             headers: dict[str, str] | None = None, content_type: str = "application/json") -> httpx.Response:
        """One request, signed unless told otherwise (an unsigned one still carries a nonce);
        the answer must carry the gateway's signature bound to that nonce."""
        sent = sign_request(self.key, self.device_id, method, target, body, now=time.time() + self.clock_offset)
        if not signed:
            sent = {H_NONCE: sent[H_NONCE]}
        sent = {**sent, "Content-Type": content_type, **(headers or {})}
        response = self.http.request(method, target, content=body, headers=sent)
        verify_response(self.server_public_key, response.status_code, sent.get(H_NONCE, ""), response.headers,
                        response.content)
        return response

    def post_json(self, target: str, payload: object) -> httpx.Response:
        return self.send("POST", target, json.dumps(payload).encode())

    def get(self, target: str) -> httpx.Response:
        return self.send("GET", target)

    def put_blob(self, sha256: str, data: bytes) -> httpx.Response:
        return self.send("PUT", f"/v1/blobs/{sha256}", data, content_type="application/octet-stream")


def same_id_other_content(record: BatchRecord, other: BatchRecord, other_photo: bytes,
                          key: Ed25519PrivateKey) -> BatchRecord:
    """``other``'s content under ``record``'s id and seq, validly hashed and signed: what a kiosk
    restored from an old backup, re-sealing under reused ids, would send."""
    sha256 = hashlib.sha256(base64.b64decode(other.payload_ct) + other_photo).hexdigest()
    signature = key.sign(f"{record.record_id}|{record.device_seq}|{sha256}".encode())
    return other.model_copy(update={"record_id": record.record_id, "device_seq": record.device_seq,
                                    "record_sha256": sha256, "device_sig": base64.b64encode(signature).decode()})


MakeDevice = Callable[..., SignedDevice]  # the new_device fixture: (gateway, device_id=..., key=None)
