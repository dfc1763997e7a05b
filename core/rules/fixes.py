"""Fixes: worked out as an exact list of changes (the preview), then applied as one edit.

A plan is made against each channel's current revision and applied with it, so a fix
previewed before someone else changed the channel is refused rather than applied to a
schedule it was not made for. Applying takes a backup first, is audited and undoable.

- overlap: ``trim`` the earlier programme to the later one's start; ``ripple`` the later
  ones back until a gap absorbs the shift; ``drop`` the later one.
- gap: ``fill`` from a library group (looped, the last item trimmed to fit); ``stretch`` the
  programme before it; ``placeholder`` ("Off air").
- duplicate: ``remove`` the repeats.
- cooldown: ``replace`` the repeat with an asset of the same group that keeps the cooldown.
- invalid: ``drop`` zero-length programmes and those that stop before they start.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, tzinfo
from typing import Any

from core.clock import channel_zone, moment_text
from core.config import RuleDefaults
from core.errors import InputError
from core.identity import Actor
from core.models import Asset, Programme, Text
from core.rules.check import _slots, channel_settings, check_store
from core.rules.cooldown import repeat_key
from core.rules.findings import FIXES
from core.rules.slots import ChannelView, prepare
from core.store import Store
from core.store.codec import from_ms, to_ms
from core.store.edits import (
    Change,
    Delete,
    EditResult,
    Insert,
    Replace,
    apply_changes,
    describe_change,
)
from core.timestamps import SHORTEST_ITEM_SECONDS
from core.words import count

__all__ = ["ChannelFix", "FixPlan", "apply_fix", "plan_fix"]

PLACEHOLDER = "Off air"


@dataclass
class ChannelFix:
    """The changes a fix makes to one channel, and how they read."""

    channel: str
    revision: int
    changes: list[Change] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)


@dataclass
class FixPlan:
    """What a fix would do; nothing is changed until :func:`apply_fix`."""

    kind: str
    policy: str
    channels: list[ChannelFix] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def changes(self) -> int:
        """How many changes in all."""
        return sum(len(fix.changes) for fix in self.channels)

    def preview(self) -> list[str]:
        """The exact list of changes, channel by channel, and the notes."""
        lines: list[str] = []
        for fix in self.channels:
            lines.append(
                f"{fix.channel} (revision {fix.revision}): {count(len(fix.changes), 'change')}"
            )
            lines.extend(f"  {line}" for line in fix.lines)
        lines.extend(f"note: {note}" for note in self.notes)
        return lines

    def to_json(self) -> dict[str, Any]:
        """The ``fix --json`` shape."""
        return {
            "kind": self.kind,
            "policy": self.policy,
            "changes": self.changes,
            "channels": [
                {"channel": f.channel, "revision": f.revision, "changes": f.lines}
                for f in self.channels
            ],
            "notes": self.notes,
        }


class _Planner:
    """Collects one channel's changes, each programme changed at most once."""

    def __init__(self, store: Store, channel: str, notes: list[str], zone: tzinfo) -> None:
        self.store = store
        self.zone = zone
        self.fix = ChannelFix(channel, store.revision(channel))
        self.notes = notes
        self.cache: dict[int, Programme] = {}
        self.touched: set[int] = set()

    def get(self, programme_id: int) -> Programme:
        if programme_id not in self.cache:
            self.cache[programme_id] = self.store.programme(programme_id)
        return self.cache[programme_id]

    def add(self, change: Change) -> None:
        before = None
        if isinstance(change, Delete | Replace):
            if change.programme_id in self.touched:
                return
            self.touched.add(change.programme_id)
            before = self.get(change.programme_id)
        self.fix.changes.append(change)
        self.fix.lines.append(describe_change(change, before, self.zone))


def _findings(
    store: Store,
    defaults: RuleDefaults,
    kind: str,
    channel: str,
    start: datetime | None,
    stop: datetime | None,
) -> list[Any]:
    report = check_store(store, defaults, channels=[channel], start=start, stop=stop)
    return [f for f in report.findings if f.kind == kind and f.fixes]


