"""Every user-visible string is written in Indonesian inside tr() and has an English translation
with the same placeholders; no tr() call hides its string from the extractor or runs at import.
tools/extract_strings.py does the reading; docs/TRANSLATING.md says what to do when one fails."""

from __future__ import annotations

import sys
import textwrap
import typing
from pathlib import Path

import pytest

from kiosk import i18n
from kiosk.settings import KioskSettings

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools"))
import extract_strings as ex  # noqa: E402  (tools/ holds the extractor the tests share)

ENGLISH = ex.CATALOG_DIR / "en.json"


def listing(lines) -> str:
    return "\n  ".join(str(line) for line in lines)


@pytest.fixture(scope="module")
def extraction() -> ex.Extraction:
    return ex.extract()


@pytest.fixture(scope="module")
def english() -> dict[str, str]:
    return ex.read_catalog(ENGLISH)


@pytest.fixture(autouse=True)
def indonesian_afterwards():
    yield
    i18n.load_language(i18n.DEFAULT_LANGUAGE)


# -- the sources ----------------------------------------------------------------------------
def test_the_sources_hold_translatable_strings(extraction: ex.Extraction) -> None:
    assert len(extraction.messages) > 500  # the extractor found the kiosk's strings, not nothing
    assert "Galat: {message}" in extraction.messages


def test_every_tr_call_has_a_literal_string(extraction: ex.Extraction) -> None:
    assert not extraction.not_literal, (
        "tr() of an f-string, a concatenation or a variable: the extractor cannot see the string, so "
        "it is never translated. Write tr(\"... {name} ...\", name=value):\n  " + listing(extraction.not_literal))


def test_no_tr_call_runs_at_import_time(extraction: ex.Extraction) -> None:
    assert not extraction.at_import, (
        "tr() at module level, in a class body or a default argument keeps the language of import "
        "time; call it where the text is shown, or wrap it in a lambda:\n  " + listing(extraction.at_import))


def test_tr_calls_fill_exactly_their_placeholders(extraction: ex.Extraction) -> None:
    assert not extraction.bad_calls, listing(extraction.bad_calls)


def test_user_visible_literals_are_wrapped_in_tr(extraction: ex.Extraction) -> None:
    assert not extraction.unwrapped, (
        "these look shown to a person but are not in tr() (wrap them, or add the text to "
        "NOT_FOR_TRANSLATION in tools/extract_strings.py with the reason):\n  " + listing(extraction.unwrapped))


# -- the catalogs (English, and any language added later) ----------------------------------
CATALOGS = pytest.mark.parametrize("path", ex.catalog_paths(), ids=lambda path: path.stem)


def update_command(path: Path) -> str:
    return f".venv/bin/python tools/extract_strings.py --update {path.relative_to(ex.ROOT).as_posix()}"


@CATALOGS
def test_every_string_has_a_translation(path: Path, extraction: ex.Extraction) -> None:
    missing = ex.missing_keys(extraction.messages, ex.read_catalog(path))
    where = [f"{extraction.messages[key][0].path}:{extraction.messages[key][0].line}: {key!r}" for key in missing]
    assert not missing, f"not translated (run: {update_command(path)}):\n  " + listing(where)


@CATALOGS
def test_no_obsolete_entries(path: Path, extraction: ex.Extraction) -> None:
    obsolete = ex.obsolete_keys(extraction.messages, ex.read_catalog(path))
    assert not obsolete, f"no tr() uses these any more (run: {update_command(path)}):\n  " + listing(
        map(repr, obsolete))


@CATALOGS
def test_placeholders_are_the_same_in_source_and_translation(path: Path) -> None:
    problems = ex.placeholder_problems(ex.read_catalog(path))
    assert not problems, listing(problems)


@CATALOGS
def test_catalog_is_sorted_and_formatted_like_the_extractor_writes_it(path: Path, tmp_path: Path) -> None:
    rewritten = tmp_path / path.name
    ex.write_catalog(rewritten, ex.read_catalog(path))
    assert path.read_text(encoding="utf-8") == rewritten.read_text(encoding="utf-8"), (
        f"keep the catalog sorted, 2-space indented, not ASCII-escaped (run: {update_command(path)})")


def test_english_entries_are_english(english: dict[str, str]) -> None:
    """A copied source or Indonesian words left in a translation; names and codes that read the
    same in English are listed in SAME_IN_ENGLISH."""
    assert not ex.untranslated_entries(english), listing(ex.untranslated_entries(english))


def test_every_language_offered_in_the_settings_has_a_catalog() -> None:
    offered = set(typing.get_args(KioskSettings.model_fields["language"].annotation))
    assert i18n.DEFAULT_LANGUAGE in offered
    catalogs = {path.stem for path in ex.catalog_paths()}
    assert catalogs == offered - {i18n.DEFAULT_LANGUAGE}


