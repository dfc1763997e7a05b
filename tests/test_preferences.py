"""The operator's keymap (config) and kept choices (preferences.json)."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.config import load_config
from core.errors import InputError
from core.preferences import chosen_theme, dialog_choices, keep_dialog_choices, keep_theme


def test_a_keymap_in_the_config_maps_binding_ids_to_keys(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text(
        '[keymap]\n"programmes.trim" = "e,T"\n"main.zone" = "Z"\n', encoding="utf-8"
    )
    assert load_config(tmp_path).keymap == {"programmes.trim": "e,T", "main.zone": "Z"}


@pytest.mark.parametrize("value", ["3", '""', '" , "', '["e"]'])
def test_a_keymap_entry_that_is_no_keys_is_one_clear_error(tmp_path: Path, value: str) -> None:
    (tmp_path / "config.toml").write_text(
        f'[keymap]\n"programmes.trim" = {value}\n', encoding="utf-8"
    )
    with pytest.raises(InputError, match=r"setting 'keymap\.programmes\.trim': must be keys"):
        load_config(tmp_path)


def test_a_theme_choice_is_kept_and_a_damaged_file_is_no_choice(tmp_path: Path) -> None:
    assert chosen_theme(tmp_path) is None
    keep_theme(tmp_path, "scheduleflow-light")
    assert chosen_theme(tmp_path) == "scheduleflow-light"
    (tmp_path / "preferences.json").write_text("{not json", encoding="utf-8")
    assert chosen_theme(tmp_path) is None
    keep_theme(tmp_path, "nord")  # written again whole
    assert chosen_theme(tmp_path) == "nord"
    link = tmp_path / "other"
    link.mkdir()
    (link / "preferences.json").symlink_to(tmp_path / "preferences.json")
    assert chosen_theme(link) is None  # a link is not followed (safefiles)


def test_dialog_choices_are_kept_beside_the_theme_and_only_text_is_taken(tmp_path: Path) -> None:
    keep_theme(tmp_path, "nord")
    keep_dialog_choices(tmp_path, "plan", {"group": "News", "order": "shuffle"})
    keep_dialog_choices(tmp_path, "export", {"format": "json"})
    assert dialog_choices(tmp_path) == {
        "plan": {"group": "News", "order": "shuffle"},
        "export": {"format": "json"},
    }
    assert chosen_theme(tmp_path) == "nord"
    (tmp_path / "preferences.json").write_text(
        '{"dialogs": {"plan": {"group": ["x"], "order": "%s", "grid": "30"},'
        ' "fix gap": "policy", "export": null}}' % ("x" * 5000),
        encoding="utf-8",
    )
    assert dialog_choices(tmp_path) == {"plan": {"grid": "30"}}
    (tmp_path / "preferences.json").write_text('{"dialogs": [1, 2]}', encoding="utf-8")
    assert dialog_choices(tmp_path) == {}


def test_a_preferences_file_nested_deeper_than_json_recurses_is_no_choice(tmp_path: Path) -> None:
    (tmp_path / "preferences.json").write_text("[" * 60_000, encoding="utf-8")
    assert chosen_theme(tmp_path) is None
    assert dialog_choices(tmp_path) == {}
