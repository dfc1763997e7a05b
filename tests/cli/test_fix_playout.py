"""From the command line: a placeholder fix, then the export that names what to do about the
placeholders, the unplayable fix it names, and an export that then plays; an all-channels
ffplayout export that cannot write one channel writes none."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from tests.conftest import ROOT, run_cli

SAMPLES = ROOT / "samples"
SPORTS = "sports.example.org"


def _ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, result.stderr
    return result.stdout


def _load(home: Path, *names: str) -> None:
    for name in names:
        _ok(run_cli("import", str(SAMPLES / name), home=home))


def test_placeholders_are_named_by_the_export_and_the_fix_it_names_makes_them_play(
    sf_home: Path, tmp_path: Path
) -> None:
    _load(sf_home, "channels.json", "sports-library.m3u", "sports-day.xml")
    _ok(run_cli("fix", "overlap", "--policy", "trim", "--channel", SPORTS, home=sf_home))
    shown = _ok(run_cli("fix", "gap", "--policy", "placeholder", "--channel", SPORTS,
                        home=sf_home))  # fmt: skip
    assert "after this fix, check also finds 2:" in shown  # the placeholders have no video
    folder = tmp_path / "ff"
    refused = run_cli("export", "--format", "ffplayout", "--channel", SPORTS, "-o", str(folder),
                      home=sf_home)  # fmt: skip
    assert refused.returncode == 2 and len(refused.stderr.splitlines()) == 1
    assert "fill the gaps first" not in refused.stderr
    assert (
        "2 'Off air' placeholders (the first at Sun 06 Dec 2026 10:00 CET) have no video: give "
        "--filler GROUP to play filler there, or replace them: scheduleflow fix unplayable "
        f"--policy fill --group GROUP --channel {SPORTS}"
    ) in refused.stderr
    assert not folder.exists()
    _ok(run_cli("fix", "unplayable", "--policy", "fill", "--group", "Filler", "--channel",
                SPORTS, home=sf_home))  # fmt: skip
    _ok(run_cli("export", "--format", "ffplayout", "--channel", SPORTS, "-o", str(folder),
                home=sf_home))  # fmt: skip
    day = json.loads((folder / "2026" / "12" / "2026-12-06.json").read_text(encoding="utf-8"))
    assert all(item["in"] <= item["out"] <= item["duration"] for item in day["program"])


def test_an_all_channels_ffplayout_export_writes_all_channels_or_none(
    sf_home: Path, tmp_path: Path
) -> None:
    _load(sf_home, "channels.json", "sports-library.m3u", "sports-day.xml", "kids-library.m3u",
          "kids-repeats.xml")  # fmt: skip
    _ok(run_cli("fix", "overlap", "--policy", "trim", home=sf_home))
    folder = tmp_path / "ff"
    window: list[str] = []
    written = _ok(run_cli("export", "--format", "ffplayout", "--filler", "Filler", *window,
                          "-o", str(folder), home=sf_home))  # fmt: skip
    files = sorted(p.relative_to(folder) for p in folder.rglob("*.json"))
    assert {path.parts[0] for path in files} == {SPORTS, "kids.example.org"}, written
    last = folder / files[-1]
    for path in files:
        (folder / path).unlink()
    last.write_text("{}", encoding="utf-8")  # one channel's day is there already
    refused = run_cli("export", "--format", "ffplayout", "--filler", "Filler", *window,
                      "-o", str(folder), home=sf_home)  # fmt: skip
    assert refused.returncode == 2 and "already exists" in refused.stderr
    assert sorted(folder.rglob("*.json")) == [last]
    assert last.read_text(encoding="utf-8") == "{}"
