"""The planner: order and seeds, the cooldown around the window, grids, fillers, new channels,
and applying with backup, audit and undo."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from core.config import RuleDefaults
from core.errors import InputError, StaleRevision
from core.planner import PLACEHOLDER, apply_plan, make_plan, single_group
from core.rules import check_store
from core.store import Store
from core.store.undo import undo
from tests.planner.helpers import add_library, back_to_back, clips
from tests.store.helpers import ACTOR, new_store, snapshot

CHANNEL = "planned.example.org"
MONDAY = datetime(2027, 3, 1, tzinfo=UTC)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    store = new_store(tmp_path)
    add_library(
        store,
        tmp_path,
        {
            "Shows": clips("Shows", 60, 3600),
            "Shorts": [(f"Short {n}", 600 + 23 * n, f"/media/short-{n}.mp4") for n in range(40)],
            "Bumpers": clips("Bumpers", 3, 45),
            "Tiny": clips("Tiny", 10, 3600),
        },
    )
    return store


def _plan_and_apply(store: Store, start: datetime, hours: float, group: str = "Shows", **kw):  # type: ignore[no-untyped-def]
    plan = make_plan(
        store, CHANNEL, start, start + timedelta(hours=hours), single_group(group), **kw
    )
    apply_plan(store, plan, actor=ACTOR)
    return plan


def test_sequential_plays_the_group_in_library_order_and_fills_the_window_exactly(
    store: Store,
) -> None:
    plan = make_plan(store, CHANNEL, MONDAY, MONDAY + timedelta(hours=5), single_group("Shows"))
    assert [p.title for p in plan.added] == [f"Shows {n:02d}" for n in range(1, 6)]
    assert plan.added[0].start == MONDAY and plan.added[-1].stop == MONDAY + timedelta(hours=5)
    assert back_to_back(plan.added)
    assert plan.creates is not None and plan.creates.id == CHANNEL


def test_the_same_seed_gives_the_same_schedule_and_another_seed_another(store: Store) -> None:
    def titles(seed: int) -> list[str]:
        template = single_group("Shows", "shuffle")
        window = (MONDAY, MONDAY + timedelta(hours=24))
        return [p.title for p in make_plan(store, CHANNEL, *window, template, seed=seed).added]

    assert titles(7) == titles(7)
    assert titles(7) != titles(8)
    assert sorted(titles(7)) != titles(7)  # shuffled, not in order
    assert len(set(titles(7))) == 24  # no repeats inside the cooldown


def test_a_plan_never_repeats_inside_the_cooldown_across_several_plans(store: Store) -> None:
    # 60 one-hour shows, a 48 h cooldown: every show may come back after 48 h at the soonest.
    _plan_and_apply(store, MONDAY + timedelta(hours=48), 24)  # Wednesday first
    _plan_and_apply(store, MONDAY, 48)  # then Monday and Tuesday: must respect Wednesday
    _plan_and_apply(store, MONDAY + timedelta(hours=72), 72)  # and Thursday on, after it
    report = check_store(store, channels=[CHANNEL])
    assert report.counts["cooldown"] == 0, [f.message for f in report.findings]
    assert report.counts["overlap"] == report.counts["gap"] == 0
    assert store.count(CHANNEL) == 24 * 6


def test_a_library_too_small_for_the_cooldown_is_refused_before_anything_is_written(
    store: Store, tmp_path: Path
) -> None:
    store.path.parent.joinpath("x").touch()
    before = snapshot(store.path)
    with pytest.raises(InputError) as raised:
        make_plan(store, CHANNEL, MONDAY, MONDAY + timedelta(hours=48), single_group("Tiny"))
    message = str(raised.value)
    assert "group 'Tiny' (10 assets) cannot fill planned.example.org" in message
    assert "48 h cooldown" in message
    assert "the longest cooldown it could keep is about 9.0 h" in message
    assert "nothing was planned" in message
    assert snapshot(store.path) == before
    # with a cooldown the library can keep, the same window plans
    plan = make_plan(
        store,
        CHANNEL,
        MONDAY,
        MONDAY + timedelta(hours=48),
        single_group("Tiny"),
        defaults=RuleDefaults(cooldown_hours=9),
    )
    assert len(plan.added) == 48


def test_short_items_are_exempt_from_the_cooldown_as_the_rules_say(store: Store) -> None:
    plan = make_plan(store, CHANNEL, MONDAY, MONDAY + timedelta(hours=1), single_group("Bumpers"))
    assert len(plan.added) == 80  # three 45 s bumpers looped for an hour


def test_grid_starts_items_on_the_clock_and_fills_the_rest_from_the_filler_group(
    store: Store,
) -> None:
    start = MONDAY + timedelta(hours=6, minutes=10)  # between grid lines
    plan = make_plan(
        store,
        CHANNEL,
        start,
        start + timedelta(hours=6),
        single_group("Shorts"),
        grid=timedelta(minutes=30),
        filler="Bumpers",
    )
    shows = [p for p in plan.added if p.title.startswith("Short")]
    fillers = [p for p in plan.added if p.title.startswith("Bumpers")]
    lines = [MONDAY + timedelta(hours=6, minutes=30 * n) for n in range(1, 13)]
    assert back_to_back(plan.added)
    assert plan.added[0].start == start and plan.added[-1].stop == start + timedelta(hours=6)
    assert fillers[0].start == start  # 06:10–06:30 is filler
    # every slot opens with a show on the grid line; more shows follow while whole ones fit
    starts = {p.start for p in shows}
    assert all(line in starts for line in lines)
    assert len(shows) > len(lines)
    assert not any(p.start < line < p.stop for p in shows for line in lines if p.stop)  # type: ignore[operator]
    # filler only closes slots: each run of filler ends on a grid line, its last item trimmed
    for index, programme in enumerate(plan.added[:-1]):
        after = plan.added[index + 1]
        if programme in fillers and after in shows:
            assert after.start in lines
    trimmed = [p for p in fillers if p.stop and (p.stop - p.start) < timedelta(seconds=45)]
    assert trimmed and all(p.stop in lines for p in trimmed)
    assert all(dict(p.attrs)["ffplayout:out"] for p in trimmed)  # cut on purpose, marked


def test_grid_without_a_filler_group_inserts_a_visible_placeholder(store: Store) -> None:
    plan = make_plan(
        store,
        CHANNEL,
        MONDAY,
        MONDAY + timedelta(hours=2),
        single_group("Shorts"),
        grid=timedelta(hours=1),
    )
    placeholders = [p for p in plan.added if p.title == PLACEHOLDER]
    assert MONDAY + timedelta(hours=1) in {p.start for p in plan.added if p.title != PLACEHOLDER}
    assert [p.stop for p in placeholders] == [MONDAY + timedelta(hours=n) for n in (1, 2)]
    assert back_to_back(plan.added)


def test_a_plan_starts_after_a_programme_that_runs_into_the_window(store: Store) -> None:
    _plan_and_apply(store, MONDAY, 1, group="Shows")
    plan = make_plan(
        store,
        CHANNEL,
        MONDAY + timedelta(minutes=30),
        MONDAY + timedelta(hours=3),
        single_group("Shows"),
    )
    assert plan.added[0].start == MONDAY + timedelta(hours=1)
    assert any("runs until Mon 01 Mar 2027 01:00 UTC" in note for note in plan.notes)


def test_applying_takes_a_backup_records_an_audit_and_can_be_undone(store: Store) -> None:
    _plan_and_apply(store, MONDAY, 2)
    backups = list((store.path.parent / "backups").glob("*before-plan*"))
    assert backups
    plan = make_plan(store, CHANNEL, MONDAY, MONDAY + timedelta(hours=2), single_group("Shorts"))
    window = (MONDAY, MONDAY + timedelta(hours=2))
    before = [(p.title, p.start, p.stop) for p in store.programmes(CHANNEL, *window)]
    apply_plan(store, plan, actor=ACTOR)
    assert {p.title for p in store.programmes(CHANNEL, MONDAY, MONDAY + timedelta(hours=2))} <= {
        p.title for p in plan.added
    }
    assert [r.action for r in store.audit()[:2]] == ["plan", "plan"]
    undo(store, channel=CHANNEL, actor=ACTOR)
    assert [(p.title, p.start, p.stop) for p in store.programmes(CHANNEL, *window)] == before


def test_a_plan_made_from_a_stale_view_is_refused(store: Store) -> None:
    _plan_and_apply(store, MONDAY, 2)
    stale = make_plan(store, CHANNEL, MONDAY, MONDAY + timedelta(hours=2), single_group("Shorts"))
    _plan_and_apply(store, MONDAY + timedelta(hours=10), 2)
    with pytest.raises(StaleRevision, match="was changed by tester"):
        apply_plan(store, stale, actor=ACTOR)


def test_network_scope_keeps_the_cooldown_across_channels(store: Store) -> None:
    network = RuleDefaults(cooldown_scope="network")
    first = make_plan(
        store, "a.example.org", MONDAY, MONDAY + timedelta(hours=10), single_group("Shows"),
        defaults=network,
    )  # fmt: skip
    apply_plan(store, first, actor=ACTOR)
    second = make_plan(
        store, "b.example.org", MONDAY, MONDAY + timedelta(hours=10), single_group("Shows"),
        defaults=network,
    )  # fmt: skip
    assert not {p.title for p in first.added} & {p.title for p in second.added}
    alone = make_plan(
        store, "b.example.org", MONDAY, MONDAY + timedelta(hours=10), single_group("Shows")
    )
    assert {p.title for p in first.added} == {p.title for p in alone.added}


def test_an_unknown_group_and_an_empty_window_are_clear_errors(store: Store) -> None:
    with pytest.raises(InputError, match="the library has no group 'Films'"):
        make_plan(store, CHANNEL, MONDAY, MONDAY + timedelta(hours=1), single_group("Films"))
    with pytest.raises(InputError, match="--to must come after --from"):
        make_plan(store, CHANNEL, MONDAY, MONDAY, single_group("Shows"))
    with pytest.raises(InputError, match="not an IANA time zone"):
        make_plan(
            store,
            CHANNEL,
            MONDAY,
            MONDAY + timedelta(hours=1),
            single_group("Shows"),
            timezone="Mars/Olympus",
        )
