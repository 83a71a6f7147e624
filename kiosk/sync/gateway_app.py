"""The reference gateway as a FastAPI app: the kiosk-sync/1 endpoints over ``GatewayStore``,
wrapped in ``SignedExchange`` (device-signed requests, server-signed responses), and the
activation endpoint the citizen's IKD app calls."""

from __future__ import annotations

import re
import sqlite3
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

from fastapi import Depends, FastAPI, Query, Request
from fastapi import Path as PathParameter
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from kiosk.sync import gateway_records
from kiosk.sync.gateway_activations import check_scan, scan_status
from kiosk.sync.gateway_blobs import SHA256_PATTERN, DigestMismatch, is_sha256
from kiosk.sync.gateway_body import batch_items
from kiosk.sync.gateway_errors import ApiError, error_response
from kiosk.sync.gateway_key import load_or_create_gateway_key
from kiosk.sync.gateway_openapi import (
    ACTIVATION_RESPONSES,
    ENROLL_RESPONSES,
    ERROR_RESPONSES,
    install_openapi,
)
from kiosk.sync.gateway_signing import DEVICE_SCOPE_KEY, SignedExchange
from kiosk.sync.gateway_store import EnrollError, GatewayStore
from kiosk.sync.protocol import (
    MAX_BLOB_BYTES,
    MAX_RECEIPTS_PAGE,
    MAX_STATUS_NONCES,
    ActivationRequest,
    ActivationResponse,
    ActivationStatusResponse,
    BatchResponse,
    BlobCheckRequest,
    BlobCheckResponse,
    BlobPutResponse,
    DeviceSummary,
    EnrollRequest,
    EnrollResponse,
    HelloResponse,
    ReceiptsResponse,
)
from kiosk.sync.signing import public_key_b64, public_key_from_b64


_NONCE_HEX = re.compile(r"[0-9a-f]{2,64}")


@dataclass(frozen=True)
class GatewayConfig:
    """How the gateway plays the registry: a record is decided on the first receipts query of its
    device at least ``process_after_seconds`` after it arrived; ``reject_percent`` % are rejected."""

    reject_percent: int = 10
    process_after_seconds: float = 0.0
    clock: Callable[[], float] = field(default=time.time, compare=False)


async def current_device(request: Request) -> str:
    device_id = request.scope.get(DEVICE_SCOPE_KEY)
    if device_id is None:  # SignedExchange lets only enrol and hello through unsigned
        raise ApiError(401, "missing_headers")
    return device_id


def create_app(data_dir: Path, config: GatewayConfig | None = None) -> FastAPI:
    """The gateway over ``data_dir`` (created if needed); its store closes at shutdown."""
    config = config or GatewayConfig()
    data_dir.mkdir(parents=True, exist_ok=True)
    store = GatewayStore(data_dir, clock=config.clock)
    server_key = load_or_create_gateway_key(data_dir)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        store.close()

    app = FastAPI(title="Kios IKD gateway", version="kiosk-sync/1", lifespan=lifespan,
                  openapi_url=None, docs_url=None, redoc_url=None,
                  generate_unique_id_function=lambda route: route.name)
    app.state.store, app.state.server_key, app.state.config = store, server_key, config
    app.add_middleware(SignedExchange, store=store, server_key=server_key, clock=config.clock)
    _install_error_handlers(app)
    _enrol_and_hello(app, store, config, public_key_b64(server_key.public_key()))
    _blob_routes(app, store)
    _record_routes(app, store, config)
    _activation_route(app, store)
    install_openapi(app)
    return app


