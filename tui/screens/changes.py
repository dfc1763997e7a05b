"""What the main screen's changes ask and submit: a dialog (or a question), then a job.

Each flow reads what its dialog offers off the event loop (:meth:`MainScreen.read`), asks,
and submits the change with a :class:`~tui.screens.scope.JobScope`; the screen redraws what
:data:`~tui.screens.scope.REFRESHES` says when the job ends. The screen keeps the layout,
the panes and the jobs; these functions keep what each change needs.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from core.clock import moment_text
from core.engine import Engine
from core.errors import StaleRevision
from core.jobs import JobContext
from core.models import Programme
from core.planner import Plan, apply_plan
from core.rules.findings import Finding
from core.rules.fixes import FixPlan, apply_fix
from core.store import Store, export, import_file
from core.store.edits import Change, Delete, Insert, Replace, apply_changes
from core.store.store import ChannelFacts
from core.store.undo import UndoEntry, pending_undos, undo
from core.words import count
from tui.dialogs.editing import EditDialog, EditResult
from tui.dialogs.files import ExportDialog, ExportRequest, ImportDialog, ImportRequest
from tui.dialogs.fixing import FixDialog
from tui.dialogs.planning import PlanDialog
from tui.dialogs.settings import SettingsDialog, SettingsResult
from tui.dialogs.simple import Confirm
from tui.screens.scope import JobScope
from tui.widgets.programmes import ProgrammeTable
from tui.widgets.timeline import Timeline

if TYPE_CHECKING:
    from tui.screens.main import MainScreen

__all__ = [
    "ask_edit",
    "ask_export",
    "ask_fix",
    "ask_import",
    "ask_plan",
    "ask_settings",
    "ask_undo",
]


def ask_import(screen: MainScreen) -> None:
    """``I``: the import dialog, then the import as a job."""
    if not screen.may("import"):
        return

    def chosen(request: ImportRequest | None) -> None:
        if request is None:
            return

        def operation(store: Store, job: JobContext) -> object:
            return import_file(
                store,
                request.path,
                actor=screen.engine.actor,
                format=request.format,
                channel=request.channel,
                replace=request.replace,
                job_id=job.job.id,
                progress=job.progress,
                should_stop=job.should_stop,
            )

        screen.run_job("import", operation, f"import {request.path.name}")

    screen.app.push_screen(ImportDialog(str(Path.cwd()) + "/"), chosen)


def ask_export(screen: MainScreen) -> None:
    """``E``: the export dialog, then the export as a job."""
    if not screen.may("export"):
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

        screen.run_job("export", operation, f"export {request.format} to {request.target.name}")

    channel = screen.query_one(Timeline).channel
    screen.app.push_screen(ExportDialog(list(screen.revisions), channel), chosen)


def ask_fix(screen: MainScreen, kind: str, finding: Finding | None) -> None:
    """``f``: the fixes of ``kind`` previewed, then the one chosen as a job."""
    if not screen.may("fix"):
        return
    channel = finding.channel if finding else screen.query_one(Timeline).channel
    kept = screen.cursor_programme()

    def chosen(plan: FixPlan | None) -> None:
        if plan is None:
            return
        one = plan.channels[0].channel if len(plan.channels) == 1 else None
        screen.run_job(
            "fix",
            lambda store, ctx: apply_fix(store, plan, actor=screen.engine.actor, job_id=ctx.job.id),
            f"fix {plan.kind} ({plan.policy}): {count(plan.changes, 'change')}",
            JobScope(channel=one, programme=kept),
        )

    def ask(groups: list[str]) -> None:
        screen.app.push_screen(FixDialog(screen.engine, kind, channel, groups), chosen)

    screen.read(_group_names, ask, group="dialog")


def ask_undo(screen: MainScreen) -> None:
    """``u``: say what the next undo undoes, and undo exactly that when confirmed."""
    if not screen.may("undo"):
        return
    kept = screen.cursor_programme()

    def ask(entries: list[UndoEntry]) -> None:
        if not entries:
            screen.notify("there is nothing to undo", severity="warning")
            return
        entry = entries[0]
        where = f" on {entry.channel}" if entry.channel else ""
        question = f"Undo {entry.action}{where}: {entry.summary}? ({entry.who}, {entry.when()})"

        def confirmed(yes: bool | None) -> None:
            if yes:
                screen.run_job(
                    "undo",
                    lambda store, ctx: _undo_exactly(store, entry, screen.engine, ctx),
                    f"undo {entry.summary}",
                    JobScope(channel=entry.channel, programme=kept),
                )

        screen.app.push_screen(Confirm("Undo", question), confirmed)

    screen.read(lambda store: pending_undos(store, limit=1), ask, group="dialog")


def ask_edit(screen: MainScreen, event: ProgrammeTable.EditRequested) -> None:
    """``a`` ``m`` ``e`` ``d``: the edit dialog (or a yes for a delete), then the edit."""
    if not screen.may("edit"):
        return
    channel, programme = event.channel, event.programme
    if programme is None and event.kind != "insert":
        return
    seen = screen.revisions.get(channel, 0)
    if event.kind == "delete" and programme is not None:
        when = moment_text(programme.start, screen.zone.zone(channel))

        def confirmed(yes: bool | None) -> None:
            if yes:
                change: list[Change] = [Delete(programme.id or 0)]
                _submit_edit(
                    screen, channel, seen, change, f"delete '{programme.title}'", programme
                )

        screen.app.push_screen(
            Confirm("Delete", f"Delete '{programme.title}' at {when}?"), confirmed
        )
        return

    def edited(result: EditResult | None) -> None:
        if result is None:
            return
        change: Change
        if result.original is None:
            change = Insert(result.programme)
        else:
            change = Replace(result.original.id or 0, result.programme)
        _submit_edit(
            screen,
            channel,
            seen,
            [change],
            f"{event.kind} '{result.programme.title}'",
            result.programme,
            keep=result.original.id if result.original is not None else None,
        )

    zone = screen.zone.zone(channel)  # the screen's zone: the one the table shows
    screen.app.push_screen(EditDialog(event.kind, channel, programme, zone), edited)


def _submit_edit(
    screen: MainScreen,
    channel: str,
    revision: int,
    changes: list[Change],
    summary: str,
    programme: Programme,
    *,
    keep: int | None = None,
) -> None:
    """An edit as a job; the cursor stays on (or follows) ``keep``; a deleted programme
    leaves the cursor on the row that takes its place."""
    stop = programme.stop or programme.start + timedelta(hours=1)
    window = (programme.start - timedelta(hours=1), stop)
    screen.run_job(
        "edit",
        lambda store, ctx: apply_changes(
            store,
            channel,
            changes,
            actor=screen.engine.actor,
            action="edit",
            summary=summary,
            expected_revision=revision,
            job_id=ctx.job.id,
        ),
        summary,
        JobScope(channel=channel, window=window, programme=keep),
    )


def ask_settings(screen: MainScreen) -> None:
    """``S``: the settings dialog; the theme now (and kept), the rules as a job."""
    channel = screen.query_one(Timeline).channel

    def chosen(result: SettingsResult | None) -> None:
        if result is None:
            return
        from tui.app import ScheduleFlowApp  # the app imports this module

        app = screen.app
        if isinstance(app, ScheduleFlowApp):
            app.choose_theme(result.theme)  # shown now, and kept for the next start
        if result.channel is not None:

            def save(store: Store, ctx: JobContext) -> None:
                store.set_rule_settings(
                    result.channel or "",
                    actor=screen.engine.actor,
                    cooldown_hours=result.cooldown_hours,
                    cooldown_scope=result.cooldown_scope,
                    gap_tolerance_seconds=result.gap_tolerance_seconds,
                    job_id=ctx.job.id,
                )
                store.set_storage_root(result.channel or "", result.storage_root)

            screen.run_job(
                "settings",
                save,
                f"settings of {result.channel}",
                JobScope(channel=result.channel),
            )

    def read(store: Store) -> tuple[ChannelFacts | None, str | None]:
        facts = store.channel_facts().get(channel) if channel else None
        root = store.storage_roots().get(channel) if channel else None
        return facts, root

    def ask(found: tuple[ChannelFacts | None, str | None]) -> None:
        facts, root = found
        themes = sorted(screen.app.available_themes)
        may = screen.engine.may("settings")
        dialog = SettingsDialog(facts, themes, screen.app.theme, may, root)
        screen.app.push_screen(dialog, chosen)

    screen.read(read, ask, group="dialog")


def ask_plan(screen: MainScreen) -> None:
    """``P``: the plan dialog (its preview), then the plan as a job."""
    if not screen.may("plan"):
        return
    channel = screen.query_one(Timeline).channel

    def chosen(plan: Plan | None) -> None:
        if plan is None:
            return
        screen.run_job(
            "plan",
            lambda store, ctx: apply_plan(
                store, plan, actor=screen.engine.actor, job_id=ctx.job.id
            ),
            f"plan {plan.channel}: {count(len(plan.added), 'programme')}",
            JobScope(channel=plan.channel, window=(plan.start, plan.stop)),
        )

    def ask(groups: list[str]) -> None:
        if not groups:
            screen.notify(
                "the library is empty: import an M3U library first (I)", severity="warning"
            )
            return
        screen.app.push_screen(PlanDialog(screen.engine, channel, groups), chosen)

    screen.read(_group_names, ask, group="dialog")


def _group_names(store: Store) -> list[str]:
    return [name for name, _ in store.groups()]


def _undo_exactly(store: Store, entry: UndoEntry, engine: Engine, job: JobContext) -> object:
    """Undo ``entry`` — the change the operator was shown — and nothing else: if another
    change became the newest meanwhile, nothing is undone."""
    newest = pending_undos(store, limit=1)
    if not newest or newest[0].id != entry.id:
        raise StaleRevision(
            f"the newest change is no longer '{entry.summary}'; nothing was undone",
            hint="press u again to see what an undo would undo now",
        )
    return undo(store, actor=engine.actor, job_id=job.job.id)
