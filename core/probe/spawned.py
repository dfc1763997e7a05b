"""Probes through ``ffprobe``: rtmp, rtsp, srt, udp streams and local files.

The locator goes through :func:`core.locators.spawnable_locator` and after ``--``, so it is
an operand, never an option. ffprobe runs in a session of its own and is killed (its whole
process group) when the probe's time is up or the run is cancelled: a ``udp://`` address with
nothing behind it would otherwise wait for ever. A local file must hold a stream ffprobe can
read, and run as long as its ``#EXTINF`` or slot says, within the tolerance.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import time
from dataclasses import dataclass
from pathlib import Path

from core.errors import RefusedLocator
from core.locators import spawnable_locator
from core.timestamps import LONGEST_SECONDS

__all__ = ["SpawnedOutcome", "probe_spawned"]


@dataclass(frozen=True, slots=True)
class SpawnedOutcome:
    """What ffprobe said; ``timed_out`` when it was killed at the time limit."""

    ok: bool
    reason: str
    media_type: str | None = None
    duration: float | None = None
    timed_out: bool = False


def _kill(process: asyncio.subprocess.Process) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)


async def _run(command: list[str], timeout: float) -> tuple[int | None, bytes]:
    """ffprobe's exit status and output, or ``None`` when it ran past ``timeout`` (killed).

    Cancelled (the run stops), it is killed too, and waited for: no ffprobe outlives a probe.
    """
    process = await asyncio.create_subprocess_exec(
        *command,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
        start_new_session=True,  # its own process group: the kill reaches what it started
    )
    try:
        async with asyncio.timeout(timeout):
            output, _ = await process.communicate()
        return process.returncode, output
    except TimeoutError:
        return None, b""
    finally:
        if process.returncode is None:
            _kill(process)
            with contextlib.suppress(ProcessLookupError):
                await asyncio.shield(process.wait())


def _frames(stream: dict[str, object]) -> int:
    try:
        return int(str(stream.get("nb_read_frames", "0")))
    except ValueError:
        return 0


def _type_of(streams: list[dict[str, object]], container: str) -> str | None:
    kinds = sorted({str(stream.get("codec_type")) for stream in streams})
    media = "+".join(kind for kind in kinds if kind in ("video", "audio"))
    return f"{container or 'media'} ({media})" if media else None


async def probe_spawned(
    ffprobe: str | None,
    locator: str,
    *,
    timeout: float,
    expected: float | None = None,
    tolerance: float = 1.0,
) -> SpawnedOutcome:
    """Ask ffprobe about ``locator`` within ``timeout`` seconds."""
    try:
        operand = spawnable_locator(locator)
    except RefusedLocator as refused:
        return SpawnedOutcome(False, f"refused: {refused}")
    if operand.startswith("/") and not Path(operand).is_file():
        return SpawnedOutcome(False, "no such file")
    if ffprobe is None:
        return SpawnedOutcome(False, "ffprobe is not installed; it probes this kind of locator")
    microseconds = str(max(1, round(timeout * 1_000_000)))
    command = [
        ffprobe,
        "-v",
        "error",
        "-hide_banner",
        "-print_format",
        "json",
        "-show_format",
        "-show_streams",
    ]
    local = operand.startswith("/")
    if local:  # decodable: its first frame is decoded, not just its header read
        command += ["-count_frames", "-read_intervals", "%+#1"]
    else:
        # the protocols' own limits, so a well-behaved ffprobe returns before it is killed
        command += ["-rw_timeout", microseconds]
    command += ["--", operand]
    started = time.monotonic()
    try:
        status, output = await _run(command, timeout)
    except OSError as error:
        return SpawnedOutcome(False, f"ffprobe could not start ({error.strerror})")
    if status is None:
        waited = time.monotonic() - started
        return SpawnedOutcome(False, f"no answer within {waited:.1f} s", timed_out=True)
    if status != 0:
        return SpawnedOutcome(False, "ffprobe could not read it")
    try:
        found = json.loads(output or b"{}")
    except ValueError:
        return SpawnedOutcome(False, "ffprobe's answer was not JSON")
    streams = [s for s in found.get("streams", []) if isinstance(s, dict)]
    info = found.get("format", {}) if isinstance(found.get("format"), dict) else {}
    media_type = _type_of(streams, str(info.get("format_name", "")))
    if media_type is None:
        return SpawnedOutcome(False, "no audio or video stream in it")
    if local and not any(_frames(stream) for stream in streams):
        return SpawnedOutcome(False, "no frame of it could be decoded", media_type)
    try:
        duration: float | None = float(info.get("duration", "nan"))
    except (TypeError, ValueError):
        duration = None
    if duration is not None and not 0 < duration <= LONGEST_SECONDS:
        duration = None  # nan, inf, zero: unknown
    if expected is not None and duration is not None and abs(duration - expected) > tolerance:
        return SpawnedOutcome(
            False,
            f"runs {duration:.1f} s where its entry or slot says {expected:.1f} s",
            media_type,
            duration,
        )
    return SpawnedOutcome(True, "plays", media_type, duration)
