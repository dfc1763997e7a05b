"""Small dialogs: a one-line question and a yes/no confirmation."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from tui.literal import literal, problem

__all__ = ["Ask", "Confirm", "PreviewInThread"]


class Ask(ModalScreen[str | None]):
    """Ask for one line of text; ``enter`` answers, ``esc`` cancels."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel", id="dialog.cancel")]

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

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)


class Confirm(ModalScreen[bool]):
    """A yes/no question; ``y`` or ``enter`` confirms, ``n`` or ``esc`` declines."""

    BINDINGS = [
        Binding("y", "dismiss(True)", "Yes", id="confirm.yes"),
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
            with Horizontal(classes="dialog-buttons"):
                yield Button(f"{self.yes} (y)", variant="primary", id="yes")
                yield Button(f"{self.no} (n)", id="no")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")


class PreviewInThread:
    """For dialogs that work out a preview (a fix, a plan) on a store connection of their own,
    off the event loop, show it in ``#preview``, and dismiss with it when ``#apply`` is
    pressed. ``refresh_preview`` starts the work; ``_show(result)`` draws a result; an error
    is shown as its one line."""

    engine: Any
    app: Any
    plan: Any
    query_one: Any  # the screen's
    dismiss: Any  # the screen's

    def refresh_preview(self) -> None:
        raise NotImplementedError

    def _show(self, result: Any) -> None:
        raise NotImplementedError

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "preview-button":
            self.refresh_preview()
        elif event.button.id == "apply" and self.plan is not None:
            self.dismiss(self.plan)
        else:
            self.dismiss(None)

    def _settle(self, result: Any, trouble: str | None) -> None:
        """The preview's outcome: the result to apply, or what is wrong."""
        self.plan = result
        if result is None:
            self.query_one("#preview", Static).update(problem(trouble or ""))
        else:
            self._show(result)

    @work(thread=True, exclusive=True, exit_on_error=False, group="preview")
    def work_out(self, compute: Callable[[Any], Any]) -> None:
        """Run ``compute(store)`` in a worker thread; a newer call replaces an older one."""
        try:
            with self.engine.open_store() as store:
                result = compute(store)
        except Exception as error:
            self.app.call_from_thread(self._settle, None, str(error))
            return
        self.app.call_from_thread(self._settle, result, None)
