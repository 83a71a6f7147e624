"""Write the reference gateway's OpenAPI document (kiosk-sync/1) to docs/sync-openapi.json.

Run after changing kiosk/sync/protocol.py or the gateway's routes:
``.venv/bin/python tools/write_openapi.py``; tests/sync/test_openapi_document.py checks that
the committed file is what the app generates.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

DOCUMENT = Path(__file__).resolve().parents[1] / "docs" / "sync-openapi.json"


def generated_document() -> str:
    from kiosk.sync.gateway_app import create_app
    from kiosk.sync.gateway_openapi import openapi_json

    with tempfile.TemporaryDirectory() as folder:
        app = create_app(Path(folder))
        try:
            return openapi_json(app)
        finally:
            app.state.store.close()


def main() -> int:
    DOCUMENT.write_text(generated_document(), encoding="utf-8")
    print(f"wrote {DOCUMENT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