def _overlaps(planner: _Planner, policy: str, findings: list[Any], view: ChannelView) -> None:
    if policy == "drop":
        for finding in findings:
            planner.add(Delete(finding.programmes[1]))
        return
    if policy == "trim":
        cut: dict[int, datetime] = {}
        for finding in findings:
            earlier, later = planner.get(finding.programmes[0]), planner.get(finding.programmes[1])
            if earlier.start >= later.start:
                continue
            if earlier.id not in cut or later.start < cut[earlier.id]:
                cut[earlier.id] = later.start  # type: ignore[index]
        for identifier, new_stop in sorted(cut.items()):
            earlier = planner.get(identifier)
            planner.add(Replace(identifier, replace(earlier, stop=new_stop, id=None)))
        skipped = len({f.programmes[0] for f in findings}) - len(cut)
        if skipped:
            planner.notes.append(
                f"{skipped} programmes start together with the one they overlap: trimming "
                "would leave nothing; use --policy drop or ripple for those"
            )
        return
    # ripple: push each programme that starts before the previous one ends to that end,
    # until a gap is wide enough to absorb the shift
    first = min(planner.get(finding.programmes[0]).start for finding in findings)
    reach: datetime | None = None
    skip = view.empty | view.duplicates.keys()
    for index, slot in enumerate(view.slots):
        if index in skip:
            continue
        programme = planner.get(slot.id)
        if programme.start < first and reach is None:
            continue
        if reach is not None and programme.start < reach:
            length = (programme.stop - programme.start) if programme.stop is not None else None
            moved = replace(
                programme, start=reach, stop=reach + length if length else None, id=None
            )
            planner.add(Replace(slot.id, moved))
            programme = moved
        derived = view.ends[index]
        end = programme.stop or (from_ms(derived, 0) if derived is not None else None)
        if end is not None and (reach is None or end > reach):
            reach = end


def _fill_programmes(
    channel: str, start: datetime, stop: datetime, assets: list[Asset], position: int
) -> tuple[list[Programme], int]:
    made: list[Programme] = []
    when = start
    while when < stop:
        asset = assets[position % len(assets)]
        position += 1
        assert asset.duration is not None
        end = min(stop, when + timedelta(milliseconds=round(asset.duration * 1000)))
        made.append(
            Programme(
                channel,
                when,
                end,
                titles=(Text(asset.title),),
                locator=asset.locator,
                fingerprint=asset.fingerprint,
            )
        )
        when = end
    return made, position


def _gaps(planner: _Planner, policy: str, findings: list[Any], group: str | None) -> None:
    channel = planner.fix.channel
    assets: list[Asset] = []
    if policy == "fill":
        if group is None:
            raise InputError("fill needs a library group", hint="add --group NAME")
        assets = [
            a
            for a in planner.store.assets(planner.store.require_group(group))
            if a.duration and a.duration >= SHORTEST_ITEM_SECONDS
        ]
        if not assets:
            raise InputError(
                f"the library group '{group}' has no asset with a known duration",
                hint="import the group's playlist with #EXTINF durations",
            )
    position = 0
    for finding in findings:
        before = planner.get(finding.programmes[0])
        after = planner.get(finding.programmes[1])
        begin, end = finding.start, finding.stop
        if policy == "stretch":
            planner.add(Replace(before.id or 0, replace(before, stop=after.start, id=None)))
        elif policy == "placeholder":
            planner.add(
                Insert(
                    Programme(
                        channel,
                        begin,
                        end,
                        titles=(Text(PLACEHOLDER),),
                        categories=(Text(PLACEHOLDER),),
                    )
                )
            )
        else:
            made, position = _fill_programmes(channel, begin, end, assets, position)
            for programme in made:
                planner.add(Insert(programme))


