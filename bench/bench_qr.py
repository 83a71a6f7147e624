"""Benchmark: the kiosk's QR reader beside zxing-cpp alone and pyzbar, on the same frames.

For each reader: frames read (every code in the frame; nothing on a frame without one), wrong
reads (a text that is in no code of the frame), frames with two codes where both were read, and
decode time per 1080p frame (p50/p95, wall clock and the thread's CPU time, since on a shared
machine the wall clock also counts time the process was not running). Goals (issue 12): >= 95 %
of frames with >= 3 px per module read, 0 wrong, p95 <= 3 ms per 1080p frame.

Corpora: ``holdout`` (tools/qr_holdout_corpus.py, 1080p, real photos behind, never tuned on) and
``dev`` (tools/qr_corpus.py, 720p + 1080p, the one the reader was developed on).

Run: .venv/bin/python bench/bench_qr.py [--corpus holdout|dev] [--per-class N] [--reader NAME ...]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))

import qr_corpus  # noqa: E402  (tools/ is not a package: found through the line above)
import qr_holdout_corpus  # noqa: E402
import zxingcpp  # noqa: E402

import kiosk  # noqa: E402
from kiosk.camera.qr_reader import PyzbarQrReader, ZxingQrReader, grey_image, pyzbar_available  # noqa: E402

GOAL_P95_MS_1080P = 3.0
GOAL_READ_RATE = 0.95
GOAL_MIN_PX_PER_MODULE = 3.0
# A covered finder pattern stops every decoder before error correction starts (tools/qr_corpus.py).
NOT_IN_READ_GOAL = ("occluded_finder",)
CORPORA = {"holdout": qr_holdout_corpus, "dev": qr_corpus}


class ZxingAlone:
    """zxing-cpp as it comes: one call on the grey frame with its own defaults."""

    def decode(self, frame):
        found = zxingcpp.read_barcodes(grey_image(frame), formats=zxingcpp.BarcodeFormat.QRCode)
        return list(dict.fromkeys(b.text for b in found if b.valid))


READERS = {"kiosk": ZxingQrReader, "zxing-alone": ZxingAlone, "pyzbar": PyzbarQrReader}


@dataclass(frozen=True)
class Result:
    kind: str
    lines: int
    px_per_module: float
    expected: tuple[str, ...]
    decoded: tuple[str, ...]
    wall_ms: float
    cpu_ms: float

    @property
    def read(self) -> bool:
        return set(self.expected) <= set(self.decoded) if self.expected else not self.decoded

    @property
    def wrong(self) -> int:
        return len(set(self.decoded) - set(self.expected))


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", choices=sorted(CORPORA), default="holdout")
    parser.add_argument("--per-class", type=int, default=40, help="frames per class (40)")
    parser.add_argument("--repeat", type=int, default=3, help="timings per frame, the median counts (3)")
    parser.add_argument("--reader", action="append", choices=sorted(READERS),
                        help="only this reader (repeatable); default: all that load here")
    return parser.parse_args(argv)


def measure(reader, samples, repeat: int) -> list[Result]:
    results = []
    for sample in samples:
        walls, cpus, decoded = [], [], []
        for _ in range(repeat):
            wall, cpu = time.perf_counter(), time.thread_time()
            decoded = reader.decode(sample.frame)
            cpus.append((time.thread_time() - cpu) * 1000)
            walls.append((time.perf_counter() - wall) * 1000)
        results.append(Result(sample.kind, sample.frame.shape[0], sample.px_per_module, sample.expected,
                              tuple(decoded), statistics.median(walls), statistics.median(cpus)))
    return results


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[94] if len(values) > 1 else values[0]


def summary_row(name: str, results: list[Result]) -> str:
    goal = [r for r in results if r.expected and r.px_per_module >= GOAL_MIN_PX_PER_MODULE
            and r.kind not in NOT_IN_READ_GOAL]
    two = [r for r in results if len(r.expected) == 2]
    wall = [r.wall_ms for r in results if r.lines == 1080]
    cpu = [r.cpu_ms for r in results if r.lines == 1080]
    rate = sum(r.read for r in goal) / len(goal)
    return (f"  {name:<12}{sum(r.read for r in results):>5}/{len(results):<5}{100 * rate:>8.1f}%"
            f"{sum(r.wrong for r in results):>7}{f'{sum(r.read for r in two)}/{len(two)}':>9}"
            f"{statistics.median(wall):>8.2f}{p95(wall):>8.2f}{statistics.median(cpu):>8.2f}{p95(cpu):>8.2f}")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    corpus = CORPORA[args.corpus]
    names = args.reader or [n for n in READERS if n != "pyzbar" or pyzbar_available()]
    versions = {n: metadata.version("pyzbar" if n == "pyzbar" else "zxing-cpp") for n in names}
    print(f"kiosk {kiosk.__version__}: corpus '{args.corpus}', {args.per_class} frames x "
          f"{len(corpus.CLASSES)} classes, median of {args.repeat} timings; load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    all_results = {}
    for name in names:
        reader = READERS[name]()
        measure(reader, [corpus.make_sample(corpus.CLASSES[0], 0)], 1)  # warm-up
        all_results[name] = measure(reader, corpus.corpus(args.per_class), args.repeat)
    print(f"  {'reader':<12}{'frames read':>11}{'goal set':>9}{'wrong':>7}{'2 codes':>9}"
          f"{'wall50':>8}{'wall95':>8}{'cpu50':>8}{'cpu95':>8}   (ms per 1080p frame)")
    for name, results in all_results.items():
        print(summary_row(f"{name}", results) + f"   {versions[name]}")
    print("frames read per class:")
    print(f"  {'class':<17}" + "".join(f"{n:>14}" for n in names))
    for kind in corpus.CLASSES:
        cells = []
        for name in names:
            rows = [r for r in all_results[name] if r.kind == kind]
            cells.append(f"{sum(r.read for r in rows)}/{len(rows)}")
        print(f"  {kind:<17}" + "".join(f"{c:>14}" for c in cells))
    print(f"goal set: frames with codes of >= {GOAL_MIN_PX_PER_MODULE:.0f} px per module (without "
          f"{', '.join(NOT_IN_READ_GOAL)}); goals: >= {GOAL_READ_RATE:.0%} read, 0 wrong, "
          f"p95 <= {GOAL_P95_MS_1080P:.0f} ms per 1080p frame")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
