"""A channel's rule settings as the store keeps them, and the audit record of a change.

Rule settings decide what ``check`` reports (a cooldown of 0 or a gap tolerance of a day
hides every repeat or every gap), so changing them is an admin's operation however it
happens: the settings dialog, ``Store.set_rule_settings`` or a JSON import that carries
them. Every path reads the stored values with :func:`stored_rule_settings` and records a
change with :func:`settings_record`, so the audit always has the values before and after.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from core.audit import AuditRecord
from core.config import check_rule_setting
from core.errors import StoreError
from core.identity import Actor

__all__ = ["RULE_SETTINGS", "check_rule_settings", "settings_record", "stored_rule_settings"]

RULE_SETTINGS = ("cooldown_hours", "cooldown_scope", "gap_tolerance_seconds")
"""The channel columns that only an admin may change (``None``: the config's default)."""


def stored_rule_settings(connection: sqlite3.Connection, key: int) -> dict[str, Any]:
    """The rule settings of the channel with database id ``key``."""
    row = connection.execute(
        f"SELECT {', '.join(RULE_SETTINGS)} FROM channel WHERE id = ?", (key,)
    ).fetchone()
    return dict(zip(RULE_SETTINGS, row or (None,) * len(RULE_SETTINGS), strict=True))


def check_rule_settings(values: dict[str, Any]) -> None:
    """``StoreError`` when a value is outside what the config file would accept."""
    scope = values.get("cooldown_scope")
    if scope not in (None, "channel", "network"):
        raise StoreError(f"'{scope}' is not a cooldown scope", hint="use channel or network")
    for name in ("cooldown_hours", "gap_tolerance_seconds"):
        value = values.get(name)
        if value is None:
            continue
        try:
            check_rule_setting(name, value)
        except ValueError as error:
            raise StoreError(str(error), hint="see the README's Configuration section") from None


def settings_record(
    actor: Actor,
    channel: str,
    before: dict[str, Any],
    after: dict[str, Any],
    *,
    how: str,
    job_id: str | None = None,
) -> AuditRecord:
    """The audit record of a change of ``channel``'s rule settings (``how``: by what path)."""
    changed = [name for name in RULE_SETTINGS if before.get(name) != after.get(name)]
    shown = ", ".join(f"{name} {before.get(name)} → {after.get(name)}" for name in changed)
    return AuditRecord.by(
        actor,
        "settings",
        f"rule settings of {channel} ({how}): {shown or 'unchanged'}",
        job_id=job_id,
        channel=channel,
        before={name: before.get(name) for name in RULE_SETTINGS},
        after={name: after.get(name) for name in RULE_SETTINGS},
    )
