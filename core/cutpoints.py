"""A programme's cut points (``ffplayout:in``/``:out``/``:duration``), checked where read.

They are seconds into the video, kept as the JSON number text ffplayout wrote. Every reader
lets through only values the playout, ``play`` and the ffplayout export can use: a finite
number from 0 to :data:`~core.timestamps.LONGEST_SECONDS`, with ``in`` not after ``out``.
A JSON document could otherwise hand ``NaN``, ``1e400``, ``"5"`` or a 4,000-digit number to
mpv's ``--start`` and into an ffplayout playlist. :func:`seconds_of` also reads a store an
older version filled: a value outside the range counts as absent there.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping

from core.timestamps import LONGEST_SECONDS

__all__ = ["CUT_POINTS", "cut_point", "cut_points_problem", "seconds_of"]

CUT_POINTS = ("ffplayout:in", "ffplayout:out", "ffplayout:duration")
# a JSON number, short enough that float() is cheap and exact enough (no 4,000 digits)
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]{0,15})(?:\.[0-9]{1,16})?(?:[eE][+-]?[0-9]{1,3})?")


def seconds_of(text: str | None) -> float | None:
    """The seconds ``text`` says, or None when absent or not a usable cut point."""
    if text is None or not _NUMBER.fullmatch(text):  # fullmatch: ASCII digits only
        return None
    value = float(text)
    return value if math.isfinite(value) and 0 <= value <= LONGEST_SECONDS else None


def cut_points_problem(attrs: Iterable[tuple[str, str]]) -> str | None:
    """What is wrong with the cut points among ``attrs``, or None when they can be used."""
    found: dict[str, float] = {}
    for key, text in attrs:
        if key in CUT_POINTS:
            value = seconds_of(text)
            if value is None:
                shown = text if len(text) <= 40 else text[:40] + "…"
                return (
                    f"{key} '{shown}' is not a number of seconds from 0 to "
                    f"{LONGEST_SECONDS:.0f} (31 days)"
                )
            found[key] = value
    begin, end = found.get("ffplayout:in"), found.get("ffplayout:out")
    if begin is not None and end is not None and end < begin:
        return f"ffplayout:out ({end:g}) is before ffplayout:in ({begin:g})"
    return None


def cut_point(attrs: Mapping[str, str], key: str) -> float | None:
    """A programme's ``ffplayout:in``/``:out``/``:duration`` in seconds, or None."""
    return seconds_of(attrs.get(f"ffplayout:{key}"))
