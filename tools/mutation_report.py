"""The mutation kill rate per module and in total, read from mutmut's results in ``mutants/``.
``scripts/mutation.sh`` runs mutmut, then this; docs/TESTING.md ("Mutation testing").

    python tools/mutation_report.py                       # every module mutmut mutated
    python tools/mutation_report.py kiosk/nik.py ...      # only these
    python tools/mutation_report.py --threshold 90        # exit 1 below 90 % (default 85)
    python tools/mutation_report.py --survivors           # also list each mutant that lived

A timeout counts as killed (the mutant hung the tests: someone would notice). A mutant no test
reaches, or one left unchecked by an interrupted run, counts against the rate.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

# mutmut 3's exit codes (mutmut/stats.py), folded into the columns of the table.
_KILLED = {1, 3}
_SURVIVED = {0}
_TIMEOUT = {36, 24, -24, 152, 255}
COLUMNS = ("killed", "survived", "timeout", "other")


def outcome(exit_code: int | None) -> str:
    if exit_code in _KILLED:
        return "killed"
    if exit_code in _SURVIVED:
        return "survived"
    if exit_code in _TIMEOUT:
        return "timeout"
    return "other"  # no tests, not checked, suspicious, segfault


def load(mutants_dir: Path, modules: list[str]) -> dict[str, dict[str, int | None]]:
    """Exit code by mutant name, per module path (``kiosk/nik.py``)."""
    metas = sorted(mutants_dir.rglob("*.py.meta"))
    found = {str(meta.relative_to(mutants_dir))[:-len(".meta")]: meta for meta in metas}
    wanted = modules or sorted(found)
    missing = [module for module in wanted if module not in found]
    if missing:
        raise SystemExit(f"no mutmut results for {', '.join(missing)} in {mutants_dir}/ (run scripts/mutation.sh)")
    return {module: json.loads(found[module].read_text("utf-8"))["exit_code_by_key"] for module in wanted}


def rate(counts: Counter) -> float:
    total = sum(counts.values())
    return 100.0 * (counts["killed"] + counts["timeout"]) / total if total else 100.0


def table(results: dict[str, dict[str, int | None]]) -> tuple[list[str], float]:
    lines = [f"{'module':<30} {'killed':>7} {'survived':>9} {'timeout':>8} {'other':>6} {'total':>6} {'kill%':>7}"]
    overall: Counter = Counter()
    for module, codes in results.items():
        counts = Counter(outcome(code) for code in codes.values())
        overall.update(counts)
        lines.append(_row(module, counts))
    lines.append(_row("TOTAL", overall))
    return lines, rate(overall)


def _row(name: str, counts: Counter) -> str:
    cells = " ".join(f"{counts[column]:>{width}}" for column, width in zip(COLUMNS, (7, 9, 8, 6)))
    return f"{name:<30} {cells} {sum(counts.values()):>6} {rate(counts):>6.1f}%"


def survivors(results: dict[str, dict[str, int | None]]) -> list[str]:
    return [f"  {name}: {outcome(code)}" for codes in results.values()
            for name, code in sorted(codes.items()) if outcome(code) in ("survived", "other")]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", help="source paths, e.g. kiosk/nik.py (default: all)")
    parser.add_argument("--threshold", type=float, default=85.0, help="lowest total kill %% that passes")
    parser.add_argument("--mutants-dir", type=Path, default=Path("mutants"))
    parser.add_argument("--survivors", action="store_true", help="list the mutants that were not killed")
    args = parser.parse_args(argv)
    results = load(args.mutants_dir, args.modules)
    lines, total_rate = table(results)
    print("\n".join(lines))
    if args.survivors:
        print("\n".join(["", "not killed (mutmut show <name> prints the change):", *survivors(results)]))
    if total_rate < args.threshold:
        print(f"\nkill rate {total_rate:.1f}% is below {args.threshold:.0f}%", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
