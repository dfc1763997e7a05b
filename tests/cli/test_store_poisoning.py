"""Nothing an import accepts may make a later command fail: out-of-range values are refused
at the reader, with the JSON path, before they reach the store."""

from __future__ import annotations

import json
import re
import tempfile
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from core.errors import SchemaError
from core.formats import open_reader
from core.models import Asset, Programme
from tests.conftest import run_cli
from tests.store.helpers import snapshot
from tui.cli import main

CHANNEL = "poison.example.org"


def _document(channel: dict[str, Any], programmes: list[dict[str, Any]]) -> str:
    return json.dumps(
        {"format": "scheduleflow/1", "channels": [channel], "programmes": programmes}, indent=1
    )


def _programme(start: str, stop: str | None, title: str = "Show") -> dict[str, Any]:
    record: dict[str, Any] = {"channel": CHANNEL, "start": start, "titles": [{"value": title}]}
    if stop is not None:
        record["stop"] = stop
    return record


GOOD = _document(
    {"id": CHANNEL, "timezone": "America/New_York"},
    [_programme("2026-01-01T00:00:00+00:00", "2026-01-01T01:00:00+00:00")],
)
POISONED = {
    # 1e400 is read as infinity by every JSON decoder
    "infinite cooldown": (
        _document({"id": CHANNEL, "cooldown_hours": "@1e400@"}, []).replace('"@1e400@"', "1e400"),
        "channels[0].cooldown_hours",
    ),
    "year-one start": (
        _document(
            {"id": CHANNEL, "timezone": "America/New_York", "day_start": "06:00"},
            [
                _programme("0001-01-01T00:00:00-14:00", "0001-01-01T01:00:00-14:00"),
                _programme("0001-01-01T02:00:00-14:00", "0001-01-01T03:00:00-14:00"),
            ],
        ),
        "programmes[0].start",
    ),
}


@pytest.mark.parametrize("case", list(POISONED))
def test_a_poisoned_import_is_refused_with_its_json_path_and_the_store_unchanged(
    sf_home: Path, tmp_path: Path, case: str
) -> None:
    text, where = POISONED[case]
    good, poisoned = tmp_path / "good.json", tmp_path / "poisoned.json"
    good.write_text(GOOD)
    poisoned.write_text(text)
    assert run_cli("import", str(good), home=sf_home).returncode == 0
    database = sf_home / "scheduleflow.db"
    before = snapshot(database)

    refused = run_cli("import", str(poisoned), home=sf_home)

    assert refused.returncode == 2
    lines = refused.stderr.strip().splitlines()
    assert len(lines) == 1, refused.stderr
    assert "poisoned.json:" in lines[0] and f"{where}:" in lines[0]
    assert snapshot(database) == before
    checked = run_cli("check", home=sf_home)
    assert checked.returncode in (0, 1), checked.stderr


# -- any document the reader accepts can be used afterwards ---------------------------------

_OFFSETS = st.integers(min_value=-14 * 60, max_value=14 * 60).map(
    lambda minutes: timezone(timedelta(minutes=minutes))
)
# half near the edges of the window (where most of a real store's values are), half anywhere
_MOMENTS = st.datetimes(min_value=datetime(1899, 12, 30), max_value=datetime(2200, 1, 2)) | (
    st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30))
)
_INSTANTS = st.builds(lambda moment, zone: moment.replace(tzinfo=zone), _MOMENTS, _OFFSETS)
_NUMBERS = (
    st.floats(min_value=0, max_value=1e6)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.integers(-(10**20), 10**20)
)


# cut point values: usable ones, and what JSON and a hostile writer can put in a string
_CUT_TEXTS = (
    _NUMBERS.map(lambda number: json.dumps(number))
    | st.integers(10**300, 10**320).map(str)
    | st.sampled_from(["NaN", "Infinity", "-3", '"5"', "[1]", "1e400", "", "０", "12.5"])
)
_EXTRA_XML = st.sampled_from(
    [
        "<x-a/>",
        '<x-a k="v">text<!-- c --></x-a>',
        '<x-a/></programme>\n<programme channel="victim.org" start="20260101000000 +0000">'
        "<title>INJECTED</title></programme><programme><x-b/>",
        "<x-a>&xxe;</x-a>",
        '<?xml version="1.0"?><x-a/>',
        "<!DOCTYPE x-a [<!ENTITY e 'e'>]><x-a>&e;</x-a>",
        "<x-a/><x-a/>",
        "<x-b/>",
        "<x-a>" * 200 + "</x-a>" * 200,
        "<p:x-a/>",
        "not xml at all",
    ]
)


def _extras(draw: st.DrawFn) -> list[dict[str, str]]:
    return [{"tag": "x-a", "xml": draw(_EXTRA_XML)} for _ in range(draw(st.integers(0, 2)))]


@st.composite
def _documents(draw: st.DrawFn) -> str:
    channel: dict[str, Any] = {"id": CHANNEL}
    for key in ("cooldown_hours", "gap_tolerance_seconds"):
        if draw(st.booleans()):
            channel[key] = draw(_NUMBERS)
    channel["timezone"] = draw(st.sampled_from(["UTC", "Europe/Berlin", "Australia/Sydney"]))
    channel["day_start"] = draw(st.sampled_from(["00:00", "06:00", "06:00:00+05:00"]))
    channel["extras"] = _extras(draw)
    programmes = []
    for _ in range(draw(st.integers(1, 3))):
        start = draw(_INSTANTS)
        stop = draw(st.none() | _INSTANTS)
        programme = _programme(start.isoformat(), stop.isoformat() if stop else None, "Same show")
        programme["locator"] = "http://example.org/show.mp4"
        programme["extras"] = _extras(draw)
        keys = draw(st.sets(st.sampled_from(["in", "out", "duration"])))
        programme["attrs"] = [[f"ffplayout:{key}", draw(_CUT_TEXTS)] for key in sorted(keys)]
        programmes.append(programme)
    assets = [
        {"title": "Clip", "locator": "http://example.org/clip.mp4", "groups": ["g"]}
        | ({"duration": draw(_NUMBERS)} if draw(st.booleans()) else {})
    ]
    document = {
        "format": "scheduleflow/1",
        "channels": [channel],
        "assets": assets,
        "programmes": programmes,
    }
    return json.dumps(document)  # inf and nan as Infinity and NaN, which decoders accept


