"""Roles: who may do what. Enforced here, in the core; the TUI only hides what a role can't do.

``viewer`` reads; ``operator`` also imports, edits, fixes, exports, plans and backs up;
``admin`` also changes settings and restores. Roles come from the config beside the store
(:mod:`core.access`: OS users and groups to roles, a default for everyone else; the store's
owner is its admin unless named there); ``--read-only`` makes anyone a viewer.
"""

from __future__ import annotations

from enum import IntEnum

from core.config import RoleSettings
from core.errors import PermissionDenied
from core.identity import Actor

__all__ = ["OPERATIONS", "Role", "may", "require", "role_for"]


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
    "probe": Role.OPERATOR,  # keeps each stream's probe history in the store
    "backup": Role.OPERATOR,
    "settings": Role.ADMIN,
    "restore": Role.ADMIN,
    "purge": Role.ADMIN,
    "keys": Role.ADMIN,  # the HTTP API's keys: each one is a role handed out
}
"""The least role each operation needs."""


def role_for(
    settings: RoleSettings,
    actor: Actor,
    *,
    owner_uid: int | None = None,
    read_only: bool = False,
) -> Role:
    """The role of ``actor`` on a store owned by ``owner_uid``.

    Their ``[roles.users]`` entry, else admin for the store's owner (their own files), else
    their best ``[roles.groups]`` entry among the process's groups, else the default.
    """
    if read_only:
        return Role.VIEWER
    if actor.user in settings.users:
        return Role[settings.users[actor.user].upper()]
    if owner_uid is not None and actor.uid == owner_uid:
        return Role.ADMIN
    roles = [Role[role.upper()] for group, role in settings.groups.items() if group in actor.groups]
    return max(roles) if roles else Role[settings.default.upper()]


def may(role: Role, operation: str) -> bool:
    """Whether ``role`` allows ``operation`` (the TUI hides what it may not)."""
    return role >= OPERATIONS[operation]


def require(role: Role, operation: str) -> None:
    """``PermissionDenied`` naming the role and what the operation needs, when it may not."""
    needed = OPERATIONS[operation]
    if role < needed:
        raise PermissionDenied(
            f"your role is {role}, and {operation} needs {needed}",
            hint="the store's owner can grant it in the config.toml beside the database "
            "([roles.users] or [roles.groups]); "
            "--read-only always works as a viewer",
        )
