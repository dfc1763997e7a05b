"""What a person reads from the command line is in the channel's time.

Two channels straddle midnight UTC: Berlin is already on Wednesday, New York still on
Tuesday. ``check`` and ``audit`` must say each one's own date and zone; JSON keeps ISO 8601.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.conftest import run_cli

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


def test_jobs_and_inspect_say_which_zone_their_times_are_in(sf_home: Path, tmp_path: Path) -> None:
    schedule = _schedule(tmp_path)
    inspected = _ok(run_cli("inspect", str(schedule), home=sf_home))
    assert "  range:      Tue 01 Dec 2026 22:00 – Wed 02 Dec 02:00 UTC\n" in inspected
    _ok(run_cli("import", str(schedule), home=sf_home))
    (line,) = _ok(run_cli("jobs", home=sf_home)).splitlines()
    assert re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC  succeeded ", line), line
