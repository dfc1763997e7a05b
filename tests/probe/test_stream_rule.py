"""What the probes found reaches ``check`` (only programmes in the window), its fixes
(disable, replace: nothing deleted) and the planner (down assets are not placed)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from core.locators import fingerprint
from core.models import Channel, Programme, Text
from core.planner.plan import make_plan
from core.planner.templates import single_group
from core.probe.job import probe_targets, run_probe
from core.probe.model import ProbeSettings, StreamState
from core.rules import check_store
from core.rules.fixes import apply_fix, plan_fix
from core.store import Store, import_file
from core.store.edits import Insert, apply_changes
from core.store.streams import disabled_assets, stream_verdicts
from core.store.undo import undo
from tests.store.helpers import ACTOR, new_store

CHANNEL = "live.example.org"
T0 = datetime(2026, 12, 5, 6, 0, tzinfo=UTC)
SETTINGS = ProbeSettings(timeout=3, retries=0)


@pytest.fixture
def store(tmp_path: Path, stream_server: str) -> Store:
    """A 'Live' group of three half-hour streams (one dead) and a channel airing them."""
    store = new_store(tmp_path)
    listed = tmp_path / "live.m3u"
    entries = [("Dead", "/status/404"), ("One", "/media?n=1"), ("Two", "/media?n=2")]
    listed.write_text(
        "#EXTM3U\n"
        + "".join(
            f'#EXTINF:1800 group-title="Live",{title}\n{stream_server}{path}\n'
            for title, path in entries
        ),
        encoding="utf-8",
    )
    import_file(store, listed, actor=ACTOR)
    dead, one = f"{stream_server}/status/404", f"{stream_server}/media?n=1"
    airings = [(0, dead), (30, one), (24 * 60, dead)]  # the last one is a day later
    apply_changes(
        store,
        CHANNEL,
        [
            Insert(
                Programme(
                    CHANNEL,
                    T0 + timedelta(minutes=minute),
                    T0 + timedelta(minutes=minute + 30),
                    titles=(Text(f"Show at {minute}"),),
                    locator=locator,
                    fingerprint=fingerprint(locator),
                )
            )
            for minute, locator in airings
        ],
        actor=ACTOR,
        action="edit",
        summary="three shows",
        expected_revision=None,
        create=Channel(CHANNEL),
    )
    return store


def _probe(store: Store) -> None:
    run_probe(store, None, probe_targets(store, library=True), SETTINGS)


def _unplayable(store: Store) -> list[str]:
    report = check_store(store, channels=[CHANNEL], start=T0, stop=T0 + timedelta(hours=2))
    return [f.message for f in report.findings if f.kind == "unplayable"]


def test_a_down_stream_is_reported_for_the_programmes_in_the_window_only(
    store: Store, stream_server: str
) -> None:
    assert _unplayable(store) == []  # never probed: no verdict, no finding
    _probe(store)
    dead = fingerprint(f"{stream_server}/status/404")
    verdict = stream_verdicts(store)[dead]
    assert verdict.state is StreamState.DOWN and verdict.down_since is not None
    (message,) = _unplayable(store)
    assert message.startswith("'Show at 0' at Sat 05 Dec 2026 06:00 UTC: its stream is down since ")
    assert message.endswith("(HTTP 404 Not Found)")


def test_replace_puts_an_up_asset_of_the_group_that_fits_and_undo_reverts_it(
    store: Store, stream_server: str
) -> None:
    _probe(store)
    plan = plan_fix(
        store, "unplayable", "replace", channels=[CHANNEL], start=T0, stop=T0 + timedelta(hours=2)
    )
    assert plan.changes == 1
    apply_fix(store, plan, actor=ACTOR)
    first = next(iter(store.programmes(CHANNEL, T0, T0 + timedelta(minutes=30))))
    assert first.locator in (f"{stream_server}/media?n=1", f"{stream_server}/media?n=2")
    assert first.title in ("One", "Two")
    assert _unplayable(store) == []
    assert store.count(CHANNEL) == 3  # replaced, nothing deleted
    undo(store, actor=ACTOR)
    assert len(_unplayable(store)) == 1


def test_replace_leaves_a_programme_without_a_fitting_asset_with_a_note(
    store: Store, stream_server: str
) -> None:
    _probe(store)
    start, stop = T0, T0 + timedelta(hours=2)
    with store.database.write() as connection:  # the slot is now an hour long: nothing fits
        connection.execute(
            "UPDATE programme SET stop = stop + 1800000 WHERE locator = ?",
            (f"{stream_server}/status/404",),
        )
    plan = plan_fix(store, "unplayable", "replace", channels=[CHANNEL], start=start, stop=stop)
    assert plan.changes == 0
    assert any("no asset of group Live is up and fits its slot" in note for note in plan.notes)


def test_disable_marks_the_asset_and_the_planner_skips_it(store: Store, stream_server: str) -> None:
    _probe(store)
    plan = plan_fix(
        store, "unplayable", "disable", channels=[CHANNEL], start=T0, stop=T0 + timedelta(hours=2)
    )
    assert plan.preview()[0].startswith(f"mark unplayable: 'Show at 0' {stream_server}/status/404")
    apply_fix(store, plan, actor=ACTOR)
    dead = fingerprint(f"{stream_server}/status/404")
    assert set(disabled_assets(store)) == {dead}
    assert store.count(CHANNEL) == 3 and store.asset_count() == 3  # nothing deleted
    assert store.audit(limit=1)[0].action == "fix unplayable"
    assert list(store.database.backups.glob("*-before-fix-unplayable.db"))
    made = make_plan(
        store, "plan.example.org", T0, T0 + timedelta(hours=1), single_group("Live"), probe=False
    )
    placed = {programme.fingerprint for programme in made.added}
    assert dead not in placed and placed
    assert any("1 assets of 'Live' were not placed" in note for note in made.notes)
    undone = undo(store, actor=ACTOR)  # the mark is lifted, as any change is undone
    assert undone.summary.startswith("undid fix unplayable --policy disable: 1 asset ")
    assert disabled_assets(store) == {}


def test_the_planner_skips_a_down_stream_without_any_fix(store: Store, stream_server: str) -> None:
    made = make_plan(
        store, "plan.example.org", T0, T0 + timedelta(hours=1), single_group("Live"), probe=False
    )
    dead = fingerprint(f"{stream_server}/status/404")
    assert dead in {programme.fingerprint for programme in made.added}  # not probed yet
    _probe(store)
    made = make_plan(
        store, "plan.example.org", T0, T0 + timedelta(hours=1), single_group("Live"), probe=False
    )
    assert dead not in {programme.fingerprint for programme in made.added}


def test_a_findings_details_say_what_the_probes_found(store: Store, stream_server: str) -> None:
    from tui.dialogs.details import finding_details

    _probe(store)
    report = check_store(store, channels=[CHANNEL], start=T0, stop=T0 + timedelta(hours=2))
    (finding,) = [f for f in report.findings if f.kind == "unplayable"]
    streams = [value for name, value in finding_details(finding, store).lines if name == "stream"]
    assert len(streams) == 1
    assert streams[0].startswith("down since ")
    assert streams[0].endswith(": HTTP 404 Not Found")
    assert "; last probed " in streams[0]


def test_a_running_probe_jobs_details_say_its_rate_and_time_left() -> None:
    from core.jobs import Job, JobState
    from tui.dialogs.details import job_details

    job = Job("probe", "probe streams", state=JobState.RUNNING, done=500, total=2000, rate=50.0)
    assert ("rate", "50 items/s, about 30 s left") in job_details(job).lines
    job.state = JobState.CANCELLED
    assert [name for name, _ in job_details(job).lines if name == "rate"] == []
