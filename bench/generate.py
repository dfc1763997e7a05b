"""Deterministic generators of large, realistic inputs for benchmarks and stress tests.

The same arguments always give the same bytes, so a benchmark compares like with like and a
test that kills an import half-way can regenerate its file. Run as
``python -m bench.generate xmltv|m3u OUT [--channels N --days D | --entries N]``.
"""

from __future__ import annotations

import argparse
import random
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from xml.sax.saxutils import escape

__all__ = ["write_bench_m3u", "write_bench_xmltv"]

_SHOWS = [
    "Morning Magazine",
    "Evening News",
    "Weather",
    "Harbour Lives",
    "The Quiz Hour",
    "Garden Patrol",
    "City Council Live",
    "Local Sports Roundup",
    "Kids' Corner",
    "Cooking with Ana",
    "Documentary: Rivers",
    "Late Movie",
    "Jazz Nights",
    "Tech Today",
    "Café Société",
    "Ünïcode Straße",
    "Road Trip, Again",
    "History & Mystery",
]
_CATEGORIES = ["News", "Magazine", "Sports", "Kids", "Movie", "Music", "Documentary", "Talk"]
_WORDS = [
    "the",
    "council",
    "met",
    "on",
    "tuesday",
    "to",
    "discuss",
    "the",
    "new",
    "harbour",
    "plan",
    "while",
    "residents",
    "asked",
    "about",
    "parking",
    "buses",
    "schools",
    "and",
    "the",
    "summer",
    "festival",
    "that",
    "returns",
    "to",
    "the",
    "old",
    "town",
]
_MINUTES = [15, 30, 30, 30, 45, 60, 60, 90]
_OFFSETS = [0, 60, -300, 330, 120, -480]


def _offset_text(minutes: int) -> str:
    sign = "-" if minutes < 0 else "+"
    minutes = abs(minutes)
    return f"{sign}{minutes // 60:02d}{minutes % 60:02d}"


def write_bench_xmltv(
    path: Path,
    channels: int = 100,
    days: int = 21,
    seed: int = 7,
    start: datetime = datetime(2026, 12, 1, tzinfo=UTC),
    inject_problems: bool = False,
) -> int:
    """Write an XMLTV guide of ``channels`` × ``days``; returns the number of programmes.

    With ``inject_problems`` about 1 % of programmes overlap the previous one, 1 % leave a
    gap, and repeats of one episode come back within 48 hours.
    """
    rng = random.Random(seed)
    count = 0
    with path.open("w", encoding="utf-8", newline="\n") as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE tv SYSTEM "xmltv.dtd">\n')
        out.write('<tv generator-info-name="scheduleflow-bench">\n')
        ids = [f"ch{number:04d}.bench.example.org" for number in range(1, channels + 1)]
        for number, channel_id in enumerate(ids, 1):
            out.write(
                f'  <channel id="{channel_id}">\n'
                f"    <display-name>Bench {number}</display-name>\n"
                f'    <icon src="https://img.example.org/logo/{number}.png" />\n'
                "  </channel>\n"
            )
        end = start + timedelta(days=days)
        for number, channel_id in enumerate(ids):
            offset = _OFFSETS[number % len(_OFFSETS)]
            zone = timezone(timedelta(minutes=offset))
            zone_text = _offset_text(offset)
            when = start
            while when < end:
                length = timedelta(minutes=rng.choice(_MINUTES))
                begin = when
                if inject_problems:
                    roll = rng.random()
                    if roll < 0.01:
                        begin = when - timedelta(minutes=5)
                    elif roll < 0.02:
                        begin = when + timedelta(minutes=10)
                stop = begin + length
                show = rng.choice(_SHOWS)
                episode = rng.randrange(1, 40) if not inject_problems else rng.randrange(1, 6)
                season = rng.randrange(1, 6)
                words = " ".join(rng.choice(_WORDS) for _ in range(rng.randrange(6, 24)))
                video = rng.randrange(1, 20000)
                local_start = begin.astimezone(zone).strftime("%Y%m%d%H%M%S")
                local_stop = stop.astimezone(zone).strftime("%Y%m%d%H%M%S")
                out.write(
                    f'  <programme start="{local_start} {zone_text}" '
                    f'stop="{local_stop} {zone_text}" channel="{channel_id}">\n'
                    f'    <title lang="en">{escape(show)}</title>\n'
                    f'    <sub-title lang="en">Episode {episode}</sub-title>\n'
                    f'    <desc lang="en">{escape(words.capitalize())}.</desc>\n'
                    f'    <category lang="en">{rng.choice(_CATEGORIES)}</category>\n'
                    f'    <url system="video">https://media.example.org/vod/{video}.mp4</url>\n'
                    f'    <episode-num system="xmltv_ns">{season - 1}.{episode - 1}.'
                    "</episode-num>\n"
                    f'    <episode-num system="onscreen">S{season:02d}E{episode:02d}'
                    "</episode-num>\n"
                    "  </programme>\n"
                )
                count += 1
                when = stop
        out.write("</tv>\n")
    return count


def write_bench_m3u(path: Path, entries: int = 100_000, seed: int = 11) -> int:
    """Write an IPTV playlist of ``entries`` entries in the shapes real playlists use."""
    rng = random.Random(seed)
    groups = ["News", "Sport;HD", "Movies", "Kids", "Music", "Documentary", "Regional, Local"]
    with path.open("w", encoding="utf-8", newline="\n") as out:
        out.write('#EXTM3U url-tvg="https://epg.example.org/guide.xml.gz" tvg-shift="0"\n')
        for number in range(1, entries + 1):
            vod = rng.random() < 0.1
            duration = str(rng.randrange(600, 7200)) if vod else "-1"
            name = f"{rng.choice(_SHOWS)} {number}"
            group = rng.choice(groups)
            attributes = (
                f'tvg-id="ch{number}.example.org" tvg-name="{name}" '
                f'tvg-logo="https://img.example.org/logo/{number}.png" tvg-chno="{number}" '
                f'group-title="{group}"'
            )
            if rng.random() < 0.2:
                attributes += ' catchup="shift" catchup-days="7"'
            out.write(f"#EXTINF:{duration} {attributes},{name}\n")
            if rng.random() < 0.1:
                out.write("#EXTVLCOPT:http-user-agent=Mozilla/5.0 (X11; Linux x86_64)\n")
            if rng.random() < 0.05:
                out.write(f"#EXTGRP:{rng.choice(groups)}\n")
            if vod:
                out.write(f"https://vod.example.org/films/{number}.mp4\n")
            else:
                out.write(f"http://live.example.org:8080/stream/{number}/index.m3u8\n")
    return entries


def main() -> None:
    """Command line: write one generated file."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("kind", choices=["xmltv", "m3u"])
    parser.add_argument("out", type=Path)
    parser.add_argument("--channels", type=int, default=100)
    parser.add_argument("--days", type=int, default=21)
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--problems", action="store_true")
    args = parser.parse_args()
    if args.kind == "xmltv":
        count = write_bench_xmltv(args.out, args.channels, args.days, inject_problems=args.problems)
    else:
        count = write_bench_m3u(args.out, args.entries)
    print(f"{args.out}: {count} entries, {args.out.stat().st_size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
