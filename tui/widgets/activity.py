"""The jobs table and the live log, the two tabs of the jobs & log pane.

Jobs: newest first, with their ids (as ``scheduleflow jobs`` and the log name them); ``x``
cancels, ``enter`` or ``d`` shows the whole job with its error, ``L`` goes to the log. Log:
``d`` ``i`` ``w`` ``e`` choose the level (debug, info, warnings, errors), ``J`` goes back to
the jobs. Neither takes a key the screen uses (``1``–``5`` still switch panes).
"""

from __future__ import annotations

import logging
import time

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable, RichLog, TabbedContent

from core.jobs import Job, JobState
from core.logs import LogLine, log_bus
from core.visible import visible
from tui.dialogs.details import job_details
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


def _bar(fraction: float | None, width: int = 12) -> str:
    if fraction is None:
        return "…".ljust(width)
    filled = round(fraction * width)
    return "█" * filled + "░" * (width - filled)


class JobsTable(DataTable[Text | str]):
    """The jobs of this session: state, progress, rate, elapsed, error.

    The last ``KEEP`` finished ones stay (and every unfinished one): a session left open
    for days runs a check after every edit, and a data table slows with its row count.
    ``scheduleflow jobs`` lists the history in the store.
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

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._finished: dict[str, None] = {}  # ids of finished jobs' rows, oldest first
        self._jobs: dict[str, Job] = {}  # the jobs shown, in the order they came

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
        elapsed = "<1 s" if job.elapsed < 1 else f"{job.elapsed:.0f} s"
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
            for column, value in zip(
                ("job", "id", "state", "progress", "items/s", "elapsed", "error"),
                values,
                strict=True,
            ):
                self.update_cell(job.id, column, value)
        else:
            self._jobs[job.id] = job
            self.add_row(*values, key=job.id)
            order = {key: place for place, key in enumerate(self._jobs)}
            self.sort("id", key=lambda key: -order[str(key)])
            self.move_cursor(row=0)
        if job.state.finished:
            self._finished[job.id] = None
            while len(self._finished) > self.KEEP:
                oldest = next(iter(self._finished))
                del self._finished[oldest]
                del self._jobs[oldest]
                self.remove_row(oldest)

    def _chosen(self) -> Job | None:
        if not self.row_count:
            return None
        key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
        return self._jobs.get(key) if key is not None else None

    def action_cancel_job(self) -> None:
        job = self._chosen()
        if job is not None:
            self.post_message(self.CancelRequested(job.id))

    def action_details(self) -> None:
        job = self._chosen()
        if job is not None:
            self.app.push_screen(job_details(job))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_details()

    def action_to_log(self) -> None:
        _switch(self, "log-tab", LogPanel)


class LogPanel(RichLog):
    """The live tail of the log, at a chosen level."""

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
        job = f" [{line.job_id}]" if line.job_id != "-" else ""
        # the message quotes file names and titles: escaped as in the log file
        self.write(Text(visible(f"{when} {line.level:<7}{job} {line.message}"), style=style))

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
