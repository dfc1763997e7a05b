"""What the hostile tester's report (issue 12, second round) found, seen from the command line:
each input is refused in one line, or its bad part dropped with a warning, and no later
command stops with "unexpected error" or hangs."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import run_cli
from tui.cli import main

CHANNEL = "p.example.org"


def _document(tmp_path: Path, programme: dict[str, Any] | None = None, **channel: Any) -> Path:
    record = {
        "channel": CHANNEL,
        "start": "2026-01-01T00:00:00+00:00",
        "stop": "2026-01-01T01:00:00+00:00",
        "titles": [{"value": "Show"}],
        "locator": "/media/show.mp4",
    } | (programme or {})
    path = tmp_path / "doc.json"
    path.write_text(
        json.dumps(
            {
                "format": "scheduleflow/1",
                "channels": [{"id": CHANNEL, "display_names": [{"value": "P"}]} | channel],
                "programmes": [record],
            }
        )
    )
    return path


def _one_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "unexpected error" not in lines[0]
    return lines[0]


INJECTION = (
    '<x-a/></programme>\n<programme start="20260101050000 +0000" channel="victim.org">'
    '<title>INJECTED</title></programme><programme channel="p.example.org"><x-b/>'
)


@pytest.mark.parametrize("keep", [[], ["--keep-unknown"]])
def test_kept_xml_from_json_that_is_not_one_element_is_dropped_and_never_exported(
    sf_home: Path, tmp_path: Path, keep: list[str]
) -> None:
    extras = [{"tag": "x-a", "xml": INJECTION}, {"tag": "x-c", "xml": "<x-c>&xxe;</x-c>"}]
    source = _document(tmp_path, {"extras": extras})
    imported = run_cli("import", str(source), home=sf_home)
    assert imported.returncode == 0, imported.stderr
    assert "programmes[0].extras[0].xml is not one well-formed element" in imported.stdout
    guide = tmp_path / "guide.xml"
    exported = run_cli("export", "--format", "xmltv", *keep, "-o", str(guide), home=sf_home)
    assert exported.returncode == 0, exported.stderr
    assert "INJECTED" not in guide.read_text() and "xxe" not in guide.read_text()


@pytest.mark.parametrize(
    "attrs",
    [
        [["ffplayout:in", "NaN"]],
        [["ffplayout:out", "Infinity"]],
        [["ffplayout:in", "-50"]],
        [["ffplayout:in", '"5"']],
        [["ffplayout:duration", "1" * 400]],
        [["ffplayout:in", "20"], ["ffplayout:out", "10"]],
    ],
)
def test_json_cut_points_no_player_can_use_are_refused(
    sf_home: Path, tmp_path: Path, attrs: list[list[str]]
) -> None:
    line = _one_line(run_cli("import", str(_document(tmp_path, {"attrs": attrs})), home=sf_home))
    assert "programmes[0].attrs:" in line


def test_an_xmltv_programme_keeps_its_usable_cut_points_only(sf_home: Path, tmp_path: Path) -> None:
    guide = tmp_path / "guide.xml"
    guide.write_text(
        '<tv xmlns:ffplayout="https://github.com/ffplayout/ffplayout">'
        f'<channel id="{CHANNEL}"><display-name>P</display-name></channel>'
        f'<programme channel="{CHANNEL}" start="20260101000000 +0000" '
        'stop="20260101010000 +0000" ffplayout:in="nan" ffplayout:out="inf">'
        "<title>Show</title></programme></tv>"
    )
    result = run_cli("inspect", str(guide), home=sf_home)
    assert result.returncode == 0, result.stderr
    assert "ffplayout:in 'nan' is not a number of seconds" in result.stdout


def test_a_day_start_with_an_offset_is_refused(sf_home: Path, tmp_path: Path) -> None:
    line = _one_line(
        run_cli("import", str(_document(tmp_path, day_start="06:00:00+05:00")), home=sf_home)
    )
    assert "channels[0].day_start:" in line


def test_an_ffplayout_length_of_hundreds_of_digits_is_refused(tmp_path: Path) -> None:
    playlist = tmp_path / "2026-01-01.json"
    playlist.write_text(
        '{"channel": "c", "date": "2026-01-01", "program": [{"in": 0, "out": 10, '
        f'"duration": {"9" * 400}, "source": "a.mp4"}}]}}'
    )
    line = _one_line(run_cli("inspect", str(playlist), home=tmp_path / "home"))
    assert "program[0].duration" in line and "9" * 41 not in line


@pytest.mark.parametrize(
    "window",
    [
        ("--from", "2199-12-31T20:00:00+00:00", "--to", "2200-01-02T00:00:00+00:00"),
        ("--from", "2026-01-01T00:00:00+00:00", "--to", "9999-12-31T00:00:00+00:00"),
    ],
)
def test_a_plan_past_the_years_a_schedule_can_hold_is_refused(
    sf_home: Path, window: tuple[str, ...]
) -> None:
    result = run_cli("plan", "--channel", CHANNEL, *window, "--group", "G", home=sf_home)
    assert "outside the years a schedule can have" in _one_line(result)


def test_a_file_name_that_is_not_utf8_is_imported_and_recorded(
    sf_home: Path, tmp_path: Path
) -> None:
    name = os.fsdecode(bytes(tmp_path) + b"/bad\xff\xfe.json")
    os.rename(_document(tmp_path), name)
    result = run_cli("import", name, home=sf_home)
    assert result.returncode == 0, result.stderr
    jobs = json.loads(run_cli("jobs", "--json", home=sf_home).stdout)
    assert any("bad\ufffd\ufffd.json" in job["label"] for job in jobs), jobs
    exported = run_cli(
        "export", "--format", "json", "-o", os.fsdecode(bytes(tmp_path) + b"/out\xff.json"),
        home=sf_home,
    )  # fmt: skip
    assert exported.returncode == 0, exported.stderr
    jobs = json.loads(run_cli("jobs", "--json", home=sf_home).stdout)
    assert any("out\ufffd.json" in job["label"] for job in jobs), jobs


@pytest.mark.parametrize("command", ["inspect", "import", "db restore", "plan --template"])
def test_a_fifo_or_a_device_is_refused_at_once(sf_home: Path, tmp_path: Path, command: str) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    if command == "plan --template":
        args = ["plan", "--channel", CHANNEL, "--from", "now", "--to", "+1d", "--template"]
        for target in (str(fifo), "/dev/zero"):
            line = _one_line(run_cli(*args, target, home=sf_home, timeout=20))
            assert "is not a regular file" in line
        return
    line = _one_line(run_cli(*command.split(), str(fifo), home=sf_home, timeout=20))
    assert f"{fifo}: is not a regular file" in line


def test_proc_self_mem_is_refused_in_one_line(sf_home: Path) -> None:
    assert "cannot be read" in _one_line(run_cli("inspect", "/proc/self/mem", home=sf_home))


@pytest.mark.parametrize(
    ("config", "problem"),
    [
        ("/dev/zero", "is not a regular file"),
        ("fifo", "is not a regular file"),
        ("deep.toml", "is not valid TOML (nested too deep)"),
    ],
)
def test_a_settings_file_that_is_no_file_or_too_deep_is_refused(
    sf_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, config: str, problem: str
) -> None:
    os.mkfifo(tmp_path / "fifo")
    (tmp_path / "deep.toml").write_text("a = " + "[" * 100_000 + "]" * 100_000 + "\n")
    path = tmp_path / config  # /dev/zero stays itself
    monkeypatch.setenv("SCHEDULEFLOW_CONFIG", str(path))
    line = _one_line(run_cli("check", home=sf_home, timeout=20))
    assert line.startswith(f"scheduleflow check: {path}: {problem}")


def test_health_of_a_damaged_store_is_degraded_not_an_error(sf_home: Path) -> None:
    assert run_cli("check", home=sf_home).returncode == 0
    database = sf_home / "scheduleflow.db"
    with database.open("r+b") as handle:
        handle.seek(4096)
        handle.write(b"\xff" * 8192)
    result = run_cli("health", home=sf_home)
    assert result.returncode == 1, result.stderr
    assert result.stdout.startswith("degraded:")
    assert "failed its integrity check" in result.stdout


@pytest.mark.parametrize("time", ["２０２６0101000000 +0000", "20260101000000 +٠١٠٠"])
def test_xmltv_times_in_other_digits_are_refused(tmp_path: Path, time: str) -> None:
    guide = tmp_path / "guide.xml"
    guide.write_text(
        f'<tv><channel id="{CHANNEL}"><display-name>P</display-name></channel>'
        f'<programme channel="{CHANNEL}" start="{time}"><title>T</title></programme></tv>',
        encoding="utf-8",
    )
    result = run_cli("inspect", str(guide), home=tmp_path / "home")
    assert "is not an XMLTV time" in result.stdout


def test_a_max_size_in_other_digits_is_refused(sf_home: Path, tmp_path: Path) -> None:
    result = run_cli("inspect", str(_document(tmp_path)), "--max-size", "١٠", home=sf_home)
    assert result.returncode == 2 and "is not a number of megabytes" in result.stderr


class _OneSecond(datetime):
    """A clock stuck inside one second, as two quick backups see it."""

    ticks = 0

    @classmethod
    def now(cls, tz: tzinfo | None = None) -> _OneSecond:
        cls.ticks += 1
        return cls(2026, 1, 1, 12, 0, 0, cls.ticks, tzinfo=tz)


def test_two_backups_in_one_second_both_land(
    sf_home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("tui.commands.database.datetime", _OneSecond)
    assert main(["db", "backup"]) == 0
    assert main(["db", "backup"]) == 0, capsys.readouterr().err
    assert len(list((sf_home / "backups").glob("*-manual.db"))) == 2


def test_backups_kept_from_the_config_is_obeyed(sf_home: Path, tmp_path: Path) -> None:
    (sf_home / "config.toml").write_text("backups_kept = 2\n")
    assert run_cli("import", str(_document(tmp_path)), home=sf_home).returncode == 0
    for _ in range(4):  # each replace makes an automatic backup first
        replaced = run_cli("import", "--replace", str(_document(tmp_path)), home=sf_home)
        assert replaced.returncode == 0, replaced.stderr
    assert len(list((sf_home / "backups").glob("*.db"))) == 2


def test_a_section_only_the_environment_names_is_reported_as_the_variable(
    sf_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SCHEDULEFLOW__ROLES__DEFAULT", "admin")
    line = _one_line(run_cli("check", home=sf_home))
    assert "(from $SCHEDULEFLOW__ROLES__DEFAULT)" in line
    assert "config.toml" not in line


def test_a_day_start_with_an_offset_stored_by_an_older_version_breaks_no_export(
    sf_home: Path, tmp_path: Path
) -> None:
    assert (
        run_cli("import", str(_document(tmp_path, day_start="06:00")), home=sf_home).returncode == 0
    )
    with sqlite3.connect(sf_home / "scheduleflow.db") as connection:
        connection.execute("UPDATE channel SET day_start = '06:00:00+05:00'")
    for format in ("ffplayout", "xmltv", "json"):
        result = run_cli("export", "--format", format, "-o", str(tmp_path / format), home=sf_home)
        assert "unexpected error" not in result.stderr
        if result.returncode:  # the day's dead air may be refused, in one line
            assert len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_a_lone_surrogate_is_reported_without_a_doubled_backslash(
    sf_home: Path, tmp_path: Path
) -> None:
    source = tmp_path / "doc.json"
    source.write_text('{"format": "scheduleflow/1", "note": "\\ud800"}')
    line = _one_line(run_cli("import", str(source), home=sf_home))
    assert "lone surrogate" in line and "\\" not in line
