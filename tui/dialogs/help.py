"""Help: every key of the screen underneath, as it is bound right now."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Label, Static

from tui.keys import bound_keys

__all__ = ["HelpScreen"]

DIALOG_KEYS = [
    ("ctrl+s", "apply, save, export, import (the dialog's main button)"),
    ("enter", "preview in plan and import; confirm in the others"),
    ("esc", "cancel; in an open list, close it"),
    ("letters", "on a list: choose the first entry they start (Fi → Filler)"),
    ("space, down", "open a list"),
]
"""The keys every dialog shares (``tui/dialogs/form.py``)."""


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
        # the bindings as they are now, after the user's keymap, each pane by its own name
        lines: list[str] = []
        section = ""
        for key in bound_keys(self.under, self.app):
            if key.section != section:
                section = key.section
                lines.append(f"[b]{section}[/b]")
            lines.append(f"  {key.key_text:<18} {key.description}")
        lines.append("[b]Anywhere[/b]")
        lines.append("  tab, shift+tab     next / previous pane")
        lines.append("[b]In dialogs[/b]")
        lines.extend(f"  {keys:<18} {what}" for keys, what in DIALOG_KEYS)
        with Vertical(classes="dialog wide tall"):
            yield Label("Keys", classes="dialog-title")
            with VerticalScroll(id="keys"):
                yield Static("\n".join(line.replace("[", r"\[", 0) for line in lines))
            yield Static("esc closes · j/k, arrows, space scroll", classes="dialog-hint")

    def action_scroll(self, step: int) -> None:
        self.query_one("#keys", VerticalScroll).scroll_relative(y=step, animate=False)
