"""XMLTV timestamps: every form the DTD allows, offsets kept, bad ones explained."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from core.timestamps import format_xmltv_time, parse_xmltv_time


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("20261129203000 +0100", "2026-11-29T20:30:00+01:00"),
        ("20261129203000 -0530", "2026-11-29T20:30:00-05:30"),
        ("20261129203000", "2026-11-29T20:30:00+00:00"),
        ("202611292030", "2026-11-29T20:30:00+00:00"),
        ("2026112920", "2026-11-29T20:00:00+00:00"),
        ("20261129", "2026-11-29T00:00:00+00:00"),
        ("200209", "2002-09-01T00:00:00+00:00"),
        ("2002", "2002-01-01T00:00:00+00:00"),
        ("200007281733 BST", "2000-07-28T17:33:00+01:00"),
        ("19880523083000 +0300", "1988-05-23T08:30:00+03:00"),
        ("20261129203000 +01:00", "2026-11-29T20:30:00+01:00"),
        ("20261129203000+0100", "2026-11-29T20:30:00+01:00"),
        (" 20261129203000 GMT ", "2026-11-29T20:30:00+00:00"),
    ],
)
def test_every_dtd_form_parses_with_its_offset(text: str, iso: str) -> None:
    assert parse_xmltv_time(text).isoformat() == iso


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("tomorrow", "is not an XMLTV time"),
        ("20261329000000 +0000", "is not a real date"),
        ("20261129203000 XYZ", "unknown time zone 'XYZ'"),
        ("20261129203000 +2500", "offset out of range"),
        ("2026112", "is not an XMLTV time"),
    ],
)
def test_bad_timestamps_say_what_is_wrong(text: str, fragment: str) -> None:
    with pytest.raises(ValueError, match=fragment):
        parse_xmltv_time(text)


def test_writing_keeps_the_offset_it_was_given() -> None:
    value = datetime(2026, 3, 29, 1, 30, tzinfo=timezone(timedelta(hours=-4, minutes=-30)))
    assert format_xmltv_time(value) == "20260329013000 -0430"
    assert format_xmltv_time(parse_xmltv_time("20261129203000 +0100")) == "20261129203000 +0100"


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="no time zone"):
        format_xmltv_time(datetime(2026, 1, 1))
