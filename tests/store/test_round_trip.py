"""Round trips through the store: every corpus file that imports exports back the same."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from core.formats import open_reader
from core.models import Asset, Channel, Programme
from core.store import export, import_file
from tests.conftest import CORPUS, corpus_cases, corpus_files, corpus_path
from tests.formats.helpers import portable
from tests.store.helpers import ACTOR, new_store

DTD = CORPUS / "xmltv" / "xmltv.dtd"


def _items(path: Path) -> tuple[list[Channel], list[Programme], list[Asset]]:
    items = list(open_reader(path))
    return (
        [i for i in items if isinstance(i, Channel)],
        [i for i in items if isinstance(i, Programme)],
        [i for i in items if isinstance(i, Asset)],
    )


def _guides() -> list[Path]:
    paths = [
        *corpus_files("xmltv", "*.xml"),
        *corpus_files("jellyfin-xmltv", "*.xml"),
        *corpus_files("jellyfin-server", "*.xml"),
        corpus_path("iptv-org-epg", "sites_data", "epgshare01.online__content.xml.gz"),
        corpus_path("iptv-org-epg", "sites_data", "x1co.com.br__content.xml"),
        corpus_path("iptv-org-epg", "sites_data", "energeek.cl__content.xml"),
        corpus_path("iptv-org-epg", "tests", "expected__epg_grab__multiple_channels.guide.xml"),
    ]
    return [p for p in paths if p.name not in ("xmltv-0.6.dtd",)]


def _key(programme: Programme) -> tuple[object, ...]:
    return (programme.channel, programme.start.timestamp(), repr(portable(programme)))


@pytest.mark.parametrize("path", corpus_cases(_guides), ids=lambda p: str(p.relative_to(CORPUS)))
def test_xmltv_through_the_store_loses_nothing(path: Path, tmp_path: Path) -> None:
    channels, programmes, _ = _items(path)
    store = new_store(tmp_path)
    result = import_file(store, path, actor=ACTOR)
    assert result.added + result.skipped + result.duplicates_in_file == len(programmes)
    assert result.skipped == 0  # nothing was stored before
    out = tmp_path / "out.xml"
    export(store, "xmltv", out, keep_unknown=True)
    channels_again, programmes_again, _ = _items(out)
    # Exact duplicates inside one file are stored once (and counted as duplicates_in_file).
    assert sorted(map(_key, programmes_again)) == sorted(set(map(_key, programmes)))
    declared = {c.id: portable(c) for c in channels}
    for channel in channels_again:
        if channel.id in declared:
            assert portable(channel) == declared[channel.id]
        else:  # undeclared in the file: declared on export with its id as its name
            assert channel.name == channel.id
    store.close()


@pytest.mark.parametrize("path", corpus_cases(lambda: _guides()[:12]), ids=lambda p: p.name)
def test_strict_xmltv_export_from_the_store_is_dtd_valid(path: Path, tmp_path: Path) -> None:
    store = new_store(tmp_path)
    import_file(store, path, actor=ACTOR)
    out = tmp_path / "out.xml"
    export(store, "xmltv", out)
    result = subprocess.run(
        ["xmllint", "--noout", "--dtdvalid", str(DTD), str(out)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    store.close()


@pytest.mark.parametrize(
    "path", corpus_cases(lambda: corpus_files("ffplayout", "*.json")), ids=lambda p: p.name
)
def test_ffplayout_through_the_store_loses_nothing(path: Path, tmp_path: Path) -> None:
    channels, programmes, _ = _items(path)
    store = new_store(tmp_path)
    import_file(store, path, actor=ACTOR)
    result = export(store, "ffplayout", tmp_path / "days")
    assert len(result.files) == 1
    channels_again, programmes_again, _ = _items(result.files[0])
    assert [portable(c) for c in channels_again] == [portable(c) for c in channels]
    assert [portable(p) for p in programmes_again] == [portable(p) for p in programmes]
    store.close()


@pytest.mark.parametrize(
    "parts",
    [
        ("ipytv", "iptv-org.m3u"),
        ("iptv-playlist-parser", "input__kodi.m3u"),
        ("threadfin", "test_list_1.m3u"),
        ("iptv-org-iptv", "streams", "us_pluto.m3u"),
    ],
    ids=lambda parts: parts[-1],
)
def test_m3u_library_through_the_store_loses_nothing(
    parts: tuple[str, ...], tmp_path: Path
) -> None:
    _, _, assets = _items(corpus_path(*parts))
    store = new_store(tmp_path)
    result = import_file(store, corpus_path(*parts), actor=ACTOR)
    assert result.assets_added + result.assets_skipped == len(assets)
    out = tmp_path / "library.m3u"
    export(store, "m3u", out, library=True)
    _, _, again = _items(out)
    unique = list({repr(portable(a)): a for a in assets}.values())
    assert [portable(a) for a in again] == [portable(a) for a in unique]
    store.close()


def test_json_through_the_store_loses_nothing(tmp_path: Path) -> None:
    store = new_store(tmp_path)
    import_file(store, corpus_path("xmltv", "t_data", "x-whatever.xml"), actor=ACTOR)
    import_file(store, corpus_path("ipytv", "m3u_plus.m3u"), actor=ACTOR)
    out = tmp_path / "all.json"
    export(store, "json", out)
    second = new_store(tmp_path / "second")
    import_file(second, out, actor=ACTOR)
    out_again = tmp_path / "again.json"
    export(second, "json", out_again)
    assert out.read_text() == out_again.read_text()
    store.close()
    second.close()


def test_export_keeps_the_offsets_it_was_given(tmp_path: Path) -> None:
    store = new_store(tmp_path)
    import_file(store, corpus_path("xmltv", "t_data", "length.xml"), actor=ACTOR)
    out = tmp_path / "o.xml"
    export(store, "xmltv", out)
    assert 'start="20020224000000 +0100"' in out.read_text()
    store.close()
