"""Repeats that come back too soon: the cooldown rule.

The same asset (fingerprint) may not air again on a channel less than the cooldown after its
previous airing *ended*; exactly the cooldown later is allowed. Items shorter than two
minutes (configurable) — bumpers, idents, filler — are exempt. A programme without an asset
is matched by title and episode; one with neither a fingerprint nor an episode number (a
daily live news, say) is not a repeat of anything and is not checked. With the ``network``
scope the airings of all those channels are compared with each other.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator

from core.rules.findings import FIXES, SEVERITY, Finding
from core.rules.slots import ChannelView, Slot

__all__ = ["find_cooldown_violations", "repeat_key"]


def repeat_key(slot: Slot) -> str | None:
    """What makes two airings "the same": the asset, or title and episode, or nothing."""
    if slot.fingerprint:
        return slot.fingerprint
    episode = slot.episode.strip()
    if not episode or not slot.title.strip():
        return None
    return f"{slot.title.strip().casefold()}\x1f{episode}"


def _hours(milliseconds: float) -> str:
    seconds = int(milliseconds // 1000)
    text = f"{seconds // 3600}:{seconds % 3600 // 60:02d}"
    return text + f":{seconds % 60:02d}" if seconds % 60 else text


def _stream(order: int, view: ChannelView) -> Iterator[tuple[int, int, int, ChannelView]]:
    skip = view.empty | view.duplicates.keys()
    for index, slot in enumerate(view.slots):
        if index not in skip and view.ends[index] is not None:
            yield slot.start, order, index, view


def _airings(views: list[ChannelView]) -> Iterator[tuple[int, int, int, ChannelView]]:
    """(start, channel order, index, view) of every checkable airing, in time order."""
    streams = [_stream(order, view) for order, view in enumerate(views)]
    if len(streams) == 1:
        return streams[0]
    return heapq.merge(*streams, key=lambda item: (item[0], item[1], item[2]))


def find_cooldown_violations(
    views: list[ChannelView], cooldown_ms: int, shortest_ms: int = 0
) -> list[Finding]:
    """Airings less than ``cooldown_ms`` after the previous airing of the same asset ended.

    Pass one channel's view for the ``channel`` scope, several for the ``network`` scope.
    Items shorter than ``shortest_ms`` (bumpers, idents, filler) are exempt: they repeat by
    design.
    """
    findings: list[Finding] = []
    last: dict[str, tuple[int, Slot, ChannelView]] = {}
    for start, _, index, view in _airings(views):
        slot = view.slots[index]
        key = repeat_key(slot)
        if key is None:
            continue
        end = view.ends[index]
        assert end is not None
        if end - start < shortest_ms:
            continue
        previous = last.get(key)
        if previous is not None and start - previous[0] < cooldown_ms:
            ended, before, where = previous
            begin_at = view.when(start, slot.offset)
            stop_at = view.when(end, slot.offset)
            episode = f" ({slot.episode})" if slot.episode else ""
            elsewhere = f" on {where.channel}" if where is not view else ""
            since = start - ended
            when = (
                f"{_hours(since)} after its previous airing{elsewhere} ended"
                if since >= 0
                else f"while its previous airing{elsewhere} still runs"
            )
            message = (
                f"'{slot.title}'{episode} airs again at {view.moment(begin_at)} on {view.channel}, "
                f"{when} (cooldown {_hours(cooldown_ms)})"
            )
            findings.append(
                Finding(
                    "cooldown",
                    SEVERITY["cooldown"],
                    view.channel,
                    begin_at,
                    stop_at,
                    message,
                    (before.id, slot.id),
                    FIXES["cooldown"],
                )
            )
        if previous is None or end > previous[0]:
            last[key] = (end, slot, view)
    return findings
