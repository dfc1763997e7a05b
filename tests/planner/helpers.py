"""Helpers for the planner tests: a library written as M3U and imported, as operators do."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from pathlib import Path

from core.models import Programme
from core.store import Store, import_file
from tests.store.helpers import ACTOR

Entry = tuple[str, float | None, str]  # title, duration (seconds), locator


def clips(group: str, count: int, seconds: float, host: str = "media.example.org") -> list[Entry]:
    """``count`` assets of one length, with distinct locators."""
    slug = group.lower().replace(" ", "-")
    return [
        (f"{group} {n:02d}", seconds, f"https://{host}/{slug}/{n:02d}.mp4")
        for n in range(1, count + 1)
    ]


def add_library(store: Store, folder: Path, groups: dict[str, Iterable[Entry]]) -> None:
    """Import the groups into the library through an M3U file."""
    lines = ["#EXTM3U"]
    for group, entries in groups.items():
        for title, seconds, locator in entries:
            length = -1 if seconds is None else seconds
            lines += [f'#EXTINF:{length:g} group-title="{group}",{title}', locator]
    path = folder / f"library-{len(list(folder.glob('library-*')))}.m3u"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    import_file(store, path, actor=ACTOR)


def back_to_back(programmes: list[Programme]) -> bool:
    """Whether each programme starts where the one before stopped."""
    return all(a.stop == b.start for a, b in itertools.pairwise(programmes))
