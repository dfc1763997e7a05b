"""Times as operators type them: ISO, words, relative values; calendar days across DST."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from core.timeargs import parse_duration, parse_instant

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")


@pytest.fixture
def operator_zone(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Run with ``TZ`` set by the test (``monkeypatch.setenv``), the way a shell sets it."""
    yield
    monkeypatch.undo()
    time.tzset()


def _in_zone(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    monkeypatch.setenv("TZ", name)
    time.tzset()


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def test_iso_with_offset_is_that_instant() -> None:
    assert parse_instant("2026-12-01T06:00:00+01:00") == at("2026-12-01T05:00:00+00:00")
    assert parse_instant(" 2026-12-01T05:00Z ") == at("2026-12-01T05:00:00+00:00")


@pytest.mark.parametrize("text", ["2026-12-01T06:00", "2026-12-01"])
def test_iso_without_offset_is_refused_with_a_form_that_parses(text: str) -> None:
    with pytest.raises(ValueError, match="has no UTC offset") as caught:
        parse_instant(text)
    suggestion = str(caught.value).rsplit(" ", 1)[-1]
    assert parse_instant(suggestion) == at(suggestion)


def test_now_is_the_given_now() -> None:
    now = at("2026-12-01T10:30:00+00:00")
    assert parse_instant("now", now=now) == now
    assert parse_instant("NOW", now=now) == now


def test_today_tomorrow_yesterday_are_midnights_in_the_zone() -> None:
    now = at("2026-12-01T23:30:00+00:00")  # already 2 December in Berlin
    assert parse_instant("today", now=now, zone=BERLIN) == at("2026-12-02T00:00:00+01:00")
    assert parse_instant("tomorrow", now=now, zone=BERLIN) == at("2026-12-03T00:00:00+01:00")
    assert parse_instant("yesterday", now=now, zone=BERLIN) == at("2026-12-01T00:00:00+01:00")
    assert parse_instant("today", now=now, zone=UTC) == at("2026-12-01T00:00:00+00:00")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("+6h", "2026-12-01T16:30:00+00:00"),
        ("+90m", "2026-12-01T12:00:00+00:00"),
        ("-30s", "2026-12-01T10:29:30+00:00"),
        ("+1.5h", "2026-12-01T12:00:00+00:00"),
        ("-2d", "2026-11-29T10:30:00+00:00"),
        ("+1w", "2026-12-08T10:30:00+00:00"),
        ("+1.5d", "2026-12-02T22:30:00+00:00"),
    ],
)
def test_relative_values_count_from_now(text: str, expected: str) -> None:
    now = at("2026-12-01T10:30:00+00:00")
    assert parse_instant(text, now=now, zone=UTC) == at(expected)


def test_a_relative_value_counts_from_relative_to_when_given() -> None:
    now = at("2026-12-01T10:30:00+00:00")
    start = at("2026-12-24T06:00:00+00:00")
    assert parse_instant("+1d", now=now, zone=UTC, relative_to=start) == at(
        "2026-12-25T06:00:00+00:00"
    )
    assert parse_instant("-6h", now=now, relative_to=start) == at("2026-12-24T00:00:00+00:00")
    # words and ISO times do not move with it
    assert parse_instant("now", now=now, relative_to=start) == now


@pytest.mark.parametrize(
    ("zone", "now", "today", "tomorrow", "hours"),
    [
        # Berlin springs forward on 2026-03-29 at 02:00: that day has 23 hours
        (
            BERLIN,
            "2026-03-29T12:00:00+02:00",
            "2026-03-29T00:00:00+01:00",
            "2026-03-30T00:00:00+02:00",
            23,
        ),
        # Berlin falls back on 2026-10-25 at 03:00: 25 hours
        (
            BERLIN,
            "2026-10-25T12:00:00+01:00",
            "2026-10-25T00:00:00+02:00",
            "2026-10-26T00:00:00+01:00",
            25,
        ),
        # New York springs forward on 2026-03-08, falls back on 2026-11-01
        (
            NEW_YORK,
            "2026-03-08T12:00:00-04:00",
            "2026-03-08T00:00:00-05:00",
            "2026-03-09T00:00:00-04:00",
            23,
        ),
        (
            NEW_YORK,
            "2026-11-01T12:00:00-05:00",
            "2026-11-01T00:00:00-04:00",
            "2026-11-02T00:00:00-05:00",
            25,
        ),
    ],
    ids=["berlin-spring", "berlin-autumn", "new-york-spring", "new-york-autumn"],
)
@pytest.mark.parametrize("source", ["zone", "TZ"])
def test_calendar_days_follow_dst_in_the_zone(
    zone: ZoneInfo,
    now: str,
    today: str,
    tomorrow: str,
    hours: int,
    source: str,
    operator_zone: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Explicitly (``zone=``) or as the operator's own zone (``TZ``, what the CLI uses)."""
    if source == "TZ":
        _in_zone(monkeypatch, zone.key)
    given = zone if source == "zone" else None
    moment = at(now)
    start = parse_instant("today", now=moment, zone=given)
    stop = parse_instant("tomorrow", now=moment, zone=given)
    assert (start, stop) == (at(today), at(tomorrow))
    assert stop - start == timedelta(hours=hours)
    assert parse_instant("+1d", now=moment, zone=given, relative_to=start) == stop
    assert parse_instant("-1d", now=moment, zone=given, relative_to=stop) == start
    # hours are elapsed time, whatever the clock on the wall says
    assert parse_instant("+24h", now=moment, zone=given, relative_to=start) - start == timedelta(
        hours=24
    )


def test_a_posix_tz_string_is_understood(
    operator_zone: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    _in_zone(monkeypatch, "CET-1CEST,M3.5.0,M10.5.0/3")
    now = at("2026-03-29T12:00:00+02:00")
    assert parse_instant("tomorrow", now=now) == at("2026-03-30T00:00:00+02:00")
    assert parse_instant("-2d", now=now) == at("2026-03-27T12:00:00+01:00")


@pytest.mark.parametrize(
    "text", ["soon", "", "+6x", "6h", "2026-13-01T00:00:00+00:00", "next tuesday", "+-1d"]
)
def test_what_is_not_a_time_is_refused_in_one_line_with_the_forms(text: str) -> None:
    with pytest.raises(ValueError, match="is not a time") as caught:
        parse_instant(text)
    assert "\n" not in str(caught.value)
    assert "+6h" in str(caught.value)


@pytest.mark.parametrize(
    "text", ["+99999999999d", "-99999999999w", "+" + "9" * 400 + "h"], ids=["days", "weeks", "inf"]
)
def test_a_time_too_far_away_is_refused_not_crashed(text: str) -> None:
    with pytest.raises(ValueError, match="too far"):
        parse_instant(text)


@pytest.mark.parametrize(
    ("text", "seconds"), [("90", 90), ("90s", 90), ("30m", 1800), ("1.5h", 5400), ("2d", 172800)]
)
def test_durations(text: str, seconds: int) -> None:
    assert parse_duration(text) == timedelta(seconds=seconds)


@pytest.mark.parametrize(
    ("text", "message"), [("soon", "not a duration"), ("9" * 20 + "d", "too long")]
)
def test_bad_durations_are_refused_in_one_line(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_duration(text)
