"""Hostile shapes of input: a giant value, deep nesting, numbers no schedule has, lone
surrogates. Each is one ParseError naming the file (and line where known), never a crash."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.errors import ParseError, SchemaError
from core.formats import open_reader
from core.formats.limits import MAX_VALUE_BYTES, XML_VALUE, XmlGuard

BIG = "x" * (2 * MAX_VALUE_BYTES)
_HEAD = '<?xml version="1.0"?>\n<tv>\n<channel id="a"><display-name>A</display-name></channel>\n'
_START = 'channel="a" start="20260101000000 +0000" stop="20260101010000 +0000"'


def _read(path: Path, format: str = "auto") -> list[object]:
    return list(open_reader(path, format))


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("name", "text", "line"),
    [
        ("title.xml", f"{_HEAD}<programme {_START}>\n<title>{BIG}</title></programme></tv>\n", 5),
        (
            "attr.xml",
            f'{_HEAD}<programme {_START}\n foo="{BIG}"><title>t</title></programme></tv>',
            4,
        ),
        ("root.xml", f'<?xml version="1.0"?>\n<tv generator-info-name="{BIG}"></tv>\n', 2),
        ("list.m3u", f"#EXTM3U\n#EXTINF:-1,Fine\nhttp://a/1\n#EXTINF:-1,{BIG}\nhttp://a/2\n", 4),
        ("doc.json", '{"format": "scheduleflow/1",\n"channels": [{"id": "' + BIG + '"}]}', 2),
    ],
    ids=["xml-text", "xml-attribute", "xml-root-attribute", "m3u-line", "json-string"],
)
def test_a_value_past_the_limit_is_refused_naming_file_and_line(
    tmp_path: Path, name: str, text: str, line: int
) -> None:
    path = _write(tmp_path, name, text)
    with pytest.raises(ParseError, match="longer than the limit of 1 MiB") as caught:
        _read(path)
    assert (caught.value.path, caught.value.line) == (str(path), line)


SPRINKLED = ("x" * 999 + ">") * (2 * MAX_VALUE_BYTES // 1000)  # ">" delimits no XML value
LESS_THAN = ("x" * 999 + "<") * (2 * MAX_VALUE_BYTES // 1000)  # allowed in comments, CDATA


@pytest.mark.parametrize(
    ("text", "what", "line"),
    [
        (f"{_HEAD}<programme {_START}>\n<title>{SPRINKLED}</title></programme></tv>", XML_VALUE, 5),
        (
            f'{_HEAD}<programme {_START}\n x="{SPRINKLED}"><title>t</title></programme></tv>',
            XML_VALUE,
            4,
        ),
        (f"{_HEAD}\n<!--{LESS_THAN}-->\n</tv>", "a comment", 5),
        (
            f"{_HEAD}<programme {_START}><title>\n<![CDATA[{LESS_THAN}]]></title></programme></tv>",
            "a CDATA section",
            5,
        ),
        (f"{_HEAD}\n<?x-note {LESS_THAN}?>\n</tv>", "a processing instruction", 5),
        # the opening "<!--" cut by the first 1 MiB chunk's end
        (
            f"{_HEAD}{' ' * (MAX_VALUE_BYTES - len(_HEAD) - 2)}<!--{LESS_THAN}--></tv>",
            "a comment",
            4,
        ),
    ],
    ids=[
        "title-with->",
        "attribute-with->",
        "comment-with-<",
        "cdata-with-<",
        "pi-with-<",
        "comment-across-chunks",
    ],
)
def test_an_xml_value_with_markup_characters_inside_is_still_refused(
    tmp_path: Path, text: str, what: str, line: int
) -> None:
    """A value cannot hide its length behind ``>`` (allowed in text and attributes), nor a
    comment, CDATA section or processing instruction behind ``<`` (allowed inside them)."""
    path = _write(tmp_path, "guide.xml", text)
    with pytest.raises(ParseError, match=f"holds {what} longer than the limit of 1 MiB") as caught:
        _read(path)
    assert (caught.value.path, caught.value.line) == (str(path), line)


def test_comments_cdata_and_instructions_under_the_limit_are_read(tmp_path: Path) -> None:
    """Markup characters inside them, several of them, each one just under the limit, one
    across the first chunk's end: read, with the title inside CDATA kept."""
    inside = ("<b>x</b> & -> ?" * 1000)[: MAX_VALUE_BYTES - 100]
    text = (
        f"{_HEAD}<!--{inside.replace('-', '=')}-->\n<?x-note {inside.replace('?', '!')}?>\n"
        f"<programme {_START}><title><![CDATA[{inside}]]></title></programme>\n"
        f"<!--{inside.replace('-', '=')}--></tv>\n"
    )
    items = _read(_write(tmp_path, "guide.xml", text))
    assert [t.value for t in getattr(items[-1], "titles", ())] == [inside]


def test_a_json_string_full_of_escaped_quotes_is_refused_too(tmp_path: Path) -> None:
    """Escaped quotes cut no string short: the decoder's own view of it counts."""
    path = _write(
        tmp_path,
        "doc.json",
        '{"format": "scheduleflow/1", "x": "' + '\\"ab' * MAX_VALUE_BYTES + '"}',
    )
    with pytest.raises(ParseError, match="a string longer than the limit"):
        _read(path)


def test_an_ffplayout_string_past_the_limit_is_refused(tmp_path: Path) -> None:
    item = {"in": 0, "out": 10, "source": BIG}
    path = _write(
        tmp_path, "day.json", json.dumps({"channel": "c", "date": "2026-01-01", "program": [item]})
    )
    with pytest.raises(ParseError, match="a string longer than the limit"):
        _read(path, "ffplayout")


