"""ffprobe's probes: streams with nothing behind them end in time and leave no process;
local files must be readable and as long as their entry says."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

from core.locators import fingerprint
from core.probe.model import ProbeResult, ProbeSettings, ProbeTarget
from core.probe.runner import probe_all

pytestmark = pytest.mark.skipif(shutil.which("ffprobe") is None, reason="needs ffprobe")


def probe(target: ProbeTarget, settings: ProbeSettings) -> ProbeResult:
    found: list[ProbeResult] = []
    asyncio.run(probe_all([target], settings, on_result=found.append))
    (result,) = found
    return result


def free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe_socket:
        probe_socket.bind(("127.0.0.1", 0))
        return int(probe_socket.getsockname()[1])


def processes_naming(text: str, *also_not: int) -> list[int]:
    """Processes (but this one and ``also_not``) whose command line holds ``text``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if text.encode() in command and int(entry.name) not in (os.getpid(), *also_not):
            found.append(int(entry.name))
    return found


@pytest.mark.parametrize("scheme", ["udp", "srt"])
def test_a_stream_with_nothing_behind_it_ends_in_time_and_leaves_no_process(scheme: str) -> None:
    port = free_udp_port()
    locator = f"{scheme}://127.0.0.1:{port}"
    if scheme == "srt":
        locator += "?mode=caller"
    settings = ProbeSettings(timeout=1.0, retries=0)
    started = time.monotonic()
    result = probe(ProbeTarget(locator, fingerprint(locator)), settings)
    elapsed = time.monotonic() - started
    assert not result.ok
    assert elapsed < 1.0 + 0.5
    assert processes_naming(f"127.0.0.1:{port}") == []


def test_a_stopped_run_kills_its_ffprobe() -> None:
    port = free_udp_port()
    locator = f"udp://127.0.0.1:{port}"
    seen_running = []

    def stop() -> bool:
        running = processes_naming(f"127.0.0.1:{port}")
        seen_running.extend(running)
        return bool(running)  # stop as soon as ffprobe is running

    found: list[ProbeResult] = []
    summary = asyncio.run(
        probe_all(
            [ProbeTarget(locator, fingerprint(locator))],
            ProbeSettings(timeout=30.0, retries=0),
            on_result=found.append,
            should_stop=stop,
        )
    )
    assert summary.stopped and seen_running and found == []
    assert processes_naming(f"127.0.0.1:{port}") == []


@pytest.fixture
def clip(tmp_path: Path) -> Path:
    path = tmp_path / "clip.mp4"
    subprocess.run(
        [
            "ffmpeg",
            "-v",
            "error",
            "-f",
            "lavfi",
            "-i",
            "testsrc=duration=2:size=64x48:rate=10",
            "-pix_fmt",
            "yuv420p",
            str(path),
        ],
        check=True,
    )
    return path


def test_a_local_file_plays_when_as_long_as_its_entry_says(clip: Path) -> None:
    settings = ProbeSettings(timeout=10.0, duration_tolerance=1.0)
    good = probe(ProbeTarget(str(clip), fingerprint(str(clip)), expected=2.5), settings)
    assert good.ok and good.duration == pytest.approx(2.0, abs=0.1)
    short = probe(ProbeTarget(str(clip), fingerprint(str(clip)), expected=60.0), settings)
    assert not short.ok
    assert short.reason == "runs 2.0 s where its entry or slot says 60.0 s"


def test_a_local_file_that_is_not_media(tmp_path: Path) -> None:
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(b"this is not a video" * 100)
    result = probe(ProbeTarget(str(junk), fingerprint(str(junk))), ProbeSettings(timeout=10.0))
    assert (result.ok, result.reason) == (False, "ffprobe could not read it")
    missing = probe(ProbeTarget(str(tmp_path / "gone.mp4"), "x"), ProbeSettings(timeout=10.0))
    assert (missing.ok, missing.reason) == (False, "no such file")


def test_a_locator_that_would_be_an_option_is_never_spawned() -> None:
    result = probe(ProbeTarget("-i/etc/passwd", "x"), ProbeSettings(timeout=5.0))
    assert not result.ok
    assert result.reason.startswith("refused: locator '-i/etc/passwd' is not a URL")


def test_a_local_file_whose_frames_cannot_be_decoded(tmp_path: Path) -> None:
    whole = tmp_path / "whole.mp4"
    subprocess.run(
        [
            "ffmpeg",
            "-v",
            "error",
            "-f",
            "lavfi",
            "-i",
            "testsrc=duration=2:size=64x48:rate=10",
            "-pix_fmt",
            "yuv420p",
            "-movflags",
            "+faststart",
            str(whole),
        ],
        check=True,
    )
    data = whole.read_bytes()
    cut = tmp_path / "cut.mp4"  # its header (moov) whole, its media data cut off
    cut.write_bytes(data[: data.index(b"mdat") + 8])
    result = probe(ProbeTarget(str(cut), fingerprint(str(cut))), ProbeSettings(timeout=10.0))
    assert (result.ok, result.reason) == (False, "no frame of it could be decoded")
    assert result.media_type is not None and "video" in result.media_type
