"""Writes the demo schedules in this folder (run ``python samples/generate.py``).

Deterministic: the committed files are exactly what this script writes. See README.md here
for what each schedule shows.
"""

from __future__ import annotations

import json
import random
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

HERE = Path(__file__).resolve().parent
MEDIA = "https://media.example.org"


def _stamp(value: datetime) -> str:
    return value.strftime("%Y%m%d%H%M%S %z")


def _programme(channel: str, start: datetime, stop: datetime, title: str, **extra: str) -> str:
    parts = [
        f'  <programme start="{_stamp(start)}" stop="{_stamp(stop)}" channel="{channel}">',
        f'    <title lang="en">{escape(title)}</title>',
    ]
    if "sub" in extra:
        parts.append(f'    <sub-title lang="en">{escape(extra["sub"])}</sub-title>')
    if "desc" in extra:
        parts.append(f'    <desc lang="en">{escape(extra["desc"])}</desc>')
    if "category" in extra:
        parts.append(f'    <category lang="en">{escape(extra["category"])}</category>')
    if "video" in extra:
        parts.append(f'    <url system="video">{escape(extra["video"])}</url>')
    if "episode" in extra:
        parts.append(f'    <episode-num system="onscreen">{extra["episode"]}</episode-num>')
    parts.append("  </programme>")
    return "\n".join(parts)


def _guide(path: Path, channel: str, name: str, number: str, body: list[str]) -> None:
    text = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE tv SYSTEM "xmltv.dtd">\n'
        '<tv generator-info-name="ScheduleFlow samples">\n'
        f'  <channel id="{channel}">\n    <display-name>{escape(name)}</display-name>\n'
        f"    <display-name>{number}</display-name>\n"
        f'    <icon src="{MEDIA}/logos/{channel.split(".")[0]}.png" />\n  </channel>\n'
        + "\n".join(body)
        + "\n</tv>\n"
    )
    path.write_text(text, encoding="utf-8")


def _library(path: Path, entries: list[tuple[str, str, int, str]]) -> None:
    lines = ["#EXTM3U"]
    for title, group, seconds, locator in entries:
        lines.append(f'#EXTINF:{seconds} tvg-name="{title}" group-title="{group}",{title}')
        lines.append(locator)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def community() -> None:
    """A week of community TV in Europe/London across the October clock change."""
    zone = ZoneInfo("Europe/London")
    channel = "community.example.org"
    blocks = [
        (time(6, 0), 180, "Breakfast Magazine", "Magazine"),
        (time(9, 0), 60, "Local News", "News"),
        (time(10, 0), 120, "Council Live", "Public affairs"),
        (time(12, 0), 30, "Lunchtime News", "News"),
        (time(12, 30), 90, "Harbour Lives", "Documentary"),
        (time(14, 0), 120, "Community Noticeboard", "Magazine"),
        (time(16, 0), 60, "Youth Hour", "Kids"),
        (time(17, 0), 60, "Evening News", "News"),
        (time(18, 0), 60, "Garden Patrol", "Lifestyle"),
        (time(19, 0), 120, "Local Sport Tonight", "Sports"),
        (time(21, 0), 60, "Late News", "News"),
        (time(22, 0), 480, "Overnight Noticeboard Loop", "Magazine"),
    ]
    body = []
    library = []
    for offset in range(7):
        day = date(2026, 10, 22) + timedelta(days=offset)
        for at, minutes, title, category in blocks:
            start = datetime.combine(day, at, tzinfo=zone)
            stop = (start.astimezone(UTC) + timedelta(minutes=minutes)).astimezone(zone)
            video = f"{MEDIA}/community/{title.lower().replace(' ', '-')}-{day:%m%d}.mp4"
            body.append(
                _programme(
                    channel,
                    start,
                    stop,
                    title,
                    category=category,
                    desc=f"{title} for {day:%A %d %B}.",
                    video=video,
                )
            )
            library.append((f"{title} {day:%d %b}", category, minutes * 60, video))
    _guide(HERE / "community-week.xml", channel, "Harbourside Community TV", "7", body)
    _library(HERE / "community-library.m3u", library)


