"""Schedule rules: what is wrong with a schedule (findings) and how to fix it.

One function per kind of finding — :func:`find_overlaps`, :func:`find_gaps`,
:func:`find_cooldown_violations`, :func:`find_duplicates`, :func:`find_invalid`,
:func:`find_unplayable`, :func:`find_dst_days` — each over a channel's prepared slots;
:func:`check_store` runs them all over the store in one pass per channel. The names below
load on first use (:mod:`core.lazy`).
"""

from typing import TYPE_CHECKING

from core.lazy import lazy_attributes

if TYPE_CHECKING:
    from core.rules.check import CheckReport, FindingIndex, check_programmes, check_store
    from core.rules.cooldown import find_cooldown_violations
    from core.rules.findings import FIXES, KINDS, Finding
    from core.rules.intervals import find_duplicates, find_gaps, find_overlaps
    from core.rules.slots import ChannelView, Slot, prepare
    from core.rules.validity import find_dst_days, find_invalid, find_unplayable

__all__ = [
    "FIXES",
    "KINDS",
    "ChannelView",
    "CheckReport",
    "Finding",
    "FindingIndex",
    "Slot",
    "check_programmes",
    "check_store",
    "find_cooldown_violations",
    "find_dst_days",
    "find_duplicates",
    "find_gaps",
    "find_invalid",
    "find_overlaps",
    "find_unplayable",
    "prepare",
]

__getattr__ = lazy_attributes(
    __name__,
    {
        "CheckReport": "check",
        "FindingIndex": "check",
        "check_programmes": "check",
        "check_store": "check",
        "find_cooldown_violations": "cooldown",
        "FIXES": "findings",
        "KINDS": "findings",
        "Finding": "findings",
        "find_duplicates": "intervals",
        "find_gaps": "intervals",
        "find_overlaps": "intervals",
        "ChannelView": "slots",
        "Slot": "slots",
        "prepare": "slots",
        "find_dst_days": "validity",
        "find_invalid": "validity",
        "find_unplayable": "validity",
    },
)
