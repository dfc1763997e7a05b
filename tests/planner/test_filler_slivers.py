"""The ffplayout export's own filler never makes a clip shorter than a second: ffplayout
skips such a clip, and everything after it would start early (issue: fixes and plans)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_cli

CHANNEL = "sliver.example.org"


def _schedule(folder: Path) -> Path:
    def programme(start: str, stop: str, title: str) -> dict[str, object]:
        return {
            "channel": CHANNEL, "start": f"2027-01-01T{start}+00:00",
            "stop": f"2027-01-01T{stop}+00:00", "titles": [{"value": title}],
            "locator": f"http://example.org/{title}.mp4",
        }  # fmt: skip

    document = {
        "format": "scheduleflow/1",
        "channels": [{"id": CHANNEL, "timezone": "UTC", "day_start": "00:00"}],
        "assets": [
            {
                "title": f"Ident {n}",
                "locator": f"http://example.org/ident-{n}.mp4",
                "groups": ["Idents"],
                "duration": 10,
            }
            for n in range(3)
        ],
        # a gap of 20.6 s: two idents and a sliver of 0.6 s, as the export cut it
        "programmes": [
            programme("00:00:00", "00:10:00", "A"),
            programme("00:10:20.600", "23:59:59.400", "B"),
        ],
    }
    path = folder / "day.json"
    path.write_text(json.dumps(document))
    return path


def test_no_filler_clip_is_shorter_than_a_second(sf_home: Path, tmp_path: Path) -> None:
    assert run_cli("import", str(_schedule(tmp_path)), home=sf_home).returncode == 0
    target = tmp_path / "2027-01-01.json"
    result = run_cli(
        "export", "--format", "ffplayout", "--channel", CHANNEL, "--filler", "Idents",
        "--from", "2027-01-01T00:00:00Z", "--to", "2027-01-02T00:00:00Z", "-o", str(target),
        home=sf_home,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    program = json.loads(target.read_text())["program"]
    lengths = [round(item["out"] - item["in"], 3) for item in program]
    assert min(lengths) >= 1.0, lengths
    assert lengths[1:4] == [10.0, 9.6, 1.0]  # the sliver taken from the ident before it
    assert 86399 <= sum(lengths) <= 86400  # the day's last 0.6 s: no clip ffplayout would skip
