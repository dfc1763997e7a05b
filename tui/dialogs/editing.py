"""Editing one programme: move, trim, insert (delete only asks to confirm).

Times are typed as an operator says them. ``+10m`` and ``-5m`` count from the programme
itself (ten minutes later than it starts now), never from the clock; ``now+10m``, a clock
time such as ``21:30`` (on the programme's day, in the channel's zone) or an ISO time name
an absolute moment. The dialog shows where the programme will be before it is saved.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, tzinfo
from typing import ClassVar

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Button, Input, Label, Static

from core.clock import span_text
from core.models import Programme, Text
from core.timeargs import parse_duration, parse_instant
from tui.dialogs.form import Dialog, buttons, field, named
from tui.literal import literal, problem

__all__ = ["EditDialog", "EditResult", "moment_from"]

_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$", re.ASCII)
_NOW = re.compile(r"^now\s*([+-].*)?$", re.IGNORECASE)


def moment_from(text: str, base: datetime, zone: tzinfo, now: datetime | None = None) -> datetime:
    """The instant ``text`` names for a programme at ``base``; ValueError explains.

    ``+10m``/``-5m``: from ``base``; ``now``, ``now+10m``: from the clock; ``21:30`` or
    ``21:30:15``: that time on ``base``'s day in ``zone``; else an ISO time with its offset
    (or ``today``, ``tomorrow``: :func:`core.timeargs.parse_instant`).
    """
    value = text.strip()
    current = now or datetime.now(UTC)
    if not value:
        raise ValueError("give a time: +10m (later than the programme), now+10m or 21:30")
    if value[0] in "+-":
        return parse_instant(value, relative_to=base, zone=zone)
    relative = _NOW.match(value)
    if relative:
        offset = (relative.group(1) or "").replace(" ", "")
        return parse_instant(offset, relative_to=current, zone=zone) if offset else current
    clock = _CLOCK.match(value)
    if clock:
        hour, minute, second = (int(part or 0) for part in clock.groups())
        if hour > 23 or minute > 59 or second > 59:
            raise ValueError(f"'{value}' is not a time of day (00:00 to 23:59)")
        day = base.astimezone(zone)
        wall = day.replace(hour=hour, minute=minute, second=second, microsecond=0)
        return wall.astimezone(UTC)
    return parse_instant(value, now=current, zone=zone)


def _shift(before: datetime, after: datetime) -> str:
    """``10 min later``, ``1:30 h earlier``, ``unchanged``."""
    seconds = int((after - before).total_seconds())
    if seconds == 0:
        return "unchanged"
    minutes, rest = divmod(abs(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        amount = f"{hours}:{minutes:02d} h"
    elif minutes:
        amount = f"{minutes} min" + (f" {rest} s" if rest else "")
    else:
        amount = f"{rest} s"
    return f"{amount} {'later' if seconds > 0 else 'earlier'}"


@dataclass(frozen=True)
class EditResult:
    """The programme as the operator wants it (``original`` is None for an insert)."""

    original: Programme | None
    programme: Programme


class EditDialog(Dialog[EditResult]):
    """``move`` changes the start (keeping the length), ``trim`` the stop, ``insert`` adds.

    ``enter`` or ``ctrl+s`` saves, ``esc`` cancels; the line above the buttons shows the
    programme as it will be (or what is wrong with the form).
    """

    BUTTONS: ClassVar[Mapping[str, str]] = {"save": "confirm"}

    def __init__(
        self, kind: str, channel: str, programme: Programme | None, zone: tzinfo = UTC
    ) -> None:
        super().__init__()
        self.kind = kind
        self.channel = channel
        self.programme = programme
        self.zone = zone

    def compose(self) -> ComposeResult:
        programme = self.programme
        with Vertical(classes="dialog"):
            title = {"move": "Move", "trim": "Change the end of", "insert": "Add"}[self.kind]
            name = f" '{programme.title}'" if programme and self.kind != "insert" else ""
            yield Label(literal(f"{title}{name} on {self.channel}"), classes="dialog-title")
            if self.kind == "insert":
                yield field("Title", Input(placeholder="the programme's title", id="title"))
                yield field(
                    "Start", Input("+0m", placeholder="+0m: where the programme ends", id="start")
                )
                yield field("Length", Input("30m", placeholder="30m, 1h, 90s", id="length"))
                yield field("Video", Input(placeholder="video locator (optional)", id="locator"))
                after = "the programme at the cursor ends" if programme else "now"
                yield Static(
                    f"+10m: after {after} · now+10m · 21:30 · ISO time", classes="dialog-text"
                )
            elif self.kind == "move":
                assert programme is not None
                yield field(
                    "Start", Input("+0m", placeholder="+10m, -5m, now+10m, 21:30", id="start")
                )
                yield Static(
                    "+10m/-5m: later/earlier than it starts · now+10m, 21:30, ISO: that time",
                    classes="dialog-text",
                )
            else:
                assert programme is not None
                yield field("End", Input("+0m", placeholder="+5m, -5m, now+10m, 21:30", id="stop"))
                yield Static(
                    "+5m/-5m: later/earlier than it ends · now+10m, 21:30, ISO: that time",
                    classes="dialog-text",
                )
            yield Static("", id="problem")
            yield buttons(
                "enter/ctrl+s save · esc cancel",
                Button("Save", variant="primary", id="save"),
                Button("Cancel", id="cancel"),
            )

    def on_mount(self) -> None:
        self._show_outcome()

    def on_input_changed(self) -> None:
        self._show_outcome()

    def _show_outcome(self) -> None:
        """The programme as it will be, before it is saved (or what is wrong)."""
        line = self.query_one("#problem", Static)
        if self.kind == "insert" and not self._value("title"):
            line.update("")  # not an error before anything was typed
            return
        try:
            result = self._result()
        except ValueError as error:
            line.update(problem(str(error)))
            return
        changed = result.programme
        when = span_text(changed.start, changed.stop or changed.start, self.zone)
        original = result.original
        if original is None:
            line.update(literal(f"→ adds {when}"))
        elif self.kind == "move":
            line.update(literal(f"→ {when} ({_shift(original.start, changed.start)})"))
        else:
            assert original.stop is not None and changed.stop is not None
            line.update(literal(f"→ {when} (ends {_shift(original.stop, changed.stop)})"))

    def action_confirm(self) -> None:
        try:
            self.dismiss(self._result())
        except ValueError as error:
            self.query_one("#problem", Static).update(problem(str(error)))

    def _value(self, name: str) -> str:
        return self.query_one(f"#{name}", Input).value.strip()

    def _result(self) -> EditResult:
        programme = self.programme
        if self.kind == "insert":
            title = self._value("title")
            if not title:
                raise ValueError("give the programme a Title")
            base = programme.stop if programme and programme.stop else datetime.now(UTC)
            start = named("Start", lambda: moment_from(self._value("start"), base, self.zone))
            stop = start + named("Length", lambda: parse_duration(self._value("length")))
            locator = self._value("locator") or None
            return EditResult(
                None, Programme(self.channel, start, stop, titles=(Text(title),), locator=locator)
            )
        assert programme is not None
        if self.kind == "move":
            start = named(
                "Start", lambda: moment_from(self._value("start"), programme.start, self.zone)
            )
            length = programme.stop - programme.start if programme.stop else None
            moved = replace(programme, start=start, stop=start + length if length else None)
            return EditResult(programme, moved)
        end = programme.stop or programme.start
        stop = named("End", lambda: moment_from(self._value("stop"), end, self.zone))
        if stop <= programme.start:
            raise ValueError("the End must come after the start")
        return EditResult(programme, replace(programme, stop=stop))
