"""Times as a person reads them: the channel's zone, the date, the zone named, no fractions."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from core.clock import channel_zone, moment_text, span_text

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")


def test_an_instant_reads_in_the_channels_zone_with_its_local_date() -> None:
    just_before_midnight_utc = datetime(2026, 12, 1, 23, 30, tzinfo=UTC)
    assert moment_text(just_before_midnight_utc, BERLIN) == "Wed 02 Dec 2026 00:30 CET"
    assert moment_text(just_before_midnight_utc, NEW_YORK) == "Tue 01 Dec 2026 18:30 EST"


def test_a_channel_without_a_zone_reads_in_utc_and_says_so() -> None:
    berlin_evening = datetime(2026, 12, 2, 0, 30, tzinfo=BERLIN)
    assert moment_text(berlin_evening, None) == "Tue 01 Dec 2026 23:30 UTC"
    assert moment_text(berlin_evening, channel_zone(None)) == "Tue 01 Dec 2026 23:30 UTC"


def test_seconds_show_only_when_they_are_not_zero_and_fractions_never() -> None:
    at = datetime(2026, 12, 2, 5, 59, 43, 682125, tzinfo=UTC)
    assert moment_text(at, BERLIN) == "Wed 02 Dec 2026 06:59:43 CET"
    assert moment_text(at.replace(second=0, microsecond=0), BERLIN) == "Wed 02 Dec 2026 06:59 CET"


def test_a_range_names_the_date_once_and_the_stops_date_across_midnight() -> None:
    start = datetime(2026, 12, 5, 5, 0, tzinfo=UTC)
    assert span_text(start, start + timedelta(minutes=90), BERLIN) == (
        "Sat 05 Dec 2026 06:00–07:30 CET"
    )
    late = datetime(2026, 12, 5, 22, 30, tzinfo=UTC)
    assert span_text(late, late + timedelta(minutes=45), BERLIN) == (
        "Sat 05 Dec 2026 23:30 – Sun 06 Dec 00:15 CET"
    )
    new_year = datetime(2026, 12, 31, 22, 30, tzinfo=UTC)
    assert span_text(new_year, new_year + timedelta(hours=1), BERLIN) == (
        "Thu 31 Dec 2026 23:30 – Fri 01 Jan 2027 00:30 CET"
    )


def test_a_range_across_a_dst_change_gives_each_end_its_own_zone() -> None:
    spring = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)  # Berlin skips 02:00–03:00
    assert span_text(spring, spring + timedelta(hours=1), BERLIN) == (
        "Sun 29 Mar 2026 01:30 CET – 03:30 CEST"
    )
    autumn = datetime(2026, 11, 1, 5, 30, tzinfo=UTC)  # New York repeats 01:00–02:00
    assert span_text(autumn, autumn + timedelta(hours=1), NEW_YORK) == (
        "Sun 01 Nov 2026 01:30 EDT – 01:30 EST"
    )


def test_a_seconds_end_gives_both_ends_seconds() -> None:
    start = datetime(2026, 12, 1, 20, 0, tzinfo=UTC)
    assert span_text(start, start + timedelta(seconds=1), None) == (
        "Tue 01 Dec 2026 20:00:00–20:00:01 UTC"
    )


def test_a_zone_without_an_abbreviation_reads_as_its_utc_offset() -> None:
    at = datetime(2026, 12, 1, 20, 0, tzinfo=UTC)
    assert moment_text(at, ZoneInfo("Asia/Dubai")) == "Wed 02 Dec 2026 00:00 UTC+04:00"
    assert moment_text(at, timezone(timedelta(hours=-5, minutes=-30))) == (
        "Tue 01 Dec 2026 14:30 UTC-05:30"
    )


_DAY = r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{2} [A-Z][a-z]{2}"
_CLOCK = r"\d{2}:\d{2}(:\d{2})?"
_ZONE = r"([A-Z]{2,5}|UTC[+-]\d{2}:\d{2})"
_MOMENT = re.compile(rf"{_DAY} \d{{4}} {_CLOCK} {_ZONE}")
_SPAN = re.compile(
    rf"{_DAY} \d{{4}} {_CLOCK}(–{_CLOCK}| {_ZONE}? ?– ({_DAY}( \d{{4}})? )?{_CLOCK}) {_ZONE}"
)
_ZONES = st.sampled_from(
    [None, BERLIN, NEW_YORK, ZoneInfo("Australia/Sydney"), ZoneInfo("Asia/Kolkata"), UTC]
)
_INSTANTS = st.datetimes(
    min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
)


@given(_INSTANTS, _ZONES)
def test_every_instant_reads_as_date_clock_and_zone_without_fractions(
    at: datetime, zone: ZoneInfo | None
) -> None:
    text = moment_text(at, zone)
    assert _MOMENT.fullmatch(text), text
    assert "." not in text


@given(_INSTANTS, st.integers(min_value=0, max_value=3 * 86_400_000), _ZONES)
def test_every_range_reads_as_dates_clocks_and_zones_without_fractions(
    start: datetime, milliseconds: int, zone: ZoneInfo | None
) -> None:
    text = span_text(start, start + timedelta(milliseconds=milliseconds), zone)
    assert _SPAN.fullmatch(text), text
    assert "." not in text
