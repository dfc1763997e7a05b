"""Invalid and unplayable programmes, and broadcast days that DST makes 23 or 25 hours long."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from core.clock import span_text
from core.errors import RefusedLocator
from core.locators import local_path, spawnable_locator
from core.rules.findings import FIXES, SEVERITY, VIDEO_FIXES, Finding, Severity
from core.rules.slots import ChannelView, CutPoints

__all__ = ["find_dst_days", "find_invalid", "find_unplayable"]

_ROUNDING = 0.001  # out points are written to the millisecond


def _title(title: str, identifier: int) -> str:
    return f"'{title}'" if title.strip() else f"programme #{identifier}"


def find_invalid(view: ChannelView, *, declared: bool = True) -> list[Finding]:
    """Stop not after start, no title, undeclared channel, an out point outside ``[in,
    duration]`` (errors); missing stop (info)."""
    findings: list[Finding] = []
    slots, ends = view.slots, view.ends

    def found(
        severity: Severity,
        begin_at: datetime,
        stop_at: datetime,
        message: str,
        ids: tuple[int, ...] = (),
        fixes: tuple[str, ...] = (),
    ) -> None:
        findings.append(
            Finding("invalid", severity, view.channel, begin_at, stop_at, message, ids, fixes)
        )

    if not declared and slots:
        first, last = slots[0], slots[-1]
        found(
            "error",
            view.when(first.start, first.offset),
            view.when(ends[-1] or last.start, last.offset),
            f"{len(slots)} programmes are on {view.channel}, which no guide declares "
            "(no <channel> entry)",
        )
    for index, slot in enumerate(slots):
        begin_at = view.when(slot.start, slot.offset)
        end = ends[index]
        name = _title(slot.title, slot.id)
        if index in view.empty:
            assert slot.stop is not None
            what = "is zero-length" if slot.stop == slot.start else "stops before it starts"
            message = f"{name} at {view.moment(begin_at)} on {view.channel} {what}"
            found("error", begin_at, begin_at, message, (slot.id,), FIXES["invalid"])
        if not slot.title.strip():
            stop_at = view.when(end, slot.offset) if end is not None else begin_at
            message = f"the programme at {view.moment(begin_at)} on {view.channel} has no title"
            found("error", begin_at, stop_at, message, (slot.id,))
        if slot.points is not None and (problem := _cut_problem(slot.points)) is not None:
            stop_at = view.when(end, slot.offset) if end is not None else begin_at
            message = (
                f"{name} at {view.moment(begin_at)} on {view.channel} has {problem}: "
                "playout would stop it at the wrong place"
            )
            found("error", begin_at, stop_at, message, (slot.id,))
        if slot.stop is None:
            if end is not None:
                stop_at = view.when(end, slot.offset)
                message = (
                    f"{name} at {view.moment(begin_at)} has no stop; "
                    f"taken as {view.moment(stop_at)}, the next start"
                )
            else:
                stop_at = begin_at
                message = (
                    f"{name} at {view.moment(begin_at)} has no stop and nothing follows it: "
                    "its end is unknown"
                )
            found("info", begin_at, stop_at, message, (slot.id,))
    return findings


def _cut_problem(points: CutPoints) -> str | None:
    """What is wrong with a cut's points: an out point outside ``[in, duration]``."""
    into = points.into if points.into is not None else 0.0
    if points.out is None:
        return "an out point that is not a number of seconds"
    if into < 0:
        return f"an in point of {into:g} s, before the start of its video"
    if points.out < into:
        return f"an out point of {points.out:g} s, before its in point ({into:g} s)"
    if points.duration is not None and points.out > points.duration + _ROUNDING:
        return (
            f"an out point of {points.out:g} s, past the end of its video ({points.duration:g} s)"
        )
    return None


def _seconds(value: float) -> str:
    return f"{value:.0f} s" if value < 120 else f"{value / 60:.0f} min"


def _missing(locator: str, path: str, storage_root: str | None) -> str:
    """``the file … does not exist``, naming the storage root a relative path was sought in."""
    relative = local_path(locator, "/") != local_path(locator, "/x")  # moves with its base
    if storage_root is not None and relative:
        return f"the file {locator} is missing under storage root {storage_root}"
    return f"the file {path} does not exist"


def _refusal(locator: str, known: dict[str, str | None]) -> str | None:
    """Why ``locator`` is never handed to a player (``None``: it may be); remembered."""
    if locator not in known:
        try:
            spawnable_locator(locator)
            known[locator] = None
        except RefusedLocator as refused:
            known[locator] = refused.message
    return known[locator]


