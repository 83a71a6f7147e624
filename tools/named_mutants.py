"""The mutants a review found alive (issue 11), applied by hand and each checked to die.

mutmut 3 cannot make these: it mutates inside functions only (the face-quality rules are lambdas
in a module-level table) and never drops an item from a list or empties a value. So each is a
text change to one source file in a throwaway copy of the project, then its killing tests run
there; a mutant whose tests still pass, or whose original text is gone, fails this check.

    python tools/named_mutants.py          # every named mutant (scripts/mutation.sh runs this)
    python tools/named_mutants.py --list
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class NamedMutant:
    name: str
    path: str
    original: str  # must occur in the source; every occurrence is replaced
    mutated: str
    tests: tuple[str, ...]


NAMED = (
    NamedMutant("the audit entry MAC computed without its timestamp", "kiosk/audit.py",
                "[seq, at, event, officer_id,", "[seq, event, officer_id,",
                ("tests/unit/test_mutants_audit.py",)),
    NamedMutant("the record id not bound into the ciphertext (AAD)", "kiosk/record_crypto.py",
                'aad = record_id.encode("ascii")', 'aad = b""',
                ("tests/unit/test_mutants_record_crypto.py",)),
    NamedMutant("the mean brightness check ignored (too dark)", "kiosk/camera/face_quality.py",
                '(m.get("brightness", 128) < t.min_brightness', "(False",
                ("tests/unit/test_mutants_face_quality.py",)),
    NamedMutant("the mean brightness check ignored (too bright)", "kiosk/camera/face_quality.py",
                '(m.get("brightness", 128) > t.max_brightness', "(False",
                ("tests/unit/test_mutants_face_quality.py",)),
    NamedMutant("the tally's 'unacknowledged after 1 day' moved to 2 days", "kiosk/reports/tally_data.py",
                "now - dt.timedelta(days=1)", "now - dt.timedelta(days=2)",
                ("tests/unit/test_mutants_tally_data.py",)),
    NamedMutant("the email domain cutoff lowered to 0.85 (life.com corrected to live.com)", "kiosk/contact.py",
                "DOMAIN_CUTOFF = 0.88", "DOMAIN_CUTOFF = 0.85",
                ("tests/unit/test_mutants_contact.py",)),
    NamedMutant("'co' dropped from the real endings (gmail.co corrected to gmail.com)", "kiosk/contact.py",
                '"org", "co", "id"', '"org", "id"',
                ("tests/unit/test_mutants_contact.py",)),
    NamedMutant("email.com dropped from the real look-alikes (corrected to gmail.com)", "kiosk/contact.py",
                'EMAIL_LOOKALIKES = ("mail.com", "email.com")', 'EMAIL_LOOKALIKES = ("mail.com",)',
                ("tests/unit/test_mutants_contact.py",)),
)


def copy_project(into: Path) -> None:
    """kiosk/ and tests/ copied (one file gets mutated), resources/ linked, the pytest settings."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(ROOT / "kiosk", into / "kiosk", ignore=ignore)
    shutil.copytree(ROOT / "tests", into / "tests", ignore=ignore)
    (into / "resources").symlink_to(ROOT / "resources", target_is_directory=True)
    shutil.copy2(ROOT / "pyproject.toml", into / "pyproject.toml")


def imported_from(copy: Path) -> Path:
    """Where ``import kiosk`` resolves from inside the copy: it must be the copy, not the install."""
    out = subprocess.run([sys.executable, "-c", "import kiosk; print(kiosk.__file__)"], cwd=copy,
                         check=True, capture_output=True, text=True).stdout
    return Path(out.strip()).resolve().parent.parent


def pytest_in(copy: Path, tests: tuple[str, ...]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-x", *tests],
                          cwd=copy, capture_output=True, text=True)


def baseline_passes() -> tuple[bool, str]:
    """Unmutated, the killing tests pass in a copy: so a failure below is the mutant's doing."""
    with tempfile.TemporaryDirectory(prefix="named-mutant-") as tmp:
        copy = Path(tmp)
        copy_project(copy)
        if imported_from(copy) != copy.resolve():
            return False, "the copy's kiosk package is not the one imported"
        run = pytest_in(copy, tuple(dict.fromkeys(test for mutant in NAMED for test in mutant.tests)))
        return run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]


def killed(mutant: NamedMutant) -> tuple[bool, str]:
    with tempfile.TemporaryDirectory(prefix="named-mutant-") as tmp:
        copy = Path(tmp)
        copy_project(copy)
        source = copy / mutant.path
        text = source.read_text("utf-8")
        if mutant.original not in text:
            return False, f"the original text is no longer in {mutant.path}: update tools/named_mutants.py"
        source.write_text(text.replace(mutant.original, mutant.mutated), "utf-8")
        run = pytest_in(copy, mutant.tests)
        if run.returncode == 1:
            return True, "killed by " + _first_failure(run.stdout)
        return False, f"pytest exit {run.returncode}:\n{run.stdout[-2000:]}{run.stderr[-2000:]}"


def _first_failure(output: str) -> str:
    failed = [line.split(" ", 1)[1].split(" - ")[0] for line in output.splitlines() if line.startswith("FAILED ")]
    return failed[0] if failed else "a failing test"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--list", action="store_true", help="only name the mutants")
    args = parser.parse_args(argv)
    if args.list:
        print("\n".join(f"{mutant.path}: {mutant.name}" for mutant in NAMED))
        return 0
    ok, detail = baseline_passes()
    if not ok:
        print(f"the killing tests fail without any mutant; fix that first:\n{detail}")
        return 1
    alive = 0
    for mutant in NAMED:
        ok, detail = killed(mutant)
        alive += not ok
        print(f"{'killed  ' if ok else 'ALIVE   '} {mutant.name} ({mutant.path}): {detail}")
    return 1 if alive else 0


if __name__ == "__main__":
    sys.exit(main())
