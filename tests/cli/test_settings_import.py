"""Rule settings in an import follow the role rule of the settings dialog, and every change
of them is audited with the values before and after."""

from __future__ import annotations

import json
import math
import os
import pwd
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from core.errors import StoreError
from core.samples import load_samples
from tests.conftest import run_cli
from tests.store.helpers import ACTOR, new_store

CHANNEL = "reruns.example.org"


def _as_role(home: Path, role: str) -> None:
    """The next command runs with ``role``: the roles config beside the store names this
    user (the store's owner, who is its admin unless named)."""
    me = pwd.getpwuid(os.getuid()).pw_name
    (home / "config.toml").write_text(f'[roles]\nusers = {{ {me} = "{role}" }}\n')


def _document(path: Path, **settings: Any) -> Path:
    programmes = [
        {
            "channel": CHANNEL,
            "start": f"2026-01-01T{hour:02d}:00:00+00:00",
            "stop": f"2026-01-01T{hour:02d}:30:00+00:00",
            "titles": [{"value": "Rerun"}],
            "locator": "http://example.org/rerun.mp4",
        }
        for hour in (0, 1, 2)
    ]
    document = {
        "format": "scheduleflow/1",
        "channels": [{"id": CHANNEL, **settings}],
        "programmes": programmes,
    }
    path.write_text(json.dumps(document))
    return path


def _counts(home: Path) -> dict[str, int]:
    result = run_cli("check", "--json", home=home)
    assert result.returncode in (0, 1), result.stderr
    counts: dict[str, int] = json.loads(result.stdout)["counts"]
    return counts


def _stored(home: Path) -> tuple[Any, ...]:
    connection = sqlite3.connect(home / "scheduleflow.db")
    try:
        row: tuple[Any, ...] = connection.execute(
            "SELECT cooldown_hours, cooldown_scope, gap_tolerance_seconds FROM channel "
            "WHERE xmltv_id = ?",
            (CHANNEL,),
        ).fetchone()
        return row
    finally:
        connection.close()


def _settings_audit(home: Path) -> list[dict[str, Any]]:
    result = run_cli("audit", "--json", home=home)
    assert result.returncode == 0, result.stderr
    return [record for record in json.loads(result.stdout) if record["action"] == "settings"]


def test_an_operators_import_keeps_the_stored_rule_settings_and_says_so(
    sf_home: Path, tmp_path: Path
) -> None:
    _as_role(sf_home, "admin")
    base = _document(tmp_path / "base.json")
    assert run_cli("import", str(base), home=sf_home).returncode == 0
    before = _counts(sf_home)
    assert before["cooldown"] == 2 and before["gap"] == 2

    _as_role(sf_home, "operator")
    lax = _document(
        tmp_path / "lax.json",
        cooldown_hours=0,
        cooldown_scope="channel",
        gap_tolerance_seconds=86400,
    )
    result = run_cli("import", str(lax), home=sf_home)

    assert result.returncode == 0, result.stderr
    assert (
        f"kept the stored rule settings of channel {CHANNEL}: changing them needs admin"
        in result.stdout
    )
    assert _stored(sf_home) == (None, None, None)
    assert _counts(sf_home) == before
    assert _settings_audit(sf_home) == []


def test_an_admins_import_changes_the_rule_settings_and_audits_before_and_after(
    sf_home: Path, tmp_path: Path
) -> None:
    _as_role(sf_home, "admin")
    assert run_cli("import", str(_document(tmp_path / "base.json")), home=sf_home).returncode == 0
    lax = _document(tmp_path / "lax.json", cooldown_hours=0, gap_tolerance_seconds=86400)

    result = run_cli("import", str(lax), home=sf_home)

    assert result.returncode == 0, result.stderr
    assert "kept the stored rule settings" not in result.stdout
    assert _stored(sf_home) == (0.0, None, 86400.0)
    counts = _counts(sf_home)
    assert counts["cooldown"] == 0 and counts["gap"] == 0
    (record,) = _settings_audit(sf_home)
    assert record["channel"] == CHANNEL
    assert record["before"] == {
        "cooldown_hours": None,
        "cooldown_scope": None,
        "gap_tolerance_seconds": None,
    }
    assert record["after"] == {
        "cooldown_hours": 0.0,
        "cooldown_scope": None,
        "gap_tolerance_seconds": 86400.0,
    }


def test_the_settings_dialogs_change_is_audited_with_before_and_after(tmp_path: Path) -> None:
    with new_store(tmp_path) as store:
        load_samples(store, ACTOR)
        store.set_rule_settings("kids.example.org", actor=ACTOR, cooldown_hours=12)
        store.set_rule_settings("kids.example.org", actor=ACTOR, cooldown_hours=6)
        latest = store.audit()[0]
    assert latest.action == "settings" and latest.channel == "kids.example.org"
    assert latest.before["cooldown_hours"] == 12 and latest.after["cooldown_hours"] == 6
    jsonl = (tmp_path / "home" / "logs" / "audit.jsonl").read_text().splitlines()
    assert json.loads(jsonl[-1])["after"]["cooldown_hours"] == 6


@pytest.mark.parametrize("hours", [math.inf, math.nan, -1.0, 1e9])
def test_a_rule_setting_outside_the_configs_range_is_refused(tmp_path: Path, hours: float) -> None:
    with new_store(tmp_path) as store:
        load_samples(store, ACTOR)
        with pytest.raises(StoreError, match="cooldown_hours must be from 0 to 8760"):
            store.set_rule_settings("kids.example.org", actor=ACTOR, cooldown_hours=hours)


def test_a_new_channel_starts_with_the_files_rule_settings_audited(
    sf_home: Path, tmp_path: Path
) -> None:
    _as_role(sf_home, "operator")
    first = _document(tmp_path / "first.json", cooldown_hours=12)

    result = run_cli("import", str(first), home=sf_home)

    assert result.returncode == 0, result.stderr
    assert "kept the stored rule settings" not in result.stdout
    assert _stored(sf_home) == (12.0, None, None)
    (record,) = _settings_audit(sf_home)
    assert record["before"]["cooldown_hours"] is None and record["after"]["cooldown_hours"] == 12
