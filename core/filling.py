"""Building programmes from the library: the one way the planner and the fixes do it.

The planner lays a window out and the fixes mend a schedule, and what they make must play the
same: an asset that is cut carries its out point (``airing``), a filler group is looped with
its last item cut, a remainder too short to air joins the item before, an empty stretch gets
an "Off air" placeholder, and an asset is only placed where it keeps the cooldown. This module
holds those pieces so that a fix builds exactly what a plan would; :func:`retimed` gives a
stored programme a new start or stop the same way (its out point follows).
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, tzinfo
from typing import Literal

from core.clock import moment_text
from core.cutpoints import CUT_POINTS, cut_point
from core.models import Asset, Programme, Text, airing
from core.store.codec import from_ms, offset_minutes, to_ms
from core.timestamps import fixed_zone

__all__ = [
    "FILLER",
    "PLACEHOLDER",
    "Builder",
    "Picker",
    "is_filler",
    "keeps_cooldown",
    "local",
    "placeholder",
    "retimed",
    "spacing",
]

PLACEHOLDER = "Off air"
"""The title and category of what stands in for dead air (no video)."""
FILLER = "Filler"
"""The category of filler items: material that can be cut shorter without loss."""

Airings = dict[str, list[tuple[int, int]]]
"""Airings by fingerprint, as (start, end) in UTC milliseconds."""


def local(milliseconds: int, zone: tzinfo) -> datetime:
    """An instant with the offset the channel's clock has then, as a fixed offset: two of
    them subtract and compare as real time, where two ``ZoneInfo`` times would not."""
    moment = from_ms(milliseconds, 0).astimezone(zone)
    return moment.replace(tzinfo=fixed_zone(offset_minutes(moment)))


def keeps_cooldown(
    airings: Mapping[str, Iterable[tuple[int, int]]],
    fingerprint: str,
    start: int,
    end: int,
    cooldown: int,
    shortest: int,
) -> bool:
    """Whether airing ``fingerprint`` over ``[start, end)`` keeps ``cooldown`` (ms) from its
    other airings; an airing shorter than ``shortest`` (a bumper) is not held to it."""
    if end - start < shortest:
        return True
    for other_start, other_end in airings.get(fingerprint, ()):
        if not (other_end <= start - cooldown or other_start >= end + cooldown):
            return False
    return True


def spacing(
    airings: Mapping[str, Iterable[tuple[int, int]]], fingerprint: str, start: int, end: int
) -> float:
    """The time (ms) from ``[start, end)`` to the nearest other airing of ``fingerprint``:
    ``inf`` when there is none, ``-1`` when one overlaps. ``keeps_cooldown`` is this at
    least the cooldown; the fixes report the figure when nothing keeps it."""
    closest = float("inf")
    for other_start, other_end in airings.get(fingerprint, ()):
        if other_end <= start:
            closest = min(closest, start - other_end)
        elif other_start >= end:
            closest = min(closest, other_start - end)
        else:
            return -1
    return closest


class Picker:
    """Hands out a group's assets in order or shuffled, keeping the cooldown."""

    def __init__(
        self,
        assets: list[Asset],
        order: Literal["sequential", "shuffle"] | str,
        seed: int | None,
        cooldown_ms: int,
        shortest_ms: int,
        airings: Airings,
    ) -> None:
        self.assets = assets
        self.order = order
        self.random = random.Random(seed)
        self.sequence = list(range(len(assets)))
        if order == "shuffle":
            self.random.shuffle(self.sequence)
        self.position = 0
        self.cooldown = cooldown_ms
        self.shortest = shortest_ms
        self.airings = airings

    def pick(self, start: int, room: int, *, whole: bool = False, least: int = 0) -> Asset | None:
        """The next asset that keeps the cooldown at ``start``, preferring one that fits in
        ``room`` (with ``whole``, only one that fits) without leaving less than ``least``
        (ms) after it: such a sliver is worse than cutting a longer asset at the end."""
        fallback: tuple[Asset, int] | None = None
        sliver: tuple[Asset, int] | None = None
        count = len(self.sequence)
        for step in range(count):
            index = self.sequence[(self.position + step) % count]
            asset = self.assets[index]
            assert asset.duration is not None
            length = round(asset.duration * 1000)
            end = start + min(length, room)
            if not keeps_cooldown(
                self.airings, asset.fingerprint, start, end, self.cooldown, self.shortest
            ):
                continue
            if length <= room:
                if length == room or room - length >= least:
                    self._advance(step)
                    return asset
                sliver = sliver or (asset, step)
            elif fallback is None and not whole:
                fallback = (asset, step)
        chosen = fallback or (None if whole else sliver)
        if chosen is None:
            return None
        self._advance(chosen[1])
        return chosen[0]

    def _advance(self, step: int) -> None:
        self.position += step + 1
        if self.position >= len(self.sequence):
            self.position %= len(self.sequence)
            if self.order == "shuffle":
                self.random.shuffle(self.sequence)

    def air(self, asset: Asset, start: int, end: int) -> None:
        """Count an airing against the cooldown of what is picked later."""
        self.airings.setdefault(asset.fingerprint, []).append((start, end))


def placeholder(channel: str, start: int, end: int, zone: tzinfo) -> Programme:
    """ "Off air" over ``[start, end)``: a named stretch of dead air, with no video."""
    return Programme(
        channel,
        local(start, zone),
        local(end, zone),
        titles=(Text(PLACEHOLDER),),
        categories=(Text(PLACEHOLDER),),
    )


