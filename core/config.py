"""Settings: one pydantic model, read from a TOML file and ``SCHEDULEFLOW_…`` variables.

The file is ``$SCHEDULEFLOW_HOME/config.toml`` (``SCHEDULEFLOW_CONFIG`` names another). An
environment variable overrides a file value: ``SCHEDULEFLOW_RULES__COOLDOWN_HOURS=24``.
A broken file is one clear error naming the file and the setting, not a traceback.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from core.errors import InputError

__all__ = ["Config", "JobSettings", "RoleSettings", "RuleDefaults", "load_config"]

_PREFIX = "SCHEDULEFLOW_"


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)


class RuleDefaults(_Section):
    """Defaults of the schedule rules; each channel may override them in the store."""

    cooldown_hours: float = Field(48.0, ge=0)
    cooldown_scope: Literal["channel", "network"] = "channel"
    gap_tolerance_seconds: float = Field(0.0, ge=0)
    cooldown_min_seconds: float = Field(
        120.0, ge=0, description="shorter items (bumpers, idents) are exempt from the cooldown"
    )
    duration_tolerance_seconds: float = Field(1.0, ge=0)


class JobSettings(_Section):
    """How many jobs run at once, and how long each kind may take (seconds)."""

    max_active: int = Field(4, ge=1, le=64)
    timeouts: dict[str, float] = Field(
        default_factory=lambda: {
            "import": 1800.0,
            "export": 1800.0,
            "check": 600.0,
            "fix": 600.0,
            "dedupe": 600.0,
            "plan": 900.0,
            "backup": 600.0,
            "edit": 60.0,
            "undo": 60.0,
        }
    )
    history: int = Field(500, ge=10)
    degraded_after_failures: int = Field(3, ge=1)


class RoleSettings(_Section):
    """Who may do what: OS users and groups mapped to roles, a default for everyone else."""

    default: Literal["viewer", "operator", "admin"] = "operator"
    users: dict[str, Literal["viewer", "operator", "admin"]] = Field(default_factory=dict)
    groups: dict[str, Literal["viewer", "operator", "admin"]] = Field(default_factory=dict)


class Config(_Section):
    """Every setting of ScheduleFlow."""

    rules: RuleDefaults = RuleDefaults()
    jobs: JobSettings = JobSettings()
    roles: RoleSettings = RoleSettings()
    theme: str = "scheduleflow-dark"
    backups_kept: int = Field(10, ge=1)


def _environment() -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name, value in os.environ.items():
        if not name.startswith(_PREFIX) or "__" not in name:
            continue
        section, _, key = name[len(_PREFIX) :].lower().partition("__")
        values.setdefault(section, {})[key] = value
    return values


def _merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def config_path(home_dir: Path) -> Path:
    """The config file: ``$SCHEDULEFLOW_CONFIG`` or ``config.toml`` in the data directory."""
    configured = os.environ.get("SCHEDULEFLOW_CONFIG")
    return Path(configured) if configured else home_dir / "config.toml"


def load_config(home_dir: Path) -> Config:
    """Read the settings; a missing file means the defaults."""
    path = config_path(home_dir)
    data: dict[str, Any] = {}
    if path.exists():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
            raise InputError(
                f"is not valid TOML ({error})", path=path, hint="fix the file or remove it"
            ) from None
    data = _merge(data, _environment())
    try:
        return Config.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise InputError(
            f"setting '{where}': {first['msg']}",
            path=path,
            hint="see the README's Configuration section",
        ) from None
