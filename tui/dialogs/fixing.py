"""The fix dialog: choose a policy, see the exact changes, apply them (as a job)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Select, Static

from core.engine import Engine
from core.rules.findings import FIXES
from core.rules.fixes import FixPlan, plan_fix
from tui.dialogs.simple import PreviewInThread
from tui.literal import literal_lines, literal_text

__all__ = ["FixDialog"]


class FixDialog(PreviewInThread, ModalScreen[FixPlan | None]):
    """Preview a fix of ``kind`` on one channel (or all) and confirm it."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel", id="dialog.cancel")]

    def __init__(self, engine: Engine, kind: str, channel: str | None, groups: list[str]) -> None:
        super().__init__()
        self.engine = engine
        self.kind = kind
        self.channel = channel
        self.groups = groups
        self.plan: FixPlan | None = None

    def compose(self) -> ComposeResult:
        policies = FIXES.get(self.kind, ())
        with Vertical(classes="dialog wide tall"):
            yield Label(f"Fix {self.kind} findings", classes="dialog-title")
            if not policies:
                yield Static(f"There is no automatic fix for {self.kind} findings.")
            else:
                with Horizontal(classes="dialog-row"):
                    yield Select(
                        [(p, p) for p in policies],
                        value=policies[0],
                        allow_blank=False,
                        id="policy",
                    )
                    scope: list[tuple[str | Text, str]] = [("all channels", "*")]
                    if self.channel:
                        scope.insert(0, (literal_text(self.channel), self.channel))
                    yield Select(scope, value=scope[0][1], allow_blank=False, id="scope")
                    if "fill" in policies:
                        yield Select(
                            [(literal_text(g), g) for g in self.groups],
                            prompt="filler group",
                            id="group",
                        )
            with VerticalScroll(id="preview-box"):
                yield Static("Choose a policy to see the changes.", id="preview")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Preview", id="preview-button", disabled=not policies)
                yield Button("Apply", variant="primary", id="apply", disabled=True)
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        if FIXES.get(self.kind):
            self.refresh_preview()

    def on_select_changed(self) -> None:
        self.refresh_preview()

    def refresh_preview(self) -> None:
        """Work the plan out again for the chosen options."""
        policy = str(self.query_one("#policy", Select).value)
        scope = str(self.query_one("#scope", Select).value)
        group = None
        if self.query("#group"):
            value = self.query_one("#group", Select).value
            group = None if value is Select.NULL else str(value)
        self.query_one("#apply", Button).disabled = True
        self.query_one("#preview", Static).update("working out the changes …")
        self.work_out(
            lambda store: plan_fix(
                store,
                self.kind,
                policy,
                defaults=self.engine.config.rules,
                channels=None if scope == "*" else [scope],
                group=group,
            )
        )

    def _show(self, plan: FixPlan) -> None:
        preview = self.query_one("#preview", Static)
        lines = plan.preview()
        if not plan.changes:
            lines.append("nothing to change")
        shown = lines[:400] + ([f"… and {len(lines) - 400} more lines"] if len(lines) > 400 else [])
        preview.update(literal_lines(shown))
        self.query_one("#apply", Button).disabled = plan.changes == 0
