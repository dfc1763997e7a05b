"""The plan dialog: fill a channel's window from a library group or a template, see every
programme it would add, then apply it (as a job, with a backup and undo)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Input, Label, Static

from core.engine import Engine
from core.errors import ScheduleFlowError
from core.planner import Plan, load_template, make_plan, single_group
from core.planner.templates import Template
from core.timeargs import parse_duration, parse_instant
from tui.dialogs.form import Choice, PreviewDialog, buttons, field, named
from tui.literal import literal_lines, literal_text, problem

__all__ = ["PlanDialog", "default_window"]

GRIDS = [("no grid", ""), ("15 min grid", "15m"), ("30 min grid", "30m"), ("1 h grid", "1h")]


def default_window(last_stop: datetime | None, now: datetime) -> tuple[datetime, datetime]:
    """Where planning usually continues: from the end of the schedule (or the next hour when
    it has ended or there is none), for a day."""
    start = now.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    if last_stop is not None and last_stop > now:
        start = last_stop
    return start, start + timedelta(days=1)


_REMEMBERED = ("group", "order", "grid", "filler")


class PlanDialog(PreviewDialog[Plan]):
    """Choose what fills which window; preview (``enter``); apply (``ctrl+s``).

    ``enter`` in any field works the plan out; ``ctrl+s`` applies the plan shown, or works it
    out first when the form changed since. The group, order, grid and filler chosen last
    are offered again (kept for the next start too).
    """

    FIELDS_OF = "plan"
    BUTTONS: ClassVar[Mapping[str, str]] = {"apply": "confirm", "preview-button": "preview"}
    ENTER = "preview"

    def __init__(self, engine: Engine, channel: str | None, groups: list[str]) -> None:
        super().__init__()
        self.engine = engine
        self.channel = channel or ""
        self.groups = groups
        self.plan: Plan | None = None
        self.apply_when_ready = False

    def compose(self) -> ComposeResult:
        last = self.engine.store.time_range(self.channel)[1] if self.channel else None
        start, stop = default_window(last, datetime.now(UTC))
        choices = [(literal_text(g), g) for g in self.groups]
        with Vertical(classes="dialog wide tall"):
            yield Label("Plan from the library", classes="dialog-title")
            with Horizontal(classes="dialog-row"):
                yield field("Channel", Input(self.channel, placeholder="channel id", id="channel"))
                yield field("Group", Choice(choices, prompt="type to choose", id="group"))
            with Horizontal(classes="dialog-row"):
                yield field(
                    "From",
                    Input(start.isoformat(timespec="minutes"), placeholder="now, +1h…", id="from"),
                )
                yield field(
                    "To",
                    Input(
                        stop.isoformat(timespec="minutes"), placeholder="+1d (after From)", id="to"
                    ),
                )
            with Horizontal(classes="dialog-row"):
                yield field(
                    "Order",
                    Choice(
                        [("in order", "sequential"), ("shuffled", "shuffle")],
                        value="sequential",
                        allow_blank=False,
                        id="order",
                    ),
                )
                yield field("Grid", Choice(GRIDS, value="", allow_blank=False, id="grid"))
            with Horizontal(classes="dialog-row"):
                yield field("Filler", Choice(choices, prompt="none", id="filler"))
                yield field("Seed", Input(placeholder="shuffle seed", id="seed", type="integer"))
            yield field(
                "Template",
                Input(placeholder="a template file (.toml) instead of Group", id="template"),
                wide=True,
            )
            with VerticalScroll(id="preview-box"):
                yield Static("Choose a Group (or a Template), then enter to preview.", id="preview")
            yield buttons(
                "enter preview · ctrl+s apply · esc cancel",
                Button("Preview", id="preview-button"),
                Button("Apply", variant="primary", id="apply", disabled=True),
                Button("Cancel", id="cancel"),
            )

    def on_mount(self) -> None:
        remembered = self.recall("plan")
        for name in _REMEMBERED:
            self.set_choice(f"#{name}", remembered.get(name))
        self.query_one("#group" if self.channel else "#channel").focus()

    def on_input_changed(self) -> None:
        self._stale()

    def on_select_changed(self) -> None:
        self._stale()

    def action_preview(self) -> None:
        self.refresh_preview()

    def action_confirm(self) -> None:
        """Apply the plan shown; with none (or a stale one) work it out, then apply it."""
        if self.plan is not None and self.plan.added:
            self.remember("plan", {name: self._value(f"#{name}") for name in _REMEMBERED})
            self.dismiss(self.plan)
            return
        self.apply_when_ready = True
        self.refresh_preview()

    def _stale(self) -> None:
        """Any change makes the preview out of date: apply only what was seen."""
        self.plan = None
        self.apply_when_ready = False
        self.query_one("#apply", Button).disabled = True

    def _value(self, selector: str) -> str:
        widget = self.query_one(selector)
        if isinstance(widget, Choice):
            return widget.text
        assert isinstance(widget, Input)
        return widget.value.strip()

    def refresh_preview(self) -> None:
        """Read the form; show what is wrong with it, or work the plan out."""
        apply_next = self.apply_when_ready
        try:
            channel = self._value("#channel")
            if not channel:
                raise ValueError("give the Channel (a channel id)")
            start = named("From", lambda: parse_instant(self._value("#from")))
            stop = named("To", lambda: parse_instant(self._value("#to"), relative_to=start))
            template: Template
            if self._value("#template"):
                template = load_template(Path(self._value("#template")).expanduser())
            elif self._value("#group"):
                shuffle = self._value("#order") == "shuffle"
                template = single_group(
                    self._value("#group"), "shuffle" if shuffle else "sequential"
                )
            else:
                raise ValueError("choose a Group (type its first letters) or give a Template")
            seed = (
                named("Seed", lambda: int(self._value("#seed"))) if self._value("#seed") else None
            )
            grid = parse_duration(self._value("#grid")) if self._value("#grid") else None
        except (ValueError, ScheduleFlowError) as error:  # the form's own mistakes
            self._stale()
            said = self.in_fields(error) if isinstance(error, ScheduleFlowError) else str(error)
            self.show_problem(said)
            return
        self._stale()
        self.apply_when_ready = apply_next
        self.query_one("#preview", Static).update("working out the plan …")
        filler = self._value("#filler") or None
        self.start_preview(
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
            ),
            label=f"preview a plan of {channel}",
            permission="plan",
        )

    def show_problem(self, message: str) -> None:
        self.apply_when_ready = False
        self.query_one("#preview", Static).update(problem(message))

    def show_result(self, plan: Plan) -> None:
        self.plan = plan
        preview = self.query_one("#preview", Static)
        preview.update(literal_lines(plan.preview(limit=400)))
        self.query_one("#apply", Button).disabled = not plan.added
        if self.apply_when_ready and plan.added:
            self.action_confirm()
        self.apply_when_ready = False
