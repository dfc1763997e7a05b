"""Relative video paths are found under the channel's storage root, as ffplayout finds them,
never under whatever folder the command happened to be run from.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from core.errors import StoreError
from core.rules import check_store
from core.store import import_file
from tests.conftest import ROOT, run_cli
from tests.store.helpers import ACTOR, new_store

CHANNEL = "day.example.org"


def _playlist(folder: Path) -> Path:
    """A day of two relative sources: ``clips/here.mp4`` exists under ``media``, the other not."""
    media = folder / "media" / "clips"
    media.mkdir(parents=True)
    (media / "here.mp4").write_bytes(b"\0")
    program = [
        {"in": 0, "out": 43200, "duration": 43200, "source": "clips/here.mp4"},
        {"in": 0, "out": 43200, "duration": 43200, "source": "clips/gone.mp4"},
    ]
    path = folder / "2026-12-01.json"
    path.write_text(json.dumps({"channel": "Day", "date": "2026-12-01", "program": program}))
    return path


def _missing(home: Path, cwd: str) -> list[str]:
    """``check --json`` run from ``cwd``: the unplayable findings' messages."""
    env = {**os.environ, "SCHEDULEFLOW_HOME": str(home), "PYTHONPATH": str(ROOT)}
    checked = subprocess.run(
        [sys.executable, "-m", "tui.cli", "check", "--json"],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=120,
        check=False,
    )
    assert checked.returncode in (0, 1), checked.stderr
    report = json.loads(checked.stdout)
    return [f["message"] for f in report["findings"] if f["kind"] == "unplayable"]


def test_relative_sources_are_judged_under_the_storage_root_from_any_folder(
    tmp_path: Path,
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    playlist = _playlist(tmp_path)
    imported = run_cli("import", str(playlist), "--channel", CHANNEL, home=home)
    assert imported.returncode == 0, imported.stderr
    # without a setting: ffplayout's own default storage folder, named in the finding
    assert _missing(home, "/") == [
        "'here' at Tue 01 Dec 2026 00:00 UTC: the file clips/here.mp4 is missing under "
        "storage root /var/lib/ffplayout/tv-media",
        "'gone' at Tue 01 Dec 2026 12:00 UTC: the file clips/gone.mp4 is missing under "
        "storage root /var/lib/ffplayout/tv-media",
    ]
    media = tmp_path / "media"
    (home / "config.toml").write_text(f'[rules]\nstorage_root = "{media}"\n', encoding="utf-8")
    expected = [
        f"'gone' at Tue 01 Dec 2026 12:00 UTC: the file clips/gone.mp4 is missing under "
        f"storage root {media}"
    ]
    assert _missing(home, "/") == expected
    assert _missing(home, str(tmp_path)) == expected  # the same wherever it is run from


def test_a_channel_storage_root_overrides_the_config_default(tmp_path: Path) -> None:
    store = new_store(tmp_path)
    import_file(store, _playlist(tmp_path), actor=ACTOR, channel=CHANNEL)
    store.set_storage_root(CHANNEL, str(tmp_path / "media"))
    assert store.storage_roots() == {CHANNEL: str(tmp_path / "media")}
    messages = [f.message for f in check_store(store).findings if f.kind == "unplayable"]
    assert messages == [
        f"'gone' at Tue 01 Dec 2026 12:00 UTC: the file clips/gone.mp4 is missing under "
        f"storage root {tmp_path / 'media'}"
    ]
    store.set_storage_root(CHANNEL, None)  # back to the config default
    assert store.storage_roots() == {}
    assert len([f for f in check_store(store).findings if f.kind == "unplayable"]) == 2
    with pytest.raises(StoreError, match="'media' is not an absolute folder"):
        store.set_storage_root(CHANNEL, "media")


def test_play_hands_mpv_the_file_check_found_under_the_storage_root(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    imported = run_cli("import", str(_playlist(tmp_path)), "--channel", CHANNEL, home=home)
    assert imported.returncode == 0, imported.stderr
    media = tmp_path / "media"
    (home / "config.toml").write_text(f'[rules]\nstorage_root = "{media}"\n', encoding="utf-8")
    env = {**os.environ, "SCHEDULEFLOW_HOME": str(home), "PYTHONPATH": str(ROOT)}
    played = subprocess.run(
        [sys.executable, "-m", "tui.cli", "play", "--channel", CHANNEL,
         "--at", "2026-12-01T06:00:00Z", "--print"],
        capture_output=True, text=True, env=env, cwd="/", timeout=120, check=False,
    )  # fmt: skip
    assert played.returncode == 0, played.stderr
    assert str(media / "clips" / "here.mp4") in played.stdout  # not /clips/here.mp4
