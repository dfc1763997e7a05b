"""Fixes: previewed exactly, applied in one transaction with a backup, audited, undoable."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from core.errors import InputError, StaleRevision
from core.rules import check_store
from core.rules.fixes import apply_fix, plan_fix
from core.samples import load_samples
from core.store import Store
from core.store.undo import undo
from tests.store.helpers import ACTOR, new_store, snapshot

SPORTS = "sports.example.org"
KIDS = "kids.example.org"


@pytest.fixture
def store(tmp_path: Path) -> Store:
    store = new_store(tmp_path)
    load_samples(store, ACTOR)
    return store


def _count(store: Store, channel: str, kind: str) -> int:
    return check_store(store, channels=[channel]).counts[kind]


def test_a_dry_run_changes_nothing_and_lists_every_change(store: Store) -> None:
    before = snapshot(store.path)
    plan = plan_fix(store, "overlap", "ripple", channels=[SPORTS])
    assert [re.sub(r"#\d+", "#N", line) for line in plan.preview()] == [
        "sports.example.org (revision 2): 3 changes",
        "  ~ change #N 'Tennis: Quarter Final' Sun 06 Dec 2026 08:45–10:00 CET → "
        "'Tennis: Quarter Final' Sun 06 Dec 2026 09:00–10:15 CET",
        "  ~ change #N 'Post-Match Analysis' Sun 06 Dec 2026 14:00–15:00 CET → "
        "'Post-Match Analysis' Sun 06 Dec 2026 14:05–15:05 CET",
        "  ~ change #N 'Basketball Classics' Sun 06 Dec 2026 15:00–17:00 CET → "
        "'Basketball Classics' Sun 06 Dec 2026 15:05–17:05 CET",
        # the gaps that absorb the shift are shorter afterwards: said, not a surprise
        "after this fix, check also finds 2:",
        "  gap: Dead air Sun 06 Dec 2026 10:15–10:30 CET (15 min) on sports.example.org "
        "between 'Tennis: Quarter Final' and 'Football Preview'",
        "  gap: Dead air Sun 06 Dec 2026 17:05–17:20 CET (15 min) on sports.example.org "
        "between 'Basketball Classics' and 'Motorsport Qualifying'",
    ]
    assert snapshot(store.path) == before


@pytest.mark.parametrize(
    ("kind", "policy", "options", "gone"),
    [
        ("overlap", "trim", {}, "overlap"),
        ("overlap", "ripple", {}, "overlap"),
        ("overlap", "drop", {}, "overlap"),
        ("gap", "placeholder", {}, "gap"),
        ("gap", "fill", {"group": "Filler"}, "gap"),
        ("invalid", "drop", {}, "invalid"),
    ],
)
def test_each_policy_removes_its_findings_and_undo_brings_them_back(
    store: Store, kind: str, policy: str, options: dict[str, str], gone: str
) -> None:
    before = check_store(store, channels=[SPORTS]).counts
    assert before[gone] > 0
    plan = plan_fix(store, kind, policy, channels=[SPORTS], **options)
    apply_fix(store, plan, actor=ACTOR)
    after = check_store(store, channels=[SPORTS]).counts
    assert after[gone] == 0
    assert after["overlap"] + after["gap"] <= before["overlap"] + before["gap"]
    assert store.audit()[0].action == f"fix {kind}"
    assert list(store.database.backups.glob("*before-fix*"))
    undo(store, actor=ACTOR, channel=SPORTS)
    assert check_store(store, channels=[SPORTS]).counts == before


def test_ripple_stops_at_the_first_gap_that_absorbs_the_shift(store: Store) -> None:
    plan = plan_fix(store, "overlap", "ripple", channels=[SPORTS])
    moved = [line for line in plan.channels[0].lines]
    assert any("Tennis" in line for line in moved)
    assert not any("Football Preview" in line for line in moved)  # the 30-minute gap absorbs it
    assert not any("Motorsport" in line for line in moved)  # the 20-minute gap absorbs it


def test_gap_fill_loops_the_group_and_trims_the_last_item_to_fit(store: Store) -> None:
    plan = plan_fix(store, "gap", "fill", channels=[SPORTS], group="Filler")
    inserted = [c.programme for c in plan.channels[0].changes]  # type: ignore[union-attr]
    first_gap = [p for p in inserted if p.start.hour == 10]
    assert len(first_gap) == 60  # 30 minutes of 30-second bumpers
    assert first_gap[-1].stop.minute == 30  # type: ignore[union-attr]
    titles = [p.title for p in first_gap[:9]]
    assert titles[8] == titles[0]  # looped through the eight bumpers


def test_fill_without_a_group_is_refused_clearly(store: Store) -> None:
    with pytest.raises(InputError, match="--group"):
        plan_fix(store, "gap", "fill", channels=[SPORTS])
    with pytest.raises(InputError, match="'melt' is not a fix for gap findings"):
        plan_fix(store, "gap", "melt", channels=[SPORTS])


def test_cooldown_replacement_keeps_the_cooldown(store: Store) -> None:
    assert _count(store, KIDS, "cooldown") > 0
    plan = plan_fix(store, "cooldown", "replace", channels=[KIDS])
    assert plan.changes > 0
    changed = [c.programme_id for c in plan.channels[0].changes]  # type: ignore[union-attr]
    replaced = {store.programme(id).start for id in changed}
    unreplaced = [note for note in plan.notes if "keeps the 48 h cooldown" in note]
    apply_fix(store, plan, actor=ACTOR)
    findings = [f for f in check_store(store, channels=[KIDS]).findings if f.kind == "cooldown"]
    involved = {store.programme(id).start for f in findings for id in f.programmes}
    assert not involved & replaced  # no replacement airs too soon, nor makes another do so
    # what is left is exactly what the plan said it could not replace
    assert len(findings) == len(unreplaced) > 0
    assert plan.notes[-1].startswith(f"{len(unreplaced)} repeats could not be replaced")


def test_when_no_asset_can_keep_the_cooldown_the_plan_says_the_shortest_that_could(
    store: Store,
) -> None:
    plan = plan_fix(store, "cooldown", "replace", channels=["movies.example.org"])
    summary = plan.notes[-1]
    assert "could not be replaced" in summary
    assert "the shortest cooldown this library could satisfy" in summary


def test_a_plan_made_before_someone_else_changed_the_channel_is_refused(store: Store) -> None:
    plan = plan_fix(store, "overlap", "drop", channels=[SPORTS])
    other = plan_fix(store, "invalid", "drop", channels=[SPORTS])
    apply_fix(store, other, actor=ACTOR)
    before = snapshot(store.path)
    with pytest.raises(StaleRevision):
        apply_fix(store, plan, actor=ACTOR)
    assert snapshot(store.path)["programme"] == before["programme"]
