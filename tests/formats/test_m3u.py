"""M3U details beyond the corpus: #EXTINF splitting, tags, plain lists, lazy attributes."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.extinf import parse_attributes, split_extinf
from core.formats import open_reader, write_m3u
from core.models import Asset
from tests.formats.helpers import read_all, write_to


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("-1,Title", ("-1", "", "Title")),
        (" -1, name,with comma", ("-1", "", " name,with comma")),
        (
            '-1 tvg-name="A, B" group-title="x",A, B',
            ("-1", ' tvg-name="A, B" group-title="x"', "A, B"),
        ),
        ('-1 a="x",Say "hi", there', ("-1", ' a="x"', 'Say "hi", there')),
        ("-1 n='a, b',T", ("-1", " n='a, b'", "T")),
        ('tvg-id="x",No duration', ("", 'tvg-id="x"', "No duration")),
        ("4.5 tvg-id=plain,T", ("4.5", " tvg-id=plain", "T")),
        (
            '-1 tvg-logo="http://x/a"b.png" tvg-id="y",T',
            ("-1", ' tvg-logo="http://x/a"b.png" tvg-id="y"', "T"),
        ),
    ],
)
def test_extinf_splits_into_duration_attributes_and_title(
    text: str, expected: tuple[str, str, str]
) -> None:
    assert split_extinf(text) == expected


def test_attributes_decode_with_quotes_and_commas_inside_values() -> None:
    assert parse_attributes(' tvg-logo="http://x/a"b.png" tvg-id="y" bare=z') == (
        ("tvg-logo", 'http://x/a"b.png'),
        ("tvg-id", "y"),
        ("bare", "z"),
    )


def test_groups_come_from_group_title_and_extgrp(tmp_path: Path) -> None:
    path = write_to(
        tmp_path,
        "lib.m3u",
        '#EXTM3U\n#EXTINF:600 group-title="Movies;Late",Film\n#EXTGRP:Classics\n/m/film.mp4\n',
    )
    (asset,), _ = read_all(path)
    assert isinstance(asset, Asset)
    assert asset.groups == ("Movies", "Late", "Classics")
    assert asset.group_title == "Classics"
    assert asset.duration == 600.0


def test_a_plain_list_of_files_reads_as_entries(tmp_path: Path) -> None:
    path = write_to(tmp_path, "plain.m3u", "/media/a.mp4\r\n# a comment\r\nclips/b.mkv\r\n")
    items, reader = read_all(path)
    assert [(a.title, a.locator) for a in items] == [("a", "/media/a.mp4"), ("b", "clips/b.mkv")]
    assert items[1].fingerprint == items[1].fingerprint  # stable
    assert reader.format == "m3u"


def test_a_plain_file_is_titled_by_its_whole_name(tmp_path: Path) -> None:
    path = write_to(tmp_path, "odd.m3u", '/media/a="b",c.mp4\n/media/-1 x,y.mkv\n')
    items, _ = read_all(path)
    assert [(a.title, a.extinf, a.extinf_duration) for a in items] == [  # type: ignore[union-attr]
        ('a="b",c', "", "-1"),
        ("-1 x,y", "", "-1"),
    ]


def test_bom_crlf_and_lower_case_tags_are_read(tmp_path: Path) -> None:
    path = write_to(
        tmp_path, "bom.m3u", '\ufeff#EXTM3U\r\n#extinf:-1 tvg-id="a.b",A\r\nhttp://x/1\r\n'
    )
    (asset,), _ = read_all(path)
    assert isinstance(asset, Asset)
    assert (asset.title, asset.locator, asset.attr("tvg-id")) == ("A", "http://x/1", "a.b")


def test_durations_of_zero_or_minus_one_are_unknown(tmp_path: Path) -> None:
    path = write_to(
        tmp_path, "d.m3u", "#EXTM3U\n#EXTINF:0,A\nhttp://x/1\n#EXTINF:-1,B\nhttp://x/2\n"
    )
    items, _ = read_all(path)
    assert [a.duration for a in items] == [None, None]


def test_assets_built_from_attributes_write_a_readable_playlist(tmp_path: Path) -> None:
    asset = Asset.from_attrs(
        "News", "http://x/news", "0" * 32, (("tvg-id", "news.example.org"), ("group-title", "News"))
    )
    path = tmp_path / "out.m3u"
    with path.open("w", encoding="utf-8") as out:
        write_m3u(out, [asset], [("url-tvg", "http://x/guide.xml")])
    (again,), reader = read_all(path)
    assert isinstance(again, Asset)
    assert again.attrs == asset.attrs and again.title == "News"
    assert reader.header == [("url-tvg", "http://x/guide.xml")]  # type: ignore[attr-defined]


def test_reading_a_playlist_does_not_decode_attributes_until_asked(tmp_path: Path) -> None:
    path = write_to(tmp_path, "l.m3u", '#EXTM3U\n#EXTINF:-1 tvg-id="a",A\nhttp://x/1\n')
    (asset,) = list(open_reader(path))
    assert isinstance(asset, Asset)
    assert asset._attrs is None
    assert asset.attr("TVG-ID") == "a"
    assert asset._attrs == (("tvg-id", "a"),)


def test_paths_with_spaces_are_fine_and_mangled_urls_are_reported(tmp_path: Path) -> None:
    path = write_to(
        tmp_path,
        "s.m3u",
        "#EXTM3U\n#EXTINF:-1,A\n/media/My Film.mp4\n#EXTINF:-1,B\nnew: https://x.example/1\n",
    )
    items, reader = read_all(path)
    assert len(items) == 2
    assert [(w.line, w.message) for w in reader.warnings] == [
        (5, "'new: https://x.example/1' does not look like a URL or a path")
    ]


def test_a_duration_that_is_not_a_plain_number_is_unknown_not_its_first_digits(
    tmp_path: Path,
) -> None:
    """A stranger's ``#EXTINF:1e309`` (infinity) or ``1_000`` was read as 1 s (its first
    digit), and Arabic-Indic ``٣`` as 3 s: on a re-import that replaced a known length.
    Such a token is the entry's duration text, unknown as seconds; its attributes and title
    are read as ever."""
    path = write_to(
        tmp_path,
        "d.m3u",
        "#EXTM3U\n"
        '#EXTINF:1e309 group-title="A",Inf\nhttp://x/1\n'
        '#EXTINF:1_000 group-title="A",Underscore\nhttp://x/2\n'
        '#EXTINF:\u0663 group-title="A",Arabic\nhttp://x/3\n'
        '#EXTINF:1.5.3 group-title="A",Dots\nhttp://x/4\n'
        '#EXTINF:-1tvg-id="glued",Glued\nhttp://x/5\n'
        '#EXTINF:1E3 group-title="A",Exponent\nhttp://x/6\n',
    )
    items, _ = read_all(path)
    assert [(a.title, a.duration, a.attr("group-title")) for a in items[:4]] == [
        ("Inf", None, "A"),
        ("Underscore", None, "A"),
        ("Arabic", None, "A"),
        ("Dots", None, "A"),
    ]
    assert (items[4].title, items[4].duration, items[4].attr("tvg-id")) == ("Glued", None, "glued")
    assert (items[5].title, items[5].duration) == ("Exponent", 1000.0)
