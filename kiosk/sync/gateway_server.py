"""Running the gateway app under uvicorn: binds first (a taken port is an Indonesian error), prints
``listening on http://host:port`` once ready, and stops cleanly on SIGTERM or SIGINT (exit 0)."""

from __future__ import annotations

import contextlib
import signal
import socket
import sys
from collections.abc import Iterator
from pathlib import Path

import uvicorn

from kiosk.errors import KioskError
from kiosk.i18n import tr
from kiosk.sync.gateway_app import GatewayConfig, create_app


class GatewayServer(uvicorn.Server):
    def __init__(self, config: uvicorn.Config, url: str, data_dir: Path) -> None:
        super().__init__(config)
        self.url, self.data_dir = url, data_dir

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if self.started:
            print(tr("Gateway kiosk-sync/1 berjalan dengan data di {path}. Tekan Ctrl+C untuk berhenti.",
                     path=str(self.data_dir)), file=sys.stderr, flush=True)
            print(f"listening on {self.url}", flush=True)  # machine-read by tests and scripts

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        # uvicorn re-raises the signal after its graceful shutdown; a gateway stopped on purpose
        # should exit 0 instead, with its database closed.
        originals = {sig: signal.signal(sig, self.handle_exit) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            yield
        finally:
            for sig, handler in originals.items():
                signal.signal(sig, handler)


def bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP spelled out: asyncio sets TCP_NODELAY only on sockets whose proto says TCP; with
    # proto 0 every answer waits ~40 ms for a delayed ACK (Nagle).
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise KioskError(tr("Gateway tidak bisa mendengar di {host}:{port} ({reason}).", host=host, port=port,
                            reason=exc.strerror or str(exc)),
                         tr("Pilih port lain dengan --port, atau hentikan program yang memakai port itu.")) from exc
    return sock


def url_of(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def serve(data_dir: Path, host: str, port: int, config: GatewayConfig) -> None:
    """Serve until a signal arrives; the store is closed by the app's lifespan on the way out."""
    sock = bind(host, port)
    app = create_app(data_dir, config)
    server = GatewayServer(uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on"),
                           url_of(sock), data_dir)
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()

