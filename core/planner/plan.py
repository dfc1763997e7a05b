"""Filling a channel's window from the library, keeping the cooldown.

The planner walks the window from its start: at each point the template (or the one group of
``--group``) names a group; the next asset of that group — in order, or shuffled with a seed
— that keeps the cooldown against everything aired before and after the window (and what
the plan already placed) goes there. With a grid, each slot starts on a grid line with an
item of the group; the rest of the slot takes more of the group while whole items fit, then
a filler group (looped, the last item trimmed) or a placeholder.
The last item before the window's end (or a fixed block) is trimmed to fit when nothing
shorter fits. Nothing is written: :func:`apply_plan` does that, in one transaction.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from core.clock import moment_text, span_text
from core.config import RuleDefaults
from core.errors import InputError
from core.filling import PLACEHOLDER, Builder, Picker, local
from core.identity import Actor
from core.models import Asset, Channel, Programme, airing
from core.planner.durations import known_durations
from core.planner.localtime import grid_line_after
from core.planner.templates import Block, Template
from core.rules.check import channel_settings
from core.store import Store
from core.store.codec import from_ms, to_ms
from core.store.edits import Change, Delete, EditResult, Insert, apply_changes
from core.store.store import ChannelFacts
from core.store.streams import without_unplayable
from core.timestamps import SHORTEST_ITEM_SECONDS
from core.words import count

__all__ = ["PLACEHOLDER", "Plan", "apply_plan", "make_plan"]

_MS = timedelta(milliseconds=1)


@dataclass
class Plan:
    """What planning a window would do."""

    channel: str
    revision: int
    start: datetime
    stop: datetime
    removed: list[Programme] = field(default_factory=list)
    added: list[Programme] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    creates: Channel | None = None
    zone: tzinfo = UTC
    """The channel's time zone: the preview and the audit read in it."""

    def preview(self, limit: int = 200) -> list[str]:
        """The changes as lines (the first ``limit`` additions)."""
        lines = [
            f"{self.channel}: plan {span_text(self.start, self.stop, self.zone)}"
            f" (revision {self.revision}): {count(len(self.added), 'programme')}, "
            f"{len(self.removed)} replaced"
        ]
        lines += [
            f"  - remove '{p.title}' {moment_text(p.start, self.zone)}" for p in self.removed[:20]
        ]
        if len(self.removed) > 20:
            lines.append(f"  … and {len(self.removed) - 20} more removed")
        for programme in self.added[:limit]:
            stop = programme.stop or programme.start
            lines.append(f"  + {span_text(programme.start, stop, self.zone)} '{programme.title}'")
        if len(self.added) > limit:
            lines.append(f"  … and {len(self.added) - limit} more")
        lines += [f"note: {note}" for note in self.notes]
        return lines

    def to_json(self) -> dict[str, Any]:
        """The ``plan --json`` shape."""
        return {
            "channel": self.channel,
            "revision": self.revision,
            "start": self.start.isoformat(),
            "stop": self.stop.isoformat(),
            "added": [
                {
                    "start": p.start.isoformat(),
                    "stop": p.stop.isoformat() if p.stop else None,
                    "title": p.title,
                    "locator": p.locator,
                }
                for p in self.added
            ],
            "removed": [p.id for p in self.removed],
            "creates_channel": self.creates is not None,
            "notes": self.notes,
        }


def _programme(
    channel: str, asset: Asset, start: int, end: int, zone: tzinfo, category: str | None
) -> Programme:
    return airing(channel, asset, local(start, zone), local(end, zone), category)


def _existing_airings(
    store: Store, channels: list[str], planned: str, low: int, high: int, start: int, stop: int
) -> dict[str, list[tuple[int, int]]]:
    """Airings (by fingerprint) near the window on ``channels``; the planned channel's
    programmes inside the window are left out, since the plan replaces them."""
    airings: dict[str, list[tuple[int, int]]] = {}
    for channel in channels:
        for row in store.rule_rows(channel, low, high):
            begin, end, fingerprint = row[1], row[2], row[6]
            if fingerprint is None or end is None:
                continue
            if channel == planned and start <= begin < stop:
                continue
            airings.setdefault(fingerprint, []).append((begin, end))
    return airings


