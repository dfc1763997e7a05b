"""Findings read in the channel's time: its local date around midnight UTC, its zone named."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from core.models import Programme, Text
from core.rules import check_programmes
from core.rules.findings import Finding

BERLIN = "berlin.example.org"
NEW_YORK = "ny.example.org"
ZONES = {BERLIN: "Europe/Berlin", NEW_YORK: "America/New_York"}
H = timedelta(hours=1)
M = timedelta(minutes=1)


def _p(
    channel: str, start: datetime, stop: datetime | None, title: str, **extra: object
) -> Programme:
    return Programme(channel, start, stop, titles=(Text(title),), **extra)  # type: ignore[arg-type]


def _messages(*programmes: Programme, kind: str) -> list[str]:
    findings: list[Finding] = check_programmes(programmes, timezones=ZONES).findings
    return [f.message for f in findings if f.kind == kind]


def test_dead_air_around_midnight_utc_reads_with_berlins_date() -> None:
    midnight = datetime(2026, 12, 2, tzinfo=UTC)
    messages = _messages(
        _p(BERLIN, midnight - 2 * H, midnight - 30 * M, "Late Film"),
        _p(BERLIN, midnight + 30 * M, midnight + H, "Night News"),
        kind="gap",
    )
    assert messages == [
        "Dead air Wed 02 Dec 2026 00:30–01:30 CET (60 min) on berlin.example.org between "
        "'Late Film' and 'Night News'"
    ]


def test_an_overlap_after_midnight_utc_reads_with_new_yorks_date() -> None:
    midnight = datetime(2026, 12, 2, tzinfo=UTC)
    messages = _messages(
        _p(NEW_YORK, midnight, midnight + 90 * M, "Evening Show"),
        _p(NEW_YORK, midnight + H, midnight + 2 * H, "Talk"),
        kind="overlap",
    )
    assert messages == [
        "Overlap Tue 01 Dec 2026 20:00–20:30 EST on ny.example.org: 'Evening Show' runs into 'Talk'"
    ]


def test_a_repeat_names_the_local_date_and_zone_of_its_airing() -> None:
    midnight = datetime(2026, 12, 2, tzinfo=UTC)
    messages = _messages(
        _p(BERLIN, midnight - 3 * H, midnight - 2 * H, "Film", fingerprint="f" * 32),
        _p(BERLIN, midnight + 30 * M, midnight + 90 * M, "Film", fingerprint="f" * 32),
        kind="cooldown",
    )
    assert len(messages) == 1
    assert "airs again at Wed 02 Dec 2026 01:30 CET on berlin.example.org" in messages[0]


def test_the_dst_day_names_both_ends_in_their_own_zone() -> None:
    sunday = datetime(2026, 3, 29, 12, tzinfo=UTC)
    messages = _messages(_p(BERLIN, sunday, sunday + H, "Match"), kind="dst")
    assert messages == [
        "the broadcast day Sun 29 Mar 2026 00:00 CET – Mon 30 Mar 00:00 CEST on "
        "berlin.example.org lasts 23 hours (the clocks go forward)"
    ]


def test_an_overlap_across_the_dst_change_gives_each_end_its_zone() -> None:
    before_change = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)  # 01:30 CET
    messages = _messages(
        _p(BERLIN, before_change - H, before_change + H, "Night Film"),
        _p(BERLIN, before_change, before_change + 2 * H, "Early Show"),
        kind="overlap",
    )
    assert messages == [
        "Overlap Sun 29 Mar 2026 01:30 CET – 03:30 CEST on berlin.example.org: 'Night Film' "
        "runs into 'Early Show'"
    ]


def test_a_channel_without_a_zone_reads_in_utc_whatever_offset_the_guide_gave() -> None:
    start = datetime.fromisoformat("2026-12-02T01:00:00+02:00")
    messages = _messages(
        _p("other.example.org", start, start + H, "A"),
        _p("other.example.org", start + 90 * M, start + 2 * H, "B"),
        kind="gap",
    )
    assert messages == [
        "Dead air Wed 02 Dec 2026 00:00–00:30 UTC (30 min) on other.example.org between 'A' and 'B'"
    ]


def test_fractions_of_a_second_never_reach_a_message() -> None:
    start = datetime(2026, 12, 2, 5, 59, 43, 682000, tzinfo=UTC)
    messages = _messages(_p(BERLIN, start, None, "Open End"), kind="invalid")
    assert messages == [
        "'Open End' at Wed 02 Dec 2026 06:59:43 CET has no stop and nothing follows it: its "
        "end is unknown"
    ]
