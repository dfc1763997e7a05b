"""Playout exports of the demo channels from the command line: nothing is dropped or cut short
without a word, a film that crosses the day start continues the next day, a window ends on time.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from tests.conftest import ROOT, run_cli

SAMPLES = ROOT / "samples"
SPORTS, MOVIES = "sports.example.org", "movies.example.org"
OVERLAPS = (
    "sports.example.org has 2 overlaps: 'Tennis: Quarter Final' at Sun 06 Dec 2026 08:45 CET "
    "starts before 'Cycling: Stage Replay' ends at Sun 06 Dec 2026 09:00 CET; "
    "'Post-Match Analysis' at Sun 06 Dec 2026 14:00 CET starts before 'Football: Live Match' "
    "ends at Sun 06 Dec 2026 14:05 CET; "
    "a playout plays back to back, so one of them would be lost or run late — fix the overlaps "
    "first: scheduleflow fix overlap --policy trim|ripple|drop --channel sports.example.org\n"
)


def _ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, result.stderr
    return result.stdout


def _load(home: Path, *names: str) -> None:
    for name in names:
        _ok(run_cli("import", str(SAMPLES / name), home=home))


def _program(path: Path) -> list[dict[str, object]]:
    items: list[dict[str, object]] = json.loads(path.read_text(encoding="utf-8"))["program"]
    return items


def test_the_sports_day_with_overlaps_is_refused_by_both_playout_exports(
    sf_home: Path, tmp_path: Path
) -> None:
    _load(sf_home, "channels.json", "sports-library.m3u", "sports-day.xml")
    folder = tmp_path / "ffplayout"
    refused = run_cli("export", "--format", "ffplayout", "--channel", SPORTS, "--filler",
                      "Filler", "-o", str(folder), home=sf_home)  # fmt: skip
    assert (refused.returncode, refused.stderr) == (2, f"scheduleflow export: {OVERLAPS}")
    assert not folder.exists()
    playlist = tmp_path / "sports.m3u"
    window = ["--from", "2026-12-06T06:00:00+01:00", "--to", "2026-12-07T06:00:00+01:00"]
    refused = run_cli("export", "--format", "playlist", "--channel", SPORTS, *window,
                      "--filler", "Filler", "-o", str(playlist), home=sf_home)  # fmt: skip
    assert (refused.returncode, refused.stderr) == (2, f"scheduleflow export: {OVERLAPS}")
    assert not playlist.exists()
    # the fix the message names makes the export possible, with every programme in it
    _ok(run_cli("fix", "overlap", "--policy", "trim", "--channel", SPORTS, home=sf_home))
    _ok(run_cli("export", "--format", "ffplayout", "--channel", SPORTS, "--filler", "Filler",
                "-o", str(folder), home=sf_home))  # fmt: skip
    titles = {item.get("title") for item in _program(folder / "2026" / "12" / "2026-12-06.json")}
    assert {"Tennis: Quarter Final", "Post-Match Analysis"} <= titles


def test_a_film_across_the_day_start_ends_one_day_and_begins_the_next(
    sf_home: Path, tmp_path: Path
) -> None:
    _load(sf_home, "fast-movies-library.m3u", "fast-movies.json")
    folder = tmp_path / "ffplayout"
    export = run_cli("export", "--format", "ffplayout", "--channel", MOVIES, "--from",
                     "2026-12-04T06:00:00-05:00", "--to", "2026-12-06T06:00:00-05:00",
                     "-o", str(folder), home=sf_home)  # fmt: skip
    assert export.returncode == 0 and "warning" not in export.stderr, export.stderr
    days = [folder / "2026" / "12" / f"2026-12-0{n}.json" for n in (4, 5)]
    first, second = (_program(day) for day in days)
    film = "https://media.example.org/fast/night-train-to-nowhere.mp4"
    # 04:34 to 06:07 EST: 86 minutes on the 4th's day, the last 7 on the 5th's
    assert first[-1] == {"in": 0.0, "out": 5160.0, "duration": 5580.0, "source": film,
                         "title": "Night Train to Nowhere", "category": "Movie"}  # fmt: skip
    assert second[0] == {"in": 5160.0, "out": 5580.0, "duration": 5580.0, "source": film,
                         "title": "Night Train to Nowhere", "category": "Movie"}  # fmt: skip
    assert [sum(i["out"] - i["in"] for i in day) for day in (first, second)] == [86400] * 2  # type: ignore[operator]
    # read back into a fresh store, the two halves are one programme again
    fresh = tmp_path / "fresh"
    schedule = json.loads((SAMPLES / "fast-movies.json").read_text(encoding="utf-8"))
    settings = tmp_path / "channel.json"
    settings.write_text(json.dumps({**schedule, "programmes": []}), encoding="utf-8")
    _ok(run_cli("import", str(settings), home=fresh))
    for day in reversed(days):  # the later day first: the join works both ways
        _ok(run_cli("import", str(day), "--channel", MOVIES, home=fresh))
    out = tmp_path / "back.json"
    _ok(run_cli("export", "--format", "json", "--channel", MOVIES, "-o", str(out), home=fresh))
    trains = [
        (p["start"], p["stop"])
        for p in json.loads(out.read_text(encoding="utf-8"))["programmes"]
        if p["titles"][0]["value"] == "Night Train to Nowhere"
    ]
    assert ("2026-12-05T04:34:00-05:00", "2026-12-05T06:07:00-05:00") in trains
    assert not any(start == "2026-12-05T06:00:00-05:00" for start, _ in trains)


def test_a_playlist_window_ends_at_its_to_time(sf_home: Path, tmp_path: Path) -> None:
    _load(sf_home, "fast-movies-library.m3u", "fast-movies.json")
    playlist = tmp_path / "window.m3u"
    _ok(run_cli("export", "--format", "playlist", "--channel", MOVIES, "--from",
                "2026-12-04T06:30:00-05:00", "--to", "2026-12-04T08:00:00-05:00",
                "-o", str(playlist), home=sf_home))  # fmt: skip
    # Night Train 06:00-07:33 joined at 06:30, Salt Road 07:33-09:09 cut at 08:00
    assert playlist.read_text(encoding="utf-8").splitlines() == [
        "#EXTM3U",
        "#EXTINF:3780.000,Night Train to Nowhere",
        "#EXTVLCOPT:start-time=1800.000",
        "#EXTVLCOPT:stop-time=5580.000",
        "https://media.example.org/fast/night-train-to-nowhere.mp4",
        "#EXTINF:1620.000,Salt Road",
        "#EXTVLCOPT:stop-time=1620.000",
        "https://media.example.org/fast/salt-road.mp4",
    ]
