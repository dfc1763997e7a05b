"""Words for counts and orders as an operator reads them.

"1 error", never "1 errors"; "Big 7" before "Big 69" before "Big 70", never the
character order that puts "Big 69" first. One place, so the TUI and every command say it
the same way.
"""

from __future__ import annotations

import re

__all__ = ["count", "natural_key"]

_IRREGULAR = {
    "entry": "entries",
    "library entry": "library entries",
    "day playlist": "day playlists",
    "library": "libraries",
}
_DIGITS = re.compile(r"(\d+)")


def count(number: int, noun: str, plural: str | None = None) -> str:
    """``1 error``, ``2 errors``, ``0 errors``; ``plural`` for a noun that is not ``noun + s``."""
    if number == 1:
        return f"{number} {noun}"
    return f"{number} {plural or _IRREGULAR.get(noun) or noun + 's'}"


def natural_key(text: str) -> tuple[tuple[int, int | str], ...]:
    """A sort key that reads the runs of digits as numbers: ``Big 7`` < ``Big 69`` < ``Big 70``.

    Case is ignored; each part is tagged so that a number and a word never compare."""
    parts = _DIGITS.split(text.casefold())
    return tuple((1, int(part)) if part.isdigit() else (0, part) for part in parts if part != "")
