"""What every dialog shares: one-line labelled fields, selects with type-ahead, the keys
(``ctrl+s`` confirms, ``esc`` cancels, both said on the dialog's hint line), the choices
remembered (``preferences.json``), and previews worked out as the core's jobs.

An 80×24 terminal leaves a dialog about twenty lines: bordered inputs take three each, so
the plan dialog's preview had no height at all and Settings lost its buttons. Every field
here takes one line and carries its label, so a filled field still says what it is.
"""

from __future__ import annotations

import logging
import re
import time
import weakref
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any, ClassVar, TypeVar

from rich.text import Text
from textual import events, work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Select, Static
from textual.widgets._select import SelectCurrent, SelectOverlay

from core.engine import Engine, StoreOperation
from core.errors import ScheduleFlowError
from core.jobs import Job, JobState
from core.preferences import dialog_choices, keep_dialog_choices
from core.store import Store
from tui.literal import problem

__all__ = [
    "Choice",
    "Dialog",
    "PreviewDialog",
    "buttons",
    "field",
    "hint",
    "in_dialog",
    "job_trouble",
    "named",
    "recall",
    "remember",
]

R = TypeVar("R")
log = logging.getLogger("scheduleflow.tui")


# -- fields ----------------------------------------------------------------------------------
def field(label: str, widget: Widget, *, wide: bool = False) -> Horizontal:
    """One line: the label, then the widget (compact: no border)."""
    if isinstance(widget, (Input, Select, Button)):
        widget.compact = True
    return Horizontal(
        Label(label, classes="field-label"), widget, classes="field wide" if wide else "field"
    )


def hint(text: str) -> Static:
    """The dialog's keys, on the line beside its buttons."""
    return Static(text, classes="dialog-hint")


def buttons(keys: str, *items: Button) -> Horizontal:
    """The last line of a dialog: what its keys do, then its buttons (compact)."""
    for item in items:
        item.compact = True
    return Horizontal(hint(keys), *items, classes="dialog-buttons")


class _Overlay(SelectOverlay):
    """Textual's drop-down list, safe from a page key that arrives before it has a size.

    ``enter`` then ``pagedown`` in one burst (a paste, a fast typist over SSH) reached
    ``OptionList._move_page`` before the list was laid out: its line table was still empty
    and the lookup raised KeyError, which ended the app.
    """

    def _move_page(self, direction: Any) -> None:
        if not self._lines or (self.highlighted or 0) not in self._index_to_line:
            return
        super()._move_page(direction)


class Choice(Select[str], inherit_bindings=False):
    """A one-line select with type-ahead even while closed: typing ``Fi`` on it chooses the
    first option whose name starts with (else holds) "fi", as a browser's select does.

    Textual's open list already searches as one types; this spares the ``enter`` that opens
    it. Letters typed within ``PAUSE`` seconds of each other make one query.
    """

    PAUSE = 0.8

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space,down,up", "show_overlay", "Show menu", show=False),
        Binding("enter", "submit", "Submit", show=False),
    ]

    class Submitted(Message):
        """``enter`` on the closed select: the dialog's own ``enter`` (preview, save)."""

        def __init__(self, choice: Choice) -> None:
            super().__init__()
            self.choice = choice

    def action_submit(self) -> None:
        self.post_message(self.Submitted(self))

    def __init__(self, options: Iterable[tuple[str | Text, str]], **kwargs: Any) -> None:
        kwargs.setdefault("compact", True)
        super().__init__(options, **kwargs)
        self._query = ""
        self._typed_at = 0.0

    def compose(self) -> ComposeResult:
        yield SelectCurrent(self.prompt)
        yield _Overlay(type_to_search=self._type_to_search).data_bind(compact=Select.compact)

    def check_consume_key(self, key: str, character: str | None = None) -> bool:
        """Letters typed on the select are its own (not the screen's or the app's keys)."""
        return character is not None and character.isprintable() and character != " "

    async def _on_key(self, event: events.Key) -> None:
        character = event.character
        if self.expanded or character is None or not character.isprintable() or character == " ":
            return
        event.stop()
        event.prevent_default()
        now = time.monotonic()
        self._query = (self._query if now - self._typed_at < self.PAUSE else "") + character
        self._typed_at = now
        value = self.match(self._query)
        if value is not None and value != self.value:
            self.value = value

    def match(self, query: str) -> str | None:
        """The value of the first option named ``query…``, else of the first holding it."""
        wanted = query.lower()
        names = [(_plain(prompt).lower(), value) for prompt, value in self._options]
        names = [(name, value) for name, value in names if value is not Select.NULL]
        for name, value in names:
            if name.startswith(wanted):
                return str(value)
        for name, value in names:
            if wanted in name:
                return str(value)
        return None

    @property
    def text(self) -> str:
        """The chosen value, or "" when none."""
        return "" if self.value is Select.NULL else str(self.value)


def _plain(prompt: object) -> str:
    if isinstance(prompt, Text):
        return prompt.plain
    return str(prompt)


