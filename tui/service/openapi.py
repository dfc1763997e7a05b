"""The API's OpenAPI 3.1 document, served at ``/openapi.json``.

Written from one table (path, method, summary, parameters, answers) rather than generated:
the service is plain Starlette (see :mod:`tui.service.app`). A test checks that every route
is described and every description is a route.
"""

from __future__ import annotations

from functools import cache
from typing import Any

__all__ = ["ENDPOINTS", "openapi_document"]

_WINDOW = ("channel", "from", "to")
_ERROR = {"$ref": "#/components/responses/Error"}

# path, method, summary, query parameters, success status, success media type, needs a key
ENDPOINTS: tuple[tuple[str, str, str, tuple[str, ...], int, str, bool], ...] = (
    ("/api/health", "get", "Health: 200 healthy, 503 degraded", (), 200, "application/json", False),
    (
        "/api/queue-stats",
        "get",
        "Active, queued and error counts",
        (),
        200,
        "application/json",
        True,
    ),
    (
        "/api/import-schedule",
        "post",
        "Import a file (the body, or multipart 'file') as a job; 202 with the job id",
        ("format", "channel", "replace"),
        202,
        "application/json",
        True,
    ),
    (
        "/api/schedules",
        "get",
        "Channels with programme and finding counts",
        (),
        200,
        "application/json",
        True,
    ),
    (
        "/api/export-schedule-xml",
        "post",
        "The XMLTV export, streamed",
        _WINDOW,
        200,
        "application/xml",
        True,
    ),
    ("/api/jobs", "get", "Recent jobs, newest first", ("limit",), 200, "application/json", True),
    ("/api/jobs/{job_id}", "get", "One job", (), 200, "application/json", True),
    (
        "/api/jobs/{job_id}",
        "delete",
        "Cancel a job (nothing it did is kept)",
        (),
        202,
        "application/json",
        True,
    ),
    ("/api/check", "get", "Findings (check --json)", _WINDOW, 200, "application/json", True),
    (
        "/api/fix",
        "post",
        "Preview or apply one kind of fix",
        ("kind", "policy", *_WINDOW, "group", "dry_run"),
        200,
        "application/json",
        True,
    ),
    (
        "/api/plan",
        "post",
        "Fill a window from a library group",
        (
            "channel",
            "from",
            "to",
            "group",
            "order",
            "seed",
            "grid",
            "filler",
            "timezone",
            "dry_run",
        ),
        200,
        "application/json",
        True,
    ),
    (
        "/api/now",
        "get",
        "What is on air (now --json)",
        ("channel", "at"),
        200,
        "application/json",
        True,
    ),
    (
        "/api/export",
        "get",
        "Any export format (ffplayout: a day file or a zip of days)",
        ("format", *_WINDOW, "group", "filler", "library"),
        200,
        "application/octet-stream",
        True,
    ),
    (
        "/api/audit",
        "get",
        "Who changed what, newest first",
        ("since", "limit"),
        200,
        "application/json",
        True,
    ),
    (
        "/guide.xml",
        "get",
        "The XMLTV guide for players (ETag, 304, gzip)",
        (),
        200,
        "application/xml",
        True,
    ),
    ("/guide.xml.gz", "get", "The XMLTV guide, gzipped", (), 200, "application/gzip", True),
    ("/lineup.m3u", "get", "The channel line-up for players", (), 200, "audio/x-mpegurl", True),
    (
        "/metrics",
        "get",
        "Prometheus metrics (when [service] metrics = true)",
        (),
        200,
        "text/plain",
        True,
    ),
    ("/openapi.json", "get", "This document", (), 200, "application/json", False),
)


def _operation(
    path: str, summary: str, names: tuple[str, ...], status: int, media: str, key: bool
) -> dict[str, Any]:
    parameters: list[dict[str, Any]] = [
        {"name": name, "in": "query", "required": False, "schema": {"type": "string"}}
        for name in names
    ]
    if "{job_id}" in path:
        parameters.insert(
            0, {"name": "job_id", "in": "path", "required": True, "schema": {"type": "string"}}
        )
    responses: dict[str, Any] = {
        str(status): {"description": summary, "content": {media: {}}},
        "400": _ERROR,
        "429": _ERROR,
        "500": _ERROR,
    }
    if key:
        responses |= {"401": _ERROR, "403": _ERROR}
    operation: dict[str, Any] = {"summary": summary, "parameters": parameters}
    operation["responses"] = responses
    operation["security"] = [{"bearer": []}] if key else []
    return operation


@cache
def openapi_document() -> dict[str, Any]:
    """The OpenAPI document (built once)."""
    paths: dict[str, dict[str, Any]] = {}
    for path, method, summary, names, status, media, key in ENDPOINTS:
        paths.setdefault(path, {})[method] = _operation(path, summary, names, status, media, key)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "ScheduleFlow",
            "version": "1",
            "description": "The HTTP API of `scheduleflow serve`; see the README's HTTP API.",
        },
        "paths": paths,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "responses": {
                "Error": {
                    "description": "An error: its category and one line",
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["error"],
                                "properties": {
                                    "error": {
                                        "type": "object",
                                        "required": ["category", "message"],
                                        "properties": {
                                            "category": {"type": "string"},
                                            "message": {"type": "string"},
                                        },
                                    }
                                },
                            }
                        }
                    },
                }
            },
        },
    }