def _cooldown_channels(
    facts: dict[str, ChannelFacts], channel: str, scope: str, defaults: RuleDefaults
) -> list[str]:
    """The channels whose airings count against the plan: itself, or the whole network."""
    if scope != "network":
        return [channel] if channel in facts else []
    return [
        name for name, known in facts.items() if channel_settings(known, defaults)[1] == "network"
    ]


def _grid_after(moment: int, grid: int | None, zone: tzinfo) -> int:
    """The next grid line: on the local clock of each day (:00, :30…), across changes."""
    if not grid:
        return moment
    return to_ms(grid_line_after(from_ms(moment, 0), grid * _MS, zone))


def make_plan(
    store: Store,
    channel: str,
    start: datetime,
    stop: datetime,
    template: Template,
    *,
    defaults: RuleDefaults | None = None,
    seed: int | None = None,
    grid: timedelta | None = None,
    filler: str | None = None,
    probe: bool = True,
    timezone: str | None = None,
) -> Plan:
    """Work out the programmes that fill ``[start, stop)`` on ``channel`` (nothing is written).

    A channel the store does not have yet is created when the plan is applied, in
    ``timezone`` (UTC when not given) — building a new channel starts here.
    """
    defaults = defaults or RuleDefaults()
    if stop <= start:
        raise InputError("the window is empty: --to must come after --from")
    facts = store.channel_facts()
    known = facts.get(channel)
    creates = None
    if known is None:
        creates = Channel(channel, timezone=timezone)
        zone_name = timezone
    else:
        zone_name = known.timezone
    try:
        zone: tzinfo = ZoneInfo(zone_name) if zone_name else UTC
    except (ValueError, ZoneInfoNotFoundError):
        raise InputError(f"'{zone_name}' is not an IANA time zone (Europe/London)") from None
    cooldown_hours, scope, _ = channel_settings(known, defaults)
    cooldown = round(cooldown_hours * 3_600_000)
    shortest = round(defaults.cooldown_min_seconds * 1000)
    if creates is not None:
        plan = Plan(channel, 0, start, stop, creates=creates, zone=zone)
        plan.notes.append(f"{channel} is a new channel ({zone_name or 'UTC'}); applying creates it")
        existing: list[Programme] = []
    else:
        plan = Plan(channel, store.revision(channel), start, stop, zone=zone)
        existing = list(store.programmes(channel, start, stop))
    plan.removed = [p for p in existing if start <= p.start < stop]
    running = [p for p in existing if p.start < start and p.stop and p.stop > start]
    if running:  # a programme runs into the window: the plan starts when it ends
        start = plan.start = max(p.stop for p in running if p.stop)
        plan.notes.append(
            f"'{running[-1].title}' runs until {moment_text(start, zone)}; the plan starts there"
        )
        if start >= stop:
            raise InputError(
                f"'{running[-1].title}' on {channel} runs past the whole window",
                hint="choose a later --from",
            )
    stop = plan.stop = _tail_end(store, channel, plan, zone)
    begin, end = to_ms(start), to_ms(stop)
    longest = max((f.max_length_ms for f in facts.values()), default=0)
    airings = _existing_airings(
        store,
        _cooldown_channels(facts, channel, scope, defaults),
        channel,
        begin - cooldown - longest,
        end + cooldown,
        begin,
        end,
    )
    groups = set(template.groups) | ({filler} if filler else set())
    pickers = _pickers(
        store,
        groups,
        template,
        plan,
        seed,
        cooldown,
        shortest,
        airings,
        probe,
        defaults.stream_down_after,
    )
    layout = _Layout(
        plan,
        channel,
        zone,
        pickers,
        pickers.get(filler or ""),
        round(defaults.min_item_seconds * 1000),
    )
    moment = layout.walk(template, begin, end, round(grid / _MS) if grid else None)
    if layout.stuck is not None:
        raise _too_small(layout.stuck, pickers[layout.stuck], plan, moment, zone, cooldown_hours)
    return plan


