"""Roles on a shared server: who someone is and what they may do cannot be set by themselves.

Each test runs the command line as a user would, with the environment a caller can set.
"""

from __future__ import annotations

import json
import os
import pwd
import stat
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest

from tests.conftest import ROOT, corpus_path, run_cli

GUIDE = str(corpus_path("xmltv", "t_data", "simple.xml"))
ME = pwd.getpwuid(os.getuid()).pw_name
SOMEONE_ELSE = 65534  # nobody: the owner of a store that is not ours


@pytest.fixture(autouse=True)
def no_callers_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test says itself what the caller's environment holds."""
    for name in list(os.environ):
        if name.startswith(("SCHEDULEFLOW_", "SSH_")):
            monkeypatch.delenv(name)


def run(
    *args: str, home: Path, env: dict[str, str] | None = None, umask: int = 0o022
) -> subprocess.CompletedProcess[str]:
    """The CLI as a subprocess, with what the caller put in its environment and umask."""
    old = os.umask(umask)  # the child inherits it
    try:
        with mock.patch.dict(os.environ, env or {}):
            return run_cli(*args, home=home)
    finally:
        os.umask(old)


@pytest.fixture
def others_store(tmp_path: Path) -> Path:
    """A store folder owned by someone else, whose root-owned config makes strangers viewers."""
    if os.getuid() != 0:
        pytest.skip("needs root: the store must belong to another user")
    folder = tmp_path / "shared"
    folder.mkdir(mode=0o755)
    os.chown(folder, SOMEONE_ELSE, -1)
    config = folder / "config.toml"
    config.write_text('[roles]\ndefault = "viewer"\n', encoding="utf-8")
    config.chmod(0o644)
    return folder / "tv.db"


def test_logname_and_user_do_not_change_who_the_audit_records(tmp_path: Path) -> None:
    alice = {"LOGNAME": "alice", "USER": "alice", "LNAME": "alice", "USERNAME": "alice"}
    result = run("import", GUIDE, home=tmp_path, env=alice)
    assert result.returncode == 0, result.stderr
    records = json.loads(run("audit", "--json", home=tmp_path).stdout)
    assert [record["who"] for record in records] == [ME]
    line = json.loads((tmp_path / "logs" / "audit.jsonl").read_text().splitlines()[-1])
    assert line["who"] == ME


def test_the_ssh_address_is_kept_as_reported_and_a_forged_one_is_marked(tmp_path: Path) -> None:
    run("import", GUIDE, home=tmp_path, env={"SSH_CLIENT": "192.0.2.9 50022 22"})
    forged = "\x1b]0;owned\x07 1 2"
    run("import", GUIDE, home=tmp_path, env={"SSH_CONNECTION": forged})
    records = json.loads(run("audit", "--json", home=tmp_path).stdout)
    assert [record["ssh_client"] for record in records] == [
        "(invalid) \x1b]0;owned\x07",  # the data as reported; JSON escapes it
        "192.0.2.9",
    ]
    text = run("audit", home=tmp_path).stdout
    assert "\x1b" not in text
    assert "ssh client (reported) (invalid) \\x1b]0;owned\\x07  import" in text  # escaped once
    assert f"{ME}, ssh client (reported) 192.0.2.9  import" in text


def test_roles_in_the_environment_are_refused(others_store: Path, tmp_path: Path) -> None:
    refused = run(
        "--db", str(others_store), "import", GUIDE,
        home=tmp_path / "own", env={"SCHEDULEFLOW_ROLES__DEFAULT": "admin"},
    )  # fmt: skip
    assert refused.returncode == 2
    assert refused.stderr.strip() == (
        "scheduleflow import: $SCHEDULEFLOW_ROLES__DEFAULT: roles are not taken from the "
        "environment — unset it; roles come from the config.toml beside the database "
        "(README: Roles on a shared server)"
    )
    assert not others_store.exists()


def test_the_callers_own_config_does_not_give_roles_on_another_store(
    others_store: Path, tmp_path: Path
) -> None:
    own = tmp_path / "own"
    own.mkdir()
    mapping = f'[roles]\ndefault = "admin"\nusers = {{ {ME} = "admin" }}\n'
    (own / "config.toml").write_text(mapping, encoding="utf-8")
    (tmp_path / "own.toml").write_text(mapping, encoding="utf-8")
    for env in ({}, {"SCHEDULEFLOW_CONFIG": str(tmp_path / "own.toml")}):
        refused = run(
            "--home", str(own), "--db", str(others_store), "import", GUIDE, home=own, env=env
        )
        assert refused.returncode == 2
        assert "your role is viewer, and import needs operator" in refused.stderr
    # on their own store, the same caller is its admin without any set-up
    assert run("db", "backup", home=tmp_path / "mine").returncode == 0
    restore = run(
        "db",
        "restore",
        str(next((tmp_path / "mine" / "backups").glob("*.db"))),
        home=tmp_path / "mine",
    )
    assert restore.returncode == 0, restore.stderr


