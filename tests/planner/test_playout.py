"""Planning from real clips and playing the result: mpv plays the exported playlist in order,
``now``/``play`` join a channel at the right offset, ffplayout days round-trip cleanly.

Everything goes through the command line, as operators and scripts use it.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from core.formats import open_reader
from core.models import Programme
from tests.conftest import ROOT, run_cli

LOOP = "loop.example.org"
LENGTHS = (2, 3, 4, 5)


@pytest.fixture(scope="module")
def clips(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Four tiny clips made by ffmpeg: a test picture and a tone, 2 to 5 seconds."""
    folder = tmp_path_factory.mktemp("media")
    made = []
    for number, seconds in enumerate(LENGTHS, 1):
        path = folder / f"clip-{number}.mkv"
        subprocess.run(
            ["ffmpeg", "-v", "error", "-y",
             "-f", "lavfi", "-i", f"testsrc=size=64x48:rate=10:duration={seconds}",
             "-f", "lavfi", "-i", f"sine=frequency={220 * number}:duration={seconds}",
             "-shortest", "-c:v", "mpeg4", "-c:a", "mp2", str(path)],
            check=True,
            timeout=60,
        )  # fmt: skip
        made.append(path)
    return made


def _ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, result.stderr
    return result.stdout


def _library(folder: Path, clips: list[Path]) -> Path:
    """The clips as an M3U library without durations: the planner measures them."""
    lines = ["#EXTM3U"]
    for number, path in enumerate(clips, 1):
        lines += [f'#EXTINF:-1 group-title="Clips",Clip {number}', str(path)]
    library = folder / "clips.m3u"
    library.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return library