# -- the core's words, as a dialog says them -----------------------------------------------
_FLAG = re.compile(
    r"(?:\b(add|give|with|pass)\s+)?(?<![^\s(])--([a-z][a-z-]*)(?![\w/]|\.\w)(?:\s+[A-Z]+\b)?"
)
"""An option as the core names it: a word of its own (``--group``, ``give --filler GROUP``),
never a piece of a path or a name (``/srv/x--group.db``, ``--group.xml``)."""


FIELDS: dict[str, dict[str, str]] = {
    "plan": {
        "channel": "Channel",
        "from": "From",
        "to": "To",
        "group": "Group",
        "template": "Template",
        "filler": "Filler",
        "seed": "Seed",
        "grid": "Grid",
        "order": "Order",
    },
    "fix": {"group": "Fill from", "policy": "Policy", "channel": "Scope"},
    "export": {"filler": "Filler", "from": "From", "to": "To", "channel": "Channel"},
    "import": {"format": "Format", "channel": "Channel"},
}
"""Per dialog (and the kind of job it starts): the command line's options as its fields."""


_FIX = re.compile(r"`?scheduleflow fix (\w+)(?:\s+--[a-z-]+(?:\s+[^\s`-][^\s`]*)?)*`?")
"""A fix the core suggests as a command: in the TUI it is ``f`` on a finding of its kind."""


_QUOTED = re.compile(r"(?<!\w)('(?:[^'\n]|'(?=\w))*')(?!\w)")
"""A value a message quotes ('…', as the core quotes names and titles, with apostrophes of
its own: 'Bob's picks'; not the apostrophe of "channel's"): it may come from a file, and is
shown as it is."""


def in_dialog(said: ScheduleFlowError | str, fields: Mapping[str, str]) -> str:
    """The core's one line with its command-line options named as the dialog's fields.

    The core speaks to the command line ("fill needs a library group — add --group NAME");
    in a dialog that sends the operator looking for a flag they cannot type. ``fields``
    maps an option (``group``) to the field's label (``Fill from``); a suggested
    ``scheduleflow fix gap …`` becomes the key that does it. Only ScheduleFlow's own words
    are reworded: the file an error names and the values it quotes (a group, a title) may
    come from a file, and a file called ``x--group.xml`` is shown as it is called.
    """
    if isinstance(said, str):
        return _reworded(said, fields)
    message = _reworded(said.message, fields)
    text = f"{said.where}: {message}" if said.where else message
    if said.hint:
        text += f" — {_reworded(said.hint, fields)}"
    return text


def _reworded(text: str, fields: Mapping[str, str]) -> str:
    """``text`` with its options as fields, outside the values it quotes."""

    def named(match: re.Match[str]) -> str:
        verb, option = match.groups()
        label = fields.get(option)
        if label is None:
            return match.group(0)
        if verb is None:
            return label
        return f"in the {label} field" if verb == "with" else f"use the {label} field"

    def ours(part: str) -> str:
        part = _FIX.sub(lambda match: f"f on {_a(match.group(1))} finding", part)
        return _FLAG.sub(named, part)

    parts = _QUOTED.split(text)  # odd places: the quoted values
    return "".join(part if index % 2 else ours(part) for index, part in enumerate(parts))


def _a(kind: str) -> str:
    return f"an {kind}" if kind[0] in "aeiou" else f"a {kind}"


def named(label: str, read: Callable[[], R]) -> R:
    """``read()``, with the field's label in front of its ValueError: the form's own
    mistakes say which field holds them ("From: 'next tuesday' is not a time …")."""
    try:
        return read()
    except ValueError as error:
        raise ValueError(f"{label}: {error}") from None


def job_trouble(kind: str, said: ScheduleFlowError | str) -> str:
    """A failed job's line, with the options named as the fields of the dialog that
    started a job of ``kind`` (an export's "give --filler GROUP" names the Filler field)."""
    return in_dialog(said, FIELDS.get(kind, {}))


# -- what the operator chose last (kept in preferences.json) -------------------------------
_MEMORY: weakref.WeakKeyDictionary[App[Any], dict[str, dict[str, str]]] = (
    weakref.WeakKeyDictionary()
)


def remember(app: App[Any], dialog: str, values: dict[str, str]) -> None:
    """Keep the choices a dialog was confirmed with, for its next opening, in this session
    and the next (``preferences.json``). A file that cannot be written is logged; the
    session remembers all the same."""
    _memory(app)[dialog] = dict(values)
    home = _home(app)
    if home is None:
        return
    try:
        keep_dialog_choices(home, dialog, values)
    except OSError as error:
        log.warning("the choices of the %s dialog are not kept: %s", dialog, error)


def recall(app: App[Any], dialog: str) -> dict[str, str]:
    """The choices ``dialog`` was last confirmed with (empty: none yet)."""
    return dict(_memory(app).get(dialog, {}))


