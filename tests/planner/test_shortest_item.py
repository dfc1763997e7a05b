"""No item shorter than a second is planned or used as filler: a library entry that says a
clip lasts a few microseconds (an import accepts any length from 0 to a month) used to make a
six-hour plan of millions of items, until memory ran out (found by the poisoning property
test under CI's derandomised Hypothesis)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_cli

CHANNEL = "tiny.example.org"


def _library(folder: Path, seconds: float) -> Path:
    document = {
        "format": "scheduleflow/1",
        "channels": [{"id": CHANNEL, "timezone": "UTC", "cooldown_hours": 0}],
        "assets": [
            {"title": "Blip", "locator": "http://example.org/blip.mp4", "groups": ["g"],
             "duration": seconds},
            {"title": "Song", "locator": "http://example.org/song.mp4", "groups": ["g"],
             "duration": 180},
        ],
        "programmes": [],
    }  # fmt: skip
    path = folder / "library.json"
    path.write_text(json.dumps(document))
    return path


def test_a_plan_leaves_out_assets_shorter_than_a_second_and_says_so(
    sf_home: Path, tmp_path: Path
) -> None:
    assert run_cli("import", str(_library(tmp_path, 1e-300)), home=sf_home).returncode == 0
    result = run_cli(
        "plan", "--channel", CHANNEL, "--from", "2027-01-01T00:00:00Z",
        "--to", "2027-01-01T06:00:00Z", "--group", "g", "--dry-run", "--json",
        home=sf_home, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    plan = json.loads(result.stdout)
    assert {item["title"] for item in plan["added"]} == {"Song"}
    assert len(plan["added"]) == 6 * 60 // 3
    assert any("less than 1 s" in note and "Blip" in note for note in plan["notes"])


def test_a_filler_group_of_a_microsecond_clip_fills_nothing(sf_home: Path, tmp_path: Path) -> None:
    assert run_cli("import", str(_library(tmp_path, 1e-6)), home=sf_home).returncode == 0
    guide = tmp_path / "gap.json"
    guide.write_text(json.dumps({
        "format": "scheduleflow/1", "channels": [{"id": CHANNEL}], "assets": [],
        "programmes": [
            {"channel": CHANNEL, "start": "2027-01-01T00:00:00+00:00",
             "stop": "2027-01-01T01:00:00+00:00", "titles": [{"value": "A"}],
             "locator": "http://example.org/a.mp4"},
            {"channel": CHANNEL, "start": "2027-01-01T05:00:00+00:00",
             "stop": "2027-01-01T06:00:00+00:00", "titles": [{"value": "B"}],
             "locator": "http://example.org/b.mp4"},
        ],
    }))  # fmt: skip
    assert run_cli("import", str(guide), home=sf_home).returncode == 0
    result = run_cli(
        "fix", "gap", "--policy", "fill", "--group", "g", "--dry-run", "--json",
        home=sf_home, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    fix = json.loads(result.stdout)
    assert 0 < fix["changes"] <= 4 * 60 // 3 + 1  # songs only, not millions of blips
