"""Findings grouped by kind with counts; ``enter`` jumps to one, ``f`` fixes, ``u`` undoes."""

from __future__ import annotations

from collections import defaultdict

from textual.binding import Binding
from textual.message import Message
from textual.widgets import Tree

from core.rules.findings import KINDS, Finding
from tui.literal import literal_text

__all__ = ["FindingsTree"]

_SHOWN = 300
_ICON = {"error": "●", "warning": "▲", "info": "·"}


class FindingsTree(Tree[Finding | str]):
    """What the latest check found."""

    BINDINGS = [
        Binding("f", "fix", "Fix…", id="findings.fix"),
        Binding("u", "undo", "Undo", id="findings.undo"),
        Binding("j", "cursor_down", "Down", show=False, id="findings.down"),
        Binding("k", "cursor_up", "Up", show=False, id="findings.up"),
    ]

    class Jump(Message):
        """Show this finding in the timeline and the table."""

        def __init__(self, finding: Finding) -> None:
            self.finding = finding
            super().__init__()

    class FixRequested(Message):
        """Offer the fixes of a kind (for the chosen finding's channel)."""

        def __init__(self, kind: str, finding: Finding | None) -> None:
            self.kind = kind
            self.finding = finding
            super().__init__()

    class UndoRequested(Message):
        """Undo the last change."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__("Findings", **kwargs)  # type: ignore[arg-type]
        self.show_root = False
        self.findings: list[Finding] = []

    def set_findings(self, findings: list[Finding], checking: bool = False) -> None:
        """Show the findings of the latest check."""
        self.findings = findings
        self.clear()
        if checking and not findings:
            self.root.add_leaf("checking…")
            return
        if not findings:
            self.root.add_leaf("nothing to report")
            return
        by_kind: dict[str, list[Finding]] = defaultdict(list)
        for finding in findings:
            by_kind[finding.kind].append(finding)
        for kind in KINDS:
            items = by_kind.get(kind)
            if not items:
                continue
            errors = sum(1 for f in items if f.severity == "error")
            label = f"{kind} ({len(items)})" + (f" · {errors} errors" if errors else "")
            branch = self.root.add(label, data=kind, expand=len(by_kind) <= 3)
            for finding in items[:_SHOWN]:
                branch.add_leaf(
                    literal_text(f"{_ICON[finding.severity]} {finding.message}"), data=finding
                )
            if len(items) > _SHOWN:
                branch.add_leaf(f"… {len(items) - _SHOWN} more (narrow the check window)")

    def _chosen(self) -> tuple[str | None, Finding | None]:
        node = self.cursor_node
        if node is None:
            return None, None
        if isinstance(node.data, Finding):
            return node.data.kind, node.data
        if isinstance(node.data, str):
            return node.data, None
        return None, None

    def on_tree_node_selected(self, event: Tree.NodeSelected[Finding | str]) -> None:
        event.stop()
        if isinstance(event.node.data, Finding):
            self.post_message(self.Jump(event.node.data))

    def action_fix(self) -> None:
        kind, finding = self._chosen()
        if kind is not None:
            self.post_message(self.FixRequested(kind, finding))

    def action_undo(self) -> None:
        self.post_message(self.UndoRequested())
