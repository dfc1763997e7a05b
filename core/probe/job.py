"""A probe run as a job: what to probe, the run on its own event loop, the results kept.

The job's thread runs the probes on an event loop of its own (the engine's loop keeps
answering) and keeps results in batches as they come, so a run that is cancelled half-way
keeps everything it measured. Progress is reported as items done of the total; the job's
rate gives items per second, and :func:`eta_seconds` the time left.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from core.commits import keeping
from core.config import Config
from core.jobs import JobContext
from core.models import Asset
from core.probe.headers import attribute_tags
from core.probe.model import (
    ProbeResult,
    ProbeSettings,
    ProbeTarget,
    StreamState,
    Verdict,
    eta_seconds,
)
from core.store import Store
from core.store.codec import to_ms
from core.store.streams import prune_history, record_probes, stream_verdicts

__all__ = ["ProbeReport", "configured_settings", "eta_seconds", "probe_targets", "run_probe"]

_BATCH = 500
_BATCH_SECONDS = 1.0


@dataclass
class ProbeReport:
    """What a run probed, each locator's state after it, and whether it ran to the end."""

    results: list[ProbeResult] = field(default_factory=list)
    verdicts: dict[str, Verdict] = field(default_factory=dict)
    total: int = 0
    stopped: bool = False

    def count(self, state: StreamState) -> int:
        """How many probed locators are in ``state``."""
        return sum(1 for verdict in self.verdicts.values() if verdict.state is state)

    @property
    def down(self) -> int:
        """Down or flapping: what the exit status counts as not all up."""
        return self.count(StreamState.DOWN) + self.count(StreamState.FLAPPING)

    def to_json(self) -> dict[str, Any]:
        """The ``probe --json`` shape (see the README)."""
        rows = []
        latest = {result.fingerprint: result for result in self.results}  # its last probe
        for result in latest.values():
            verdict = self.verdicts.get(result.fingerprint)
            state = verdict.state if verdict is not None else StreamState.UNKNOWN
            rows.append(
                {
                    "locator": result.locator,
                    "state": str(state),
                    "status": result.status,
                    "reason": result.reason,
                    "latency_ms": result.latency_ms,
                    "checked_at": datetime.fromtimestamp(result.checked_at / 1000)
                    .astimezone()
                    .isoformat(timespec="milliseconds"),
                }
            )
        return {
            "checked": len(latest),
            "up": self.count(StreamState.UP),
            "down": self.count(StreamState.DOWN),
            "flapping": self.count(StreamState.FLAPPING),
            "results": rows,
        }


def configured_settings(config: Config) -> ProbeSettings:
    """How a run probes by the configuration (``[probe]``, and the rules' stream settings):
    the command line changes some of it, the TUI's probe takes it as it is."""
    return ProbeSettings(
        concurrency=config.probe.concurrency,
        timeout=config.probe.timeout_seconds,
        retries=config.probe.retries,
        per_host=config.probe.per_host,
        min_interval=config.probe.min_interval_seconds,
        down_after=config.rules.stream_down_after,
        duration_tolerance=config.rules.duration_tolerance_seconds,
    )


def _tags(asset: Asset) -> tuple[str, ...]:
    """The entry's tag lines, after what its ``#EXTINF`` attributes ask for."""
    if "http-" not in asset.extinf:  # the attributes are decoded only when they may say so
        return asset.tags
    return attribute_tags(asset.attrs) + asset.tags


def probe_targets(
    store: Store,
    *,
    channels: Iterable[str] = (),
    group: str | None = None,
    library: bool = False,
    start: datetime | None = None,
    stop: datetime | None = None,
) -> list[ProbeTarget]:
    """The locators to probe, once each: the library (or a group of it), and the
    programmes of ``channels`` that start in ``[start, stop)``. Programmes take the
    headers and length of the library entry with the same fingerprint."""
    assets = {asset.fingerprint: asset for asset in store.assets()}
    targets: dict[str, ProbeTarget] = {}
    if library or group is not None:
        chosen = assets.values() if group is None else store.assets(store.require_group(group))
        for asset in chosen:
            targets.setdefault(
                asset.fingerprint,
                ProbeTarget(
                    asset.locator, asset.fingerprint, _tags(asset), asset.duration, asset.title
                ),
            )
    low = to_ms(start) if start is not None else None
    high = to_ms(stop) if stop is not None else None
    for channel in channels:
        for row in store.rule_rows(channel, low, high):
            fingerprint, locator = row[6], row[7]
            if not fingerprint or not locator or fingerprint in targets:
                continue
            known = assets.get(fingerprint)
            length = (row[2] - row[1]) / 1000 if row[2] is not None and row[8] is None else None
            if known is not None:
                targets[fingerprint] = ProbeTarget(
                    locator, fingerprint, _tags(known), known.duration or length, row[4]
                )
            else:
                targets[fingerprint] = ProbeTarget(locator, fingerprint, (), length, row[4])
    return list(targets.values())


def run_probe(
    store: Store, context: JobContext | None, targets: list[ProbeTarget], settings: ProbeSettings
) -> ProbeReport:
    """Probe ``targets`` in this thread, keeping results as they come; stopped by the job.

    A locator that failed and is not down yet is probed again at the end of the run, until
    it has failed ``down_after`` times in a row or plays: one failed probe is not a verdict,
    and a run in a pipeline must still be able to say "down".
    """
    with keeping():  # what was measured is kept, stopped or not
        return _run_probe(store, context, targets, settings)


def _run_probe(
    store: Store, context: JobContext | None, targets: list[ProbeTarget], settings: ProbeSettings
) -> ProbeReport:
    report = ProbeReport(total=len(targets))
    batch: list[ProbeResult] = []
    flushed = time.monotonic()
    done_before = 0

    def on_result(result: ProbeResult) -> None:
        nonlocal flushed
        report.results.append(result)
        batch.append(result)
        if len(batch) >= _BATCH or time.monotonic() - flushed >= _BATCH_SECONDS:
            record_probes(store, batch)
            batch.clear()
            flushed = time.monotonic()

    def progress(done: int, total: int) -> None:
        if context is not None:
            context.progress(done_before + done, done_before + total)

    def stopping() -> bool:
        return context is not None and context.stopping

    # Imported here, not at the top: the runner brings aiohttp (a quarter of a second),
    # and the TUI imports this module at start for its ``p`` key.
    from core.probe.runner import probe_all

    chosen = targets
    for _ in range(max(1, settings.down_after)):
        summary = asyncio.run(
            probe_all(
                chosen, settings, on_result=on_result, should_stop=stopping, progress=progress
            )
        )
        done_before += summary.done
        record_probes(store, batch)  # what was measured is kept, stopped or not
        batch.clear()
        fingerprints = [target.fingerprint for target in targets]
        report.verdicts = stream_verdicts(store, fingerprints, down_after=settings.down_after)
        if summary.stopped:
            report.stopped = True
            break
        chosen = [
            target
            for target in chosen
            if (verdict := report.verdicts.get(target.fingerprint)) is not None
            and verdict.latest is not None
            and not verdict.latest.ok
            and verdict.state is StreamState.UP
        ]
        if not chosen:
            break
    prune_history(store, {result.fingerprint for result in report.results})
    if context is not None:
        context.check()  # a stopped run ends as its job: cancelled or timed out
    return report
