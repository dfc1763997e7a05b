"""The planner in every time zone and across both clock changes of each.

The plans are judged by an oracle of this file's own (it uses none of the planner's helpers):
it reads each programme's instants as POSIX seconds, finds where a local time of day falls by
scanning the real clock minute by minute, and checks that the plan has no overlaps and no
gaps, that each block plays exactly from its start to its end on the local clock, that grid
lines are on the local clock, and that every out point is within ``[0, duration]`` and equal
to the real time the programme runs.
"""

from __future__ import annotations

import itertools
import json
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from core.config import RuleDefaults
from core.models import Programme
from core.planner import Plan, load_template, make_plan, single_group
from core.store import Store
from tests.planner.helpers import add_library, clips
from tests.store.helpers import new_store

CHANNEL = "zoned.example.org"
ZONES = (
    "UTC",
    "Europe/London",
    "Europe/Berlin",
    "America/New_York",
    "Asia/Kolkata",
    "Australia/Sydney",
    "Australia/Lord_Howe",
    # where the issue saw blocks overrun, too
    "America/Los_Angeles",
    "Asia/Tokyo",
    "America/Sao_Paulo",
    "Pacific/Auckland",
    "Etc/GMT+5",
    "Etc/GMT-10",
)
# Odd lengths, so items run across the block edges and the clock changes.
LIBRARY = {
    "News": clips("News", 12, 25 * 60),
    "Night": clips("Night", 10, 35 * 60 + 7),
    "Music": clips("Music", 60, 4 * 60 + 13),
    "Shows": clips("Shows", 30, 50 * 60),
    "Filler": clips("Filler", 6, 97),
}
LENGTHS: dict[str, float | None] = {
    locator: seconds for entries in LIBRARY.values() for _, seconds, locator in entries
}
TEMPLATE = """
[default]
group = "Music"

[[block]]
days = "daily"
start = "06:00"
end = "09:00"
group = "News"

[[block]]
days = "daily"
start = "01:00"
end = "03:00"
group = "Night"
"""
BLOCKS = {"News": (time(6), time(9)), "Night": (time(1), time(3))}
_MINUTE = timedelta(minutes=1)


def _changes(zone_name: str, year: int = 2027) -> list[date]:
    """The days on which the zone's clocks change (from zoneinfo, noon to noon); a zone
    without changes gets one ordinary day, so every zone is planned."""
    zone = ZoneInfo(zone_name)
    found = []
    day = date(year, 1, 1)
    while day.year == year:
        before = datetime.combine(day - timedelta(days=1), time(12), tzinfo=zone).utcoffset()
        after = datetime.combine(day, time(12), tzinfo=zone).utcoffset()
        if before != after:
            found.append(day)
        day += timedelta(days=1)
    return found or [date(year, 3, 28)]


CASES = [(zone, day) for zone in ZONES for day in _changes(zone)]


# --- the oracle -------------------------------------------------------------------------


def _wall(instant: float, zone: ZoneInfo) -> datetime:
    """The local clock at a POSIX instant, as a naive datetime."""
    return datetime.fromtimestamp(instant, UTC).astimezone(zone).replace(tzinfo=None)


def _first_at_or_after(day: date, clock: time, zone: ZoneInfo) -> float:
    """The first instant at which the local clock shows ``day clock`` or later: on a
    repeated hour its first occurrence, in a skipped hour the moment the clocks jump."""
    target = datetime.combine(day, clock)
    instant = target.replace(tzinfo=UTC).timestamp() - 15 * 3600  # before any offset
    while _wall(instant, zone) < target:
        instant += 60
    return instant


def _seconds(programme: Programme) -> tuple[float, float]:
    assert programme.stop is not None
    return programme.start.timestamp(), programme.stop.timestamp()


def _category(programme: Programme) -> str:
    return programme.categories[0].value if programme.categories else ""


