"""M3U conformance against real playlists of the third-party corpus."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest

from core.errors import UnsupportedFormat
from core.formats import open_reader, write_m3u
from core.models import Asset
from tests.conftest import corpus_files, corpus_path
from tests.formats.helpers import identity, portable, read_all

ORACLE_CASES = ["base", "comment", "duplicate", "kodi", "pipe", "url_tvg", "user_agent", "vlcopt"]


def _oracle_view(asset: Asset) -> dict[str, object]:
    return {
        "name": asset.title,
        "url": asset.locator,
        "tvg_id": asset.attr("tvg-id") or "",
        "tvg_name": asset.attr("tvg-name") or "",
        "tvg_logo": asset.attr("tvg-logo") or "",
        "tvg_url": asset.attr("tvg-url") or "",
        "group_title": asset.group_title,
        "user_agent": asset.user_agent or "",
        "referrer": asset.referrer or "",
        "line": asset.line,
    }


def _expected_view(item: dict[str, object]) -> dict[str, object]:
    tvg = item["tvg"]
    http = item["http"]
    assert isinstance(tvg, dict) and isinstance(http, dict)
    group = item["group"]
    assert isinstance(group, dict)
    return {
        "name": item["name"],
        "url": item["url"],
        "tvg_id": tvg["id"],
        "tvg_name": tvg["name"],
        "tvg_logo": tvg["logo"],
        "tvg_url": tvg["url"],
        "group_title": group["title"],
        "user_agent": http["user-agent"],
        "referrer": http["referrer"],
        "line": item["line"],
    }


@pytest.mark.parametrize("case", ORACLE_CASES)
def test_iptv_playlist_parser_inputs_give_the_expected_entries(case: str) -> None:
    expected = json.loads(corpus_path("iptv-playlist-parser", f"expected__{case}.json").read_text())
    items, reader = read_all(corpus_path("iptv-playlist-parser", f"input__{case}.m3u"))
    assert [_oracle_view(a) for a in items] == [_expected_view(i) for i in expected["items"]]
    assert dict(reader.header) == expected["header"]["attrs"]


def _playlists() -> list[Path]:
    return [
        path
        for path in corpus_files("iptv-org-iptv", "*.m3u", "*.m3u8")
        if path.name != "playlist_update__playlist.m3u8"  # an HLS master playlist, see below
    ] + [corpus_path("ipytv", "iptv-org.m3u")]


def _extinf_lines(path: Path) -> tuple[int, list[int]]:
    """(#EXTINF lines followed by a URL line, line numbers of those without one)."""
    lines = path.read_text(encoding="utf-8-sig").split("\n")
    with_url, without = 0, []
    pending: int | None = None
    for number, raw in enumerate(lines, 1):
        line = raw.strip()
        if not line:
            continue
        if line.upper().startswith("#EXTINF"):
            if pending is not None:
                without.append(pending)
            pending = number
        elif not line.startswith("#") and pending is not None:
            with_url += 1
            pending = None
    if pending is not None:
        without.append(pending)
    return with_url, without


@pytest.mark.parametrize("path", _playlists(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_corpus_playlist_parses_one_entry_per_extinf_with_a_url(path: Path) -> None:
    items, reader = read_all(path)
    with_url, without = _extinf_lines(path)
    assert len(items) == with_url
    reported = sorted(w.line for w in reader.warnings if "has no URL" in w.message)
    assert reported == without


def test_the_upstream_entry_counts_match_for_the_streams_we_have() -> None:
    rows = csv.DictReader(corpus_path("iptv-org-iptv", "streams_all_extinf_counts.csv").open())
    counts = {row["file"]: int(row["extinf"]) for row in rows}
    checked = 0
    for path in corpus_files("iptv-org-iptv/streams", "*.m3u"):
        items, _ = read_all(path)
        assert len(items) == counts[f"streams/{path.name}"], path.name
        checked += 1
    assert checked == 12


def test_an_extinf_without_url_is_reported_with_its_line() -> None:
    items, reader = read_all(corpus_path("ipytv", "iptv-org.m3u"))
    assert len(items) == 4602 - 1
    assert [w.line for w in reader.warnings if "has no URL" in w.message] == [7042]


@pytest.mark.parametrize(
    "parts",
    [("tunarr", "test.m3u8"), ("iptv-org-iptv", "tests_input", "playlist_update__playlist.m3u8")],
    ids=["tunarr-media-playlist", "iptv-org-master-playlist"],
)
def test_hls_playlists_are_refused_as_stream_playlists(parts: tuple[str, ...]) -> None:
    with pytest.raises(UnsupportedFormat, match="HLS stream playlist") as caught:
        list(open_reader(corpus_path(*parts)))
    assert caught.value.line is not None
    # Even when the format is forced, the reader refuses at the first #EXT-X- tag.
    with pytest.raises(UnsupportedFormat, match="HLS"):
        list(open_reader(corpus_path(*parts), "m3u"))


def test_ipytv_m3u8_file_is_an_iptv_list_not_hls() -> None:
    # The issue lists ipytv/m3u8.m3u as HLS, but it holds no #EXT-X- tag: it is an ordinary
    # IPTV list saved as UTF-8 (".m3u8"), and ipytv itself loads it as four channels.
    # Refusing it would refuse a real playlist, so we read it and say why here.
    path = corpus_path("ipytv", "m3u8.m3u")
    assert "#EXT-X-" not in path.read_text(encoding="utf-8")
    items, _ = read_all(path)
    assert [a.title for a in items] == [
        "CA: HBO",
        "CA: NBC HD",
        "CA: PBS KIDS HD",
        "SANTUÁRIO DE FÁTIMA",
    ]


def _all_playlists() -> list[Path]:
    return [
        *_playlists(),
        *corpus_files("iptv-playlist-parser", "*.m3u"),
        corpus_path("ipytv", "m3u8.m3u"),
        corpus_path("ipytv", "m3u_plus.m3u"),
        corpus_path("ipytv", "m3u_plus_unencoded_logo.m3u"),
        corpus_path("threadfin", "test_list_1.m3u"),
    ]


@pytest.mark.parametrize("path", _all_playlists(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_write_then_read_gives_identical_entries(path: Path, tmp_path: Path) -> None:
    items, reader = read_all(path)
    copy = tmp_path / path.name
    with copy.open("w", encoding="utf-8") as out:
        write_m3u(out, items, reader.header)  # type: ignore[arg-type]
    again, reader_again = read_all(copy)
    # A relative locator names a file next to the playlist, so the copy's fingerprints
    # differ for those on purpose; everything else must be identical.
    assert [portable(a) for a in again] == [portable(a) for a in items]
    assert reader_again.header == reader.header


def test_attributes_keep_commas_quotes_and_name_case() -> None:
    items, _ = read_all(corpus_path("iptv-playlist-parser", "input__base.m3u"))
    first = items[0]
    assert isinstance(first, Asset)
    assert first.attrs[0] == ("tvg-ID", "CH1")
    assert first.attr("tvg-logo") is not None and "," in first.attr("tvg-logo")  # type: ignore[operator]
    good = items[-1]
    assert isinstance(good, Asset)
    assert good.attr("tvg-name") == "The Good, the Bad and the Ugly"
    assert re.fullmatch(r"[0-9a-f]{32}", good.fingerprint)


@pytest.mark.parametrize("path", _all_playlists(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_entries_cut_by_small_chunks_read_the_same(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whole entries are read block by block, the rest line by line: with 64-byte chunks
    nearly every entry is cut and takes the second way, which must give the same result."""
    items, reader = read_all(path)
    monkeypatch.setattr("core.formats.source._CHUNK", 64)
    cut, cut_reader = read_all(path)
    assert [(identity(a), a.line) for a in cut] == [(identity(a), a.line) for a in items]
    assert list(cut_reader.warnings) == list(reader.warnings)
    assert cut_reader.header == reader.header
    assert cut_reader.lines == reader.lines == len(path.read_bytes().splitlines())
