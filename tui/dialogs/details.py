"""The whole of one finding or one job, as k9s's describe shows a resource.

A list row is cut to its pane's width; this dialog wraps every line, so a long message, the
programmes a finding names or a job's error can be read to the end. ``esc``, ``q`` or
``enter`` closes it. Every value is shown literally (``tui/literal.py``): titles and errors
come from files.
"""

from __future__ import annotations

import time

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from core.clock import channel_zone, moment_text, span_text
from core.errors import ScheduleFlowError
from core.history import RecordedJob
from core.jobs import Job
from core.probe.model import eta_seconds
from core.rules.findings import Finding
from core.store import Store
from core.store.streams import stream_summary
from tui.literal import literal

__all__ = ["Details", "finding_details", "job_details", "recorded_job_details"]


class Details(ModalScreen[None]):
    """Label and value lines, wrapped and scrollable."""

    BINDINGS = [
        Binding("escape,q,enter", "dismiss(None)", "Close", id="details.close"),
        Binding("j,down", "scroll(1)", "Down", show=False, id="details.down"),
        Binding("k,up", "scroll(-1)", "Up", show=False, id="details.up"),
    ]

    def __init__(self, title: str, lines: list[tuple[str, str]]) -> None:
        super().__init__()
        self.title_text = title
        self.lines = lines

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide tall"):
            yield Label(literal(self.title_text), classes="dialog-title")
            with VerticalScroll(id="details"):
                for name, value in self.lines:
                    yield Static(literal(f"{name:<11} {value}"), classes="details-line")
            yield Static(literal("esc closes"), classes="dialog-text")

    def action_scroll(self, step: int) -> None:
        self.query_one("#details", VerticalScroll).scroll_relative(y=step, animate=False)


def finding_details(finding: Finding, store: Store) -> Details:
    """Everything about a finding: where, when in the channel's time, who, what fixes it."""
    facts = store.channel_facts().get(finding.channel)
    zone = channel_zone(facts.timezone if facts else None)
    lines = [
        ("kind", f"{finding.kind} ({finding.severity})"),
        ("channel", finding.channel),
        ("when", span_text(finding.start, finding.stop, zone)),
        ("what", finding.message),
    ]
    for number in finding.programmes:
        try:
            programme = store.programme(number)
        except ScheduleFlowError:  # changed since the check: say so, do not fail
            lines.append(("programme", f"#{number}, no longer in the store (check again: c)"))
            continue
        when = (
            span_text(programme.start, programme.stop, zone)
            if programme.stop is not None
            else moment_text(programme.start, zone)
        )
        lines.append(("programme", f"#{number} {when} '{programme.title}'"))
        stream = stream_summary(store, programme.fingerprint, zone)  # what probes found
        if stream is not None:
            lines.append(("stream", stream))
    fixes = ", ".join(finding.fixes) if finding.fixes else "none: change the schedule by hand"
    lines.append(("fixes", f"{fixes} (f in the findings pane)" if finding.fixes else fixes))
    return Details(f"{finding.kind} on {finding.channel}", lines)


def _clock(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    return time.strftime("%a %d %b %Y %H:%M:%S %Z", time.localtime(seconds))


def job_details(job: Job) -> Details:
    """Everything about a job: id, what, state, times, progress, and the whole error."""
    lines = [
        ("id", job.id),
        ("job", f"{job.kind}: {job.label}"),
        ("state", str(job.state)),
        ("by", job.who or "—"),
        ("created", _clock(job.created)),
        ("started", _clock(job.started)),
        ("ended", _clock(job.ended)),
        ("elapsed", f"{job.elapsed:.1f} s"),
        ("items", f"{job.done:,}" + (f" of {job.total:,}" if job.total else "")),
    ]
    eta = eta_seconds(job) if job.kind == "probe" and not job.state.finished else None
    if eta is not None:  # a probe run: how fast, and how long it still needs
        lines.append(("rate", f"{job.rate:.0f} items/s, about {eta:.0f} s left"))
    if job.error_message or job.error_category:
        lines.append(("error", f"{job.error_category or 'unexpected'}: {job.error_message}"))
    return Details(f"job {job.id}", lines)


def recorded_job_details(job: RecordedJob, origin: str) -> Details:
    """A job of another process (``origin``: ``api`` or ``pid N``), as the store's job
    history has it; who may cancel it, while it runs."""
    lines = [
        ("id", job.id),
        ("job", f"{job.kind}: {job.label}"),
        ("state", job.state),
        ("runs in", "the HTTP service" if origin == "api" else origin),
        ("by", job.who or "—"),
        ("created", _clock(job.created)),
        ("started", _clock(job.started)),
        ("ended", _clock(job.ended)),
        ("elapsed", f"{job.elapsed:.1f} s"),
        ("items", f"{job.items:,}"),
    ]
    if job.error_message or job.error_category:
        lines.append(("error", f"{job.error_category or 'unexpected'}: {job.error_message}"))
    if not job.finished:
        where = f"DELETE /api/jobs/{job.id}" if origin == "api" else "the process running it"
        lines.append(("cancel", f"not from here: {where}"))
    return Details(f"job {job.id}", lines)
