"""Checking the store: windows, network scope, incremental re-checks, dedupe."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from core.config import RuleDefaults
from core.rules import FindingIndex, check_store
from core.samples import load_samples
from core.store import import_file
from core.store.edits import Replace, apply_changes
from core.store.library import apply_merges, find_duplicate_assets
from core.store.undo import undo
from tests.store.helpers import ACTOR, new_store


def test_a_window_check_reports_only_what_meets_the_window(tmp_path: Path) -> None:
    store = new_store(tmp_path)
    load_samples(store, ACTOR)
    morning = check_store(
        store,
        channels=["sports.example.org"],
        start=datetime(2026, 12, 6, 7, tzinfo=UTC),
        stop=datetime(2026, 12, 6, 10, tzinfo=UTC),
    )
    assert morning.counts["overlap"] == 1 and morning.counts["gap"] == 1
    assert morning.counts["invalid"] == 0  # the ticker is at 21:00


def _guide(tmp: Path, channel: str, hour: int) -> Path:
    path = tmp / f"{channel}.xml"
    path.write_text(
        f'<tv><channel id="{channel}"><display-name>{channel}</display-name></channel>'
        f'<programme start="20261201{hour:02d}0000 +0000" stop="20261201{hour + 1:02d}0000 +0000"'
        f' channel="{channel}"><title>Film</title><url system="video">http://x/film.mp4</url>'
        "</programme></tv>"
    )
    return path


def test_network_scope_compares_airings_across_channels(tmp_path: Path) -> None:
    store = new_store(tmp_path)
    import_file(store, _guide(tmp_path, "a.example.org", 6), actor=ACTOR)
    import_file(store, _guide(tmp_path, "b.example.org", 12), actor=ACTOR)
    assert check_store(store).counts["cooldown"] == 0
    report = check_store(store, RuleDefaults(cooldown_scope="network"))
    (finding,) = [f for f in report.findings if f.kind == "cooldown"]
    assert finding.channel == "b.example.org" and "on a.example.org" in finding.message
    store.set_rule_settings("a.example.org", actor=ACTOR, cooldown_scope="network")
    store.set_rule_settings("b.example.org", actor=ACTOR, cooldown_scope="network")
    assert check_store(store).counts["cooldown"] == 1


def test_a_channel_setting_overrides_the_default_cooldown(tmp_path: Path) -> None:
    store = new_store(tmp_path)
    load_samples(store, ACTOR)
    before = check_store(store, channels=["kids.example.org"]).counts["cooldown"]
    store.set_rule_settings("kids.example.org", actor=ACTOR, cooldown_hours=0.5)
    assert check_store(store, channels=["kids.example.org"]).counts["cooldown"] < before


def test_after_an_edit_only_the_affected_window_is_rechecked(tmp_path: Path) -> None:
    store = new_store(tmp_path)
    load_samples(store, ACTOR)
    index = FindingIndex()
    index.refresh(store)
    full = list(index.findings)
    channel = "sports.example.org"
    tennis = next(p for p in store.programmes(channel) if p.title.startswith("Tennis"))
    moved = replace(
        tennis,
        start=tennis.start + timedelta(minutes=15),
        stop=tennis.stop + timedelta(minutes=15),
        id=None,
    )  # type: ignore[operator]
    apply_changes(
        store,
        channel,
        [Replace(tennis.id or 0, moved)],
        actor=ACTOR,
        action="move",
        summary="moved",
        expected_revision=store.revision(channel),
    )
    index.recheck(store, channel, tennis.start, moved.stop or moved.start)
    assert index.findings == check_store(store).findings
    assert (
        len([f for f in index.findings if f.kind == "overlap"])
        == len([f for f in full if f.kind == "overlap"]) - 1
    )
    undo(store, actor=ACTOR, channel=channel)
    index.recheck(store, channel, tennis.start, moved.stop or moved.start)
    assert index.findings == full


def test_dedupe_merges_assets_with_one_fingerprint_and_undo_restores_them(tmp_path: Path) -> None:
    store = new_store(tmp_path)
    playlist = tmp_path / "lib.m3u"
    playlist.write_text(
        '#EXTM3U\n#EXTINF:60 group-title="A",One\nHTTP://Example.org:80/x.mp4\n'
        '#EXTINF:60 group-title="B",Same\nhttp://example.org/x.mp4\n'
        '#EXTINF:60 group-title="A",Other\nhttp://example.org/y.mp4\n'
    )
    import_file(store, playlist, actor=ACTOR)
    merges = find_duplicate_assets(store)
    assert len(merges) == 1 and merges[0].keep_title == "One"
    apply_merges(store, merges, actor=ACTOR)
    assert store.asset_count() == 2
    assert dict(store.groups()) == {"A": 2, "B": 1}
    undo(store, actor=ACTOR)
    assert store.asset_count() == 3
    assert dict(store.groups()) == {"A": 2, "B": 1}


def test_dedupe_by_content_repoints_programmes_to_the_kept_file(tmp_path: Path) -> None:
    store = new_store(tmp_path)
    media = tmp_path / "media"
    media.mkdir()
    (media / "a.mp4").write_bytes(b"same bytes")
    (media / "b.mp4").write_bytes(b"same bytes")
    playlist = tmp_path / "lib.m3u"
    playlist.write_text(f"#EXTM3U\n#EXTINF:60,A\n{media}/a.mp4\n#EXTINF:60,B\n{media}/b.mp4\n")
    import_file(store, playlist, actor=ACTOR)
    b = next(a for a in store.assets() if a.title == "B")
    guide = tmp_path / "g.xml"
    guide.write_text(
        '<tv><channel id="c.example.org"><display-name>C</display-name></channel>'
        '<programme start="20261201060000 +0000" stop="20261201060100 +0000" '
        f'channel="c.example.org"><title>B</title><url system="video">{b.locator}</url>'
        "</programme></tv>"
    )
    import_file(store, guide, actor=ACTOR)
    assert find_duplicate_assets(store) == []
    merges = find_duplicate_assets(store, content=True)
    assert len(merges) == 1
    counts = apply_merges(store, merges, actor=ACTOR)
    assert counts == {"assets_removed": 1, "programmes_repointed": 1}
    (programme,) = list(store.programmes("c.example.org"))
    assert programme.locator == f"{media}/a.mp4"
