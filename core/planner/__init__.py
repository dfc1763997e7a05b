"""The planner: fill a channel's window from the library, keeping the cooldown.

:func:`make_plan` works the plan out (nothing is written); :func:`apply_plan` writes it in
one transaction with a backup, an audit record and undo. Templates (:mod:`.templates`) give
day-of-week programming.
"""

from core.planner.plan import PLACEHOLDER, Plan, apply_plan, make_plan
from core.planner.templates import Block, Template, load_template, single_group

__all__ = [
    "PLACEHOLDER",
    "Block",
    "Plan",
    "Template",
    "apply_plan",
    "load_template",
    "make_plan",
    "single_group",
]
