"""A broken theme file is one line of what is wrong, never a reason not to start."""

from __future__ import annotations

from pathlib import Path

from tui.themes import load_themes


def test_a_theme_with_a_colour_textual_cannot_read_is_named_and_the_rest_load(
    tmp_path: Path,
) -> None:
    (tmp_path / "sunset.toml").write_text('primary = "not-a-colour"\n', encoding="utf-8")
    (tmp_path / "night.toml").write_text('primary = "#112233"\n', encoding="utf-8")
    themes, problems = load_themes(tmp_path)
    names = {theme.name for theme in themes}
    assert "night" in names and "sunset" not in names
    assert len(problems) == 1 and problems[0].startswith("sunset.toml: ")
