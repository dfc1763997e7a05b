"""How long assets run: the library's durations, and ffprobe for local files without one.

Each asset has one duration, stored with it (``duration_source`` says whether an
``#EXTINF``, a JSON library or ffprobe gave it). A measurement is stored on the asset, so
``export --filler``, fixes and ``check`` use it like any other duration; the ``probe`` table
also remembers files ffprobe could not measure, so they are not probed again. Measuring is
not a schedule change: no role is needed.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterable
from pathlib import Path

from core.errors import RefusedLocator
from core.locators import local_path, spawnable_locator
from core.models import Asset
from core.store import Store
from core.timestamps import LONGEST_SECONDS

__all__ = ["ffprobe_seconds", "known_durations"]


def ffprobe_seconds(path: Path, timeout: float = 20) -> float | None:
    """The duration of a media file according to ffprobe, or None.

    The path goes through :func:`spawnable_locator` and after ``--``: it is an operand,
    never an option, whatever the library says.
    """
    command = shutil.which("ffprobe")
    if command is None:
        return None
    try:
        operand = spawnable_locator(str(path))
    except RefusedLocator:
        return None
    try:
        result = subprocess.run(
            [
                command,
                "-v",
                "error",
                "-show_entries",
                "format=duration",
                "-of",
                "default=noprint_wrappers=1:nokey=1",
                "--",
                operand,
            ],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    try:
        seconds = float(result.stdout.strip())
    except ValueError:
        return None
    return seconds if 0 < seconds <= LONGEST_SECONDS else None  # nan and inf too


def _probeable(locator: str) -> bool:
    try:
        spawnable_locator(locator)
    except RefusedLocator:
        return False  # the unplayable rule says why
    return True


def known_durations(
    store: Store, assets: Iterable[Asset], *, probe: bool = True
) -> dict[str, float]:
    """Durations (seconds) by fingerprint of ``assets``: the library's, else ffprobe's."""
    durations: dict[str, float] = {}
    missing: dict[str, Path] = {}
    for asset in assets:
        if asset.duration:
            durations[asset.fingerprint] = asset.duration
        else:
            path = local_path(asset.locator)
            if path is not None and _probeable(asset.locator):
                missing[asset.fingerprint] = path
    if not missing:
        return durations
    cached = store.probed_durations(missing)
    measured: list[tuple[str, float | None]] = []
    for fingerprint, path in missing.items():
        if fingerprint in cached:
            seconds = cached[fingerprint]
        elif probe and path.is_file():
            seconds = ffprobe_seconds(path)
            measured.append((fingerprint, seconds))
        else:
            seconds = None
        if seconds:
            durations[fingerprint] = float(seconds)
    if measured:
        store.remember_durations(measured)
    return durations
