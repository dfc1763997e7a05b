"""Where an HTTP probe may go: never somewhere more private than the list's own locator.

A playlist is hostile data. A redirect, an HLS variant, a segment or a DASH representation
named by a remote server could otherwise point the probe at the machine it runs on or at its
cloud's metadata service (``http://169.254.169.254/``), and the probe would send a GET there
with the list's headers. So each address a probe connects to is ranked — public, private
(a LAN, a ULA), loopback, link-local — and may be no more private than the locator the
operator's list named: a stream on the LAN may redirect within the LAN, a stream on this
machine may go anywhere this machine can, a public one only to public addresses.

The rank of the first locator is worked out once per probe (its host resolved when it is a
name) and kept in a context variable for the probe's task; literal addresses are checked
before each request (:func:`refused`), names by the session's resolver
(:class:`GuardedResolver`), so a name that resolves to an internal address is refused too.
"""

from __future__ import annotations

import asyncio
import contextvars
import errno
import ipaddress
import socket
from urllib.parse import urlsplit

from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import ThreadedResolver

__all__ = ["GuardedResolver", "address_rank", "locator_rank", "reach", "refused"]

PUBLIC, PRIVATE, LOOPBACK, LINK_LOCAL = range(4)
_WORDS = {
    PUBLIC: "a public",
    PRIVATE: "a private",
    LOOPBACK: "a loopback",
    LINK_LOCAL: "a link-local",
}

reach: contextvars.ContextVar[int] = contextvars.ContextVar("probe_reach", default=PUBLIC)
"""The most private rank the current probe may connect to (that of the list's locator)."""


def address_rank(address: str) -> int:
    """How private an IP address is: public < private < loopback < link-local."""
    ip = ipaddress.ip_address(address.partition("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_link_local:
        return LINK_LOCAL
    if ip.is_loopback or ip.is_unspecified:  # 0.0.0.0 connects to this machine
        return LOOPBACK
    return PUBLIC if ip.is_global else PRIVATE


def _literal_rank(host: str) -> int | None:
    """The rank of a host written as an address or as ``localhost``; ``None`` for a name."""
    lowered = host.lower().rstrip(".")
    if lowered == "localhost" or lowered.endswith(".localhost"):
        return LOOPBACK
    try:
        return address_rank(lowered.strip("[]"))
    except ValueError:
        return None


async def locator_rank(url: str) -> int:
    """The rank of the list's locator: its address, or the most private its name resolves
    to (a name that does not resolve counts as public: its request fails anyway)."""
    try:
        host = urlsplit(url).hostname
    except ValueError:  # the request refuses it as no URL
        return PUBLIC
    if not host:
        return PUBLIC
    rank = _literal_rank(host)
    if rank is not None:
        return rank
    try:
        found = await asyncio.get_running_loop().getaddrinfo(host, None)
    except (OSError, UnicodeError):
        return PUBLIC
    return max((address_rank(str(entry[4][0])) for entry in found), default=PUBLIC)


def refused(url: str) -> str | None:
    """Why ``url`` may not be requested by this probe (a literal address or ``localhost``
    more private than the list's locator); ``None`` when it may (names are checked when
    they are resolved)."""
    host = urlsplit(url).hostname
    rank = _literal_rank(host) if host else None
    if rank is None or rank <= reach.get():
        return None
    return f"leads to {_WORDS[rank]} address ({host}), more private than the list's locator"


class GuardedResolver(AbstractResolver):
    """The session's resolver: only the addresses the current probe may reach.

    Used with ``use_dns_cache=False``, so each lookup runs in the task of the probe that
    asked (and sees its :data:`reach`). Made inside the running loop, as aiohttp's own."""

    def __init__(self) -> None:
        self._inner = ThreadedResolver()

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        found = await self._inner.resolve(host, port, family)
        allowed = reach.get()
        kept = [entry for entry in found if address_rank(entry["host"]) <= allowed]
        if not kept:
            raise OSError(
                errno.EACCES,
                f"{host} resolves to an address more private than the list's locator",
            )
        return kept

    async def close(self) -> None:
        await self._inner.close()