def _tail_end(store: Store, channel: str, plan: Plan, zone: tzinfo) -> datetime:
    """Where the plan must fill to: past ``--to`` when a programme it replaces ran on
    after it, up to where that one stopped (or the next programme starts), so a re-plan
    leaves no dead air behind it."""
    stop = plan.stop
    tails = [p for p in plan.removed if p.stop is not None and p.stop > stop]
    if not tails:
        return stop
    last = max(tails, key=lambda p: p.stop or stop)
    assert last.stop is not None
    following = [p.start for p in store.programmes(channel, stop, last.stop) if p.start >= stop]
    end = min([last.stop, *following])
    plan.notes.append(
        f"'{last.title}' ran until {moment_text(last.stop, zone)}; the plan fills to there"
        if end == last.stop
        else f"'{last.title}' ran past the window; the plan fills to the next programme, "
        f"{moment_text(end, zone)}"
    )
    return end


def _pickers(
    store: Store,
    groups: set[str],
    template: Template,
    plan: Plan,
    seed: int | None,
    cooldown: int,
    shortest: int,
    airings: dict[str, list[tuple[int, int]]],
    probe: bool,
    down_after: int = 2,
) -> dict[str, Picker]:
    """A picker per group, of its assets with a known duration (the others noted)."""
    library = {group: list(store.assets(store.require_group(group))) for group in sorted(groups)}
    library = without_unplayable(store, library, plan.notes, down_after)  # core/store/streams
    durations = known_durations(store, itertools.chain(*library.values()), probe=probe)
    block_orders = {b.group: b.order for b in template.blocks if b.order}
    pickers: dict[str, Picker] = {}
    for group, members in library.items():
        playable = [a.replace(duration=durations.get(a.fingerprint)) for a in members]
        unknown = [a.title for a in playable if not a.duration]
        too_short = [a.title for a in playable if a.duration and a.duration < SHORTEST_ITEM_SECONDS]
        playable = [a for a in playable if a.duration and a.duration >= SHORTEST_ITEM_SECONDS]
        if too_short:
            plan.notes.append(
                f"{len(too_short)} assets of '{group}' last less than "
                f"{SHORTEST_ITEM_SECONDS:g} s and were not placed (ffplayout skips such clips): "
                + ", ".join(too_short[:5])
            )
        if not playable:
            raise InputError(
                f"no asset of group '{group}' has a known duration",
                hint="give #EXTINF durations, or install ffprobe for local files",
            )
        order = block_orders.get(group, template.order)
        pickers[group] = Picker(playable, order, seed, cooldown, shortest, airings)
        if unknown:
            shown = ", ".join(unknown[:5])
            shown += f" and {len(unknown) - 5} more" if len(unknown) > 5 else ""
            plan.notes.append(
                f"{len(unknown)} assets of '{group}' have no known duration and "
                f"were not placed: {shown} (local files are measured with ffprobe "
                "when it is installed; for streams give #EXTINF durations)"
            )
    return pickers


