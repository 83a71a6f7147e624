"""kill -9 of a syncing kiosk at random points, many times, then a clean sync: the gateway holds
exactly the sealed set, each record once, and every receipt number is the same on both sides.

Real processes: ``kiosk gateway serve`` (a subprocess), the fault proxy in front of it limiting
the bandwidth so that a kill lands mid-upload, and ``kiosk sync --once`` started again and again
and SIGKILLed after a random delay (seeded): during start-up, while photos go up, after the
gateway committed a batch but before the kiosk saved the acknowledgement, while receipts are
applied, while photos are purged (retention 0 here, so a pass purges what it finalised). In some
rounds another process seals demo records at the same time and is killed too (a kill mid-seal).

Between rounds the kiosk's stored times (leases, backoffs) are moved ten minutes back: the lid
stayed closed that long, so killed leases (5 min) have expired and backoffs (<= 5 min) are over.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest

from fault_proxy import Fault, FaultProxy, Schedule
from kiosk.demo_data import DEMO_OFFICERS, DEMO_PIN, make_demo_records
from kiosk.officers import Role
from kiosk.settings import KioskSettings, save_settings
from kiosk.store import open_store
from supervisor_credentials import credentials

SEED = int(os.environ.get("KIOSK_KILL9_SEED", "20260917"))
RECORDS = 200
TARGET_KILLS = 20
KILL_PHASE_SECONDS = 50.0
CLEAN_PASSES = 15
REFILL_BELOW, REFILL = 60, 40
SLOW = Fault("bandwidth", bytes_per_second=400 * 1024, latency=0.02, jitter=0.01)  # 50 photos: ~8 s
QUICK = Fault("bandwidth", bytes_per_second=2 * 1024 * 1024)  # 50 photos: ~1.5 s
HELD_ANSWER = Fault("stall", seconds=5.0, phase="response")
FINAL_OR_ACKED = {"acknowledged", "processed", "rejected", "purged"}
BATCHES = "POST /v1/batches"
RECEIPTS = "GET /v1/receipts"


class RoundSchedule(Schedule):
    """slow: every exchange at 400 KB/s; commit: photos at 2 MB/s and each batch's answer held
    5 s after the gateway committed; fast and receipts: every exchange at 2 MB/s."""

    def __init__(self, how: str) -> None:
        self.how = how

    def fault_for(self, method: str, path: str) -> Fault:
        if self.how == "slow":
            return SLOW
        if self.how == "commit" and f"{method} {path}" == BATCHES:
            return HELD_ANSWER
        return QUICK


def environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "KIOSK_DATA_DIR"}
    env["KIOSK_KEY_BACKEND"] = "file"  # keys in the data folder: no keyring round trip per process
    return env


def kiosk_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "kiosk", *args]


def sealer_command(kiosk_dir: Path, count: int, seed: int) -> list[str]:
    """A process that seals ``count`` demo records into the (real, not demo) kiosk folder, as a desk
    would; ``kiosk demo-data`` refuses a real kiosk's folder."""
    script = ("import sys; from pathlib import Path; from kiosk.demo_data import make_demo_records; "
              "from kiosk.store import open_store; "
              "make_demo_records(open_store(Path(sys.argv[1])), int(sys.argv[2]), seed=int(sys.argv[3]))")
    return [sys.executable, "-c", script, str(kiosk_dir), str(count), str(seed)]


def run(*args: str, timeout: float = 120, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(kiosk_command(*args), capture_output=True, text=True, env=environment(),
                          input=stdin, timeout=timeout, check=False)


def json_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip().startswith("{")]


