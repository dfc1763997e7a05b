"""Fixes: worked out as an exact list of changes (the preview), then applied as one edit.

A plan is made against each channel's current revision and applied with it, so a fix
previewed before someone else changed the channel is refused rather than applied to a
schedule it was not made for. Applying takes a backup first, is audited and undoable. The
preview also names every finding the channels would have afterwards that they do not have
now (the rules run on the changed schedule in memory), so nothing comes as a surprise.

What a fix builds is built as the planner builds it (:mod:`core.filling`): a programme it
shortens carries an out point, so ``play`` and the playout exports cut it there.

- overlap: ``trim`` the earlier programme to the later one's start; ``ripple`` the later
  ones back until a gap absorbs the shift, or filler can be cut shorter to; ``drop`` the
  later one.
- gap: ``fill`` from a library group (looped, keeping the cooldown, the last item cut);
  ``stretch`` the programme before it (up to the end of its video); ``placeholder``
  ("Off air").
- duplicate: ``remove`` the repeats.
- cooldown: ``replace`` the repeat with an asset of the same group that keeps the cooldown
  and fills the slot (a longer one is cut with an out point).
- invalid: ``drop`` zero-length programmes and those that stop before they start.
- unplayable: ``cut`` a video to its slot (an out point) or the slot to its video;
  ``fill`` the slot of what cannot play (and the rest of a video that ends early) from a
  group; ``drop`` the programme.

Each kind's fix is a handler in :data:`HANDLERS`; its policies are listed in
``core.rules.findings.FIXES``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, tzinfo
from functools import cached_property
from typing import Any

from core.clock import channel_zone, moment_text
from core.config import RuleDefaults
from core.cutpoints import CUT_POINTS, cut_point
from core.errors import InputError, RefusedLocator
from core.filling import Builder, Picker, is_filler, retimed, spacing
from core.identity import Actor
from core.locators import local_path, spawnable_locator
from core.models import Asset, Programme, airing
from core.rules.check import _channel_findings, _slots, channel_settings, check_store
from core.rules.cooldown import find_cooldown_violations, repeat_key
from core.rules.findings import FIXES, STREAM_FIXES, Finding
from core.rules.slots import ChannelView, Slot, prepare, slot_of
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
from core.store.store import ChannelFacts
from core.timestamps import SHORTEST_ITEM_SECONDS
from core.words import count

__all__ = ["HANDLERS", "ChannelFix", "FixPlan", "apply_fix", "plan_fix"]


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
    leaves: list[Finding] = field(default_factory=list)
    """Findings the channels would have after the fix that they do not have now."""

    @property
    def changes(self) -> int:
        """How many changes in all."""
        return sum(len(fix.changes) for fix in self.channels)

    def preview(self, limit: int = 50) -> list[str]:
        """The exact list of changes, channel by channel, the notes, and the findings the
        fix leaves (the first ``limit``)."""
        lines: list[str] = []
        for fix in self.channels:
            lines.append(
                f"{fix.channel} (revision {fix.revision}): {count(len(fix.changes), 'change')}"
            )
            lines.extend(f"  {line}" for line in fix.lines)
        lines.extend(f"note: {note}" for note in self.notes)
        if self.leaves:
            lines.append(f"after this fix, check also finds {len(self.leaves)}:")
            lines.extend(f"  {f.kind}: {f.message}" for f in self.leaves[:limit])
            if len(self.leaves) > limit:
                lines.append(f"  … and {len(self.leaves) - limit} more")
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
            "leaves": [finding.to_json() for finding in self.leaves],
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


@dataclass
class _Fixing:
    """What a policy works with on one channel: the store, the rules' settings, the window
    and the library's known durations (one per asset, by fingerprint)."""

    store: Store
    defaults: RuleDefaults
    facts: ChannelFacts
    planner: _Planner
    policy: str
    start: datetime | None
    stop: datetime | None
    group: str | None
    durations: dict[str, float]

    @property
    def channel(self) -> str:
        return self.planner.fix.channel

    def findings(self, kind: str) -> list[Finding]:
        report = check_store(
            self.store, self.defaults, channels=[self.channel], start=self.start, stop=self.stop
        )
        return [f for f in report.findings if f.kind == kind and f.fixes]

    def view(self) -> ChannelView:
        return prepare(self.channel, _slots(self.store.rule_rows(self.channel)))

    @cached_property
    def roots(self) -> dict[str, str]:
        """The channels' storage roots, where a relative video path is looked for."""
        return self.store.storage_roots()

    def video(self, programme: Programme) -> float | None:
        """The known length (seconds) of the programme's video."""
        return self.durations.get(programme.fingerprint or "")

    def cooldown(self) -> tuple[int, int]:
        """The channel's cooldown and the shortest airing held to it (ms)."""
        hours, _, _ = channel_settings(self.facts, self.defaults)
        return round(hours * 3_600_000), round(self.defaults.cooldown_min_seconds * 1000)

    def builder(self) -> Builder:
        shortest = round(self.defaults.min_item_seconds * 1000)
        return Builder(
            self.channel, self.planner.zone, shortest, notes=self.planner.notes, exact=True
        )

    def filler(self) -> Picker:
        """A picker over the ``--group`` assets, keeping the channel's cooldown against
        what it airs (as the planner's filler does)."""
        if self.group is None:
            raise InputError(f"{self.policy} needs a library group", hint="add --group NAME")
        members = self.store.assets(self.store.require_group(self.group))
        known = [a.replace(duration=self.durations.get(a.fingerprint, a.duration)) for a in members]
        assets = [a for a in known if a.duration and a.duration >= SHORTEST_ITEM_SECONDS]
        if not assets:
            raise InputError(
                f"the library group '{self.group}' has no asset with a known duration",
                hint="import the group's playlist with #EXTINF durations",
            )
        view = self.view()
        airings: dict[str, list[tuple[int, int]]] = {}
        for index, slot in enumerate(view.slots):
            end = view.ends[index]
            if slot.fingerprint and end is not None:
                airings.setdefault(slot.fingerprint, []).append((slot.start, end))
        cooldown, shortest = self.cooldown()
        return Picker(assets, "sequential", None, cooldown, shortest, airings)

    def fill(self, filler: Picker, begin: datetime, end: datetime) -> None:
        """Insert filler over ``[begin, end)``, built as the planner builds it; what no
        filler asset can take (the cooldown) is said in a note."""
        build = self.builder()
        if to_ms(end) - to_ms(begin) < build.shortest:  # players skip such a sliver
            self.planner.notes.append(
                f"{self.channel}: the {(end - begin).total_seconds():g} s at "
                f"{moment_text(begin, self.planner.zone)} is shorter than the shortest item "
                "(rules.min_item_seconds) and is not filled; --policy stretch closes it"
            )
            return
        reached = build.fill(filler, to_ms(begin), to_ms(end))
        for programme in build.added:
            self.planner.add(Insert(programme))
        if reached < to_ms(end):
            self.planner.notes.append(
                f"{self.channel}: no asset of '{self.group}' keeps the cooldown at "
                f"{moment_text(from_ms(reached, 0), self.planner.zone)}; "
                f"{(to_ms(end) - reached) / 1000:g} s stay empty"
            )


