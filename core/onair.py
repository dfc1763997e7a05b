"""What is on air: the programme at an instant, its offset, and what comes next; and the mpv
command that joins a channel there.

Locators are a stranger's text: each one goes through :func:`spawnable_locator` before it
reaches mpv's command line, and one that is refused is left out with the reason.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

from core.clock import channel_zone, moment_text
from core.cutpoints import seconds_of
from core.errors import RefusedLocator
from core.locators import spawnable_locator
from core.models import Programme
from core.store import Store

__all__ = ["MpvCommand", "OnAir", "mpv_command", "on_air", "shell_line"]


@dataclass(frozen=True)
class OnAir:
    """One channel at one instant."""

    channel: str
    programme: Programme | None
    offset: timedelta
    next: Programme | None
    zone: tzinfo = UTC
    """The channel's time zone, which the operator reads the times in."""

    def to_json(self) -> dict[str, Any]:
        """The ``now --json`` shape of one channel."""
        current = self.programme
        return {
            "channel": self.channel,
            "title": current.title if current else None,
            "start": current.start.isoformat() if current else None,
            "stop": current.stop.isoformat() if current and current.stop else None,
            "offset_seconds": round(self.offset.total_seconds(), 3) if current else None,
            "locator": current.locator if current else None,
            "next": _brief(self.next),
        }


def _brief(programme: Programme | None) -> dict[str, Any] | None:
    if programme is None:
        return None
    return {
        "title": programme.title,
        "start": programme.start.isoformat(),
        "stop": programme.stop.isoformat() if programme.stop else None,
        "locator": programme.locator,
    }


def on_air(store: Store, at: datetime, channels: list[str] | None = None) -> list[OnAir]:
    """For each channel: the programme on air at ``at`` (its offset), and the next one."""
    result = []
    facts = store.channel_facts()
    for channel in channels if channels is not None else sorted(store.channel_ids()):
        page = store.page_at(channel, at, limit=3).programmes
        current = None
        following = None
        for index, programme in enumerate(page):
            stop = programme.stop or (page[index + 1].start if index + 1 < len(page) else None)
            if programme.start <= at and (stop is None or at < stop):
                current = programme
                following = page[index + 1] if index + 1 < len(page) else None
                break
            if programme.start > at:
                following = programme
                break
        offset = at - current.start if current else timedelta(0)
        zone = channel_zone(facts[channel].timezone if channel in facts else None)
        result.append(OnAir(channel, current, offset, following, zone))
    return result


def _seconds(attrs: dict[str, str], key: str) -> float | None:
    return seconds_of(attrs.get(f"ffplayout:{key}"))


def _entry(programme: Programme, locator: str, offset: float = 0.0) -> list[str]:
    """One playlist entry: the file, with its start and end points when it is cut."""
    attrs = dict(programme.attrs)
    begin = (_seconds(attrs, "in") or 0.0) + offset
    end = _seconds(attrs, "out")
    options = [f"--start={begin:.3f}"] if begin else []
    options += [f"--end={end:.3f}"] if end is not None else []
    return ["--{", *options, locator, "--}"] if options else [locator]


@dataclass(frozen=True)
class MpvCommand:
    """The mpv command line, how many items it plays, and the items left out (and why)."""

    arguments: list[str]
    items: int
    skipped: list[str] = field(default_factory=list)


def mpv_command(
    store: Store,
    channel: str,
    at: datetime,
    *,
    horizon: timedelta = timedelta(hours=6),
    storage_root: str | None = None,
) -> MpvCommand:
    """``mpv`` playing the item on air from its offset, then the rest of the schedule.

    A relative path is found under ``storage_root`` (the channel's, else the config's: where
    ``check`` looked for it), not under the working folder.

    Each file's own start and end points (cut items) go in ``--{ … --}`` groups: mpv takes
    per-file options there, not from playlist files. ``--`` (no options after it) comes
    after the last group: mpv reads ``--{`` as a file name once it has seen ``--``. Every
    locator is an absolute path or an allowed URL, so none can start with ``-`` anyway.
    """
    (now,) = on_air(store, at, [channel])
    # "$" starts a property expansion in mpv's --title; "$$" is a literal one
    title = f"--title=ScheduleFlow · {channel}".replace("$", "$$")
    options = ["mpv", "--force-window=yes", title]
    upcoming = [p for p in store.programmes(channel, at, at + horizon) if p.locator]
    entries: list[list[str]] = []
    skipped: list[str] = []

    def add(programme: Programme, offset: float = 0.0) -> None:
        assert programme.locator is not None
        try:
            locator = spawnable_locator(programme.locator, storage_root)
        except RefusedLocator as refused:
            skipped.append(
                f"left out '{programme.title}' at {moment_text(programme.start, now.zone)}: "
                f"{refused}"
            )
            return
        entries.append(_entry(programme, locator, offset))

    if now.programme is not None and now.programme.locator:
        add(now.programme, now.offset.total_seconds())
        upcoming = [p for p in upcoming if p.start > now.programme.start]
    for programme in upcoming:
        add(programme)
    grouped = max((n + 1 for n, entry in enumerate(entries) if len(entry) > 1), default=0)
    arguments = options + [part for entry in entries[:grouped] for part in entry] + ["--"]
    arguments += [part for entry in entries[grouped:] for part in entry]
    return MpvCommand(arguments, len(entries), skipped)


def shell_line(arguments: list[str]) -> str:
    """The command as one line to copy into a shell."""
    return " ".join(shlex.quote(argument) for argument in arguments)
