"""One duration per asset, wherever it came from, used by every command; re-imports update
the asset they match; dedupe keeps the most complete copy (issue 14, "Durations and assets").

Every test runs the CLI as a subprocess on playlists it writes itself; local media are tiny
clips made with ffmpeg, measured with the real ffprobe.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from tests.conftest import run_cli

WINDOW = ("--from", "2027-01-04T10:00:00Z", "--to", "2027-01-04T10:00:09Z")


def _clip(folder: Path, name: str, seconds: int) -> Path:
    """A ``seconds``-long audio clip (mp2 in Matroska: a few kilobytes)."""
    path = folder / name
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", f"sine=duration={seconds}",
         "-c:a", "mp2", str(path)],
        check=True,
        timeout=60,
    )  # fmt: skip
    return path


def _ok(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    result = run_cli(*args, home=home)
    assert result.returncode == 0, result.stderr
    return result


def _schedule(path: Path, channel: str, *programmes: tuple[str, str, str, str | None]) -> Path:
    """A ScheduleFlow JSON schedule of one channel: (start, stop, title, locator) each."""
    items = []
    for start, stop, title, locator in programmes:
        item = {"channel": channel, "start": start, "stop": stop, "titles": [{"value": title}]}
        if locator is not None:
            item["locator"] = locator
        items.append(item)
    document = {
        "format": "scheduleflow/1",
        "channels": [{"id": channel, "display_names": [{"value": channel}]}],
        "programmes": items,
    }
    path.write_text(json.dumps(document))
    return path


def _library(home: Path) -> dict[str, dict[str, object]]:
    """The stored library by title, as the JSON export writes it."""
    document = json.loads(_ok("export", "--format", "json", "-o", "-", home=home).stdout)
    return {asset["title"]: asset for asset in document["assets"]}


@pytest.fixture
def probed(sf_home: Path, tmp_path: Path) -> Path:
    """A library of two local clips without #EXTINF durations, measured by a plan."""
    media = tmp_path / "media"
    media.mkdir()
    first, second = _clip(media, "tone-a.mkv", 3), _clip(media, "tone-b.mkv", 3)
    playlist = tmp_path / "clips.m3u"
    playlist.write_text(
        "#EXTM3U\n"
        f'#EXTINF:-1 group-title="Clips",Tone A\n{first}\n'
        f'#EXTINF:-1 group-title="Clips",Tone B\n{second}\n'
    )
    _ok("import", str(playlist), home=sf_home)
    _ok("plan", "--channel", "tones.example.org", *WINDOW, "--group", "Clips", home=sf_home)
    return playlist


