"""The jobs table and the live log, the two tabs of the jobs & log pane.

Jobs: newest first, with their ids (as ``scheduleflow jobs`` and the log name them); ``x``
cancels, ``enter`` or ``d`` shows the whole job with its error, ``L`` goes to the log. Log:
``d`` ``i`` ``w`` ``e`` choose the level (debug, info, warnings, errors), ``J`` goes back to
the jobs. Neither takes a key the screen uses (``1``–``5`` still switch panes).

Other processes on the same store show here too: the jobs of an HTTP service (``api``, with
the request id in the job's name) or of a command (``pid N``), as the store's job history
has them, and the service's access log in the log (``api …``). The screen reads both in a
worker thread with its status, every two seconds.
"""

from __future__ import annotations

import itertools
import logging
import time
from collections.abc import Collection

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable, RichLog, TabbedContent

from core.history import RecordedJob
from core.jobs import Job, JobState
from core.logs import LogLine, log_bus
from core.visible import has_hidden, visible
from tui.dialogs.details import job_details, recorded_job_details
from tui.literal import literal_text

__all__ = ["JobsTable", "LogPanel"]

_STATE_STYLE = {
    JobState.QUEUED: "dim",
    JobState.RUNNING: "bold cyan",
    JobState.SUCCEEDED: "green",
    JobState.FAILED: "bold red",
    JobState.CANCELLED: "yellow",
    JobState.TIMED_OUT: "bold magenta",
}


_NAMED_STYLE = {str(state): style for state, style in _STATE_STYLE.items()}
_COLUMNS = ("job", "id", "state", "progress", "items/s", "elapsed", "error")
_ELSEWHERE = "elsewhere:"  # the row keys of other processes' jobs


def _bar(fraction: float | None, width: int = 12) -> str:
    if fraction is None:
        return "…".ljust(width)
    filled = round(fraction * width)
    return "█" * filled + "░" * (width - filled)


def _elapsed(seconds: float) -> str:
    return "<1 s" if seconds < 1 else f"{seconds:.0f} s"


def _recorded_values(job: RecordedJob, origin: str) -> tuple[Text | str, ...]:
    """A row for another process's job: every text from the store shown escaped (any
    process, or anyone who can write the file, wrote it)."""
    running = job.state == JobState.RUNNING
    fraction = 1.0 if job.state == JobState.SUCCEEDED else job.progress or None
    return (
        literal_text(f"{origin} · {job.label}"),
        literal_text(job.id),
        Text(visible(job.state), style=_NAMED_STYLE.get(job.state, "bold red")),  # abandoned
        f"{_bar(fraction)} {job.items:,}",
        f"{job.items / job.elapsed:,.0f}" if running and job.elapsed >= 1 else "",
        _elapsed(job.elapsed),
        literal_text(job.error_message or ""),
    )


