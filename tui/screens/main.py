"""The main screen: channels, timeline, programmes, findings, and jobs/log.

Wide terminals show every pane at once; narrow ones (80×24) show one pane at a time under a
tab bar (``1``–``5`` or the arrows on the tabs). Every operation goes through the engine as
a job; the widgets only show what the store and the rules return.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container
from textual.screen import Screen
from textual.widgets import Footer, Input, Static, Tab, TabbedContent, TabPane, Tabs

from core.clock import channel_zone, moment_text
from core.engine import Engine
from core.errors import ScheduleFlowError, StaleRevision
from core.jobs import Job, JobContext, JobState
from core.logs import LogLine
from core.models import Programme
from core.planner import Plan, apply_plan
from core.presence import read_presence
from core.rules import FindingIndex
from core.rules.findings import Finding
from core.rules.fixes import FixPlan, apply_fix
from core.samples import load_samples
from core.store import ProgrammeView, Store, build_view, export, import_file
from core.store.edits import Change, Delete, Insert, Replace, apply_changes
from core.store.undo import undo
from core.timeargs import parse_instant
from tui.dialogs.details import finding_details
from tui.dialogs.editing import EditDialog, EditResult
from tui.dialogs.files import ExportDialog, ExportRequest, ImportDialog, ImportRequest
from tui.dialogs.fixing import FixDialog
from tui.dialogs.form import job_trouble
from tui.dialogs.planning import PlanDialog
from tui.dialogs.settings import SettingsDialog, SettingsResult
from tui.dialogs.simple import Ask, Confirm
from tui.literal import literal
from tui.widgets.activity import JobsTable, LogPanel
from tui.widgets.channels import ChannelList
from tui.widgets.findings import FindingsTree
from tui.widgets.programmes import ProgrammeTable
from tui.widgets.timeline import Timeline

__all__ = ["MainScreen"]

PANES = ("channels", "timeline", "programmes", "findings", "activity")
_CHANGES = ("import", "fix", "edit", "undo", "dedupe", "plan", "settings")


def _service_note(database: Path) -> str:
    """`` · API http://127.0.0.1:8470 · 12 req/min`` while ``scheduleflow serve`` runs on
    this store (its presence file, core.presence), else nothing."""
    presence = read_presence(database)
    return f" · {presence.describe()}" if presence is not None else ""


class StatusBar(Static):
    """The header line: health, jobs, role, store."""


class MainScreen(Screen[None]):
    """Everything an operator needs on one screen."""

    BINDINGS = [
        Binding("I", "import", "Import", id="main.import"),
        Binding("E", "export", "Export", id="main.export"),
        Binding("c", "check", "Check", id="main.check"),
        Binding("P", "plan", "Plan", id="main.plan"),
        Binding("S", "settings", "Settings", id="main.settings"),
        Binding("u", "undo", "Undo", show=False, id="main.undo"),
        Binding("1", "pane('channels')", "Channels", show=False, id="main.pane_channels"),
        Binding("2", "pane('timeline')", "Timeline", show=False, id="main.pane_timeline"),
        Binding("3", "pane('programmes')", "Programmes", show=False, id="main.pane_programmes"),
        Binding("4", "pane('findings')", "Findings", show=False, id="main.pane_findings"),
        Binding("5", "pane('activity')", "Jobs & log", show=False, id="main.pane_activity"),
    ]

    def __init__(self, engine: Engine, *, load_samples: bool = False) -> None:
        super().__init__()
        self.engine = engine
        self.store: Store = engine.store
        self.findings = FindingIndex(engine.config.rules)
        self.checked = False
        self.load_samples_first = load_samples
        self.revisions: dict[str, int] = {}

    # -- layout ---------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield StatusBar(id="status")
        yield Tabs(
            *(
                Tab(name.title() if name != "activity" else "Jobs & log", id=f"tab-{name}")
                for name in PANES
            ),
            id="pane-tabs",
        )
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
            self.query_one(f"#{name}").border_title = {
                "channels": "Channels",
                "timeline": "Timeline",
                "programmes": "Programmes",
                "findings": "Findings",
                "activity": "Jobs & log",
            }[name]
        self._show_pane("timeline")
        self.reload_channels()
        self._place_timeline()
        self.query_one(Timeline).focus()
        self.update_status()
        self.set_interval(2.0, self.update_status)
        for line in list(_recent_lines()):
            self.log_line(line)
        if self.load_samples_first and not self.store.channel_ids():
            self.run_job("import", self._load_samples, "load the demo schedules")
        else:
            # after the first paint: the check's thread would otherwise hold the GIL while
            # the first screen is drawn (seconds on a store of 670,000 programmes)
            self.call_after_refresh(self.run_check)

    def _load_samples(self, store: Store, job: JobContext) -> object:
        return load_samples(store, self.engine.actor)

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
        widget = self.query_one(f"#{name}")
        if name == "activity":
            self.query_one(JobsTable).focus()
        else:
            widget.focus()

    # -- status ---------------------------------------------------------------------------
    def update_status(self) -> None:
        """Health, jobs and role in the header."""
        health = self.engine.health(check_store=False)
        mark = "●" if health.status == "healthy" else "▲"
        queue = self.engine.queue
        self.query_one(StatusBar).update(
            literal(
                f" ScheduleFlow  {mark} {health.status} · {queue.active} active / "
                f"{queue.queued} queued · {health.failed} failed · role {self.engine.role} · "
                f"{self.engine.database}{_service_note(self.engine.database)}"
            )
        )
        self.query_one(StatusBar).set_class(health.status != "healthy", "-degraded")

    # -- data refresh ---------------------------------------------------------------------
    def reload_channels(self) -> None:
        """Read the channel list again (after imports and changes)."""
        self.store.forget_channel_cache()
        summaries = self.store.channel_summaries()
        self.revisions = {s.id: s.revision for s in summaries}
        self.query_one(ChannelList).set_channels(summaries)
        self.query_one(Timeline).set_channels(summaries)

    def _place_timeline(self) -> None:
        timeline = self.query_one(Timeline)
        channel = timeline.channel
        if channel is None:
            return
        now = datetime.now(UTC)
        first, last = self.store.time_range(channel)
        moment = now if first is None or first <= now <= (last or now) else first
        timeline.show(moment)
        self.query_one(ProgrammeTable).open_at(channel, timeline.start)

    def _refresh_after_change(self, channel: str | None = None) -> None:
        self.reload_channels()
        timeline = self.query_one(Timeline)
        timeline.forget(channel)
        table = self.query_one(ProgrammeTable)
        if table.channel is None and timeline.channel is not None:
            self._place_timeline()
        else:
            table.reload()

    def _apply_findings(self, findings: list[Finding]) -> None:
        self.query_one(FindingsTree).set_findings(findings)
        self.query_one(ChannelList).set_findings(findings)
        self.query_one(Timeline).set_findings(findings)
        self.query_one(ProgrammeTable).set_findings(findings)
        errors = sum(1 for f in findings if f.severity == "error")
        self.query_one("#findings").border_title = f"Findings · {len(findings)} ({errors} errors)"

    # -- jobs -----------------------------------------------------------------------------
    def run_job(self, kind: str, operation, label: str, **options: object) -> Job | None:  # type: ignore[no-untyped-def]
        """Submit an operation as a job; a refusal (role) is one notification."""
        try:
            return self.engine.submit(kind, operation, label=label, **options)  # type: ignore[arg-type]
        except ScheduleFlowError as error:
            self.notify(str(error), severity="error", title="Not allowed")
            return None

    def run_check(
        self,
        channel: str | None = None,
        start: datetime | None = None,
        stop: datetime | None = None,
    ) -> None:
        """Check everything (or re-check one channel's window) as a job."""
        if not self.checked:
            self.query_one(FindingsTree).set_findings([], checking=True)
        index = self.findings

        def operation(store: Store, job: JobContext) -> list[Finding]:
            if channel is not None and start is not None and stop is not None and self.checked:
                index.recheck(store, channel, start, stop)
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
        if job.kind == "preview":  # its dialog says how it ended
            return
        if job.kind == "check" and job.state is JobState.SUCCEEDED:
            self.checked = True
            self._apply_findings(job.result)
            return
        if job.kind == "view" and job.state is JobState.SUCCEEDED:
            self.query_one(ProgrammeTable).show_view(job.result)
            job.result = None  # the table holds it; the job list must not keep every view
            return
        if job.state is JobState.SUCCEEDED and job.kind in _CHANGES:
            self.notify(f"{job.label}: done", timeout=3)
            channel = getattr(job, "channel_hint", None)
            self._refresh_after_change(channel)
            window = getattr(job, "window_hint", None)
            if channel and window:
                self.run_check(channel, *window)
            else:
                self.run_check()
        elif job.state is JobState.FAILED:
            if isinstance(job.error, StaleRevision):
                self.notify(
                    f"{job.error}. Reloaded.",
                    severity="warning",
                    title="Someone else changed the channel",
                    timeout=10,
                )
                self._refresh_after_change()
            else:
                self.notify(
                    f"{job.label}: {job_trouble(job.kind, job.error_message or '')}",
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

    def log_line(self, line: LogLine) -> None:
        """Called by the app for every log line."""
        self.query_one(LogPanel).add(line)

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
        table = self.query_one(ProgrammeTable)
        # the table puts its cursor on it whenever it next opens (the timeline's own
        # messages reopen it at the window's start)
        table.wanted = finding.programmes[-1] if finding.programmes else None
        start = finding.start
        if finding.programmes:
            start = min(start, self.store.programme(finding.programmes[0]).start)
        self.query_one(Timeline).show(start, finding.channel)
        table.open_at(finding.channel, start - timedelta(seconds=1))

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

    # -- actions: files -------------------------------------------------------------------
    def action_import(self) -> None:
        if not self.engine.may("import"):
            self.notify(f"role {self.engine.role} may not import", severity="warning")
            return

        def chosen(request: ImportRequest | None) -> None:
            if request is None:
                return

            def operation(store: Store, job: JobContext) -> object:
                return import_file(
                    store,
                    request.path,
                    actor=self.engine.actor,
                    format=request.format,
                    channel=request.channel,
                    replace=request.replace,
                    job_id=job.job.id,
                    progress=job.progress,
                    should_stop=job.should_stop,
                )

            self.run_job("import", operation, f"import {request.path.name}")

        self.app.push_screen(ImportDialog(str(Path.cwd()) + "/"), chosen)

    def action_export(self) -> None:
        if not self.engine.may("export"):
            self.notify(f"role {self.engine.role} may not export", severity="warning")
            return

        def chosen(request: ExportRequest | None) -> None:
            if request is None:
                return

            def operation(store: Store, job: JobContext) -> object:
                return export(
                    store,
                    request.format,
                    request.target,
                    channels=[request.channel] if request.channel else None,
                    start=request.start,
                    stop=request.stop,
                    force=request.force,
                    filler=request.filler,
                    should_stop=job.should_stop,
                )

            self.run_job("export", operation, f"export {request.format} to {request.target.name}")

        channel = self.query_one(Timeline).channel
        self.app.push_screen(ExportDialog(list(self.revisions), channel), chosen)

    def action_check(self) -> None:
        self.checked = False
        self.run_check()

    # -- actions: fixes and edits ---------------------------------------------------------
    @on(FindingsTree.FixRequested)
    def _fix(self, event: FindingsTree.FixRequested) -> None:
        if not self.engine.may("fix"):
            self.notify(f"role {self.engine.role} may not fix", severity="warning")
            return
        channel = event.finding.channel if event.finding else self.query_one(Timeline).channel
        groups = [name for name, _ in self.store.groups()]

        def chosen(plan: FixPlan | None) -> None:
            if plan is None:
                return
            job = self.run_job(
                "fix",
                lambda store, ctx: apply_fix(
                    store, plan, actor=self.engine.actor, job_id=ctx.job.id
                ),
                f"fix {plan.kind} ({plan.policy}): {plan.changes} changes",
            )
            if job is not None and len(plan.channels) == 1:
                job.channel_hint = plan.channels[0].channel  # type: ignore[attr-defined]

        self.app.push_screen(FixDialog(self.engine, event.kind, channel, groups), chosen)

    @on(FindingsTree.UndoRequested)
    def _undo_requested(self) -> None:
        self.action_undo()

    def action_undo(self) -> None:
        self.run_job(
            "undo",
            lambda store, ctx: undo(store, actor=self.engine.actor, job_id=ctx.job.id),
            "undo the last change",
        )

    @on(ProgrammeTable.EditRequested)
    def _edit(self, event: ProgrammeTable.EditRequested) -> None:
        if not self.engine.may("edit"):
            self.notify(f"role {self.engine.role} may not edit", severity="warning")
            return
        channel, programme = event.channel, event.programme
        seen = self.store.revision(channel)
        if event.kind == "delete":
            if programme is None:
                return

            def confirmed(yes: bool | None) -> None:
                if yes:
                    self._submit_edit(
                        channel,
                        seen,
                        [Delete(programme.id or 0)],
                        f"delete '{programme.title}'",
                        programme,
                    )

            self.app.push_screen(
                Confirm(
                    "Delete", f"Delete '{programme.title}' at {self._when(channel, programme)}?"
                ),
                confirmed,
            )
            return
        if programme is None and event.kind != "insert":
            return

        def edited(result: EditResult | None) -> None:
            if result is None:
                return
            change: Change
            if result.original is None:
                change = Insert(result.programme)
            else:
                change = Replace(result.original.id or 0, result.programme)
            self._submit_edit(
                channel,
                seen,
                [change],
                f"{event.kind} '{result.programme.title}'",
                result.programme,
            )

        facts = self.store.channel_facts().get(channel)
        zone = channel_zone(facts.timezone if facts else None)
        self.app.push_screen(EditDialog(event.kind, channel, programme, zone), edited)

    def _when(self, channel: str, programme: Programme) -> str:
        """When a programme starts, as the operator reads it: in the channel's zone."""
        facts = self.store.channel_facts().get(channel)
        return moment_text(programme.start, channel_zone(facts.timezone if facts else None))

    def _submit_edit(
        self, channel: str, revision: int, changes: list[Change], summary: str, programme: Programme
    ) -> None:
        job = self.run_job(
            "edit",
            lambda store, ctx: apply_changes(
                store,
                channel,
                changes,
                actor=self.engine.actor,
                action="edit",
                summary=summary,
                expected_revision=revision,
                job_id=ctx.job.id,
            ),
            summary,
        )
        if job is not None:
            job.channel_hint = channel  # type: ignore[attr-defined]
            stop = programme.stop or programme.start + timedelta(hours=1)
            job.window_hint = (programme.start - timedelta(hours=1), stop)  # type: ignore[attr-defined]

    # -- settings and plan ----------------------------------------------------------------
    def action_settings(self) -> None:
        channel = self.query_one(Timeline).channel
        facts = self.store.channel_facts().get(channel) if channel else None

        def chosen(result: SettingsResult | None) -> None:
            if result is None:
                return
            self.app.theme = result.theme
            if result.channel is not None:

                def save(store: Store, ctx: JobContext) -> None:
                    store.set_rule_settings(
                        result.channel or "",
                        actor=self.engine.actor,
                        cooldown_hours=result.cooldown_hours,
                        cooldown_scope=result.cooldown_scope,
                        gap_tolerance_seconds=result.gap_tolerance_seconds,
                        job_id=ctx.job.id,
                    )
                    store.set_storage_root(result.channel or "", result.storage_root)

                self.run_job("settings", save, f"settings of {result.channel}")

        themes = sorted(self.app.available_themes)
        root = self.store.storage_roots().get(channel) if channel else None
        dialog = SettingsDialog(facts, themes, self.app.theme, self.engine.may("settings"), root)
        self.app.push_screen(dialog, chosen)

    def action_plan(self) -> None:
        if not self.engine.may("plan"):
            self.notify(f"role {self.engine.role} may not plan", severity="warning")
            return
        groups = [name for name, _ in self.store.groups()]
        if not groups:
            self.notify("the library is empty: import an M3U library first (I)", severity="warning")
            return

        def chosen(plan: Plan | None) -> None:
            if plan is None:
                return
            job = self.run_job(
                "plan",
                lambda store, ctx: apply_plan(
                    store, plan, actor=self.engine.actor, job_id=ctx.job.id
                ),
                f"plan {plan.channel}: {len(plan.added)} programmes",
            )
            if job is not None:
                job.channel_hint = plan.channel  # type: ignore[attr-defined]
                job.window_hint = (plan.start, plan.stop)  # type: ignore[attr-defined]

        channel = self.query_one(Timeline).channel
        self.app.push_screen(PlanDialog(self.engine, channel, groups), chosen)


def _recent_lines() -> list[LogLine]:
    from core.logs import log_bus

    return list(log_bus().lines)[-200:]
