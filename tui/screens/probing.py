"""``p``: probe the streams of the timeline's channel, as a job (the stream doctor).

The same run as ``scheduleflow probe --channel ID`` (the configuration's settings: bounded
concurrency, per-host limits, timeouts), on the core's job queue, so the Jobs pane shows its
progress and ``x`` cancels it (what it measured is kept). When it ends the rules run again:
the programmes table's flags and the ``unplayable streams`` findings then say what it found.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.jobs import JobContext
from core.probe.job import ProbeReport, configured_settings, probe_targets, run_probe
from core.store import Store
from core.visible import visible
from tui.screens.scope import JobScope
from tui.widgets.timeline import Timeline

if TYPE_CHECKING:
    from tui.screens.main import MainScreen

__all__ = ["ask_probe"]


def ask_probe(screen: MainScreen) -> None:
    """Probe every stream the timeline's channel plays (once each), as a ``probe`` job."""
    channel = screen.query_one(Timeline).channel
    if channel is None:
        screen.notify("no channel to probe: choose one in the timeline", timeout=5)
        return
    settings = configured_settings(screen.engine.config)

    def operation(store: Store, job: JobContext) -> ProbeReport:
        return run_probe(store, job, probe_targets(store, channels=[channel]), settings)

    screen.run_job(
        "probe",
        operation,
        f"probe the streams of {visible(channel)}",
        JobScope(channel=channel),
        permission="probe",
    )
