"""Benchmark: upload throughput and the time to drain a backlog (issue 4 goals: >= 100 records/s;
1,000 records in < 15 s on a clean link), with ~60 KB photos, on loopback.

The records are sealed by the real store (``make_demo_records``: demo portraits of ~60 KB) once,
into a template folder that each scenario copies. Each scenario gets a fresh gateway subprocess
(``kiosk gateway serve``, its own data folder) and drains the whole backlog with the real
``Uploader`` in this process: passes until nothing is queued or sending; when nothing is due, it
sleeps until the earliest stored retry time (real backoff, real Retry-After).

Scenarios: ``clean`` (kiosk -> gateway), ``clean via proxy`` (through the fault proxy in pass
mode: the proxy's own cost) and ``10 % faults`` (each exchange has a 10 % chance, seeded, of a
reset mid-request, a response dropped after the commit, a reset mid-response or a 503 with
Retry-After: 1). The proxy runs in its own process (this file with ``--serve-proxy``), so it
does not compete with the uploader for the GIL.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import io
import os
import pstats
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "sync"))  # the fault proxy lives with the sync tests
os.environ["KIOSK_KEY_BACKEND"] = "file"  # keys in the data folder, so a copied folder keeps them

GOAL_RECORDS_PER_SECOND = 100.0
GOAL_DRAIN_SECONDS = 15.0
MAX_PASSES = 10_000
MAX_DRAIN_SECONDS = 600.0


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=1000, help="backlog size (default 1000)")
    parser.add_argument("--fault-rate", type=float, default=0.10, help="share of faulty exchanges (default 0.10)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the records and of the faults")
    parser.add_argument("--dir", type=Path, default=None, help="parent of the throw-away folders")
    parser.add_argument("--scenarios", default="clean,proxy,faults",
                        help="comma-separated: clean, proxy, faults (default: all three)")
    parser.add_argument("--profile", action="store_true",
                        help="profile the uploader (this process) in the clean scenario; print the top")
    parser.add_argument("--serve-proxy", type=int, metavar="UPSTREAM_PORT", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


# -- the proxy in its own process --------------------------------------------------------------------
def serve_proxy(upstream_port: int, rate: float, seed: int) -> int:
    from fault_proxy import Fault, FaultProxy

    faults = [Fault("reset_mid_request"), Fault("drop_response_after_commit"), Fault("reset_mid_response"),
              Fault("status_with_retry_after", status=503, retry_after=1)]
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with FaultProxy(upstream_port, seed=seed) as proxy:
        if rate > 0:
            proxy.set_random(rate=rate, seed=seed, faults=faults)
        print(f"proxy on {proxy.url}", flush=True)
        stop.wait(3600)
        counters = proxy.counters
    print("faults " + " ".join(f"{k.split(':', 1)[1]}={v}" for k, v in sorted(counters.items())
                               if k.startswith("fault:") and k.count(":") == 1 and k != "fault:pass"),
          f"requests={counters['requests']}", flush=True)
    return 0


class Child:
    """A subprocess whose first line matching ``marker`` gives its URL (the last word)."""

    def __init__(self, command: list[str], marker: str) -> None:
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self.lines: list[str] = []
        found = threading.Event()

        def read() -> None:
            for line in self.process.stdout:
                self.lines.append(line.rstrip("\n"))
                if line.startswith(marker):
                    found.set()

        self.reader = threading.Thread(target=read, daemon=True)
        self.reader.start()
        if not found.wait(30):
            self.stop()
            raise RuntimeError(f"{command[:4]} did not start")
        self.url = next(line for line in self.lines if line.startswith(marker)).split()[-1]
        self.port = int(self.url.rsplit(":", 1)[1])

    def stop(self) -> list[str]:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        self.reader.join(5)
        return self.lines


def start_gateway(data_dir: Path) -> Child:
    return Child([sys.executable, "-m", "kiosk", "gateway", "serve", "--data-dir", str(data_dir), "--port", "0"],
                 "listening on ")


def start_proxy(upstream_port: int, rate: float, seed: int) -> Child:
    return Child([sys.executable, __file__, "--serve-proxy", str(upstream_port), "--fault-rate", str(rate),
                  "--seed", str(seed)], "proxy on ")


# -- one scenario ------------------------------------------------------------------------------------
@dataclass
class Outcome:
    name: str
    records: int
    seconds: float
    active_seconds: float
    passes: int
    acknowledged: int
    duplicates: int
    errors: Counter
    fault_line: str = ""

    @property
    def rate(self) -> float:
        return self.records / self.seconds if self.seconds else 0.0


def seal_template(folder: Path, count: int, seed: int) -> float:
    from kiosk.demo_data import make_demo_records
    from kiosk.store import open_store

    store = open_store(folder)
    try:
        started = time.perf_counter()
        make_demo_records(store, count, days=3, seed=seed)
        seconds = time.perf_counter() - started
        photo_bytes = store.database.execute("SELECT AVG(length(ciphertext)) FROM photos").fetchone()[0]
        store.database.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        store.database.close()
    print(f"sealed {count} demo records in {seconds:.1f} s (photos {photo_bytes / 1024:.1f} KB on average)")
    return seconds


def drain(kiosk_dir: Path, gateway_url: str, base_url: str, name: str, profile: bool) -> Outcome:
    from kiosk.record import RecordState
    from kiosk.store import open_store
    from kiosk.sync.enrollment import enroll
    from kiosk.sync.uploader import open_uploader

    store = open_store(kiosk_dir)
    profiler = cProfile.Profile() if profile else None
    try:
        import httpx

        code = subprocess.run([sys.executable, "-m", "kiosk", "gateway", "enroll-code", "--data-dir",
                               str(kiosk_dir.parent / "gateway")], capture_output=True, text=True,
                              check=True).stdout.strip().splitlines()[-1]
        enroll(store.database, store.keys, gateway_url, code)
        httpx.get(base_url + "/v1/hello", timeout=5)  # warm the path (and the proxy's process)
        uploader = open_uploader(store.database, store.keys, base_url=base_url, rng=random.Random(3))
        total = store.database.execute("SELECT COUNT(*) FROM records").fetchone()[0]
        unsent = (RecordState.QUEUED.value, RecordState.SENDING.value)
        errors: Counter = Counter()
        acknowledged = duplicates = passes = 0
        slept = 0.0
        started = time.perf_counter()
        if profiler:
            profiler.enable()
        for _ in range(MAX_PASSES):
            report = uploader.run_once()
            passes += 1
            acknowledged += report.acknowledged
            duplicates += report.duplicates
            if report.error is not None:
                errors[type(report.error).__name__] += 1
            left = store.database.execute("SELECT COUNT(*) FROM records WHERE state IN (?, ?)", unsent).fetchone()[0]
            if not left or time.perf_counter() - started > MAX_DRAIN_SECONDS:
                break
            due = report.next_attempt_at
            wait = (due - dt.datetime.now(dt.timezone.utc)).total_seconds() if due else 0.0
            if wait > 0:
                wait = min(wait + 0.01, 310.0)
                time.sleep(wait)
                slept += wait
        if profiler:
            profiler.disable()
        seconds = time.perf_counter() - started
        uploader.client.close()
        if left:
            raise RuntimeError(f"{name}: {left} records still unsent after {seconds:.0f} s")
    finally:
        store.database.close()
    if profiler:
        text = io.StringIO()
        pstats.Stats(profiler, stream=text).sort_stats("cumulative").print_stats(25)
        print(text.getvalue())
    return Outcome(name, total, seconds, seconds - slept, passes, acknowledged, duplicates, errors)


def run_scenario(name: str, template: Path, work: Path, fault_rate: float | None, seed: int,
                 profile: bool) -> Outcome:
    folder = work / name.replace(" ", "-").replace("%", "pct")
    shutil.copytree(template, folder / "kiosk")
    gateway = start_gateway(folder / "gateway")
    proxy = start_proxy(gateway.port, fault_rate, seed) if fault_rate is not None else None
    try:
        outcome = drain(folder / "kiosk", gateway.url, proxy.url if proxy else gateway.url, name, profile)
    finally:
        if proxy is not None:
            lines = proxy.stop()
        gateway.stop()
    if proxy is not None:
        outcome.fault_line = next((line for line in lines if line.startswith("faults")), "")
    check_gateway(folder)
    shutil.rmtree(folder, ignore_errors=True)
    return outcome


def check_gateway(folder: Path) -> None:
    """The drained backlog is at the gateway exactly once, receipts equal (the bench proves nothing
    if it is not)."""
    import json

    def lines(*args: str) -> list[dict]:
        done = subprocess.run([sys.executable, "-m", "kiosk", *args], capture_output=True, text=True, check=True)
        return [json.loads(line) for line in done.stdout.splitlines() if line.strip()]

    kiosk_rows = {row["record_id"]: row for row in lines("--data-dir", str(folder / "kiosk"), "records", "--json")}
    gateway_rows = lines("gateway", "records", "--data-dir", str(folder / "gateway"), "--json")
    held = [row["record_id"] for row in gateway_rows]
    assert len(held) == len(set(held)) and set(held) == set(kiosk_rows), "gateway does not hold the sealed set once"
    assert all(kiosk_rows[row["record_id"]]["receipt_no"] == row["receipt_no"] for row in gateway_rows)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.serve_proxy is not None:
        return serve_proxy(args.serve_proxy, args.fault_rate, args.seed)
    import kiosk

    wanted = [s.strip() for s in args.scenarios.split(",") if s.strip()]
    print(f"kiosk {kiosk.__version__}, Python {sys.version.split()[0]}, {os.cpu_count()} CPUs; "
          f"{args.records} records, gateway and proxy in their own processes, loopback")
    with tempfile.TemporaryDirectory(prefix="bench-upload-", dir=args.dir) as tmp:
        work = Path(tmp)
        template = work / "template"
        seal_template(template, args.records, args.seed)
        outcomes = []
        plan = {"clean": ("clean", None), "proxy": ("clean via proxy", 0.0),
                "faults": (f"{args.fault_rate:.0%} faults", args.fault_rate)}
        for key in wanted:
            name, rate = plan[key]
            outcomes.append(run_scenario(name, template, work, rate, args.seed, args.profile and key == "clean"))
    print()
    print(f"{'scenario':<18} {'records':>7} {'drain s':>8} {'rec/s':>7} {'active s':>9} {'passes':>6} "
          f"{'dup':>5}  errors / faults")
    for o in outcomes:
        errors = ", ".join(f"{k}={v}" for k, v in sorted(o.errors.items())) or "-"
        print(f"{o.name:<18} {o.records:>7} {o.seconds:>8.2f} {o.rate:>7.1f} {o.active_seconds:>9.2f} "
              f"{o.passes:>6} {o.duplicates:>5}  {errors}{'; ' + o.fault_line if o.fault_line else ''}")
    clean = next((o for o in outcomes if o.name == "clean"), None)
    if clean is not None:
        scaled = clean.seconds * 1000 / clean.records
        print(f"\ngoals (clean): >= {GOAL_RECORDS_PER_SECOND:.0f} rec/s: {clean.rate:.1f} "
              f"({'met' if clean.rate >= GOAL_RECORDS_PER_SECOND else 'MISSED'}); 1,000 records in "
              f"< {GOAL_DRAIN_SECONDS:.0f} s: {scaled:.1f} s ({'met' if scaled < GOAL_DRAIN_SECONDS else 'MISSED'})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
