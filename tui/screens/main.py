"""The main screen: channels, timeline, programmes, findings, and jobs/log.

Wide terminals show every pane at once; narrow ones (80×24) show one pane at a time under a
tab bar (``1``–``5`` or the arrows on the tabs). Every change goes through the engine as a
job, submitted with a :class:`~tui.screens.scope.JobScope` (what it is about); when a job
ends, :data:`~tui.screens.scope.REFRESHES` says what the screen reads again. What the
screen reads from the store itself (the channel list, a dialog's choices) is read in a
worker thread on its own connection, never on the event loop.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container
from textual.screen import Screen
from textual.widgets import Footer, Input, Tab, TabbedContent, TabPane, Tabs
from textual.worker import get_current_worker

from core.engine import Engine
from core.errors import ScheduleFlowError, StaleRevision
from core.health import Health
from core.history import RecordedJob, jobs_elsewhere
from core.jobs import Job, JobContext, JobState
from core.logs import LOG_FILE_NAME, LogLine, log_bus
from core.logtail import AccessLogTail
from core.paths import log_folder
from core.presence import ServicePresence, read_presence
from core.rules import FindingIndex
from core.rules.findings import Finding
from core.store import ChannelSummary, ProgrammeView, Store, build_view
from core.timeargs import parse_instant
from core.words import count
from tui.dialogs.details import finding_details
from tui.dialogs.form import job_trouble
from tui.dialogs.simple import Ask
from tui.literal import literal
from tui.screens import changes, probing
from tui.screens.scope import REFRESHES, JobScope, Refresh
from tui.widgets.activity import JobsTable, LogPanel
from tui.widgets.channels import ChannelList
from tui.widgets.findings import FindingsTree
from tui.widgets.header import StatusBar
from tui.widgets.programmes import ProgrammeTable
from tui.widgets.timeline import Timeline
from tui.zones import ScreenZone

__all__ = ["MainScreen", "StatusBar"]

PANES = ("channels", "timeline", "programmes", "findings", "activity")
_TITLES = {
    "channels": "Channels",
    "timeline": "Timeline",
    "programmes": "Programmes",
    "findings": "Findings",
    "activity": "Jobs & log",
}
HEADER = ("health", "jobs", "failed", "role", "zone", "store", "service")
"""The header's parts, in their order on the line."""
_Read = TypeVar("_Read")
Operation = Callable[[Store, JobContext], object]
log = logging.getLogger("scheduleflow.tui")


@dataclass
class Elsewhere:
    """What the header's worker read from files other processes write (``None``: not read)."""

    health: Health | None = None
    presence: ServicePresence | None = None
    jobs: list[RecordedJob] | None = None
    lines: list[LogLine] = field(default_factory=list)
    failed: set[str] = field(default_factory=set)
    """The parts whose read failed: what the header shows for them stays."""


