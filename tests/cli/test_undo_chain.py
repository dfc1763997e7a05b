"""``undo`` as operators run it: one change after another, newest first, each back to exactly
what it found; ``undo --list`` says what comes next and changes nothing."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from tests.conftest import ROOT, run_cli

SAMPLES = ROOT / "samples"
SPORTS = "sports.example.org"
NEW = "new.example.org"
WINDOW = ["--from", "2026-12-06T10:00:00Z", "--to", "2026-12-06T13:00:00Z", "--group", "Filler"]


def _ok(*args: str, home: Path) -> str:
    result = run_cli(*args, home=home)
    assert result.returncode == 0, result.stderr
    return result.stdout


def _state(home: Path) -> tuple[list[Any], list[Any]]:
    """Every programme row exactly, and the channels there are."""
    connection = sqlite3.connect(f"file:{home / 'scheduleflow.db'}?mode=ro", uri=True)
    try:
        programmes = connection.execute("SELECT * FROM programme ORDER BY id").fetchall()
        channels = connection.execute("SELECT xmltv_id FROM channel ORDER BY id").fetchall()
        return programmes, channels
    finally:
        connection.close()


def _job_ids(home: Path) -> list[str]:
    return [job["id"] for job in json.loads(_ok("jobs", "--json", home=home))]


def test_four_changes_undone_one_by_one_then_nothing_left(sf_home: Path) -> None:
    for name in ("sports-library.m3u", "sports-day.xml"):
        _ok("import", str(SAMPLES / name), home=sf_home)
    changes = [
        ["fix", "gap", "--policy", "placeholder"],
        ["fix", "overlap", "--policy", "trim"],
        ["plan", "--channel", SPORTS, *WINDOW],  # replaces what the trim changed
        ["plan", "--channel", NEW, "--timezone", "Europe/Berlin", *WINDOW],
    ]
    states = []
    for change in changes:
        states.append(_state(sf_home))
        _ok(*change, home=sf_home)
    plan_job = _job_ids(sf_home)[0]

    listed = _ok("undo", "--list", home=sf_home).splitlines()
    assert _state(sf_home) != states[-1]  # the list changed nothing: the plan is still there
    assert listed[0] == "next to undo, newest first:"
    assert listed[1].startswith(f"  {NEW}: planned 360 programmes Sun 06 Dec 2026 11:00–14:00 CET")
    assert f"job {plan_job}" in listed[1] and " CET by " in listed[1]
    assert listed[2].startswith(f"  {SPORTS}: planned ")
    assert listed[3].startswith(f"  {SPORTS}: fix overlap --policy trim: 2 changes (")
    assert listed[4].startswith(f"  {SPORTS}: fix gap --policy placeholder: 2 changes (")
    assert len(listed) == 5

    first = _ok("undo", home=sf_home).splitlines()
    assert first[0].startswith(
        f"undid on {NEW}: planned 360 programmes Sun 06 Dec 2026 11:00–14:00 CET"
        f" and removed the channel '{NEW}' it made"
    )
    assert " CET by " in first[0] and f"job {plan_job})" in first[0]  # when and who made it
    assert first[1].startswith("  - delete #")
    assert _state(sf_home) == states[3]
    for state in reversed(states[:3]):
        text = _ok("undo", home=sf_home)
        assert text.startswith(f"undid on {SPORTS}: ")
        assert _state(sf_home) == state

    nothing = run_cli("undo", home=sf_home)
    assert nothing.returncode == 2
    assert nothing.stderr.strip().splitlines() == [
        "scheduleflow undo: there is nothing to undo in this store"
    ]
    assert _ok("undo", "--list", home=sf_home) == "nothing to undo\n"


def test_undoing_a_dedupe_after_the_library_changed_is_one_line_and_changes_nothing(
    sf_home: Path, tmp_path: Path
) -> None:
    playlist = tmp_path / "twice.m3u"
    playlist.write_text("#EXTM3U\n#EXTINF:5,A\nhttp://x/a\n#EXTINF:5,B\nHTTP://X/a\n")
    _ok("import", str(playlist), home=sf_home)
    _ok("dedupe", home=sf_home)
    # a re-import updates the kept asset (it never adds the merged copy back); a new asset
    # takes the merged one's number
    other = tmp_path / "other.m3u"
    other.write_text("#EXTM3U\n#EXTINF:5,C\nhttp://x/c\n")
    _ok("import", str(playlist), home=sf_home)
    _ok("import", str(other), home=sf_home)
    refused = run_cli("undo", home=sf_home)
    assert refused.returncode == 2
    assert refused.stderr.strip().splitlines() == [
        "scheduleflow undo: the library changed since the dedupe (dedupe: merged 1 duplicate "
        "asset, re-pointed 0 programmes): an asset it merged is back under its number or "
        "locator; nothing was undone — run `scheduleflow dedupe --dry-run` to see the "
        "duplicates now"
    ]
    assert _ok("undo", "--list", home=sf_home).startswith("next to undo, newest first:\n")


def test_undoing_until_nothing_is_left_keeps_the_store_healthy(sf_home: Path) -> None:
    """A script that undoes until ``undo`` exits 2 has asked for nothing wrong."""
    _ok("import", str(SAMPLES / "sports-library.m3u"), home=sf_home)
    for _ in range(3):
        assert run_cli("undo", home=sf_home).returncode == 2
    health = run_cli("health", "--json", home=sf_home)
    assert json.loads(health.stdout)["status"] == "healthy", health.stdout
    assert health.returncode == 0


def test_the_list_says_when_the_next_undo_would_be_refused(sf_home: Path, tmp_path: Path) -> None:
    for name in ("sports-library.m3u", "sports-day.xml"):
        _ok("import", str(SAMPLES / name), home=sf_home)
    _ok("fix", "gap", "--policy", "placeholder", home=sf_home)
    late = tmp_path / "late.xml"
    late.write_text(
        f'<tv><channel id="{SPORTS}"><display-name>S</display-name></channel>'
        f'<programme start="20261207060000 +0000" stop="20261207070000 +0000" '
        f'channel="{SPORTS}"><title>Late</title></programme></tv>'
    )
    _ok("import", str(late), home=sf_home)
    listed = _ok("undo", "--list", home=sf_home).splitlines()
    assert listed[1].startswith(f"  {SPORTS}: fix gap --policy placeholder: 2 changes (")
    assert listed[2].startswith(f"  ! the next undo is refused: channel '{SPORTS}' was changed by ")
    assert listed[2].endswith("since the fix gap (fix gap --policy placeholder: 2 changes)")
    before = _state(sf_home)
    refused = run_cli("undo", home=sf_home)
    assert refused.returncode == 2 and "nothing was undone" in refused.stderr
    assert _state(sf_home) == before


def test_the_list_as_json_is_newest_first_and_names_the_job(sf_home: Path) -> None:
    for name in ("sports-library.m3u", "sports-day.xml"):
        _ok("import", str(SAMPLES / name), home=sf_home)
    _ok("fix", "gap", "--policy", "placeholder", home=sf_home)
    _ok("fix", "overlap", "--policy", "trim", home=sf_home)
    jobs = _job_ids(sf_home)
    listed = json.loads(_ok("undo", "--list", "--json", home=sf_home))
    assert [(e["channel"], e["action"], e["job"], e["refused"]) for e in listed] == [
        (SPORTS, "fix overlap", jobs[0], None),
        (SPORTS, "fix gap", jobs[1], None),
    ]
    assert listed[0]["at"].endswith("+00:00") and listed[0]["who"]
    _ok("undo", home=sf_home)
    _ok("undo", home=sf_home)
    assert json.loads(_ok("undo", "--list", "--json", home=sf_home)) == []
