"""Assets without a duration: local files are measured with ffprobe (and remembered); the
planner names the ones it could not place."""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from core.errors import InputError
from core.planner import make_plan, single_group
from core.store import Store
from tests.hostile import recorded_calls, recording_program
from tests.planner.helpers import add_library
from tests.store.helpers import new_store

START = datetime(2027, 1, 1, tzinfo=UTC)


@pytest.fixture
def clip(tmp_path: Path) -> Path:
    path = tmp_path / "tone.mkv"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "sine=duration=3",
         "-c:a", "mp2", str(path)],
        check=True,
        timeout=60,
    )  # fmt: skip
    return path


@pytest.fixture
def store(tmp_path: Path, clip: Path) -> Store:
    store = new_store(tmp_path)
    streams = [(f"Stream {n}", None, f"https://live.example.org/{n}.m3u8") for n in range(7)]
    add_library(
        store,
        tmp_path,
        {"Mixed": [("Tone", None, str(clip)), *streams], "Streams": streams},
    )
    return store


def test_local_files_are_measured_once_and_streams_without_a_duration_are_named(
    store: Store, clip: Path
) -> None:
    plan = make_plan(store, "tones.example.org", START, START + timedelta(minutes=1),
                     single_group("Mixed"))  # fmt: skip
    assert {p.title for p in plan.added} == {"Tone"}
    assert 2.9 < (plan.added[0].stop - plan.added[0].start).total_seconds() < 3.2  # type: ignore[operator]
    (note,) = plan.notes[1:]
    assert note.startswith(
        "7 assets of 'Mixed' have no known duration and were not placed: Stream 0, Stream 1, "
        "Stream 2, Stream 3, Stream 4 and 2 more"
    )
    assert store.probed_durations([plan.added[0].fingerprint or ""])
    clip.unlink()  # the measurement is remembered: no second ffprobe run is needed
    again = make_plan(store, "tones.example.org", START, START + timedelta(minutes=1),
                      single_group("Mixed"), probe=False)  # fmt: skip
    assert [p.stop for p in again.added] == [p.stop for p in plan.added]


def test_a_group_with_no_known_duration_is_refused_with_what_to_do(store: Store) -> None:
    with pytest.raises(InputError) as raised:
        make_plan(
            store, "s.example.org", START, START + timedelta(hours=1), single_group("Streams")
        )
    assert "no asset of group 'Streams' has a known duration" in str(raised.value)
    assert "give #EXTINF durations, or install ffprobe for local files" in str(raised.value)


def test_ffprobe_gets_each_path_after_double_dash_and_never_an_option_locator(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in recording_program(tmp_path / "bin", "ffprobe", "5.0").items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(tmp_path)  # where a relative locator is looked for
    (tmp_path / "-show_data.mkv").write_bytes(b"")
    plain = tmp_path / "plain.mkv"
    plain.write_bytes(b"")
    store = new_store(tmp_path)
    add_library(store, tmp_path, {"Clips": [("Option", None, "-show_data.mkv"),
                                            ("Plain", None, str(plain))]})  # fmt: skip
    plan = make_plan(store, "c.example.org", START, START + timedelta(seconds=10),
                     single_group("Clips"))  # fmt: skip
    assert {p.title for p in plan.added} == {"Plain"}
    assert recorded_calls(tmp_path / "bin", "ffprobe") == [
        ["-v", "error", "-show_entries", "format=duration",
         "-of", "default=noprint_wrappers=1:nokey=1", "--", str(plain)],
    ]  # fmt: skip
