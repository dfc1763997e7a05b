"""The auth matrix: no key, and each role × each operation, by the core's role rule."""

from __future__ import annotations

import pytest

from tests.service.conftest import ROLES, Server

# method, path, the least role (None: no key needed)
OPERATIONS: tuple[tuple[str, str, str | None], ...] = (
    ("GET", "/api/health", None),
    ("GET", "/openapi.json", None),
    ("GET", "/api/queue-stats", "viewer"),
    ("GET", "/api/schedules", "viewer"),
    ("GET", "/api/jobs", "viewer"),
    ("GET", "/api/jobs/none", "viewer"),
    ("GET", "/api/check", "viewer"),
    ("GET", "/api/now", "viewer"),
    ("GET", "/api/audit", "viewer"),
    ("GET", "/guide.xml", "viewer"),
    ("GET", "/guide.xml.gz", "viewer"),
    ("GET", "/lineup.m3u", "viewer"),
    ("POST", "/api/import-schedule", "operator"),
    ("POST", "/api/export-schedule-xml", "operator"),
    ("GET", "/api/export?format=json", "operator"),
    ("DELETE", "/api/jobs/none", "operator"),
    ("POST", "/api/fix", "operator"),
    ("POST", "/api/plan", "operator"),
)
_RANK = {role: rank for rank, role in enumerate(ROLES)}


def test_every_operation_answers_by_role(server: Server) -> None:
    outcomes = {}
    clients = {None: server.client(), **{role: server.client(role) for role in ROLES}}
    try:
        for method, path, _least in OPERATIONS:
            for who, client in clients.items():
                outcomes[(path, method, who)] = client.request(
                    method, path, content=b""
                ).status_code
    finally:
        for client in clients.values():
            client.close()
    wrong = []
    for method, path, least in OPERATIONS:
        for who in (None, *ROLES):
            status = outcomes[(path, method, who)]
            if least is None:
                expected_refusal = None
            elif who is None:
                expected_refusal = 401
            elif _RANK[who] < _RANK[least]:
                expected_refusal = 403
            else:
                expected_refusal = None
            refused = status if status in (401, 403) else None
            if refused != expected_refusal:
                wrong.append(f"{method} {path} as {who}: {status}, expected {expected_refusal}")
    assert wrong == []


@pytest.mark.parametrize("header", ["Bearer sf_not-a-key", "Basic dXNlcjpwYXNz", "Bearer"])
def test_a_wrong_key_is_401_even_where_none_is_needed(server: Server, header: str) -> None:
    with server.client() as client:
        answer = client.get("/api/queue-stats", headers={"Authorization": header})
        health = client.get("/api/health", headers={"Authorization": header})
    assert answer.status_code == 401
    assert answer.headers["www-authenticate"].startswith("Bearer")
    assert health.status_code == 401


def test_a_refusal_names_the_role_and_what_is_needed(server: Server) -> None:
    with server.client("viewer") as client:
        answer = client.post("/api/import-schedule", content=b"x")
    assert answer.status_code == 403
    assert answer.json()["error"] == {
        "category": "permission",
        "message": answer.json()["error"]["message"],
    }
    assert answer.json()["error"]["message"].startswith(
        "your role is viewer, and import needs operator"
    )


def test_players_may_give_their_key_in_the_url(server: Server) -> None:
    with server.client() as client:
        refused = client.get("/lineup.m3u")
        allowed = client.get("/lineup.m3u", params={"key": server.keys["viewer"]})
    assert refused.status_code == 401
    assert allowed.status_code == 200
    header = allowed.text.splitlines()[0]
    assert f'url-tvg="{server.url}/guide.xml?key=' in header
    assert f'x-tvg-url="{server.url}/guide.xml?key=' in header