def _overlaps(fixing: _Fixing) -> None:
    planner, policy = fixing.planner, fixing.policy
    findings = fixing.findings("overlap")
    if not findings:
        return
    if policy == "drop":
        for finding in findings:
            planner.add(Delete(finding.programmes[1]))
        return
    if policy == "trim":
        # a programme is cut at the first later start, unless that leaves it less than the
        # shortest item (ffplayout skips such a clip, and what follows would start early)
        shortest = timedelta(seconds=fixing.defaults.min_item_seconds)
        cut: dict[int, datetime] = {}
        for finding in findings:
            earlier, later = planner.get(finding.programmes[0]), planner.get(finding.programmes[1])
            if earlier.id not in cut or later.start < cut[earlier.id]:
                cut[earlier.id] = later.start  # type: ignore[index]
        skipped = 0
        for identifier, new_stop in sorted(cut.items()):
            earlier = planner.get(identifier)
            if new_stop - earlier.start < max(shortest, timedelta(milliseconds=1)):
                skipped += 1
                continue
            trimmed = retimed(earlier, earlier.start, new_stop, fixing.video(earlier))
            planner.add(Replace(identifier, trimmed))
        if skipped:
            planner.notes.append(
                f"{skipped} programmes start less than the shortest item "
                f"({shortest.total_seconds():g} s, rules.min_item_seconds) before the one they "
                "overlap: trimming would leave less than that; use --policy drop or ripple "
                "for those"
            )
        return
    _ripple(fixing, findings)