def test_a_planned_window_plays_end_to_end_in_mpv_in_the_planned_order(
    clips: list[Path], sf_home: Path, tmp_path: Path
) -> None:
    _ok(run_cli("import", str(_library(tmp_path, clips)), home=sf_home))
    window = ["--from", "2027-01-01T00:00:00Z", "--to", "2027-01-01T00:02:00Z"]
    planned = json.loads(
        _ok(run_cli("plan", "--channel", LOOP, *window, "--group", "Clips", "--json", home=sf_home))
    )
    locators = [item["locator"] for item in planned["added"]]
    assert len(locators) >= 120 // sum(LENGTHS) * 4
    assert set(locators) == {str(path) for path in clips}  # every clip measured and placed
    assert planned["added"][-1]["stop"] == "2027-01-01T00:02:00+00:00"
    playlist = tmp_path / "loop.m3u"
    _ok(run_cli("export", "--format", "playlist", "--channel", LOOP, *window, "-o",
                str(playlist), home=sf_home))  # fmt: skip
    text = playlist.read_text(encoding="utf-8")
    first = planned["added"][0]
    seconds = (
        datetime.fromisoformat(first["stop"]) - datetime.fromisoformat(first["start"])
    ).total_seconds()
    assert text.startswith(f"#EXTM3U\n#EXTINF:{seconds:.3f},Clip 1\n{clips[0]}\n")
    assert "#EXTVLCOPT:stop-time=" in text  # the last clip is cut to end at 00:02:00
    played = subprocess.run(
        # --speed: two minutes of schedule in seconds; with the null outputs nothing waits
        ["mpv", "--no-config", "--vo=null", "--ao=null", "--speed=20", str(playlist)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    output = played.stdout + played.stderr
    assert played.returncode == 0, output
    assert re.findall(r"^Playing: (.+)$", output, flags=re.MULTILINE) == locators
    assert "Exiting... (End of file)" in output


def test_now_and_play_join_the_channel_at_the_right_offset(
    clips: list[Path], sf_home: Path, tmp_path: Path
) -> None:
    _ok(run_cli("import", str(_library(tmp_path, clips)), home=sf_home))
    planned = json.loads(
        _ok(run_cli("plan", "--channel", LOOP, "--from", "2027-01-01T00:00:00Z", "--to",
                    "2027-01-01T00:01:00Z", "--group", "Clips", "--json", home=sf_home))
    )["added"]  # fmt: skip
    second, third = planned[1], planned[2]
    # 1.5 s into clip 2 (the clips run a little over their nominal length, as ffprobe says)
    at = (datetime.fromisoformat(second["start"]) + timedelta(seconds=1.5)).isoformat()
    (state,) = json.loads(_ok(run_cli("now", "--at", at, "--json", home=sf_home)))
    assert state == {
        "channel": LOOP,
        "title": "Clip 2",
        "start": second["start"],
        "stop": second["stop"],
        "offset_seconds": 1.5,
        "locator": str(clips[1]),
        "next": {
            "title": "Clip 3",
            "start": third["start"],
            "stop": third["stop"],
            "locator": str(clips[2]),
        },
    }
    text = _ok(run_cli("now", "--at", at, home=sf_home))
    assert text == f"{LOOP}: 'Clip 2' since 00:00 (0 min in); next 'Clip 3' at 00:00\n"
    command = _ok(run_cli("play", "--channel", LOOP, "--at", at, "--print", home=sf_home))
    assert command.startswith(
        f"mpv --force-window=yes '--title=ScheduleFlow · {LOOP}' "
        f"'--{{' --start=1.500 {clips[1]} '--}}' {clips[2]} {clips[3]} {clips[0]} "
    )
    # the last item is cut at the window's end; nothing may be an option after it
    assert re.search(r" '--\{' --end=[0-9.]+ \S+ '--\}' --\n\Z", command), command
    # Without mpv on PATH, play prints the same command instead of running it.
    env = {**os.environ, "SCHEDULEFLOW_HOME": str(sf_home), "PATH": str(tmp_path / "empty")}
    absent = subprocess.run(
        [sys.executable, "-m", "tui.cli", "play", "--channel", LOOP, "--at", at],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=60,
        check=False,
    )
    assert absent.returncode == 0, absent.stderr
    assert absent.stdout == command
    assert "mpv is not installed" in absent.stderr


def test_play_refuses_a_channel_with_nothing_to_play(
    clips: list[Path], sf_home: Path, tmp_path: Path
) -> None:
    _ok(run_cli("import", str(_library(tmp_path, clips)), home=sf_home))
    _ok(run_cli("plan", "--channel", LOOP, "--from", "2027-01-01T00:00:00Z", "--to",
                "2027-01-01T00:01:00Z", "--group", "Clips", home=sf_home))  # fmt: skip
    late = run_cli("play", "--channel", LOOP, "--at", "2027-02-01T00:00:00Z", home=sf_home)
    assert late.returncode != 0
    assert "nothing with a video is on loop.example.org from 2027-02-01 00:00" in late.stderr


LONDON = ZoneInfo("Europe/London")
SHOWS = "\n".join(
    f'#EXTINF:{seconds} group-title="{group}",{group} {n}\nhttps://media.example.org/{group}/{n}.mp4'
    for group, count, seconds in (("Shows", 60, 1500), ("Filler", 8, 40))
    for n in range(count)
)


def _read_day(path: Path) -> tuple[list[Programme], list[str], list[dict[str, float]]]:
    reader = open_reader(path, "ffplayout", channel_id="day.example.org", zone=LONDON)
    programmes = [item for item in reader if isinstance(item, Programme)]
    items = json.loads(path.read_text(encoding="utf-8"))["program"]
    return programmes, [str(w) for w in reader.warnings], items


@pytest.mark.parametrize(
    ("day", "hours"),
    [("2027-03-29", 24), ("2027-03-28", 23)],  # an ordinary day, and the spring-forward day
)
def test_the_ffplayout_export_of_a_planned_day_reads_back_with_no_warnings(
    sf_home: Path, tmp_path: Path, day: str, hours: int
) -> None:
    library = tmp_path / "shows.m3u"
    library.write_text("#EXTM3U\n" + SHOWS + "\n", encoding="utf-8")
    _ok(run_cli("import", str(library), home=sf_home))
    begin = datetime.fromisoformat(day).replace(tzinfo=LONDON)
    end = begin + timedelta(days=1)
    window = ["--from", begin.isoformat(), "--to", end.replace(tzinfo=LONDON).isoformat()]
    _ok(run_cli("plan", "--channel", "day.example.org", *window, "--group", "Shows",
                "--grid", "30m", "--filler", "Filler", "--timezone", "Europe/London",
                home=sf_home))  # fmt: skip
    folder = tmp_path / "ffplayout"
    export = run_cli("export", "--format", "ffplayout", "--channel", "day.example.org",
                     *window, "--filler", "Filler", "-o", str(folder), home=sf_home)  # fmt: skip
    assert export.returncode == 0 and "warning" not in export.stderr, export.stderr
    path = folder / day[:4] / day[5:7] / f"{day}.json"
    programmes, warnings, items = _read_day(path)
    assert warnings == []
    total = sum(item["out"] - item["in"] for item in items)
    # ffplayout plays a day until the wall clock reads the day start again: 23 h on this one
    assert abs(total - hours * 3600) <= 1
    assert all(0 <= item["in"] <= item["out"] <= item["duration"] for item in items)
    # the planned (local) day comes back exactly as planned
    begin, end = begin.astimezone(UTC), end.astimezone(UTC)  # compare instants, not wall times
    assert (end - begin) == timedelta(hours=hours)
    assert programmes[0].start == begin
    assert programmes[-1].stop == end
    assert all(
        p.start.minute in (0, 30) and p.start.second == 0 for p in programmes if "Shows" in p.title
    )
