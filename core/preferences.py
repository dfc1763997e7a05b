"""What the operator chose in the TUI and expects to find again: the theme, and what each
dialog was last confirmed with (the import format, the export's channel and filler, a fix's
policy and group).

Kept in ``preferences.json`` in the data directory, beside ``config.toml`` but apart from it:
the config is the operator's own file, with their comments, and the TUI never rewrites it. A
choice made in Settings outlives the session; ``--theme`` still wins for one run, and the
config's ``theme`` is the default until a choice is made. A damaged or unreadable file is
treated as no choice (logged), never as a reason not to start.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from core.safefiles import RefusedFile, read_text, replace_text

__all__ = [
    "PREFERENCES_FILE",
    "chosen_theme",
    "dialog_choices",
    "keep_dialog_choices",
    "keep_theme",
]

PREFERENCES_FILE = "preferences.json"
_LONGEST_CHOICE = 1000
"""A kept choice longer than this is not one a dialog offered (a group name, a format)."""
log = logging.getLogger("scheduleflow.preferences")


def _read(home_dir: Path) -> dict[str, object]:
    path = home_dir / PREFERENCES_FILE
    try:
        data = json.loads(read_text(path))
    except FileNotFoundError:
        return {}
    except (OSError, RefusedFile, ValueError, RecursionError) as error:  # "[[[…" recurses
        log.warning("%s is not read: %s", path, error)
        return {}
    return data if isinstance(data, dict) else {}


def chosen_theme(home_dir: Path) -> str | None:
    """The theme last chosen in Settings, if any."""
    theme = _read(home_dir).get("theme")
    return theme if isinstance(theme, str) and theme else None


def keep_theme(home_dir: Path, theme: str) -> None:
    """Remember ``theme`` for the next start (``OSError`` when the file cannot be written)."""
    _keep(home_dir, "theme", theme)


def dialog_choices(home_dir: Path) -> dict[str, dict[str, str]]:
    """Per dialog, the fields it was last confirmed with. Only text is taken from the file:
    the dialog then offers a kept value only when it is one of its options now."""
    kept = _read(home_dir).get("dialogs")
    if not isinstance(kept, dict):
        return {}
    return {
        str(dialog): {
            str(name): value
            for name, value in fields.items()
            if isinstance(value, str) and len(value) <= _LONGEST_CHOICE
        }
        for dialog, fields in kept.items()
        if isinstance(fields, dict)
    }


def keep_dialog_choices(home_dir: Path, dialog: str, values: dict[str, str]) -> None:
    """Remember what ``dialog`` was confirmed with, for the next start (``OSError`` when the
    file cannot be written)."""
    kept = dialog_choices(home_dir)
    kept[dialog] = dict(values)
    _keep(home_dir, "dialogs", kept)


def _keep(home_dir: Path, key: str, value: object) -> None:
    data = _read(home_dir)
    data[key] = value
    replace_text(home_dir / PREFERENCES_FILE, json.dumps(data, ensure_ascii=False) + "\n")
