"""Overlaps, gaps and duplicate programmes: the rules about a channel's intervals.

Intervals are half-open: a programme that stops when the next starts does not overlap it.
Zero-length programmes are invalid (reported there) and ignored here; so are duplicates
(reported as such, not also as overlaps) and the members of an XMLTV clump, which share
their slot on purpose.
"""

from __future__ import annotations

from core.rules.findings import FIXES, SEVERITY, Finding
from core.rules.slots import ChannelView, Slot

__all__ = ["find_duplicates", "find_gaps", "find_overlaps"]

_MAX_PARTNERS = 50
"""A programme that runs into more than this many others is reported against the first ones."""


def _span(minutes: float) -> str:
    if minutes < 1:
        return f"{round(minutes * 60)} s"
    if minutes < 120:
        return f"{minutes:.0f} min"
    return f"{minutes / 60:.1f} h"


def _title(slot: Slot) -> str:
    return f"'{slot.title}'" if slot.title.strip() else f"(untitled #{slot.id})"


def _same_clump(a: Slot, b: Slot, end_a: int | None, end_b: int | None) -> bool:
    if a.clump is None or b.clump is None or a.start != b.start or end_a != end_b:
        return False
    return a.clump.partition("/")[2] == b.clump.partition("/")[2] != "1"


def find_overlaps(view: ChannelView) -> list[Finding]:
    """Every pair of programmes whose intervals intersect."""
    findings: list[Finding] = []
    slots, ends = view.slots, view.ends
    skip = view.empty | view.duplicates.keys()
    active: list[int] = []
    for index, slot in enumerate(slots):
        end = ends[index]
        if end is None or index in skip:
            continue
        start = slot.start
        if active:
            active = [other for other in active if ends[other] > start]  # type: ignore[operator]
            for other in active[:_MAX_PARTNERS]:
                earlier = slots[other]
                other_end = ends[other]
                assert other_end is not None
                if _same_clump(earlier, slot, other_end, end):
                    continue
                stop = min(other_end, end)
                begin_at = view.when(start, slot.offset)
                stop_at = view.when(stop, slot.offset)
                findings.append(
                    Finding(
                        "overlap",
                        SEVERITY["overlap"],
                        view.channel,
                        begin_at,
                        stop_at,
                        f"Overlap {view.span(begin_at, stop_at)} on {view.channel}: "
                        f"{_title(earlier)} runs into {_title(slot)}",
                        (earlier.id, slot.id),
                        FIXES["overlap"],
                    )
                )
        active.append(index)
    return findings


def find_gaps(view: ChannelView, tolerance_ms: int = 0) -> list[Finding]:
    """Dead air between one programme's stop and the next one's start."""
    findings: list[Finding] = []
    slots, ends = view.slots, view.ends
    skip = view.empty | view.duplicates.keys()
    reach: int | None = None
    before: Slot | None = None
    for index, slot in enumerate(slots):
        if index in skip:
            continue
        if reach is not None and before is not None and slot.start - reach > tolerance_ms:
            begin_at = view.when(reach, slot.offset)
            stop_at = view.when(slot.start, slot.offset)
            length = (slot.start - reach) / 60000
            findings.append(
                Finding(
                    "gap",
                    SEVERITY["gap"],
                    view.channel,
                    begin_at,
                    stop_at,
                    f"Dead air {view.span(begin_at, stop_at)} ({_span(length)}) on "
                    f"{view.channel} between {_title(before)} and {_title(slot)}",
                    (before.id, slot.id),
                    FIXES["gap"],
                )
            )
        end = ends[index]
        if end is None:
            reach = None
        elif reach is None or end > reach:
            reach = end
            before = slot
    return findings


def find_duplicates(view: ChannelView) -> list[Finding]:
    """The same programme twice: same start, stop and asset (or title and episode)."""
    findings: list[Finding] = []
    for index, original in sorted(view.duplicates.items()):
        slot = view.slots[index]
        end = view.ends[index]
        begin_at = view.when(slot.start, slot.offset)
        stop_at = view.when(end if end is not None else slot.start, slot.offset)
        findings.append(
            Finding(
                "duplicate",
                SEVERITY["duplicate"],
                view.channel,
                begin_at,
                stop_at,
                f"{_title(slot)} at {view.moment(begin_at)} is on {view.channel} twice",
                (view.slots[original].id, slot.id),
                FIXES["duplicate"],
            )
        )
    return findings
