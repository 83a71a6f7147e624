"""Benchmark: face analysis ms per 720p frame (p50/p95) on obama.jpg composited into 1280x720 with
slight motion and sensor noise, printed against the issue's goal (p95 <= 10 ms; DESIGN.md: 15 ms)."""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import cv2
import numpy as np

from kiosk.camera.face_analysis import FaceAnalyzer

GOAL_P95_MS = 10.0  # issue 3
BUDGET_P95_MS = 15.0  # DESIGN.md
PHOTO = Path(__file__).resolve().parent.parent / "tests" / "data" / "faces" / "obama.jpg"
FRAME_SIZE = (1280, 720)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--frames", type=int, default=600, help="timed frames (default 600)")
    parser.add_argument("--warmup", type=int, default=30, help="untimed frames first (default 30)")
    parser.add_argument("--no-tracking", action="store_true",
                        help="reset the analyzer before every frame: detector + mesh each time")
    return parser.parse_args(argv)


def make_frames(count: int, seed: int = 7) -> list[np.ndarray]:
    """A citizen seated in front of a webcam: the head sways a few pixels, the sensor is noisy."""
    photo = cv2.imread(str(PHOTO))
    width, height = FRAME_SIZE
    scale = height * 0.95 / photo.shape[0]  # face about 260 px tall, as at 60-70 cm from a laptop
    person = cv2.resize(photo, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    rng = np.random.default_rng(seed)
    backdrop = np.full((height, width, 3), (150, 160, 165), np.uint8)
    frames = []
    for n in range(min(count, 120)):  # 120 distinct frames, replayed: composing is not what is timed
        dx, dy = 6 * np.sin(n / 9), 4 * np.sin(n / 13)
        shift = np.float32([[1, 0, (width - person.shape[1]) / 2 + dx], [0, 1, height * 0.03 + dy]])
        frame = cv2.warpAffine(person, shift, FRAME_SIZE, dst=backdrop.copy(),
                               borderMode=cv2.BORDER_TRANSPARENT)
        noise = rng.normal(0, 3, frame.shape).astype(np.float32)
        frames.append(np.clip(frame + noise, 0, 255).astype(np.uint8))
    return frames


def time_analysis(analyzer: FaceAnalyzer, frames: list[np.ndarray], count: int, warmup: int,
                  tracking: bool) -> tuple[list[float], int]:
    timings, accepted = [], 0
    for n in range(warmup + count):
        frame = frames[n % len(frames)]
        if not tracking:
            analyzer.reset()
        started = time.perf_counter()
        verdict = analyzer.analyze(frame)
        elapsed = (time.perf_counter() - started) * 1000
        if n >= warmup:
            timings.append(elapsed)
            accepted += verdict.accepted
    return timings, accepted


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    cv2.setNumThreads(1)  # one core: the other runs the GUI
    frames = make_frames(args.frames)
    analyzer = FaceAnalyzer()
    timings, accepted = time_analysis(analyzer, frames, args.frames, args.warmup,
                                      tracking=not args.no_tracking)
    timings.sort()
    p50 = statistics.median(timings)
    p95 = timings[int(0.95 * (len(timings) - 1))]
    mode = "detector + mesh every frame" if args.no_tracking else "tracking, detector every 5th frame"
    print(f"face analysis, 1280x720, {len(timings)} frames, {mode}, one OpenCV thread")
    print(f"  p50 {p50:.2f} ms   p95 {p95:.2f} ms   max {timings[-1]:.2f} ms")
    met = {True: "met", False: "NOT met"}
    print(f"  goal p95 <= {GOAL_P95_MS:.0f} ms (issue 3): {met[p95 <= GOAL_P95_MS]};"
          f" budget p95 <= {BUDGET_P95_MS:.0f} ms (DESIGN.md): {met[p95 <= BUDGET_P95_MS]}")
    print(f"  accepted {accepted} of {len(timings)} frames")
    # Which engine ran matters as much as the figures: OpenCV releases differ in what they offer.
    engines = ", ".join(f"{name.removesuffix('.tflite')} {engine}" for name, engine in analyzer.engines.items())
    print(f"  OpenCV {cv2.__version__}, DNN engine: {engines}")


if __name__ == "__main__":
    main()
