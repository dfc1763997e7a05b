"""Undo walks back through any number of changes, newest first, each time to exactly the
store the change found: fixes, edits, plans and dedupes, per channel or overall."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from core.errors import NothingToUndo, StaleRevision
from core.models import Text
from core.planner import apply_plan, make_plan, single_group
from core.rules.fixes import apply_fix, plan_fix
from core.samples import load_samples
from core.store import Store, import_file
from core.store.edits import Change, Delete, Replace, apply_changes
from core.store.library import apply_merges, find_duplicate_assets
from core.store.undo import pending_undos, undo
from tests.store.helpers import ACTOR, new_store

SPORTS = "sports.example.org"
NEW = "new.example.org"
STALE = r"^channel 'sports.example.org' was changed by tester@192\.0\.2\.7 at .* since the fix gap"


@pytest.fixture
def store(tmp_path: Path) -> Store:
    store = new_store(tmp_path)
    load_samples(store, ACTOR)
    return store


def _rows(store: Store, table: str) -> list[tuple[Any, ...]]:
    return list(store.connection.execute(f"SELECT * FROM {table} ORDER BY id"))


def _state(store: Store) -> tuple[list[tuple[Any, ...]], ...]:
    """Every programme exactly, the channels (but for who changed them last) and the library."""
    channels = store.connection.execute(
        "SELECT id, xmltv_id, name, timezone, programme_count FROM channel ORDER BY id"
    ).fetchall()
    return _rows(store, "programme"), channels, _rows(store, "asset")


def _edit(store: Store) -> None:
    """What the TUI does: delete one programme and move another by an hour."""
    first, second = store.page(SPORTS).programmes[:2]
    moved = replace(second, start=second.start + timedelta(hours=1), stop=second.stop, id=None)
    apply_changes(
        store,
        SPORTS,
        [Delete(first.id or 0), Replace(second.id or 0, moved)],
        actor=ACTOR,
        action="edit",
        summary="deleted one, moved one",
        expected_revision=store.revision(SPORTS),
    )


def _fix(kind: str, policy: str) -> Any:
    def apply(store: Store) -> None:
        apply_fix(store, plan_fix(store, kind, policy, channels=[SPORTS]), actor=ACTOR)

    return apply


def _plan(channel: str) -> Any:
    def apply(store: Store) -> None:
        start = datetime(2026, 12, 6, 10, tzinfo=UTC)  # removes what the trim changed
        plan = make_plan(store, channel, start, start + timedelta(hours=3), single_group("Filler"))
        apply_plan(store, plan, actor=ACTOR)

    return apply


def test_four_changes_are_undone_one_by_one_to_exactly_what_each_found(store: Store) -> None:
    changes = [_fix("gap", "placeholder"), _fix("overlap", "trim"), _plan(SPORTS), _edit]
    states = []
    for change in changes:
        states.append(_state(store))
        change(store)
    assert [entry.action for entry in pending_undos(store)] == [
        "edit",
        "plan",
        "fix overlap",
        "fix gap",
    ]
    for state in reversed(states):
        undo(store, actor=ACTOR)
        assert _state(store) == state
    with pytest.raises(NothingToUndo, match=r"^there is nothing to undo in this store$"):
        undo(store, actor=ACTOR)


def test_a_dedupe_and_changes_of_two_channels_undo_in_the_order_they_were_made(
    store: Store, tmp_path: Path
) -> None:
    playlist = tmp_path / "again.m3u"
    playlist.write_text("#EXTM3U\n#EXTINF:5,A\nhttp://x/a\n#EXTINF:5,B\nHTTP://X/a\n")
    import_file(store, playlist, actor=ACTOR)
    states = [_state(store)]
    _fix("overlap", "drop")(store)
    states.append(_state(store))
    apply_merges(store, find_duplicate_assets(store), actor=ACTOR)
    states.append(_state(store))
    _plan(NEW)(store)
    states.append(_state(store))
    _plan(SPORTS)(store)
    # one channel's undo passes over the other's newer change
    undo(store, actor=ACTOR, channel=NEW)
    assert NEW not in store.channel_ids()
    undo(store, actor=ACTOR, channel=SPORTS)
    assert _state(store) == states[2]
    undo(store, actor=ACTOR)  # the dedupe
    assert _state(store) == states[1]
    undo(store, actor=ACTOR)
    assert _state(store) == states[0]


def test_undoing_a_plan_that_made_its_channel_removes_the_channel(store: Store) -> None:
    before_fix = _state(store)
    _fix("gap", "placeholder")(store)
    before = _state(store)
    _plan(NEW)(store)
    assert NEW in store.channel_ids()
    result = undo(store, actor=ACTOR)
    assert NEW not in store.channel_ids()
    assert _state(store) == before
    assert "removed the channel" in result.summary
    # a later undo, of the same channel or any, does not trip over the channel it removed
    with pytest.raises(NothingToUndo, match=f"^there is nothing to undo on channel '{NEW}'$"):
        undo(store, actor=ACTOR, channel=NEW)
    assert undo(store, actor=ACTOR).channel == SPORTS
    assert _state(store) == before_fix


def test_an_undo_after_someone_else_changed_the_channel_is_refused(
    store: Store, tmp_path: Path
) -> None:
    _fix("gap", "placeholder")(store)
    extra = tmp_path / "late.xml"
    extra.write_text(
        '<tv><channel id="sports.example.org"><display-name>S</display-name></channel>'
        '<programme start="20261207060000 +0000" stop="20261207070000 +0000" '
        'channel="sports.example.org"><title>Late</title></programme></tv>'
    )
    import_file(store, extra, actor=ACTOR)
    after_import = _state(store)
    with pytest.raises(
        StaleRevision, match=r"changed by tester@192\.0\.2\.7 at .* since the fix gap"
    ):
        undo(store, actor=ACTOR)
    assert _state(store) == after_import
    # and an older change stays refused once a newer one is undone past the import
    _fix("overlap", "trim")(store)
    undo(store, actor=ACTOR)
    with pytest.raises(StaleRevision):
        undo(store, actor=ACTOR, channel=SPORTS)
    assert _state(store) == after_import


def _edit_then_lose_ids(
    store: Store, channel: str, tmp_path: Path, *edits: Sequence[Change]
) -> None:
    """Apply ``edits`` to ``channel`` one by one, then import a channel whose one programme
    takes the lowest free id (one the edits deleted)."""
    for change in edits:
        apply_changes(
            store,
            channel,
            change,
            actor=ACTOR,
            action="edit",
            summary="edit",
            expected_revision=store.revision(channel),
        )
    other = tmp_path / "other.xml"
    other.write_text(
        '<tv><channel id="other.example.org"><display-name>O</display-name></channel>'
        '<programme start="20261207060000 +0000" stop="20261207070000 +0000" '
        'channel="other.example.org"><title>Takes the id</title></programme></tv>'
    )
    import_file(store, other, actor=ACTOR)


def test_a_programme_whose_id_went_to_another_channel_comes_back_and_older_undos_follow(
    store: Store, tmp_path: Path
) -> None:
    (last, channel) = store.connection.execute(
        "SELECT programme.id, xmltv_id FROM programme JOIN channel ON channel.id = channel_id "
        "ORDER BY programme.id DESC LIMIT 1"
    ).fetchone()
    programme = next(p for p in store.programmes(channel) if p.id == last)
    retitled = replace(programme, titles=(Text("Retitled"),), id=None)
    before = list(store.programmes(channel))
    _edit_then_lose_ids(store, channel, tmp_path, [Replace(last, retitled)], [Delete(last)])
    assert next(iter(store.programmes("other.example.org"))).id == last
    undo(store, actor=ACTOR, channel=channel)
    undo(store, actor=ACTOR, channel=channel)  # names the programme by its new id
    assert list(store.programmes(channel)) == before
    assert next(iter(store.programmes("other.example.org"))).title == "Takes the id"


def test_programmes_put_back_under_ids_that_were_each_others_keep_their_older_undos(
    store: Store, tmp_path: Path
) -> None:
    """Ids are reused: the first programme put back takes the next free id, which is the
    second one's old id, so the second moves on again. The retitles still to be undone must
    follow each programme to its own new id, not both to the last one."""
    (channel,) = store.connection.execute(
        "SELECT xmltv_id FROM programme JOIN channel ON channel.id = channel_id "
        "ORDER BY programme.id DESC LIMIT 1"
    ).fetchone()
    top = sorted(store.programmes(channel), key=lambda p: p.id or 0)[-2:]
    lower, upper = (p.id or 0 for p in top)
    assert (
        upper
        == lower + 1
        == store.connection.execute("SELECT max(id) FROM programme").fetchone()[0]
    )
    before = [(p.id, p.title) for p in store.programmes(channel)]
    retitles = [
        Replace(p.id or 0, replace(p, titles=(Text(f"Retitled {p.id}"),), id=None)) for p in top
    ]
    # deleted upper first, so the undo puts lower back first
    _edit_then_lose_ids(store, channel, tmp_path, retitles, [Delete(upper), Delete(lower)])
    assert next(iter(store.programmes("other.example.org"))).id == lower
    undo(store, actor=ACTOR, channel=channel)  # lower comes back as upper, upper as upper + 1
    back = {p.title: p.id for p in store.programmes(channel)}
    assert [back[f"Retitled {lower}"], back[f"Retitled {upper}"]] == [upper, upper + 1]
    undo(store, actor=ACTOR, channel=channel)  # the retitles, by the new ids
    renamed = {lower: upper, upper: upper + 1}
    assert [(p.id, p.title) for p in store.programmes(channel)] == [
        (renamed.get(identifier or 0, identifier), title) for identifier, title in before
    ]