def _ripple(fixing: _Fixing, findings: list[Finding]) -> None:
    """Push each programme that starts before the previous one ends to that end, until a
    gap is wide enough to absorb the shift (leaving at least the shortest item's length), or
    filler (or a placeholder) can be cut shorter to absorb it: then nothing after it moves."""
    planner, view = fixing.planner, fixing.view()
    shortest = timedelta(seconds=max(fixing.defaults.min_item_seconds, SHORTEST_ITEM_SECONDS))
    first = min(planner.get(finding.programmes[0]).start for finding in findings)
    reach: datetime | None = None
    skip = view.empty | view.duplicates.keys()
    for index, slot in enumerate(view.slots):
        if index in skip:
            continue
        programme = planner.get(slot.id)
        if programme.start < first and reach is None:
            continue
        # a gap the shift would leave shorter than the shortest item is closed too: a
        # playout cannot hold it (ffplayout skips such a clip; the exports leave it out)
        if reach is not None and programme.start != reach and programme.start < reach + shortest:
            stop = programme.stop
            if is_filler(programme) and stop is not None and stop - reach >= shortest:
                moved = retimed(programme, reach, stop, fixing.video(programme))
            else:
                length = (stop - programme.start) if stop is not None else None
                moved = replace(
                    programme, start=reach, stop=reach + length if length else None, id=None
                )
            planner.add(Replace(slot.id, moved))
            programme = moved
        derived = view.ends[index]
        end = programme.stop or (from_ms(derived, 0) if derived is not None else None)
        if end is not None and (reach is None or end > reach):
            reach = end


def _gaps(fixing: _Fixing) -> None:
    planner, policy = fixing.planner, fixing.policy
    findings = fixing.findings("gap")
    if not findings:
        return
    filler = fixing.filler() if policy == "fill" else None
    for finding in findings:
        before = planner.get(finding.programmes[0])
        after = planner.get(finding.programmes[1])
        if policy == "stretch":
            _stretch(fixing, before, after.start)
        elif policy == "placeholder":
            build = fixing.builder()
            build.placeholder(to_ms(finding.start), to_ms(finding.stop))
            planner.add(Insert(build.added[0]))
        else:
            assert filler is not None
            fixing.fill(filler, finding.start, finding.stop)


def _stretch(fixing: _Fixing, before: Programme, until: datetime) -> None:
    """Stretch ``before`` to ``until``, but never past the end of its video: dead air at
    its end would be no better than the gap (what stays empty is noted)."""
    attrs = dict(before.attrs)
    whole = cut_point(attrs, "duration") or fixing.video(before)
    stop = until
    if whole is not None and before.locator:
        ends = before.start + timedelta(seconds=whole - (cut_point(attrs, "in") or 0.0))
        ends = ends.replace(microsecond=ends.microsecond // 1000 * 1000)
        if ends < until:
            stop = ends
            fixing.planner.notes.append(
                f"'{before.title}' at {moment_text(before.start, fixing.planner.zone)} can only "
                f"stretch to the end of its video ({moment_text(ends, fixing.planner.zone)}); "
                f"{(until - ends).total_seconds():g} s stay empty"
            )
    if before.stop is not None and stop > before.stop:
        fixing.planner.add(
            Replace(before.id or 0, retimed(before, before.start, stop, fixing.video(before)))
        )


def _cooldown(fixing: _Fixing) -> None:
    """Replace repeats that come back too soon with same-group assets that keep the cooldown
    and fill the slot: one as long as the slot, else the shortest longer one, cut with an
    out point (said in a note). One shorter than the slot would leave dead air."""
    store, planner, facts = fixing.store, fixing.planner, fixing.facts
    cooldown_ms, shortest_ms = fixing.cooldown()
    reach = cooldown_ms + facts.max_length_ms
    low = to_ms(fixing.start) - reach if fixing.start else None
    high = to_ms(fixing.stop) + reach if fixing.stop else None
    view = prepare(fixing.channel, _slots(store.rule_rows(fixing.channel, low, high)))
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

    last: dict[str, int] = {}
    unresolved: list[float] = []
    cut = 0
    for index, slot in enumerate(view.slots):
        key = repeat_key(slot)
        end = view.ends[index]
        if key is None or index in skip or end is None or end - slot.start < shortest_ms:
            continue
        if key in last and slot.start - last[key] < cooldown_ms:
            groups = groups_of.get(slot.fingerprint or "", [])
            candidates = [a for name in groups for a in members[name] if a.fingerprint != key]
            length = end - slot.start
            best: tuple[int, Asset, float] | None = None
            best_spacing = -1.0
            for asset in candidates:
                room = spacing(airings, asset.fingerprint, slot.start, end)
                best_spacing = max(best_spacing, room)
                seconds = fixing.durations.get(asset.fingerprint) or asset.duration
                if room < cooldown_ms or seconds is None:
                    continue
                over = round(seconds * 1000) - length
                if over >= 0 and (best is None or over < best[0]):
                    best = (over, asset, seconds)
            programme = planner.get(slot.id)
            if best is not None:
                asset = best[1].replace(duration=best[2])
                played = airing(programme.channel, asset, programme.start, from_ms(end, 0))
                kept = tuple(kv for kv in programme.attrs if kv[0] not in CUT_POINTS)
                new = replace(
                    programme,
                    stop=programme.stop if programme.stop is not None else played.stop,
                    titles=played.titles,
                    sub_titles=(),
                    descs=(),
                    episode_nums=(),
                    locator=played.locator,
                    fingerprint=played.fingerprint,
                    attrs=kept + played.attrs,
                    id=None,
                )
                cut += best[0] > 0
                planner.add(Replace(slot.id, new))
                airings.setdefault(asset.fingerprint, []).append((slot.start, end))
                airings[key].remove((slot.start, end))
                last[asset.fingerprint] = max(last.get(asset.fingerprint, 0), end)
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
                f"no asset of {what} that fills the slot "
                f"keeps the {cooldown_ms / 3_600_000:g} h cooldown{shortest}"
            )
        last[key] = max(last.get(key, 0), end)
    if cut:
        planner.notes.append(
            f"{fixing.channel}: {cut} replacements are longer than their slot and are cut "
            "there (an out point); none shorter was picked, which would leave dead air"
        )
    if unresolved:
        limit = min(unresolved)
        planner.notes.append(
            f"{len(unresolved)} repeats could not be replaced; the shortest cooldown this library "
            f"could satisfy for all of them is {max(limit, 0) / 3_600_000:.1f} h"
        )


