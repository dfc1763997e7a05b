"""Small dialogs: a one-line question and a yes/no confirmation."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from tui.dialogs.form import Dialog, buttons, hint
from tui.literal import literal

__all__ = ["Ask", "Confirm"]


class Ask(Dialog[str]):
    """Ask for one line of text; ``enter`` (or ``ctrl+s``) answers, ``esc`` cancels."""

    def __init__(self, title: str, prompt: str, value: str = "", placeholder: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.prompt = prompt
        self.value = value
        self.placeholder = placeholder

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(literal(self.title_text), classes="dialog-title")
            yield Static(literal(self.prompt), classes="dialog-text")
            yield Input(self.value, placeholder=self.placeholder, id="answer")
            yield hint("enter go · esc cancel")

    def action_confirm(self) -> None:
        self.dismiss(self.query_one("#answer", Input).value)


class Confirm(ModalScreen[bool]):
    """A yes/no question; ``y``, ``enter`` or ``ctrl+s`` confirms, ``n`` or ``esc`` declines."""

    BINDINGS = [
        Binding("y,ctrl+s", "dismiss(True)", "Yes", id="confirm.yes"),
        Binding("n,escape", "dismiss(False)", "No", id="confirm.no"),
    ]

    def __init__(self, title: str, text: str, yes: str = "Yes", no: str = "No") -> None:
        super().__init__()
        self.title_text = title
        self.text = text
        self.yes = yes
        self.no = no

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(literal(self.title_text), classes="dialog-title")
            yield Static(literal(self.text), classes="dialog-text")
            yield buttons(
                "y/enter yes · n/esc no",
                Button(f"{self.yes} (y)", variant="primary", id="yes"),
                Button(f"{self.no} (n)", id="no"),
            )

    def on_mount(self) -> None:
        self.query_one("#yes").focus()  # enter on it confirms

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")
