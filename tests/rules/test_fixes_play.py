"""Fixes change what plays: what they shorten carries an out point that ``play``, the playlist
and the ffplayout export honour, and after a fix nothing is found that the preview did not
say. What players play is worked out by :mod:`tests.rules.playback`, on their own terms."""

from __future__ import annotations

import io
import itertools
import tempfile
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.errors import FileProblem, InputError
from core.models import Asset, Channel, Programme, Text, airing
from core.onair import mpv_command
from core.rules import check_store
from core.rules.findings import FIXES, STREAM_FIXES, VIDEO_FIXES
from core.rules.fixes import apply_fix, plan_fix
from core.store import Store
from core.store.edits import Insert, Replace, apply_changes
from core.store.exporter import export
from tests.planner.helpers import add_library, clips
from tests.rules import playback
from tests.store.helpers import ACTOR, new_store

CHANNEL = "one.example.org"
# half an hour before the clocks go back in Europe: a schedule there crosses the change
T0 = datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
ZONES = ["UTC", "Europe/London", "Europe/Berlin", "America/New_York", "Asia/Kolkata"]
SHOWS = [40.0, 300.0, 600.0, 900.0, 1500.0, 3600.0, 700.0, 1200.0]
# the stream doctor's fixes act on streams found down, which need a probe history:
# tests/probe/test_stream_rule.py tests them against a real stream server
POLICIES = [
    (kind, policy)
    for kind, policies in FIXES.items()
    for policy in policies
    if not (kind == "unplayable" and policy in STREAM_FIXES)
]


def _library(store: Store, folder: Path) -> None:
    shows = [
        (f"Show {n:02d}", seconds, f"https://media.example.org/shows/{n:02d}.mp4")
        for n, seconds in enumerate(SHOWS, 1)
    ]
    add_library(
        store,
        folder,
        {
            "Shows": shows,
            "Filler": clips("Filler", 3, 40.0),
            "Export filler": clips("Export filler", 3, 600.0, host="fill.example.org"),
        },
    )


def _assets(store: Store, group: str) -> list[Asset]:
    return list(store.assets(group))


def _videos(store: Store) -> dict[str, float]:
    return {a.locator: a.duration or 0.0 for a in store.assets(None)}


def _at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def _day(store: Store) -> tuple[datetime, datetime]:
    """The broadcast day holding T0 (the channel's midnight to the next), in UTC."""
    zone = ZoneInfo(store.channel(CHANNEL).timezone or "UTC")
    day = T0.astimezone(zone).date()
    midnight = datetime.combine(day, time(0), tzinfo=zone)
    following = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)
    return midnight.astimezone(UTC), following.astimezone(UTC)


def _put(store: Store, programmes: list[Programme], zone: str = "UTC") -> None:
    apply_changes(
        store,
        CHANNEL,
        [Insert(p) for p in programmes],
        actor=ACTOR,
        action="test",
        summary="test schedule",
        expected_revision=None,
        create=Channel(CHANNEL, timezone=zone),
    )


def _whole(asset: Asset, start: float, category: str | None = None) -> Programme:
    return airing(CHANNEL, asset, _at(start), _at(start + (asset.duration or 0)), category)


def _stored(store: Store) -> list[tuple[int, int, str]]:
    """(start ms after T0, length ms, locator) of every programme with a video."""
    return [
        (
            round((p.start - T0).total_seconds() * 1000),
            round(((p.stop or p.start) - p.start).total_seconds() * 1000),
            p.locator,
        )
        for p in store.programmes(CHANNEL)
        if p.locator
    ]


def _mpv(store: Store) -> list[tuple[int, str]]:
    command = mpv_command(store, CHANNEL, T0 - timedelta(hours=1), horizon=timedelta(hours=30))
    return [
        (length, where)
        for _, length, where in playback.mpv_items(command.arguments, _videos(store))
    ]


def _playlist(
    store: Store, filler: str | None = "Export filler"
) -> list[tuple[int, int, int, str]]:
    out = io.StringIO()
    export(
        store,
        "playlist",
        out,
        channels=[CHANNEL],
        start=T0 - timedelta(hours=12),
        stop=T0 + timedelta(hours=24),
        filler=filler,
    )
    return playback.m3u_items(out.getvalue(), _videos(store))


def _ffplayout_text(store: Store, filler: str | None = "Export filler") -> str:
    out = io.StringIO()
    export(
        store,
        "ffplayout",
        out,
        channels=[CHANNEL],
        start=T0,
        stop=T0 + timedelta(hours=1),
        filler=filler,
    )
    return out.getvalue()


