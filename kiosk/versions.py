"""What support asks first: this kiosk's version, the versions of the libraries that see the
camera and the face, the DNN engine the face models run on, and each model file's sha256.

Used by ``kiosk --version --verbose`` and ``kiosk doctor``. No Qt is loaded: PySide6's version is
read from its installed package's metadata."""

from __future__ import annotations

import hashlib
import platform
from importlib import metadata
from pathlib import Path

from kiosk import __version__
from kiosk.i18n import tr

# A library's version by the distribution names it is installed under (PySide6 comes as
# "PySide6" or as its "PySide6-Essentials" part alone).
DISTRIBUTIONS = {
    "opencv": ("opencv-python-headless", "opencv-python", "opencv-contrib-python-headless"),
    "pyside6": ("PySide6", "PySide6-Essentials"),
    "zxing_cpp": ("zxing-cpp",),
    "numpy": ("numpy",),
}
LIBRARY_NAMES = {"opencv": "OpenCV", "pyside6": "PySide6", "zxing_cpp": "zxing-cpp", "numpy": "numpy"}


def installed_version(names: tuple[str, ...]) -> str | None:
    for name in names:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return None


def model_hashes(folder: Path) -> dict[str, str]:
    """sha256 of every model file (``*.tflite``) in ``folder``, by file name."""
    hashes = {}
    for path in sorted(folder.glob("*.tflite")):
        with path.open("rb") as file:
            hashes[path.name] = hashlib.file_digest(file, "sha256").hexdigest()
    return hashes


def dnn_engine(folder: Path) -> dict:
    """The engine each model runs on, as the kiosk loads them; the cause when they cannot load."""
    from kiosk.camera.face_analysis import FaceAnalyzer
    from kiosk.camera.face_detector import FaceModelError, dnn_engines

    offered = [name for name, _ in dnn_engines()]
    try:
        engines = FaceAnalyzer(models_dir=folder).engines
    except FaceModelError as error:
        return {"offered": offered, "used": None, "by_model": {}, "error": str(error)}
    return {"offered": offered, "used": "+".join(sorted(set(engines.values()))), "by_model": engines,
            "error": None}


def collect_versions(models: Path | None = None) -> dict:
    """Everything above as one JSON-ready dict (``kiosk doctor --json`` prints it as it is)."""
    import cv2

    from kiosk.camera.face_detector import models_dir

    folder = models or models_dir()
    libraries = {key: installed_version(names) for key, names in DISTRIBUTIONS.items()}
    libraries["opencv"] = cv2.__version__  # what is loaded, whichever wheel brought it
    return {"kiosk": __version__,
            "python": f"{platform.python_version()} ({platform.python_implementation()})",
            "platform": platform.platform(), **libraries, "dnn_engine": dnn_engine(folder),
            "models_folder": str(folder), "models": model_hashes(folder)}


def version_lines(versions: dict) -> list[str]:
    """The same for a person: one line each, the hashes in full (support compares them)."""
    unknown = tr("tidak diketahui")
    engine = versions["dnn_engine"]
    used = engine["used"] or tr("tidak bisa dimuat: {cause}", cause=engine["error"])
    lines = [f"kiosk {versions['kiosk']}", f"Python {versions['python']}, {versions['platform']}"]
    for key, label in LIBRARY_NAMES.items():
        lines.append(f"{label} {versions[key] or unknown}")
        if key == "opencv":
            lines.append("  " + tr("mesin DNN model wajah: {used} (tersedia: {offered})", used=used,
                                   offered=", ".join(engine["offered"])))
    lines.append(tr("Model wajah ({folder}):", folder=versions["models_folder"]))
    lines += [f"  {name}  sha256 {digest}" for name, digest in versions["models"].items()]
    if not versions["models"]:
        lines.append("  " + tr("(tidak ada berkas model)"))
    return lines