def _duplicates(fixing: _Fixing) -> None:
    for finding in fixing.findings("duplicate"):
        fixing.planner.add(Delete(finding.programmes[1]))


def _invalid(fixing: _Fixing) -> None:
    for finding in fixing.findings("invalid"):
        for identifier in finding.programmes:
            fixing.planner.add(Delete(identifier))


def _unplayable(fixing: _Fixing) -> None:
    """``cut`` a video longer than its slot (an out point) or shorter (the slot ends with
    it); ``fill`` plays filler instead of what has no video and after a video that ends
    early (and cuts a long one); ``drop`` removes the programme."""
    planner, policy = fixing.planner, fixing.policy
    findings = fixing.findings("unplayable")
    if not findings:
        return
    view = fixing.view()
    ids = [i for f in findings for i in f.programmes]
    if any(not f.programmes for f in findings):  # a channel with no video at all
        ids += [slot.id for slot in view.slots if not slot.locator]
    filler = fixing.filler() if policy == "fill" else None
    left = 0
    for identifier in dict.fromkeys(ids):
        programme = planner.get(identifier)
        if policy == "drop":
            planner.add(Delete(identifier))
            continue
        if programme.stop is None:
            left += 1
            continue
        video = fixing.video(programme)
        whole = cut_point(dict(programme.attrs), "duration") or video
        into = cut_point(dict(programme.attrs), "in") or 0.0
        playable = bool(programme.locator) and _plays(fixing, programme)
        if playable and whole is not None:
            ends = programme.start + timedelta(milliseconds=round((whole - into) * 1000))
            if ends >= programme.stop:  # longer than its slot: cut it on purpose
                trimmed = retimed(programme, programme.start, programme.stop, video)
                planner.add(Replace(identifier, trimmed))
                continue
            planner.add(Replace(identifier, retimed(programme, programme.start, ends, video)))
            if filler is not None:
                fixing.fill(filler, ends, programme.stop)
            continue
        if filler is None:
            left += 1
            continue
        planner.add(Delete(identifier))
        fixing.fill(filler, programme.start, programme.stop)
    if left:
        planner.notes.append(
            f"{fixing.channel}: {left} programmes have no video to cut (or no stop); "
            "use --policy fill --group NAME or drop for those"
        )


def _plays(fixing: _Fixing, programme: Programme) -> bool:
    """Whether the programme's video can be played: a locator a player is handed, and a
    local file that is there."""
    assert programme.locator is not None
    try:
        spawnable_locator(programme.locator)
    except RefusedLocator:
        return False
    root = fixing.roots.get(fixing.channel) or fixing.defaults.storage_root
    path = local_path(programme.locator, root)
    return path is None or path.exists()