@pytest.mark.parametrize(
    ("mode", "owner", "group", "problem", "fix"),
    [
        (0o666, None, None, "can be written by others", "chmod go-w"),
        (0o664, None, 54321, "can be written by its group", "chmod go-w"),
        (0o644, SOMEONE_ELSE, None, "belongs to nobody, not to root, the store's owner", "chown"),
    ],
    ids=["world-writable", "group-writable", "someone-elses"],
)
def test_a_store_config_others_could_have_written_is_refused(
    tmp_path: Path, mode: int, owner: int | None, group: int | None, problem: str, fix: str
) -> None:
    if os.getuid() != 0 and (owner or group):
        pytest.skip("needs root to give the file to another user or group")
    config = tmp_path / "config.toml"
    config.write_text('[roles]\ndefault = "admin"\n', encoding="utf-8")
    config.chmod(mode)
    os.chown(config, -1 if owner is None else owner, -1 if group is None else group)
    result = run("check", home=tmp_path)
    assert result.returncode == 2
    [line] = result.stderr.splitlines()
    assert line.startswith(f"scheduleflow check: {config}: {problem}")
    assert f"fix: {fix} " in line and str(config) in line.partition("fix:")[2]


def test_a_store_config_in_a_folder_others_can_write_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "store"
    folder.mkdir()
    (folder / "config.toml").write_text('[roles]\ndefault = "admin"\n', encoding="utf-8")
    folder.chmod(0o777)
    result = run("--db", str(folder / "tv.db"), "check", home=tmp_path)
    assert result.returncode == 2
    assert f"{folder}: can be written by others" in result.stderr
    assert f"fix: chmod o-w {folder}" in result.stderr


def _modes(folder: Path) -> dict[str, int]:
    """Every file and folder under ``folder`` (itself included) with its permission bits."""
    found = {".": stat.S_IMODE(folder.stat().st_mode)}
    for path in folder.rglob("*"):
        found[str(path.relative_to(folder))] = stat.S_IMODE(path.lstat().st_mode)
    return found


def test_a_private_store_gives_others_nothing(tmp_path: Path) -> None:
    home = tmp_path / "home"  # made by ScheduleFlow
    assert run("import", GUIDE, home=home).returncode == 0
    assert run("db", "backup", home=home).returncode == 0
    assert run("fix", "gap", "--policy", "placeholder", home=home).returncode in (0, 1)
    modes = _modes(home)
    assert {"scheduleflow.db", "logs/audit.jsonl", "logs/scheduleflow.log", "backups"} <= set(modes)
    assert {name: oct(mode) for name, mode in modes.items() if mode & 0o007} == {}
    # the group gets what the operator's umask (022) gives it, never write
    assert modes["scheduleflow.db"] == 0o640 and modes["backups"] == 0o750


def test_a_shared_store_folder_gives_its_group_read_and_write(tmp_path: Path) -> None:
    if os.getuid() != 0:
        pytest.skip("needs root to give the folder to another group")
    shared = tmp_path / "srv"
    shared.mkdir()
    os.chown(shared, -1, 54321)  # the operators' group
    shared.chmod(0o2770)
    database = str(shared / "tv.db")
    assert run("--db", database, "import", GUIDE, home=tmp_path / "own").returncode == 0
    assert run("--db", database, "db", "backup", home=tmp_path / "own").returncode == 0
    modes = _modes(shared)
    assert modes["tv.db"] == 0o660 and modes["backups"] == 0o2770
    backup = next(shared.glob("backups/*.db"))
    assert stat.S_IMODE(backup.stat().st_mode) == 0o660
    assert {path.stat().st_gid for path in shared.rglob("*")} == {54321}


@pytest.mark.parametrize(("umask", "mode"), [(0o027, 0o640), (0o002, 0o664)])
def test_exports_follow_the_operators_own_umask(tmp_path: Path, umask: int, mode: int) -> None:
    assert run("import", GUIDE, home=tmp_path / "home").returncode == 0
    target = tmp_path / "guide.xml"
    result = run(
        "export", "--format", "xmltv", "-o", str(target), home=tmp_path / "home", umask=umask
    )
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(target.stat().st_mode) == mode


def test_the_wal_and_shm_files_sqlite_makes_are_the_groups_too(tmp_path: Path) -> None:
    shared = tmp_path / "srv"
    shared.mkdir()
    shared.chmod(0o2770)
    # a session as the command line starts one, looking at the files while the store is open
    script = (
        "import os, stat, sys\n"
        "from pathlib import Path\n"
        "from core.permissions import protect_new_files\n"
        "from core.store import Store\n"
        "folder = Path(sys.argv[1])\n"
        "protect_new_files(folder)\n"
        "with Store.open(folder / 'tv.db'):\n"
        "    for name in ('tv.db', 'tv.db-wal', 'tv.db-shm'):\n"
        "        print(name, oct(stat.S_IMODE((folder / name).stat().st_mode)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(shared)],
        capture_output=True, text=True, cwd=ROOT, timeout=60, umask=0o022,
    )  # fmt: skip
    assert result.stdout.split() == ["tv.db", "0o660", "tv.db-wal", "0o660", "tv.db-shm", "0o660"]
