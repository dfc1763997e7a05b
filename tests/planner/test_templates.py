"""Day-of-week templates: blocks by weekday, fixed items at a time, the default elsewhere —
in the channel's local time, across the clock change."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from core.config import RuleDefaults
from core.errors import InputError
from core.models import Programme
from core.planner import Plan, apply_plan, load_template, make_plan
from core.rules import check_store
from core.store import Store
from tests.planner.helpers import add_library, back_to_back, clips
from tests.store.helpers import ACTOR, new_store

LONDON = ZoneInfo("Europe/London")
CHANNEL = "community.example.org"
TEMPLATE = """
# weekdays 06:00–09:00 from News; Saturday 20:00 one item from Movies; everything else Music
[default]
group = "Music"

[[block]]
days = "weekdays"
start = "06:00"
end = "09:00"
group = "News"

[[block]]
days = "sat"
start = "20:00"
items = 1
group = "Movies"
"""


@pytest.fixture
def store(tmp_path: Path) -> Store:
    store = new_store(tmp_path)
    add_library(
        store,
        tmp_path,
        {
            "News": clips("News", 12, 25 * 60),
            "Movies": clips("Movies", 4, 100 * 60),
            "Music": clips("Music", 40, 4 * 60 + 10),
        },
    )
    return store


def _local(programme: Programme) -> tuple[datetime, datetime]:
    assert programme.stop is not None
    return programme.start.astimezone(LONDON), programme.stop.astimezone(LONDON)


def _morning(programmes: list[Programme], day: int) -> list[Programme]:
    """The programmes starting from 06:00 to 09:00 local on that day of March."""
    return [
        p
        for p in programmes
        if _local(p)[0].day == day and time(6) <= _local(p)[0].time() < time(9)
    ]


def _week_plan(store: Store, tmp_path: Path) -> Plan:
    """The template over the week of the spring clock change, in Europe/London."""
    path = tmp_path / "week.toml"
    path.write_text(TEMPLATE, encoding="utf-8")
    start = datetime(2027, 3, 22, tzinfo=LONDON)  # Monday; the clocks go forward on Sunday 28
    return make_plan(
        store,
        CHANNEL,
        start,
        start + timedelta(days=8),
        load_template(path),
        defaults=RuleDefaults(cooldown_hours=1),
        timezone="Europe/London",
    )


def _week(store: Store, tmp_path: Path) -> list[Programme]:
    plan = _week_plan(store, tmp_path)
    start = datetime(2027, 3, 22, tzinfo=LONDON)
    assert plan.added[0].start == start and back_to_back(plan.added)
    assert plan.added[-1].stop == datetime(2027, 3, 30, tzinfo=LONDON)
    return plan.added


def test_weekday_mornings_come_from_news_and_end_on_the_block_edge(
    store: Store, tmp_path: Path
) -> None:
    programmes = _week(store, tmp_path)
    for day in (22, 23, 24, 25, 26, 29):  # Monday 29 is after the clock change
        morning = _morning(programmes, day)
        assert morning and {p.categories[0].value for p in morning} == {"News"}, day
        assert _local(morning[0])[0].time() == time(6)
        assert _local(morning[-1])[1].time() == time(9)  # trimmed to the block's end
        before = [
            p for p in programmes if _local(p)[1].day == day and _local(p)[1].time() == time(6)
        ]
        assert before and before[0].categories[0].value == "Music"  # fmt: skip
    for day in (27, 28):  # the weekend mornings play the default
        morning = _morning(programmes, day)
        assert {p.categories[0].value for p in morning} == {"Music"}, day


def test_saturday_evening_plays_exactly_one_movie_starting_on_the_hour(
    store: Store, tmp_path: Path
) -> None:
    programmes = _week(store, tmp_path)
    movies = [p for p in programmes if p.categories[0].value == "Movies"]
    assert len(movies) == 1
    start, stop = _local(movies[0])
    assert (start.weekday(), start.time()) == (5, time(20))
    assert stop - start == timedelta(minutes=100)
    following = programmes[programmes.index(movies[0]) + 1]
    assert following.categories[0].value == "Music" and following.start == movies[0].stop


def test_the_planned_week_passes_the_checks_when_applied(store: Store, tmp_path: Path) -> None:
    apply_plan(store, _week_plan(store, tmp_path), actor=ACTOR)
    assert store.channel(CHANNEL).timezone == "Europe/London"
    report = check_store(store, RuleDefaults(cooldown_hours=1))
    assert {k: v for k, v in report.counts.items() if v and k != "dst"} == {}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[[block]]\ndays = "someday"\nstart = "06:00"\nend = "07:00"\ngroup = "News"',
         "block 1: 'someday' is not a day"),
        ('[[block]]\nstart = "06:00"\ngroup = "News"', "block 1: give either an end or a number"),
        ('[[block]]\nstart = "25:00"\nend = "07:00"\ngroup = "News"',
         "block 1: '25:00' is not a time of day"),
        ('[[block]]\nend = "07:00"\ngroup = "News"', "block 1: needs a group and a start"),
        ("[default\ngroup = 1", "is not valid TOML"),
        ('[default]\ngroup = "Music"\norder = "random"', "default: order must be sequential"),
    ],
)  # fmt: skip
def test_a_wrong_template_names_the_file_and_the_block(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as raised:
        load_template(path)
    assert message in str(raised.value)
    assert "bad.toml" in str(raised.value)


def test_day_lists_and_blocks_across_midnight(tmp_path: Path) -> None:
    path = tmp_path / "nights.toml"
    path.write_text(
        '[[block]]\ndays = ["fri", "Sunday"]\nstart = "22:00"\nend = "02:00"\ngroup = "Late"\n',
        encoding="utf-8",
    )
    template = load_template(path)
    friday_late = datetime(2027, 3, 26, 23, 30, tzinfo=LONDON)
    saturday_early = datetime(2027, 3, 27, 1, 0, tzinfo=LONDON)  # Friday's block, past midnight
    thursday_late = datetime(2027, 3, 25, 23, 30, tzinfo=LONDON)
    friday_early = datetime(2027, 3, 26, 1, 0, tzinfo=LONDON)  # Thursday's night: no block
    monday_early = datetime(2027, 3, 29, 1, 0, tzinfo=LONDON)  # Sunday's block
    assert template.group_at(friday_late)[0] == "Late"
    assert template.group_at(saturday_early)[0] == "Late"
    assert template.group_at(monday_early)[0] == "Late"
    assert template.group_at(thursday_late)[0] is None
    assert template.group_at(friday_early)[0] is None
