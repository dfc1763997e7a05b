"""The scheduleflow/1 JSON format: schema in sync with the models, lossless round trips."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.errors import ParseError, SchemaError
from core.formats import open_reader, write_json
from core.formats.json_models import SCHEMA_PATH, schema_text
from core.models import Asset, Channel, Programme
from tests.conftest import corpus_path
from tests.formats.helpers import identity, read_all, write_to


def test_committed_schema_matches_the_models() -> None:
    assert SCHEMA_PATH.read_text(encoding="utf-8") == schema_text(), (
        "the JSON Schema drifted from core/formats/json_models.py: run `make schema`"
    )


def test_schema_describes_the_document_shape() -> None:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    assert schema["properties"]["format"]["const"] == "scheduleflow/1"
    assert set(schema["properties"]) == {"format", "channels", "assets", "programmes"}


@pytest.mark.parametrize(
    "parts",
    [
        ("xmltv", "t_data", "x-whatever.xml"),
        ("jellyfin-xmltv", "schedulesdirect.xml"),
        ("iptv-org-epg", "sites_data", "epgshare01.online__content.xml.gz"),
        ("iptv-playlist-parser", "input__base.m3u"),
        ("ipytv", "m3u_plus.m3u"),
        ("ffplayout", "playlist_short.json"),
    ],
    ids=lambda parts: parts[-1],
)
def test_any_corpus_file_round_trips_through_json(parts: tuple[str, ...], tmp_path: Path) -> None:
    items, _ = read_all(corpus_path(*parts))
    out = tmp_path / "doc.json"
    with out.open("w", encoding="utf-8") as handle:
        write_json(
            handle,
            [i for i in items if isinstance(i, Channel)],
            [i for i in items if isinstance(i, Asset)],
            [i for i in items if isinstance(i, Programme)],
        )
    again, reader = read_all(out)
    assert reader.format == "json"
    assert sorted(map(repr, map(identity, again))) == sorted(map(repr, map(identity, items)))
    json.loads(out.read_text(encoding="utf-8"))  # plain JSON any tool can load


def test_reading_streams_one_element_at_a_time_across_chunk_boundaries(tmp_path: Path) -> None:
    programmes = [
        {
            "channel": "a.example.org",
            "start": f"2026-12-01T{hour:02d}:00:00+01:00",
            "stop": f"2026-12-01T{hour:02d}:30:00+01:00",
            "titles": [{"value": "x" * 70_000 + str(hour)}],
        }
        for hour in range(24)
    ]
    path = write_to(
        tmp_path,
        "big.json",
        json.dumps({"format": "scheduleflow/1", "programmes": programmes}, indent=1),
    )
    items, _ = read_all(path)
    assert [p.title[-2:] for p in items if isinstance(p, Programme)] == [
        f"x{h}"[-2:] if h < 10 else str(h) for h in range(24)
    ]


def test_groups_given_by_hand_become_the_group_title(tmp_path: Path) -> None:
    path = write_to(
        tmp_path,
        "lib.json",
        '{"format": "scheduleflow/1", "assets": [{"title": "Film", "locator": "/m/film.mp4",'
        ' "duration": 5400, "groups": ["Movies", "Late"]}]}',
    )
    (asset,), _ = read_all(path)
    assert isinstance(asset, Asset)
    assert asset.groups == ("Movies", "Late")
    assert asset.duration == 5400


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ('{"format": "scheduleflow/2"}', 1, "format: 'scheduleflow/2'"),
        ('{"format": "scheduleflow/1",\n "channels": [{"id": ""}]}', 2, "channels[0].id"),
        (
            '{"format": "scheduleflow/1",\n "channels": [\n {"id": "a", "timezone": "Mars/Base"}]}',
            3,
            "not an IANA time zone",
        ),
        (
            '{"format": "scheduleflow/1", "assets": [\n'
            '{"title": "x", "locator": "y", "duration": -4}]}',
            2,
            "assets[0].duration",
        ),
    ],
)
def test_schema_errors_name_the_json_path(
    tmp_path: Path, text: str, line: int, fragment: str
) -> None:
    path = write_to(tmp_path, "bad.json", text)
    with pytest.raises(SchemaError) as caught:
        read_all(path)
    assert caught.value.line == line
    assert fragment in str(caught.value)


def test_broken_json_names_the_line(tmp_path: Path) -> None:
    path = write_to(
        tmp_path,
        "broken.json",
        '{"format": "scheduleflow/1",\n "programmes": [\n  {"channel": "a", "start": }\n ]}',
    )
    with pytest.raises(ParseError) as caught:
        read_all(path)
    assert caught.value.line == 3


def test_reader_accepts_the_format_key_anywhere_and_warns_on_unknown_keys(tmp_path: Path) -> None:
    path = write_to(
        tmp_path,
        "late.json",
        '{"channels": [{"id": "a.b"}], "note": 1, "format": "scheduleflow/1"}',
    )
    reader = open_reader(path, "json")
    items = list(reader)
    assert [c.id for c in items if isinstance(c, Channel)] == ["a.b"]
    assert [w.message for w in reader.warnings] == ["unknown top-level key 'note' ignored"]