def _memory(app: App[Any]) -> dict[str, dict[str, str]]:
    memory = _MEMORY.get(app)
    if memory is None:
        home = _home(app)
        memory = _MEMORY[app] = dialog_choices(home) if home is not None else {}
    return memory


def _home(app: App[Any]) -> Path | None:
    """The data directory of the app's session (where ``preferences.json`` is)."""
    engine = getattr(app, "engine", None)
    return engine.home if isinstance(engine, Engine) else None


# -- the dialogs -----------------------------------------------------------------------------
class Dialog(ModalScreen[R | None]):
    """A dialog: ``ctrl+s`` confirms (``action_confirm``), ``esc`` cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="dialog.cancel"),
        Binding("ctrl+s", "confirm", "Apply", id="dialog.confirm", priority=True),
    ]

    BUTTONS: ClassVar[Mapping[str, str]] = {}
    """What each button does: its id → the action it runs (``confirm``: the main button,
    ``preview``); any other button (Cancel) cancels."""
    ENTER: ClassVar[str] = "confirm"
    """What ``enter`` in a field runs: ``confirm`` where that is unambiguous, else
    ``preview`` (the import and plan dialogs: look first, ``ctrl+s`` applies)."""

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self._run(self.BUTTONS.get(event.button.id or "", "cancel"))

    def on_input_submitted(self) -> None:
        self._run(self.ENTER)

    def on_choice_submitted(self) -> None:
        self._run(self.ENTER)

    def _run(self, action: str) -> None:
        getattr(self, f"action_{action}")()

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_confirm(self) -> None:
        """What ``ctrl+s`` does (the dialog's main button)."""

    def recall(self, name: str) -> dict[str, str]:
        return recall(self.app, name)

    def remember(self, name: str, values: dict[str, str]) -> None:
        remember(self.app, name, values)

    def set_choice(self, selector: str, value: str | None) -> None:
        """Choose ``value`` in a select when it is one of its options (a remembered group may
        have gone from the library since)."""
        if not value:
            return
        choice = self.query_one(selector, Select)
        if any(option == value for _, option in choice._options):
            choice.value = value


class PreviewDialog(Dialog[R]):
    """A dialog that works something out before it applies (a fix, a plan, an import).

    The work is a job of the core's queue (kind ``preview``): the session's role is
    checked, the kind's timeout applies, the Jobs pane and the job history show it. A newer
    preview cancels the one still running. What goes wrong is said where the preview goes:
    the core's one line for its own errors; for anything else, that it was unexpected and
    the traceback is in the log (the queue logs it), never the bare exception's text.
    """

    engine: Engine
    preview_job: Job | None = None
    FIELDS_OF: ClassVar[str] = ""
    """The kind of job the dialog starts: its options are named as its fields (``FIELDS``)."""

    def start_preview(
        self,
        compute: Callable[[Store], Any],
        *,
        label: str,
        permission: str,
    ) -> None:
        """Queue ``compute(store)`` as a preview job and show its outcome when it ends."""
        self.cancel_preview()

        def operation(store: Store, _context: Any) -> Any:
            return compute(store)

        run: StoreOperation = operation
        try:
            job = self.engine.submit(
                "preview",
                run,
                label=label,
                permission=permission,
                timeout=self.engine.config.jobs.timeouts.get(permission),
            )
        except ScheduleFlowError as error:  # the role may not: said in the dialog
            self.settle(None, self.in_fields(error))
            return
        self.preview_job = job
        self._wait(job)

    def cancel_preview(self) -> None:
        job = self.preview_job
        if job is not None and not job.state.finished:
            self.engine.queue.cancel(job.id)
        self.preview_job = None

    @work(exclusive=True, group="preview", exit_on_error=False)
    async def _wait(self, job: Job) -> None:
        await self.engine.queue.wait(job)
        if job is not self.preview_job:  # a newer preview replaced it
            return
        if job.state is JobState.SUCCEEDED:
            self.settle(job.result, None)
        elif isinstance(job.error, ScheduleFlowError):
            self.settle(None, self.in_fields(job.error))
        elif job.state is not JobState.FAILED:  # cancelled or timed out: the queue's words
            self.settle(None, job.error_message or str(job.state))
        else:
            self.settle(None, f"unexpected error; the details are in the log (job {job.id})")

    def in_fields(self, error: ScheduleFlowError) -> str:
        """The core's error as this dialog says it (its options named as its fields)."""
        return in_dialog(error, FIELDS.get(self.FIELDS_OF, {}))

    def settle(self, result: Any, trouble: str | None) -> None:
        """The preview's outcome: a result to show, or what is wrong."""
        if result is None:
            self.show_problem(trouble or "")
        else:
            self.show_result(result)

    def show_result(self, result: Any) -> None:
        raise NotImplementedError

    def show_problem(self, message: str) -> None:
        self.query_one("#preview", Static).update(problem(message))

    def on_unmount(self) -> None:
        self.cancel_preview()

