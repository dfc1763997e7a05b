"""Who is doing something: the OS user and, over SSH, the client's address (for the audit)."""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass

__all__ = ["Actor", "current_actor"]


@dataclass(frozen=True)
class Actor:
    """The person behind a change, as the operating system knows them."""

    user: str
    ssh_client: str | None = None

    def __str__(self) -> str:
        return f"{self.user}@{self.ssh_client}" if self.ssh_client else self.user


def current_actor() -> Actor:
    """The OS user running this process and the SSH client address, when there is one."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = f"uid-{os.getuid()}"
    ssh = os.environ.get("SSH_CLIENT") or os.environ.get("SSH_CONNECTION")
    return Actor(user, ssh.split()[0] if ssh else None)
