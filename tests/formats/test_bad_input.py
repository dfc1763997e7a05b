"""Bad input: one clear error naming the file and line, quickly, in flat memory."""

from __future__ import annotations

import gzip
import time
import tracemalloc
from pathlib import Path

import pytest

from core.errors import InputError, ParseError, SchemaError, TooLarge, UnsupportedFormat
from core.formats import open_reader
from core.formats.limits import NETWORK_LIMIT
from tests.formats.helpers import write_to

MB = 1024 * 1024


def _read(path: Path, **options: object) -> list[object]:
    return list(open_reader(path, **options))  # type: ignore[arg-type]


def test_a_file_over_the_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = write_to(tmp_path, "big.m3u", "#EXTM3U\n" + "#EXTINF:-1,x\nhttp://a/b\n" * 200_000)
    started = time.monotonic()
    with pytest.raises(TooLarge, match="larger than the input limit of 1 MB") as caught:
        _read(path, limit=1 * MB)
    assert time.monotonic() - started < 1.0
    assert caught.value.path == str(path)
    assert "--max-size" in str(caught.value)


def test_a_gzip_bomb_is_refused_while_inflating_in_flat_memory(tmp_path: Path) -> None:
    path = tmp_path / "bomb.xml.gz"
    with gzip.open(path, "wb", compresslevel=9) as handle:
        handle.write(b"<tv>" + b" " * (60 * MB) + b"</tv>")
    assert path.stat().st_size < 100 * 1024
    tracemalloc.start()
    started = time.monotonic()
    with pytest.raises(TooLarge, match="once decompressed"):
        _read(path, limit=NETWORK_LIMIT)
    elapsed = time.monotonic() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert elapsed < 1.0
    assert peak < 8 * MB


def test_a_small_gzip_that_inflates_past_a_small_limit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "list.m3u.gz"
    path.write_bytes(gzip.compress(("#EXTM3U\n" + "#EXTINF:-1,x\nhttp://a/b\n" * 50_000).encode()))
    with pytest.raises(TooLarge):
        _read(path, limit=MB // 2)


def test_truncated_xml_names_the_file_and_line(tmp_path: Path) -> None:
    path = write_to(
        tmp_path,
        "cut.xml",
        '<tv>\n<programme start="20261201060000 +0000" channel="a.b">\n<title>A</title>\n'
        '</programme>\n<programme start="2026120',
    )
    with pytest.raises(ParseError) as caught:
        _read(path)
    assert caught.value.path == str(path) and caught.value.line == 5
    assert "not well-formed" in str(caught.value)


def test_invalid_utf8_in_a_playlist_names_the_line(tmp_path: Path) -> None:
    path = write_to(
        tmp_path, "bad.m3u", b"#EXTM3U\n#EXTINF:-1,Caf\xe9\nhttp://a/b\n#EXTINF:-1,ok\nhttp://c\n"
    )
    with pytest.raises(ParseError, match="not valid UTF-8") as caught:
        _read(path)
    assert (caught.value.line, caught.value.column) == (2, 15)


def test_invalid_utf8_megabytes_in_names_its_line_too(tmp_path: Path) -> None:
    """Chunks are decoded whole and their lines not counted: the error counts them again."""
    entries = b"".join(b"#EXTINF:-1,Ok %d\nhttp://a/%d\n" % (n, n) for n in range(100_000))
    path = write_to(tmp_path, "late.m3u", b"\xef\xbb\xbf#EXTM3U\n" + entries + b"#EXTINF:-1,\xff\n")
    with pytest.raises(ParseError, match="not valid UTF-8") as caught:
        _read(path)
    assert (caught.value.line, caught.value.column) == (200_002, 12)


def test_a_wrong_declared_encoding_names_the_line(tmp_path: Path) -> None:
    path = write_to(
        tmp_path,
        "latin.xml",
        '<?xml version="1.0" encoding="UTF-8"?>\n<tv>\n'
        '<programme start="20261201060000 +0000" channel="a.b"><title>Caf\xe9</title>'
        "</programme>\n</tv>\n".encode("latin-1")
        .decode("latin-1")
        .encode("latin-1"),
    )
    with pytest.raises(ParseError) as caught:
        _read(path)
    assert caught.value.line == 3


@pytest.mark.parametrize(
    ("name", "content", "error", "message"),
    [
        ("empty.xml", b"", InputError, "is empty"),
        ("blank.m3u", b"\n \n", InputError, "is empty"),
        ("junk.bin", bytes(range(256)) * 64, UnsupportedFormat, "binary"),
        (
            "notes.txt",
            b"dear diary\ntoday I scheduled nothing\n",
            UnsupportedFormat,
            "not a format",
        ),
        ("rss.xml", b"<rss><channel/></rss>", UnsupportedFormat, "<rss> root"),
        ("other.json", b'{"channels": []}', UnsupportedFormat, "neither"),
    ],
)
def test_inputs_that_are_not_schedules_are_refused_with_what_they_are(
    tmp_path: Path, name: str, content: bytes, error: type[Exception], message: str
) -> None:
    path = write_to(tmp_path, name, content)
    with pytest.raises(error, match=message) as caught:
        _read(path)
    assert str(path) in str(caught.value)


def test_json_of_the_wrong_shape_names_the_json_path_and_line(tmp_path: Path) -> None:
    path = write_to(
        tmp_path,
        "doc.json",
        '{"format": "scheduleflow/1",\n "channels": [\n  {"id": "a.example.org"}\n ],\n'
        ' "programmes": [\n  {"channel": "a.example.org", "start": "2026-12-01T06:00:00"}\n ]\n}\n',
    )
    with pytest.raises(SchemaError) as caught:
        _read(path)
    assert caught.value.line == 6
    assert "programmes[0].start" in str(caught.value)
    assert "timezone" in str(caught.value)


def test_a_missing_file_is_a_file_problem(tmp_path: Path) -> None:
    with pytest.raises(Exception, match="no such file") as caught:
        _read(tmp_path / "nope.xml")
    assert getattr(caught.value, "category", None) == "file"
