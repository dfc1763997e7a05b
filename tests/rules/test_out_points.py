"""Out points: real elapsed time across a clock change, and ``check`` reports one outside
``[in, duration]`` as invalid."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from core.models import Asset, Channel, Programme, Text, airing
from core.rules import check_programmes, check_store
from core.store.edits import Insert, apply_changes
from tests.conftest import run_cli
from tests.store.helpers import ACTOR, new_store

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
CHANNEL = "cut.example.org"
VIDEO = Asset("News 04", "https://media.example.org/news/04.mp4", duration=3000.0)


def _out(programme: Programme) -> float:
    return float(json.loads(dict(programme.attrs)["ffplayout:out"]))


def test_an_item_across_the_fall_back_gets_its_real_length_as_out_point() -> None:
    start = datetime(2027, 10, 31, 1, 40, tzinfo=LONDON)  # BST
    stop = datetime(2027, 10, 31, 1, 20, fold=1, tzinfo=LONDON)  # GMT, 40 real minutes later
    assert _out(airing(CHANNEL, VIDEO, start, stop)) == 2400


def test_an_item_cut_across_the_spring_change_gets_an_out_point() -> None:
    start = datetime(2027, 3, 14, 1, 30, tzinfo=NEW_YORK)  # EST
    stop = datetime(2027, 3, 14, 3, 10, tzinfo=NEW_YORK)  # EDT: 40 real minutes later
    assert _out(airing(CHANNEL, VIDEO, start, stop)) == 2400


def test_an_uncut_item_across_the_change_has_no_out_point() -> None:
    start = datetime(2027, 10, 31, 1, 10, tzinfo=LONDON)  # BST
    stop = (start.astimezone(UTC) + timedelta(seconds=3000)).astimezone(LONDON)  # 01:00 GMT
    assert (stop.hour, stop.minute, stop.fold) == (1, 0, 1)
    assert "ffplayout:out" not in dict(airing(CHANNEL, VIDEO, start, stop).attrs)


def _cut(into: object, out: object, duration: object, hour: int = 6) -> Programme:
    start = datetime(2027, 10, 31, hour, 0, tzinfo=LONDON)
    return Programme(
        CHANNEL,
        start,
        start + timedelta(minutes=20),
        titles=(Text("News 04"),),
        locator=VIDEO.locator,
        attrs=(
            ("ffplayout:in", json.dumps(into)),
            ("ffplayout:out", json.dumps(out)),
            ("ffplayout:duration", json.dumps(duration)),
        ),
    )


@pytest.mark.parametrize(
    ("into", "out", "duration", "said"),
    [
        (0, -1200, 3000, "an out point of -1200 s, before its in point (0 s)"),
        (600, 300, 3000, "an out point of 300 s, before its in point (600 s)"),
        (0, 3600, 3000, "an out point of 3600 s, past the end of its video (3000 s)"),
        (-5, 1195, 3000, "an in point of -5 s, before the start of its video"),
    ],
)
def test_an_out_point_outside_in_and_duration_is_invalid(
    into: float, out: float, duration: float, said: str
) -> None:
    report = check_programmes([_cut(into, out, duration)], timezones={CHANNEL: "Europe/London"})
    (finding,) = [f for f in report.findings if f.kind == "invalid"]
    assert finding.severity == "error" and said in finding.message
    assert finding.message.startswith("'News 04' at Sun 31 Oct 2027 06:00 GMT on cut.example.org")


def test_out_points_inside_in_and_duration_are_not_findings() -> None:
    assert check_programmes([_cut(0, 1200, 3000)]).counts["invalid"] == 0
    assert check_programmes([_cut(1800, 3000, 3000)]).counts["invalid"] == 0


def test_a_stored_programme_with_a_negative_out_point_fails_the_check(tmp_path: Path) -> None:
    store = new_store(tmp_path)
    apply_changes(
        store,
        CHANNEL,
        [Insert(_cut(0, -1200, 3000)), Insert(_cut(0, 1200, 3000, hour=7))],
        actor=ACTOR,
        action="edit",
        summary="two cut items",
        expected_revision=None,
        create=Channel(CHANNEL, timezone="Europe/London"),
    )
    report = check_store(store)
    (finding,) = [f for f in report.findings if f.kind == "invalid"]
    assert "an out point of -1200 s" in finding.message and not finding.fixes


def test_a_title_that_names_an_out_point_does_not_hide_a_video_longer_than_its_slot(
    sf_home: Path, tmp_path: Path
) -> None:
    # the store's rule rows find candidate bodies by their text; the attributes decide
    document = {
        "format": "scheduleflow/1",
        "channels": [{"id": "t.example.org", "timezone": "UTC"}],
        "assets": [{"title": "Film", "locator": "http://example.org/film.mp4", "duration": 3600}],
        "programmes": [
            {
                "channel": "t.example.org",
                "start": "2027-01-01T00:00:00+00:00",
                "stop": "2027-01-01T00:30:00+00:00",
                "titles": [{"value": "How ffplayout:out works"}],
                "locator": "http://example.org/film.mp4",
            }
        ],
    }
    source = tmp_path / "doc.json"
    source.write_text(json.dumps(document))
    assert run_cli("import", str(source), home=sf_home).returncode == 0
    report = json.loads(run_cli("check", "--json", home=sf_home).stdout)
    messages = [f["message"] for f in report["findings"] if f["kind"] == "unplayable"]
    assert len(messages) == 1 and "longer than its slot" in messages[0]
