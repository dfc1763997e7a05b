"""M3U has no escapes: what the writers put between quotes cannot add attributes or lines.

Checked the way players read a playlist: our reader, and a plain ``name="value"`` regex over
the whole ``#EXTINF`` line (as iptv-playlist-parser and ipytv do)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from core.formats import write_m3u
from core.models import Asset
from core.store import export, import_file
from tests.formats.helpers import read_all, write_to
from tests.store.helpers import ACTOR, new_store

PLAIN = re.compile(r'([^\s=,"\']+)="([^"]*)"')
HOSTILE_NAME = 'Q" tvg-logo="http://evil/x.png" group-title="Adult'


def _entries(path: Path) -> list[list[str]]:
    """The playlist's entries as lines: each starts at an #EXTINF line."""
    entries: list[list[str]] = []
    for line in path.read_text(encoding="utf-8").splitlines()[1:]:
        if line.upper().startswith("#EXTINF"):
            entries.append([])
        entries[-1].append(line)
    return entries


def _plain_view(extinf_line: str) -> list[tuple[str, str]]:
    return PLAIN.findall(extinf_line)


def test_the_line_up_of_a_channel_with_quotes_in_its_name_icon_and_number(
    tmp_path: Path,
) -> None:
    channel = {
        "id": "q.example.org",
        "display_names": [{"value": HOSTILE_NAME}],
        "icons": [{"src": 'http://x/" y="1'}],
        "urls": [{"value": "http://a/live.m3u8"}],
        "number": '1" a="b',
    }
    source = write_to(
        tmp_path, "q.json", json.dumps({"format": "scheduleflow/1", "channels": [channel]})
    )
    store = new_store(tmp_path / "store")
    import_file(store, source, actor=ACTOR)
    target = tmp_path / "lineup.m3u"
    result = export(store, "m3u", target)
    (entry,) = _entries(target)
    assert entry[1:] == ["http://a/live.m3u8"]
    (asset,), _ = read_all(target)
    assert isinstance(asset, Asset)
    names = ["tvg-id", "tvg-name", "tvg-logo", "tvg-chno"]
    assert [key for key, _ in asset.attrs] == names
    assert [key for key, _ in _plain_view(entry[0])] == names
    assert asset.attrs == tuple(_plain_view(entry[0]))
    assert asset.attr("tvg-name") == HOSTILE_NAME.replace('"', "'")
    assert asset.title == HOSTILE_NAME.replace('"', "'")
    assert any('held "' in warning and "wrote ' instead" in warning for warning in result.warnings)


def test_library_entries_from_json_keep_one_extinf_line_and_their_own_attributes(
    tmp_path: Path,
) -> None:
    assets = [
        Asset.from_attrs(
            "one", "http://a/1.mp4", attrs=(("group-title", 'G" x="1'),), extinf_duration="-1"
        ),
        Asset.from_attrs(
            "two", "http://a/2.mp4", extinf_duration='-1 tvg-id="hijack"', attrs=(("tvg-id", "t"),)
        ),
        Asset.from_attrs(
            "three", "http://a/3.mp4", tags=("#EXTINF:1,injected", "#EXTVLCOPT:x=1", "#EXTM3U")
        ),
        Asset.from_attrs(
            'four a="b"', "http://a/4.mp4", attrs=(("bad name", "v"), ("tvg-id", "f"))
        ),
    ]
    target = tmp_path / "library.m3u"
    warnings: list[str] = []
    with target.open("w", encoding="utf-8") as out:
        assert write_m3u(out, assets, (), warnings) == 4
    entries = _entries(target)
    assert [len(entry) for entry in entries] == [2, 2, 3, 2]
    assert entries[2][1] == "#EXTVLCOPT:x=1"
    again, _ = read_all(target)
    views = [tuple(_plain_view(entry[0])) for entry in entries]
    assert [a.attrs for a in again] == views  # type: ignore[attr-defined]
    assert views == [
        (("group-title", "G' x='1"),),
        (("tvg-id", "t"),),
        (),
        (("tvg-id", "f"),),
    ]
    assert entries[1][0] == '#EXTINF:-1 tvg-id="t",two'
    assert [a.title for a in again] == ["one", "two", "three", "four a='b'"]  # type: ignore[attr-defined]
    assert len(warnings) == 3, warnings