class JobsTable(DataTable[Text | str]):
    """The jobs of this session, and of other processes since it began: state, progress,
    rate, elapsed, error.

    The last ``KEEP`` finished ones of this session stay (and every unfinished one): a
    session left open for days runs a check after every edit, and a data table slows with
    its row count. Other processes' jobs are the newest the history holds (the screen asks
    for a bounded number). ``scheduleflow jobs`` lists the whole history in the store.
    """

    HELP_TITLE = "Jobs"  # how help and the palette name this pane

    BINDINGS = [
        Binding(
            "x",
            "cancel_job",
            "Cancel job",
            id="jobs.cancel",
            tooltip="the job selected in the jobs table",
        ),
        Binding(
            "d",
            "details",
            "Details",
            id="jobs.details",
            tooltip="id, times and the whole error of the selected job",
        ),
        Binding("L", "to_log", "Log", id="jobs.to_log"),
    ]
    KEEP = 200
    ELSEWHERE = 50  # other processes' jobs shown at most (the newest)

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._finished: dict[str, None] = {}  # ids of finished jobs' rows, oldest first
        self._jobs: dict[str, Job] = {}  # the jobs shown, in the order they came
        # other processes' jobs by row key (``_ELSEWHERE`` + id: a row recorded with one of
        # this session's ids must not collide with it), and where each runs (api, pid N)
        self._elsewhere: dict[str, tuple[RecordedJob, str]] = {}
        # the id as shown → (created, arrival): newest first, in the order they came
        self._rank: dict[str, tuple[float, int]] = {}
        self._arrivals = itertools.count()

    class CancelRequested(Message):
        """Cancel this job."""

        def __init__(self, job_id: str) -> None:
            self.job_id = job_id
            super().__init__()

    def on_mount(self) -> None:
        self.cursor_type = "row"
        for column, width in (
            ("Job", 36),
            ("Id", 24),
            ("State", 10),
            ("Progress", 22),
            ("Items/s", 9),
            ("Elapsed", 9),
            ("Error", None),
        ):
            self.add_column(column, key=column.lower(), width=width)

    def show(self, job: Job) -> None:
        """Add or update the row of a job (newest at the top)."""
        state = Text(str(job.state), style=_STATE_STYLE[job.state])
        progress = f"{_bar(job.fraction)} {job.done:,}"
        rate = f"{job.rate:,.0f}" if job.state is JobState.RUNNING else ""
        elapsed = _elapsed(job.elapsed)
        error = literal_text(job.error_message or "")
        values: tuple[Text | str, ...] = (
            literal_text(job.label),
            job.id,
            state,
            progress,
            rate,
            elapsed,
            error,
        )
        if job.id in self.rows:
            for column, value in zip(_COLUMNS, values, strict=True):
                self.update_cell(job.id, column, value)
        else:
            self._jobs[job.id] = job
            self._rank[job.id] = (job.created, next(self._arrivals))
            self.add_row(*values, key=job.id)
            self._sort()
            self.move_cursor(row=0)
        if job.state.finished:
            self._finished[job.id] = None
            while len(self._finished) > self.KEEP:
                oldest = next(iter(self._finished))
                del self._finished[oldest]
                del self._jobs[oldest]
                self._rank.pop(oldest, None)
                self.remove_row(oldest)

    def show_elsewhere(self, jobs: list[RecordedJob], services: Collection[int]) -> None:
        """The jobs of other processes as the history has them now (newest first): rows
        added, updated, and removed once no longer listed. ``services``: the process ids
        of the HTTP services seen on the store (their jobs are marked ``api``)."""
        chosen = self._chosen_key()
        listed = {_ELSEWHERE + job.id: job for job in jobs}
        changed = False
        for key in [key for key in self._elsewhere if key not in listed]:
            job, _ = self._elsewhere.pop(key)
            self._rank.pop(visible(job.id), None)
            self.remove_row(key)
            changed = True
        for key, job in reversed(listed.items()):  # oldest first: the order they came
            origin = (
                "api"
                if job.pid is not None and job.pid in services
                else f"pid {job.pid}"
                if job.pid is not None
                else "another process"
            )
            if self._elsewhere.get(key) == (job, origin) and job.finished:
                continue  # as it was: nothing to draw again
            values = _recorded_values(job, origin)
            self._elsewhere[key] = (job, origin)
            if key in self.rows:
                for column, value in zip(_COLUMNS, values, strict=True):
                    self.update_cell(key, column, value)
            else:
                self._rank[visible(job.id)] = (job.created, next(self._arrivals))
                self.add_row(*values, key=key)
                changed = True
        if changed:
            self._sort()
            if chosen is not None and chosen in self.rows:  # the cursor stays on its job
                self.move_cursor(row=self.get_row_index(chosen), animate=False)

    def _sort(self) -> None:
        """Newest first: by creation, then by arrival (a frozen clock, a burst)."""
        rank = self._rank
        self.sort("id", key=lambda shown: rank.get(str(shown), (0.0, -1)), reverse=True)

    def _chosen_key(self) -> str | None:
        if not self.row_count:
            return None
        key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
        return str(key) if key is not None else None

    def _chosen(self) -> Job | None:
        key = self._chosen_key()
        return self._jobs.get(key) if key is not None else None

    def action_cancel_job(self) -> None:
        key = self._chosen_key()
        if key in self._elsewhere:
            self._not_cancellable(*self._elsewhere[key])
            return
        job = self._chosen()
        if job is not None:
            self.post_message(self.CancelRequested(job.id))

    def _not_cancellable(self, job: RecordedJob, origin: str) -> None:
        """Another process's job: only that process can stop it (its queue runs it)."""
        if job.finished:
            message = f"job {job.id} has already finished"
        elif origin == "api":
            message = (
                f"job {job.id} runs in the HTTP service (pid {job.pid}): it cannot be "
                f"cancelled from here; DELETE /api/jobs/{job.id} can"
            )
        else:
            message = f"job {job.id} runs in {origin}: it cannot be cancelled from here"
        self.notify(visible(message), severity="warning", timeout=6, markup=False)

    def action_details(self) -> None:
        key = self._chosen_key()
        if key in self._elsewhere:
            self.app.push_screen(recorded_job_details(*self._elsewhere[key]))
            return
        job = self._chosen()
        if job is not None:
            self.app.push_screen(job_details(job))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_details()

    def action_to_log(self) -> None:
        _switch(self, "log-tab", LogPanel)


