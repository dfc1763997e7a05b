"""A programme's place in its channel: counted from the start, or from a place already known."""

from __future__ import annotations

from pathlib import Path

from core.samples import load_samples
from core.store import Cursor
from tests.store.helpers import ACTOR, new_store


def test_the_position_is_the_count_before_and_a_known_place_counts_only_the_rows_between(
    tmp_path: Path,
) -> None:
    store = new_store(tmp_path)
    load_samples(store, ACTOR)
    # the channel with the most programmes, some sharing a start (ties go by row id)
    channel = max(store.channel_ids(), key=store.count)
    programmes = list(store.programmes(channel))
    order = sorted(programmes, key=lambda p: (p.start, p.id))
    assert [p.id for p in order] == [p.id for p in programmes]
    cursors = [Cursor.of(p) for p in order]
    for place in (0, 1, len(order) // 2, len(order) - 1):
        assert store.position(channel, cursors[place]) == place
    known = (cursors[10], 10)
    for place in (0, 9, 10, 11, len(order) - 1):  # behind it, at it and after it
        assert store.position(channel, cursors[place], known) == place
    store.close()
