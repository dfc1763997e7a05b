"""The TUI's own options are checked like any command's: a wrong one is one line, exit 2."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import run_cli


def test_an_unknown_theme_is_a_usage_error_that_lists_the_themes(sf_home: Path) -> None:
    result = run_cli("--theme", "nope", home=sf_home)
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("scheduleflow: --theme: there is no theme 'nope' (choose one of ")
    for name in ("scheduleflow-dark", "scheduleflow-light", "scheduleflow-high-contrast", "nord"):
        assert name in lines[0]
    assert not (sf_home / "scheduleflow.db").exists()  # refused before anything opened


def test_a_user_theme_file_names_a_theme_the_option_accepts(sf_home: Path) -> None:
    themes = sf_home / "themes"
    themes.mkdir()
    (themes / "night-shift.toml").write_text('primary = "#336699"\n', encoding="utf-8")
    result = run_cli("--theme", "night-shift", home=sf_home)
    # accepted: what stops it now is only that the test has no terminal
    assert result.returncode == 2
    assert result.stderr.startswith("scheduleflow: the TUI needs a terminal")
