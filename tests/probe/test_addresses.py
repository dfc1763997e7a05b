"""How private an address is, and the resolver that keeps a probe from going further in."""

from __future__ import annotations

import asyncio
import socket
from typing import Any

import pytest
from aiohttp.abc import ResolveResult

from core.probe.addresses import (
    LINK_LOCAL,
    LOOPBACK,
    PRIVATE,
    PUBLIC,
    GuardedResolver,
    address_rank,
    locator_rank,
    reach,
    refused,
)


@pytest.mark.parametrize(
    ("address", "rank"),
    [
        ("93.184.216.34", PUBLIC),
        ("2606:4700::1", PUBLIC),
        ("192.168.1.20", PRIVATE),
        ("10.0.0.5", PRIVATE),
        ("fd00:ec2::254", PRIVATE),
        ("127.0.0.2", LOOPBACK),
        ("::1", LOOPBACK),
        ("0.0.0.0", LOOPBACK),
        ("169.254.169.254", LINK_LOCAL),
        ("fe80::1%eth0", LINK_LOCAL),
        ("::ffff:169.254.169.254", LINK_LOCAL),
    ],
)
def test_address_rank(address: str, rank: int) -> None:
    assert address_rank(address) == rank


def test_literal_hosts_are_refused_beyond_the_lists_reach() -> None:
    token = reach.set(PRIVATE)
    try:
        assert refused("http://192.168.1.9/live.ts") is None
        assert refused("http://cdn.example.org/live.ts") is None  # names: at resolve time
        assert refused("http://localhost:8080/admin") == (
            "leads to a loopback address (localhost), more private than the list's locator"
        )
        assert refused("http://[::1]/x") is not None
    finally:
        reach.reset(token)


class _Answers(GuardedResolver):
    """The guard over a resolver that answers from a table (no DNS in tests)."""

    def __init__(self, table: dict[str, list[str]]) -> None:
        super().__init__()
        self.table = table

        async def resolve(host: str, port: int = 0, family: Any = socket.AF_INET) -> list[Any]:
            return [
                ResolveResult(
                    hostname=host, host=a, port=port, family=family, proto=0, flags=0
                )
                for a in self.table[host]
            ]

        self._inner.resolve = resolve  # type: ignore[method-assign]


def test_a_name_that_resolves_inside_is_refused_to_a_public_list() -> None:
    async def main() -> tuple[list[str], str]:
        resolver = _Answers(
            {"rebind.example": ["169.254.169.254"], "mixed.example": ["10.0.0.1", "93.184.216.34"]}
        )
        token = reach.set(PUBLIC)
        try:
            kept = [r["host"] for r in await resolver.resolve("mixed.example", 80)]
            with pytest.raises(OSError) as refusal:
                await resolver.resolve("rebind.example", 80)
            return kept, str(refusal.value.strerror)
        finally:
            reach.reset(token)

    kept, why = asyncio.run(main())
    assert kept == ["93.184.216.34"]
    assert why == "rebind.example resolves to an address more private than the list's locator"


def test_the_lists_own_locator_sets_the_reach(monkeypatch: pytest.MonkeyPatch) -> None:
    async def lookup(host: str, port: Any) -> list[Any]:
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("192.168.1.20", 0))]

    async def main() -> list[int]:
        loop = asyncio.get_running_loop()
        monkeypatch.setattr(loop, "getaddrinfo", lookup)
        return [
            await locator_rank("http://tv.lan/live.ts"),
            await locator_rank("http://127.0.0.1:9/x"),
            await locator_rank("http://[fe80::1]/x"),
        ]

    assert asyncio.run(main()) == [PRIVATE, LOOPBACK, LINK_LOCAL]
