"""The plan dialog: fill a channel's window from a library group or a template, see every
programme it would add, then apply it (as a job, with a backup and undo)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from core.engine import Engine
from core.planner import Plan, load_template, make_plan, single_group
from core.planner.templates import Template
from core.timeargs import parse_duration, parse_instant
from tui.dialogs.simple import PreviewInThread
from tui.literal import literal_lines, literal_text

__all__ = ["PlanDialog", "default_window"]

GRIDS = [("no grid", ""), ("15 min grid", "15m"), ("30 min grid", "30m"), ("1 h grid", "1h")]


def default_window(last_stop: datetime | None, now: datetime) -> tuple[datetime, datetime]:
    """Where planning usually continues: from the end of the schedule (or the next hour when
    it has ended or there is none), for a day."""
    start = now.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    if last_stop is not None and last_stop > now:
        start = last_stop
    return start, start + timedelta(days=1)


class PlanDialog(PreviewInThread, ModalScreen[Plan | None]):
    """Choose what fills which window; preview; confirm."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel", id="dialog.cancel")]

    def __init__(self, engine: Engine, channel: str | None, groups: list[str]) -> None:
        super().__init__()
        self.engine = engine
        self.channel = channel or ""
        self.groups = groups
        self.plan: Plan | None = None

    def compose(self) -> ComposeResult:
        last = self.engine.store.time_range(self.channel)[1] if self.channel else None
        start, stop = default_window(last, datetime.now(UTC))
        choices = [(literal_text(g), g) for g in self.groups]
        with Vertical(classes="dialog wide tall"):
            yield Label("Plan from the library", classes="dialog-title")
            with Horizontal(classes="dialog-row"):
                yield Input(self.channel, placeholder="channel id", id="channel")
                yield Input(start.isoformat(timespec="minutes"), placeholder="from", id="from")
                yield Input(stop.isoformat(timespec="minutes"), placeholder="to", id="to")
            with Horizontal(classes="dialog-row"):
                yield Select(choices, prompt="group", id="group")
                yield Input(placeholder="or a template file (.toml)", id="template")
            with Horizontal(classes="dialog-row"):
                yield Select(
                    [("in order", "sequential"), ("shuffled", "shuffle")],
                    value="sequential",
                    allow_blank=False,
                    id="order",
                )
                yield Input(placeholder="seed", id="seed", type="integer")
                yield Select(GRIDS, value="", allow_blank=False, id="grid")
                yield Select(choices, prompt="filler group", id="filler")
            with VerticalScroll(id="preview-box"):
                yield Static(
                    "Choose a group (or a template), then Preview (or enter in a field).",
                    id="preview",
                )
            with Horizontal(classes="dialog-buttons"):
                yield Button("Preview", id="preview-button")
                yield Button("Apply", variant="primary", id="apply", disabled=True)
                yield Button("Cancel", id="cancel")

    def on_input_submitted(self) -> None:
        """Enter in any field previews (the keyboard way)."""
        self.refresh_preview()

    def on_input_changed(self) -> None:
        self._stale()

    def on_select_changed(self) -> None:
        self._stale()

    def _stale(self) -> None:
        """Any change makes the preview out of date: apply only what was seen."""
        self.plan = None
        self.query_one("#apply", Button).disabled = True

    def _value(self, selector: str) -> str:
        widget = self.query_one(selector)
        if isinstance(widget, Select):
            return "" if widget.value is Select.NULL else str(widget.value)
        assert isinstance(widget, Input)
        return widget.value.strip()

    def refresh_preview(self) -> None:
        """Read the form; show what is wrong with it, or work the plan out."""
        try:
            channel = self._value("#channel")
            if not channel:
                raise ValueError("give the channel id")
            start = parse_instant(self._value("#from"))
            stop = parse_instant(self._value("#to"), relative_to=start)
            template: Template
            if self._value("#template"):
                template = load_template(Path(self._value("#template")).expanduser())
            elif self._value("#group"):
                shuffle = self._value("#order") == "shuffle"
                template = single_group(
                    self._value("#group"), "shuffle" if shuffle else "sequential"
                )
            else:
                raise ValueError("choose a group or give a template file")
            seed = int(self._value("#seed")) if self._value("#seed") else None
            grid = parse_duration(self._value("#grid")) if self._value("#grid") else None
        except Exception as error:  # the form's own mistakes: said where the preview goes
            self._settle(None, str(error))
            return
        self._stale()
        self.query_one("#preview", Static).update("working out the plan …")
        filler = self._value("#filler") or None
        self.work_out(
            lambda store: make_plan(
                store,
                channel,
                start,
                stop,
                template,
                defaults=self.engine.config.rules,
                seed=seed,
                grid=grid,
                filler=filler,
            )
        )

    def _show(self, plan: Plan) -> None:
        preview = self.query_one("#preview", Static)
        preview.update(literal_lines(plan.preview(limit=400)))
        self.query_one("#apply", Button).disabled = not plan.added
