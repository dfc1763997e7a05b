"""``scheduleflow keys``: a key shown once, stored as a hash, listed without it, revoked."""

from __future__ import annotations

import getpass
import json
import sqlite3
from pathlib import Path

import httpx

from tests.conftest import run_cli
from tests.service.conftest import start_server


def test_a_key_is_printed_once_and_only_its_hash_is_stored(sf_home: Path) -> None:
    made = run_cli("keys", "add", "ci", "--role", "operator", home=sf_home)
    assert made.returncode == 0, made.stderr
    key = made.stdout.strip()
    assert key.startswith("sf_") and len(key) > 40
    listed = run_cli("keys", "list", "--json", home=sf_home)
    keys = json.loads(listed.stdout)
    assert [(k["name"], k["role"], k["last_used"]) for k in keys] == [("ci", "operator", None)]
    assert key not in listed.stdout
    with sqlite3.connect(sf_home / "scheduleflow.db") as connection:
        stored = connection.execute("SELECT * FROM api_key").fetchall()
    assert key not in repr(stored)
    again = run_cli("keys", "add", "ci", "--role", "viewer", home=sf_home)
    assert again.returncode == 2
    assert again.stderr.count("\n") == 1 and "already a key named 'ci'" in again.stderr


def test_a_revoked_key_gets_401_and_use_is_remembered(sf_home: Path) -> None:
    key = run_cli("keys", "add", "ci", "--role", "viewer", home=sf_home).stdout.strip()
    server = start_server(sf_home)
    try:
        headers = {"Authorization": f"Bearer {key}"}
        assert httpx.get(f"{server.url}/api/jobs", headers=headers).status_code == 200
        revoked = run_cli("keys", "revoke", "ci", home=sf_home)
        assert revoked.returncode == 0, revoked.stderr
        refused = httpx.get(f"{server.url}/api/jobs", headers=headers)
        assert refused.status_code == 401
        assert refused.json()["error"]["category"] == "authentication"
    finally:
        server.stop()
    audit = json.loads(run_cli("audit", "--json", home=sf_home).stdout)
    assert [record["action"] for record in audit] == ["keys revoke", "keys add"]


def test_last_used_is_recorded(sf_home: Path) -> None:
    key = run_cli("keys", "add", "ci", "--role", "viewer", home=sf_home).stdout.strip()
    server = start_server(sf_home)
    try:
        httpx.get(f"{server.url}/api/jobs", headers={"Authorization": f"Bearer {key}"})
    finally:
        server.stop()
    keys = json.loads(run_cli("keys", "list", "--json", home=sf_home).stdout)
    assert keys[0]["last_used"] is not None


def test_keys_need_an_admin(sf_home: Path) -> None:
    run_cli("keys", "list", home=sf_home)  # makes the store
    (sf_home / "config.toml").write_text(
        f'[roles.users]\n{getpass.getuser()} = "operator"\n', encoding="utf-8"
    )
    for command in (("add", "x", "--role", "viewer"), ("list",), ("revoke", "x")):
        refused = run_cli("keys", *command, home=sf_home)
        assert refused.returncode == 2, command
        assert "your role is operator, and keys needs admin" in refused.stderr
