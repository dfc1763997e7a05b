"""Sorted and filtered views of one channel's programmes, read a page at a time.

The store keeps one index on programmes — (channel, start) — because every index costs each
of 700,000 inserts. Time order pages along it (:meth:`Store.page`). Any other order, or a
title filter, is a view: one sorted pass over the channel's rows, done once in a job (a
second or two for 600,000 programmes), keeps only the programme ids in that order (8 bytes
each); then a page is read by position, the ids of that page looked up by primary key — a
page at row 600,000 of a view costs what the first one costs.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable
from dataclasses import dataclass, field

from core.errors import Cancelled, InputError
from core.models import Programme
from core.store.store import Store

__all__ = ["ORDERS", "ProgrammeView", "build_view"]

ORDERS = {
    "start": "start, id",
    "title": "title COLLATE NOCASE, start, id",
    "length": "COALESCE(stop, start) - start DESC, start, id",
}
"""The orders a view can have: time, title (A–Z), length (longest first)."""

_BATCH = 10_000


@dataclass(frozen=True)
class ProgrammeView:
    """One channel's programmes in one order, only those whose title contains a text."""

    channel: str
    order: str
    contains: str | None
    ids: array[int] = field(repr=False)

    def __len__(self) -> int:
        return len(self.ids)

    def to_json(self) -> dict[str, object]:
        """What the job history records of it (not the ids)."""
        return {
            "channel": self.channel,
            "order": self.order,
            "contains": self.contains,
            "programmes": len(self.ids),
        }

    def page(self, store: Store, start: int, limit: int) -> list[Programme]:
        """The programmes at positions ``start`` … ``start + limit - 1`` of the view.

        A programme deleted since the view was built is left out.
        """
        first = max(start, 0)
        return store.programmes_by_id(self.channel, self.ids[first : first + limit].tolist())


def build_view(
    store: Store,
    channel: str,
    order: str = "start",
    contains: str | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> ProgrammeView:
    """The view of ``channel`` in ``order`` (see :data:`ORDERS`), titles containing ``contains``.

    The filter ignores case, like the channel list's; an empty one is no filter.
    """
    if order not in ORDERS:
        raise InputError(
            f"cannot sort programmes by '{order}'", hint=f"choose one of {', '.join(ORDERS)}"
        )
    contains = contains.strip() if contains else None
    where = "channel_id = ?"
    parameters: list[object] = [store.channel_key(channel)]
    if contains:
        escaped = contains.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        where += " AND title LIKE ? ESCAPE '\\'"
        parameters.append(f"%{escaped}%")
    cursor = store.connection.execute(
        f"SELECT id FROM programme WHERE {where} ORDER BY {ORDERS[order]}", parameters
    )
    ids: array[int] = array("q")
    while rows := cursor.fetchmany(_BATCH):
        if should_stop is not None and should_stop():
            raise Cancelled("the view was not built")
        ids.extend(row[0] for row in rows)
    return ProgrammeView(channel, order, contains, ids)
