"""The light view of a programme that the rules work on, and the shared preparation.

Rules never decode a programme's full content: they need its interval, title, episode,
fingerprint and locator, which the store keeps in columns. :func:`prepare` sorts a channel's
slots, derives missing stops from the next later start (as tv_sort does), and sets apart
what the interval rules must not look at (zero-length programmes, duplicates, clumps).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import NamedTuple
from zoneinfo import ZoneInfo

from core.clock import moment_text, span_text
from core.cutpoints import CUT_POINTS
from core.models import Programme
from core.store.codec import from_ms, offset_minutes, to_ms

__all__ = ["ChannelView", "CutPoints", "Slot", "cut_points", "prepare", "slot_of"]


class Slot(NamedTuple):
    """A programme as the rules see it (instants in UTC milliseconds)."""

    id: int
    start: int
    stop: int | None
    offset: int
    title: str
    episode: str
    fingerprint: str | None
    locator: str | None
    clump: str | None = None
    # a programme with an out point plays a set part of its video: shorter on purpose
    points: CutPoints | None = None


class CutPoints(NamedTuple):
    """A cut programme's ``in``, ``out`` and video ``duration`` in seconds (``None``: not
    given, or not a number)."""

    into: float | None
    out: float | None
    duration: float | None


def _number(text: str | None) -> float | None:
    """A cut point as written, any finite number: the rules must see a negative or too large
    one to report it (``core.cutpoints.seconds_of`` is what players accept, and drops it)."""
    if text is None:
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    return float(value)


def cut_points(attrs: Iterable[Sequence[object]]) -> CutPoints | None:
    """The ``ffplayout:in``/``:out``/``:duration`` of a programme's attributes (``None``
    when it has no out point)."""
    found = {str(key): str(value) for key, value in attrs if key in CUT_POINTS}
    if "ffplayout:out" not in found:
        return None
    return CutPoints(
        _number(found.get("ffplayout:in")),
        _number(found["ffplayout:out"]),
        _number(found.get("ffplayout:duration")),
    )


def slot_of(programme: Programme, identifier: int = 0) -> Slot:
    """The slot of a programme that is not (or not yet) in the store."""
    clump = next((value for key, value in programme.attrs if key == "clumpidx"), None)
    return Slot(
        programme.id if programme.id is not None else identifier,
        to_ms(programme.start),
        to_ms(programme.stop) if programme.stop is not None else None,
        offset_minutes(programme.start),
        programme.title,
        programme.episode,
        programme.fingerprint,
        programme.locator,
        clump,
        cut_points(programme.attrs),
    )


@dataclass
class ChannelView:
    """One channel's slots in (start, id) order, with what the interval rules need."""

    channel: str
    zone: tzinfo | None
    slots: list[Slot]
    ends: list[int | None] = field(default_factory=list)
    derived: set[int] = field(default_factory=set)
    empty: set[int] = field(default_factory=set)
    duplicates: dict[int, int] = field(default_factory=dict)

    def when(self, milliseconds: int, offset: int) -> datetime:
        """An instant in the channel's time zone (or the offset the guide gave)."""
        moment = from_ms(milliseconds, offset)
        return moment.astimezone(self.zone) if self.zone is not None else moment

    def moment(self, moment: datetime) -> str:
        """An instant as the operator reads it: ``Sat 05 Dec 2026 06:00 CET`` (UTC if no zone)."""
        return moment_text(moment, self.zone)

    def span(self, start: datetime, stop: datetime) -> str:
        """A range as the operator reads it: ``Sat 05 Dec 2026 06:00–07:30 CET``."""
        return span_text(start, stop, self.zone)


def prepare(channel: str, slots: Iterable[Slot], timezone: str | None = None) -> ChannelView:
    """Sort, derive missing stops and mark zero-length programmes and duplicates."""
    ordered = sorted(slots, key=lambda slot: (slot.start, slot.id))
    view = ChannelView(channel, ZoneInfo(timezone) if timezone else None, ordered)
    ends: list[int | None] = [None] * len(ordered)
    later: int | None = None  # the start of the next group with a later start
    end = len(ordered)
    while end > 0:
        begin = end - 1
        while begin > 0 and ordered[begin - 1].start == ordered[end - 1].start:
            begin -= 1
        for index in range(begin, end):
            slot = ordered[index]
            if slot.stop is not None:
                ends[index] = slot.stop
                if slot.stop <= slot.start:
                    view.empty.add(index)
            elif later is not None:
                ends[index] = later
                view.derived.add(index)
        later = ordered[begin].start
        end = begin
    view.ends = ends
    _mark_duplicates(view)
    return view


def _key(slot: Slot) -> str:
    return slot.fingerprint or f"{slot.title.strip().casefold()}\x1f{slot.episode.strip()}"


def _mark_duplicates(view: ChannelView) -> None:
    """Programmes with the same start, (derived) stop and content as an earlier one."""
    slots, ends = view.slots, view.ends
    index = 0
    while index < len(slots):
        end = index + 1
        while end < len(slots) and slots[end].start == slots[index].start:
            end += 1
        if end - index > 1:
            first_of: dict[tuple[int | None, str], int] = {}
            for position in range(index, end):
                identity = (ends[position], _key(slots[position]))
                if identity in first_of:
                    view.duplicates[position] = first_of[identity]
                else:
                    first_of[identity] = position
        index = end
