"""Unit-test fixtures: a real store in a temporary folder on a clock the test holds, and the two
accounts most tests need (a supervisor, and an officer that supervisor added). A test module
overrides ``clock`` for another time of day."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.officers import Officer, Role
from kiosk.store import Store, open_store

WIB = dt.timezone(dt.timedelta(hours=7))
START = dt.datetime(2026, 11, 27, 9, 30, tzinfo=WIB)
PIN = "731946"


class FakeClock:
    """The store's clock: ``START`` (or ``now``) until the test moves it on."""

    def __init__(self, now: dt.datetime = START) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, delta: dt.timedelta) -> None:
        self.now += delta


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def store(data_dir: Path, clock: FakeClock) -> Iterator[Store]:
    opened = open_store(data_dir, clock=clock)
    yield opened
    opened.database.close()


@pytest.fixture
def supervisor(store: Store) -> Officer:
    """The first account, with the PIN ``PIN``."""
    return store.officers.add("Yusnidar, S.Sos.", "197806142005012003", PIN, Role.SUPERVISOR)


@pytest.fixture
def officer(store: Store, supervisor: Officer) -> Officer:
    """An officer added by ``supervisor``, with the PIN ``PIN``."""
    return store.officers.add("Rahmat Hidayat", "198903212014031002", PIN, Role.OFFICER, by=supervisor.officer_id)


def officer_id(store: Store) -> int:
    """The newest account's id: the ``officer`` fixture's, for tests that only need it in the store."""
    return store.database.execute("SELECT MAX(officer_id) FROM officers").fetchone()[0]
