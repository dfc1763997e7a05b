"""Settings: frozen dataclasses, read from a TOML file and ``SCHEDULEFLOW_…`` variables.

The file is ``$SCHEDULEFLOW_HOME/config.toml`` (``SCHEDULEFLOW_CONFIG`` names another). An
environment variable overrides a file value: ``SCHEDULEFLOW_RULES__COOLDOWN_HOURS=24``.
A broken file is one clear error naming the file and the setting, not a traceback.
Roles are the exception: they come only from the config beside the store
(:mod:`core.access`), never from the caller's environment, which is refused.

Plain dataclasses checked by :func:`_settings`, not pydantic models: every start of the
TUI and of every command reads the settings, and importing pydantic for fifteen values cost
a fifth of a second of a start that must stay under one and a half (``make bench``, "TUI").
Each field says what it accepts in its metadata: ``minimum``/``maximum`` for numbers,
``choices`` for words; a table of numbers or of roles says so in ``values``.
"""

from __future__ import annotations

import dataclasses
import math
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, TypeVar

from core.errors import InputError
from core.safefiles import read_input

__all__ = [
    "Config",
    "JobSettings",
    "ProbeDefaults",
    "RoleSettings",
    "RuleDefaults",
    "ServiceSettings",
    "check_rule_setting",
    "load_config",
    "parse_toml",
    "read_config_file",
    "rule_bounds",
]

_PREFIX = "SCHEDULEFLOW_"
_ROLES = ("viewer", "operator", "admin")

Role = Literal["viewer", "operator", "admin"]


@dataclass(frozen=True)
class RuleDefaults:
    """Defaults of the schedule rules; each channel may override them in the store."""

    # The ranges are the only definition: the config file, the settings dialog and the
    # channel settings a JSON import carries are all checked against them (rule_bounds).
    cooldown_hours: float = field(default=48.0, metadata={"minimum": 0, "maximum": 8760})
    cooldown_scope: Literal["channel", "network"] = field(
        default="channel", metadata={"choices": ("channel", "network")}
    )
    gap_tolerance_seconds: float = field(default=0.0, metadata={"minimum": 0, "maximum": 86400})
    # shorter items (bumpers, idents) are exempt from the cooldown
    cooldown_min_seconds: float = field(default=120.0, metadata={"minimum": 0, "maximum": 86400})
    duration_tolerance_seconds: float = field(default=1.0, metadata={"minimum": 0, "maximum": 3600})
    # the planner joins a shorter remainder to the item before: guides drop sub-second
    # programmes (start == stop to the second) and ffplayout skips clips under a second
    min_item_seconds: float = field(default=1.0, metadata={"minimum": 0, "maximum": 3600})
    # where relative video paths (ffplayout's "source": "clips/a.mp4") are found when a
    # channel sets no storage root of its own: ffplayout's own default storage folder
    storage_root: str = "/var/lib/ffplayout/tv-media"
    # the stream doctor: a stream is down after this many failed probes in a row (one
    # failed probe is not a verdict); check, fix and plan judge by it
    stream_down_after: int = field(default=2, metadata={"minimum": 1, "maximum": 100})


def rule_bounds(name: str) -> tuple[float, float]:
    """The least and greatest value the rule setting ``name`` accepts."""
    rules = {f.name: f.metadata for f in dataclasses.fields(RuleDefaults)}[name]
    return float(rules["minimum"]), float(rules["maximum"])


def check_rule_setting(name: str, value: float) -> float:
    """``value`` itself, or ``ValueError`` saying the range when it is outside it (or NaN)."""
    low, high = rule_bounds(name)
    if not low <= value <= high:
        raise ValueError(f"{name} must be from {low:g} to {high:g}, not {value}")
    return value


_TIMEOUTS = {
    "import": 1800.0,
    "export": 1800.0,
    "check": 600.0,
    "fix": 600.0,
    "dedupe": 600.0,
    "plan": 900.0,
    "backup": 600.0,
    "edit": 60.0,
    "undo": 60.0,
    "view": 120.0,
}


@dataclass(frozen=True)
class JobSettings:
    """How many jobs run at once, and how long each kind may take (seconds).

    Timeouts given in the file change those kinds only; the others keep their defaults.
    """

    max_active: int = field(default=4, metadata={"minimum": 1, "maximum": 64})
    timeouts: dict[str, float] = field(
        default_factory=lambda: dict(_TIMEOUTS), metadata={"values": float, "minimum": 0}
    )
    history: int = field(default=500, metadata={"minimum": 10})
    degraded_after_failures: int = field(default=3, metadata={"minimum": 1})
    # health is degraded while the store's filesystem has less free (a full disk stops writes)
    degraded_below_free_mb: float = field(default=1024.0, metadata={"minimum": 0})