def _no_constant(name: str) -> Any:
    raise AssertionError(f"{name} in an ffplayout playlist is not JSON")


def _run(home: Path, *args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    status = main([*args, "--home", str(home)])
    return status, capsys.readouterr().err


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(document=_documents())
@example(document=GOOD)  # at least one document is accepted, whatever is drawn
def test_whatever_an_import_accepts_every_later_command_can_use(
    document: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder) / "home"
        source = Path(folder) / "doc.json"
        source.write_text(document)
        status, error = _run(home, "import", str(source), capsys=capsys)
        assert "unexpected error" not in error
        event("refused" if status else "accepted")
        if status != 0:
            return  # refused with one line: that is the reader's job
        window = ("--from", "2026-01-01T00:00:00+00:00", "--to", "2026-01-01T06:00:00+00:00")
        # each command with the exit statuses it may end with: 1 is a check that found
        # errors; 2 a refusal in one line (a plan from a group without durations, a playout
        # export of a day with gaps or overlaps), never a failure of ours
        commands: list[tuple[tuple[str, ...], set[int]]] = [
            (("check",), {0, 1}),
            (("now",), {0}),
            (("now", "--at", "2026-01-01T00:30:00+00:00"), {0}),
            (("plan", "--channel", CHANNEL, *window, "--group", "g", "--dry-run"), {0, 2}),
        ]
        targets = {}
        for format in ("xmltv", "json", "m3u", "playlist", "ffplayout"):
            target = targets[format] = Path(folder) / f"out-{format}"
            allowed = {0, 2} if format in ("playlist", "ffplayout") else {0}
            command = ("export", "--format", format, "--channel", CHANNEL, "-o", str(target))
            commands.append(((*command, "--force"), allowed))
        lossless = Path(folder) / "lossless.xml"
        commands.append(
            (
                ("export", "--format", "xmltv", "--keep-unknown", "--channel", CHANNEL, "-o",
                 str(lossless), "--force"),
                {0},
            )
        )  # fmt: skip
        for command, allowed in commands:
            status, error = _run(home, *command, capsys=capsys)
            assert status in allowed, (command, error, document)
            assert "unexpected error" not in error, (command, document)
            if status == 2:
                assert len(error.strip().splitlines()) == 1, (command, error)
        for guide in (targets["xmltv"], lossless):
            # one well-formed guide, with no programme the document lacks
            text = guide.read_text()
            assert "INJECTED" not in text and "victim.org" not in text
            ET.fromstring(text.split("\n", 2)[2])
        for playlist in targets["ffplayout"].rglob("*.json"):
            json.loads(playlist.read_text(), parse_constant=_no_constant)


@pytest.mark.parametrize(
    ("item", "where"),
    [
        ({"in": 0, "out": "@1e400@", "source": "a.mp4"}, "program[0].out"),
        ({"in": 0, "out": 10, "duration": "@1e308@", "source": "a.mp4"}, "program[0].duration"),
        ({"in": -5, "out": 10, "source": "a.mp4"}, "program[0].in"),
    ],
)
def test_an_ffplayout_item_with_a_length_no_file_has_is_refused(
    tmp_path: Path, item: dict[str, Any], where: str
) -> None:
    path = tmp_path / "2026-01-01.json"
    text = json.dumps({"channel": "c", "date": "2026-01-01", "program": [item]})
    path.write_text(text.replace('"@1e400@"', "1e400").replace('"@1e308@"', "1e308"))
    with pytest.raises(SchemaError, match=re.escape(where)):
        list(open_reader(path, "ffplayout"))


def test_an_ffplayout_day_outside_the_window_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "day.json"
    path.write_text(json.dumps({"date": "0001-01-01", "program": []}))
    with pytest.raises(SchemaError, match=r"date: .* outside the years"):
        list(open_reader(path, "ffplayout"))


def test_an_xmltv_programme_outside_the_window_is_skipped_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "guide.xml"
    path.write_text(
        '<tv><channel id="c.example.org"><display-name>C</display-name></channel>\n'
        '<programme channel="c.example.org" start="00010101000000 +1400" '
        'stop="00010101010000 +1400"><title>Old</title></programme>\n'
        '<programme channel="c.example.org" start="20260101000000 +0000" '
        'stop="29990101000000 +0000"><title>Long</title></programme></tv>'
    )
    reader = open_reader(path, "xmltv")
    programmes = [item for item in reader if isinstance(item, Programme)]
    assert [p.title for p in programmes] == ["Long"]
    assert programmes[0].stop is None
    messages = [w.message for w in reader.warnings]
    assert any("outside the years" in m and "skipped" in m for m in messages), messages


@pytest.mark.parametrize("duration", ["9" * 400, "9" * 15])
def test_an_m3u_duration_no_file_has_is_taken_as_unknown(tmp_path: Path, duration: str) -> None:
    path = tmp_path / "list.m3u"
    path.write_text(f"#EXTM3U\n#EXTINF:{duration},Clip\nhttp://example.org/clip.mp4\n")
    (asset,) = list(open_reader(path, "m3u"))
    assert isinstance(asset, Asset) and asset.duration is None