class GatewayProcess:
    """``kiosk gateway serve --port 0`` until ``stop``; ``url`` read from its first stdout line."""

    def __init__(self, data_dir: Path) -> None:
        self.process = subprocess.Popen(
            kiosk_command("gateway", "serve", "--data-dir", str(data_dir), "--port", "0"),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=environment())
        found: list[str] = []

        def read() -> None:
            for line in self.process.stdout:  # bounded by the process: ends at its exit
                if line.startswith("listening on "):
                    found.append(line.split()[-1])
                    return

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        reader.join(30)
        if not found:
            self.stop()
            raise RuntimeError("the gateway did not say where it listens")
        self.url = found[0]
        self.port = int(self.url.rsplit(":", 1)[1])

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        for stream in (self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()


def let_time_pass(kiosk_dir: Path, minutes: float = 10) -> int:
    """Move every stored lease and backoff ``minutes`` into the past (no kiosk process runs);
    returns how many records are still queued or sending."""
    conn = sqlite3.connect(kiosk_dir / "kiosk.sqlite3", timeout=10, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        rows = conn.execute("SELECT record_id, lease_until, next_attempt_at FROM outbox").fetchall()
        shift = dt.timedelta(minutes=minutes)
        for record_id, lease_until, next_attempt_at in rows:
            moved = [(dt.datetime.fromisoformat(v) - shift).isoformat() if v else None
                     for v in (lease_until, next_attempt_at)]
            conn.execute("UPDATE outbox SET lease_until = ?, next_attempt_at = ? WHERE record_id = ?",
                         (*moved, record_id))
        conn.execute("COMMIT")
        return conn.execute("SELECT COUNT(*) FROM records WHERE state IN ('queued', 'sending')").fetchone()[0]
    finally:
        conn.close()


def wait_for_count(proxy: FaultProxy, key: str, above: int, process: subprocess.Popen,
                   seconds: float = 10.0) -> None:
    """Until the proxy's counter ``key`` exceeds ``above`` (or the process ended, or time ran out)."""
    deadline = time.monotonic() + seconds
    while proxy.counters[key] <= above and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)


def state_counts(kiosk_dir: Path) -> Counter[str]:
    done = run("--data-dir", str(kiosk_dir), "records", "--json")
    assert done.returncode == 0, done.stderr
    return Counter(row["state"] for row in json_lines(done.stdout))


@pytest.mark.slow
def test_kill_9_at_random_points_then_a_clean_sync_delivers_each_record_once(tmp_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("KIOSK_KEY_BACKEND", "file")
    kiosk_dir, gateway_dir = tmp_path / "kiosk", tmp_path / "gateway"
    store = open_store(kiosk_dir)
    try:
        make_demo_records(store, RECORDS, days=2, seed=SEED)
        save_settings(kiosk_dir, KioskSettings(retention_days=0))  # purge in the pass that finalises
    finally:
        store.database.close()

    gateway = GatewayProcess(gateway_dir)
    try:
        with FaultProxy(gateway.port, seed=SEED) as proxy:
            code = run("gateway", "enroll-code", "--data-dir", str(gateway_dir)).stdout.strip().splitlines()[-1]
            supervisor = next(nip for _, nip, role in DEMO_OFFICERS if role is Role.SUPERVISOR)
            enrolled = run("--data-dir", str(kiosk_dir), "enroll", "--server", proxy.url, "--code", code,
                           *credentials(supervisor), stdin=DEMO_PIN + "\n")
            assert enrolled.returncode == 0, enrolled.stderr

            rng = random.Random(SEED)
            kill_points: Counter[str] = Counter()
            kills = sealers_killed = rounds = 0
            started = time.monotonic()
            while kills < TARGET_KILLS and time.monotonic() - started < KILL_PHASE_SECONDS:
                rounds += 1
                unsent = let_time_pass(kiosk_dir)
                if unsent < REFILL_BELOW:  # keep a backlog, so that every kill lands in real work
                    refill = open_store(kiosk_dir)
                    try:
                        make_demo_records(refill, REFILL, seed=SEED + rounds)
                    finally:
                        refill.database.close()
                # slow: photos crawl, the kill lands mid-upload; commit: the batch's answer is held
                # after the gateway committed and the kill lands before the kiosk hears of it;
                # fast: a whole pass takes a few seconds, the kill lands anywhere; receipts: the
                # kill lands while final statuses are applied and photos purged.
                how = rng.choices(("slow", "commit", "fast", "receipts"), weights=(35, 25, 20, 20))[0]
                proxy.set_schedule_object(RoundSchedule(how))
                sealer = None
                if rng.random() < 0.25:  # someone seals while the upload runs
                    sealer = subprocess.Popen(
                        sealer_command(kiosk_dir, 4, rounds),
                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=environment())
                before = proxy.counters
                syncing = subprocess.Popen(kiosk_command("--data-dir", str(kiosk_dir), "sync", "--once"),
                                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=environment())
                if rng.random() < 0.15:
                    time.sleep(rng.uniform(0.0, 0.6))  # start-up: opening the store, releasing leases
                elif how == "commit":
                    wait_for_count(proxy, f"response:{BATCHES}", before[f"response:{BATCHES}"], syncing)
                    time.sleep(rng.uniform(0.0, 0.3))
                elif how == "receipts":
                    wait_for_count(proxy, f"response:{RECEIPTS}", before[f"response:{RECEIPTS}"], syncing, 20)
                    time.sleep(rng.uniform(0.0, 0.2))
                else:
                    wait_for_count(proxy, "requests", before["requests"], syncing)
                    time.sleep(rng.uniform(0.0, 2.0 if how == "slow" else 1.5))
                if syncing.poll() is None:
                    syncing.send_signal(signal.SIGKILL)
                    kills += 1
                    now = proxy.counters
                    point = proxy.last_request if now["requests"] > before["requests"] else "start-up"
                    if point == BATCHES and now[f"response:{BATCHES}"] > before[f"response:{BATCHES}"]:
                        point += " (committed at the gateway)"
                    if point == RECEIPTS and now[f"response:{RECEIPTS}"] > before[f"response:{RECEIPTS}"]:
                        point += " (answered: applying receipts or purging)"
                    kill_points[point] += 1
                syncing.wait(10)
                if sealer is not None:
                    if sealer.poll() is None:
                        sealer.send_signal(signal.SIGKILL)
                        sealers_killed += 1
                    sealer.wait(30)
            kill_seconds = time.monotonic() - started
            mid = state_counts(kiosk_dir)
            print(f"kill -9: {kills} sync processes in {rounds} rounds ({kill_seconds:.0f} s), "
                  f"{sealers_killed} sealing processes; last request before each kill: {dict(kill_points)}; "
                  f"states then: {dict(mid)}")
            assert kills >= 15
            assert sum(n for point, n in kill_points.items() if "committed" in point) >= 1

            # The clean sync, repeated until nothing waits (bounded).
            proxy.set_mode("pass")
            duplicates = 0
            for _ in range(CLEAN_PASSES):
                let_time_pass(kiosk_dir)
                done = run("--data-dir", str(kiosk_dir), "sync", "--once", "--json")
                assert done.returncode == 0, done.stderr
                duplicates += json_lines(done.stdout)[-1]["duplicates"]
                counts = state_counts(kiosk_dir)
                if not counts["queued"] and not counts["sending"]:
                    break
            print(f"clean sync: {duplicates} duplicates acknowledged (answers lost to a kill), states {dict(counts)}")

            kiosk_rows = json_lines(run("--data-dir", str(kiosk_dir), "records", "--json").stdout)
            gateway_rows = json_lines(run("gateway", "records", "--data-dir", str(gateway_dir), "--json").stdout)
    finally:
        gateway.stop()

    sealed = {row["record_id"]: row for row in kiosk_rows}
    assert len(sealed) == len(kiosk_rows) >= RECORDS
    assert all(row["state"] in FINAL_OR_ACKED for row in kiosk_rows), Counter(r["state"] for r in kiosk_rows)
    held = [row["record_id"] for row in gateway_rows]
    assert len(held) == len(set(held)), "a record is held twice by the gateway"
    assert set(held) == set(sealed), (len(set(sealed) - set(held)), len(set(held) - set(sealed)))
    receipts = [row["receipt_no"] for row in gateway_rows]
    assert len(receipts) == len(set(receipts))
    for row in gateway_rows:
        assert sealed[row["record_id"]]["receipt_no"] == row["receipt_no"], row["record_id"]
