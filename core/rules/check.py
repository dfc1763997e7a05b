"""Running every rule over the store (or over a file's programmes), in one pass per channel.

A window check reads a little before the window (the channel's longest programme, and the
cooldown) so that what reaches into the window is judged, and reports only findings that
meet the window. :class:`FindingIndex` keeps a full check's findings and, after an edit,
re-checks just the affected channel and window.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any

from core.config import RuleDefaults
from core.models import Programme
from core.rules.cooldown import find_cooldown_violations
from core.rules.findings import KINDS, Finding
from core.rules.intervals import find_duplicates, find_gaps, find_overlaps
from core.rules.slots import ChannelView, CutPoints, Slot, cut_points, prepare, slot_of
from core.rules.streams import StreamFacts, find_dead_streams, stream_facts
from core.rules.validity import find_dst_days, find_invalid, find_unplayable
from core.store import Store
from core.store.codec import from_ms, to_ms
from core.store.store import ChannelFacts
from core.words import count

__all__ = [
    "REPORT_VERSION",
    "CheckReport",
    "FindingIndex",
    "channel_settings",
    "check_programmes",
    "check_store",
]

REPORT_VERSION = 1
_ORDER = {kind: rank for rank, kind in enumerate(KINDS)}


@dataclass
class CheckReport:
    """The findings of one check, sorted by channel, kind and time."""

    findings: list[Finding] = field(default_factory=list)
    channels: int = 0
    programmes: int = 0

    @property
    def counts(self) -> dict[str, int]:
        """How many findings of each kind (every kind listed, zeros included)."""
        counted = Counter(finding.kind for finding in self.findings)
        return {kind: counted.get(kind, 0) for kind in KINDS}

    @property
    def errors(self) -> int:
        """How many error-severity findings (what decides the exit status)."""
        return sum(1 for finding in self.findings if finding.severity == "error")

    def to_json(self) -> dict[str, Any]:
        """The versioned ``check --json`` shape (see the README)."""
        return {
            "version": REPORT_VERSION,
            "channels": self.channels,
            "programmes": self.programmes,
            "counts": self.counts,
            "errors": self.errors,
            "findings": [finding.to_json() for finding in self.findings],
        }


def _sort(findings: list[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (f.channel, _ORDER[f.kind], f.start, f.programmes))


def channel_settings(
    facts: ChannelFacts | None, defaults: RuleDefaults
) -> tuple[float, str, float]:
    """A channel's cooldown hours, cooldown scope and gap tolerance (its own, else defaults)."""
    if facts is None:
        return defaults.cooldown_hours, defaults.cooldown_scope, defaults.gap_tolerance_seconds
    return (
        facts.cooldown_hours if facts.cooldown_hours is not None else defaults.cooldown_hours,
        facts.cooldown_scope or defaults.cooldown_scope,
        facts.gap_tolerance_seconds
        if facts.gap_tolerance_seconds is not None
        else defaults.gap_tolerance_seconds,
    )


def _from_body(body: str | None) -> tuple[str | None, CutPoints | None]:
    """The clump index and the cut points kept in a programme's body (the store hands the
    body over only when it holds one of them)."""
    if body is None:
        return None, None
    attrs = (json.loads(body) + [[]] * 9)[7]
    clump = next((str(value) for key, value in attrs if key == "clumpidx"), None)
    return clump, cut_points(attrs)


def _slots(rows: Iterable[tuple[Any, ...]]) -> list[Slot]:
    new = tuple.__new__
    slots = []
    for row in rows:
        clump, points = _from_body(row[8])
        slots.append(new(Slot, (*row[:8], clump, points)))
    return slots


def _meets(finding: Finding, start: datetime | None, stop: datetime | None) -> bool:
    if start is not None and finding.stop <= start and finding.start < start:
        return False
    return not (stop is not None and finding.start >= stop)


def _channel_findings(
    view: ChannelView,
    facts: ChannelFacts | None,
    defaults: RuleDefaults,
    durations: dict[str, float],
    exists: Callable[[str], bool] | None,
    *,
    with_cooldown: bool,
    storage_root: str | None = None,
    streams: StreamFacts | None = None,
) -> list[Finding]:
    cooldown, _, tolerance = channel_settings(facts, defaults)
    findings = find_overlaps(view)
    findings += find_gaps(view, round(tolerance * 1000))
    findings += find_duplicates(view)
    findings += find_invalid(view, declared=facts.declared if facts else True)
    options: dict[str, Any] = {
        "tolerance_s": defaults.duration_tolerance_seconds,
        "storage_root": storage_root or defaults.storage_root,
    }
    if exists is not None:
        options["exists"] = exists
    findings += find_unplayable(view, durations, **options)
    if streams is not None:  # what the stream doctor measured (core/rules/streams.py)
        findings += find_dead_streams(view, streams)
    if with_cooldown:
        findings += find_cooldown_violations(
            [view], round(cooldown * 3_600_000), round(defaults.cooldown_min_seconds * 1000)
        )
    if view.slots and facts is not None:
        first = from_ms(view.slots[0].start, 0)
        last = from_ms(max(end or 0 for end in view.ends) or view.slots[-1].start, 0)
        findings += find_dst_days(view.channel, facts.timezone, facts.day_start, first, last)
    return findings


