"""settings.toml: defaults without a file, a saved file read back, and every kind of bad file
refused with an Indonesian message that names the key, never silently replaced by defaults."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.settings import KioskSettings, SettingsError, changed_keys, load_settings, save_settings, settings_path


def test_no_file_means_the_defaults(tmp_path: Path) -> None:
    settings = load_settings(tmp_path)
    assert settings == KioskSettings()
    assert (settings.language, settings.idle_lock_minutes, settings.retention_days) == ("id", 2, 7)


def test_saved_settings_read_back_and_the_file_is_commented(tmp_path: Path) -> None:
    chosen = KioskSettings(idle_lock_minutes=5, retention_days=14, slip_paper="thermal80")
    path = save_settings(tmp_path, chosen)
    assert load_settings(tmp_path) == chosen
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# Pengaturan Kios IKD") and 'slip_paper = "thermal80"' in text
    assert [p.name for p in tmp_path.iterdir()] == ["settings.toml"]  # no temporary file left
    assert changed_keys(KioskSettings(), chosen) == ["idle_lock_minutes", "retention_days", "slip_paper"]


@pytest.mark.parametrize(("content", "words"), [
    ("idle_lock_minutes = 0\n", "idle_lock_minutes paling kecil 1"),
    ("retention_days = 365\n", "retention_days paling besar 90"),
    ('language = "fr"\n', "language pilih salah satu"),
    ('camera_index = "satu"\n', "camera_index harus bilangan bulat"),
    ("idle_lock = 3\n", "idle_lock kunci ini tidak dikenal"),
    ("idle_lock_minutes = \n", "rusak"),
])
def test_a_bad_file_is_refused_with_the_key_named(tmp_path: Path, content: str, words: str) -> None:
    settings_path(tmp_path).write_text(content, encoding="utf-8")
    with pytest.raises(SettingsError) as caught:
        load_settings(tmp_path)
    assert words in caught.value.message
    assert caught.value.next_step  # where to fix it
    assert settings_path(tmp_path).read_text(encoding="utf-8") == content  # the file is left as it was


def test_an_old_file_with_the_retired_targets_csv_key_still_loads_and_the_key_goes_on_save(tmp_path: Path) -> None:
    from kiosk.settings import load_settings, save_settings

    (tmp_path / "settings.toml").write_text('camera_index = 1\ntargets_csv = "/media/sasaran.csv"\n', encoding="utf-8")
    settings = load_settings(tmp_path)
    assert settings.camera_index == 1
    save_settings(tmp_path, settings)
    assert "targets_csv" not in (tmp_path / "settings.toml").read_text(encoding="utf-8")
