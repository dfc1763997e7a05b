"""Errors as the API answers them: ``{"error": {"category", "message"}}`` with the right status.

The category is the core's (:mod:`core.errors`) where one applies; the HTTP layer adds
``authentication`` (401), ``not found`` (404, 405) and ``rate limit`` (429). A traceback
never reaches a response: an unexpected error is logged with it and answered with one line.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from core.errors import Cancelled, ScheduleFlowError, TooLarge, UnknownChannel
from core.visible import visible

__all__ = ["HANDLERS", "ApiError", "error_response", "status_for"]

log = logging.getLogger("scheduleflow.service")

_STATUS = {
    "parse": 400,
    "file": 400,
    "validation": 422,
    "permission": 403,
    "timeout": 504,
    "unexpected": 500,
}


class ApiError(Exception):
    """A refusal of the HTTP layer itself: its status, category and message."""

    def __init__(
        self, status: int, category: str, message: str, headers: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.category = category
        self.message = message
        self.headers = dict(headers or {})


def status_for(error: ScheduleFlowError) -> int:
    """The HTTP status of one of our errors."""
    if isinstance(error, TooLarge):
        return 413
    if isinstance(error, Cancelled):
        return 409
    if isinstance(error, UnknownChannel):
        return 404
    return _STATUS.get(error.category, 500)


def error_response(
    status: int, category: str, message: str, headers: Mapping[str, str] | None = None
) -> Response:
    """The JSON error body every failure is answered with (the message escaped once: it may
    quote a file's or a client's text)."""
    body = json.dumps({"error": {"category": category, "message": visible(message)}})
    return Response(body, status, headers=headers, media_type="application/json")


async def handle_api_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, ApiError)
    return error_response(error.status, error.category, error.message, error.headers)


async def handle_ours(request: Request, error: Exception) -> Response:
    assert isinstance(error, ScheduleFlowError)
    log.info("%s %s refused: %s", request.method, request.url.path, error)
    return error_response(status_for(error), error.category, str(error))


async def handle_http(request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    category = "not found" if error.status_code in (404, 405) else "validation"
    return error_response(error.status_code, category, str(error.detail), error.headers)


async def handle_unexpected(request: Request, error: Exception) -> Response:
    log.error("%s %s failed", request.method, request.url.path, exc_info=error)
    return error_response(500, "unexpected", "unexpected error; details in the service's log file")


HANDLERS = {
    ApiError: handle_api_error,
    ScheduleFlowError: handle_ours,
    HTTPException: handle_http,
    Exception: handle_unexpected,
}