@dataclass(frozen=True)
class ProbeDefaults:
    """How politely ``scheduleflow probe`` asks (each overridden by its command-line option)."""

    concurrency: int = field(default=4, metadata={"minimum": 1, "maximum": 1024})
    per_host: int = field(default=4, metadata={"minimum": 1, "maximum": 1024})
    min_interval_seconds: float = field(default=0.0, metadata={"minimum": 0, "maximum": 3600})
    timeout_seconds: float = field(default=10.0, metadata={"minimum": 0.001, "maximum": 3600})
    retries: int = field(default=2, metadata={"minimum": 0, "maximum": 10})


@dataclass(frozen=True)
class RoleSettings:
    """Who may do what: OS users and groups mapped to roles, a default for everyone else."""

    default: Role = field(default="operator", metadata={"choices": _ROLES})
    users: dict[str, Role] = field(default_factory=dict, metadata={"values": _ROLES})
    groups: dict[str, Role] = field(default_factory=dict, metadata={"values": _ROLES})


@dataclass(frozen=True)
class ServiceSettings:
    """The HTTP API of ``scheduleflow serve``: limits, what needs a key, what is on.

    Off by default what exposes more than the API itself: ``/metrics`` and cross-origin
    requests from browsers (``cors_origins``: allowed origins, separated by commas).
    """

    rate_limit_per_minute: int = field(default=100, metadata={"minimum": 1, "maximum": 1_000_000})
    # monitoring polls health more often than anything else; it may skip the limit
    health_exempt: bool = True
    health_needs_key: bool = False
    # the readers' NETWORK_LIMIT (core.formats.limits; not imported: every command reads this)
    max_upload_mb: float = field(default=50.0, metadata={"minimum": 0.001, "maximum": 1024 * 1024})
    cors_origins: str = ""
    metrics: bool = False
    # seconds a request's head may take to arrive (a slow-loris client holds a connection)
    request_head_seconds: float = field(default=10.0, metadata={"minimum": 0.1, "maximum": 3600})


@dataclass(frozen=True)
class Config:
    """Every setting of ScheduleFlow."""

    rules: RuleDefaults = field(default_factory=RuleDefaults)
    jobs: JobSettings = field(default_factory=JobSettings)
    roles: RoleSettings = field(default_factory=RoleSettings)
    service: ServiceSettings = field(default_factory=ServiceSettings)
    probe: ProbeDefaults = field(default_factory=ProbeDefaults)
    theme: str = "scheduleflow-dark"
    backups_kept: int = field(default=10, metadata={"minimum": 1})
    keymap: dict[str, str] = field(default_factory=dict, metadata={"values": str})
    """The TUI's keys by binding id: ``"programmes.trim" = "e,T"`` (README: Keys)."""