# -- switching ------------------------------------------------------------------------------
def test_indonesian_is_the_source_and_needs_no_catalog(extraction: ex.Extraction) -> None:
    i18n.load_language("id")
    assert i18n.current_language() == "id"
    for source in extraction.messages:
        assert i18n.tr(source) == source
    assert i18n.tr("Antrean hari ini: {count} warga", count=3) == "Antrean hari ini: 3 warga"


def test_english_is_loaded_from_its_catalog_and_switched_back(english: dict[str, str]) -> None:
    i18n.load_language("en")
    assert i18n.current_language() == "en"
    assert i18n.tr("Galat: {message}", message="disk penuh") == "Error: disk penuh"
    assert i18n.tr("Antrean hari ini: {count} warga", count=3) == "Today's queue: 3"
    assert i18n.tr("PIN salah.") == english["PIN salah."] == "Wrong PIN."
    assert i18n.tr("a string no catalog has") == "a string no catalog has"  # falls back to the source
    i18n.load_language("id")
    assert i18n.tr("PIN salah.") == "PIN salah."


def test_messages_built_after_a_switch_speak_the_new_language() -> None:
    """Messages are looked up when they are made, never cached from import time."""
    from kiosk.nik import parse_nik
    from kiosk.record import RecordState, state_label
    from kiosk.regions import RegionTable

    regions = RegionTable.load()
    i18n.load_language("en")
    assert parse_nik("123", regions).errors[0].message == "The NIK must have 16 digits."
    assert state_label(RecordState.REJECTED) == "Rejected"
    i18n.load_language("id")
    assert parse_nik("123", regions).errors[0].message == "NIK harus 16 digit."


# -- the extractor itself -------------------------------------------------------------------
BAD_MODULE = '''
from kiosk.i18n import tr
from kiosk.errors import KioskError
from PySide6.QtWidgets import QLabel

TITLE = tr("Judul")                      # at import
LABELS = {"a": lambda: tr("Label A")}   # fine: looked up when called


class CameraGone(KioskError):
    NAME = tr("Kamera")                  # at import: a class body


def show(name, count, label, when=tr("hari ini")):   # the default is evaluated at import
    tr(f"Halo {name}")                   # an f-string
    tr("Halo " + name)                   # a concatenation
    tr(label)                            # a variable
    tr("Sebuah kalimat "
       "yang panjang.")                  # implicit concatenation: one literal
    tr("Antrean: {count}", count=count)  # fine
    tr("Antrean: {count}", jumlah=count) # the wrong name
    tr("Antrean: {}", count)             # positional
    tr("Antrean: {count}")               # fine: formatted later by the caller
    QLabel("Belum ada foto")             # not wrapped
    QLabel(tr("Sudah ada foto"))         # fine
    raise CameraGone("Kamera hilang.", tr("Pasang lagi."))  # the message is not wrapped
'''


def test_the_extractor_finds_every_kind_of_problem(tmp_path: Path) -> None:
    package = tmp_path / "kiosk"
    package.mkdir()
    (package / "errors.py").write_text("class KioskError(Exception):\n    pass\n", encoding="utf-8")
    (package / "screen.py").write_text(textwrap.dedent(BAD_MODULE), encoding="utf-8")
    found = ex.extract(package, tmp_path)

    assert set(found.messages) == {"Judul", "Label A", "Kamera", "hari ini", "Sebuah kalimat yang panjang.",
                                   "Antrean: {count}", "Antrean: {}", "Sudah ada foto", "Pasang lagi."}
    assert [f.line for f in found.messages["Antrean: {count}"]] == [20, 21, 23]
    assert {f.line for f in found.at_import} == {6, 11, 14}
    assert [f.line for f in found.not_literal] == [15, 16, 17]
    assert "f-string" in found.not_literal[0].text and "concatenation" in found.not_literal[1].text
    assert [(f.line, f.text) for f in found.bad_calls] == [
        (21, "jumlah= is not a placeholder of tr('Antrean: {count}')"),
        (21, "no value for {count} in tr('Antrean: {count}')"),
        (22, "positional placeholder {} or {0}; name it: {count}: 'Antrean: {}'"),
    ]
    assert [(f.path, f.line) for f in found.unwrapped] == [("kiosk/screen.py", 24), ("kiosk/screen.py", 26)]


def test_placeholder_checks_catch_a_changed_or_broken_translation() -> None:
    catalog = {"Antrean: {count}": "Queue: {jumlah}", "Halo, {name}": "Hello, {name", "Jam {time}": "Time {time}"}
    problems = ex.placeholder_problems(catalog)
    assert len(problems) == 2
    assert "['count'] != ['jumlah']" in problems[0] and "bad braces" in problems[1]


def test_untranslated_entries_are_caught() -> None:
    catalog = {"Ditolak": "Ditolak", "NIK": "NIK", "Kirim lagi": "Send lagi",
               "Masuk sebagai “Petugas Demo”.": "Sign in as “Petugas Demo”."}
    assert [line.split(":")[0] for line in ex.untranslated_entries(catalog)] == ["'Ditolak'", "'Kirim lagi' -> 'Send lagi'"]
