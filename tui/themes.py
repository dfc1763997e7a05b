"""Themes from TOML files: the three shipped in ``themes/`` and the user's own.

A user theme is a ``*.toml`` file in ``$SCHEDULEFLOW_HOME/themes`` with the fields of
``textual.theme.Theme``. Every broken file is reported (all in one notification), none crashes
the app.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from textual.color import ColorParseError
from textual.theme import BUILTIN_THEMES, Theme

__all__ = ["DEFAULT_THEME", "SHIPPED", "load_themes", "theme_names"]

SHIPPED = Path(__file__).resolve().parent.parent / "themes"
DEFAULT_THEME = "scheduleflow-dark"
_FIELDS = {
    "name",
    "primary",
    "secondary",
    "warning",
    "error",
    "success",
    "accent",
    "foreground",
    "background",
    "surface",
    "panel",
    "boost",
    "dark",
    "luminosity_spread",
    "text_alpha",
    "variables",
}


def _theme(path: Path) -> Theme:
    data: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
    unknown = set(data) - _FIELDS
    if unknown:
        raise ValueError(f"unknown fields {', '.join(sorted(unknown))}")
    if "primary" not in data:
        raise ValueError("no primary colour")
    data.setdefault("name", path.stem)
    theme = Theme(**data)
    theme.to_color_system()  # validates the colours
    return theme


def load_themes(*folders: Path) -> tuple[list[Theme], list[str]]:
    """Themes from the folders (shipped first), and one line per broken file."""
    themes: list[Theme] = []
    problems: list[str] = []
    for folder in (SHIPPED, *folders):
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.toml")):
            try:
                themes.append(_theme(path))
            except (OSError, ValueError, TypeError, tomllib.TOMLDecodeError) as error:
                problems.append(f"{path.name}: {error}")
            except ColorParseError as error:  # a colour Textual cannot read
                problems.append(f"{path.name}: {error}")
    return themes, problems


def theme_names(folder: Path) -> list[str]:
    """Every theme ``--theme`` may name: the shipped ones, the user's in ``folder`` (those
    that load) and Textual's own, sorted."""
    themes, _ = load_themes(folder)
    return sorted({theme.name for theme in themes} | set(BUILTIN_THEMES))
