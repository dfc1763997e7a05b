"""Playout exports: an M3U playlist that mpv and VLC play, and ffplayout day playlists.

Both are played back to back, with no clock: a gap in the schedule would make everything after
it start early, and of two overlapping programmes one would be lost or run late. So overlaps
are refused (the operator chooses the fix), gaps are filled from a filler group (looped, the
last item trimmed with ``out``) or refused. A programme that runs past the window's edge is cut
there the way players cut it: ``in`` moves to where the window begins, ``out`` to where it
ends. An ffplayout day holds exactly its broadcast day: 24 hours, 23 or 25 on DST days (see
``day_items``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import NamedTuple, TextIO

from core.atomic import output_text
from core.clock import channel_zone, moment_text
from core.cutpoints import cut_point
from core.errors import InputError, RefusedLocator
from core.filling import is_filler
from core.formats import write_ffplayout
from core.formats.ffplayout import FULL_DAY
from core.formats.m3u import left_out_warning, locator_line_problem, one_line
from core.locators import spawnable_locator
from core.models import Asset, Channel, Programme, airing
from core.store.store import Store
from core.timestamps import SHORTEST_ITEM_SECONDS

__all__ = [
    "cut_to",
    "day_items",
    "filler_assets",
    "refuse_overlaps",
    "write_ffplayout_day",
    "write_playlist",
]


def _filler(
    channel: str, start: datetime, stop: datetime, assets: list[Asset], position: int
) -> tuple[list[Programme], int]:
    """Filler from ``assets`` (looped from ``position``) over ``[start, stop)``.

    ffplayout skips a clip shorter than a second, and everything after it then starts early:
    when the last piece would be such a sliver, the piece before it is cut shorter so that
    the last one lasts a whole second. A whole gap shorter than a second is left as it is:
    any clip there would be skipped the same way (and ffplayout's own day-length check
    allows a second).
    """
    made: list[Programme] = []
    when = start
    shortest = timedelta(seconds=SHORTEST_ITEM_SECONDS)
    if stop - start < shortest:
        return made, position
    while when < stop and assets:
        asset = assets[position % len(assets)]
        position += 1
        end = min(stop, when + timedelta(seconds=asset.duration or 0))
        if timedelta(0) < stop - end < shortest and end - when > 2 * shortest - (stop - end):
            end = stop - shortest  # leave the next piece a whole second
        made.append(airing(channel, asset, when, end, "Filler"))
        when = end
    return made, position


def _local(channel: Channel, moment: datetime) -> str:
    """``Sat 05 Dec 2026 10:30 CET``: a time as the operator reads it, in the channel's zone."""
    return moment_text(moment, channel_zone(channel.timezone))


def _hours(length: timedelta) -> str:
    """``24 h`` (``23 h``, ``25 h`` on DST days)."""
    return f"{length.total_seconds() / 3600:g} h"


def _played(programmes: Iterable[Programme]) -> list[Programme]:
    """What a player plays: programmes with a video and a length."""
    return [p for p in programmes if p.locator and p.stop is not None and p.stop > p.start]


def _dead_air_hint(channel: Channel, programmes: Iterable[Programme]) -> str:
    """What to do about dead air: fill the gaps, or, where "Off air" placeholders stand
    (``fix gap --policy placeholder``), play filler there. A placeholder names dead air; it
    has no video, so a back-to-back playout still needs something to play for it."""
    placeholders = [p for p in programmes if not p.locator and is_filler(p)]
    if not placeholders:
        return "fill the gaps first (`scheduleflow fix gap`) or give --filler GROUP"
    first = placeholders[0]
    return (
        f"{len(placeholders)} '{one_line(first.title)}' placeholders (the first at "
        f"{_local(channel, first.start)}) have no video: give --filler GROUP to play filler "
        "there, or replace them: scheduleflow fix unplayable --policy fill --group GROUP "
        f"--channel {channel.id}"
    )


