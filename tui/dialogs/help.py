"""Help: every key of the screen underneath, as it is bound right now."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Label, Static

__all__ = ["HelpScreen"]

_NAMES = {
    "question_mark": "?",
    "colon": ":",
    "slash": "/",
    "plus": "+",
    "minus": "-",
    "equals_sign": "=",
    "escape": "esc",
}


_TITLES = {
    "MainScreen": "Main screen",
    "ChannelList": "Channels",
    "Timeline": "Timeline",
    "ProgrammeTable": "Programmes",
    "FindingsTree": "Findings",
    "JobsTable": "Jobs",
    "LogPanel": "Log",
}
"""Each part of the screen by the name its pane shows, not by its class."""

DIALOG_KEYS = [
    ("ctrl+s", "apply, save, export, import (the dialog's main button)"),
    ("enter", "preview in plan and import; confirm in the others"),
    ("esc", "cancel; in an open list, close it"),
    ("letters", "on a list: choose the first entry they start (Fi → Filler)"),
    ("space, down", "open a list"),
]
"""The keys every dialog shares (``tui/dialogs/form.py``)."""


def _keys(key: str) -> str:
    return ", ".join(_NAMES.get(part, part) for part in key.split(","))


class HelpScreen(ModalScreen[None]):
    """The keys of the screen that asked for help."""

    BINDINGS = [
        Binding("escape,q,question_mark", "dismiss", "Close", id="help.close"),
        Binding("j,down", "scroll(1)", "Down", show=False, id="help.down"),
        Binding("k,up", "scroll(-1)", "Up", show=False, id="help.up"),
        Binding("pagedown,space", "scroll(10)", "Page down", show=False, id="help.pagedown"),
        Binding("pageup", "scroll(-10)", "Page up", show=False, id="help.pageup"),
    ]

    def __init__(self, screen: Screen[object]) -> None:
        super().__init__()
        self.under = screen

    def compose(self) -> ComposeResult:
        lines: list[str] = []
        seen: set[tuple[str, str]] = set()
        for node in (self.under, *self.under.walk_children()):
            bindings = getattr(node, "BINDINGS", [])
            title = _TITLES.get(type(node).__name__, type(node).__name__)
            rows = []
            for binding in bindings:
                if not isinstance(binding, Binding) or binding.description == "":
                    continue
                text = f"  {_keys(binding.key):<18} {binding.description}"
                if (title, text) not in seen:
                    seen.add((title, text))
                    rows.append(text)
            if rows:
                lines.append(f"[b]{title}[/b]")
                lines.extend(rows)
        lines.append("[b]Everywhere[/b]")
        lines.append("  ctrl+p, :          command palette (every action)")
        lines.append("  tab, shift+tab     next / previous pane")
        lines.append("  ?                  this help")
        lines.append("  q                  quit")
        lines.append("[b]In dialogs[/b]")
        lines.extend(f"  {keys:<18} {what}" for keys, what in DIALOG_KEYS)
        with Vertical(classes="dialog wide tall"):
            yield Label("Keys", classes="dialog-title")
            with VerticalScroll(id="keys"):
                yield Static("\n".join(line.replace("[", r"\[", 0) for line in lines))
            yield Static("esc closes · j/k, arrows, space scroll", classes="dialog-hint")

    def action_scroll(self, step: int) -> None:
        self.query_one("#keys", VerticalScroll).scroll_relative(y=step, animate=False)
