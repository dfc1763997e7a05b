"""``import``, ``export`` and ``db`` as users run them."""

from __future__ import annotations

import json
import os
import pwd
import subprocess
from pathlib import Path

from tests.conftest import CORPUS, corpus_path, run_cli


def test_import_reports_added_skipped_and_warnings(sf_home: Path) -> None:
    guide = str(corpus_path("xmltv", "t_data", "x-whatever.xml"))
    first = run_cli("import", guide, "--json", home=sf_home)
    assert first.returncode == 0, first.stderr
    report = json.loads(first.stdout)
    assert (report["added"], report["skipped"], report["replaced"]) == (2, 0, 0)
    assert report["channels_added"] == 2
    assert report["warnings_total"] == 6
    again = json.loads(run_cli("import", guide, "--json", home=sf_home).stdout)
    assert (again["added"], again["skipped"]) == (0, 2)
    text = run_cli("import", guide, home=sf_home).stdout
    assert "0 added, 2 skipped, 0 replaced" in text


def test_import_replace_takes_a_backup_and_replaces_the_range(
    sf_home: Path, tmp_path: Path
) -> None:
    guide = corpus_path("jellyfin-xmltv", "schedulesdirect.xml")
    run_cli("import", str(guide), home=sf_home)
    changed = tmp_path / "changed.xml"
    changed.write_text(guide.read_text().replace("<title", '<title lang="en"', 1))
    result = json.loads(run_cli("import", str(changed), "--replace", "--json", home=sf_home).stdout)
    assert result["replaced"] == 2 and result["added"] == 2
    assert Path(result["backup"]).exists()


def test_export_refuses_to_overwrite_without_force(sf_home: Path, tmp_path: Path) -> None:
    run_cli("import", str(corpus_path("xmltv", "t_data", "simple.xml")), home=sf_home)
    target = tmp_path / "guide.xml"
    target.write_text("precious")
    refused = run_cli("export", "--format", "xmltv", "-o", str(target), home=sf_home)
    assert refused.returncode == 2
    assert "already exists" in refused.stderr and "--force" in refused.stderr
    assert target.read_text() == "precious"
    forced = run_cli("export", "--format", "xmltv", "-o", str(target), "--force", home=sf_home)
    assert forced.returncode == 0, forced.stderr
    check = subprocess.run(
        ["xmllint", "--noout", "--dtdvalid", str(CORPUS / "xmltv" / "xmltv.dtd"), str(target)],
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stderr
    assert not list(tmp_path.glob(".guide.xml.*"))  # no temporary file left behind


def test_export_filters_by_channel_and_time(sf_home: Path, tmp_path: Path) -> None:
    run_cli("import", str(corpus_path("xmltv", "t_data", "simple.xml")), home=sf_home)
    target = tmp_path / "one.json"
    result = run_cli(
        "export",
        "--format",
        "json",
        "--channel",
        "channel4.com",
        "--from",
        "2001-08-29T00:00:00+00:00",
        "--to",
        "2001-08-30T00:00:00+00:00",
        "-o",
        str(target),
        "--json",
        home=sf_home,
    )
    assert result.returncode == 0, result.stderr
    document = json.loads(target.read_text())
    assert {p["channel"] for p in document["programmes"]} == {"channel4.com"}
    assert json.loads(result.stdout)["programmes"] == len(document["programmes"]) == 1


def test_export_warns_about_ids_that_are_not_dns_like(sf_home: Path, tmp_path: Path) -> None:
    run_cli("import", str(corpus_path("xmltv", "t_data", "overlap.xml")), home=sf_home)
    result = run_cli("export", "--format", "xmltv", "-o", str(tmp_path / "g.xml"), home=sf_home)
    assert result.returncode == 0
    assert "not DNS-like" in result.stderr


def test_bad_time_arguments_exit_2_with_one_line(sf_home: Path, tmp_path: Path) -> None:
    result = run_cli(
        "export",
        "--format",
        "xmltv",
        "--from",
        "yesterday-ish",
        "-o",
        str(tmp_path / "g.xml"),
        home=sf_home,
    )
    assert result.returncode == 2
    assert "--from" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_line_up_export_pairs_channels_with_library_streams(sf_home: Path, tmp_path: Path) -> None:
    run_cli("import", str(corpus_path("threadfin", "test_list_1.m3u")), home=sf_home)
    guide = tmp_path / "g.xml"
    guide.write_text(
        '<tv><channel id="tvg.id.1"><display-name>Channel One</display-name></channel>'
        '<programme start="20261201060000 +0000" channel="tvg.id.1"><title>News</title>'
        "</programme></tv>"
    )
    run_cli("import", str(guide), home=sf_home)
    target = tmp_path / "lineup.m3u"
    result = run_cli("export", "--format", "m3u", "-o", str(target), home=sf_home)
    assert result.returncode == 0, result.stderr
    text = target.read_text()
    assert text.startswith('#EXTM3U url-tvg="guide.xml"')
    assert 'tvg-id="tvg.id.1"' in text and "http://example.com/stream/1" in text


def test_db_backup_and_check(sf_home: Path, tmp_path: Path) -> None:
    run_cli("import", str(corpus_path("xmltv", "t_data", "simple.xml")), home=sf_home)
    target = tmp_path / "copy.db"
    result = run_cli("db", "backup", str(target), home=sf_home)
    assert result.returncode == 0 and target.exists()
    assert run_cli("db", "check", home=sf_home).stdout.strip().endswith(": ok")
    me = pwd.getpwuid(os.getuid()).pw_name  # the store's owner, admin unless named
    (sf_home / "config.toml").write_text(f'[roles]\nusers = {{ {me} = "operator" }}\n')
    refused = run_cli("db", "restore", str(target), home=sf_home)
    assert refused.returncode == 2 and "restore needs admin" in refused.stderr
    (sf_home / "config.toml").write_text(f'[roles]\nusers = {{ {me} = "admin" }}\n')
    restored = run_cli("db", "restore", str(target), home=sf_home)
    assert restored.returncode == 0 and "previous state is in" in restored.stdout
