"""What the lock file is made from: every requirement in pyproject.toml (the kiosk's dependencies,
each optional extra, the build system's) and the Python range, in one normalised list, and its
digest. `scripts/lock.sh` writes the digest into requirements.lock; a test compares it with
today's pyproject.toml, so a dependency changed without a new lock fails the suite.

    python tools/lock_inputs.py             # the normalised inputs, one per line
    python tools/lock_inputs.py --digest    # their sha256
    python tools/lock_inputs.py --build     # the build system's requirements (for the lock)
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DIGEST_PREFIX = "# inputs-sha256: "


def lock_inputs(pyproject: Path = ROOT / "pyproject.toml") -> list[str]:
    data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    project = data["project"]
    lines = [f"requires-python {project.get('requires-python', '')}"]
    lines += [f"dependency {_normal(r)}" for r in project.get("dependencies", [])]
    for extra, requirements in sorted(project.get("optional-dependencies", {}).items()):
        lines += [f"extra {extra} {_normal(r)}" for r in requirements]
    lines += [f"build {_normal(r)}" for r in data.get("build-system", {}).get("requires", [])]
    return sorted(lines)


def build_requirements(pyproject: Path = ROOT / "pyproject.toml") -> list[str]:
    data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    return list(data.get("build-system", {}).get("requires", []))


def inputs_digest(pyproject: Path = ROOT / "pyproject.toml") -> str:
    return hashlib.sha256("\n".join(lock_inputs(pyproject)).encode("utf-8")).hexdigest()


def _normal(requirement: str) -> str:
    return "".join(requirement.split()).lower()  # spacing and case are not a change


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--digest", action="store_true", help="print the inputs' sha256")
    parser.add_argument("--build", action="store_true", help="print the build system's requirements")
    args = parser.parse_args(argv)
    if args.digest:
        print(inputs_digest())
    elif args.build:
        print("\n".join(build_requirements()))
    else:
        print("\n".join(lock_inputs()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
