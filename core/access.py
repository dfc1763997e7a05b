"""Whose store this is, and the role assignments that go with it.

Roles are read from ``config.toml`` in the database's own folder, and only from there: not
from the caller's environment nor the caller's own config file, which anyone can write for
themselves. That file is trusted only as sshd's StrictModes trusts ``authorized_keys``: it
must belong to the store's owner (the owner of the database's folder) or root, and no one
else may write it; a group-writable file passes only when its group has the owner as its
one member (a private user group, as Debian's sshd allows). Its folder may be writable by
its group (the operators, who can write the database anyway) but not by others. Anything
else is refused with the fix, not quietly ignored: a store whose roles cannot be trusted
is not opened.

Without such a file the store's owner is its admin and everyone else gets the default role.
"""

from __future__ import annotations

import grp
import os
import pwd
import stat
from dataclasses import dataclass
from pathlib import Path

from core.config import RoleSettings, read_config_file
from core.errors import FileProblem
from core.identity import user_name
from core.paths import resolve_links
from core.safefiles import RefusedFile, open_regular

__all__ = ["StoreRoles", "store_config_path", "store_roles"]

STORE_CONFIG_NAME = "config.toml"


@dataclass(frozen=True)
class StoreRoles:
    """The role assignments of one store and who owns it."""

    settings: RoleSettings
    owner_uid: int
    source: Path | None = None  # the config they were read from; None: the defaults


def store_config_path(database: Path) -> Path:
    """``config.toml`` beside the database."""
    return database.parent / STORE_CONFIG_NAME


def _store_owner(folder: Path) -> int:
    """The owner of the database's folder; a folder still to be made will be the caller's."""
    try:
        return folder.stat().st_uid
    except FileNotFoundError:
        return os.getuid()
    except OSError as error:
        raise FileProblem(f"cannot be read ({error.strerror})", path=folder) from None


def _private_group(status: os.stat_result) -> bool:
    """Whether the file's group has exactly one member, the file's owner (Debian's rule)."""
    try:
        group = grp.getgrgid(status.st_gid)
        owner = pwd.getpwuid(status.st_uid).pw_name
    except KeyError:
        return False
    primary = {user.pw_name for user in pwd.getpwall() if user.pw_gid == status.st_gid}
    return (primary | set(group.gr_mem)) == {owner}


def _refuse(path: Path, problem: str, fix: str) -> FileProblem:
    return FileProblem(
        f"{problem}, so its roles cannot be trusted",
        path=path,
        hint=f"fix: {fix} (README: Roles on a shared server)",
    )


def _owners(owner: int) -> str:
    return (
        "root, the store's owner"
        if owner == 0
        else f"the store's owner ({user_name(owner)}) or root"
    )


def _check_owner(path: Path, status: os.stat_result, owner: int) -> None:
    if status.st_uid not in (owner, 0):
        raise _refuse(
            path,
            f"belongs to {user_name(status.st_uid)}, not to {_owners(owner)}",
            f"chown {user_name(owner)} {path}",
        )


def _check_file(path: Path, status: os.stat_result, owner: int) -> None:
    _check_owner(path, status, owner)
    if status.st_mode & stat.S_IWOTH:
        raise _refuse(path, "can be written by others", f"chmod go-w {path}")
    if status.st_mode & stat.S_IWGRP and not _private_group(status):
        raise _refuse(path, "can be written by its group", f"chmod go-w {path}")


def _check_folder(folder: Path, owner: int) -> None:
    status = folder.stat()
    _check_owner(folder, status, owner)
    if status.st_mode & stat.S_IWOTH:
        raise _refuse(folder, "can be written by others", f"chmod o-w {folder}")


def _read_trusted(path: Path, owner: int) -> bytes | None:
    """The file's bytes once it passed the checks; ``None`` when there is no such file."""
    try:
        link = path.lstat()
    except FileNotFoundError:
        return None
    except PermissionError:
        raise FileProblem(
            "cannot be reached (permission denied)",
            path=path.parent,
            hint="the store belongs to its folder's group: its owner can add you to it",
        ) from None
    if stat.S_ISLNK(link.st_mode) and link.st_uid not in (owner, 0):
        raise _refuse(path, f"is a link made by {user_name(link.st_uid)}", f"rm {path}")
    try:
        # the checks apply to the file actually read, not to whatever the name held before
        descriptor = open_regular(path, os.O_RDONLY, follow_links=True)
    except RefusedFile:
        raise _refuse(path, "is not a regular file", f"replace it with one: rm {path}") from None
    except OSError as error:
        raise FileProblem(f"cannot be read ({error.strerror})", path=path) from None
    status = os.fstat(descriptor)
    with os.fdopen(descriptor, "rb") as handle:
        _check_file(path, status, owner)
        for folder in {path.parent, path.resolve().parent}:
            _check_folder(folder, owner)
        return handle.read(1 << 20)


def store_roles(database: Path) -> StoreRoles:
    """The roles of the store at ``database``, from its own trusted config (or the defaults).

    The folder is the one the database really is in: a link to a shared store, in a folder
    of one's own, gets that store's owner and roles (core.paths.resolve_links).
    """
    database = resolve_links(database)
    path = store_config_path(database)
    owner = _store_owner(database.parent)
    data = _read_trusted(path, owner)
    if data is None:
        return StoreRoles(RoleSettings(), owner)
    return StoreRoles(read_config_file(path, data).roles, owner, path)