def refuse_overlaps(channel: Channel, programmes: list[Programme]) -> None:
    """Refuse to play overlapping programmes back to back: one would be lost or run late.

    ``programmes`` are in start order; the first three overlaps are named, then counted.
    """
    overlaps: list[tuple[Programme, Programme]] = []
    latest: Programme | None = None
    for programme in programmes:
        if latest is not None and programme.start < (latest.stop or latest.start):
            overlaps.append((latest, programme))
        if latest is None or (programme.stop or programme.start) > (latest.stop or latest.start):
            latest = programme
    if not overlaps:
        return
    named = "; ".join(
        f"'{later.title}' at {_local(channel, later.start)} starts before '{earlier.title}' "
        f"ends at {_local(channel, earlier.stop or earlier.start)}"
        for earlier, later in overlaps[:3]
    )
    more = f"; and {len(overlaps) - 3} more" if len(overlaps) > 3 else ""
    count = f"{len(overlaps)} overlap{'s' if len(overlaps) > 1 else ''}"
    raise InputError(
        f"{channel.id} has {count}: {named}{more}; a playout plays back to back, so one of "
        "them would be lost or run late",
        hint=f"fix the overlaps first: scheduleflow fix overlap --policy trim|ripple|drop "
        f"--channel {channel.id}",
    )


def cut_to(programme: Programme, start: datetime, stop: datetime) -> Programme | None:
    """The part of ``programme`` inside ``[start, stop)``, or ``None`` when nothing is.

    A cut part carries its ``in`` and ``out`` (``ffplayout:in``/``:out``, seconds into the
    video): the part after ``start`` begins that far into the video, the part before ``stop``
    ends there, as ffplayout and mpv play set parts of a file.
    """
    end = programme.stop or programme.start
    first, last = max(programme.start, start), min(end, stop)
    if last <= first:
        return None
    if (first, last) == (programme.start, end):
        return programme
    attrs = dict(programme.attrs)
    into = cut_point(attrs, "in") or 0.0
    begin = into + (first - programme.start).total_seconds()
    attrs["ffplayout:in"] = json.dumps(round(begin, 3))
    attrs["ffplayout:out"] = json.dumps(round(begin + (last - first).total_seconds(), 3))
    if "ffplayout:duration" not in attrs:  # the video is at least as long as the programme
        whole = into + (end - programme.start).total_seconds()
        attrs["ffplayout:duration"] = json.dumps(round(whole, 3))
    return replace(programme, start=first, stop=last, attrs=tuple(attrs.items()))


def filler_assets(store: Store, group: str | None) -> list[Asset]:
    """The filler group's assets with a known duration (``[]`` without a group)."""
    if group is None:
        return []
    assets = [
        a
        for a in store.assets(store.require_group(group))
        if a.duration and a.duration >= SHORTEST_ITEM_SECONDS
    ]
    if not assets:
        raise InputError(
            f"the filler group '{group}' has no asset with a known duration",
            hint="choose another group with --filler",
        )
    return assets


class _Run(NamedTuple):
    """Pieces played back to back: the items, the dead air left and where it first is."""

    items: list[Programme]
    dead_air: timedelta
    first_gap: datetime | None
    end: datetime
    position: int  # the next filler asset


def _back_to_back(pieces: list[Programme], cursor: datetime, filler: list[Asset]) -> _Run:
    """The pieces in order with their gaps filled from ``filler`` (when there is one)."""
    items: list[Programme] = []
    position = 0
    dead_air = timedelta(0)
    first_gap: datetime | None = None
    for piece in pieces:
        if piece.start > cursor:
            if not filler:
                dead_air += piece.start - cursor
                first_gap = first_gap or cursor
            made, position = _filler(piece.channel, cursor, piece.start, filler, position)
            items += made
        items.append(piece)
        cursor = piece.stop or piece.start
    return _Run(items, dead_air, first_gap, cursor, position)


def day_items(
    store: Store,
    channel: Channel,
    begin: datetime,
    end: datetime,
    filler: list[Asset],
    warnings: list[str],
) -> list[Programme]:
    """The programmes of the broadcast day ``[begin, end)``, back to back, gaps filled.

    The day is what ffplayout plays from one day start to the next: 24 hours, or 23 and 25
    on DST days, because ffplayout ends a day when the wall clock reaches the day start again
    (``get_delta`` in ffplayout's ``player/utils/mod.rs``). A programme that crosses either
    edge is split there (``cut_to``): the day ends with its ``out`` at ``end``, the next day
    begins with the same source from that point.
    """
    stored = list(store.programmes(channel.id, begin, end))
    programmes = _played(stored)
    refuse_overlaps(channel, programmes)
    pieces = [piece for p in programmes if (piece := cut_to(p, begin, end)) is not None]
    run = _back_to_back(pieces, begin, filler)
    items, cursor = run.items, run.end
    if run.dead_air:
        raise InputError(
            f"{channel.id} has {run.dead_air} of dead air between programmes on the day from "
            f"{_local(channel, begin)}; playout plays items back to back, so what follows a "
            "gap would start early",
            hint=_dead_air_hint(channel, stored),
        )
    if cursor < end:
        if filler:
            made, _ = _filler(channel.id, cursor, end, filler, run.position)
            items += made
        else:
            warnings.append(
                f"{channel.id} day from {_local(channel, begin)}: the day holds "
                f"{cursor - begin} of its {_hours(end - begin)}; ffplayout fills the rest "
                "with its own filler (or give --filler GROUP)"
            )
    _warn_past_a_full_day(channel, begin, items, warnings)
    return items


