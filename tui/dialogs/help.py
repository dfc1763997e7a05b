"""Help: every key of the screen underneath, as it is bound right now."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Label, Static

from tui.keys import bound_keys

__all__ = ["HelpScreen"]


class HelpScreen(ModalScreen[None]):
    """The keys of the screen that asked for help."""

    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Close", id="help.close")]

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
        with Vertical(classes="dialog wide tall"):
            yield Label("Keys", classes="dialog-title")
            with VerticalScroll():
                yield Static("\n".join(line.replace("[", r"\[", 0) for line in lines))
