"""What the operator chose in the TUI and expects to find again: the theme.

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

__all__ = ["PREFERENCES_FILE", "chosen_theme", "keep_theme"]

PREFERENCES_FILE = "preferences.json"
log = logging.getLogger("scheduleflow.preferences")


def _read(home_dir: Path) -> dict[str, object]:
    path = home_dir / PREFERENCES_FILE
    try:
        data = json.loads(read_text(path))
    except FileNotFoundError:
        return {}
    except (OSError, RefusedFile, UnicodeDecodeError, json.JSONDecodeError) as error:
        log.warning("%s is not read: %s", path, error)
        return {}
    return data if isinstance(data, dict) else {}


def chosen_theme(home_dir: Path) -> str | None:
    """The theme last chosen in Settings, if any."""
    theme = _read(home_dir).get("theme")
    return theme if isinstance(theme, str) and theme else None


def keep_theme(home_dir: Path, theme: str) -> None:
    """Remember ``theme`` for the next start (``OSError`` when the file cannot be written)."""
    data = _read(home_dir)
    data["theme"] = theme
    replace_text(home_dir / PREFERENCES_FILE, json.dumps(data, ensure_ascii=False) + "\n")