def _warn_past_a_full_day(
    channel: Channel, begin: datetime, items: list[Programme], warnings: list[str]
) -> None:
    """On a 25-hour day, name what ffplayout will not play: what starts 24 h in or later.

    ffplayout loads the next day's file once an item ends a full day into the playlist
    (``check_for_playlist`` in its ``player/input/playlist.rs`` compares the playlist
    position with its 24-hour ``length_sec``), so one item must run across that point.
    """
    switch = begin + timedelta(seconds=FULL_DAY)
    late = [item for item in items if item.start >= switch]
    if late:
        names = ", ".join(f"'{item.title}' at {_local(channel, item.start)}" for item in late[:3])
        more = f" and {len(late) - 3} more" if len(late) > 3 else ""
        warnings.append(
            f"{channel.id} day from {_local(channel, begin)} lasts 25 h, but ffplayout moves "
            f"to the next day's file once an item ends 24 h into the playlist "
            f"({_local(channel, switch)}): {names}{more} would not play; let one programme "
            "run across that time"
        )


def write_ffplayout_day(
    path: Path | TextIO,
    channel: Channel,
    day: date,
    items: list[Programme],
    force: bool,
    *,
    make_folders: bool = False,
) -> int:
    """Write one day playlist; returns the number of items (with ``make_folders``, the
    ``YYYY/MM`` folders of a day tree are made)."""
    with output_text(path, force=force, make_folders=make_folders) as out:
        return write_ffplayout(out, channel.name, day, items)


def _playlist_lines(programmes: list[Programme]) -> Iterator[str]:
    yield "#EXTM3U"
    for programme in programmes:
        seconds = ((programme.stop or programme.start) - programme.start).total_seconds()
        yield f"#EXTINF:{seconds:.3f},{one_line(programme.title)}"
        attrs = dict(programme.attrs)
        offset = cut_point(attrs, "in") or 0.0
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

    The first item starts at ``start`` and the last ends at ``stop`` (``start-time`` and
    ``stop-time`` cut them), so the playlist plays exactly the window. A programme whose
    locator a player must not be handed (see :func:`_not_played`) is left out with a
    warning; the gap it leaves is filled from ``filler`` or refused.
    """
    programmes = []
    left_out = []
    stored = list(store.programmes(channel.id, start, stop))
    for programme in _played(stored):
        problem = _not_played(programme.locator or "")
        if problem is None:
            programmes.append(programme)
        else:  # like a programme without a video: its slot is a gap, filled or refused
            left_out.append(
                f"'{one_line(programme.title)}' at {_local(channel, programme.start)} ({problem})"
            )
    filler = [asset for asset in filler if _not_played(asset.locator) is None]
    if left_out:
        warnings.append(left_out_warning(left_out, "programmes no player is handed"))
    refuse_overlaps(channel, programmes)
    pieces = [piece for p in programmes if (piece := cut_to(p, start, stop)) is not None]
    first = pieces[0].start if pieces else start
    run = _back_to_back(pieces, first, filler)
    items = run.items
    if run.first_gap is not None:
        raise InputError(
            f"{channel.id} has dead air at {_local(channel, run.first_gap)} "
            f"({run.dead_air} in all); a playlist plays back to back, so what follows would "
            "start early",
            hint=_dead_air_hint(channel, stored) + (f"; {warnings[-1]}" if left_out else ""),
        )
    if not items:
        warnings.append(
            f"{channel.id} has nothing to play between {_local(channel, start)} and "
            f"{_local(channel, stop)}"
        )
    with output_text(target, force=force) as out:
        for line in _playlist_lines(items):
            out.write(line + "\n")
    return len(items)
