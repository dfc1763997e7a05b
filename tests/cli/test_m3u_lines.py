"""An M3U export holds exactly the entries it says: a locator or title from someone else's
file cannot forge lines (a line break) or hide one (a leading ``#``)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_cli
from tests.hostile import guide_with_locators

CHANNEL = "loop.example.org"
FORGED = "http://media.example.org/a.mp4&#10;#EXTINF:-1,Forged&#10;--script=/tmp/evil.lua"


def _entries(path: Path, home: Path) -> list[tuple[str, str]]:
    """(title, locator) of each entry, as ScheduleFlow's own M3U reader reads the file back."""
    copy = home.parent / "reread"
    copy.mkdir()
    result = run_cli("import", str(path), home=copy)
    assert result.returncode == 0, result.stderr
    dump = home.parent / "reread.json"
    assert run_cli("export", "--format", "json", "-o", str(dump), home=copy).returncode == 0
    exported = json.loads(dump.read_text(encoding="utf-8"))
    return [(asset["title"], asset["locator"]) for asset in exported["assets"]]


def test_a_playlist_leaves_out_locators_that_would_forge_or_hide_lines(
    sf_home: Path, tmp_path: Path
) -> None:
    guide = guide_with_locators(
        tmp_path / "guide.xml", CHANNEL, ["http://media.example.org/0.mp4", FORGED,
                                          "#hidden.mp4", "http://media.example.org/3.mp4"],
    )  # fmt: skip
    assert run_cli("import", str(guide), home=sf_home).returncode == 0
    library = tmp_path / "filler.m3u"
    library.write_text(
        '#EXTM3U\n#EXTINF:30 group-title="Filler",Bumper\nhttp://f.example.org/b.mp4\n'
    )
    assert run_cli("import", str(library), home=sf_home).returncode == 0
    window = [
        "--channel",
        CHANNEL,
        "--from",
        "2027-01-01T00:00:00Z",
        "--to",
        "2027-01-01T00:04:00Z",
    ]
    target = tmp_path / "loop.m3u"
    refused = run_cli("export", "--format", "playlist", *window, "-o", str(target), home=sf_home)
    assert refused.returncode == 2
    assert "loop.example.org has dead air at Fri 01 Jan 2027 00:01 UTC" in refused.stderr
    assert (
        "left out 2 programmes no player is handed: 'Item 1' at Fri 01 Jan 2027 00:01 UTC (locator "
        in (refused.stderr)
    )
    assert not target.exists()
    made = run_cli("export", "--format", "playlist", *window, "--filler", "Filler",
                   "-o", str(target), home=sf_home)  # fmt: skip
    assert made.returncode == 0, made.stderr
    assert (
        "'Item 2' at Fri 01 Jan 2027 00:02 UTC (it starts with '#', which M3U reads as a comment)"
        in (made.stderr)
    )
    lines = target.read_text(encoding="utf-8").splitlines()
    assert [line for line in lines if not line.startswith("#")] == [
        "http://media.example.org/0.mp4", *["http://f.example.org/b.mp4"] * 4,
        "http://media.example.org/3.mp4",
    ]  # fmt: skip


def test_a_library_export_keeps_one_entry_per_asset_whatever_its_text(
    sf_home: Path, tmp_path: Path
) -> None:
    document = {
        "format": "scheduleflow/1",
        "assets": [
            {"title": "Good", "locator": "http://media.example.org/good.mp4"},
            {"title": "Two\nlines", "locator": "http://media.example.org/two.mp4"},
            {"title": "Forger", "locator": "http://x/a.mp4\n#EXTINF:-1,Forged\nhttp://evil/"},
            {"title": "Hider", "locator": "#http://media.example.org/hidden.mp4"},
        ],
    }
    source = tmp_path / "library.json"
    source.write_text(json.dumps(document), encoding="utf-8")
    imported = run_cli("import", str(source), home=sf_home)
    assert imported.returncode == 0, imported.stderr
    target = tmp_path / "library.m3u"
    made = run_cli("export", "--format", "m3u", "--library", "-o", str(target), home=sf_home)
    assert made.returncode == 0, made.stderr
    assert _entries(target, sf_home) == [
        ("Good", "http://media.example.org/good.mp4"),
        ("Two lines", "http://media.example.org/two.mp4"),
    ]
    assert (
        "warning: left out 2 entries whose locator is not one M3U line: 'Forger' (it holds a "
        "line break or another control character); 'Hider' (it starts with '#', which M3U "
        "reads as a comment)\n"
    ) in made.stderr
