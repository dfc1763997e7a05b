"""One rule for a wall time the clocks skip or show twice: the planner and the time arguments.

A skipped time is the moment the clocks jump (the first valid instant after the gap), a time
shown twice its first occurrence; the expected instants are written out by hand from each
zone's published change (Lord Howe's clocks move by half an hour).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from core.planner.localtime import local_instant
from core.timeargs import parse_instant
from core.wallclock import instant_at
from tests.test_timeargs import _in_zone, operator_zone  # noqa: F401 (a fixture)

# (zone, wall time, the instant it names, why)
CASES = [
    ("America/New_York", "2026-03-08T02:30", "2026-03-08T07:00Z", "skipped: 03:00 EDT"),
    ("America/New_York", "2026-11-01T01:30", "2026-11-01T05:30Z", "twice: first, EDT"),
    ("Europe/London", "2026-03-29T01:30", "2026-03-29T01:00Z", "skipped: 02:00 BST"),
    ("Europe/London", "2026-10-25T01:30", "2026-10-25T00:30Z", "twice: first, BST"),
    ("Australia/Lord_Howe", "2026-10-04T02:15", "2026-10-03T15:30Z", "skipped: 02:30 +11"),
    ("Australia/Lord_Howe", "2026-04-05T01:45", "2026-04-04T14:45Z", "twice: first, +11"),
    ("Australia/Sydney", "2026-10-04T02:30", "2026-10-03T16:00Z", "skipped: 03:00 AEDT"),
    ("Australia/Sydney", "2026-04-05T02:30", "2026-04-04T15:30Z", "twice: first, AEDT"),
    # an ordinary time on the same night, for contrast
    ("America/New_York", "2026-03-08T03:30", "2026-03-08T07:30Z", "after the jump"),
]
IDS = [f"{zone.split('/')[1]}-{why.split(':')[0]}-{wall[5:10]}" for zone, wall, _, why in CASES]


@pytest.mark.parametrize(("zone_name", "wall", "expected", "why"), CASES, ids=IDS)
def test_the_planner_reads_the_wall_time_by_the_rule(
    zone_name: str, wall: str, expected: str, why: str
) -> None:
    zone, clock = ZoneInfo(zone_name), datetime.fromisoformat(wall)
    assert instant_at(clock, zone) == datetime.fromisoformat(expected), why
    assert local_instant(clock.date(), clock.time(), zone) == datetime.fromisoformat(expected)


@pytest.mark.usefixtures("operator_zone")
@pytest.mark.parametrize("source", ["zone", "TZ"])
@pytest.mark.parametrize(("zone_name", "wall", "expected", "why"), CASES, ids=IDS)
def test_a_day_moved_onto_the_wall_time_is_the_same_instant(
    zone_name: str,
    wall: str,
    expected: str,
    why: str,
    source: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``+1d`` from the day before and ``-1d`` from the day after, in a zone given to the
    parser or as the operator's own zone (``TZ``, what the command line uses)."""
    zone, clock = ZoneInfo(zone_name), datetime.fromisoformat(wall)
    given = zone if source == "zone" else None
    if source == "TZ":
        _in_zone(monkeypatch, zone_name)
    before = (clock - timedelta(days=1)).replace(tzinfo=zone)
    after = (clock + timedelta(days=1)).replace(tzinfo=zone)
    moved_on = parse_instant("+1d", zone=given, relative_to=before)
    moved_back = parse_instant("-1d", zone=given, relative_to=after)
    assert (moved_on, moved_back) == (datetime.fromisoformat(expected),) * 2, why
    assert moved_on == local_instant(clock.date(), clock.time(), zone)


@pytest.mark.usefixtures("operator_zone")
@pytest.mark.parametrize("source", ["zone", "TZ"])
def test_less_than_a_day_from_the_second_pass_of_a_repeated_hour_is_elapsed_time(
    source: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``+0.5d`` moves no calendar day: it must not first fall back to the first pass."""
    zone = ZoneInfo("America/New_York")
    if source == "TZ":
        _in_zone(monkeypatch, zone.key)
    second_pass = datetime(2026, 11, 1, 6, 30, tzinfo=UTC)  # 01:30 EST, the second 01:30
    given = zone if source == "zone" else None
    assert parse_instant("+0.5d", zone=given, relative_to=second_pass) == second_pass + timedelta(
        hours=12
    )


@pytest.mark.usefixtures("operator_zone")
def test_midnight_in_a_skipped_hour_is_today_from_the_jump(monkeypatch: pytest.MonkeyPatch) -> None:
    """Havana's clocks go from 00:00 to 01:00: that day starts at 01:00, by the same rule."""
    zone = ZoneInfo("America/Havana")
    noon = datetime(2026, 3, 8, 12, tzinfo=zone)
    jump = datetime.fromisoformat("2026-03-08T05:00Z")
    assert parse_instant("today", now=noon, zone=zone) == jump
    _in_zone(monkeypatch, zone.key)
    assert parse_instant("today", now=noon) == jump
