"""The shortest item: a sub-second remainder joins the item before instead of airing alone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from core.config import RuleDefaults
from core.planner import apply_plan, make_plan, single_group
from core.rules import check_store
from tests.planner.helpers import add_library, back_to_back
from tests.store.helpers import ACTOR, new_store

CHANNEL = "short.example.org"
MONDAY = datetime(2027, 3, 1, tzinfo=UTC)


def _store(tmp_path: Path):  # type: ignore[no-untyped-def]
    store = new_store(tmp_path)
    shows = [(f"Show {n}", 3599.95, f"https://media.example.org/show{n}.mp4") for n in range(6)]
    add_library(store, tmp_path, {"Shows": shows})
    return store


def test_a_sub_second_remainder_joins_the_item_before(tmp_path: Path) -> None:
    store = _store(tmp_path)
    stop = MONDAY + timedelta(hours=2)  # two shows leave 0.1 s
    plan = make_plan(store, CHANNEL, MONDAY, stop, single_group("Shows"))
    assert [p.title for p in plan.added] == ["Show 0", "Show 1"]
    assert plan.added[-1].stop == stop and back_to_back(plan.added)
    assert all(p.stop and p.stop - p.start >= timedelta(seconds=1) for p in plan.added)
    apply_plan(store, plan, actor=ACTOR)
    counts = check_store(store, RuleDefaults(cooldown_hours=1)).counts
    assert {kind: n for kind, n in counts.items() if n} == {}


def test_the_shortest_item_is_a_setting(tmp_path: Path) -> None:
    store = _store(tmp_path)
    stop = MONDAY + timedelta(hours=2)
    rules = RuleDefaults(min_item_seconds=0)
    plan = make_plan(store, CHANNEL, MONDAY, stop, single_group("Shows"), defaults=rules)
    assert [p.stop - p.start for p in plan.added][-1] == timedelta(milliseconds=100)


def test_a_longer_asset_cut_at_the_end_is_chosen_over_one_that_leaves_a_sliver(
    tmp_path: Path,
) -> None:
    store = new_store(tmp_path)
    add_library(
        store,
        tmp_path,
        {
            "Mixed": [
                ("Almost", 3599.5, "https://media.example.org/almost.mp4"),
                ("Longer", 4000.0, "https://media.example.org/longer.mp4"),
            ]
        },
    )
    stop = MONDAY + timedelta(hours=1)
    plan = make_plan(store, CHANNEL, MONDAY, stop, single_group("Mixed"))
    (only,) = plan.added
    assert only.title == "Longer" and only.stop == stop
    assert dict(only.attrs)["ffplayout:out"] == "3600.0"