@dataclass
class _Layout:
    """Lays programmes out along the window, one after another (with the :class:`Builder`
    the fixes use too)."""

    plan: Plan
    channel: str
    zone: tzinfo
    pickers: dict[str, Picker]
    filler: Picker | None
    shortest: int = 0
    """The shortest item (ms) worth airing: a shorter remainder goes to the item before."""
    stuck: str | None = None
    build: Builder = field(init=False)

    def __post_init__(self) -> None:
        self.build = Builder(
            self.channel, self.zone, self.shortest, self.plan.added, self.plan.notes
        )

    def next(self, group: str, moment: int, limit: int, *, whole: bool = False) -> int | None:
        """Place the next asset of ``group``; ``None`` when none keeps the cooldown."""
        joined = self.build.absorb(moment, limit)
        if joined == limit:
            return limit
        moment = joined or moment
        picker = self.pickers[group]
        asset = picker.pick(moment, limit - moment, whole=whole, least=self.shortest)
        if asset is None:
            if not whole:
                self.stuck = group
            return None
        return self.build.place(picker, asset, moment, limit, group)

    def fill(self, start: int, end: int) -> int:
        """Fill ``[start, end)`` from the filler group (looped, last cut) or a placeholder."""
        return self.build.fill(self.filler, start, end)

    def _note_skipped(self, block: Block, moment: datetime) -> None:
        """Say so when a block starts late because the clocks skip its time that day."""
        local = moment.astimezone(self.zone)
        if local.time() != block.start:
            self.plan.notes.append(
                f"the '{block.group}' block at {block.start:%H:%M} does not happen on "
                f"{local:%a %d %b %Y} (the clocks go forward); it starts at "
                f"{moment_text(moment, self.zone)}"
            )

    def walk(self, template: Template, begin: int, end: int, grid: int | None) -> int:
        """Lay out ``[begin, end)``; returns where it stopped (``end`` unless stuck)."""
        stop = from_ms(end, 0)
        moment = begin
        first_line = min(_grid_after(moment, grid, self.zone), end)
        if first_line > moment:  # the window starts between grid lines: fill up to the first
            moment = self.fill(moment, first_line)
        while moment < end:
            here = from_ms(moment, 0)
            fixed = template.fixed_at(here, self.zone)
            if fixed is not None:  # a fixed block: its items, starting right here
                self._note_skipped(fixed, here)
                for _ in range(fixed.items or 0):
                    placed = self.next(fixed.group, moment, end)
                    if placed is None:
                        return moment
                    moment = placed
                continue
            playing, _ = template.group_at(here, self.zone)
            limit = to_ms(template.span_end(here, self.zone, stop))
            if playing is None:  # no rule here: leave it empty up to the next block
                moment = limit
                continue
            placed = self.next(playing, moment, limit)
            if placed is None:
                return moment
            moment = placed
            # the rest of the grid slot: more of the group while whole items fit, then filler
            slot_end = min(_grid_after(moment, grid, self.zone), limit)
            while slot_end > moment and (
                placed := self.next(playing, moment, slot_end, whole=True)
            ):
                moment = placed
            if slot_end > moment:
                moment = self.fill(moment, slot_end)
        return moment


def _too_small(
    group: str, picker: Picker, plan: Plan, moment: int, zone: tzinfo, cooldown_hours: float
) -> InputError:
    """Why ``group`` could not go on: too small for the cooldown, or hemmed in by airings."""
    lengths = sorted((a.duration or 0) for a in picker.assets)
    # Played in turn, an asset comes back after all the others: the longest cooldown the
    # group can keep is the sum of all lengths but the longest.
    hours = (sum(lengths) - lengths[-1]) / 3600
    if hours >= cooldown_hours:
        reason = (
            f"every asset of the group has aired within {cooldown_hours:g} h of the "
            f"point it got to ({moment_text(from_ms(moment, 0), zone)}), "
            "before or after the window"
        )
    else:
        reason = f"the longest cooldown it could keep is about {hours:.1f} h"
    return InputError(
        f"group '{group}' ({len(lengths)} assets) cannot fill {plan.channel} "
        f"{span_text(plan.start, plan.stop, plan.zone)} with a "
        f"{cooldown_hours:g} h cooldown: {reason}; nothing was planned",
        hint="add assets to the group, shorten the window or lower the channel's cooldown",
    )


def apply_plan(store: Store, plan: Plan, *, actor: Actor, job_id: str | None = None) -> EditResult:
    """Write a plan: its removals and additions in one transaction, after a backup."""
    changes: list[Change] = [Delete(p.id or 0) for p in plan.removed]
    changes += [Insert(p) for p in plan.added]
    return apply_changes(
        store,
        plan.channel,
        changes,
        actor=actor,
        action="plan",
        summary=f"planned {count(len(plan.added), 'programme')} "
        f"{span_text(plan.start, plan.stop, plan.zone)}",
        expected_revision=None if plan.creates else plan.revision,
        job_id=job_id,
        backup=True,
        operation="plan",
        create=plan.creates,
    )