def _install_error_handlers(app: FastAPI) -> None:
    async def api_error(_request: Request, exc: ApiError) -> JSONResponse:
        return error_response(exc)

    async def http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "bad_request")
        return error_response(ApiError(exc.status_code, code))

    async def invalid_request(_request: Request, _exc: RequestValidationError) -> JSONResponse:
        return error_response(ApiError(422, "bad_request"))

    async def busy(_request: Request, _exc: Exception) -> JSONResponse:
        return error_response(ApiError(503, "busy", retry_after=5))  # locked database, full disk

    app.add_exception_handler(ApiError, api_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(RequestValidationError, invalid_request)
    app.add_exception_handler(sqlite3.OperationalError, busy)
    app.add_exception_handler(OSError, busy)


def _enrol_and_hello(app: FastAPI, store: GatewayStore, config: GatewayConfig, server_key_b64: str) -> None:
    @app.post("/v1/devices/enroll", tags=["devices"], responses=ENROLL_RESPONSES,
              openapi_extra={"security": []})
    def enroll(body: EnrollRequest) -> EnrollResponse:
        """Bind a device key with a one-time code; retrying with the same code and key is safe."""
        try:
            public_key_from_b64(body.device_public_key)
            device = store.enroll(body.code, body.device_id, body.device_public_key)
        except ValueError:
            raise ApiError(422, "bad_public_key") from None
        except EnrollError as exc:
            raise ApiError(403 if exc.code == "bad_code" else 409, exc.code) from None
        return EnrollResponse(device_id=device.device_id, server_public_key=server_key_b64,
                              server_time=config.clock())

    @app.get("/v1/hello", tags=["devices"], responses=ERROR_RESPONSES,
             openapi_extra={"security": [{}, {"kioskSignature": []}]})
    def hello(request: Request) -> HelloResponse:
        """Server time and limits; signed or not, the answer is signed (captive-portal probe)."""
        return HelloResponse(server_time=config.clock(), device_enrolled=DEVICE_SCOPE_KEY in request.scope)


def _blob_routes(app: FastAPI, store: GatewayStore) -> None:
    @app.post("/v1/blobs:check", tags=["blobs"], responses=ERROR_RESPONSES)
    def check_blobs(body: BlobCheckRequest, _device: str = Depends(current_device)) -> BlobCheckResponse:
        """Which of these encrypted photos the gateway does not hold yet."""
        if not all(is_sha256(sha) for sha in body.sha256):
            raise ApiError(422, "bad_request")
        return BlobCheckResponse(missing=store.missing_blobs(body.sha256))

    @app.put("/v1/blobs/{sha256}", tags=["blobs"], status_code=201, responses={
        200: {"model": BlobPutResponse, "description": "Already held"}, **ERROR_RESPONSES},
        openapi_extra={"requestBody": {"required": True, "content": {
            "application/octet-stream": {"schema": {"type": "string", "format": "binary",
                                                    "maxLength": MAX_BLOB_BYTES}}}}})
    async def put_blob(request: Request, sha256: str = PathParameter(pattern=SHA256_PATTERN),
                       _device: str = Depends(current_device)) -> BlobPutResponse:
        """Store one encrypted photo under its sha256: 201 stored, 200 already held, 422 when the
        body does not hash to that name (nothing is kept)."""
        body = await request.body()
        if not body:
            raise ApiError(422, "bad_request")
        try:
            stored = await run_in_threadpool(store.put_blob, sha256, body)
        except DigestMismatch:
            raise ApiError(422, "digest_mismatch") from None
        answer = BlobPutResponse(sha256=sha256, stored=stored)
        return JSONResponse(answer.model_dump(), status_code=201 if stored else 200)


def _record_routes(app: FastAPI, store: GatewayStore, config: GatewayConfig) -> None:
    @app.post("/v1/batches", tags=["records"], responses=ERROR_RESPONSES, openapi_extra={"requestBody": {
        "required": True, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/BatchRequest"}}}}})
    async def post_batch(request: Request, device_id: str = Depends(current_device)) -> BatchResponse:
        """One result per record, in order; the HTTP status covers the whole batch only."""
        items = batch_items(await request.body(), request.headers.get("content-encoding", ""))
        public_key = public_key_from_b64(store.device_public_key(device_id))

        def take_in() -> list:
            return [gateway_records.submit(store, device_id, public_key, item) for item in items]

        return BatchResponse(results=await run_in_threadpool(take_in))

    @app.get("/v1/receipts", tags=["records"], responses=ERROR_RESPONSES)
    def get_receipts(after: int = Query(0, ge=0), limit: int = Query(MAX_RECEIPTS_PAGE, ge=1, le=MAX_RECEIPTS_PAGE),
                     device_id: str = Depends(current_device)) -> ReceiptsResponse:
        """Final statuses of this device's records after the cursor; the registry decides here."""
        gateway_records.process_due(store, device_id, config.reject_percent, config.process_after_seconds)
        return gateway_records.receipts(store, device_id, after, limit)

    @app.get("/v1/devices/me/summary", tags=["devices"], responses=ERROR_RESPONSES)
    def device_summary(device_id: str = Depends(current_device)) -> DeviceSummary:
        """What the gateway holds of this device: record count, highest contiguous seq, gaps."""
        return gateway_records.summary(store, device_id)


def _activation_route(app: FastAPI, store: GatewayStore) -> None:
    @app.post("/v1/activations", tags=["activations"], responses=ACTIVATION_RESPONSES,
              openapi_extra={"security": []})
    def activate(body: ActivationRequest) -> ActivationResponse:
        """The citizen's IKD app sends the activation QR it scanned; every verdict, refusals included,
        is a 200 with a result code and an Indonesian message (see docs/SYNC.md)."""
        return check_scan(store, body.token)

    @app.get("/v1/activations/status", tags=["activations"], responses=ERROR_RESPONSES)
    def activation_status(nonce: list[str] = Query(..., min_length=1, max_length=MAX_STATUS_NONCES),
                          device_id: str = Depends(current_device)) -> ActivationStatusResponse:
        """The kiosk asks whether the citizen's phone scanned the QR codes it showed (hex nonces,
        repeated ``nonce`` parameters); only the calling device's own scans are answered."""
        if not all(_NONCE_HEX.fullmatch(one) for one in nonce):
            raise ApiError(422, "bad_request")
        return scan_status(store, device_id, nonce)
