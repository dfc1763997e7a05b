"""The store's own config decides roles, trusted only as sshd's StrictModes trusts a file."""

from __future__ import annotations

import argparse
import grp
import json
import os
import pwd
import shutil
import subprocess
import tempfile
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from core.access import store_roles
from core.errors import FileProblem, InputError
from core.identity import current_actor
from core.roles import role_for
from tui.commands.context import Context

NOBODY = 65534


def test_without_a_store_config_the_owner_is_admin_and_others_get_the_default(
    tmp_path: Path,
) -> None:
    roles = store_roles(tmp_path / "tv.db")
    assert roles.source is None and roles.owner_uid == os.getuid()
    assert roles.settings.default == "operator"


def test_a_group_writable_config_is_trusted_when_its_group_is_the_owners_alone(
    tmp_path: Path,
) -> None:
    me = pwd.getpwuid(os.getuid())
    group = grp.getgrgid(me.pw_gid)
    sharing = {user.pw_name for user in pwd.getpwall() if user.pw_gid == group.gr_gid}
    if (sharing | set(group.gr_mem)) != {me.pw_name}:
        pytest.skip(f"group {group.gr_name} is not {me.pw_name}'s alone here")
    config = tmp_path / "config.toml"
    config.write_text('[roles]\ndefault = "viewer"\n', encoding="utf-8")
    config.chmod(0o664)  # a user private group, as Debian's umask 002 makes files
    assert store_roles(tmp_path / "tv.db").settings.default == "viewer"


def test_a_link_someone_else_made_is_refused(tmp_path: Path) -> None:
    if os.getuid() != 0:
        pytest.skip("needs root to make a link belong to someone else")
    target = tmp_path / "mine.toml"
    target.write_text('[roles]\ndefault = "admin"\n', encoding="utf-8")
    link = tmp_path / "config.toml"
    link.symlink_to(target)
    os.lchown(link, NOBODY, -1)
    with pytest.raises(FileProblem, match=r"is a link made by nobody.*fix: rm "):
        store_roles(tmp_path / "tv.db")


# -- another Unix user ----------------------------------------------------------------------


@pytest.fixture(scope="session")
def tv_member() -> Iterator[tuple[pwd.struct_passwd, grp.struct_group]]:
    """A user of the system made for the test, in a group ``tv`` of its own."""
    if os.getuid() != 0:
        pytest.skip("needs root to add a Unix user (CI runs as root)")
    if not (shutil.which("useradd") and shutil.which("groupadd")):
        pytest.skip("needs useradd and groupadd to add a Unix user")
    suffix = os.getpid()
    group, user = f"sf-tv-{suffix}", f"sf-ann-{suffix}"
    subprocess.run(["groupadd", group], check=True)
    subprocess.run(["useradd", "-M", "-N", "-G", group, user], check=True)
    try:
        yield pwd.getpwnam(user), grp.getgrnam(group)
    finally:
        subprocess.run(["userdel", user], check=False)
        subprocess.run(["groupdel", group], check=False)


def _as_user(account: pwd.struct_passwd, groups: list[int], work: Callable[[], Any]) -> Any:
    """``work()``'s JSON answer, from a child process running with the account's real ids.

    A fork, not a new interpreter: the interpreter may sit where the new user cannot read.
    """
    reader, writer = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - the child's report is the result
        code = 1
        try:
            os.close(reader)
            os.setgroups(groups)
            os.setgid(account.pw_gid)
            os.setuid(account.pw_uid)
            os.write(writer, json.dumps(work()).encode())
            code = 0
        except BaseException:  # the parent shows why the child failed
            os.write(writer, traceback.format_exc().encode())
        finally:
            os._exit(code)
    os.close(writer)
    with os.fdopen(reader, "rb") as answer:
        data = answer.read()
    _, status = os.waitpid(child, 0)
    assert os.waitstatus_to_exitcode(status) == 0, data.decode(errors="replace")
    return json.loads(data)


@pytest.fixture
def reachable() -> Iterator[Path]:
    """A folder any user can look into (pytest's own temporary folders are root's alone)."""
    folder = Path(tempfile.mkdtemp(prefix="sf-shared-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder)


def test_another_user_is_who_their_uid_says_and_gets_their_groups_role(
    reachable: Path,
    tv_member: tuple[pwd.struct_passwd, grp.struct_group],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    account, tv = tv_member
    config = reachable / "config.toml"
    config.write_text(
        f'[roles]\ndefault = "viewer"\ngroups = {{ {tv.gr_name} = "operator" }}\n'
        f'users = {{ root = "viewer" }}\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("LOGNAME", "root")
    monkeypatch.setenv("USER", "root")

    def who_and_role() -> list[Any]:
        actor = current_actor()
        roles = store_roles(reachable / "tv.db")
        role = role_for(roles.settings, actor, owner_uid=roles.owner_uid)
        return [actor.user, sorted(actor.groups), str(role)]

    user, groups, role = _as_user(account, [tv.gr_gid], who_and_role)
    assert user == account.pw_name
    assert tv.gr_name in groups and "root" not in groups
    assert role == "operator"
    _, _, outsider = _as_user(account, [], who_and_role)
    assert outsider == "viewer"

    # a shared folder (2770) is closed to anyone outside its group, with one clear line
    os.chown(reachable, -1, tv.gr_gid)
    reachable.chmod(0o2770)

    def refusal() -> str:
        try:
            store_roles(reachable / "tv.db")
        except FileProblem as error:
            return str(error)
        return "opened"

    assert _as_user(account, [tv.gr_gid], who_and_role)[2] == "operator"
    assert _as_user(account, [], refusal) == (
        f"{reachable}: cannot be reached (permission denied) — the store belongs to its "
        "folder's group: its owner can add you to it"
    )


def test_a_link_of_ones_own_to_a_shared_store_gets_that_stores_roles(
    reachable: Path, tv_member: tuple[pwd.struct_passwd, grp.struct_group]
) -> None:
    """`--db ~/x/scheduleflow.db`, a link to the shared store in a folder the operator owns,
    does not make them the store's admin (the owner of ~/x): the store's folder decides."""
    account, tv = tv_member
    shared = reachable / "srv"
    shared.mkdir()
    os.chown(shared, 0, tv.gr_gid)
    shared.chmod(0o2770)
    own = reachable / "ann"
    own.mkdir()
    os.chown(own, account.pw_uid, account.pw_gid)
    link = own / "scheduleflow.db"
    link.symlink_to(shared / "scheduleflow.db")
    os.lchown(link, account.pw_uid, account.pw_gid)  # the operator made it

    def role_through_the_link() -> list[str]:
        context = Context(argparse.Namespace(db=str(link), home=str(own), read_only=False))
        return [str(context.database), str(context.role)]

    database, role = _as_user(account, [tv.gr_gid], role_through_the_link)
    assert role == "operator"
    assert database == str(shared / "scheduleflow.db")


def test_a_store_config_nested_too_deep_is_one_line_naming_it(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text("a = " + "[" * 100_000 + "]" * 100_000 + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"config\.toml: is not valid TOML \(nested too deep\)"):
        store_roles(tmp_path / "tv.db")
