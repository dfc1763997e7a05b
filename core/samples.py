"""The demo schedules in ``samples/``, loaded into an empty store on first start."""

from __future__ import annotations

from pathlib import Path

from core.identity import Actor
from core.store import ImportResult, Store, import_file

__all__ = ["SAMPLES", "load_samples", "samples_folder"]

# (file, channel for playlists that do not name one); settings first, libraries next.
SAMPLES: tuple[tuple[str, str | None], ...] = (
    ("channels.json", None),
    ("community-library.m3u", None),
    ("fast-movies-library.m3u", None),
    ("music-library.m3u", None),
    ("kids-library.m3u", None),
    ("sports-library.m3u", None),
    ("community-week.xml", None),
    ("fast-movies.json", None),
    ("music-loop-2026-12-05.json", "music.example.org"),
    ("kids-repeats.xml", None),
    ("sports-day.xml", None),
)


def samples_folder() -> Path:
    """The ``samples/`` folder of this checkout."""
    return Path(__file__).resolve().parent.parent / "samples"


def load_samples(store: Store, actor: Actor, folder: Path | None = None) -> list[ImportResult]:
    """Import every demo schedule and library (each in its own transaction)."""
    base = folder or samples_folder()
    return [
        import_file(store, base / name, actor=actor, channel=channel) for name, channel in SAMPLES
    ]