def _cooldown(
    planner: _Planner, view: ChannelView, cooldown_ms: int, shortest_ms: int, store: Store
) -> None:
    """Replace repeats that come back too soon with same-group assets that keep the cooldown."""
    members: dict[str, list[Asset]] = {}
    for name, _ in store.groups():
        members[name] = list(store.assets(name))
    groups_of: dict[str, list[str]] = {}
    for name, assets in members.items():
        for asset in assets:
            groups_of.setdefault(asset.fingerprint, []).append(name)
    airings: dict[str, list[tuple[int, int]]] = {}
    skip = view.empty | view.duplicates.keys()
    for index, slot in enumerate(view.slots):
        key = repeat_key(slot)
        if key is not None and index not in skip and view.ends[index] is not None:
            airings.setdefault(key, []).append((slot.start, view.ends[index]))  # type: ignore[arg-type]

    def spacing(key: str, start: int, end: int, ignore: tuple[int, int] | None) -> float:
        closest = float("inf")
        for other_start, other_end in airings.get(key, ()):
            if (other_start, other_end) == ignore:
                continue
            if other_end <= start:
                closest = min(closest, start - other_end)
            elif other_start >= end:
                closest = min(closest, other_start - end)
            else:
                return -1
        return closest

    last: dict[str, int] = {}
    unresolved: list[float] = []
    for index, slot in enumerate(view.slots):
        key = repeat_key(slot)
        end = view.ends[index]
        if key is None or index in skip or end is None or end - slot.start < shortest_ms:
            continue
        if key in last and slot.start - last[key] < cooldown_ms:
            groups = groups_of.get(slot.fingerprint or "", [])
            candidates = [a for name in groups for a in members[name] if a.fingerprint != key]
            length = (end - slot.start) / 1000
            best: Asset | None = None
            best_spacing = -1.0
            for asset in candidates:
                room = spacing(asset.fingerprint, slot.start, end, None)
                closer = best is None or abs((asset.duration or 1e9) - length) < abs(
                    (best.duration or 1e9) - length
                )
                if room >= cooldown_ms and closer:
                    best = asset
                best_spacing = max(best_spacing, room)
            programme = planner.get(slot.id)
            if best is not None:
                new = replace(
                    programme,
                    titles=(Text(best.title),),
                    sub_titles=(),
                    descs=(),
                    episode_nums=(),
                    locator=best.locator,
                    fingerprint=best.fingerprint,
                    id=None,
                )
                planner.add(Replace(slot.id, new))
                airings.setdefault(best.fingerprint, []).append((slot.start, end))
                airings[key].remove((slot.start, end))
                last[best.fingerprint] = max(last.get(best.fingerprint, 0), end)
                continue
            what = f"group {', '.join(groups)}" if groups else "no library group (no asset)"
            unresolved.append(best_spacing)
            shortest = (
                f"; the library could keep a cooldown of at most {best_spacing / 3_600_000:.1f} h "
                "here"
                if best_spacing > 0
                else ""
            )
            planner.notes.append(
                f"'{programme.title}' at {moment_text(programme.start, planner.zone)}: "
                f"no asset of {what} "
                f"keeps the {cooldown_ms / 3_600_000:g} h cooldown{shortest}"
            )
        last[key] = max(last.get(key, 0), end)
    if unresolved:
        limit = min(unresolved)
        planner.notes.append(
            f"{len(unresolved)} repeats could not be replaced; the shortest cooldown this library "
            f"could satisfy for all of them is {max(limit, 0) / 3_600_000:.1f} h"
        )


def plan_fix(
    store: Store,
    kind: str,
    policy: str,
    *,
    defaults: RuleDefaults | None = None,
    channels: list[str] | None = None,
    start: datetime | None = None,
    stop: datetime | None = None,
    group: str | None = None,
) -> FixPlan:
    """Work out the changes of ``kind``/``policy`` over the chosen channels and window."""
    if policy not in FIXES.get(kind, ()):
        choices = ", ".join(FIXES.get(kind, ())) or "none"
        raise InputError(
            f"'{policy}' is not a fix for {kind} findings", hint=f"policies for {kind}: {choices}"
        )
    defaults = defaults or RuleDefaults()
    plan = FixPlan(kind, policy)
    facts = store.channel_facts()
    for channel in channels if channels is not None else sorted(facts):
        store.channel_key(channel)
        planner = _Planner(store, channel, plan.notes, channel_zone(facts[channel].timezone))
        if kind == "cooldown":
            cooldown, _, _ = channel_settings(facts[channel], defaults)
            reach = round(cooldown * 3_600_000) + facts[channel].max_length_ms
            low = to_ms(start) - reach if start else None
            high = to_ms(stop) + reach if stop else None
            view = prepare(channel, _slots(store.rule_rows(channel, low, high)))
            shortest = round(defaults.cooldown_min_seconds * 1000)
            _cooldown(planner, view, round(cooldown * 3_600_000), shortest, store)
        else:
            findings = _findings(store, defaults, kind, channel, start, stop)
            if not findings:
                continue
            if kind == "overlap":
                view = prepare(channel, _slots(store.rule_rows(channel)))
                _overlaps(planner, policy, findings, view)
            elif kind == "gap":
                _gaps(planner, policy, findings, group)
            elif kind == "duplicate":
                for finding in findings:
                    planner.add(Delete(finding.programmes[1]))
            elif kind == "invalid":
                for finding in findings:
                    for identifier in finding.programmes:
                        planner.add(Delete(identifier))
        if planner.fix.changes:
            plan.channels.append(planner.fix)
    return plan


def apply_fix(
    store: Store, plan: FixPlan, *, actor: Actor, job_id: str | None = None
) -> list[EditResult]:
    """Apply a plan channel by channel (each one transaction), after one backup."""
    store.require("fix")
    results = []
    for number, fix in enumerate(plan.channels):
        results.append(
            apply_changes(
                store,
                fix.channel,
                fix.changes,
                actor=actor,
                action=f"fix {plan.kind}",
                summary=f"fix {plan.kind} --policy {plan.policy}: "
                f"{count(len(fix.changes), 'change')}",
                expected_revision=fix.revision,
                job_id=job_id,
                backup=number == 0,
                operation="fix",
            )
        )
    return results
