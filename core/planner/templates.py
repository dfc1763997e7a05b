"""Day-of-week templates: which library group plays when, from a small TOML file.

::

    # weekdays 06:00–09:00 from News; Saturday 20:00 one item from Movies; else Music
    [default]
    group = "Music"

    [[block]]
    days = "weekdays"
    start = "06:00"
    end = "09:00"
    group = "News"

    [[block]]
    days = "sat"
    start = "20:00"
    items = 1
    group = "Movies"

``days`` is ``daily``, ``weekdays``, ``weekends``, a day (``mon`` … ``sun``) or a list of
days. Times are the channel's local time; a block that ends before it starts runs across
midnight, and its hours after midnight belong to the day it started (``fri 22:00–02:00``
covers Saturday 01:00). A block with ``items`` starts exactly at its start
and plays that many items (its end is where they end); a block with ``end`` fills the span.
Where blocks overlap, the one listed first wins; outside every block, the default plays.

Each time is read on that day's local clock, across clock changes: ``06:00–09:00`` is
06:00 to 09:00 on the wall clock every day, however many hours the day has. A time the
clocks skip (02:30 when they jump from 02:00 to 03:00) is the moment they jump; a time that
happens twice (01:30 when they go back) is its first occurrence.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from pathlib import Path
from typing import Any, Literal

from core.config import parse_toml
from core.errors import InputError
from core.planner.localtime import local_instant
from core.safefiles import read_input

__all__ = ["Block", "Template", "load_template", "single_group"]

_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_SETS = {
    "daily": set(range(7)),
    "weekdays": set(range(5)),
    "weekends": {5, 6},
}

Order = Literal["sequential", "shuffle"]


@dataclass(frozen=True)
class Block:
    """A part of the day that plays from one group."""

    days: frozenset[int]
    start: time
    end: time | None
    group: str
    items: int | None = None
    order: Order | None = None

    def span_on(self, day: date, zone: tzinfo) -> tuple[datetime, datetime] | None:
        """The instants this block runs on ``day`` (``None``: not that day, or an ``items``
        block); the times are ``day``'s local clock, as :func:`local_instant` reads them."""
        if self.end is None or day.weekday() not in self.days or self.end == self.start:
            return None
        start = local_instant(day, self.start, zone)
        end_day = day if self.start < self.end else day + timedelta(days=1)
        return start, local_instant(end_day, self.end, zone)

    def end_at(self, moment: datetime, zone: tzinfo) -> datetime | None:
        """Where this block's run that covers ``moment`` ends (``None``: it does not cover
        it). A run across midnight belongs to the day it started."""
        today = moment.astimezone(zone).date()
        for day in (today - timedelta(days=1), today):
            span = self.span_on(day, zone)
            if span is not None and span[0] <= moment < span[1]:
                return span[1]
        return None

    def covers(self, moment: datetime, zone: tzinfo | None = None) -> bool:
        """Whether ``moment`` falls in this block's span (``end`` blocks only), on the
        clock of ``zone`` (by default the zone ``moment`` is given in)."""
        return self.end_at(moment, zone or moment.tzinfo or UTC) is not None


@dataclass(frozen=True)
class Template:
    """Blocks in priority order, and the default group."""

    blocks: tuple[Block, ...]
    default: str | None
    order: Order = "sequential"

    def group_at(
        self, moment: datetime, zone: tzinfo | None = None
    ) -> tuple[str | None, Block | None]:
        """The group playing at ``moment`` on the clock of ``zone`` (by default the zone
        ``moment`` is given in), and its block (``None``: the default)."""
        for block in self.blocks:
            if block.covers(moment, zone):
                return block.group, block
        return self.default, None

    def span_end(self, moment: datetime, zone: tzinfo, limit: datetime) -> datetime:
        """Where the rule playing at ``moment`` stops: a block's end, or the next block."""
        _, block = self.group_at(moment, zone)
        candidates = [limit]
        if block is not None and (end := block.end_at(moment, zone)) is not None:
            candidates.append(end)
        following = next(self._starts_after(moment, limit, zone), None)
        if following is not None:
            candidates.append(following)
        return min(candidates)

    def _starts_after(self, moment: datetime, stop: datetime, zone: tzinfo) -> Iterator[datetime]:
        """Block starts in ``(moment, stop)``, day by day (lazily: the caller wants the first)."""
        if not self.blocks:
            return
        day = moment.astimezone(zone).date() - timedelta(days=1)
        last = stop.astimezone(zone).date()
        while day <= last:
            starts = {
                local_instant(day, block.start, zone)
                for block in self.blocks
                if day.weekday() in block.days
            }
            yield from sorted(start for start in starts if moment < start < stop)
            day += timedelta(days=1)

    def fixed_at(self, moment: datetime, zone: tzinfo) -> Block | None:
        """The ``items`` block starting exactly at ``moment``, if any (one whose time the
        clocks skip that day starts when they jump)."""
        day = moment.astimezone(zone).date()
        for block in self.blocks:
            if (
                block.items
                and day.weekday() in block.days
                and local_instant(day, block.start, zone) == moment
            ):
                return block
        return None

    @property
    def groups(self) -> set[str]:
        """Every group the template names."""
        names = {block.group for block in self.blocks}
        if self.default:
            names.add(self.default)
        return names


def single_group(group: str, order: Order = "sequential") -> Template:
    """The template of ``plan --group G``: one group all day."""
    return Template((), group, order)


def _days(value: Any, where: str) -> frozenset[int]:
    items = value if isinstance(value, list) else [value]
    days: set[int] = set()
    for item in items:
        name = (
            str(item).strip().lower()[:3] if str(item).lower() not in _SETS else str(item).lower()
        )
        if name in _SETS:
            days |= _SETS[name]
        elif name in _DAYS:
            days.add(_DAYS.index(name))
        else:
            raise ValueError(
                f"{where}: '{item}' is not a day (mon … sun, weekdays, weekends, daily)"
            )
    return frozenset(days)


def _time(value: Any, where: str) -> time:
    try:
        return time.fromisoformat(str(value))
    except ValueError:
        raise ValueError(f"{where}: '{value}' is not a time of day (HH:MM)") from None


_LARGEST_TEMPLATE = 1 << 20  # a week of blocks is a few KiB


def load_template(path: Path) -> Template:
    """Read a template file; ``InputError`` names the file and the block that is wrong."""
    data = parse_toml(path, read_input(path, _LARGEST_TEMPLATE, "template"))
    try:
        blocks = []
        for number, raw in enumerate(data.get("block", []), 1):
            where = f"block {number}"
            if "group" not in raw or "start" not in raw:
                raise ValueError(f"{where}: needs a group and a start")
            if ("end" in raw) == ("items" in raw):
                raise ValueError(f"{where}: give either an end or a number of items")
            order = raw.get("order")
            if order not in (None, "sequential", "shuffle"):
                raise ValueError(f"{where}: order must be sequential or shuffle")
            blocks.append(
                Block(
                    _days(raw.get("days", "daily"), where),
                    _time(raw["start"], where),
                    _time(raw["end"], where) if "end" in raw else None,
                    str(raw["group"]),
                    int(raw["items"]) if "items" in raw else None,
                    order,
                )
            )
        default = data.get("default", {}).get("group")
        order = data.get("default", {}).get("order", "sequential")
        if order not in ("sequential", "shuffle"):
            raise ValueError("default: order must be sequential or shuffle")
    except (ValueError, TypeError) as error:
        raise InputError(str(error), path=path, hint="see the template format in README") from None
    return Template(tuple(blocks), default, order)
