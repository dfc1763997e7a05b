"""Playout exports: an M3U playlist that mpv and VLC play, and ffplayout day playlists.

Both are played back to back, with no clock: a gap in the schedule would make everything after
it start early. So gaps are filled from a filler group (looped, the last item trimmed with
``out``), or the export refuses and says so. An ffplayout day holds 24 hours of material from
the channel's broadcast-day start (also on the 23- and 25-hour DST days, as ffplayout does).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TextIO

from core.atomic import output_text
from core.errors import InputError, RefusedLocator
from core.formats import write_ffplayout
from core.formats.m3u import left_out_warning, locator_line_problem, one_line
from core.locators import spawnable_locator
from core.models import Asset, Channel, Programme, airing
from core.store.store import Store

__all__ = ["DAY", "day_items", "write_playlist"]

DAY = timedelta(hours=24)


def _filler(
    channel: str, start: datetime, stop: datetime, assets: list[Asset], position: int
) -> tuple[list[Programme], int]:
    made = []
    when = start
    while when < stop and assets:
        asset = assets[position % len(assets)]
        position += 1
        end = min(stop, when + timedelta(seconds=asset.duration or 0))
        made.append(airing(channel, asset, when, end, "Filler"))
        when = end
    return made, position


def filler_assets(store: Store, group: str | None) -> list[Asset]:
    """The filler group's assets with a known duration (``[]`` without a group)."""
    if group is None:
        return []
    assets = [a for a in store.assets(store.require_group(group)) if a.duration and a.duration > 0]
    if not assets:
        raise InputError(
            f"the filler group '{group}' has no asset with a known duration",
            hint="choose another group with --filler",
        )
    return assets


def day_items(
    store: Store, channel: Channel, begin: datetime, filler: list[Asset], warnings: list[str]
) -> list[Programme]:
    """The programmes of 24 hours from ``begin``, back to back, gaps and the end filled."""
    end = begin + DAY
    items: list[Programme] = []
    cursor = begin
    position = 0
    gap_total = timedelta(0)
    for programme in store.programmes(channel.id, begin, end):
        if programme.start < begin or programme.locator is None:
            continue
        if programme.start < cursor:
            continue  # overlaps what is already placed: `scheduleflow check` reports it
        if programme.start > cursor:
            if not filler:
                gap_total += programme.start - cursor
            made, position = _filler(channel.id, cursor, programme.start, filler, position)
            items += made
            cursor = programme.start
        stop = min(programme.stop or programme.start, end)
        if stop <= cursor:
            continue
        items.append(replace(programme, stop=stop) if stop != programme.stop else programme)
        cursor = stop
    if gap_total:
        raise InputError(
            f"{channel.id} has {gap_total} of dead air between programmes on the day from "
            f"{begin:%Y-%m-%d %H:%M}; playout plays items back to back, so what follows a gap "
            "would start early",
            hint="fill the gaps first (`scheduleflow fix gap`) or give --filler GROUP",
        )
    if cursor < end:
        if filler:
            made, _ = _filler(channel.id, cursor, end, filler, position)
            items += made
        else:
            warnings.append(
                f"{channel.id} {begin:%Y-%m-%d}: the day holds {cursor - begin} of "
                "24 h; ffplayout fills the rest with its own filler (or give "
                "--filler GROUP)"
            )
    return items


def write_ffplayout_day(
    path: Path | TextIO, channel: Channel, day: date, items: list[Programme], force: bool
) -> int:
    """Write one day playlist; returns the number of items (``YYYY/MM`` folders made)."""
    with output_text(path, force=force, make_folders=True) as out:
        return write_ffplayout(out, channel.name, day, items)


def _playlist_lines(programmes: list[Programme], start: datetime) -> Iterator[str]:
    yield "#EXTM3U"
    for index, programme in enumerate(programmes):
        stop = programme.stop or programme.start
        begin = max(programme.start, start) if index == 0 else programme.start
        seconds = (stop - begin).total_seconds()
        yield f"#EXTINF:{seconds:.3f},{one_line(programme.title)}"
        attrs = dict(programme.attrs)
        offset = (
            float(attrs.get("ffplayout:in", "0") or 0) + (begin - programme.start).total_seconds()
        )
        if offset:
            yield f"#EXTVLCOPT:start-time={offset:.3f}"
        if "ffplayout:out" in attrs or offset:
            yield f"#EXTVLCOPT:stop-time={offset + seconds:.3f}"
        yield programme.locator or ""


def _not_played(locator: str) -> str | None:
    """Why a player is not handed ``locator`` from a playlist (``None``: it is).

    The rule of ``play`` (:func:`spawnable_locator`), and one line of M3U.
    """
    try:
        spawnable_locator(locator)
    except RefusedLocator as refused:
        return refused.message
    return locator_line_problem(locator)


def write_playlist(
    store: Store,
    target: Path | TextIO,
    channel: Channel,
    start: datetime,
    stop: datetime,
    filler: list[Asset],
    force: bool,
    warnings: list[str],
) -> int:
    """An M3U playlist of ``[start, stop)`` on one channel; returns the number of items.

    A programme whose locator a player must not be handed (see :func:`_not_played`) is left
    out with a warning; the gap it leaves is filled from ``filler`` or refused.
    """
    programmes = []
    left_out = []
    for programme in store.programmes(channel.id, start, stop):
        if not programme.locator:
            continue
        problem = _not_played(programme.locator)
        if problem is None:
            programmes.append(programme)
        else:  # like a programme without a video: its slot is a gap, filled or refused
            left_out.append(
                f"'{one_line(programme.title)}' at {programme.start:%a %H:%M} ({problem})"
            )
    filler = [asset for asset in filler if _not_played(asset.locator) is None]
    if left_out:
        warnings.append(left_out_warning(left_out, "programmes no player is handed"))
    items: list[Programme] = []
    cursor = programmes[0].start if programmes else start
    position = 0
    for programme in programmes:
        if programme.start > cursor and programme.start > start:
            if not filler:
                raise InputError(
                    f"{channel.id} has dead air at {cursor:%a %d %b %H:%M}; a playlist plays "
                    "back to back, so what follows would start early",
                    hint="fill the gaps first (`scheduleflow fix gap`) or give --filler GROUP"
                    + (f"; {warnings[-1]}" if left_out else ""),
                )
            made, position = _filler(channel.id, cursor, programme.start, filler, position)
            items += made
        items.append(programme)
        cursor = max(cursor, programme.stop or programme.start)
    if not items:
        warnings.append(f"{channel.id} has nothing to play between {start} and {stop}")
    with output_text(target, force=force) as out:
        for line in _playlist_lines(items, start):
            out.write(line + "\n")
    return len(items)
