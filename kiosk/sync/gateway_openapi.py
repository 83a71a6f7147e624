"""The gateway's OpenAPI document: FastAPI's, plus the batch body (read raw, one record at a time),
the error body and the request-signature scheme; ``tools/write_openapi.py`` writes it to docs/."""

from __future__ import annotations

import json

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic.json_schema import models_json_schema

from kiosk.sync.protocol import BatchRequest, ErrorBody

ERROR_RESPONSES: dict = {status: {"model": ErrorBody, "description": what} for status, what in (
    (401, "Unsigned, unknown device, bad signature or digest, clock skew (server_time), replayed nonce"),
    (413, "Body above the limit, or too many records"),
    (422, "Body not as the protocol says, or a blob whose sha256 differs"),
    (503, "Busy; honour Retry-After"),
)}

ENROLL_RESPONSES: dict = {
    403: {"model": ErrorBody, "description": "bad_code: unknown or expired code"},
    409: {"model": ErrorBody, "description": "code_used: the code was used with another device or key"},
    422: ERROR_RESPONSES[422], 503: ERROR_RESPONSES[503],
}

ACTIVATION_RESPONSES: dict = {413: ERROR_RESPONSES[413], 422: ERROR_RESPONSES[422], 503: ERROR_RESPONSES[503]}

DESCRIPTION = ("kiosk-sync/1: the protocol between Kios IKD and a registry gateway. Every request but "
               "enrolment and activations (sent by the citizen's IKD app) is signed by the device (Ed25519 "
               "over method, target, Content-Digest, X-Kiosk-Created, X-Kiosk-Nonce, X-Kiosk-Device); "
               "every response is signed by the "
               "gateway (X-Kiosk-Server-Signature, bound to the request's nonce). See docs/SYNC.md.")

SIGNATURE_SCHEME = {"kioskSignature": {
    "type": "apiKey", "in": "header", "name": "X-Kiosk-Signature",
    "description": "base64 Ed25519 signature of the request base; with X-Kiosk-Device, X-Kiosk-Created, "
                   "X-Kiosk-Nonce and Content-Digest. See docs/SYNC.md."}}


def openapi_document(app: FastAPI) -> dict:
    doc = get_openapi(title=app.title, version=app.version, description=DESCRIPTION, routes=app.routes)
    _, defs = models_json_schema([(BatchRequest, "validation")], ref_template="#/components/schemas/{model}")
    components = doc.setdefault("components", {})
    components.setdefault("schemas", {}).update(defs["$defs"])
    components["securitySchemes"] = SIGNATURE_SCHEME
    doc["security"] = [{"kioskSignature": []}]
    return doc


def install_openapi(app: FastAPI) -> None:
    def cached() -> dict:
        if app.openapi_schema is None:
            app.openapi_schema = openapi_document(app)
        return app.openapi_schema

    app.openapi = cached  # type: ignore[method-assign]


def openapi_json(app: FastAPI) -> str:
    return json.dumps(app.openapi(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
