"""The programmes of one channel, drawn a screenful at a time from the store's keyset pages.

No row count decides the cost: the table holds a few pages around its cursor, asks the store
for the next page (``after`` the last row) or the previous one (``before`` the first) as the
cursor moves, and draws only the rows on screen. Opening a channel of 600,000 programmes
costs what opening one of 100 costs.

Another order (``s``: title, length) or a title filter (``/``) is a view built in the core
as a job (:func:`core.store.build_view`); the table then reads it a page at a time by
position, the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, tzinfo

from rich.segment import Segment
from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget

from core.errors import StoreError
from core.models import Programme
from core.probe.model import StreamState
from core.rules.findings import Finding
from core.store import ORDERS, Cursor, ProgrammeView, Store
from core.store.streams import stream_verdicts
from core.visible import visible

__all__ = ["ProgrammeTable"]

_PAGE = 60
_END = Cursor(2**62, 2**62)  # after every programme
_KEEP = 4 * _PAGE
_COLUMNS = (
    ("Start", 16),
    ("Stop", 5),
    ("Length", 7),
    ("Title", 0),
    ("Episode", 9),
    ("Locator", 0),
    ("Flags", 6),
)
_FLAGS = {
    "overlap": "⇄",
    "cooldown": "↻",
    "duplicate": "≡",
    "invalid": "✗",
    "unplayable": "▶",
    "gap": "░",
}
_STREAM_FLAGS = {StreamState.DOWN: "down", StreamState.FLAPPING: "flap"}
"""What the Flags column says of a programme whose stream the probes found not playing (up
and never probed say nothing)."""


_ORDER_NAMES = {"start": "time", "title": "title", "length": "length, longest first"}
_SECONDS_WIDER = 3  # ":SS" on the start and the stop when a row held has seconds


def _has_seconds(programme: Programme) -> bool:
    return bool(programme.start.second or (programme.stop and programme.stop.second))


def _length(programme: Programme) -> str:
    if programme.stop is None:
        return "?"
    seconds = int((programme.stop - programme.start).total_seconds())
    hours, rest = divmod(abs(seconds), 3600)
    sign = "-" if seconds < 0 else ""
    if hours:
        return f"{sign}{hours}:{rest // 60:02d}:{rest % 60:02d}"
    return f"{sign}{rest // 60}:{rest % 60:02d}"


class ProgrammeTable(Widget, can_focus=True):
    """A cursor over one channel's schedule, in time order."""

    HELP_TITLE = "Programmes"  # how help and the palette name this pane

    BINDINGS = [
        Binding("j,down", "move(1)", "Down", show=False, id="programmes.down"),
        Binding("k,up", "move(-1)", "Up", show=False, id="programmes.up"),
        Binding("pagedown,ctrl+d", "move(20)", "Page down", show=False, id="programmes.page_down"),
        Binding("pageup,ctrl+u", "move(-20)", "Page up", show=False, id="programmes.page_up"),
        Binding("g,home", "first", "Top", show=False, id="programmes.top"),
        Binding("G,end", "last", "Bottom", show=False, id="programmes.bottom"),
        Binding(
            "slash",
            "filter",
            "Filter",
            id="programmes.filter",
            tooltip="only programmes whose title has a text",
        ),
        Binding(
            "escape",
            "clear_filter",
            "Clear filter",
            show=False,
            id="programmes.clear",
            tooltip="every programme, same order",
        ),
        Binding(
            "s", "sort", "Sort", id="programmes.sort", tooltip="by time, by title, longest first"
        ),
        Binding(
            "a",
            "edit('insert')",
            "Add",
            id="programmes.insert",
            tooltip="insert one after the cursor",
        ),
        Binding(
            "m",
            "edit('move')",
            "Move",
            id="programmes.move",
            tooltip="a new start for the programme under the cursor",
        ),
        Binding(
            "e",
            "edit('trim')",
            "Trim",
            id="programmes.trim",
            tooltip="a new stop for the programme under the cursor",
        ),
        Binding(
            "d",
            "edit('delete')",
            "Delete",
            id="programmes.delete",
            tooltip="the programme under the cursor, after a yes",
        ),
    ]

    class EditRequested(Message):
        """The operator asked to change the programme under the cursor."""

        def __init__(self, kind: str, programme: Programme | None, channel: str) -> None:
            self.kind = kind
            self.programme = programme
            self.channel = channel
            super().__init__()

    class FilterRequested(Message):
        """The operator pressed ``/``."""

    class ViewWanted(Message):
        """Another order or a filter: the screen builds the view as a job."""

        def __init__(self, channel: str, order: str, contains: str | None) -> None:
            self.channel = channel
            self.order = order
            self.contains = contains
            super().__init__()

    class Moved(Message):
        """The cursor is on another programme."""

        def __init__(self, programme: Programme) -> None:
            self.programme = programme
            super().__init__()

    cursor: reactive[int] = reactive(0)

    def __init__(self, store: Store, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.store = store
        self.channel: str | None = None
        self.rows: list[Programme] = []
        self.top = 0
        self.more_before = False
        self.more_after = False
        self.view: ProgrammeView | None = None  # when not in time order or filtered
        self.asked: tuple[str, str | None] = ("start", None)  # the view last asked for
        self.view_start = 0  # the view's position of the first row held
        self.first = 0  # in time order: the channel's position of the first row held
        # a channel, its revision, a cursor and its position: the base of the next count
        self._known: tuple[str, int, Cursor, int] | None = None
        self._seconds_for: tuple[int, ...] = ()
        self._seconds_seen = False
        self._where_due = False  # the border's "1,204 of 613,623" is to be said again
        self.flags: dict[int, str] = {}
        self.streams: dict[str, StreamState] = {}
        """The probed state of each stream the rows held play, by fingerprint: read with
        each page (one query for its rows), so the cost follows the rows, not the schedule."""
        self.down_after: Callable[[], int] = lambda: 2
        """How many failed probes in a row make a stream down (the rules' setting)."""
        self.total = 0
        self.wanted: int | None = None  # put the cursor on this programme when it shows
        # a view asked again after a change: (its first row on screen, the cursor's line,
        # the programme the cursor is to stay on)
        self._resume: tuple[int, int, int | None] | None = None
        self.pages_read = 0  # store pages fetched (the bench reads this)
        self.zone_of: Callable[[str | None], tzinfo | None] = lambda channel: None
        """The zone the screen reads a channel's times in (``None``: as the guide gave them)."""

    # -- loading --------------------------------------------------------------------------
    def open_at(self, channel: str, moment: datetime | None = None) -> None:
        """Show ``channel`` from the programme on air at ``moment`` (or its first)."""
        self.channel = channel
        self.view = None
        self.asked = ("start", None)
        self.total = self.store.count(channel)
        if moment is None:
            page = self.store.page(channel, limit=_PAGE)
        else:
            page = self.store.page_at(channel, moment, limit=_PAGE)
        self.pages_read += 1
        self.rows = page.programmes
        self._read_streams(self.rows, again=True)
        self.more_after = page.has_more
        self.more_before = (
            bool(self.rows)
            and self.store.page(channel, before=page.first, limit=1).programmes != []
        )
        self._place_first(channel)
        self.top = 0
        self.cursor = 0
        if self.wanted is not None:
            for index, row in enumerate(self.rows):
                if row.id == self.wanted:
                    self.cursor = index
                    break
        self._say_where()
        self.refresh()

    def _place_first(self, channel: str) -> None:
        """Where the first row held stands in the channel, counted from the last place known
        (while the channel's revision says nothing has changed since)."""
        if not self.rows:
            self.first, self._known = 0, None
            return
        cursor = Cursor.of(self.rows[0])
        revision = self.store.revision(channel)
        near = None
        if self._known is not None and self._known[:2] == (channel, revision):
            near = self._known[2], self._known[3]
        self.first = self.store.position(channel, cursor, near)
        self._known = (channel, revision, cursor, self.first)

    def follow(self, channel: str, moment: datetime) -> None:
        """The timeline moved: show ``moment``, unless a view of this channel is up."""
        if self.view is None or channel != self.channel:
            self.open_at(channel, moment)

    def show_view(self, view: ProgrammeView) -> None:
        """Show a view the core built, unless the operator has moved on meanwhile."""
        if view.channel != self.channel or (view.order, view.contains) != self.asked:
            return
        self.view = view
        self.total = len(view)
        resume, self._resume = self._resume, None
        if resume is None:
            self._view_from(0)
            return
        # the same view built again after a change: the same rows on screen, the cursor on
        # the programme it was on (or on the same line, when that one is gone)
        shown, line, wanted = resume
        self._view_from(shown)
        self.top = min(shown - self.view_start, max(len(self.rows) - 1, 0))
        index = next((i for i, row in enumerate(self.rows) if row.id == wanted), None)
        self.cursor = index if index is not None else min(self.top + line, len(self.rows) - 1)
        self.cursor = max(self.cursor, 0)
        self.refresh()

    def request(self, order: str, contains: str | None) -> None:
        """Ask for this order and filter; time order without a filter needs no view."""
        self._resume = None  # the operator's own request starts at the top
        if self.channel is None:
            return
        contains = contains.strip() if contains else None
        if order == "start" and not contains:
            current = self.current
            self.open_at(self.channel, current.start if current else None)
        else:
            self.asked = (order, contains or None)
            self.post_message(self.ViewWanted(self.channel, *self.asked))

    @property
    def order(self) -> str:
        """How the rows are sorted: a key of :data:`core.store.ORDERS`."""
        return self.view.order if self.view is not None else "start"

    @property
    def contains(self) -> str | None:
        """The title filter, if any."""
        return self.view.contains if self.view is not None else None

    def _view_from(self, offset: int) -> None:
        assert self.view is not None
        self.view_start = max(0, min(offset, len(self.view) - _PAGE))
        self.rows = self.view.page(self.store, self.view_start, _PAGE)
        self.pages_read += 1
        self._read_streams(self.rows, again=True)
        self.more_before = self.view_start > 0
        self.more_after = self.view_start + len(self.rows) < len(self.view)
        self.top = 0
        self.cursor = 0
        self._say_where()
        self.refresh()

    def set_findings(self, findings: list[Finding]) -> None:
        """Flag the rows that findings name (and read their streams' states again: a check
        follows every change, a probe run's among them)."""
        flags: dict[int, str] = {}
        for finding in findings:
            for identifier in finding.programmes:
                flags[identifier] = flags.get(identifier, "") + _FLAGS.get(finding.kind, "")
        self.flags = flags
        self._read_streams(self.rows, again=True)
        self.refresh()

    def _read_streams(self, page: list[Programme], *, again: bool = False) -> None:
        """Learn the probed states of the streams ``page`` plays, in one query for the page
        (those already known are not asked again unless ``again``: the rows held were
        replaced, or probes may have run). States of rows no longer held are forgotten, so
        the map stays the size of the rows held however far the operator scrolls."""
        if again:
            self.streams = {}
        elif len(self.streams) > 2 * _KEEP:
            held = {row.fingerprint for row in self.rows}
            self.streams = {key: state for key, state in self.streams.items() if key in held}
        wanted = {
            row.fingerprint
            for row in page
            if row.fingerprint and row.fingerprint not in self.streams
        }
        if not wanted:
            return
        verdicts = stream_verdicts(self.store, wanted, down_after=self.down_after())
        for fingerprint in wanted:
            verdict = verdicts.get(fingerprint)
            self.streams[fingerprint] = verdict.state if verdict else StreamState.UNKNOWN

    def _flags_of(self, programme: Programme) -> str:
        """The Flags cell: the stream's state word first (the findings' marks may be cut)."""
        marks = self.flags.get(programme.id or -1, "")
        state = self.streams.get(programme.fingerprint or "")
        word = _STREAM_FLAGS.get(state) if state is not None else None
        return f"{word} {marks}".strip() if word else marks

    def reload(self, keep: int | None = None) -> None:
        """Read the rows again after a change, without the screen jumping.

        The cursor stays on ``keep`` (the programme the change was about: after a move it
        follows it to its new time) or else on the programme it was on, and the rows above
        it stay where they were on screen; a deleted programme leaves the cursor on the
        line where it was.
        """
        if self.channel is None:
            return
        current = self.current
        wanted = keep if keep is not None else (current.id if current is not None else None)
        if self.view is not None:  # built again: the change may have moved or removed rows
            resume = (self.view_start + self.top, self.cursor - self.top, wanted)
            self.request(self.order, self.contains)
            self._resume = resume  # after request(), which forgets an older one
            return
        line = self.cursor - self.top  # the cursor's line on screen
        shown = self.rows[self.top] if 0 <= self.top < len(self.rows) else current
        self.wanted = wanted
        self.open_at(self.channel, shown.start if shown is not None else None)
        if wanted is not None and not self._holds(wanted):
            try:
                moved = self.store.programme(wanted)
            except StoreError:  # deleted, or undone away
                moved = None
            if moved is not None and moved.channel == self.channel:
                self.open_at(self.channel, moved.start - timedelta(seconds=1))
        self.wanted = None
        if self._holds(wanted):
            self.top = max(self.cursor - line, 0)
        else:
            self.cursor = max(min(line, len(self.rows) - 1), 0)
        self.refresh()

    def _holds(self, programme: int | None) -> bool:
        """Whether the cursor is on ``programme``."""
        current = self.current
        return programme is not None and current is not None and current.id == programme

    @property
    def current(self) -> Programme | None:
        """The programme under the cursor."""
        return self.rows[self.cursor] if 0 <= self.cursor < len(self.rows) else None

    def _extend_after(self) -> bool:
        if not self.more_after or not self.rows or self.channel is None:
            return False
        if self.view is not None:
            return self._view_after()
        page = self.store.page(self.channel, after=Cursor.of(self.rows[-1]), limit=_PAGE)
        self.pages_read += 1
        self._read_streams(page.programmes)
        self.rows.extend(page.programmes)
        self.more_after = page.has_more
        if len(self.rows) > _KEEP:
            drop = len(self.rows) - _KEEP
            self.rows = self.rows[drop:]
            self.first += drop
            self.cursor -= drop
            self.top = max(self.top - drop, 0)
            self.more_before = True
        return bool(page.programmes)

    def _extend_before(self) -> bool:
        if not self.more_before or not self.rows or self.channel is None:
            return False
        if self.view is not None:
            return self._view_before()
        page = self.store.page(self.channel, before=Cursor.of(self.rows[0]), limit=_PAGE)
        self.pages_read += 1
        self._read_streams(page.programmes)
        added = len(page.programmes)
        self.rows = page.programmes + self.rows
        self.first = max(self.first - added, 0)
        self.cursor += added
        self.top += added
        self.more_before = page.has_more
        if len(self.rows) > _KEEP:
            self.rows = self.rows[:_KEEP]
            self.more_after = True
        return added > 0

    def _view_after(self) -> bool:
        assert self.view is not None
        page = self.view.page(self.store, self.view_start + len(self.rows), _PAGE)
        self.pages_read += 1
        self._read_streams(page)
        self.rows.extend(page)
        self.more_after = self.view_start + len(self.rows) < len(self.view)
        if len(self.rows) > _KEEP:
            drop = len(self.rows) - _KEEP
            self.rows = self.rows[drop:]
            self.view_start += drop
            self.cursor -= drop
            self.top = max(self.top - drop, 0)
            self.more_before = True
        return bool(page)

    def _view_before(self) -> bool:
        assert self.view is not None
        start = max(self.view_start - _PAGE, 0)
        page = self.view.page(self.store, start, self.view_start - start)
        self.pages_read += 1
        self._read_streams(page)
        self.rows = page + self.rows
        self.view_start = start
        self.cursor += len(page)
        self.top += len(page)
        self.more_before = start > 0
        if len(self.rows) > _KEEP:
            self.rows = self.rows[:_KEEP]
            self.more_after = True
        return bool(page)

    # -- actions --------------------------------------------------------------------------
    def action_move(self, step: int) -> None:
        self.wanted = None
        target = self.cursor + step
        while target >= len(self.rows) and self._extend_after():
            target = self.cursor + step
        while target < 0 and self._extend_before():
            target = self.cursor + step
        self.cursor = max(0, min(len(self.rows) - 1, target))

    def action_first(self) -> None:
        if self.view is not None:
            self._view_from(0)
        elif self.channel is not None:
            self.open_at(self.channel)

    def action_last(self) -> None:
        if self.view is not None:
            self._view_from(len(self.view))
            self.cursor = max(len(self.rows) - 1, 0)  # 0 on a view of nothing
            self._say_where()
            return
        if self.channel is None:
            return
        page = self.store.page(self.channel, before=_END, limit=_PAGE)
        self.pages_read += 1
        self.rows = page.programmes
        self._read_streams(self.rows, again=True)
        self.first = max(self.total - len(self.rows), 0)
        self.more_before = page.has_more
        self.more_after = False
        self.cursor = max(len(self.rows) - 1, 0)
        self.top = max(len(self.rows) - self._visible, 0)
        self._say_where()
        self.refresh()

    def action_filter(self) -> None:
        self.post_message(self.FilterRequested())

    def action_clear_filter(self) -> None:
        """``esc``: drop the title filter, keep the order."""
        if self.asked[1] is not None:
            self.request(self.asked[0], None)

    def action_sort(self) -> None:
        """The next order: time, title, length, time again."""
        orders = list(ORDERS)
        order, contains = self.asked  # a second press before the view is built moves on
        self.request(orders[(orders.index(order) + 1) % len(orders)], contains)

    def action_edit(self, kind: str) -> None:
        if self.channel is not None:
            self.post_message(self.EditRequested(kind, self.current, self.channel))

    def watch_cursor(self, cursor: int) -> None:
        visible = self._visible
        if cursor < self.top:
            self.top = cursor
        elif cursor >= self.top + visible:
            self.top = cursor - visible + 1
        current = self.current
        if current is not None:
            self.post_message(self.Moved(current))
        self._say_where()
        self.refresh()

    def _say_where(self) -> None:
        """Say where the cursor is, once per batch of moves (a held key sends many)."""
        if not self._where_due:
            self._where_due = True
            self.call_later(self._update_where)

    def _update_where(self) -> None:
        """The border's foot: ``sorted by title · filter 'song' · 1,204 of 613,623``."""
        self._where_due = False
        parts = [f"sorted by {_ORDER_NAMES[self.order]}"]
        if self.contains:
            parts.append(f"filter '{visible(self.contains)}'")
        if self.rows:
            start = self.view_start if self.view is not None else self.first
            parts.append(f"{start + self.cursor + 1:,} of {self.total:,}")
        else:
            parts.append("no matches" if self.contains else "no programmes")
        # a title filter is the operator's text: plain content, never read as markup
        self.border_subtitle = Content(" · ".join(parts))

    @property
    def _visible(self) -> int:
        return max(self.size.height - 1, 1)

    # -- drawing --------------------------------------------------------------------------
    @property
    def _seconds(self) -> bool:
        """Whether the rows held need seconds: a 3 s bumper must not read ``06:20 06:20``.

        Decided for the rows held, not per row, so the columns stay put while scrolling.
        """
        key = (id(self.rows), len(self.rows), self.first, self.view_start)
        if self._seconds_for != key:
            self._seconds_for = key
            self._seconds_seen = any(_has_seconds(programme) for programme in self.rows)
        return self._seconds_seen

    def _widths(self, width: int) -> list[int]:
        # Title and locator share what the fixed columns leave, the title getting more.
        extra = _SECONDS_WIDER if self._seconds else 0
        sizes = [w + extra if name in ("Start", "Stop") else w for name, w in _COLUMNS]
        fixed = sum(sizes) + len(_COLUMNS)
        free = max(width - fixed, 20)
        locator = free * 2 // 5
        return [w or (free - locator) for w in sizes[:-2]] + [locator, sizes[-1]]

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        widths = self._widths(width)
        if y == 0:
            header = " ".join(
                name.ljust(w)[:w] for (name, _), w in zip(_COLUMNS, widths, strict=True)
            )
            style = self.get_component_rich_style("programmes--header")
            return Strip([Segment(header.ljust(width)[:width], style)])
        index = self.top + y - 1
        if not 0 <= index < len(self.rows):
            # styled: a style-less blank breaks Textual's NO_COLOR filter
            return Strip.blank(width, self.get_component_rich_style("programmes--row"))
        programme = self.rows[index]
        clock = "%H:%M:%S" if self._seconds else "%H:%M"
        zone = self.zone_of(self.channel)
        start, stop = programme.start, programme.stop
        if zone is not None:  # the screen's zone: the same clock as the timeline's axis
            start, stop = start.astimezone(zone), stop.astimezone(zone) if stop else None
        cells = [
            start.strftime(f"%a %d %b {clock}"),
            stop.strftime(clock) if stop else "",
            _length(programme),
            visible(programme.title) or "(no title)",
            visible(programme.episode),
            visible(programme.locator or "—")[-widths[5] :],
            self._flags_of(programme),
        ]
        text = " ".join(cell.ljust(w)[:w] for cell, w in zip(cells, widths, strict=True))
        if index == self.cursor:
            name = "programmes--cursor" if self.has_focus else "programmes--cursor-blurred"
        elif cells[-1]:
            name = "programmes--flagged"
        else:
            name = "programmes--row"
        style = self.get_component_rich_style(name)
        return Strip([Segment(text.ljust(width)[:width], style)])

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    COMPONENT_CLASSES = {
        "programmes--header",
        "programmes--row",
        "programmes--cursor",
        "programmes--cursor-blurred",
        "programmes--flagged",
    }
    DEFAULT_CSS = """
    ProgrammeTable { background: $surface; }
    ProgrammeTable > .programmes--header { color: $text-muted; text-style: bold; }
    ProgrammeTable > .programmes--row { color: $text; }
    ProgrammeTable > .programmes--flagged { color: $warning; }
    ProgrammeTable > .programmes--cursor { background: $accent; color: $background; }
    ProgrammeTable > .programmes--cursor-blurred { background: $panel; color: $text; }
    """
