"""``scheduleflow inspect`` as a user runs it: a subprocess, real files, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import corpus_path, run_cli


def test_inspect_json_reports_counts_range_and_warnings(sf_home: Path) -> None:
    result = run_cli(
        "inspect", str(corpus_path("xmltv", "t_data", "x-whatever.xml")), "--json", home=sf_home
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["format"] == "xmltv"
    assert (report["channels"], report["programmes"], report["entries"]) == (0, 2, 0)
    assert report["start"] == "2001-08-29T00:05:00+01:00"
    assert report["stop"] == "2001-08-29T09:55:00+01:00"
    assert {
        "line": 14,
        "message": "<x-random> is not part of XMLTV; kept, but left out of DTD-valid exports",
    } in report["warnings"]


def test_inspect_counts_playlist_entries(sf_home: Path) -> None:
    result = run_cli("inspect", "--json", str(corpus_path("ipytv", "iptv-org.m3u")), home=sf_home)
    report = json.loads(result.stdout)
    assert (report["format"], report["entries"], report["programmes"]) == ("m3u", 4601, 0)
    assert report["warnings"][0]["line"] == 7042


def test_inspect_text_output_is_readable(sf_home: Path) -> None:
    result = run_cli("inspect", str(corpus_path("ffplayout", "2024-01-30.json")), home=sf_home)
    assert result.returncode == 0
    assert "ffplayout" in result.stdout
    assert "programmes: 3666" in result.stdout
    assert "14 s short of 24:00:00" in result.stdout


def test_unreadable_input_exits_2_with_one_line_and_no_traceback(
    sf_home: Path, tmp_path: Path
) -> None:
    bad = tmp_path / "cut.xml"
    bad.write_text('<tv><programme start="2026120100')
    result = run_cli("inspect", str(bad), home=sf_home)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert f"{bad}:1:" in lines[0] and "not well-formed" in lines[0]
    assert "Traceback" not in result.stderr


def test_hls_playlist_exits_2_saying_what_it_is(sf_home: Path) -> None:
    result = run_cli("inspect", str(corpus_path("tunarr", "test.m3u8")), home=sf_home)
    assert result.returncode == 2
    assert "HLS stream playlist" in result.stderr


def test_size_limit_is_configurable(sf_home: Path, tmp_path: Path) -> None:
    big = tmp_path / "big.m3u"
    big.write_text("#EXTM3U\n" + "#EXTINF:-1,x\nhttp://a/b\n" * 50_000)
    refused = run_cli("inspect", str(big), "--max-size", "0.5", home=sf_home)
    assert refused.returncode == 2 and "limit of 0 MB" not in refused.stderr
    assert "larger than the input limit" in refused.stderr
    accepted = run_cli("inspect", str(big), "--max-size", "5", home=sf_home)
    assert accepted.returncode == 0


def test_global_options_may_come_after_the_command(sf_home: Path, tmp_path: Path) -> None:
    other = tmp_path / "elsewhere"
    playlist = str(corpus_path("threadfin", "test_list_1.m3u"))
    result = run_cli(
        "inspect", playlist, "--home", str(other), "--log-format", "json", home=sf_home
    )
    assert result.returncode == 0
    assert (other / "logs" / "scheduleflow.log").exists()


def test_missing_file_exits_2(sf_home: Path) -> None:
    result = run_cli("inspect", "/no/such/file.xml", home=sf_home)
    assert result.returncode == 2
    assert "no such file" in result.stderr


def test_a_local_guide_over_fifty_megabytes_is_read_by_default(
    tmp_path: Path, sf_home: Path
) -> None:
    """Real published guides of 56, 189 and 250 MB exist: the local default takes them."""
    guide = tmp_path / "big.xml"
    padding = ("<!--" + "a" * 1000 + "-->\n") * 55_000  # 55 MB of comments, read and dropped
    guide.write_text(
        f'<?xml version="1.0"?>\n<tv>\n{padding}'
        '<channel id="a.tv"><display-name>A</display-name></channel>\n</tv>\n',
        encoding="utf-8",
    )
    assert guide.stat().st_size > 55 * 1000 * 1000
    result = run_cli("inspect", str(guide), "--json", home=sf_home)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["channels"] == 1


@pytest.mark.parametrize("value", ["inf", "1e400", "-1", "nan", "0", "abc"])
def test_a_max_size_that_is_no_size_is_one_argument_error(sf_home: Path, value: str) -> None:
    result = run_cli(
        "inspect",
        str(corpus_path("ffplayout", "playlist_short.json")),
        f"--max-size={value}",
        home=sf_home,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    (last,) = result.stderr.strip().splitlines()  # one line, as every error
    assert last.startswith("scheduleflow inspect: argument --max-size: ")
    assert f"'{value}' is not a" in last
