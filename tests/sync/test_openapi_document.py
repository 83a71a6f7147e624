"""docs/sync-openapi.json is what the gateway generates (run tools/write_openapi.py after a change)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools"))

import write_openapi  # noqa: E402  (tools/ writes the committed document)


def test_the_committed_document_is_the_generated_one() -> None:
    assert write_openapi.DOCUMENT.read_text(encoding="utf-8") == write_openapi.generated_document(), \
        "run: .venv/bin/python tools/write_openapi.py"


def test_the_document_covers_every_endpoint_and_the_raw_batch_body() -> None:
    doc = json.loads(write_openapi.DOCUMENT.read_text(encoding="utf-8"))
    assert set(doc["paths"]) == {"/v1/devices/enroll", "/v1/hello", "/v1/blobs:check", "/v1/blobs/{sha256}",
                                 "/v1/batches", "/v1/receipts", "/v1/devices/me/summary", "/v1/activations",
                                 "/v1/activations/status"}
    batch = doc["paths"]["/v1/batches"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert batch == {"$ref": "#/components/schemas/BatchRequest"}
    assert {"BatchRequest", "BatchRecord", "BlobRef", "ErrorBody"} <= set(doc["components"]["schemas"])
    assert doc["paths"]["/v1/devices/enroll"]["post"]["security"] == []
    assert doc["paths"]["/v1/activations"]["post"]["security"] == []  # the citizen's phone holds no device key
    results = doc["components"]["schemas"]["ActivationResponse"]["properties"]["result"]["enum"]
    assert set(results) == {"activated", "pending", "already_used", "expired", "unknown_device", "revoked",
                            "bad_signature", "nik_mismatch"}
