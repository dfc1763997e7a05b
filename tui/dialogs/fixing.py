"""The fix dialog: choose a policy, see the exact changes, apply them (as a job)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Label, Static

from core.engine import Engine
from core.rules.findings import FIXES
from core.rules.fixes import FixPlan, plan_fix
from tui.dialogs.form import Choice, PreviewDialog, buttons, field
from tui.literal import literal_lines, literal_text, problem

__all__ = ["FixDialog"]


class FixDialog(PreviewDialog[FixPlan]):
    """Preview a fix of ``kind`` on one channel (or all) and confirm it.

    The preview is worked out as soon as the dialog opens and after every change, so ``f``
    then ``ctrl+s`` (or ``enter``) fixes a finding. The policy and the fill group chosen last
    for this kind are offered again (kept for the next start too).
    """

    FIELDS_OF = "fix"
    BUTTONS: ClassVar[Mapping[str, str]] = {"apply": "confirm", "preview-button": "preview"}

    def __init__(self, engine: Engine, kind: str, channel: str | None, groups: list[str]) -> None:
        super().__init__()
        self.engine = engine
        self.kind = kind
        self.channel = channel
        self.groups = groups
        self.plan: FixPlan | None = None
        self.asked: tuple[str, str, str | None] | None = None  # the options last previewed

    def compose(self) -> ComposeResult:
        policies = FIXES.get(self.kind, ())
        with Vertical(classes="dialog wide tall"):
            yield Label(f"Fix {self.kind} findings", classes="dialog-title")
            if not policies:
                yield Static(f"There is no automatic fix for {self.kind} findings.")
            else:
                with Horizontal(classes="dialog-row"):
                    yield field(
                        "Policy",
                        Choice(
                            [(p, p) for p in policies],
                            value=policies[0],
                            allow_blank=False,
                            id="policy",
                        ),
                    )
                    scope: list[tuple[str | Text, str]] = [("all channels", "*")]
                    if self.channel:
                        scope.insert(0, (literal_text(self.channel), self.channel))
                    yield field(
                        "Scope",
                        Choice(scope, value=scope[0][1], allow_blank=False, id="scope"),
                    )
                if "fill" in policies:
                    yield field(
                        "Fill from",
                        Choice(
                            [(literal_text(g), g) for g in self.groups],
                            prompt="a library group (type its first letters)",
                            id="group",
                        ),
                        wide=True,
                    )
            with VerticalScroll(id="preview-box"):
                yield Static("Choose a policy to see the changes.", id="preview")
            yield buttons(
                "ctrl+s/enter apply · esc cancel",
                Button("Preview", id="preview-button", disabled=not policies),
                Button("Apply", variant="primary", id="apply", disabled=True),
                Button("Cancel", id="cancel"),
            )

    def on_mount(self) -> None:
        if not FIXES.get(self.kind):
            return
        remembered = self.recall(f"fix {self.kind}")
        self.set_choice("#policy", remembered.get("policy"))
        if self.query("#group"):
            self.set_choice("#group", remembered.get("group"))
        self.query_one("#policy").focus()
        self.refresh_preview()  # focuses Fill from when a fill still needs its group

    def on_select_changed(self) -> None:
        self.refresh_preview()

    def action_preview(self) -> None:
        """The Preview button: asked for again, as the store may have changed meanwhile."""
        self.asked = None
        self.refresh_preview()

    def action_confirm(self) -> None:
        """Apply the changes shown (nothing while they are still being worked out)."""
        if self.plan is None or not self.plan.changes:
            return
        values = {"policy": self._choice("#policy")}
        if self.query("#group"):
            values["group"] = self._choice("#group")
        self.remember(f"fix {self.kind}", values)
        self.dismiss(self.plan)

    def _choice(self, selector: str) -> str:
        return self.query_one(selector, Choice).text

    def refresh_preview(self) -> None:
        """Work the plan out again for the chosen options."""
        policy = self._choice("#policy")
        scope = self._choice("#scope")
        group = self._choice("#group") or None if self.query("#group") else None
        if (policy, scope, group) == self.asked:  # a select said it changed to what it was
            return
        self.asked = (policy, scope, group)
        self.plan = None
        self.query_one("#apply", Button).disabled = True
        if policy == "fill" and group is None:  # said here, before the core asks for --group
            self.show_problem("fill needs a library group: choose one in Fill from")
            self.query_one("#group").focus()
            return
        self.query_one("#preview", Static).update("working out the changes …")
        self.start_preview(
            lambda store: plan_fix(
                store,
                self.kind,
                policy,
                defaults=self.engine.config.rules,
                channels=None if scope == "*" else [scope],
                group=group,
            ),
            label=f"preview a fix of {self.kind} ({policy})",
            permission="fix",
        )

    def show_problem(self, message: str) -> None:
        self.query_one("#preview", Static).update(problem(message))

    def show_result(self, plan: FixPlan) -> None:
        self.plan = plan
        preview = self.query_one("#preview", Static)
        lines = plan.preview()
        if not plan.changes:
            lines.append("nothing to change")
        shown = lines[:400] + ([f"… and {len(lines) - 400} more lines"] if len(lines) > 400 else [])
        preview.update(literal_lines(shown))
        self.query_one("#apply", Button).disabled = plan.changes == 0