class LogPanel(RichLog):
    """The live tail of the log, at a chosen level: this session's records, and the access
    lines of an HTTP service on the same store (read from the log file they share)."""

    HELP_TITLE = "Log"  # how help and the palette name this pane

    BINDINGS = [
        Binding("d", "level('DEBUG')", "Debug", id="log.debug"),
        Binding("i", "level('INFO')", "Info", id="log.info"),
        Binding("w", "level('WARNING')", "Warnings", id="log.warning"),
        Binding("e", "level('ERROR')", "Errors", id="log.error"),
        Binding("J", "to_jobs", "Jobs", id="log.to_jobs"),
    ]

    def __init__(self, **kwargs: object) -> None:
        super().__init__(max_lines=2000, wrap=False, markup=False, **kwargs)  # type: ignore[arg-type]
        self.level = logging.INFO
        self.lines_seen: list[LogLine] = []

    def add(self, line: LogLine) -> None:
        """A new line from the log bus."""
        self.lines_seen.append(line)
        del self.lines_seen[:-2000]
        if logging.getLevelName(line.level) >= self.level:
            self._write(line)

    def _write(self, line: LogLine) -> None:
        style = {"ERROR": "bold red", "WARNING": "yellow", "DEBUG": "dim"}.get(line.level, "")
        when = time.strftime("%H:%M:%S", time.localtime(line.time))
        job = f" [{visible(line.job_id)}]" if line.job_id != "-" else ""
        # the message quotes file names and titles: escaped as in the log file; a line read
        # back from the file was escaped there, and is escaped again only if it holds a
        # control (the file is hostile: anyone who can write it can put one there)
        message = line.message
        if not line.escaped or has_hidden(message):
            message = visible(message)
        self.write(Text(f"{when} {visible(line.level):<7}{job} {message}", style=style))

    @property
    def level_name(self) -> str:
        """The level shown: ``DEBUG``, ``INFO``, ``WARNING`` or ``ERROR``."""
        return str(logging.getLevelName(self.level))

    def action_to_jobs(self) -> None:
        _switch(self, "jobs-tab", JobsTable)

    def action_level(self, name: str) -> None:
        log_bus().set_level(name)  # the loggers pass debug records on only when asked
        self.level = logging.getLevelName(name)
        self.clear()
        for line in self.lines_seen:
            if logging.getLevelName(line.level) >= self.level:
                self._write(line)
        self.notify(f"log level: {name.lower()} and above", timeout=2)


def _switch(
    widget: DataTable[Text | str] | RichLog, tab: str, kind: type[JobsTable | LogPanel]
) -> None:
    """Show the other tab of the jobs & log pane and focus what it holds."""
    for pane in widget.ancestors:
        if isinstance(pane, TabbedContent):
            pane.active = tab
            pane.query_one(kind).focus()
            return
