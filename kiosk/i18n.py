"""The one translation function for every user-visible string (Indonesian is the source language).

Strings are written in Indonesian in the code and wrapped in ``tr``; other languages come from
``resources/translations/<lang>.json`` (a flat {"Indonesian source": "translation"} map).
Placeholders are named: ``tr("Antrean: {count}", count=3)``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from kiosk.errors import KioskError
from kiosk.paths import resources_dir

DEFAULT_LANGUAGE = "id"
# What is printed for citizens (the slip) and filed by the kecamatan (the tally) stays in
# Indonesian whatever language the screens speak.
DOCUMENT_LANGUAGE = "id"

_catalog: dict[str, str] = {}
_language = DEFAULT_LANGUAGE


def load_language(language: str, translations_dir: Path | None = None) -> None:
    """Switch the process to ``language``; Indonesian needs no catalog."""
    global _catalog, _language
    if language == DEFAULT_LANGUAGE:
        _catalog, _language = {}, language
        return
    folder = translations_dir or resources_dir() / "translations"
    path = folder / f"{language}.json"
    try:
        catalog = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise KioskError(tr("Terjemahan “{language}” tidak bisa dibaca ({path}).",
                            language=language, path=str(path)),
                         tr("Pasang ulang aplikasi, atau pilih bahasa “id” di settings.toml.")) from error
    _catalog, _language = catalog, language


@contextmanager
def speaking(language: str) -> Iterator[None]:
    """Everything ``tr`` returns inside the block is in ``language``; the screen's language after."""
    global _catalog, _language
    saved = _catalog, _language
    load_language(language)
    try:
        yield
    finally:
        _catalog, _language = saved


def current_language() -> str:
    return _language


def tr(source: str, /, **placeholders: object) -> str:
    """Translate ``source`` into the current language and fill its named placeholders."""
    text = _catalog.get(source, source)
    return text.format(**placeholders) if placeholders else text
