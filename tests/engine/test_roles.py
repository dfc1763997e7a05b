"""Roles are enforced by the core: each operation against each role."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from core.config import RoleSettings
from core.errors import PermissionDenied
from core.identity import Actor
from core.roles import Role, role_for
from core.rules.fixes import apply_fix, plan_fix
from core.samples import load_samples
from core.store import Store, export, import_file
from core.store.database import restore_database
from core.store.edits import Delete, apply_changes
from core.store.library import apply_merges, find_duplicate_assets
from core.store.undo import undo
from tests.conftest import corpus_path
from tests.store.helpers import ACTOR, snapshot

SPORTS = "sports.example.org"


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("roles")
    with Store.open(folder / "db.sqlite") as store:
        load_samples(store, ACTOR)
        ticker = next(p for p in store.programmes(SPORTS) if p.title == "Results Ticker")
        apply_changes(
            store,
            SPORTS,
            [Delete(ticker.id or 0)],
            actor=ACTOR,
            action="edit",
            summary="something to undo",
            expected_revision=None,
        )
    return folder / "db.sqlite"


def _as(path: Path, role: Role) -> Store:
    return Store.open(path, role=role)


OPERATIONS: dict[str, tuple[Role, Callable[[Store, Path], object]]] = {
    "import": (
        Role.OPERATOR,
        lambda s, tmp: import_file(s, corpus_path("xmltv", "t_data", "simple.xml"), actor=ACTOR),
    ),
    "export": (Role.OPERATOR, lambda s, tmp: export(s, "json", tmp / "out.json", force=True)),
    "edit": (
        Role.OPERATOR,
        lambda s, tmp: apply_changes(
            s,
            SPORTS,
            [Delete(next(iter(s.programmes(SPORTS))).id or 0)],
            actor=ACTOR,
            action="delete",
            summary="delete",
            expected_revision=None,
        ),
    ),
    "fix": (
        Role.OPERATOR,
        lambda s, tmp: apply_fix(
            s, plan_fix(s, "gap", "placeholder", channels=[SPORTS]), actor=ACTOR
        ),
    ),
    "dedupe": (
        Role.OPERATOR,
        lambda s, tmp: apply_merges(s, find_duplicate_assets(s), actor=ACTOR),
    ),
    "undo": (Role.OPERATOR, lambda s, tmp: undo(s, actor=ACTOR)),
    "backup": (
        Role.OPERATOR,
        lambda s, tmp: (s.require("backup"), s.database.backup_to(tmp / "b.db")),
    ),
    "settings": (
        Role.ADMIN,
        lambda s, tmp: s.set_rule_settings(SPORTS, actor=ACTOR, cooldown_hours=12),
    ),
}


@pytest.mark.parametrize("role", list(Role), ids=str)
@pytest.mark.parametrize("operation", list(OPERATIONS))
def test_each_operation_against_each_role(
    seeded: Path, tmp_path: Path, operation: str, role: Role
) -> None:
    copy = tmp_path / "db.sqlite"
    with Store.open(seeded) as original:
        original.database.backup_to(copy)
    needed, run = OPERATIONS[operation]
    before = snapshot(copy)
    with _as(copy, role) as store:
        if role >= needed:
            run(store, tmp_path)
        else:
            with pytest.raises(PermissionDenied) as caught:
                run(store, tmp_path)
            assert f"your role is {role}, and {operation} needs {needed}" in str(caught.value)
            assert caught.value.category == "permission"
    if role < needed:
        assert snapshot(copy) == before


@pytest.mark.parametrize("role", [Role.VIEWER, Role.OPERATOR])
def test_restore_needs_an_admin(seeded: Path, tmp_path: Path, role: Role) -> None:
    copy = tmp_path / "db.sqlite"
    with Store.open(seeded) as original:
        backup = original.database.backup_to(tmp_path / "backup.db")
        original.database.backup_to(copy)
    with pytest.raises(PermissionDenied, match="restore needs admin"):
        restore_database(copy, backup, role)
    assert restore_database(copy, backup, Role.ADMIN) is not None


def test_roles_come_from_users_then_the_owner_then_groups_then_the_default() -> None:
    settings = RoleSettings(
        default="viewer", users={"alice": "admin", "bob": "viewer"}, groups={"tv": "operator"}
    )
    assert role_for(settings, Actor("alice")) is Role.ADMIN
    assert role_for(settings, Actor("nobody-here")) is Role.VIEWER
    assert role_for(settings, Actor("carol", groups=frozenset({"tv"}))) is Role.OPERATOR
    # the store's owner is its admin, unless [roles.users] names them
    assert role_for(settings, Actor("dave", uid=1234), owner_uid=1234) is Role.ADMIN
    assert role_for(settings, Actor("bob", uid=1234), owner_uid=1234) is Role.VIEWER
    assert role_for(settings, Actor("alice"), read_only=True) is Role.VIEWER


def test_groups_are_the_process_own_not_looked_up_by_name() -> None:
    settings = RoleSettings(default="viewer", groups={"root": "admin"})
    # a name that happens to be in group root in the system's files gains nothing by it
    assert role_for(settings, Actor("root")) is Role.VIEWER
