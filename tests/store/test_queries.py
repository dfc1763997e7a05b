"""The query API: windows, keyset pages, searching, counts."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from core.errors import StoreError
from core.store import Cursor, Store, import_file
from tests.conftest import corpus_path
from tests.store.helpers import ACTOR, new_store

CHANNEL = "ch0001.bench.example.org"


def test_pages_follow_each_other_without_gaps_or_repeats(week: Store) -> None:
    every = list(week.programmes(CHANNEL))
    seen = []
    page = week.page(CHANNEL, limit=17)
    while True:
        seen.extend(page.programmes)
        if not page.has_more:
            break
        page = week.page(CHANNEL, after=page.last, limit=17)
    assert [p.id for p in seen] == [p.id for p in every]
    assert len(seen) == week.count(CHANNEL)


def test_pages_go_backwards_too(week: Store) -> None:
    first = week.page(CHANNEL, limit=10)
    second = week.page(CHANNEL, after=first.last, limit=10)
    back = week.page(CHANNEL, before=second.first, limit=10)
    assert [p.id for p in back.programmes] == [p.id for p in first.programmes]


def test_a_page_at_an_instant_starts_with_what_is_on_air(week: Store) -> None:
    moment = datetime(2026, 12, 3, 12, 7, tzinfo=UTC)
    page = week.page_at(CHANNEL, moment, limit=3)
    on_air = page.programmes[0]
    assert on_air.start <= moment < (on_air.stop or on_air.start)


def test_a_window_includes_the_programme_already_on_at_its_start(tmp_path: Path) -> None:
    store = new_store(tmp_path)
    import_file(store, corpus_path("jellyfin-server", "notitle.xml"), actor=ACTOR)
    # one programme from 2022-11-04 13:00 to 2022-11-05 23:59:59 (-0400)
    start = datetime(2022, 11, 5, 12, tzinfo=UTC)
    found = list(store.programmes("3297", start, start + timedelta(hours=1)))
    assert len(found) == 1
    assert list(store.programmes("3297", start + timedelta(days=2))) == []
    store.close()


def test_counts_and_time_range(week: Store) -> None:
    assert week.count() == sum(week.count(c) for c in week.channel_ids())
    first, last = week.time_range(CHANNEL)
    assert first == datetime(2026, 12, 1, tzinfo=UTC)
    assert last is not None and last >= datetime(2026, 12, 8, tzinfo=UTC)


def test_unknown_channels_are_named_in_the_error(week: Store) -> None:
    with pytest.raises(StoreError, match=r"there is no channel 'nope\.example\.org'"):
        week.page("nope.example.org")


def test_cursor_needs_a_stored_programme(week: Store) -> None:
    programme = week.page(CHANNEL, limit=1).programmes[0]
    assert Cursor.of(programme).row_id == programme.id


def test_an_import_records_where_it_came_from(tmp_path: Path) -> None:
    path = tmp_path / "guide.xml"
    path.write_text(
        '<tv><programme start="20261201060000 +0100" stop="20261201070000 +0100" '
        'channel="a.example.org"><title>A</title></programme></tv>',
        encoding="utf-8",
    )
    store = new_store(tmp_path)
    import_file(store, path, actor=ACTOR)
    row = store.database.connection.execute(
        "SELECT path, md5, format, who, added, skipped FROM import_source"
    ).fetchone()
    expected = hashlib.md5(path.read_bytes(), usedforsecurity=False).hexdigest()
    assert tuple(row) == (str(path.resolve()), expected, "xmltv", str(ACTOR), 1, 0)
