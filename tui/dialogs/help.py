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


def _keys(key: str) -> str:
    return ", ".join(_NAMES.get(part, part) for part in key.split(","))


class HelpScreen(ModalScreen[None]):
    """The keys of the screen that asked for help."""

    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Close", id="help.close")]

    def __init__(self, screen: Screen[object]) -> None:
        super().__init__()
        self.under = screen

    def compose(self) -> ComposeResult:
        lines: list[str] = []
        seen: set[tuple[str, str]] = set()
        for node in (self.under, *self.under.walk_children()):
            bindings = getattr(node, "BINDINGS", [])
            title = type(node).__name__
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
        with Vertical(classes="dialog wide tall"):
            yield Label("Keys", classes="dialog-title")
            with VerticalScroll():
                yield Static("\n".join(line.replace("[", r"\[", 0) for line in lines))