FixHandler = Callable[[_Fixing], None]
HANDLERS: dict[str, FixHandler] = {
    "overlap": _overlaps,
    "gap": _gaps,
    "cooldown": _cooldown,
    "duplicate": _duplicates,
    "invalid": _invalid,
    "unplayable": _unplayable,
}
"""The fix of each finding kind; its policies are ``FIXES[kind]`` (``core.rules.findings``).
A new policy is a name added there and a branch in its kind's handler here."""


def _after(store: Store, defaults: RuleDefaults, plan: FixPlan) -> list[Finding]:
    """The findings the fixed channels would have after the plan that they do not have now:
    the rules run on the channels' slots with the changes made in memory."""
    facts = store.channel_facts()
    durations = store.asset_durations()
    roots = store.storage_roots()
    changed = {fix.channel: fix.changes for fix in plan.channels}
    network = {
        name for name, known in facts.items() if channel_settings(known, defaults)[1] == "network"
    }
    channels = set(changed) | (network if network & set(changed) else set())
    views: dict[str, tuple[ChannelView, ChannelView]] = {}
    for channel in sorted(channels):
        slots = _slots(store.rule_rows(channel))
        timezone = facts[channel].timezone
        after = _changed(slots, changed.get(channel, []))
        views[channel] = (prepare(channel, slots, timezone), prepare(channel, after, timezone))
    found: list[set[tuple[str, str]]] = [set(), set()]
    new: list[Finding] = []
    for side in (0, 1):
        for channel in sorted(changed):
            for finding in _channel_findings(
                views[channel][side],
                facts[channel],
                defaults,
                durations,
                None,
                with_cooldown=channel not in network,
                storage_root=roots.get(channel),
            ):
                found[side].add((finding.kind, finding.message))
                new += [finding] if side else []
        if network & set(changed):
            cooldown = max(channel_settings(facts[c], defaults)[0] for c in network)
            for finding in find_cooldown_violations(
                [views[c][side] for c in sorted(network)],
                round(cooldown * 3_600_000),
                round(defaults.cooldown_min_seconds * 1000),
            ):
                found[side].add((finding.kind, finding.message))
                new += [finding] if side else []
    return [f for f in new if (f.kind, f.message) not in found[0]]


def _changed(slots: list[Slot], changes: list[Change]) -> list[Slot]:
    """``slots`` with ``changes`` made: replaced ones keep their id, new ones get ids below
    any stored one."""
    gone = {c.programme_id for c in changes if isinstance(c, Delete | Replace)}
    result = [slot for slot in slots if slot.id not in gone]
    for number, change in enumerate(changes, 1):
        if isinstance(change, Replace):
            result.append(slot_of(change.programme, change.programme_id))
        elif isinstance(change, Insert):
            result.append(slot_of(change.programme, -number))
    return result


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
    """Work out the changes of ``kind``/``policy`` over the chosen channels and window, and
    the findings the channels would have afterwards that they do not have now."""
    if policy not in FIXES.get(kind, ()) or kind not in HANDLERS:
        choices = ", ".join(FIXES.get(kind, ())) or "none"
        raise InputError(
            f"'{policy}' is not a fix for {kind} findings", hint=f"policies for {kind}: {choices}"
        )
    if kind == "unplayable" and policy in STREAM_FIXES:  # core/rules/stream_fixes.py
        from core.rules.stream_fixes import plan_stream_fix

        return plan_stream_fix(
            store, policy, defaults=defaults, channels=channels, start=start, stop=stop
        )
    defaults = defaults or RuleDefaults()
    plan = FixPlan(kind, policy)
    facts = store.channel_facts()
    durations = store.asset_durations()
    for channel in channels if channels is not None else sorted(facts):
        store.channel_key(channel)
        planner = _Planner(store, channel, plan.notes, channel_zone(facts[channel].timezone))
        fixing = _Fixing(
            store, defaults, facts[channel], planner, policy, start, stop, group, durations
        )
        HANDLERS[kind](fixing)
        if planner.fix.changes:
            plan.channels.append(planner.fix)
    if plan.channels:
        plan.leaves = _after(store, defaults, plan)
    return plan


def apply_fix(
    store: Store, plan: FixPlan, *, actor: Actor, job_id: str | None = None
) -> list[EditResult]:
    """Apply a plan channel by channel (each one transaction), after one backup."""
    if plan.kind == "unplayable" and plan.policy in STREAM_FIXES:  # core/rules/stream_fixes.py
        from core.rules.stream_fixes import apply_stream_fix

        return apply_stream_fix(store, plan, actor=actor, job_id=job_id)
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