def check_store(
    store: Store,
    defaults: RuleDefaults | None = None,
    *,
    channels: Iterable[str] | None = None,
    start: datetime | None = None,
    stop: datetime | None = None,
    exists: Callable[[str], bool] | None = None,
) -> CheckReport:
    """Run every rule over the chosen channels (all by default) and time window."""
    defaults = defaults or RuleDefaults()
    facts = store.channel_facts()
    chosen = list(channels) if channels is not None else sorted(facts)
    for channel in chosen:
        store.channel_key(channel)  # unknown channels are named in the error
    durations = store.asset_durations()
    roots = store.storage_roots()
    streams = stream_facts(store, down_after=defaults.stream_down_after)
    report = CheckReport(channels=len(chosen))
    network: list[ChannelView] = []
    network_cooldown = 0.0
    for channel in chosen:
        known = facts[channel]
        cooldown, scope, _ = channel_settings(known, defaults)
        reach = known.max_length_ms + round(cooldown * 3_600_000)
        low = to_ms(start) - reach if start is not None else None
        view = prepare(channel, _slots(store.rule_rows(channel, low, _ms(stop))), known.timezone)
        report.programmes += len(view.slots)
        findings = _channel_findings(
            view,
            known,
            defaults,
            durations,
            exists,
            with_cooldown=scope != "network",
            storage_root=roots.get(channel),
            streams=streams,
        )
        if scope == "network":
            network.append(view)
            network_cooldown = max(network_cooldown, cooldown)
        report.findings += [f for f in findings if _meets(f, start, stop)]
    if network:
        found = find_cooldown_violations(
            network,
            round(network_cooldown * 3_600_000),
            round(defaults.cooldown_min_seconds * 1000),
        )
        report.findings += [f for f in found if _meets(f, start, stop)]
    report.findings = _sort(report.findings)
    return report


def _ms(moment: datetime | None) -> int | None:
    return to_ms(moment) if moment is not None else None


def check_programmes(
    programmes: Iterable[Programme],
    defaults: RuleDefaults | None = None,
    *,
    declared: Iterable[str] | None = None,
    timezones: dict[str, str] | None = None,
    durations: dict[str, float] | None = None,
    exists: Callable[[str], bool] | None = None,
) -> CheckReport:
    """Run every rule over programmes that are not in a store (a file, a plan's preview)."""
    defaults = defaults or RuleDefaults()
    by_channel: dict[str, list[Slot]] = {}
    for number, programme in enumerate(programmes, 1):
        by_channel.setdefault(programme.channel, []).append(slot_of(programme, number))
    known = set(declared) if declared is not None else None
    report = CheckReport(channels=len(by_channel))
    for channel, slots in by_channel.items():
        zone = (timezones or {}).get(channel)
        facts = ChannelFacts(
            channel, zone, time(0), known is None or channel in known, 0, None, None, None
        )
        view = prepare(channel, slots, zone)
        report.programmes += len(slots)
        report.findings += _channel_findings(
            view, facts, defaults, durations or {}, exists, with_cooldown=True
        )
    report.findings = _sort(report.findings)
    return report


class FindingIndex:
    """A full check's findings, kept current by re-checking only what an edit touched.

    It holds no connection: each call gets the store to read (a job's own).
    """

    def __init__(self, defaults: RuleDefaults | None = None) -> None:
        self.defaults = defaults or RuleDefaults()
        self.findings: list[Finding] = []

    def refresh(self, store: Store) -> CheckReport:
        """Check everything again."""
        _log.info("checking every channel")
        report = check_store(store, self.defaults)
        self.findings = report.findings
        _log.info("checked: %s", _counted(report.findings))
        return report

    def recheck(self, store: Store, channel: str, start: datetime, stop: datetime) -> list[Finding]:
        """Re-check one channel around ``[start, stop)`` after an edit; returns its findings.

        The window is widened by the cooldown on both sides (a moved repeat can break or heal
        the cooldown of airings that far away) and the findings there are replaced.
        """
        facts = store.channel_facts()[channel]
        cooldown, _, _ = channel_settings(facts, self.defaults)
        margin = timedelta(hours=cooldown) + timedelta(milliseconds=facts.max_length_ms)
        low, high = start - margin, stop + margin
        fresh = check_store(store, self.defaults, channels=[channel], start=low, stop=high)
        kept = [
            f
            for f in self.findings
            if f.channel != channel or not _meets(f, low, high) or f.kind == "dst"
        ]
        fresh_findings = [f for f in fresh.findings if f.kind != "dst"]
        self.findings = _sort(kept + fresh_findings)
        _log.info("checked %s again around the change: %s", channel, _counted(fresh_findings))
        return [f for f in self.findings if f.channel == channel]


_log = logging.getLogger("scheduleflow.rules")


def _counted(findings: list[Finding]) -> str:
    """``3 findings (1 error, 2 warnings)`` for the log."""
    errors = sum(1 for f in findings if f.severity == "error")
    warnings = sum(1 for f in findings if f.severity == "warning")
    return (
        f"{count(len(findings), 'finding')} ({count(errors, 'error')}, "
        f"{count(warnings, 'warning')})"
    )
