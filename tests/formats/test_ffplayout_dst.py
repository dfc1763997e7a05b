"""ffplayout days across DST changes, placed as ffplayout's own player code places them.

Read in ffplayout/ffplayout (backend/app/src/player/…, commit 2b5f08a7): items run back to
back in real seconds from the day start, and a day ends when the wall clock reads the day
start again, so the spring-forward day holds 23 hours of material and the fall-back day 25.
Each test names the function it follows.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from core.formats import FfplayoutReader, open_reader
from core.models import Programme
from core.rules import check_store
from core.store import export, import_file
from tests.conftest import run_cli
from tests.formats.helpers import write_to
from tests.store.helpers import ACTOR, new_store

SYDNEY, BERLIN = "Australia/Sydney", "Europe/Berlin"
# (zone, day start, the DST day, its hours): both changes in two zones, the Sydney days
# starting at midnight and the Berlin days at 06:00 (so the change falls on the day before).
DST_DAYS = [
    (SYDNEY, time(0), date(2025, 10, 5), 23),
    (SYDNEY, time(0), date(2026, 4, 5), 25),
    (BERLIN, time(6), date(2026, 3, 28), 23),
    (BERLIN, time(6), date(2026, 10, 24), 25),
]
IDS = [f"{zone}-{day}-{hours}h" for zone, _, day, hours in DST_DAYS]
FALL_BACK = [(zone, start, day) for zone, start, day, hours in DST_DAYS if hours == 25]


def _hours_of_items(count: int) -> list[dict[str, object]]:
    return [
        {"in": 0, "out": 3600, "duration": 3600, "source": f"/media/hour-{n}.mp4"}
        for n in range(count)
    ]


def _day_file(folder: Path, name: str, day: str, program: list[dict[str, object]]) -> Path:
    """An ffplayout day playlist named ``name`` whose ``date`` inside is ``day``."""
    return write_to(folder, name, json.dumps({"channel": "C", "date": day, "program": program}))


def _read(path: Path, zone: str, day_start: time) -> tuple[list[Programme], list[str]]:
    reader = open_reader(
        path, "ffplayout", channel_id="c", day_start=day_start, zone=ZoneInfo(zone)
    )
    assert isinstance(reader, FfplayoutReader)
    programmes = [item for item in reader if isinstance(item, Programme)]
    return programmes, [w.message for w in reader.warnings]


def _day(zone: str, day_start: time, day: date) -> tuple[datetime, datetime]:
    local = ZoneInfo(zone)
    begin = datetime.combine(day, day_start, tzinfo=local).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), day_start, tzinfo=local).astimezone(UTC)
    return begin, end


@pytest.mark.parametrize(("zone", "day_start", "day", "hours"), DST_DAYS, ids=IDS)
def test_a_24_hour_playlist_plays_until_the_next_day_start(
    tmp_path: Path, zone: str, day_start: time, day: date, hours: int
) -> None:
    """ffplayout ends a day by the wall clock, not by the playlist's length.

    ``get_delta`` (player/utils/mod.rs) gives ``total_delta``, the seconds until the wall
    clock reads the day start again; ``CurrentProgram::timed_source`` (player/input/
    playlist.rs) cuts the item that reaches past it (``handle_list_end``) and skips later
    ones ("Begin is over play time"); ``CurrentProgram::next`` fills a day that ends early
    (``fill_end``). So a 24-hour playlist loses its last hour on a 23-hour day and leaves an
    hour of ffplayout's filler on a 25-hour day.
    """
    path = _day_file(tmp_path, f"{day}.json", day.isoformat(), _hours_of_items(24))
    programmes, warnings = _read(path, zone, day_start)
    begin, end = _day(zone, day_start, day)
    assert end - begin == timedelta(hours=hours)
    assert programmes[0].start == begin
    assert len(programmes) == min(hours, 24)
    assert programmes[-1].stop == (end if hours < 24 else begin + timedelta(hours=24))
    if hours < 24:
        assert warnings == [
            "the day lasts 24:00:00, 3600 s longer than 23:00:00: ffplayout cuts the end at "
            "the next day start; not played: hour-23"
        ]
    else:
        assert warnings == ["the day lasts 24:00:00, 3600 s short of 25:00:00: dead air at the end"]


@pytest.mark.parametrize(("zone", "day_start", "day", "hours"), DST_DAYS, ids=IDS)
def test_a_playlist_as_long_as_its_dst_day_reads_back_to_back_without_warnings(
    tmp_path: Path, zone: str, day_start: time, day: date, hours: int
) -> None:
    """Items run in real seconds across the change: the wall-clock jump is not a gap.

    ``set_defaults`` (player/utils/json_serializer.rs) sets each item's ``begin`` to the day
    start plus the sum of ``out - in`` before it; when the wall clock then jumps by 3,600 s,
    ``CurrentProgram::timed_source`` (player/input/playlist.rs) sees a delta close to 3600
    and applies a time shift ("A time change seemed to have occurred") instead of seeking,
    so the next item plays right after the previous one, in real time.
    """
    program = _hours_of_items(min(hours, 24) - 1)
    last = 3600 * (hours - len(program))  # on the 25-hour day one item runs across 24 h
    program.append({"in": 0, "out": last, "duration": last, "source": "/media/last.mp4"})
    path = _day_file(tmp_path, f"{day}.json", day.isoformat(), program)
    programmes, warnings = _read(path, zone, day_start)
    begin, end = _day(zone, day_start, day)
    assert warnings == []
    assert [p.start for p in programmes] == [
        begin + timedelta(hours=n) for n in range(len(program))
    ]
    assert programmes[-1].stop == end
    offsets = {p.start.utcoffset() for p in programmes}
    assert len(offsets) == 2  # the local offset changes inside the day


@pytest.mark.parametrize(("zone", "day_start", "day"), FALL_BACK)
def test_on_a_25_hour_day_what_starts_24_hours_into_the_playlist_is_not_played(
    tmp_path: Path, zone: str, day_start: time, day: date
) -> None:
    """ffplayout loads the next file once an item ends a full 24 h into the playlist.

    ``CurrentProgram::check_for_playlist`` (player/input/playlist.rs) adds the finished
    item's ``begin`` (day start + sum of ``out - in``, ``set_defaults``) and length and loads
    the next day when that reaches ``length_sec`` (24 h; ``get_delta`` compares with the wall
    clock, not with it), so on a 25-hour day an item that starts 24 h in never plays.
    """
    path = _day_file(tmp_path, f"{day}.json", day.isoformat(), _hours_of_items(25))
    programmes, warnings = _read(path, zone, day_start)
    begin, _ = _day(zone, day_start, day)
    assert len(programmes) == 24
    assert programmes[-1].stop == begin + timedelta(hours=24)
    assert warnings == [
        "on this 25:00:00 day ffplayout moves to the next day's file once an item ends "
        "24:00:00 into the playlist, so it does not play hour-24: let one item run across "
        "24:00:00"
    ]


def test_the_file_name_places_the_day_and_a_different_date_inside_warns(tmp_path: Path) -> None:
    """ffplayout finds a day's file by its name, and restarts a file whose date differs.

    ``read_json`` (player/utils/json_serializer.rs) builds the path
    ``playlists/YYYY/MM/YYYY-MM-DD.json`` from the day it wants; ``check_for_playlist``
    (player/input/playlist.rs) loads "the next day" again while ``self.date`` differs from
    the ``date`` inside the file.
    """
    path = _day_file(tmp_path, "2025-10-06.json", "2025-10-05", _hours_of_items(24))
    programmes, warnings = _read(path, SYDNEY, time(0))
    assert programmes[0].start == datetime(2025, 10, 6, tzinfo=ZoneInfo(SYDNEY))
    assert warnings == [
        "the date inside (2025-10-05) disagrees with the file name (2025-10-06.json); "
        "ffplayout plays the file on 2025-10-06 and restarts it while the dates differ: "
        "correct the date inside"
    ]


def _schedule(
    tmp_path: Path,
    zone: str,
    day_start: time,
    first: datetime,
    last: datetime,
    across: datetime | None = None,
) -> Path:
    """A ScheduleFlow JSON file: the channel and 70-minute programmes from first to last.

    With ``across``, the programme that would end near it is made long enough to run across.
    """
    programmes = []
    when, number = first, 0
    while when < last:
        stop = min(when + timedelta(minutes=70), last)
        if across is not None and when < across <= stop + timedelta(minutes=70):
            stop = across + timedelta(minutes=70)
        programmes.append(
            {
                "channel": "dst.example.org",
                "start": when.isoformat(),
                "stop": stop.isoformat(),
                "titles": [{"value": f"Show {number}"}],
                "locator": f"https://media.example.org/show-{number}.mp4",
            }
        )
        when, number = stop, number + 1
    channel = {
        "id": "dst.example.org",
        "display_names": [{"value": "DST TV"}],
        "timezone": zone,
        "day_start": day_start.isoformat(),
    }
    document = {"format": "scheduleflow/1", "channels": [channel], "programmes": programmes}
    return write_to(tmp_path, "schedule.json", json.dumps(document))


def _settings_only(schedule: Path) -> Path:
    document = json.loads(schedule.read_text(encoding="utf-8"))
    document["programmes"] = []
    return write_to(schedule.parent, "channel.json", json.dumps(document))


@pytest.mark.parametrize(("zone", "day_start", "day", "hours"), DST_DAYS, ids=IDS)
def test_two_exported_days_around_a_change_import_back_as_the_same_programmes(
    tmp_path: Path, zone: str, day_start: time, day: date, hours: int
) -> None:
    """Export day N and N+1 around a change, import both into a fresh store: nothing moves.

    The export writes each day as ffplayout plays it (``get_delta``'s wall-clock day end,
    player/utils/mod.rs: 23 or 25 hours of ``out - in``), splitting the programme that crosses
    the day start; the import places items as ``set_defaults`` (json_serializer.rs) does and
    joins the split programme again.
    """
    begin, _ = _day(zone, day_start, day)
    _, end = _day(zone, day_start, day + timedelta(days=1))
    across = begin + timedelta(hours=24) if hours == 25 else None  # see the test above
    schedule = _schedule(tmp_path, zone, day_start, begin, end, across)
    store = new_store(tmp_path / "first")
    import_file(store, schedule, actor=ACTOR)
    folder = tmp_path / "ffplayout"
    result = export(store, "ffplayout", folder, start=begin, stop=end)
    assert result.warnings == []
    files = [folder / f"{d:%Y}" / f"{d:%m}" / f"{d}.json" for d in (day, day + timedelta(days=1))]
    assert result.files == files
    lengths = [
        sum(i["out"] - i["in"] for i in json.loads(f.read_text(encoding="utf-8"))["program"])
        for f in files
    ]
    assert lengths == [hours * 3600, 24 * 3600]
    fresh = new_store(tmp_path / "fresh")
    import_file(fresh, _settings_only(schedule), actor=ACTOR)
    for path in files:
        imported = import_file(fresh, path, actor=ACTOR, channel="dst.example.org")
        assert imported.warnings == []

    def shape(s: object) -> list[tuple[str, datetime, datetime | None, str | None]]:
        programmes = s.programmes("dst.example.org")  # type: ignore[attr-defined]
        return [(p.title, p.start, p.stop, p.locator) for p in programmes]

    assert shape(fresh) == shape(store)
    report = check_store(fresh)
    assert report.counts["overlap"] == 0 and report.counts["gap"] == 0, report.findings


def test_importing_24_hour_playlists_of_a_spring_forward_day_and_the_next_gives_no_overlaps(
    sf_home: Path, tmp_path: Path
) -> None:
    """The reported case: Sydney's 2025-10-05 playlist no longer spills into 10-06.

    ffplayout stops the 23-hour day when the wall clock reads the day start
    (``get_delta``, player/utils/mod.rs; ``CurrentProgram::timed_source``,
    player/input/playlist.rs), so the 24th hour is never played and must not be placed on
    10-06 over that day's first hour.
    """
    channel = {"id": "syd.example.org", "timezone": SYDNEY, "day_start": "00:00:00"}
    settings = write_to(
        tmp_path, "channel.json", json.dumps({"format": "scheduleflow/1", "channels": [channel]})
    )
    assert run_cli("import", str(settings), home=sf_home).returncode == 0
    for day in ("2025-10-05", "2025-10-06"):
        path = _day_file(tmp_path, f"{day}.json", day, _hours_of_items(24))
        imported = run_cli("import", str(path), "--channel", "syd.example.org", home=sf_home)
        assert imported.returncode == 0, imported.stderr
    checked = run_cli("check", "--channel", "syd.example.org", "--json", home=sf_home)
    counts = json.loads(checked.stdout)["counts"]
    assert counts["overlap"] == 0, checked.stdout


def test_exporting_a_25_hour_day_names_what_ffplayout_would_not_play(tmp_path: Path) -> None:
    """The export says which programmes start after ffplayout moves on (24 h of playlist).

    ``CurrentProgram::check_for_playlist`` (player/input/playlist.rs): ``next_start >=
    length_sec`` loads the next day's file once an item ends 24 h into the playlist.
    """
    begin, end = _day(BERLIN, time(6), date(2026, 10, 24))
    store = new_store(tmp_path)
    import_file(store, _schedule(tmp_path, BERLIN, time(6), begin, end), actor=ACTOR)
    result = export(store, "ffplayout", tmp_path / "out", start=begin, stop=end)
    assert result.warnings == [
        "dst.example.org day from Sat 24 Oct 2026 06:00 CEST lasts 25 h, but ffplayout moves "
        "to the next day's file once an item ends 24 h into the playlist (Sun 25 Oct 2026 05:00 "
        "CET): 'Show 21' at Sun 25 Oct 2026 05:30 CET would not play; let one programme run "
        "across that time"
    ]
