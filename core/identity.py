"""Who is doing something: the OS user and, over SSH, the client's address (for the audit).

The user and their groups come from the process's real uid and group list, as the kernel
knows them: environment variables (``LOGNAME``, ``USER``) are the caller's to set, so they
never decide who someone is. The SSH client address has no such source: it is what the
``SSH_CLIENT``/``SSH_CONNECTION`` variables report, kept only when it reads as an IP address
and shown visibly escaped (marked invalid) when it does not.
"""

from __future__ import annotations

import grp
import ipaddress
import os
import pwd
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

__all__ = ["Actor", "current_actor", "reported_ssh_client", "user_name"]

_LONGEST_ADDRESS = 64


@dataclass(frozen=True)
class Actor:
    """The person behind a change, as the operating system knows them."""

    user: str
    ssh_client: str | None = None
    uid: int | None = None
    groups: frozenset[str] = field(default_factory=frozenset)
    request_id: str | None = None
    """The HTTP request a change came from (``scheduleflow serve``): the audit keeps it."""

    def __str__(self) -> str:
        return f"{self.user}@{self.ssh_client}" if self.ssh_client else self.user


def user_name(uid: int) -> str:
    """The account name of ``uid`` (``uid-1001`` when it has none)."""
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"uid-{uid}"


def _group_names(gids: Iterable[int]) -> frozenset[str]:
    names: set[str] = set()
    for gid in gids:
        try:
            names.add(grp.getgrgid(gid).gr_name)
        except KeyError:
            continue  # a group without a name cannot be named in the config either
    return frozenset(names)


def reported_ssh_client(environ: Mapping[str, str]) -> str | None:
    """The SSH client address the environment reports, checked to be an IP address.

    Anything else is kept as it is, marked, so a forged value shows as forged in the audit
    instead of passing for an address; every output escapes it once (``visible``).
    """
    text = environ.get("SSH_CLIENT") or environ.get("SSH_CONNECTION")
    if not text:
        return None
    address = text.split(" ")[0]  # "address port port"; any other blank stays in, and fails
    if address.isascii() and address.isprintable():
        try:
            return str(ipaddress.ip_address(address))
        except ValueError:
            pass
    return f"(invalid) {address[:_LONGEST_ADDRESS]}"  # raw: each output escapes it once


def current_actor() -> Actor:
    """The process's real user and groups, and the SSH client address it reports."""
    uid = os.getuid()
    return Actor(
        user_name(uid),
        reported_ssh_client(os.environ),
        uid=uid,
        groups=_group_names({os.getgid(), *os.getgroups()}),
    )
