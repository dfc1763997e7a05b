"""The settings file and its environment overrides: values, defaults and clear refusals."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from core.config import Config, load_config
from core.errors import InputError


def _load(home: Path, text: str) -> Config:
    (home / "config.toml").write_text(text, encoding="utf-8")
    return load_config(home)


def test_no_file_means_the_defaults(tmp_path: Path) -> None:
    config = load_config(tmp_path)
    assert config == Config()
    assert config.rules.cooldown_hours == 48.0 and config.jobs.max_active == 4
    assert config.jobs.timeouts["import"] == 1800.0 and config.roles.default == "operator"


def test_file_values_are_read_and_typed(tmp_path: Path) -> None:
    config = _load(
        tmp_path,
        'theme = "mine"\nbackups_kept = 3\n'
        '[rules]\ncooldown_hours = 24\ncooldown_scope = "network"\n'
        "[jobs]\nmax_active = 2\n[jobs.timeouts]\nimport = 60\n"
        '[roles]\ndefault = "viewer"\nusers = { alice = "admin" }\n',
    )
    assert config.theme == "mine" and config.backups_kept == 3
    assert config.rules.cooldown_hours == 24.0 and isinstance(config.rules.cooldown_hours, float)
    assert config.rules.cooldown_scope == "network"
    assert config.jobs.max_active == 2
    # a timeout given changes that kind only; the other kinds keep theirs
    assert config.jobs.timeouts["import"] == 60.0 and config.jobs.timeouts["check"] == 600.0
    assert config.roles.default == "viewer" and config.roles.users == {"alice": "admin"}


def test_the_environment_overrides_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SCHEDULEFLOW_RULES__COOLDOWN_HOURS", "12.5")
    monkeypatch.setenv("SCHEDULEFLOW_JOBS__MAX_ACTIVE", "8")
    config = _load(tmp_path, "[rules]\ncooldown_hours = 24\n")
    assert config.rules.cooldown_hours == 12.5 and config.jobs.max_active == 8


@pytest.mark.parametrize(
    ("text", "where", "what"),
    [
        ("[rules]\ncooldown_hours = -1\n", "rules.cooldown_hours", "below the minimum of 0"),
        ('[rules]\ncooldown_scope = "world"\n', "rules.cooldown_scope", "not one of channel"),
        ("[rules]\ncooldown_hourz = 3\n", "rules.cooldown_hourz", "is not a setting"),
        ("[jobs]\nmax_active = 2.5\n", "jobs.max_active", "not a whole number"),
        ("[jobs]\nmax_active = 100\n", "jobs.max_active", "above the maximum of 64"),
        ('[jobs]\nmax_active = "many"\n', "jobs.max_active", "'many' is not a number"),
        ("[jobs]\nmax_active = true\n", "jobs.max_active", "must be a number"),
        ('[jobs.timeouts]\nimport = "soon"\n', "jobs.timeouts.import", "not a number"),
        ('[roles]\ngroups = { staff = "wizard" }\n', "roles.groups.staff", "not one of"),
        ('rules = "strict"\n', "rules", "must be a table"),
        ("theme = 3\n", "theme", "must be text"),
        ("colour = 3\n", "colour", "is not a setting"),
    ],
)
def test_a_wrong_setting_is_one_clear_error(
    tmp_path: Path, text: str, where: str, what: str
) -> None:
    with pytest.raises(InputError) as raised:
        _load(tmp_path, text)
    message = str(raised.value)
    assert "config.toml" in message and f"setting '{where}'" in message and what in message


def test_a_wrong_environment_value_names_the_setting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SCHEDULEFLOW_JOBS__HISTORY", "3")
    expected = "setting 'jobs.history' (from $SCHEDULEFLOW_JOBS__HISTORY): 3 is below the minimum"
    with pytest.raises(InputError, match=re.escape(expected)) as raised:
        load_config(tmp_path)
    assert "config.toml" not in str(raised.value)  # there is no file to blame


def test_broken_toml_is_refused_with_the_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="is not valid TOML"):
        _load(tmp_path, "[rules\n")


def test_roles_from_the_environment_are_refused_not_applied(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SCHEDULEFLOW_ROLES__DEFAULT", "admin")
    with pytest.raises(InputError, match=r"\$SCHEDULEFLOW_ROLES__DEFAULT: roles are not taken"):
        load_config(tmp_path)
