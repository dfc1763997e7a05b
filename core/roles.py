"""Roles: who may do what. Enforced here, in the core; the TUI only hides what a role can't do.

``viewer`` reads; ``operator`` also imports, edits, fixes, exports, plans and backs up;
``admin`` also changes settings and restores. Roles come from the config file (OS users and
groups to roles, a default for everyone else); ``--read-only`` makes anyone a viewer.
"""

from __future__ import annotations

import grp
import os
import pwd
from enum import IntEnum

from core.config import RoleSettings
from core.errors import PermissionDenied
from core.identity import Actor

__all__ = ["OPERATIONS", "Role", "require", "role_for"]


class Role(IntEnum):
    """Roles in rising order of what they may do."""

    VIEWER = 1
    OPERATOR = 2
    ADMIN = 3

    def __str__(self) -> str:
        return self.name.lower()


OPERATIONS: dict[str, Role] = {
    "inspect": Role.VIEWER,
    "view": Role.VIEWER,  # sort or filter a channel's programmes
    "check": Role.VIEWER,
    "now": Role.VIEWER,
    "play": Role.VIEWER,
    "jobs": Role.VIEWER,
    "health": Role.VIEWER,
    "audit": Role.VIEWER,
    "db check": Role.VIEWER,
    "import": Role.OPERATOR,
    "export": Role.OPERATOR,
    "edit": Role.OPERATOR,
    "fix": Role.OPERATOR,
    "dedupe": Role.OPERATOR,
    "undo": Role.OPERATOR,
    "plan": Role.OPERATOR,
    "backup": Role.OPERATOR,
    "settings": Role.ADMIN,
    "restore": Role.ADMIN,
    "purge": Role.ADMIN,
}
"""The least role each operation needs."""


def _groups(user: str) -> set[str]:
    try:
        gid = pwd.getpwnam(user).pw_gid
        return {grp.getgrgid(g).gr_name for g in os.getgrouplist(user, gid)}
    except (KeyError, OSError):
        return set()


def role_for(settings: RoleSettings, actor: Actor, *, read_only: bool = False) -> Role:
    """The role of ``actor``: their user entry, else their best group entry, else the default."""
    if read_only:
        return Role.VIEWER
    if actor.user in settings.users:
        return Role[settings.users[actor.user].upper()]
    roles = [
        Role[role.upper()]
        for group, role in settings.groups.items()
        if group in _groups(actor.user)
    ]
    return max(roles) if roles else Role[settings.default.upper()]


def require(role: Role, operation: str) -> None:
    """``PermissionDenied`` naming the role and what the operation needs, when it may not."""
    needed = OPERATIONS[operation]
    if role < needed:
        raise PermissionDenied(
            f"your role is {role}, and {operation} needs {needed}",
            hint="an admin can grant it in config.toml ([roles.users] or [roles.groups]); "
            "--read-only always works as a viewer",
        )
