"""The rules at their edges: half-open intervals, midnight, DST, missing stops, 48 hours."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from core.models import Programme, Text
from core.rules import check_programmes
from core.rules.findings import Finding

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")


def _p(start: datetime, stop: datetime | None, title: str = "Show", **extra: object) -> Programme:
    return Programme(
        "c.example.org",
        start,
        stop,
        titles=(Text(title),) if title else (),
        locator=extra.pop("locator", None),
        **extra,
    )  # type: ignore[arg-type]


def _kinds(findings: list[Finding], kind: str) -> list[Finding]:
    return [f for f in findings if f.kind == kind]


def _check(*programmes: Programme, **options: object) -> list[Finding]:
    return check_programmes(programmes, **options).findings  # type: ignore[arg-type]


T = datetime(2026, 12, 1, 20, 0, tzinfo=UTC)
H = timedelta(hours=1)
M = timedelta(minutes=1)


def test_touching_programmes_do_not_overlap() -> None:
    assert _kinds(_check(_p(T, T + H, "A"), _p(T + H, T + 2 * H, "B")), "overlap") == []


def test_one_second_of_overlap_is_reported_with_both_programmes() -> None:
    findings = _check(
        _p(T, T + H + timedelta(seconds=1), "Evening News"), _p(T + H, T + 2 * H, "Weather")
    )
    (overlap,) = _kinds(findings, "overlap")
    assert overlap.severity == "error"
    assert overlap.message == (
        "Overlap Tue 01 Dec 2026 21:00:00–21:00:01 UTC on c.example.org: 'Evening News' runs "
        "into 'Weather'"
    )
    assert overlap.stop - overlap.start == timedelta(seconds=1)
    assert overlap.fixes == ("trim", "ripple", "drop")


def test_a_long_programme_overlaps_every_programme_it_hides() -> None:
    findings = _check(
        _p(T, T + 3 * H, "Long"), _p(T + H, T + 2 * H, "A"), _p(T + 2 * H, T + 4 * H, "B")
    )
    pairs = {f.message.split(": ")[1] for f in _kinds(findings, "overlap")}
    assert pairs == {"'Long' runs into 'A'", "'Long' runs into 'B'"}


def test_gaps_are_reported_with_their_length_and_tolerance_applies() -> None:
    programmes = (_p(T, T + H, "A"), _p(T + H + 30 * M, T + 2 * H, "B"))
    (gap,) = _kinds(_check(*programmes), "gap")
    assert gap.message == (
        "Dead air Tue 01 Dec 2026 21:00–21:30 UTC (30 min) on c.example.org between 'A' and 'B'"
    )
    from core.config import RuleDefaults

    assert (
        _kinds(_check(*programmes, defaults=RuleDefaults(gap_tolerance_seconds=1800)), "gap") == []
    )


def test_programmes_across_midnight_are_one_interval() -> None:
    late = datetime(2026, 12, 1, 23, 30, tzinfo=UTC)
    findings = _check(_p(late, late + H, "Late"), _p(late + H, late + 2 * H, "Early"))
    assert _kinds(findings, "overlap") == _kinds(findings, "gap") == []
    findings = _check(_p(late, late + H, "Late"), _p(late + 30 * M, late + 2 * H, "Early"))
    assert len(_kinds(findings, "overlap")) == 1


@pytest.mark.parametrize(
    ("zone", "spring", "autumn"),
    [
        (LONDON, datetime(2026, 3, 29), datetime(2026, 10, 25)),
        (NEW_YORK, datetime(2026, 3, 8), datetime(2026, 11, 1)),
    ],
)
def test_schedules_across_dst_changes_have_no_false_gaps_or_overlaps(
    zone: ZoneInfo, spring: datetime, autumn: datetime
) -> None:
    for day in (spring, autumn):
        # hourly programmes written in local time with the offset of the moment
        first = datetime(day.year, day.month, day.day, 0, tzinfo=zone).astimezone(UTC)
        programmes = []
        for hour in range(30):
            start = (first + hour * H).astimezone(zone)
            stop = (first + (hour + 1) * H).astimezone(zone)
            fixed = [t.astimezone(timezone(t.utcoffset())) for t in (start, stop)]  # type: ignore[arg-type]
            programmes.append(_p(fixed[0], fixed[1], f"Hour {hour}"))
        findings = _check(*programmes, timezones={"c.example.org": zone.key})
        assert _kinds(findings, "overlap") == [] and _kinds(findings, "gap") == []
        dst = _kinds(findings, "dst")
        assert len(dst) == 1
        assert ("23 hours" if day is spring else "25 hours") in dst[0].message


def test_a_missing_stop_is_taken_from_the_next_start_and_noted() -> None:
    findings = _check(_p(T, None, "A"), _p(T + H, T + 2 * H, "B"))
    notes = [f for f in _kinds(findings, "invalid") if f.severity == "info"]
    assert (
        len(notes) == 1 and "taken as Tue 01 Dec 2026 21:00 UTC, the next start" in notes[0].message
    )
    assert _kinds(findings, "gap") == [] and _kinds(findings, "overlap") == []


def test_zero_length_and_backwards_programmes_are_invalid() -> None:
    findings = _check(_p(T, T, "Zero"), _p(T + H, T + 30 * M, "Backwards"))
    messages = sorted(f.message for f in _kinds(findings, "invalid"))
    assert messages == [
        "'Backwards' at Tue 01 Dec 2026 21:00 UTC on c.example.org stops before it starts",
        "'Zero' at Tue 01 Dec 2026 20:00 UTC on c.example.org is zero-length",
    ]
    assert all(f.severity == "error" for f in _kinds(findings, "invalid"))


def test_a_programme_without_title_is_invalid() -> None:
    (finding,) = [f for f in _kinds(_check(_p(T, T + H, "")), "invalid")]
    assert "has no title" in finding.message


def test_undeclared_channels_are_invalid() -> None:
    findings = _check(_p(T, T + H), declared=["other.example.org"])
    assert any("which no guide declares" in f.message for f in _kinds(findings, "invalid"))


def test_a_repeat_exactly_48_hours_after_the_airing_ended_is_allowed() -> None:
    first = _p(T, T + H, "Film", locator="http://x/film.mp4", fingerprint="f" * 32)
    again = T + H + timedelta(hours=48)
    ok = _p(again, again + H, "Film", locator="http://x/film.mp4", fingerprint="f" * 32)
    assert _kinds(_check(first, ok), "cooldown") == []
    early = again - timedelta(seconds=1)
    bad = _p(early, early + H, "Film", locator="http://x/film.mp4", fingerprint="f" * 32)
    (violation,) = _kinds(_check(first, bad), "cooldown")
    assert violation.severity == "error"
    assert "47:59:59 after its previous airing ended (cooldown 48:00)" in violation.message
    assert violation.fixes == ("replace",)


def test_without_an_asset_title_and_episode_identify_a_repeat() -> None:
    from core.models import EpisodeNum

    one = _p(T, T + H, "Quiz", episode_nums=(EpisodeNum("S01E02"),))
    two = _p(T + 5 * H, T + 6 * H, "quiz ", episode_nums=(EpisodeNum("S01E02"),))
    other = _p(T + 7 * H, T + 8 * H, "Quiz", episode_nums=(EpisodeNum("S01E03"),))
    assert len(_kinds(_check(one, two, other), "cooldown")) == 1
    news = [_p(T + n * 24 * H, T + n * 24 * H + H, "News") for n in range(3)]
    assert _kinds(_check(*news), "cooldown") == []  # a daily live show is not a repeat


def test_bumpers_are_exempt_from_the_cooldown() -> None:
    bumpers = [
        _p(
            T + n * M,
            T + n * M + timedelta(seconds=30),
            "Ident",
            fingerprint="b" * 32,
            locator="http://x/ident.mp4",
        )
        for n in range(5)
    ]
    assert _kinds(_check(*bumpers), "cooldown") == []


def test_duplicates_are_reported_once_and_not_as_overlaps() -> None:
    findings = _check(_p(T, T + H, "A"), _p(T, T + H, "A"), _p(T + H, T + 2 * H, "B"))
    assert len(_kinds(findings, "duplicate")) == 1
    assert _kinds(findings, "overlap") == []


def test_unplayable_programmes_are_reported() -> None:
    programmes = (
        _p(T, T + H, "No video", locator="http://x/a.mp4", fingerprint="a" * 32),
        _p(T + H, T + 2 * H, "Missing file", locator="/nonexistent/b.mp4"),
        _p(T + 2 * H, T + 3 * H, "Short", locator="http://x/c.mp4", fingerprint="c" * 32),
        _p(T + 3 * H, T + 4 * H, "Long", locator="http://x/d.mp4", fingerprint="d" * 32),
        _p(T + 4 * H, T + 5 * H, "Nothing"),
    )
    findings = _kinds(_check(*programmes, durations={"c" * 32: 1800, "d" * 32: 4000}), "unplayable")
    messages = " | ".join(f.message for f in findings)
    assert "the file /nonexistent/b.mp4 does not exist" in messages
    assert "30 min short of its slot: dead air at the end" in messages
    assert "7 min longer than its slot: it will be cut" in messages
    assert (
        "'Nothing' at Wed 02 Dec 2026 00:00 UTC on c.example.org has no video to play" in messages
    )
    assert len(findings) == 4
