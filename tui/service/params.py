"""Query parameters as the command line's options: flags, times, windows, numbers, a channel.

A parameter is a client's text: each reader checks it and says in one line what it expected.
"""

from __future__ import annotations

from datetime import datetime

from starlette.requests import Request

from core.errors import InputError
from core.timeargs import parse_instant

__all__ = ["channels", "flag", "instant", "number", "window"]

_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off", "")


def flag(value: str | None, name: str) -> bool:
    """A true/false parameter (1/0, yes/no, on/off too); absent is false."""
    if value is None:
        return False
    if value.lower() in _TRUE:
        return True
    if value.lower() in _FALSE:
        return False
    raise InputError(f"{name}: '{value[:40]}' is not true or false")


def instant(request: Request, name: str, relative_to: datetime | None = None) -> datetime | None:
    """A time parameter, read as the command line reads T (ISO 8601, now, today, +6h)."""
    text = request.query_params.get(name)
    if text is None:
        return None
    try:
        return parse_instant(text, relative_to=relative_to)
    except ValueError as error:
        raise InputError(f"{name}: {error}") from None


def window(request: Request) -> tuple[datetime | None, datetime | None]:
    """``from`` and ``to``; a relative ``to`` counts from ``from``, as ``--to`` does."""
    start = instant(request, "from")
    stop = instant(request, "to", relative_to=start)
    if start is not None and stop is not None and start >= stop:
        raise InputError("'from' is not before 'to'", hint="give a 'to' later than 'from'")
    return start, stop


def number(request: Request, name: str, default: int, most: int) -> int:
    """A whole-number parameter from 1 to ``most``."""
    text = request.query_params.get(name)
    if text is None:
        return default
    if not text.isascii() or not text.isdigit() or not 1 <= int(text) <= most:
        raise InputError(f"{name}: '{text[:40]}' is not a whole number from 1 to {most}")
    return int(text)


def channels(request: Request) -> list[str] | None:
    """The ``channel`` parameter as the core takes it: one channel, or all."""
    channel = request.query_params.get("channel")
    return [channel] if channel else None
