"""Joining a programme that ffplayout day playlists split at the broadcast-day start.

An export cuts a programme that crosses the day start in two, as ffplayout plays it: the day
ends with the video's ``out`` at the day start, the next day begins with the same ``source``
and ``in`` at that point (``core.store.playout.cut_to``). Importing those days one after the
other must give back one programme, not two pieces that look like a repeat with no pause.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from core.cutpoints import cut_point
from core.models import Programme
from core.store.store import Store

__all__ = ["continues", "join_split"]

_TOLERANCE = 0.002  # seconds: in/out are written with three decimals
_TOUCH = timedelta(milliseconds=1)


def continues(earlier: Programme, later: Programme) -> bool:
    """``later`` is the rest of ``earlier``: same video, picked up where it stopped."""
    out, into = cut_point(dict(earlier.attrs), "out"), cut_point(dict(later.attrs), "in")
    return (
        earlier.channel == later.channel
        and earlier.stop == later.start
        and earlier.locator is not None
        and earlier.locator == later.locator
        and out is not None
        and into is not None
        and into > 0
        and abs(out - into) <= _TOLERANCE
    )


def _joined(earlier: Programme, later: Programme) -> Programme:
    attrs = dict(earlier.attrs)
    attrs["ffplayout:out"] = dict(later.attrs)["ffplayout:out"]
    return replace(earlier, id=None, stop=later.stop, attrs=tuple(attrs.items()))


def join_split(store: Store, programmes: list[Programme]) -> tuple[list[Programme], list[int]]:
    """``programmes`` (one channel's day, in order) joined to their stored other halves.

    Returns the programmes and the ids of the stored halves that the joined ones replace.
    """
    if not programmes or programmes[0].channel not in store.channel_ids():
        return programmes, []
    joined, stored = list(programmes), []
    first, last = programmes[0], programmes[-1]
    for earlier in store.programmes(first.channel, first.start - _TOUCH, first.start):
        if earlier.id is not None and continues(earlier, first):
            joined[0] = _joined(earlier, first)
            stored.append(earlier.id)
            break
    if last.stop is not None:
        for later in store.programmes(last.channel, last.stop, last.stop + _TOUCH):
            if later.id is not None and continues(last, later):
                joined[-1] = _joined(joined[-1], later)
                stored.append(later.id)
                break
    return joined, stored