@pytest.mark.parametrize("kind", ["xml", "m3u", "json"])
def test_a_value_just_under_the_limit_is_read(tmp_path: Path, kind: str) -> None:
    """The line, text or string of exactly the limit (less its markup) crosses chunk
    boundaries in every reader, and is read."""
    title = "y" * (MAX_VALUE_BYTES - 100)
    text = {
        "xml": f"{_HEAD}<programme {_START}><title>{title}</title></programme></tv>",
        "m3u": "#EXTM3U\n"
        + "#EXTINF:-1,a\nhttp://a/1\n" * 10_000
        + f"#EXTINF:-1,{title}\nhttp://b\n"
        + "#EXTINF:-1,a\nhttp://a/2\n" * 50_000,
        "json": '{"format": "scheduleflow/1", "assets": ['
        + "\n" * 500_000
        + '{"title": "'
        + title
        + '", "locator": "http://b"}]}',
    }[kind]
    items = _read(_write(tmp_path, f"long.{kind}", text))
    assert any(
        getattr(item, "title", None) == title
        or [t.value for t in getattr(item, "titles", ())] == [title]
        for item in items
    )


DEEP = 1000


@pytest.mark.parametrize(
    ("name", "text", "format"),
    [
        (
            "deep.xml",
            f"{_HEAD}<programme {_START}><title>t</title><x-deep>"
            + "<a>" * DEEP
            + "</a>" * DEEP
            + "</x-deep></programme></tv>",
            "auto",
        ),
        (
            "deep.json",
            '{"format": "scheduleflow/1", "channels": [' + "[" * DEEP + "]" * DEEP + "]}",
            "auto",
        ),
        (
            "day.json",
            '{"channel": "c", "date": "2026-01-01", "program": [' + "[" * DEEP + "]" * DEEP + "]}",
            "ffplayout",
        ),
    ],
    ids=["xml", "json", "ffplayout"],
)
def test_nesting_a_thousand_levels_deep_is_refused(
    tmp_path: Path, name: str, text: str, format: str
) -> None:
    path = _write(tmp_path, name, text)
    with pytest.raises(ParseError, match="nests values deeper than ScheduleFlow reads") as caught:
        _read(path, format)
    assert caught.value.path == str(path)


@pytest.mark.parametrize("name", ["doc.json", "day.json"])
def test_a_number_of_five_thousand_digits_is_refused(tmp_path: Path, name: str) -> None:
    digits = "1" * 5000
    text = (
        '{"format": "scheduleflow/1", "x": ' + digits + "}"
        if name == "doc.json"
        else '{"channel": "c", "date": "2026-01-01", "program": [{"in": ' + digits + "}]}"
    )
    path = _write(tmp_path, name, text)
    with pytest.raises(ParseError, match="a number longer than 4300 digits"):
        _read(path, "auto" if name == "doc.json" else "ffplayout")


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("out", "NaN"),
        ("out", "Infinity"),
        ("out", "1e400"),
        ("in", "-5"),
        ("duration", "-Infinity"),
    ],
)
def test_ffplayout_seconds_that_are_not_finite_and_positive_are_refused(
    tmp_path: Path, key: str, value: str
) -> None:
    fields = {"in": "0", "out": "10", "duration": "10"}
    fields[key] = value
    item = ", ".join(f'"{k}": {v}' for k, v in fields.items())
    path = _write(
        tmp_path,
        "day.json",
        '{"channel": "c", "date": "2026-01-01", "program": [{' + item + ', "source": "a.mp4"}]}',
    )
    with pytest.raises(SchemaError, match=rf"program\[0\]\.{key} .* not a finite, non-negative"):
        _read(path, "ffplayout")


@pytest.mark.parametrize(
    ("name", "text", "format"),
    [
        (
            "day.json",
            '{"channel": "c", "date": "2026-01-01", "program": '
            '[{"in": 0, "out": 10, "source": "a.mp4", "title": "A\\ud800"}]}',
            "ffplayout",
        ),
        ("doc.json", '{"format": "scheduleflow/1", "\\udc00": 1}', "auto"),
        ("doc.json", '{"format": "\\ud800", "channels": []}', "json"),
    ],
    ids=["ffplayout-title", "json-key", "json-format-value"],
)
def test_a_lone_surrogate_escape_is_refused_before_it_reaches_the_store(
    tmp_path: Path, name: str, text: str, format: str
) -> None:
    path = _write(tmp_path, name, text)
    with pytest.raises(ParseError, match="lone surrogate"):
        _read(path, format)


@pytest.mark.parametrize("size", [9, 10, 4099, 1_000_003])
def test_the_xml_guard_finds_the_same_wherever_the_chunks_are_cut(size: int) -> None:
    """Openings and ends cut anywhere by chunk boundaries: the same verdict and the same
    offset of the comment past the limit as when the document comes in one piece."""
    fine = b"<tv><!--" + b"<a>?" * (MAX_VALUE_BYTES // 4 - 4) + b"--><?pi x?><![CDATA[<]]>"
    long = fine + b"<!--" + b"<" * MAX_VALUE_BYTES + b"-->"
    for document, verdict in ((fine, True), (long, False)):
        guard = XmlGuard()
        pieces = (document[at : at + size] for at in range(0, len(document), size))
        assert all(guard.feed(piece) for piece in pieces) is verdict
        if not verdict:
            assert (guard.what, guard.run_start) == ("a comment", len(fine))
