"""ffplayout day playlists: every corpus playlist round-trips; short days and wrong dates warn."""

from __future__ import annotations

import itertools
import json
import re
from datetime import date, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from core.errors import SchemaError
from core.formats import FfplayoutReader, open_reader, write_ffplayout
from core.models import Channel, Programme
from tests.conftest import corpus_cases, corpus_files, corpus_path
from tests.formats.helpers import identity, portable, write_to

PLAYLISTS = corpus_cases(lambda: corpus_files("ffplayout", "*.json"))


def _read(path: Path, **options: object) -> tuple[Channel, list[Programme], FfplayoutReader]:
    reader = open_reader(path, **options)  # type: ignore[arg-type]
    assert isinstance(reader, FfplayoutReader)
    items = list(reader)
    channel = items[0]
    assert isinstance(channel, Channel)
    programmes = [p for p in items[1:] if isinstance(p, Programme)]
    return channel, programmes, reader


@pytest.mark.parametrize("path", PLAYLISTS, ids=lambda p: p.name)
def test_every_corpus_playlist_round_trips(path: Path, tmp_path: Path) -> None:
    channel, programmes, _ = _read(path)
    original = json.loads(path.read_text())
    # ffplayout finds a day's file by its name: the copy keeps the original's name.
    out = tmp_path / path.name
    with out.open("w", encoding="utf-8") as handle:
        count = write_ffplayout(
            handle, channel.name, date.fromisoformat(original["date"]), programmes
        )
    assert count == len(original["program"])
    channel_again, again, _ = _read(out)
    assert identity(channel_again) == identity(channel)
    assert [portable(p) for p in again] == [portable(p) for p in programmes]
    written = json.loads(out.read_text())
    for before, after in zip(original["program"], written["program"], strict=True):
        for key in ("in", "out", "duration", "source", "category", "audio"):
            assert before.get(key) == after.get(key), key


def test_items_follow_each_other_from_the_day_start() -> None:
    _, programmes, _ = _read(corpus_path("ffplayout", "playlist_short.json"))
    assert programmes[0].start.isoformat() == "2022-11-01T00:00:00+00:00"
    for before, after in itertools.pairwise(programmes):
        assert before.stop == after.start
    assert programmes[-1].categories[0].value == "advertisement"


def test_the_day_start_places_the_first_item() -> None:
    _, programmes, _ = _read(
        corpus_path("ffplayout", "2025-10-06.json"),
        day_start=time(6),
        zone=ZoneInfo("Europe/Berlin"),
    )
    assert programmes[0].start.isoformat() == "2025-10-06T06:00:00+02:00"


def test_a_date_that_disagrees_with_the_file_name_warns() -> None:
    _, _, reader = _read(corpus_path("ffplayout", "2024-02-02.json"))
    assert [w.message for w in reader.warnings] == [
        "the date inside (2024-02-01) disagrees with the file name (2024-02-02.json); "
        "ffplayout plays the file on 2024-02-02 and restarts it while the dates differ: "
        "correct the date inside"
    ]


def test_a_day_shorter_than_its_length_warns() -> None:
    _, _, reader = _read(corpus_path("ffplayout", "2024-01-30.json"))
    assert [w.message for w in reader.warnings] == [
        "the day lasts 23:59:46, 14 s short of 24:00:00: dead air at the end"
    ]


def test_full_days_read_without_warnings() -> None:
    _, _, reader = _read(corpus_path("ffplayout", "2024-01-31.json"))
    assert list(reader.warnings) == []


@pytest.mark.parametrize(
    ("item", "message"),
    [
        ({"in": 0, "out": "10", "source": "a.mp4"}, "program[0]: 'in' and 'out' must be numbers"),
        ({"in": 20, "out": 10, "source": "a.mp4"}, "program[0]: 'out' (10) is before 'in' (20)"),
        ({"in": 0, "out": 10}, "program[0]: 'source' must name a file or URL"),
    ],
)
def test_bad_items_are_refused_with_their_index(
    tmp_path: Path, item: dict[str, object], message: str
) -> None:
    path = write_to(
        tmp_path,
        "day.json",
        json.dumps({"channel": "C", "date": "2026-12-01", "program": [item]}),
    )
    with pytest.raises(SchemaError, match=re.escape(message)):
        _read(path)