def _check_back_to_back(programmes: list[Programme], start: float, stop: float) -> None:
    spans = [_seconds(p) for p in programmes]
    assert spans[0][0] == start and spans[-1][1] == stop
    for (_, end), (begin, _) in itertools.pairwise(spans):
        assert end == begin, f"gap or overlap at {datetime.fromtimestamp(end, UTC)}"
    assert all(begin < end for begin, end in spans)


def _check_out_points(
    programmes: list[Programme], lengths: dict[str, float | None] = LENGTHS
) -> None:
    """Every out point within ``[in, duration]`` and equal to the real time it plays; an
    item without one plays its whole video."""
    for programme in programmes:
        begin, end = _seconds(programme)
        elapsed = end - begin
        attrs = dict(programme.attrs)
        length = lengths.get(programme.locator or "")
        where = f"{programme.title} at {programme.start.isoformat()}"
        if "ffplayout:out" in attrs:
            into, out = json.loads(attrs["ffplayout:in"]), json.loads(attrs["ffplayout:out"])
            whole = json.loads(attrs["ffplayout:duration"])
            assert 0 <= into <= out <= whole, where
            assert abs((out - into) - elapsed) < 0.002, where
            assert length is not None and abs(whole - length) < 0.002, where
        elif length is not None:
            assert abs(elapsed - length) < 0.002, where


def _check_blocks(programmes: list[Programme], zone: ZoneInfo, days: list[date]) -> None:
    """Each block plays its group exactly from its start to its end on the local clock."""
    for group, (first, last) in BLOCKS.items():
        for day in days:
            begin = _first_at_or_after(day, first, zone)
            end = _first_at_or_after(day, last, zone)
            inside = [p for p in programmes if begin <= _seconds(p)[0] < end]
            assert inside, f"{group} on {day}: nothing planned"
            assert _seconds(inside[0])[0] == begin, f"{group} on {day} starts late"
            assert _seconds(inside[-1])[1] == end, f"{group} on {day} overruns its end"
            assert {_category(p) for p in inside} == {group}, f"{group} on {day}"
            before = [p for p in programmes if _seconds(p)[1] == begin]
            assert not before or _category(before[0]) != group


# --- the plans ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    folder = tmp_path_factory.mktemp("zones")
    store = new_store(folder)
    add_library(store, folder, LIBRARY)
    return store


def _template_plan(store: Store, folder: Path, zone_name: str, day: date) -> Plan:
    path = folder / "day.toml"
    path.write_text(TEMPLATE, encoding="utf-8")
    zone = ZoneInfo(zone_name)
    start = datetime.combine(day - timedelta(days=1), time(0), tzinfo=zone)
    stop = datetime.combine(day + timedelta(days=2), time(0), tzinfo=zone)
    return make_plan(
        store,
        CHANNEL,
        start,
        stop,
        load_template(path),
        defaults=RuleDefaults(cooldown_hours=1),
        timezone=zone_name,
    )


@pytest.mark.parametrize(("zone_name", "day"), CASES, ids=[f"{z}-{d}" for z, d in CASES])
def test_blocks_keep_their_local_times_and_out_points_are_real_time_across_the_change(
    store: Store, tmp_path: Path, zone_name: str, day: date
) -> None:
    plan = _template_plan(store, tmp_path, zone_name, day)
    zone = ZoneInfo(zone_name)
    _check_back_to_back(plan.added, plan.start.timestamp(), plan.stop.timestamp())
    _check_out_points(plan.added)
    _check_blocks(plan.added, zone, [day - timedelta(days=1), day, day + timedelta(days=1)])