def find_unplayable(
    view: ChannelView,
    durations: dict[str, float],
    *,
    tolerance_s: float = 1.0,
    exists: Callable[[str], bool] = os.path.exists,
    storage_root: str | None = None,
) -> list[Finding]:
    """No video, a locator no player is handed (see :func:`spawnable_locator`), a local file
    that is not there, or an asset shorter or longer than its slot.

    A relative path is looked for under ``storage_root`` (the channel's, or the config's),
    as ffplayout looks for a relative ``source`` under its channel's storage folder; the
    finding names the root, so a wrong root is plain to see.

    A programme with an out point (ffplayout's ``out``, the planner's trimmed items) is cut
    on purpose: a video longer than its slot is then not a finding.

    ``durations`` maps fingerprints to the library's known durations. A channel without any
    video locator (a guide-only channel) gets one finding, not one per programme.
    """
    findings: list[Finding] = []
    slots, ends = view.slots, view.ends
    if slots and not any(slot.locator for slot in slots):
        first, last = slots[0], slots[-1]
        findings.append(
            Finding(
                "unplayable",
                SEVERITY["unplayable"],
                view.channel,
                view.when(first.start, first.offset),
                view.when(ends[-1] or last.start, last.offset),
                f"none of the {len(slots)} programmes on {view.channel} has a video to "
                "play (a guide-only channel?)",
                (),
                VIDEO_FIXES,
            )
        )
        return findings
    present: dict[str, bool] = {}
    paths: dict[str, Path | None] = {}
    refused: dict[str, str | None] = {}
    skip = view.empty | view.duplicates.keys()
    for index, slot in enumerate(slots):
        if index in skip:
            continue
        end = ends[index]
        # what is wrong, as the end of a sentence that starts "'Title' at Sat 05 Dec 06:00":
        # the name and the local time are made only for a finding (most slots are playable)
        problem = None
        if not slot.locator:
            problem = f" on {view.channel} has no video to play"
        elif (refusal := _refusal(slot.locator, refused)) is not None:
            problem = f" on {view.channel}: {refusal}"
        else:
            if slot.locator not in paths:  # a schedule plays a library: few locators, often
                paths[slot.locator] = local_path(slot.locator, storage_root)
            path = paths[slot.locator]
            if path is not None:
                key = str(path)
                if key not in present:
                    present[key] = exists(key)
                if not present[key]:
                    problem = ": " + _missing(slot.locator, key, storage_root)
            known = durations.get(slot.fingerprint or "")
            if problem is None and known is not None and end is not None:
                slot_seconds = (end - slot.start) / 1000
                if known < slot_seconds - tolerance_s:
                    problem = (
                        f" runs {_seconds(known)}, {_seconds(slot_seconds - known)} short of "
                        "its slot: dead air at the end"
                    )
                elif known > slot_seconds + tolerance_s and slot.points is None:
                    problem = (
                        f" runs {_seconds(known)}, {_seconds(known - slot_seconds)} longer "
                        "than its slot: it will be cut"
                    )
        if problem is not None:
            start_at = view.when(slot.start, slot.offset)
            findings.append(
                Finding(
                    "unplayable",
                    SEVERITY["unplayable"],
                    view.channel,
                    start_at,
                    view.when(end, slot.offset) if end is not None else start_at,
                    f"{_title(slot.title, slot.id)} at {view.moment(start_at)}{problem}",
                    (slot.id,),
                    VIDEO_FIXES,
                )
            )
    return findings


def find_dst_days(
    channel: str,
    timezone: str | None,
    day_start: time,
    start: datetime,
    stop: datetime,
) -> list[Finding]:
    """Broadcast days of 23 or 25 hours in the channel's time zone, between two instants."""
    if timezone is None:
        return []
    zone = ZoneInfo(timezone)
    findings: list[Finding] = []
    day = start.astimezone(zone).date() - timedelta(days=1)
    last = stop.astimezone(zone).date()
    while day <= last:
        begin = datetime.combine(day, day_start, tzinfo=zone)
        end = datetime.combine(day + timedelta(days=1), day_start, tzinfo=zone)
        length = end.astimezone(UTC) - begin.astimezone(UTC)
        if length != timedelta(hours=24) and begin < stop and end > start:
            hours = length.total_seconds() / 3600
            change = "go forward" if hours < 24 else "go back"
            findings.append(
                Finding(
                    "dst",
                    "info",
                    channel,
                    begin,
                    end,
                    f"the broadcast day {span_text(begin, end, zone)} on {channel} lasts "
                    f"{hours:g} hours (the clocks {change})",
                    (),
                )
            )
        day += timedelta(days=1)
    return findings
