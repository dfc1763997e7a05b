"""What a person reads from the command line is in the channel's time; the audit tells the story.

Two channels straddle midnight UTC: Berlin is already on Wednesday, New York still on
Tuesday. ``check`` and ``audit`` must say each one's own date and zone; JSON keeps ISO 8601.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from core.errors import StaleRevision
from core.models import Programme
from core.store import Store
from core.store.edits import Replace, apply_changes
from tests.conftest import run_cli
from tests.store.helpers import ACTOR

BERLIN = "berlin.example.org"
NEW_YORK = "ny.example.org"


def _programme(channel: str, start: str, stop: str, title: str) -> dict[str, object]:
    return {"channel": channel, "start": start, "stop": stop, "titles": [{"value": title}]}


def _schedule(folder: Path) -> Path:
    document = {
        "format": "scheduleflow/1",
        "channels": [
            {"id": BERLIN, "display_names": [{"value": "Berlin"}], "timezone": "Europe/Berlin"},
            {
                "id": NEW_YORK,
                "display_names": [{"value": "New York"}],
                "timezone": "America/New_York",
            },
        ],
        "programmes": [
            _programme(BERLIN, "2026-12-01T22:00:00Z", "2026-12-01T23:30:00Z", "Late Film"),
            _programme(BERLIN, "2026-12-02T00:30:00Z", "2026-12-02T01:00:00Z", "Night News"),
            _programme(NEW_YORK, "2026-12-02T00:00:00Z", "2026-12-02T01:30:00Z", "Evening Show"),
            _programme(NEW_YORK, "2026-12-02T01:00:00Z", "2026-12-02T02:00:00Z", "Talk"),
        ],
    }
    path = folder / "two-zones.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def _ok(result: object) -> str:
    assert result.returncode == 0, result.stderr  # type: ignore[attr-defined]
    return str(result.stdout)  # type: ignore[attr-defined]


def test_check_names_each_channels_local_date_and_zone(sf_home: Path, tmp_path: Path) -> None:
    _ok(run_cli("import", str(_schedule(tmp_path)), home=sf_home))
    text = run_cli("check", home=sf_home).stdout
    assert (
        "Dead air Wed 02 Dec 2026 00:30–01:30 CET (60 min) on berlin.example.org between "
        "'Late Film' and 'Night News'" in text
    )
    assert (
        "Overlap Tue 01 Dec 2026 20:00–20:30 EST on ny.example.org: 'Evening Show' runs into "
        "'Talk'" in text
    )
    report = json.loads(run_cli("check", "--json", home=sf_home).stdout)
    (gap,) = [f for f in report["findings"] if f["kind"] == "gap"]
    assert gap["message"].startswith("Dead air Wed 02 Dec 2026 00:30–01:30 CET")
    assert (gap["start"], gap["stop"]) == ("2026-12-02T00:30:00+01:00", "2026-12-02T01:30:00+01:00")


def test_the_audit_says_what_changed_from_and_to_in_the_channels_time_with_job_ids(
    sf_home: Path, tmp_path: Path
) -> None:
    _ok(run_cli("import", str(_schedule(tmp_path)), home=sf_home))
    with Store.open(sf_home / "scheduleflow.db") as store:  # a move, as the TUI makes it
        news = next(p for p in store.programmes(BERLIN) if p.title == "Night News")
        assert news.stop is not None
        later = replace(
            news, start=news.start + timedelta(minutes=15), stop=news.stop + timedelta(minutes=15)
        )

        def move(to: Programme, seen: int) -> None:
            apply_changes(
                store,
                BERLIN,
                [Replace(news.id or 0, replace(to, id=None))],
                actor=ACTOR,
                action="edit",
                summary="move 'Night News'",
                expected_revision=seen,
                job_id="tui-move-1",
            )

        move(later, store.revision(BERLIN))
        with pytest.raises(StaleRevision) as stale:  # a second operator's view is now stale
            move(news, 1)
        when = r"\w{3} \d\d \w{3} \d{4} \d\d:\d\d(:\d\d)? CES?T"  # now, in Berlin
        refused = str(stale.value)
        assert re.search(rf"changed by tester@192\.0\.2\.7 at {when} \(revision 2;", refused)
    _ok(run_cli("fix", "gap", "--policy", "placeholder", "--channel", BERLIN, home=sf_home))
    _ok(run_cli("undo", "--channel", BERLIN, home=sf_home))

    text = _ok(run_cli("audit", home=sf_home))
    records = json.loads(_ok(run_cli("audit", "--json", home=sf_home)))
    undo, fix, move, imported = records
    assert [r["action"] for r in records] == ["undo", "fix gap", "edit", "import"]
    assert all(r["job_id"] for r in records)
    for record in records:
        assert f"[job {record['job_id']}]" in text

    moved = (
        f"~ change #{news.id} 'Night News' Wed 02 Dec 2026 01:30–02:00 CET → 'Night News' "
        "Wed 02 Dec 2026 01:45–02:15 CET"
    )
    assert move["changes"] == [moved]
    placeholder = "+ insert 'Off air' Wed 02 Dec 2026 00:30–01:45 CET"
    assert fix["changes"] == [placeholder]
    assert undo["summary"] == "undid fix gap --policy placeholder: 1 change"
    assert [re.sub(r"#\d+", "#N", line) for line in undo["changes"]] == [
        "- delete #N 'Off air' Wed 02 Dec 2026 00:30–01:45 CET"
    ]
    assert imported["changes"] == []  # an import is counted, not listed

    lines = text.splitlines()
    at = lines.index(next(line for line in lines if "move 'Night News'" in line))
    assert "(programmes 2 → 2, revision 1 → 2)" in lines[at]
    assert lines[at + 1] == f"    {moved}"
    assert f"    {placeholder}" in lines
    assert "undid fix gap --policy placeholder: 1 change" in text
    assert "undid fix gap: fix gap" not in text


def test_undoing_a_dedupe_says_dedupe_once(sf_home: Path, tmp_path: Path) -> None:
    library = tmp_path / "library.m3u"
    library.write_text(
        "#EXTM3U\n"
        '#EXTINF:60 group-title="Clips",Clip\nhttp://Media.example.org/clip.mp4\n'
        '#EXTINF:60 group-title="Clips",Clip again\nhttp://media.example.org:80/clip.mp4\n',
        encoding="utf-8",
    )
    _ok(run_cli("import", str(library), home=sf_home))
    _ok(run_cli("dedupe", home=sf_home))
    _ok(run_cli("undo", home=sf_home))
    (undo, dedupe, _) = json.loads(_ok(run_cli("audit", "--json", home=sf_home)))
    assert dedupe["summary"].startswith("dedupe: merged 1 duplicate asset,")
    assert undo["summary"] == f"undid {dedupe['summary']}"


def test_a_plan_is_audited_with_its_window_and_programmes_in_the_channels_time(
    sf_home: Path, tmp_path: Path
) -> None:
    library = tmp_path / "library.m3u"
    library.write_text(
        "#EXTM3U\n"
        + "".join(
            f'#EXTINF:1800 group-title="Shows",Show {n}\nhttp://media.example.org/show{n}.mp4\n'
            for n in range(4)
        ),
        encoding="utf-8",
    )
    _ok(run_cli("import", str(library), home=sf_home))
    _ok(run_cli("import", str(_schedule(tmp_path)), home=sf_home))
    _ok(
        run_cli(
            "plan", "--channel", NEW_YORK, "--from", "2026-12-03T04:30:00Z", "--to",
            "2026-12-03T05:30:00Z", "--group", "Shows", home=sf_home,
        )
    )  # fmt: skip
    plan = json.loads(_ok(run_cli("audit", "--json", home=sf_home)))[0]
    assert plan["summary"] == "planned 2 programmes Wed 02 Dec 2026 23:30 – Thu 03 Dec 00:30 EST"
    assert plan["changes"] == [
        "+ insert 'Show 0' Wed 02 Dec 2026 23:30 – Thu 03 Dec 00:00 EST",
        "+ insert 'Show 1' Thu 03 Dec 2026 00:00–00:30 EST",
    ]


def test_jobs_and_inspect_say_which_zone_their_times_are_in(sf_home: Path, tmp_path: Path) -> None:
    schedule = _schedule(tmp_path)
    inspected = _ok(run_cli("inspect", str(schedule), home=sf_home))
    assert "  range:      Tue 01 Dec 2026 22:00 – Wed 02 Dec 02:00 UTC\n" in inspected
    _ok(run_cli("import", str(schedule), home=sf_home))
    (line,) = _ok(run_cli("jobs", home=sf_home)).splitlines()
    assert re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC  succeeded ", line), line