class _Invalid(ValueError):
    """One setting is wrong: where it is, and what is wrong with it."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__(message)
        self.where = where


_Section = TypeVar("_Section")
_SECTIONS: dict[str, type[Any]] = {
    "rules": RuleDefaults,
    "jobs": JobSettings,
    "roles": RoleSettings,
    "service": ServiceSettings,
    "probe": ProbeDefaults,
}


def _settings(cls: type[_Section], data: Any, where: str) -> _Section:
    """``cls`` from a table of the file, every value checked (with the setting's name)."""
    if not isinstance(data, dict):
        raise _Invalid(where, "must be a table of settings")
    fields = {f.name: f for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    values: dict[str, Any] = {}
    for key, value in data.items():
        place = f"{where}.{key}" if where else key
        if key not in fields:
            known = ", ".join(fields)
            raise _Invalid(place, f"is not a setting (known here: {known})")
        if key in _SECTIONS and cls is Config:
            values[key] = _settings(_SECTIONS[key], value, place)
        else:
            values[key] = _value(fields[key], value, place)
    return cls(**values)


def _value(spec: dataclasses.Field[Any], value: Any, where: str) -> Any:
    rules = spec.metadata
    default = spec.default_factory() if callable(spec.default_factory) else spec.default
    if isinstance(default, dict):
        if not isinstance(value, dict):
            raise _Invalid(where, "must be a table")
        kind = rules["values"]
        if kind is str:  # keys: text, such as "e,T"
            return {str(key): _keys(item, f"{where}.{key}") for key, item in value.items()}
        checked = {
            str(key): _word(item, kind, f"{where}.{key}")
            if isinstance(kind, tuple)
            else _number(item, float, rules, f"{where}.{key}")
            for key, item in value.items()
        }
        return {**default, **checked} if kind is float else checked
    if "choices" in rules:
        return _word(value, rules["choices"], where)
    if isinstance(default, bool):
        return _flag(value, where)
    if not isinstance(default, int | float):
        if not isinstance(value, str):
            raise _Invalid(where, "must be text")
        return value
    return _number(value, type(default), rules, where)


def _flag(value: Any, where: str) -> bool:
    """true or false; from the environment, the words ``true``/``false`` (or 1/0)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "1", "false", "0"):
        return value.strip().lower() in ("true", "1")
    raise _Invalid(where, "must be true or false")
def _keys(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip(", "):
        raise _Invalid(where, 'must be keys as text, such as "e" or "e,ctrl+t"')
    return value


def _word(value: Any, choices: tuple[str, ...], where: str) -> str:
    if value not in choices:
        raise _Invalid(where, f"'{value}' is not one of {', '.join(choices)}")
    return str(value)


def _number(value: Any, kind: type, rules: Any, where: str) -> float | int:
    """A number of the setting's kind; text (from the environment) is read as one."""
    if isinstance(value, bool):
        raise _Invalid(where, "must be a number")
    if isinstance(value, str):
        try:
            value = float(value.strip())
        except ValueError:
            raise _Invalid(where, f"'{value}' is not a number") from None
    if not isinstance(value, int | float) or not math.isfinite(value):
        raise _Invalid(where, "must be a number")
    if kind is int:
        if value != int(value):
            raise _Invalid(where, f"{value} is not a whole number")
        value = int(value)
    if "minimum" in rules and value < rules["minimum"]:
        raise _Invalid(where, f"{value} is below the minimum of {rules['minimum']}")
    if "maximum" in rules and value > rules["maximum"]:
        raise _Invalid(where, f"{value} is above the maximum of {rules['maximum']}")
    return float(value) if kind is float else value


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


def _refuse_roles_from_the_environment(values: dict[str, Any]) -> None:
    """Anyone can set a variable: roles given that way would make anyone an admin."""
    if "roles" in values:
        variable = f"{_PREFIX}ROLES__{next(iter(values['roles'])).upper()}"
        raise InputError(
            f"${variable}: roles are not taken from the environment",
            hint="unset it; roles come from the config.toml beside the database "
            "(README: Roles on a shared server)",
        )


def parse_toml(path: Path, data: bytes) -> dict[str, Any]:
    """A TOML file's tables, or ``InputError`` naming the file: not UTF-8, not TOML, or
    nested too deep for the parser (its recursion would fail as a traceback)."""
    try:
        return tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise InputError(
            f"is not UTF-8 text (byte 0x{error.object[error.start]:02X} at offset {error.start})",
            path=path,
            hint="save it as UTF-8, or remove it",
        ) from None
    except tomllib.TOMLDecodeError as error:
        raise InputError(
            f"is not valid TOML ({error})", path=path, hint="fix the file or remove it"
        ) from None
    except RecursionError:  # tables nested thousands deep
        raise InputError(
            "is not valid TOML (nested too deep)", path=path, hint="fix the file or remove it"
        ) from None


def read_config_file(path: Path, data: bytes) -> Config:
    """The settings of one file's ``data`` alone (no environment), every value checked."""
    return _checked(parse_toml(path, data), path, environment={})


_LARGEST_CONFIG = 1 << 20  # a settings file is a few KiB


def load_config(home_dir: Path) -> Config:
    """Read the settings; a missing file means the defaults."""
    path = config_path(home_dir)
    data: dict[str, Any] = {}
    if path.exists():
        data = parse_toml(path, read_input(path, _LARGEST_CONFIG, "settings file"))
    environment = _environment()
    _refuse_roles_from_the_environment(environment)
    return _checked(_merge(data, environment), path, environment)


def _checked(data: dict[str, Any], path: Path, environment: dict[str, Any]) -> Config:
    try:
        return _settings(Config, data, "")
    except _Invalid as error:
        section, _, key = error.where.partition(".")
        from_environment = environment.get(section, {})
        if not key and from_environment:  # a section only a variable names: SCHEDULEFLOW__X__Y
            key = next(iter(from_environment))
        variable = f"{_PREFIX}{section}__{key}".upper()
        given = key in from_environment  # the variable's value is the one checked
        raise InputError(
            f"setting '{error.where}'" + (f" (from ${variable})" if given else "") + f": {error}",
            path=path if path.exists() and not given else None,
            hint="see the README's Configuration section",
        ) from None
