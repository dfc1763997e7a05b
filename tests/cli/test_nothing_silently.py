"""A command asked to do something it cannot find never ends with "0 added" and exit 0: it
says what it could not find, what there is instead, and exits 2 (issue: exact outputs)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import ROOT, run_cli

SAMPLES = ROOT / "samples"


def _refused(result: object, *words: str) -> None:
    assert result.returncode == 2, result.stdout  # type: ignore[attr-defined]
    line = result.stderr.strip()  # type: ignore[attr-defined]
    assert len(line.splitlines()) == 1, line
    for word in words:
        assert word in line, line


def _programmes(home: Path) -> int:
    return int(json.loads(run_cli("check", "--json", home=home).stdout)["programmes"])


def test_import_of_a_channel_the_file_does_not_have_is_refused_naming_its_channels(
    sf_home: Path,
) -> None:
    result = run_cli("import", str(SAMPLES / "sports-day.xml"), "--channel", "nope", home=sf_home)
    _refused(result, "has no channel 'nope'", "sports.example.org")
    assert _programmes(sf_home) == 0
    assert json.loads(run_cli("audit", "--json", home=sf_home).stdout) == []


def test_a_forced_format_that_reads_nothing_is_refused(sf_home: Path) -> None:
    result = run_cli("import", str(SAMPLES / "sports-day.xml"), "--format", "m3u", home=sf_home)
    _refused(result, "sports-day.xml", "nothing", "m3u", "--format")


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["export", "--format", "m3u", "--group", "filler"], ["no group 'filler'", "'Filler'"]),
        (["export", "--format", "m3u", "--group", "Nope"], ["no group 'Nope'", "'Tennis'"]),
        (
            ["export", "--format", "playlist", "--channel", "sports.example.org",
             "--filler", "filler"],
            ["no group 'filler'", "did you mean 'Filler'"],
        ),
    ],
)  # fmt: skip
def test_an_unknown_group_is_refused_with_the_likely_one(
    sf_home: Path, tmp_path: Path, args: list[str], words: list[str]
) -> None:
    for name in ("sports-library.m3u", "sports-day.xml"):
        assert run_cli("import", str(SAMPLES / name), home=sf_home).returncode == 0
    target = tmp_path / "out.m3u"
    _refused(run_cli(*args, "-o", str(target), home=sf_home), *words)
    assert not target.exists()


def test_gap_fill_from_an_unknown_group_changes_nothing(sf_home: Path) -> None:
    for name in ("sports-library.m3u", "sports-day.xml"):
        assert run_cli("import", str(SAMPLES / name), home=sf_home).returncode == 0
    result = run_cli("fix", "gap", "--policy", "fill", "--group", "filler", home=sf_home)
    _refused(result, "no group 'filler'", "'Filler'")


def test_plan_with_both_a_group_and_a_template_is_refused(sf_home: Path, tmp_path: Path) -> None:
    template = tmp_path / "week.toml"
    template.write_text('[default]\ngroup = "News"\n')
    result = run_cli(
        "plan", "--channel", "x.example.org", "--from", "2027-01-01T00:00:00Z",
        "--to", "2027-01-01T06:00:00Z", "--group", "Music", "--template", str(template),
        home=sf_home,
    )  # fmt: skip
    _refused(result, "--group", "--template", "not both")


def test_a_channels_only_import_is_audited_with_the_channels_it_added(sf_home: Path) -> None:
    assert run_cli("import", str(SAMPLES / "channels.json"), home=sf_home).returncode == 0
    records = json.loads(run_cli("audit", "--json", home=sf_home).stdout)
    (record,) = [r for r in records if r["action"] == "import"]
    assert "4 channels added or updated" in record["summary"]
    assert "sports.example.org" in record["summary"]


@pytest.mark.parametrize(
    ("format", "name"),
    [("xmltv", "guide.xml"), ("json", "schedule.json"), ("ffplayout", "days")],
)
def test_an_export_into_a_folder_that_does_not_exist_makes_no_folders(
    sf_home: Path, tmp_path: Path, format: str, name: str
) -> None:
    assert run_cli("import", str(SAMPLES / "sports-day.xml"), home=sf_home).returncode == 0
    missing = tmp_path / "srv" / "guid"  # a mistyped folder
    result = run_cli("export", "--format", format, "-o", str(missing / name), home=sf_home)
    _refused(result, "does not exist", str(missing))
    assert not (tmp_path / "srv").exists()


def test_an_ffplayout_export_makes_its_day_folders_in_a_folder_that_exists(
    sf_home: Path, tmp_path: Path
) -> None:
    assert (
        run_cli("import", str(SAMPLES / "music-loop-2026-12-05.json"), home=sf_home).returncode == 0
    )
    result = run_cli("export", "--format", "ffplayout", "-o", str(tmp_path / "days"), home=sf_home)
    assert result.returncode == 0, result.stderr
    assert list((tmp_path / "days").glob("*/*/*.json"))
