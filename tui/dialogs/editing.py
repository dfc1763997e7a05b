"""Editing one programme: move, trim, insert (delete only asks to confirm)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from core.models import Programme, Text
from core.timeargs import parse_duration, parse_instant
from tui.literal import literal, problem

__all__ = ["EditDialog", "EditResult"]


@dataclass(frozen=True)
class EditResult:
    """The programme as the operator wants it (``original`` is None for an insert)."""

    original: Programme | None
    programme: Programme


class EditDialog(ModalScreen[EditResult | None]):
    """``move`` changes the start (keeping the length), ``trim`` the stop, ``insert`` adds."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel", id="dialog.cancel")]

    def __init__(self, kind: str, channel: str, programme: Programme | None) -> None:
        super().__init__()
        self.kind = kind
        self.channel = channel
        self.programme = programme

    def compose(self) -> ComposeResult:
        programme = self.programme
        with Vertical(classes="dialog"):
            title = {"move": "Move", "trim": "Change the end of", "insert": "Insert"}[self.kind]
            name = f" '{programme.title}'" if programme and self.kind != "insert" else ""
            yield Label(literal(f"{title}{name} on {self.channel}"), classes="dialog-title")
            if self.kind == "insert":
                after = programme.stop if programme and programme.stop else None
                yield Input(placeholder="title", id="title")
                yield Input(
                    after.isoformat() if after else "", placeholder="start (ISO, +1h…)", id="start"
                )
                yield Input("30m", placeholder="length (30m, 1h, 90s)", id="length")
                yield Input(placeholder="video locator (optional)", id="locator")
            elif self.kind == "move":
                assert programme is not None
                yield Input(programme.start.isoformat(), placeholder="new start", id="start")
            else:
                assert programme is not None
                stop = programme.stop.isoformat() if programme.stop else ""
                yield Input(stop, placeholder="new stop", id="stop")
            yield Static("", id="problem")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save", variant="primary", id="save")
                yield Button("Cancel", id="cancel")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self._save()
        else:
            self.dismiss(None)

    def on_input_submitted(self) -> None:
        self._save()

    def _value(self, name: str) -> str:
        return self.query_one(f"#{name}", Input).value.strip()

    def _save(self) -> None:
        try:
            self.dismiss(self._result())
        except ValueError as error:
            self.query_one("#problem", Static).update(problem(str(error)))

    def _result(self) -> EditResult:
        programme = self.programme
        if self.kind == "insert":
            title = self._value("title")
            if not title:
                raise ValueError("a programme needs a title")
            start = parse_instant(self._value("start"))
            stop = start + parse_duration(self._value("length"))
            locator = self._value("locator") or None
            return EditResult(
                None, Programme(self.channel, start, stop, titles=(Text(title),), locator=locator)
            )
        assert programme is not None
        if self.kind == "move":
            start = parse_instant(self._value("start"))
            length = programme.stop - programme.start if programme.stop else None
            moved = replace(programme, start=start, stop=start + length if length else None)
            return EditResult(programme, moved)
        stop = parse_instant(self._value("stop"))
        if stop <= programme.start:
            raise ValueError("the stop must come after the start")
        return EditResult(programme, replace(programme, stop=stop))
