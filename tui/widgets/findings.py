"""Findings grouped by kind, then channel, with counts.

The streams the stream doctor found down or flapping (or whose asset an operator marked
unplayable) are a group of their own, ``unplayable streams``, after the other ``unplayable``
findings (missing files, wrong lengths): their fixes differ (disable, replace) and so does
what an operator does about them (call the provider, not re-encode a file).

``enter`` jumps the timeline and the table to a finding, ``d`` shows the whole of it, ``f``
fixes, ``u`` undoes. Each line is the core's message, which carries the date and the zone
(the channel is said by its group). Groups stay open or closed across the checks that follow
every change: the operator's place in the tree is not lost.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import tzinfo

from textual.binding import Binding
from textual.message import Message
from textual.widgets import Tree

from core.clock import moment_text
from core.rules.findings import KINDS, STREAM_FIXES, Finding
from core.words import count
from tui.literal import literal_text

__all__ = ["FindingsTree"]

_SHOWN = 300
_ICON = {"error": "●", "warning": "▲", "info": "·"}
_STREAMS = "unplayable streams"
"""The group of the unplayable findings the stream doctor made (they offer its fixes)."""
_AFTER = KINDS.index("unplayable") + 1
_GROUPS = (*KINDS[:_AFTER], _STREAMS, *KINDS[_AFTER:])
"""The groups in the order shown: the kinds, the streams' group after the other unplayable."""
_KIND_OF = {_STREAMS: "unplayable"}
"""The kind a group that is not named after one holds (what ``f`` offers fixes for)."""


def _group(finding: Finding) -> str:
    """The group a finding is shown in: its kind, or the streams' group for a stream's."""
    if finding.kind == "unplayable" and finding.fixes == STREAM_FIXES:
        return _STREAMS
    return finding.kind


def _count(name: str, items: list[Finding]) -> str:
    errors = sum(1 for f in items if f.severity == "error")
    return f"{name} ({len(items)})" + (f" · {count(errors, 'error')}" if errors else "")


def _line(finding: Finding, zone: tzinfo | None, written: tzinfo | None) -> str:
    """The icon and the message whole (cutting the channel's clause out by its text could cut
    a title); when the screen reads in another zone than the one the message is written in
    (the channel's own), the time in the screen's zone first, so the line agrees with the
    table and the timeline's axis."""
    line = f"{_ICON[finding.severity]} {finding.message}"
    if zone is None or written is None:
        return line
    local = finding.start.astimezone(zone)
    if local.utcoffset() == finding.start.astimezone(written).utcoffset():
        return line
    return f"{_ICON[finding.severity]} [{moment_text(local, zone)}] {finding.message}"


class FindingsTree(Tree[Finding | str | tuple[str, str]]):
    """What the latest check found."""

    HELP_TITLE = "Findings"  # how help and the palette name this pane

    BINDINGS = [
        Binding(
            "enter",
            "select_cursor",
            "Go to",
            show=False,
            id="findings.jump",
            tooltip="the finding in the timeline and the table; opens a group",
        ),
        Binding(
            "f",
            "fix",
            "Fix…",
            id="findings.fix",
            tooltip="preview the fixes that apply, then apply one",
        ),
        Binding(
            "d",
            "details",
            "Details",
            id="findings.details",
            tooltip="channel, date, programmes and fixes of one",
        ),
        Binding("u", "undo", "Undo", id="findings.undo", tooltip="says what it undoes, then asks"),
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

    class DetailsRequested(Message):
        """Show the whole of this finding."""

        def __init__(self, finding: Finding) -> None:
            self.finding = finding
            super().__init__()

    def __init__(self, **kwargs: object) -> None:
        super().__init__("Findings", **kwargs)  # type: ignore[arg-type]
        self.show_root = False
        self.findings: list[Finding] = []
        self.opened: dict[str | tuple[str, str], bool] = {}  # group → expanded, as left
        self.zone_of: Callable[[str | None], tzinfo | None] = lambda channel: None
        self.written_in: Callable[[str | None], tzinfo | None] = lambda channel: None
        """Each channel's own zone: the one its findings' messages are written in."""
        """The zone the screen reads a channel's times in (``None``: the message's own)."""
        self._checking = False

    def redraw(self) -> None:
        """Draw the same findings again (the screen's time zone changed)."""
        self.set_findings(self.findings, self._checking)

    def set_findings(self, findings: list[Finding], checking: bool = False) -> None:
        """Show the findings of the latest check, groups open or closed as they were."""
        self.findings = findings
        self._checking = checking
        self._remember_groups()
        self.clear()
        if checking and not findings:
            self.root.add_leaf("checking…")
            return
        if not findings:
            self.root.add_leaf("nothing to report")
            return
        by_kind: dict[str, dict[str, list[Finding]]] = defaultdict(lambda: defaultdict(list))
        for finding in findings:
            by_kind[_group(finding)][finding.channel].append(finding)
        for kind in _GROUPS:
            channels = by_kind.get(kind)
            if not channels:
                continue
            items = [f for group in channels.values() for f in group]
            branch = self.root.add(
                _count(kind, items), data=kind, expand=self.opened.get(kind, len(by_kind) <= 3)
            )
            for channel in sorted(channels):
                group = channels[channel]
                twig = branch.add(
                    literal_text(_count(channel, group)),
                    data=(kind, channel),
                    expand=self.opened.get((kind, channel), len(channels) == 1),
                )
                for finding in group[:_SHOWN]:
                    line = _line(finding, self.zone_of(channel), self.written_in(channel))
                    twig.add_leaf(literal_text(line), data=finding)
                if len(group) > _SHOWN:
                    twig.add_leaf(f"… {len(group) - _SHOWN} more (narrow the check window)")

    def _remember_groups(self) -> None:
        for node in self.root.children:
            if isinstance(node.data, str):
                self.opened[node.data] = node.is_expanded
            for twig in node.children:
                if isinstance(twig.data, tuple):
                    self.opened[twig.data] = twig.is_expanded

    def show_finding(self, finding: Finding) -> None:
        """Open the groups that hold ``finding`` and put the cursor on it (after the redraw
        that gives the opened lines their places)."""
        node = next((n for n in self._tree_nodes.values() if n.data is finding), None)
        if node is None:
            return
        group = node.parent
        while group is not None:  # the channel, then the kind
            group.expand()
            group = group.parent
        self.call_after_refresh(self.move_cursor, node)

    def _chosen(self) -> tuple[str | None, Finding | None]:
        node = self.cursor_node
        if node is None:
            return None, None
        if isinstance(node.data, Finding):
            return node.data.kind, node.data
        if isinstance(node.data, str):
            return _KIND_OF.get(node.data, node.data), None
        if isinstance(node.data, tuple):
            return _KIND_OF.get(node.data[0], node.data[0]), None
        return None, None

    def on_tree_node_selected(
        self, event: Tree.NodeSelected[Finding | str | tuple[str, str]]
    ) -> None:
        event.stop()
        if isinstance(event.node.data, Finding):
            self.post_message(self.Jump(event.node.data))

    def action_fix(self) -> None:
        kind, finding = self._chosen()
        if kind is not None:
            self.post_message(self.FixRequested(kind, finding))

    def action_details(self) -> None:
        _, finding = self._chosen()
        if finding is not None:
            self.post_message(self.DetailsRequested(finding))

    def action_undo(self) -> None:
        self.post_message(self.UndoRequested())
