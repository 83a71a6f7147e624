"""``kiosk ikd-app scan``: the citizen's phone played from a terminal, against the real gateway on
loopback: a PNG of the kiosk's QR activates (exit 0), a refusal exits 1 with the gateway's
Indonesian text, and no QR or no server is a clear error (exit 2)."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np
import pytest

from gateway_harness import RunningGateway, SealedKiosk, SignedDevice
from kiosk import cli
from kiosk.activation_token import qr_png
from test_gateway_activations import NIK, qr_text, synced


def ikd_app(capsys: pytest.CaptureFixture, *argv: str) -> tuple[int, str, str]:
    status = cli.run(["ikd-app", "scan", *argv])
    out, err = capsys.readouterr()
    return status, out, err


def test_a_png_of_the_kiosks_qr_activates_then_the_same_qr_is_refused(
        tmp_path: Path, gateway: RunningGateway, device: SignedDevice, sealed_kiosk: SealedKiosk,
        capsys: pytest.CaptureFixture) -> None:
    record = synced(device, sealed_kiosk.records[0])
    text = qr_text(sealed_kiosk, record)
    png = tmp_path / "qr.png"
    png.write_bytes(qr_png(text))
    status, out, _ = ikd_app(capsys, "--server", gateway.url, "--image", str(png), "--json")
    assert status == 0 and json.loads(out)["result"] == "activated"
    status, out, _ = ikd_app(capsys, "--server", gateway.url, "--text", text)
    assert status == 1 and "sudah pernah dipindai" in out


def test_a_scan_before_the_record_syncs_exits_0_as_pending(
        gateway: RunningGateway, sealed_kiosk: SealedKiosk, device: SignedDevice,
        capsys: pytest.CaptureFixture) -> None:
    text = qr_text(sealed_kiosk, sealed_kiosk.records[0][0])
    status, out, _ = ikd_app(capsys, "--server", gateway.url, "--text", text, "--json")
    assert status == 0 and json.loads(out)["result"] == "pending"


def test_the_command_prints_no_nik(gateway: RunningGateway, device: SignedDevice,
                                   sealed_kiosk: SealedKiosk) -> None:
    """A separate process, as support staff run it: its whole output is free of the NIK."""
    text = qr_text(sealed_kiosk, synced(device, sealed_kiosk.records[0]))
    done = subprocess.run([sys.executable, "-m", "kiosk", "ikd-app", "scan", "--server", gateway.url, "--text", text],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "terverifikasi" in done.stdout
    assert NIK not in done.stdout + done.stderr


def test_an_image_without_a_qr_is_a_clear_error(tmp_path: Path, gateway: RunningGateway,
                                                capsys: pytest.CaptureFixture) -> None:
    blank = tmp_path / "blank.png"
    cv2.imwrite(str(blank), np.full((200, 200), 255, dtype=np.uint8))
    status, _, err = ikd_app(capsys, "--server", gateway.url, "--image", str(blank))
    assert status == 2 and "Tidak ada QR aktivasi" in err


def test_a_dead_server_is_a_clear_error(sealed_kiosk: SealedKiosk, capsys: pytest.CaptureFixture) -> None:
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    text = qr_text(sealed_kiosk, sealed_kiosk.records[0][0])
    status, out, err = ikd_app(capsys, "--server", f"http://127.0.0.1:{port}", "--text", text)
    assert status == 2 and out == "" and "tidak bisa dihubungi" in err


def test_a_wifi_login_page_answering_200_is_not_taken_for_a_verdict(
        sealed_kiosk: SealedKiosk, portal: Callable[..., str], capsys: pytest.CaptureFixture) -> None:
    text = qr_text(sealed_kiosk, sealed_kiosk.records[0][0])
    status, out, err = ikd_app(capsys, "--server", portal(200), "--text", text, "--json")
    assert status == 2 and out == "" and "tidak menjawab seperti gateway" in err