@pytest.mark.parametrize(("zone_name", "day"), CASES, ids=[f"{z}-{d}" for z, d in CASES])
def test_grid_lines_are_on_the_local_clock_of_each_day_across_the_change(
    store: Store, zone_name: str, day: date
) -> None:
    zone = ZoneInfo(zone_name)
    start = datetime.combine(day - timedelta(days=1), time(0), tzinfo=zone)
    plan = make_plan(
        store,
        CHANNEL,
        start,
        datetime.combine(day + timedelta(days=2), time(0), tzinfo=zone),
        single_group("Shows"),
        defaults=RuleDefaults(cooldown_hours=1),
        grid=timedelta(hours=1),
        filler="Filler",
        timezone=zone_name,
    )
    _check_back_to_back(plan.added, plan.start.timestamp(), plan.stop.timestamp())
    _check_out_points(plan.added)
    shows = [p for p in plan.added if _category(p) == "Shows"]
    for show in shows:  # each slot opens with a show, on a whole local hour
        local = _wall(_seconds(show)[0], zone)
        assert (local.minute, local.second) == (0, 0), f"{show.title} at {local}"
    # a show opens every local hour of the window, and no more (23, 24 or 25 of them a day)
    hours = set()
    instant = plan.start.timestamp()
    while instant < plan.stop.timestamp():
        local = _wall(instant, zone)
        if local.minute == 0:
            hours.add(instant)
        instant += 60 * 30
    assert {_seconds(show)[0] for show in shows} == hours


_DEFAULT = '[default]\ngroup = "Music"\n\n[[block]]\n'


def _plan_text(
    store: Store, folder: Path, text: str, zone_name: str, start: datetime, days: int, **kw
):  # type: ignore[no-untyped-def]
    path = folder / "template.toml"
    path.write_text(text, encoding="utf-8")
    return make_plan(
        store,
        CHANNEL,
        start,
        start + timedelta(days=days),
        load_template(path),
        timezone=zone_name,
        **kw,
    )


def test_an_items_block_at_a_skipped_time_starts_when_the_clocks_jump_and_says_so(
    store: Store, tmp_path: Path
) -> None:
    zone = ZoneInfo("America/New_York")
    spring = next(day for day in _changes("America/New_York") if day.month < 7)
    text = _DEFAULT + 'days = "sun"\nstart = "02:30"\nitems = 1\ngroup = "Shows"\n'
    start = datetime.combine(spring - timedelta(days=1), time(0), tzinfo=zone)
    plan = _plan_text(
        store, tmp_path, text, "America/New_York", start, 2, defaults=RuleDefaults(cooldown_hours=1)
    )
    shows = [p for p in plan.added if _category(p) == "Shows"]
    jump = _first_at_or_after(spring, time(2, 30), zone)
    assert [_seconds(p)[0] for p in shows] == [jump]
    assert _wall(jump, zone).time() == time(3)
    assert any("02:30" in note and "03:00 EDT" in note for note in plan.notes), plan.notes
    _check_back_to_back(plan.added, plan.start.timestamp(), plan.stop.timestamp())
    _check_out_points(plan.added)


def test_a_block_on_the_fall_back_night_is_planned_as_on_any_other_night(
    tmp_path: Path,
) -> None:
    store = new_store(tmp_path)
    library = {
        "Music": clips("Music", 220, 15 * 60, "night.example.org"),
        "Late": clips("Late", 8, 20 * 60 + 11, "night.example.org"),
    }
    add_library(store, tmp_path, library)
    zone = ZoneInfo("Europe/London")
    autumn = next(day for day in _changes("Europe/London") if day.month > 7)
    text = _DEFAULT + 'days = "sun"\nstart = "00:30"\nend = "01:30"\ngroup = "Late"\n'
    start = datetime.combine(autumn - timedelta(days=1), time(0), tzinfo=zone)
    plan = _plan_text(store, tmp_path, text, "Europe/London", start, 2)  # the 48 h default
    _check_back_to_back(plan.added, plan.start.timestamp(), plan.stop.timestamp())
    _check_out_points(plan.added, {loc: length for e in library.values() for _, length, loc in e})
    late = [p for p in plan.added if _category(p) == "Late"]
    assert _seconds(late[0])[0] == _first_at_or_after(autumn, time(0, 30), zone)
    assert _seconds(late[-1])[1] == _first_at_or_after(autumn, time(1, 30), zone)
