"""requirements.lock is what a fresh machine installs: it must match pyproject.toml, pin every package
with hashes, and be what this test run itself was installed from."""

from __future__ import annotations

import importlib.metadata
import re
import sys
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
LOCK = ROOT / "requirements.lock"
sys.path.insert(0, str(ROOT / "tools"))
from lock_inputs import DIGEST_PREFIX, build_requirements, inputs_digest, lock_inputs  # noqa: E402

PIN = re.compile(r"^(?P<name>[A-Za-z0-9._-]+)==(?P<version>[^\s;\\]+)\s*(?:;\s*(?P<marker>[^\\]+?))?\s*\\?$")


def locked() -> list[tuple[str, str, Marker | None, int]]:
    """(name, version, marker, number of hashes) for every package line of the lock."""
    entries, current = [], None
    for line in LOCK.read_text(encoding="utf-8").splitlines():
        match = PIN.match(line)
        if match:
            marker = Marker(match["marker"]) if match["marker"] else None
            current = [canonicalize_name(match["name"]), match["version"], marker, 0]
            entries.append(current)
        elif line.strip().startswith("--hash=sha256:") and current is not None:
            current[3] += 1
    return [tuple(e) for e in entries]


def pins_for_this_python() -> dict[str, str]:
    return {name: version for name, version, marker, _ in locked() if marker is None or marker.evaluate()}


def test_the_lock_was_made_from_todays_pyproject() -> None:
    first = LOCK.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith(DIGEST_PREFIX), "requirements.lock was not written by scripts/lock.sh"
    assert first.removeprefix(DIGEST_PREFIX) == inputs_digest(), (
        "pyproject.toml's dependencies changed after requirements.lock was made: run bash scripts/lock.sh")


def test_a_changed_bound_changes_the_digest(tmp_path: Path) -> None:
    changed = tmp_path / "pyproject.toml"
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    changed.write_text(text.replace('"opencv-python-headless>=5.0,<5.2"', '"opencv-python-headless>=5.0"'),
                       encoding="utf-8")
    assert changed.read_text(encoding="utf-8") != text
    assert inputs_digest(changed) != inputs_digest()
    assert lock_inputs(changed) != lock_inputs()


def test_every_requirement_of_pyproject_is_pinned_within_its_bounds() -> None:
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = [*project["dependencies"], *build_requirements()]
    for requirements in project["optional-dependencies"].values():
        wanted += requirements
    versions: dict[str, set[str]] = {}
    for name, version, _, _ in locked():
        versions.setdefault(name, set()).add(version)
    for text in wanted:
        requirement = Requirement(text)
        pinned = versions.get(canonicalize_name(requirement.name))
        assert pinned, f"{requirement.name} is in pyproject.toml but not in requirements.lock"
        assert all(requirement.specifier.contains(v, prereleases=True) for v in pinned), (
            f"{requirement.name} {sorted(pinned)} in the lock is outside {requirement.specifier} of pyproject.toml")


def test_every_package_is_pinned_with_hashes() -> None:
    entries = locked()
    assert len(entries) > 50  # the kiosk, its tests, its build and its mutation run
    assert not [name for name, _, _, hashes in entries if hashes == 0]
    body = [line for line in LOCK.read_text(encoding="utf-8").splitlines()
            if line and not line.startswith((" ", "#"))]
    assert len(body) == len(entries), "a line of the lock is not an exact pin (name==version)"


@pytest.mark.parametrize("name", ["opencv-python-headless", "pyside6-essentials", "zxing-cpp", "numpy",
                                  "cryptography", "pytest"])
def test_this_venv_was_installed_from_the_lock(name: str) -> None:
    assert importlib.metadata.version(name) == pins_for_this_python()[name], (
        f"{name} in this venv is not the locked version: run bash scripts/setup.sh")


def test_every_locked_package_for_this_python_is_installed_at_its_pin() -> None:
    wrong = {}
    for name, version in pins_for_this_python().items():
        try:
            installed = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            installed = None
        if installed != version:
            wrong[name] = (installed, version)
    assert not wrong, f"installed vs locked: {wrong}"