def is_filler(programme: Programme) -> bool:
    """Whether ``programme`` is filler or a placeholder: time that can be cut shorter to
    absorb a change, rather than moving everything after it."""
    return any(c.value in (FILLER, PLACEHOLDER) for c in programme.categories)


def retimed(
    programme: Programme, start: datetime, stop: datetime, video: float | None = None
) -> Programme:
    """``programme`` moved to ``[start, stop)``, playing from its in point: its out point
    follows the new length, as :func:`~core.models.airing` sets one for a cut asset.

    ``video`` is the asset's known length (seconds); without it the programme's own
    ``duration`` is used, else its present length when it has no out point (the video is at
    least that long). Playing to the end of the video needs no out point.
    """
    attrs = dict(programme.attrs)
    into = cut_point(attrs, "in") or 0.0
    length = (stop.astimezone(UTC) - start.astimezone(UTC)).total_seconds()
    whole = cut_point(attrs, "duration") or video
    if whole is None and "ffplayout:out" not in attrs and programme.stop is not None:
        whole = into + (programme.stop - programme.start).total_seconds()
    kept = [(key, value) for key, value in programme.attrs if key not in CUT_POINTS]
    out = round(into + length, 3)
    if whole is not None and (into > 0 or round(out * 1000) < round(whole * 1000)):
        kept += [
            ("ffplayout:in", json.dumps(round(into, 3))),
            ("ffplayout:out", json.dumps(out)),
            ("ffplayout:duration", json.dumps(round(max(whole, out), 3))),
        ]
    elif into > 0:
        kept += [("ffplayout:in", json.dumps(round(into, 3)))]
    return replace(programme, start=start, stop=stop, attrs=tuple(kept), id=None)


@dataclass
class Builder:
    """Lays programmes one after another on a channel's clock, into ``added``."""

    channel: str
    zone: tzinfo
    shortest: int = 0
    """The shortest item (ms) worth airing: a shorter remainder goes to the item before."""
    added: list[Programme] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    last: tuple[Asset | None, str] | None = None  # what the last programme plays, as what
    told_short: bool = False
    exact: bool = False
    """Never stretch an item past the end of its video over a too-short remainder (cut it
    a shortest item earlier instead): the fixes, whose result must play to the millisecond.
    The planner stretches (up to ``shortest`` of dead air at the video's end)."""

    def place(
        self, picker: Picker, asset: Asset, moment: int, limit: int, category: str | None
    ) -> int:
        """Air ``asset`` at ``moment`` (cut at ``limit``, with an out point); returns where
        it ends."""
        end = moment + min(round((asset.duration or 0) * 1000), limit - moment)
        self.added.append(
            airing(self.channel, asset, local(moment, self.zone), local(end, self.zone), category)
        )
        picker.air(asset, moment, end)
        self.last = (asset, category or "")
        return end

    def absorb(self, moment: int, limit: int) -> int | None:
        """Deal with a remainder ``[moment, limit)`` too short to air (players and guides
        skip or drop sub-second items): the item before stretches over it and ``limit`` is
        returned. With ``exact``, when that item's video ends too soon to stretch, it is cut
        a whole shortest item before ``limit`` instead, and that point is returned: one more
        item goes there. ``None`` when there is no such remainder or nothing before it to join."""
        if not 0 < limit - moment < self.shortest:
            return None
        previous = self.added[-1] if self.added else None
        if previous is None or previous.stop is None or to_ms(previous.stop) != moment:
            if not self.told_short:  # said once; the short item is placed
                self.told_short = True
                when = moment_text(from_ms(moment, 0), self.zone)
                self.notes.append(
                    f"a {(limit - moment) / 1000:g} s item at {when} is shorter than the "
                    "shortest item (rules.min_item_seconds) and has nothing before it to join"
                )
            return None
        asset, category = self.last or (None, PLACEHOLDER)
        start = to_ms(previous.start)
        if asset is None:
            self.added[-1] = replace(previous, stop=local(limit, self.zone))
            return limit
        until = limit
        if self.exact and round((asset.duration or 0) * 1000) < limit - start:  # dead air
            until = limit - self.shortest
            if until - start < self.shortest:
                until = limit  # too short to cut: the sliver of dead air stays
        self.added[-1] = airing(
            self.channel, asset, local(start, self.zone), local(until, self.zone), category
        )
        return until

    def placeholder(self, start: int, end: int) -> int:
        """ "Off air" over ``[start, end)``; returns ``end``."""
        self.last = (None, PLACEHOLDER)
        self.added.append(placeholder(self.channel, start, end, self.zone))
        return end

    def fill(self, filler: Picker | None, start: int, end: int) -> int:
        """Fill ``[start, end)`` from the filler group (looped, the last item cut) or, with
        none, a placeholder; returns where it got to (short of ``end`` when no filler asset
        keeps the cooldown there)."""
        moment = self.absorb(start, end) or start
        if moment == end:
            return end
        if filler is None:
            return self.placeholder(moment, end)
        while moment < end:
            joined = self.absorb(moment, end)
            if joined == end:
                return end
            moment = joined or moment
            asset = filler.pick(moment, end - moment, least=self.shortest)
            if asset is None:
                return moment
            moment = self.place(filler, asset, moment, end, FILLER)
        return moment
