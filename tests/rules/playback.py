"""What players would play, worked out on their own terms (not with ScheduleFlow's readers).

- mpv: each ``--{ --start=S --end=E FILE --}`` group plays the file from S to E; a bare
  file plays from 0 to its end (the video's real length).
- VLC/mpv M3U: ``#EXTVLCOPT:start-time``/``stop-time`` cut the next file the same way;
  without ``stop-time`` a file plays to its end.
- ffplayout (read in its ``player/utils/json_serializer.rs`` ``set_defaults`` and
  ``player/input/playlist.rs`` ``gen_source``): items play back to back from the day start;
  an item plays ``out - in`` seconds (a file ends at its real end when ``out`` is past it),
  and a clip of less than one second is skipped (``node.skip``), so it takes no time.

Each gives ``(start offset ms, length ms, locator)`` per item played, on its own clock.
"""

from __future__ import annotations

import json
from typing import Any

Played = tuple[int, int, str]


def _ms(seconds: float) -> int:
    return round(seconds * 1000)


def mpv_items(arguments: list[str], videos: dict[str, float]) -> list[Played]:
    """What mpv plays from a command line: back to back, each file from start to end."""
    items: list[Played] = []
    clock = 0
    index = arguments.index("--force-window=yes") + 2  # after the options
    options: dict[str, float] = {}
    grouped = False
    while index < len(arguments):
        part = arguments[index]
        index += 1
        if part == "--{":
            grouped, options = True, {}
        elif part == "--}":
            grouped, options = False, {}
        elif part == "--":
            continue
        elif grouped and part.startswith("--start="):
            options["start"] = float(part.removeprefix("--start="))
        elif grouped and part.startswith("--end="):
            options["end"] = float(part.removeprefix("--end="))
        else:
            begin = options.get("start", 0.0)
            end = min(options.get("end", videos[part]), videos[part])
            length = _ms(end) - _ms(begin)
            items.append((clock, length, part))
            clock += length
    return items


def m3u_items(text: str, videos: dict[str, float]) -> list[tuple[int, int, int, str]]:
    """What a player plays from an M3U playlist: ``(start, length, EXTINF length, file)``."""
    items: list[tuple[int, int, int, str]] = []
    clock = 0
    extinf = 0
    options: dict[str, float] = {}
    for line in text.splitlines():
        if line.startswith("#EXTINF:"):
            extinf = _ms(float(line.removeprefix("#EXTINF:").split(",", 1)[0]))
        elif line.startswith("#EXTVLCOPT:"):
            key, _, value = line.removeprefix("#EXTVLCOPT:").partition("=")
            options[key] = float(value)
        elif line and not line.startswith("#"):
            begin = options.get("start-time", 0.0)
            end = min(options.get("stop-time", videos[line]), videos[line])
            length = _ms(end) - _ms(begin)
            items.append((clock, length, extinf, line))
            clock += length
            options = {}
    return items


def ffplayout_items(playlist: dict[str, Any], videos: dict[str, float]) -> list[Played]:
    """What ffplayout plays of a day playlist, from the day start."""
    items: list[Played] = []
    clock = 0
    for item in playlist["program"]:
        begin, out = float(item["in"]), float(item["out"])
        if float(item.get("duration", 0)) > 0 and out - begin < 1.0:
            continue  # gen_source: "Skip clip that is less then one second long"
        real = videos[item["source"]]
        length = _ms(min(out, real)) - _ms(begin)
        items.append((clock, length, item["source"]))
        clock += length
    return items


def load(text: str) -> dict[str, Any]:
    """An ffplayout playlist as JSON."""
    data: dict[str, Any] = json.loads(text)
    return data
