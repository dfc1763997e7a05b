"""Re-planning over a schedule: a replaced programme that ran past ``--to`` leaves no dead air."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from core.config import RuleDefaults
from core.planner import apply_plan, make_plan, single_group
from core.rules import check_store
from tests.planner.helpers import add_library, back_to_back, clips
from tests.store.helpers import ACTOR, new_store

CHANNEL = "replanned.example.org"
MONDAY = datetime(2027, 3, 1, tzinfo=UTC)
RULES = RuleDefaults(cooldown_hours=1)


def test_a_replaced_programme_running_past_the_window_is_filled_to_the_next_one(
    tmp_path: Path,
) -> None:
    store = new_store(tmp_path)
    add_library(
        store, tmp_path, {"Shows": clips("Shows", 10, 3600), "Shorts": clips("Shorts", 30, 700)}
    )
    first = make_plan(store, CHANNEL, MONDAY, MONDAY + timedelta(hours=4), single_group("Shows"))
    apply_plan(store, first, actor=ACTOR)
    # 'Shows 03' airs 02:00–03:00: re-planning up to 02:30 replaces it
    plan = make_plan(
        store,
        CHANNEL,
        MONDAY,
        MONDAY + timedelta(hours=2, minutes=30),
        single_group("Shorts"),
        defaults=RULES,
    )
    assert "Shows 03" in {p.title for p in plan.removed}
    assert plan.stop == MONDAY + timedelta(hours=3)
    assert plan.added[-1].stop == MONDAY + timedelta(hours=3) and back_to_back(plan.added)
    assert any(
        "'Shows 03' ran until Mon 01 Mar 2027 03:00 UTC; the plan fills to there" in note
        for note in plan.notes
    ), plan.notes
    apply_plan(store, plan, actor=ACTOR)
    counts = check_store(store, RULES).counts
    assert (counts["gap"], counts["overlap"]) == (0, 0)