def test_export_filler_uses_the_durations_ffprobe_measured_at_plan_time(
    sf_home: Path, probed: Path, tmp_path: Path
) -> None:
    later = ("--from", "2027-01-04T10:00:12Z", "--to", "2027-01-04T10:00:18Z")
    _ok("plan", "--channel", "tones.example.org", *later, "--group", "Clips", home=sf_home)
    out = tmp_path / "day.m3u"
    result = run_cli(
        "export", "--format", "playlist", "--channel", "tones.example.org",
        "--from", "2027-01-04T10:00:00Z", "--to", "2027-01-04T10:00:18Z",
        "--filler", "Clips", "-o", str(out), home=sf_home,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    lines = out.read_text().splitlines()
    durations = [float(line[8:].split(",")[0]) for line in lines if line.startswith("#EXTINF:")]
    # three planned clips, the 3 s gap filled by one measured clip, two planned clips
    assert len(durations) == 6
    assert sum(durations) == pytest.approx(18, abs=0.01)


def test_fix_gap_fill_uses_the_measured_durations(sf_home: Path, probed: Path) -> None:
    guide = _schedule(
        probed.parent / "gap.json",
        "gap.example.org",
        ("2027-01-05T10:00:00Z", "2027-01-05T10:10:00Z", "Before", None),
        ("2027-01-05T10:10:06Z", "2027-01-05T10:20:00Z", "After", None),
    )
    _ok("import", str(guide), home=sf_home)
    result = run_cli(
        "fix",
        "gap",
        "--policy",
        "fill",
        "--group",
        "Clips",
        "--channel",
        "gap.example.org",
        home=sf_home,
    )
    assert result.returncode == 0, result.stderr
    assert "applied 2 changes" in result.stdout


def test_check_measures_slots_against_the_measured_durations(sf_home: Path, probed: Path) -> None:
    clip = probed.parent / "media" / "tone-a.mkv"
    schedule = _schedule(
        probed.parent / "long.json",
        "long.example.org",
        ("2027-01-05T10:00:00Z", "2027-01-05T10:01:00Z", "Tone A", str(clip)),
    )
    _ok("import", str(schedule), home=sf_home)
    report = json.loads(
        run_cli("check", "--channel", "long.example.org", "--json", home=sf_home).stdout
    )
    (finding,) = [f for f in report["findings"] if f["kind"] == "unplayable"]
    assert "short of its slot: dead air at the end" in finding["message"]


def test_the_measurement_is_stored_with_the_asset_and_says_where_it_came_from(
    sf_home: Path, probed: Path
) -> None:
    library = _library(sf_home)
    assert 2.9 < float(library["Tone A"]["duration"]) < 3.2  # type: ignore[arg-type]
    assert library["Tone A"]["duration_source"] == "ffprobe"


def test_reimporting_the_same_playlist_keeps_the_measurement(sf_home: Path, probed: Path) -> None:
    counts = json.loads(_ok("import", str(probed), "--json", home=sf_home).stdout)
    assert (counts["assets_added"], counts["assets_updated"], counts["assets_unchanged"]) == (
        0,
        0,
        2,
    )
    assert _library(sf_home)["Tone A"]["duration_source"] == "ffprobe"


def test_an_extinf_duration_within_a_second_of_the_measurement_does_not_replace_it(
    sf_home: Path, probed: Path
) -> None:
    text = probed.read_text().replace("#EXTINF:-1", "#EXTINF:3")
    probed.write_text(text)
    result = _ok("import", str(probed), home=sf_home)
    assert "0 added, 0 updated, 2 unchanged" in result.stdout
    assert _library(sf_home)["Tone A"]["duration_source"] == "ffprobe"


def test_an_extinf_correction_replaces_the_measurement_and_says_so(
    sf_home: Path, probed: Path
) -> None:
    probed.write_text(probed.read_text().replace("#EXTINF:-1", "#EXTINF:30", 1))
    result = _ok("import", str(probed), home=sf_home)
    assert "0 added, 1 updated, 1 unchanged" in result.stdout
    assert re.search(r"~ asset 'Tone A': duration 3\.\d+ s \(ffprobe\) → 30 s \(#EXTINF\)$",
                     result.stdout, re.MULTILINE)  # fmt: skip
    library = _library(sf_home)
    assert (library["Tone A"]["duration"], library["Tone A"]["duration_source"]) == (30, "extinf")


def test_reimporting_corrected_durations_updates_the_assets_it_matches(
    sf_home: Path, tmp_path: Path
) -> None:
    playlist = tmp_path / "shows.m3u"
    playlist.write_text(
        "#EXTM3U\n"
        '#EXTINF:1200 group-title="Shows",News 01\nhttps://media.example.org/news-01.mp4\n'
        '#EXTINF:-1 group-title="Shows",News 02\nhttps://media.example.org/news-02.mp4\n'
        '#EXTINF:1800 group-title="Shows",Film\nhttps://media.example.org/film.mp4\n'
    )
    first = json.loads(_ok("import", str(playlist), "--json", home=sf_home).stdout)
    assert first["assets_added"] == 3
    playlist.write_text(
        playlist.read_text()
        .replace("#EXTINF:1200", "#EXTINF:1260")
        .replace("#EXTINF:-1", "#EXTINF:900")
    )
    again = json.loads(_ok("import", str(playlist), "--json", home=sf_home).stdout)
    assert (again["assets_added"], again["assets_updated"], again["assets_unchanged"]) == (
        0,
        2,
        1,
    )
    library = _library(sf_home)
    assert len(library) == 3
    assert {title: asset.get("duration") for title, asset in library.items()} == {
        "News 01": 1260,
        "News 02": 900,
        "Film": 1800,
    }
    record = next(  # the audit is newest first
        r
        for r in json.loads(_ok("audit", "--json", home=sf_home).stdout)
        if r["action"] == "import"
    )
    assert "0 assets added, 2 updated, 1 unchanged" in record["summary"]
    assert "~ asset 'News 01': duration 1200 s (#EXTINF) → 1260 s (#EXTINF)" in record["changes"]


def test_a_lost_extinf_duration_never_wipes_a_known_one(sf_home: Path, tmp_path: Path) -> None:
    playlist = tmp_path / "shows.m3u"
    playlist.write_text(
        '#EXTM3U\n#EXTINF:1200 group-title="Shows",News\nhttps://media.example.org/n.mp4\n'
    )
    _ok("import", str(playlist), home=sf_home)
    playlist.write_text(playlist.read_text().replace("#EXTINF:1200", "#EXTINF:-1"))
    result = _ok("import", str(playlist), home=sf_home)
    assert "0 added, 0 updated, 1 unchanged" in result.stdout
    assert _library(sf_home)["News"]["duration"] == 1200


def test_dedupe_keeps_the_copy_with_a_duration_and_says_why(sf_home: Path, tmp_path: Path) -> None:
    playlist = tmp_path / "twice.m3u"
    playlist.write_text(
        "#EXTM3U\n"
        "#EXTINF:-1,news.mp4\nhttps://media.example.org/news.mp4\n"
        '#EXTINF:1200 group-title="Shows",News\nHTTPS://MEDIA.example.org/news.mp4\n'
    )
    _ok("import", str(playlist), home=sf_home)
    dry = _ok("dedupe", "--dry-run", home=sf_home)
    assert "keep #2 'News' (known duration, title, group); merge #1 'news.mp4'" in dry.stdout
    _ok("dedupe", home=sf_home)
    library = _library(sf_home)
    assert list(library) == ["News"] and library["News"]["duration"] == 1200


def test_dedupe_repoints_programmes_to_the_more_complete_copy(
    sf_home: Path, tmp_path: Path
) -> None:
    media = tmp_path / "media"
    media.mkdir()
    clip = _clip(media, "tone.mkv", 3)
    copy = media / "tone-copy.mkv"
    copy.write_bytes(clip.read_bytes())
    playlist = tmp_path / "copies.m3u"
    playlist.write_text(
        f'#EXTM3U\n#EXTINF:-1,Tone\n{clip}\n#EXTINF:3 group-title="Clips",Tone (copy)\n{copy}\n'
    )
    _ok("import", str(playlist), home=sf_home)
    schedule = _schedule(
        tmp_path / "day.json",
        "t.example.org",
        ("2027-01-05T10:00:00Z", "2027-01-05T10:00:03Z", "Tone", str(clip)),
    )
    _ok("import", str(schedule), home=sf_home)
    dry = _ok("dedupe", "--content", "--dry-run", home=sf_home)
    assert "keep #2 'Tone (copy)' (known duration, group); merge #1 'Tone'" in dry.stdout
    merged = _ok("dedupe", "--content", home=sf_home)
    assert "re-pointed 1 programme " in merged.stdout
    document = json.loads(_ok("export", "--format", "json", "-o", "-", home=sf_home).stdout)
    assert [p["locator"] for p in document["programmes"]] == [str(copy)]
    assert [a["title"] for a in document["assets"]] == ["Tone (copy)"]


def test_dedupe_of_equally_complete_copies_keeps_the_first_and_says_so(
    sf_home: Path, tmp_path: Path
) -> None:
    playlist = tmp_path / "l.m3u"
    playlist.write_text("#EXTM3U\n#EXTINF:5,A\nhttp://x/a\n#EXTINF:5,B\nHTTP://X/a\n")
    _ok("import", str(playlist), home=sf_home)
    dry = _ok("dedupe", "--dry-run", home=sf_home)
    assert "keep #1 'A' (as complete as the others, imported first); merge #2 'B'" in dry.stdout


def test_the_library_export_writes_the_measured_duration(
    sf_home: Path, probed: Path, tmp_path: Path
) -> None:
    out = tmp_path / "library.m3u"
    _ok("export", "--format", "m3u", "--library", "-o", str(out), home=sf_home)
    (line,) = [line for line in out.read_text().splitlines() if line.endswith(",Tone A")]
    assert 2.9 < float(line.removeprefix("#EXTINF:").split(" ")[0]) < 3.2
    # and reading it back changes nothing: it agrees with the measurement
    again = json.loads(_ok("import", str(out), "--json", home=sf_home).stdout)
    assert (again["assets_added"], again["assets_updated"]) == (0, 0)


def test_an_asset_that_comes_back_takes_the_measurement_of_its_file(
    sf_home: Path, probed: Path, tmp_path: Path
) -> None:
    """A dedupe --content removed the copy; importing it again (another locator, so a new
    asset) finds what ffprobe measured of that file before."""
    media = probed.parent / "media"
    copy = media / "tone-a-copy.mkv"
    copy.write_bytes((media / "tone-a.mkv").read_bytes())
    playlist = tmp_path / "copy.m3u"
    playlist.write_text(f'#EXTM3U\n#EXTINF:-1 group-title="Copies",Copy\n{copy}\n')
    _ok("import", str(playlist), home=sf_home)
    _ok("plan", "--channel", "copy.example.org", *WINDOW, "--group", "Copies", home=sf_home)
    _ok("dedupe", "--content", home=sf_home)
    assert "Copy" not in _library(sf_home)
    _ok("import", str(playlist), home=sf_home)
    assert _library(sf_home)["Copy"]["duration_source"] == "ffprobe"


TWICE = (
    "#EXTM3U\n"
    '#EXTINF:1200 group-title="News",News\nhttps://media.example.org/news.mp4\n'
    '#EXTINF:1200 group-title="Filler",News\nhttps://media.example.org/news.mp4\n'
)


def test_a_playlist_listing_a_file_in_two_groups_keeps_both_on_a_reimport(
    sf_home: Path, tmp_path: Path
) -> None:
    playlist = tmp_path / "twice.m3u"
    playlist.write_text(TWICE)
    assert (
        json.loads(_ok("import", str(playlist), "--json", home=sf_home).stdout)["assets_added"] == 2
    )
    again = json.loads(_ok("import", str(playlist), "--json", home=sf_home).stdout)
    assert (again["assets_added"], again["assets_updated"], again["assets_unchanged"]) == (
        0,
        0,
        2,
    )
    groups = _ok("export", "--format", "m3u", "--group", "Filler", "-o", "-", home=sf_home)
    assert groups.stdout.count("news.mp4") == 1


def test_after_dedupe_a_reimport_adds_no_copy_back(sf_home: Path, tmp_path: Path) -> None:
    playlist = tmp_path / "twice.m3u"
    playlist.write_text(TWICE)
    _ok("import", str(playlist), home=sf_home)
    _ok("dedupe", home=sf_home)
    again = json.loads(_ok("import", str(playlist), "--json", home=sf_home).stdout)
    assert (again["assets_added"], again["assets_updated"], again["assets_unchanged"]) == (
        0,
        0,
        2,
    )
    document = json.loads(_ok("export", "--format", "json", "-o", "-", home=sf_home).stdout)
    assert len(document["assets"]) == 1
    # the kept asset is in both groups still
    for group in ("News", "Filler"):
        listed = _ok("export", "--format", "m3u", "--group", group, "-o", "-", home=sf_home)
        assert "news.mp4" in listed.stdout


def test_a_json_library_reimport_corrects_a_duration_and_names_its_source(
    sf_home: Path, tmp_path: Path
) -> None:
    playlist = tmp_path / "shows.m3u"
    playlist.write_text(
        '#EXTM3U\n#EXTINF:1200 group-title="Shows",News\nhttps://media.example.org/n.mp4\n'
    )
    _ok("import", str(playlist), home=sf_home)
    document = json.loads(_ok("export", "--format", "json", "-o", "-", home=sf_home).stdout)
    (asset,) = document["assets"]
    assert asset["duration_source"] == "extinf"
    asset["duration"] = 1260
    del asset["duration_source"]
    library = tmp_path / "library.json"
    library.write_text(json.dumps(document))
    result = _ok("import", str(library), home=sf_home)
    assert "~ asset 'News': duration 1200 s (#EXTINF) → 1260 s (JSON)" in result.stdout
    (stored,) = json.loads(_ok("export", "--format", "json", "-o", "-", home=sf_home).stdout)[
        "assets"
    ]
    assert (stored["duration"], stored["duration_source"]) == (1260, "json")