class MainScreen(Screen[None]):
    """Everything an operator needs on one screen."""

    BINDINGS = [
        Binding("I", "import", "Import", id="main.import", tooltip="read a playlist or guide"),
        Binding("E", "export", "Export", id="main.export", tooltip="XMLTV, JSON, M3U, ffplayout"),
        Binding("c", "check", "Check", id="main.check", tooltip="run every rule again"),
        Binding("P", "plan", "Plan", id="main.plan", tooltip="fill a window from the library"),
        Binding("S", "settings", "Settings", id="main.settings", tooltip="rules and theme"),
        Binding("u", "undo", "Undo", show=False, id="main.undo", tooltip="says what first"),
        Binding("z", "zone", "Time zone", show=False, id="main.zone", tooltip="channel/UTC/yours"),
        Binding(
            "p", "probe", "Probe", show=False, id="main.probe", tooltip="the channel's streams"
        ),
        Binding(
            "1",
            "pane('channels')",
            "Channels",
            show=False,
            id="main.pane_channels",
            tooltip="the channel list",
        ),
        Binding(
            "2",
            "pane('timeline')",
            "Timeline",
            show=False,
            id="main.pane_timeline",
            tooltip="the timeline",
        ),
        Binding(
            "3",
            "pane('programmes')",
            "Programmes",
            show=False,
            id="main.pane_programmes",
            tooltip="the programme table",
        ),
        Binding(
            "4",
            "pane('findings')",
            "Findings",
            show=False,
            id="main.pane_findings",
            tooltip="what the latest check found",
        ),
        Binding(
            "5",
            "pane('activity')",
            "Jobs & log",
            show=False,
            id="main.pane_activity",
            tooltip="jobs and the live log",
        ),
    ]
    HELP_TITLE = "Screen"

    def __init__(self, engine: Engine, *, load_samples: bool = False) -> None:
        super().__init__()
        self.engine = engine
        self.store: Store = engine.store
        self.findings = FindingIndex(engine.config.rules)
        self.checked = False
        self.load_samples_first = load_samples
        self.revisions: dict[str, int] = {}
        self.scopes: dict[str, JobScope] = {}  # job id → what the job is about
        self.zone = ScreenZone()
        self._filter_target = "programmes"
        # other processes on the store: their jobs, and a service's access log lines
        self.access_log = AccessLogTail(log_folder(engine.home) / LOG_FILE_NAME)
        self.services: set[int] = set()  # pids of the HTTP services seen on the store
        self._watching = False  # the header's worker is reading other processes' files
        self._watch_again = False  # and was asked again meanwhile
        self._header_failing: set[str] = set()  # reads that failed unexpectedly (logged once)

    # -- layout ---------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield StatusBar(HEADER, id="status")
        yield Tabs(*(Tab(_TITLES[name], id=f"tab-{name}") for name in PANES), id="pane-tabs")
        with Container(id="panes"):
            yield ChannelList(id="channels", classes="pane")
            yield Timeline(self.store, id="timeline", classes="pane")
            yield FindingsTree(id="findings", classes="pane")
            yield ProgrammeTable(self.store, id="programmes", classes="pane")
            with TabbedContent(id="activity", classes="pane"):
                with TabPane("Jobs", id="jobs-tab"):
                    yield JobsTable(id="jobs")
                with TabPane("Log", id="log-tab"):
                    yield LogPanel(id="log")
        yield Input(placeholder="filter… (enter applies, esc clears)", id="filter")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#filter", Input).display = False
        for name in PANES:
            self.query_one(f"#{name}").border_title = _TITLES[name]
        zone_of = self.zone.zone
        self.query_one(Timeline).zone_of = zone_of
        self.query_one(ProgrammeTable).zone_of = zone_of
        self.query_one(ProgrammeTable).down_after = lambda: (
            self.engine.config.rules.stream_down_after
        )
        self.query_one(FindingsTree).zone_of = zone_of
        self.query_one(FindingsTree).written_in = self.zone.own
        self._show_pane("timeline")
        self.query_one(Timeline).focus()
        self.update_status()
        self.set_interval(2.0, self.update_status)
        for line in list(log_bus().lines)[-200:]:
            self.log_line(line)
        if self.load_samples_first and not self.store.channel_ids():
            self.run_job("import", self._load_samples, "load the demo schedules")
        else:
            self.read(_opening, self._opened, group="channels")

    def _load_samples(self, store: Store, job: JobContext) -> object:
        # imported here: the importer and its readers are not needed for the first screen
        from core.samples import load_samples

        return load_samples(store, self.engine.actor)

    # -- reading the store off the event loop -----------------------------------------------
    def read(
        self, reading: Callable[[Store], _Read], then: Callable[[_Read], None], *, group: str
    ) -> None:
        """Run ``reading`` on a connection of its own in a worker thread, then ``then`` with
        its value on the event loop. A newer read of the same group replaces an older one
        that has not answered yet; a refusal is one notification."""

        def work() -> None:
            try:
                with self.engine.open_store() as store:
                    value = reading(store)
            except ScheduleFlowError as error:
                self.app.call_from_thread(self.notify, str(error), severity="error")
                return
            if not get_current_worker().is_cancelled:
                self.app.call_from_thread(then, value)

        self.run_worker(work, thread=True, group=group, exclusive=True, name=f"read {group}")

    # -- panes ----------------------------------------------------------------------------
    def _show_pane(self, name: str) -> None:
        for pane in PANES:
            self.query_one(f"#{pane}").set_class(pane == name, "-current")
        self.query_one("#pane-tabs", Tabs).active = f"tab-{name}"

    @on(Tabs.TabActivated, "#pane-tabs")
    def _tab_chosen(self, event: Tabs.TabActivated) -> None:
        name = str(event.tab.id).removeprefix("tab-")
        for pane in PANES:
            self.query_one(f"#{pane}").set_class(pane == name, "-current")

    def action_pane(self, name: str) -> None:
        self._show_pane(name)
        if name == "activity":
            self.query_one(JobsTable).focus()
        else:
            self.query_one(f"#{name}").focus()

    # -- status ---------------------------------------------------------------------------
    def update_status(self) -> None:
        """The header: what this process knows at once (its jobs, role, time zone and store)
        now; what other processes write (health from everyone's job history, the disk's free
        space, the service's presence, their jobs and access lines) when a worker has read
        it — an import elsewhere may hold the history's lock for seconds."""
        queue = self.engine.queue
        bar = self.query_one(StatusBar)
        bar.set_part("jobs", f"{queue.active} active / {queue.queued} queued")
        bar.set_part("role", f"role {self.engine.role}")
        bar.set_part("store", str(self.engine.database))
        self._show_zone()
        self._watch_elsewhere()

    def _show_zone(self) -> None:
        """The header's time zone alone: a lane chosen or ``z`` changes nothing else there,
        and must not send the worker to read every process's history again."""
        label = self.zone.label(self.query_one(Timeline).channel)
        self.query_one(StatusBar).set_part("zone", label)

    def _watch_elsewhere(self) -> None:
        """Read health, the service's presence, the jobs other processes recorded and the
        service's new access lines in a worker thread. One read at a time: a call that finds
        one still running has another start when it ends (what it asked for may have
        changed since that read began); a read that fails says so in the log, and the next
        tick tries again."""
        if self._watching:
            self._watch_again = True
            return
        self._watching = True
        engine, since, tail = self.engine, self.engine.started_at, self.access_log

        def health(seen: Elsewhere) -> None:
            seen.health = engine.health(check_store=False)

        def service(seen: Elsewhere) -> None:
            seen.presence = read_presence(engine.database)  # `scheduleflow serve` here
            if seen.presence is not None:
                seen.lines = tail.read()
            else:  # no service: its lines are not this pane's, nor a backlog to read later
                tail.skip_to_end()

        def jobs(seen: Elsewhere) -> None:
            seen.jobs = jobs_elsewhere(engine.database, since=since, limit=JobsTable.ELSEWHERE)

        def work() -> None:
            seen = Elsewhere()
            try:
                for part, read in (("health", health), ("service", service), ("jobs", jobs)):
                    self._read_for_header(part, read, seen)
            finally:
                if not get_current_worker().is_cancelled:
                    self.app.call_from_thread(self._watched, seen)

        self.run_worker(work, thread=True, group="elsewhere", name="read other processes")

    def _read_for_header(
        self, part: str, read: Callable[[Elsewhere], None], seen: Elsewhere
    ) -> None:
        """One of the header's reads, apart from the others: a locked job history does not
        hide the service. A failure is logged (an unexpected one with its traceback once,
        not every two seconds) and leaves what the header shows for it."""
        try:
            read(seen)
        except sqlite3.Error as error:  # locked past the timeout, damaged: the next tick
            seen.failed.add(part)
            log.warning("reading the %s for the header failed: %s", part, error)
        except Exception:
            seen.failed.add(part)
            if part not in self._header_failing:
                log.exception("reading the %s for the header failed unexpectedly", part)
            self._header_failing.add(part)
        else:
            self._header_failing.discard(part)

    def _watched(self, seen: Elsewhere) -> None:
        self._watching = False
        if self._watch_again:
            self._watch_again = False
            self._watch_elsewhere()
        bar = self.query_one(StatusBar)
        if seen.health is not None:
            healthy = seen.health.status == "healthy"
            mark = "●" if healthy else "▲"
            bar.set_part("health", f"{mark} {seen.health.status}", warning=not healthy)
            bar.set_part("failed", f"{seen.health.failed} failed")
        if "service" not in seen.failed:
            presence = seen.presence
            bar.set_part("service", presence.describe() if presence is not None else "")
        if seen.presence is not None:
            self.services.add(seen.presence.pid)
        if seen.jobs is not None:  # None: the history could not be read now; the rows stay
            self.query_one(JobsTable).show_elsewhere(seen.jobs, self.services)
        for line in seen.lines:
            self.log_line(line)

    def action_zone(self) -> None:
        """``z``: the channel's zone → UTC → the operator's zone, for the whole screen."""
        self.zone.next()
        self.query_one(Timeline).refresh()
        self.query_one(ProgrammeTable).refresh()
        self.query_one(FindingsTree).redraw()
        self._show_zone()
        self.notify(self.zone.label(self.query_one(Timeline).channel), timeout=3)

    # -- data refresh ---------------------------------------------------------------------
    def _opened(
        self, opening: tuple[list[ChannelSummary], tuple[datetime, set[str]] | None]
    ) -> None:
        """The first screen: the channels, and the timeline on now if the schedule holds
        it, else on its busiest stretch, its cursor on the first channel on air then; then
        the first check, after the first paint."""
        summaries, place = opening
        moment, on_air = place if place is not None else (None, set())
        channel = next((s.id for s in summaries if s.id in on_air), None)
        # the list announces its channel once, this one: announcing the first channel and
        # then this one moved the timeline away and back, a quarter of its span each time
        self._set_channels(summaries, chosen=channel)
        if moment is not None:
            self.query_one(Timeline).show(moment, channel)
            self._open_table()
        # after the first paint: the check's thread would otherwise hold the GIL while
        # the first screen is drawn (seconds on a store of 670,000 programmes)
        self.call_after_refresh(self.run_check)

    def _set_channels(self, summaries: list[ChannelSummary], chosen: str | None = None) -> None:
        self.revisions = {s.id: s.revision for s in summaries}
        self.zone.zones = {s.id: s.timezone for s in summaries}
        self.query_one(ChannelList).set_channels(summaries, chosen)
        self.query_one(Timeline).set_channels(summaries)
        self._show_zone()

    def _open_table(self) -> None:
        timeline = self.query_one(Timeline)
        if timeline.channel is not None:
            self.query_one(ProgrammeTable).open_at(timeline.channel, timeline.start)

    def _refresh_after_change(self, scope: JobScope) -> None:
        """Read the channels again, then the rows: the cursor stays on the programme the
        change was about (and follows it when it moved), the rows above it stay put."""

        def read(store: Store) -> list[ChannelSummary]:
            store.forget_channel_cache()
            return store.channel_summaries()

        def then(summaries: list[ChannelSummary]) -> None:
            self._set_channels(summaries)
            self.query_one(Timeline).forget(scope.channel)
            table = self.query_one(ProgrammeTable)
            if table.channel is None or table.channel not in self.revisions:
                self._open_table()
            else:
                table.reload(keep=scope.programme)

        self.store.forget_channel_cache()
        self.read(read, then, group="channels")

    def _apply_findings(self, findings: list[Finding]) -> None:
        self.query_one(FindingsTree).set_findings(findings)
        self.query_one(ChannelList).set_findings(findings)
        self.query_one(Timeline).set_findings(findings)
        self.query_one(ProgrammeTable).set_findings(findings)
        errors = sum(1 for f in findings if f.severity == "error")
        self.query_one(
            "#findings"
        ).border_title = f"Findings · {len(findings)} ({count(errors, 'error')})"

    # -- jobs -----------------------------------------------------------------------------
    def may(self, operation: str) -> bool:
        """Whether the role allows ``operation``; if not, one warning says so (the core
        refuses it anyway: this only spares the operator a dialog that cannot be applied)."""
        if self.engine.may(operation):
            return True
        self.notify(f"role {self.engine.role} may not {operation}", severity="warning")
        return False

    def run_job(
        self,
        kind: str,
        operation: Operation,
        label: str,
        scope: JobScope | None = None,
        *,
        permission: str | None = None,
    ) -> Job | None:
        """Submit an operation as a job; a refusal (role) is one notification."""
        try:
            job = self.engine.submit(kind, operation, label=label, permission=permission)
        except ScheduleFlowError as error:
            self.notify(str(error), severity="error", title="Not allowed")
            return None
        self.scopes[job.id] = scope or JobScope()
        return job

    def run_check(self, scope: JobScope | None = None) -> None:
        """Check everything (or re-check the scope's channel and window) as a job."""
        if not self.checked:
            self.query_one(FindingsTree).set_findings([], checking=True)
        index = self.findings
        window = scope.recheck if scope is not None and self.checked else None

        def operation(store: Store, job: JobContext) -> list[Finding]:
            if window is not None:
                index.recheck(store, *window)
            else:
                index.refresh(store)
            return list(index.findings)

        self.run_job("check", operation, "check the schedule", permission="check")

    def job_changed(self, job: Job) -> None:
        """Called by the app for every job event."""
        self.query_one(JobsTable).show(job)
        if not job.state.finished:
            return
        self.update_status()
        scope = self.scopes.pop(job.id, JobScope())
        if job.kind == "preview":  # its dialog says how it ended
            return
        if job.state is JobState.SUCCEEDED:
            self._succeeded(job, scope)
        elif job.state is JobState.FAILED and isinstance(job.error, StaleRevision):
            self.notify(
                f"{job.error}. Reloaded.",
                severity="warning",
                title="Someone else changed the channel",
                timeout=10,
            )
            self._refresh_after_change(scope)
        elif job.state is JobState.FAILED:
            self.notify(
                f"{job.label}: {job_trouble(job.kind, _trouble(job))}",
                severity="error",
                title="Failed",
                timeout=10,
            )
        elif job.state is JobState.TIMED_OUT:
            self.notify(
                f"{job.label}: {job.error_message}", severity="error", title="Timed out", timeout=10
            )
        elif job.state is JobState.CANCELLED:
            self.notify(f"{job.label}: cancelled", severity="warning", timeout=5)

    def _succeeded(self, job: Job, scope: JobScope) -> None:
        refresh = REFRESHES.get(job.kind, Refresh.NOTHING)
        if Refresh.FINDINGS in refresh:
            self.checked = True
            self._apply_findings(job.result)
        if Refresh.VIEW in refresh:
            self.query_one(ProgrammeTable).show_view(job.result)
            job.result = None  # the table holds it; the job list must not keep every view
        if Refresh.SCHEDULE in refresh:
            self.notify(f"{job.label}: done", timeout=3)
            self._refresh_after_change(scope)
        if Refresh.CHECK in refresh:
            self.run_check(scope)

    def log_line(self, line: LogLine) -> None:
        """Called by the app for every log line (also while the app shuts down: a job's last
        lines may arrive after the panes are gone, and are in the log file)."""
        panels = self.query(LogPanel)
        if panels:
            panels.first().add(line)

    @on(JobsTable.CancelRequested)
    def _cancel(self, event: JobsTable.CancelRequested) -> None:
        if self.engine.queue.cancel(event.job_id):
            self.notify("cancelling…", timeout=2)
        else:
            self.notify("that job has already finished", timeout=2)

    # -- navigation -----------------------------------------------------------------------
    @on(ChannelList.Chosen)
    def _channel_chosen(self, event: ChannelList.Chosen) -> None:
        timeline = self.query_one(Timeline)
        if timeline.channel != event.channel:
            timeline.show(timeline.start + timeline.span / 4, event.channel)

    @on(Timeline.ChannelChosen)
    def _lane_chosen(self, event: Timeline.ChannelChosen) -> None:
        table = self.query_one(ProgrammeTable)
        if table.channel != event.channel:
            table.open_at(event.channel, self.query_one(Timeline).start)
        self.query_one("#programmes").border_title = literal(f"Programmes · {event.channel}")
        if self.zone.mode == "channel":  # another channel may read in another zone
            self._show_zone()

    @on(Timeline.TimeChosen)
    def _time_chosen(self, event: Timeline.TimeChosen) -> None:
        self.query_one(ProgrammeTable).follow(event.channel, event.moment)

    @on(Timeline.GotoRequested)
    def _goto(self) -> None:
        def chosen(text: str | None) -> None:
            if not text:
                return
            try:
                moment = parse_instant(text)
            except ValueError as error:
                self.notify(str(error), severity="error")
                return
            self.query_one(Timeline).show(moment)

        self.app.push_screen(
            Ask(
                "Go to",
                "A date and time: ISO 8601, now, today, +6h, -2d",
                placeholder="2026-12-01T20:00:00+01:00",
            ),
            chosen,
        )

    @on(FindingsTree.Jump)
    def _jump(self, event: FindingsTree.Jump) -> None:
        finding = event.finding

        def read(store: Store) -> datetime:
            if finding.programmes:
                return min(finding.start, store.programme(finding.programmes[0]).start)
            return finding.start

        def then(start: datetime) -> None:
            table = self.query_one(ProgrammeTable)
            # the table puts its cursor on it whenever it next opens (the timeline's own
            # messages reopen it at the window's start)
            table.wanted = finding.programmes[-1] if finding.programmes else None
            self.query_one(Timeline).show(start, finding.channel)
            table.open_at(finding.channel, start - timedelta(seconds=1))

        self.read(read, then, group="jump")

    @on(FindingsTree.DetailsRequested)
    def _finding_details(self, event: FindingsTree.DetailsRequested) -> None:
        self.app.push_screen(finding_details(event.finding, self.store))

    # -- filters --------------------------------------------------------------------------
    @on(ChannelList.FilterRequested)
    def _filter_channels(self) -> None:
        self._ask_filter("channels")

    @on(ProgrammeTable.ViewWanted)
    def _build_view(self, event: ProgrammeTable.ViewWanted) -> None:
        def operation(store: Store, job: JobContext) -> ProgrammeView:
            return build_view(
                store, event.channel, event.order, event.contains, should_stop=job.should_stop
            )

        what = f"titles with '{event.contains}'" if event.contains else "programmes"
        self.run_job("view", operation, f"{what} of {event.channel} by {event.order}")

    @on(ProgrammeTable.FilterRequested)
    def _filter_programmes(self) -> None:
        self._ask_filter("programmes")

    def _ask_filter(self, target: str) -> None:
        box = self.query_one("#filter", Input)
        box.display = True
        box.value = ""
        box.placeholder = f"filter {target}… (enter applies, esc clears)"
        box.focus()
        self._filter_target = target

    @on(Input.Submitted, "#filter")
    def _apply_filter(self, event: Input.Submitted) -> None:
        event.input.display = False
        text = event.value.strip()
        if self._filter_target == "channels":
            self.query_one(ChannelList).filter(text)
            self.query_one(ChannelList).focus()
        else:
            table = self.query_one(ProgrammeTable)
            table.request(table.asked[0], text or None)
            table.focus()

    def on_key(self, event: object) -> None:
        box = self.query_one("#filter", Input)
        if box.display and getattr(event, "key", "") == "escape":
            box.display = False
            if self._filter_target == "channels":
                self.query_one(ChannelList).filter("")
            else:  # as the prompt says: esc clears the filter (the order stays)
                table = self.query_one(ProgrammeTable)
                table.action_clear_filter()
                table.focus()

    # -- changes: each asks (tui/screens/changes.py), then runs as a job -------------
    def action_check(self) -> None:
        self.checked = False
        self.run_check()

    def action_import(self) -> None:
        changes.ask_import(self)

    def action_export(self) -> None:
        changes.ask_export(self)

    def action_undo(self) -> None:
        changes.ask_undo(self)

    def action_settings(self) -> None:
        changes.ask_settings(self)

    def action_plan(self) -> None:
        changes.ask_plan(self)

    def action_probe(self) -> None:
        probing.ask_probe(self)

    @on(FindingsTree.FixRequested)
    def _fix(self, event: FindingsTree.FixRequested) -> None:
        changes.ask_fix(self, event.kind, event.finding)

    @on(FindingsTree.UndoRequested)
    def _undo_requested(self) -> None:
        changes.ask_undo(self)

    @on(ProgrammeTable.EditRequested)
    def _edit(self, event: ProgrammeTable.EditRequested) -> None:
        changes.ask_edit(self, event)

    def cursor_programme(self) -> int | None:
        """The programme under the table's cursor: where it stays after a change."""
        current = self.query_one(ProgrammeTable).current
        return current.id if current is not None else None


def _now() -> datetime:
    """Now (the snapshot tests fix it)."""
    return datetime.now(UTC)


def _trouble(job: Job) -> ScheduleFlowError | str:
    """What a failed job says: ScheduleFlow's own error (its parts reworded apart), else the
    queue's line."""
    return job.error if isinstance(job.error, ScheduleFlowError) else job.error_message or ""


def _opening(store: Store) -> tuple[list[ChannelSummary], tuple[datetime, set[str]] | None]:
    """The channels, and where the first screen opens: now, when a channel is on air now,
    else the earliest instant inside the most channels' schedules; and who is on air then."""
    return store.channel_summaries(), store.busiest(_now())