def _ffplayout(store: Store, filler: str | None = "Export filler") -> list[tuple[int, int, str]]:
    return playback.ffplayout_items(playback.load(_ffplayout_text(store, filler)), _videos(store))


def _not_filler(items: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    return [item for item in items if "fill.example.org" not in item[2]]


def _slivers(stored: list[tuple[int, int, str]]) -> list[tuple[int, int]]:
    """Gaps under a second between videos, as (start, length) ms: no clip can fill one
    (ffplayout skips it), so a back-to-back playout closes it, and check reports it."""
    return [
        (a[0] + a[1], b[0] - a[0] - a[1])
        for a, b in itertools.pairwise(stored)
        if 0 < b[0] - a[0] - a[1] < 1000
    ]


def _closed(stored: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """The videos as a back-to-back playout plays them: each gap under a second closed."""
    slivers = _slivers(stored)
    return [
        (start - sum(n for at, n in slivers if at < start), length, where)
        for start, length, where in stored
    ]


def _plays_as_stored(store: Store) -> None:
    """mpv, the M3U playlist and ffplayout play every programme for exactly its length,
    and the playlist and ffplayout at exactly its time (a gap too short for any clip
    closed, see ``_slivers``)."""
    stored = _stored(store)
    assert _mpv(store) == [(length, where) for _, length, where in stored]
    listed = _playlist(store)
    assert all(length == extinf for _, length, extinf, _ in listed)
    base = stored[0][0] if stored else 0
    assert _not_filler([(at + base, n, w) for at, n, _, w in listed]) == _closed(stored)
    begin, end = (round((edge - T0).total_seconds() * 1000) for edge in _day(store))
    played = _not_filler([(at + begin, n, w) for at, n, w in _ffplayout(store)])
    # one day's playlist: what crosses its end is cut there (the next day plays the rest)
    assert played == [(at, min(at + n, end) - at, w) for at, n, w in _closed(stored) if at < end]


@pytest.fixture
def store(tmp_path: Path) -> Store:
    store = new_store(tmp_path)
    _library(store, tmp_path)
    return store


def test_trim_cuts_the_earlier_programme_with_an_out_point_that_everything_plays(
    store: Store,
) -> None:
    show = _assets(store, "Shows")[0]  # 40 s
    later = _assets(store, "Shows")[1]
    _put(store, [_whole(show, 0), _whole(later, 10)])
    apply_fix(store, plan_fix(store, "overlap", "trim"), actor=ACTOR)
    trimmed = next(iter(store.programmes(CHANNEL)))
    assert dict(trimmed.attrs)["ffplayout:out"] == "10.0"
    assert "--end=10.000" in mpv_command(store, CHANNEL, T0).arguments
    assert check_store(store).counts["unplayable"] == 0  # not "longer than its slot"
    _plays_as_stored(store)


def test_gap_fill_cuts_the_last_filler_with_an_out_point(store: Store) -> None:
    shows = _assets(store, "Shows")
    _put(store, [_whole(shows[1], 0), _whole(shows[2], 350)])  # a 50 s gap: 40 s + 10 s
    plan = plan_fix(store, "gap", "fill", group="Filler")
    apply_fix(store, plan, actor=ACTOR)
    cut = [p for p in store.programmes(CHANNEL) if p.start == _at(340)]
    assert [dict(p.attrs).get("ffplayout:out") for p in cut] == ["10.0"]
    assert check_store(store).counts["gap"] == 0
    _plays_as_stored(store)


def test_cooldown_replace_picks_an_asset_that_fills_the_slot_or_cuts_a_longer_one(
    store: Store,
) -> None:
    shows = _assets(store, "Shows")
    repeat = shows[2]  # 600 s, aired twice within the cooldown
    _put(store, [_whole(repeat, 0), _whole(repeat, 4000)])
    plan = plan_fix(store, "cooldown", "replace")
    assert plan.changes == 1
    apply_fix(store, plan, actor=ACTOR)
    replaced = list(store.programmes(CHANNEL))[1]
    # the shortest asset not shorter than the 600 s slot: 700 s, cut there; never a 40 s or
    # 300 s one (dead air) nor the 3600 s one
    assert replaced.locator == shows[6].locator
    assert dict(replaced.attrs)["ffplayout:out"] == "600.0"
    assert any("longer than their slot and are cut" in note for note in plan.notes)
    assert check_store(store).counts["unplayable"] == 0
    _plays_as_stored(store)


def test_ripple_shortens_cut_filler_instead_of_moving_what_follows(store: Store) -> None:
    shows = _assets(store, "Shows")
    filler = _assets(store, "Filler")[0]
    _put(
        store,
        [
            _whole(shows[1], 0),  # 0–300
            _whole(shows[0], 290),  # 290–330: 10 s into the one before
            airing(CHANNEL, filler, _at(330), _at(360), "Filler"),  # 30 s of 40 s
            _whole(shows[2], 360),
            _whole(shows[3], 960),
        ],
    )
    plan = plan_fix(store, "overlap", "ripple")
    # the 40 s show moves 10 s later; the cut filler gives up those 10 s: nothing else moves
    assert plan.changes == 2
    apply_fix(store, plan, actor=ACTOR)
    assert check_store(store).counts["overlap"] == 0
    (cut,) = [p for p in store.programmes(CHANNEL) if p.locator == filler.locator]
    assert (cut.start, cut.stop, dict(cut.attrs)["ffplayout:out"]) == (_at(340), _at(360), "20.0")
    _plays_as_stored(store)


def test_placeholders_are_named_by_the_playout_exports_and_a_fix_makes_them_play(
    store: Store,
) -> None:
    shows = _assets(store, "Shows")
    _put(store, [_whole(shows[1], 0), _whole(shows[2], 400)])
    apply_fix(store, plan_fix(store, "gap", "placeholder"), actor=ACTOR)
    with pytest.raises(InputError) as refused:
        _ffplayout_text(store, filler=None)
    assert "fill the gaps first" not in refused.value.hint
    assert "'Off air' placeholders" in refused.value.hint
    assert "fix unplayable --policy fill" in refused.value.hint
    # the placeholder is an unplayable finding with a fix, and that fix makes it play
    found = [f for f in check_store(store).findings if f.kind == "unplayable"]
    assert found and all(f.fixes == ("cut", "fill", "drop") for f in found)
    apply_fix(store, plan_fix(store, "unplayable", "fill", group="Filler"), actor=ACTOR)
    assert check_store(store).counts["unplayable"] == 0
    # with no export filler: what was off air now plays the Filler group's clips
    stored = _stored(store)
    listed = _playlist(store, filler=None)
    assert [(at + stored[0][0], n, w) for at, n, _, w in listed] == stored
    _plays_as_stored(store)


def test_unplayable_cut_gives_a_too_long_video_an_out_point(store: Store) -> None:
    show = _assets(store, "Shows")[0]  # 40 s in a 10 s slot, no out point
    _put(
        store,
        [
            Programme(
                CHANNEL,
                _at(0),
                _at(10),
                titles=(Text("x"),),
                locator=show.locator,
                fingerprint=show.fingerprint,
            )
        ],
    )
    assert check_store(store).counts["unplayable"] == 1
    apply_fix(store, plan_fix(store, "unplayable", "cut"), actor=ACTOR)
    assert check_store(store).counts["unplayable"] == 0
    assert "--end=10.000" in mpv_command(store, CHANNEL, T0).arguments


def test_every_unplayable_finding_offers_a_fix(store: Store) -> None:
    _put(store, [Programme(CHANNEL, _at(0), _at(10), titles=(Text("guide only"),))])
    (finding,) = [f for f in check_store(store).findings if f.kind == "unplayable"]
    assert finding.fixes == VIDEO_FIXES != ()


def test_an_all_channels_ffplayout_export_writes_nothing_when_one_channel_cannot_be_written(
    store: Store, tmp_path: Path
) -> None:
    shows = _assets(store, "Shows")
    _put(store, [_whole(shows[1], 0)])
    other = Channel("two.example.org", timezone="UTC")
    apply_changes(
        store,
        other.id,
        [Insert(replace_channel(_whole(shows[2], 0), other.id))],
        actor=ACTOR,
        action="test",
        summary="test",
        expected_revision=None,
        create=other,
    )
    folder = tmp_path / "out"
    taken = folder / "two.example.org" / "2026" / "10" / "2026-10-25.json"
    taken.parent.mkdir(parents=True)
    taken.write_text("{}", encoding="utf-8")
    with pytest.raises(FileProblem):
        export(
            store,
            "ffplayout",
            folder,
            start=T0,
            stop=T0 + timedelta(hours=1),
            filler="Export filler",
        )
    assert sorted(p.name for p in folder.rglob("*") if p.is_file()) == ["2026-10-25.json"]
    assert taken.read_text(encoding="utf-8") == "{}"


def replace_channel(programme: Programme, channel: str) -> Programme:
    return replace(programme, channel=channel)


# One generated item: what it is, which asset, where it starts against the end of the one
# before (negative: an overlap), and for a cut one how much of the video it plays.
_ITEM = st.tuples(  # shifts to the millisecond
    st.sampled_from(["whole", "cut", "filler", "placeholder", "long", "short"]),
    st.integers(0, len(SHOWS) - 1),
    # to the millisecond; a gap is a second or more: a playout cannot hold a shorter one
    # (ffplayout skips a clip under a second, the exports leave such a gap out)
    st.one_of(
        st.just(0.0),  # back to back, as most of a schedule is
        st.integers(-120_000, 240_000).map(lambda ms: ms / 1000 if ms <= 0 else ms / 1000 + 1),
    ),
    st.floats(0.05, 0.95),
)


def _what_plays(programme: Programme) -> tuple[object, ...]:
    return (programme.start, programme.stop, programme.locator, programme.title, programme.attrs)


def _schedule(
    store: Store, items: list[tuple[str, int, float, float]], wrong: bool, zone: str
) -> None:
    """The items as programmes; with ``wrong``, "long" and "short" ones play a video longer
    or shorter than their slot with no out point (unplayable), else they are cut or whole."""
    shows, filler = _assets(store, "Shows"), _assets(store, "Filler")
    made: list[Programme] = []
    start = end = 0.0
    for what, index, shift, part in items:
        if what in ("long", "short") and not wrong:
            what = "cut" if what == "long" else "whole"
        start = max(start + 0.001, end + shift)  # never two at one start
        if what == "placeholder":
            end = start + 60 + index * 45
            made.append(
                Programme(
                    CHANNEL,
                    _at(start),
                    _at(end),
                    titles=(Text("Off air"),),
                    categories=(Text("Off air"),),
                )
            )
            continue
        asset = filler[index % len(filler)] if what == "filler" else shows[index]
        length = asset.duration or 0.0
        if what in ("cut", "filler", "long"):
            length = max(1.0, round(length * part))
        elif what == "short":
            length += round(300 * part) + 2
        end = start + length
        if what in ("long", "short"):
            made.append(
                Programme(
                    CHANNEL,
                    _at(start),
                    _at(end),
                    titles=(Text(asset.title),),
                    locator=asset.locator,
                    fingerprint=asset.fingerprint,
                )
            )
            continue
        made.append(
            airing(CHANNEL, asset, _at(start), _at(end), "Filler" if what == "filler" else None)
        )
    _put(store, made, zone)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    items=st.lists(_ITEM, min_size=2, max_size=8),
    fix=st.sampled_from(POLICIES),
    zone=st.sampled_from(ZONES),
)
def test_after_any_fix_check_finds_only_what_the_preview_said_and_players_play_the_store(
    items: list[tuple[str, int, float, float]], fix: tuple[str, str], zone: str
) -> None:
    kind, policy = fix
    with tempfile.TemporaryDirectory() as folder:
        store = new_store(Path(folder))
        try:
            _library(store, Path(folder))
            _schedule(store, items, wrong=kind == "unplayable", zone=zone)
            report = check_store(store)
            before = {(f.kind, f.message) for f in report.findings}
            invalid = report.counts["invalid"]
            plan = plan_fix(store, kind, policy, group="Filler")
            for change in (c for f in plan.channels for c in f.changes):
                if isinstance(change, Replace):  # each change changes something
                    old, new = store.programme(change.programme_id), change.programme
                    assert _what_plays(old) != _what_plays(new)
            apply_fix(store, plan, actor=ACTOR)
            announced = {(f.kind, f.message) for f in plan.leaves}
            after = {(f.kind, f.message) for f in check_store(store).findings}
            assert after - before - announced == set()
            if policy in ("trim", "ripple", "fill", "stretch", "replace"):
                # what they build or shorten plays as its slot says: the only unplayable
                # findings they may leave are placeholders (moved, or named one by one once
                # the channel has a video)
                new = {m for k, m in after - before if k == "unplayable"}
                assert {m for m in new if not m.endswith("has no video to play")} == set()
                assert check_store(store).counts["invalid"] <= invalid
            played = _stored(store)
            if any(a[0] + a[1] > b[0] for a, b in itertools.pairwise(played)):
                # a back-to-back playout cannot play overlapping videos: the exports refuse
                with pytest.raises(InputError, match="overlap"):
                    _playlist(store)
                with pytest.raises(InputError, match="overlap"):
                    _ffplayout(store)
            else:
                gaps = [f for f in check_store(store).findings if f.kind == "gap"]
                for at, _ in _slivers(played):  # each one is reported
                    # (in UTC: an aware time in a repeated hour equals no time of another zone)
                    assert any(f.start.astimezone(UTC) == _at(at / 1000) for f in gaps)
                _plays_as_stored(store)
        finally:
            store.close()
