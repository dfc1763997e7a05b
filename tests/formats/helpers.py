"""Helpers shared by the format tests."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path
from typing import Any

from core.formats import open_reader
from core.locators import is_local
from core.models import Asset, Channel, Item, Programme


def read_all(path: Path, format: str = "auto", **options: Any) -> tuple[list[Item], Any]:
    """Every item of a file, and the reader (for its warnings and header)."""
    reader = open_reader(path, format, **options)
    return list(reader), reader


def identity(item: Item) -> tuple[Any, ...]:
    """What must survive a round trip, offsets of instants included."""
    if isinstance(item, Programme):
        return (
            "programme",
            item.channel,
            item.start.isoformat(),
            item.stop.isoformat() if item.stop else None,
            item.titles,
            item.sub_titles,
            item.descs,
            item.categories,
            item.episode_nums,
            item.icons,
            item.ratings,
            item.locator,
            item.fingerprint,
            item.attrs,
            item.extras,
        )
    if isinstance(item, Asset):
        return (
            "asset",
            item.title,
            item.locator,
            item.fingerprint,
            item.duration,
            item.attrs,
            item.groups,
            item.tags,
            item.extinf_duration,
        )
    assert isinstance(item, Channel)
    return (
        "channel",
        item.id,
        item.display_names,
        item.icons,
        item.urls,
        item.number,
        item.extras,
        item.timezone,
        item.day_start,
    )


def portable(item: Item) -> tuple[Any, ...]:
    """:func:`identity` without the fingerprint of a relative locator.

    A relative locator names a file next to the file that holds it, so a copy written
    elsewhere has other fingerprints for those on purpose.
    """
    view = identity(item)
    locator = getattr(item, "locator", None)
    if locator and is_local(locator) and not locator.startswith(("/", "file:")):
        index = 3 if isinstance(item, Asset) else 12
        return view[:index] + view[index + 1 :]
    return view


def write_to(tmp: Path, name: str, text: str | bytes) -> Path:
    """Write a small input file for a test."""
    path = tmp / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def text_buffer() -> io.StringIO:
    return io.StringIO()


def tv_validate_complaints(path: Path, dtd: Path) -> list[str]:
    """What ``tv_validate_file`` finds wrong with a guide, beyond what an export keeps on purpose.

    It also calls a declared channel with nothing scheduled an error. Such a channel is true
    data (its names and logo map the guide to the tuner), so an export keeps it rather than
    drop it to please the validator; every other complaint is returned, and a failing exit
    status without complaints is one too.
    """
    validate = subprocess.run(
        ["tv_validate_file", "--dtd-file", str(dtd), str(path)], capture_output=True, text=True
    )
    complaints = [
        line
        for line in validate.stdout.splitlines() + validate.stderr.splitlines()
        if line.strip()
        and line != "Validated ok."
        and not line.endswith(("error found.", "errors found."))
    ]
    unexpected = [line for line in complaints if "No programme entries found" not in line]
    if not unexpected and len(complaints) == 0 and validate.returncode != 0:
        unexpected = [f"exit status {validate.returncode}: {validate.stdout}"]
    return unexpected
