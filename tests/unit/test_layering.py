"""Only ``kiosk/ui/`` may import Qt: the domain, storage, camera, sync and CLI stay plain Python."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import kiosk

PACKAGE_DIR = Path(kiosk.__file__).resolve().parent
QT_ROOTS = {"PySide6", "shiboken6", "PyQt5", "PyQt6"}


def modules_outside_ui() -> list[Path]:
    return sorted(p for p in PACKAGE_DIR.rglob("*.py") if "ui" not in p.relative_to(PACKAGE_DIR).parts[:1])


def qt_imports(path: Path) -> list[str]:
    """Qt modules that ``path`` imports, statically or by a literal ``import_module("...")``."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append(node.module)
        elif (isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", None))
              in ("import_module", "__import__") and node.args and isinstance(node.args[0], ast.Constant)):
            found.append(str(node.args[0].value))
    return [name for name in found if name.split(".")[0] in QT_ROOTS]


def test_the_walk_sees_the_domain_modules() -> None:
    names = {p.name for p in modules_outside_ui()}
    assert {"store.py", "nik.py", "cli.py", "demo_data.py", "__main__.py"} <= names
    assert not any("ui" == p.relative_to(PACKAGE_DIR).parts[0] for p in modules_outside_ui())


def test_the_check_finds_every_way_of_importing_qt(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("import PySide6\nfrom PySide6.QtCore import Qt\nimport shiboken6 as s\n"
                      "import importlib\nimportlib.import_module('PySide6.QtGui')\nfrom . import ui\n")
    assert qt_imports(sample) == ["PySide6", "PySide6.QtCore", "shiboken6", "PySide6.QtGui"]


def test_no_module_outside_ui_imports_qt() -> None:
    offenders = {str(p.relative_to(PACKAGE_DIR)): qt_imports(p) for p in modules_outside_ui()}
    assert {name: found for name, found in offenders.items() if found} == {}


def module_name(path: Path) -> str:
    parts = ("kiosk", *path.relative_to(PACKAGE_DIR).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


# pkgutil.walk_packages would import kiosk.ui to list it, so the names come from the file walk.
IMPORT_ALL_THEN_RUN_CLI = """
import importlib, json, sys
from kiosk.cli import run
for name in json.loads(sys.argv[2]):
    importlib.import_module(name)
status = run(["--data-dir", sys.argv[1], "records", "--json"])
print(json.dumps({"status": status, "qt": sorted(m for m in sys.modules if m.split(".")[0] in %r)}))
"""


def test_importing_the_domain_and_running_the_cli_loads_no_qt(tmp_path: Path) -> None:
    names = sorted(module_name(p) for p in modules_outside_ui())
    assert {"kiosk.store", "kiosk.nik", "kiosk.cli"} <= set(names)
    script = IMPORT_ALL_THEN_RUN_CLI % (sorted(QT_ROOTS),)
    done = subprocess.run([sys.executable, "-c", script, str(tmp_path), json.dumps(names)],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.splitlines()[-1]) == {"status": 0, "qt": []}