def movies() -> None:
    """Three days of a FAST movie channel in America/New_York, as ScheduleFlow JSON."""
    rng = random.Random(3)
    zone = ZoneInfo("America/New_York")
    titles = [
        ("The Long Harbour", 6120),
        ("Night Train to Nowhere", 5580),
        ("Paper Moons", 6900),
        ("A Quiet Summer", 5340),
        ("Return of the Fog", 7080),
        ("Brass and Bells", 6000),
        ("The Cartographer", 7320),
        ("Salt Road", 5760),
        ("Midnight Diner", 5400),
        ("Glass Garden", 6480),
        ("Westbound", 6660),
        ("Lanterns", 5940),
    ]
    library = [
        (title, "Movies", seconds, f"{MEDIA}/fast/{title.lower().replace(' ', '-')}.mp4")
        for title, seconds in titles
    ]
    programmes = []
    when = datetime(2026, 12, 4, 6, tzinfo=zone).astimezone(UTC)
    end = when + timedelta(days=3)
    order = list(range(len(titles)))
    while when < end:
        rng.shuffle(order)
        for index in order:
            title, _, seconds, locator = library[index]
            stop = when + timedelta(seconds=seconds)
            programmes.append(
                {
                    "channel": "movies.example.org",
                    "start": when.astimezone(zone).isoformat(),
                    "stop": stop.astimezone(zone).isoformat(),
                    "titles": [{"value": title, "lang": "en"}],
                    "categories": [{"value": "Movie", "lang": "en"}],
                    "locator": locator,
                }
            )
            when = stop
            if when >= end:
                break
    document = {
        "format": "scheduleflow/1",
        "channels": [
            {
                "id": "movies.example.org",
                "display_names": [{"value": "Reel FAST"}],
                "number": "101",
                "timezone": "America/New_York",
                "day_start": "06:00:00",
            }
        ],
        "programmes": programmes,
    }
    (HERE / "fast-movies.json").write_text(json.dumps(document, indent=1) + "\n", "utf-8")
    _library(HERE / "fast-movies-library.m3u", library)


def music() -> None:
    """One ffplayout day of a music-video loop."""
    rng = random.Random(5)
    clips = [(f"Artist {n % 23 + 1} - Song {n + 1}", rng.randrange(170, 290)) for n in range(60)]
    library = [
        (title, "Music videos", seconds, f"{MEDIA}/music/{n:03d}.mp4")
        for n, (title, seconds) in enumerate(clips)
    ]
    program = []
    total = 0.0
    index = 0
    while total < 86400:
        title, _, seconds, locator = library[index % len(library)]
        length = min(seconds, 86400 - total)
        program.append(
            {
                "in": 0.0,
                "out": float(length),
                "duration": float(seconds),
                "source": locator,
                "title": title,
                "category": "music",
            }
        )
        total += length
        index += 1
    document = {"channel": "Loop FM Video", "date": "2026-12-05", "program": program}
    (HERE / "music-loop-2026-12-05.json").write_text(json.dumps(document, indent=4) + "\n")
    _library(HERE / "music-library.m3u", library)


