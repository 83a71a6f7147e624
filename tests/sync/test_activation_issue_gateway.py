"""A token from ``kiosk activation issue`` on an enrolled kiosk, scanned by the citizen's phone
(``kiosk ikd-app scan``) at the real gateway on loopback: pending, since no record with its id has
synced, and the same token again is already used."""

from __future__ import annotations

import io
import json
import sys

import pytest

from client_fixtures import Kiosk
from gateway_harness import RunningGateway
from kiosk import cli
from kiosk.officers import Role
from kiosk.sync.gateway_activations import list_activations
from supervisor_credentials import PIN_LINE, SUPERVISOR_NIP, add_account

NIK = "1371115708900001"


def test_an_issued_token_is_pending_at_the_gateway(enrolled: Kiosk, gateway: RunningGateway,
                                                   capsys: pytest.CaptureFixture,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    add_account(enrolled.store, "Yusnidar", SUPERVISOR_NIP, Role.SUPERVISOR)  # the first account
    monkeypatch.setattr(sys, "stdin", io.StringIO(PIN_LINE))
    status = cli.run(["--data-dir", str(enrolled.data_dir), "activation", "issue", "--nik", NIK,
                      "--nip", SUPERVISOR_NIP, "--pin-stdin", "--json"])
    issued = json.loads(capsys.readouterr().out)
    assert status == 0
    status = cli.run(["ikd-app", "scan", "--server", gateway.url, "--text", issued["token"], "--json"])
    assert (status, json.loads(capsys.readouterr().out)["result"]) == (0, "pending")
    assert [(a["record_id"], a["status"]) for a in list_activations(gateway.store)] == [
        (issued["record_id"], "pending")]
    status = cli.run(["ikd-app", "scan", "--server", gateway.url, "--text", issued["token"], "--json"])
    assert (status, json.loads(capsys.readouterr().out)["result"]) == (1, "already_used")