def kids() -> None:
    """Three days of a kids channel whose episodes come back within 48 hours."""
    zone = ZoneInfo("Europe/Berlin")
    channel = "kids.example.org"
    shows = [
        ("Rocket Badgers", 11),
        ("Pip and the Puddle", 7),
        ("Maths Monsters", 12),
        ("Tiny Explorers", 22),
    ]
    body = []
    library = []
    for show, minutes in shows:
        for episode in range(1, 7):
            library.append(
                (
                    f"{show} - Episode {episode}",
                    "Kids",
                    minutes * 60,
                    f"{MEDIA}/kids/{show.lower().replace(' ', '-')}-{episode:02d}.mp4",
                )
            )
    for offset in range(3):
        day = date(2026, 12, 1) + timedelta(days=offset)
        when = datetime.combine(day, time(6, 30), tzinfo=zone)
        slot = 0
        while when.hour < 19:
            show, minutes = shows[slot % len(shows)]
            # only two episodes a day, repeated the next morning: cooldown violations
            episode = (slot // len(shows)) % 2 + 1 + (offset // 2)
            stop = when + timedelta(minutes=minutes)
            video = f"{MEDIA}/kids/{show.lower().replace(' ', '-')}-{episode:02d}.mp4"
            body.append(
                _programme(
                    channel,
                    when,
                    stop,
                    show,
                    sub=f"Episode {episode}",
                    episode=f"S01E{episode:02d}",
                    category="Kids",
                    video=video,
                )
            )
            when = stop + timedelta(minutes=1) if slot % 5 == 4 else stop
            slot += 1
    _guide(HERE / "kids-repeats.xml", channel, "Little Owl Kids", "12", body)
    _library(HERE / "kids-library.m3u", library)


def sports() -> None:
    """A sports channel whose day has overlaps and dead air to fix."""
    zone = ZoneInfo("Europe/Madrid")
    channel = "sports.example.org"
    day = date(2026, 12, 6)
    plan = [
        ("06:00", "07:00", "Morning Sports Desk", "News"),
        ("07:00", "09:00", "Cycling: Stage Replay", "Cycling"),
        ("08:45", "10:00", "Tennis: Quarter Final", "Tennis"),  # overlaps the replay
        ("10:30", "12:00", "Football Preview", "Football"),  # 30 min of dead air before
        ("12:00", "14:05", "Football: Live Match", "Football"),
        ("14:00", "15:00", "Post-Match Analysis", "Football"),  # overlaps the match
        ("15:00", "17:00", "Basketball Classics", "Basketball"),
        ("17:20", "19:00", "Motorsport Qualifying", "Motorsport"),  # 20 min gap
        ("19:00", "21:00", "Evening Highlights", "News"),
        ("21:00", "21:00", "Results Ticker", "News"),  # zero length: invalid
        ("21:00", "23:00", "Boxing Night", "Boxing"),
    ]
    body = []
    library = []
    for begin, end, title, category in plan:
        start = datetime.combine(day, time.fromisoformat(begin), tzinfo=zone)
        stop = datetime.combine(day, time.fromisoformat(end), tzinfo=zone)
        video = f"{MEDIA}/sports/{title.lower().replace(' ', '-').replace(':', '')}.mp4"
        body.append(_programme(channel, start, stop, title, category=category, video=video))
        library.append((title, category, int((stop - start).total_seconds()) or 60, video))
    for number in range(1, 9):
        bumper = f"{MEDIA}/sports/bumper-{number}.mp4"
        library.append((f"Sports Bumper {number}", "Filler", 30, bumper))
    _guide(HERE / "sports-day.xml", channel, "Arena Sports", "21", body)
    _library(HERE / "sports-library.m3u", library)


def channels() -> None:
    """Channel settings the formats cannot carry (time zones, broadcast-day starts)."""
    document = {
        "format": "scheduleflow/1",
        "channels": [
            {
                "id": "community.example.org",
                "display_names": [{"value": "Harbourside Community TV"}],
                "number": "7",
                "timezone": "Europe/London",
                "day_start": "06:00:00",
            },
            {
                "id": "music.example.org",
                "display_names": [{"value": "Loop FM Video"}],
                "number": "33",
                "timezone": "Europe/Paris",
                "day_start": "00:00:00",
                "cooldown_hours": 3,
            },
            {
                "id": "kids.example.org",
                "display_names": [{"value": "Little Owl Kids"}],
                "number": "12",
                "timezone": "Europe/Berlin",
                "day_start": "06:00:00",
            },
            {
                "id": "sports.example.org",
                "display_names": [{"value": "Arena Sports"}],
                "number": "21",
                "timezone": "Europe/Madrid",
                "day_start": "06:00:00",
            },
        ],
    }
    (HERE / "channels.json").write_text(json.dumps(document, indent=1) + "\n", "utf-8")


if __name__ == "__main__":
    channels()
    community()
    movies()
    music()
    kids()
    sports()
    print(f"wrote the samples in {HERE}")
