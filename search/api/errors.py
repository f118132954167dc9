"""Every API error becomes ``{"error": {"code", "message"}}`` here, and only here.

Handlers map kliping's exception tree, FastAPI's validation errors and
Starlette's HTTP errors onto one shape, so a client parses one thing::

    400 bad_parameter   a parameter is missing, mistyped or out of range
    400 query           the query text cannot be read (QueryError)
    400 query_cost      the query ran out of its time or expansion budget (QueryTooCostly)
    400 cors_refused    a browser's preflight asked for an origin, method or header not allowed
    401 unauthorized    the bearer token is missing or wrong
    404 not_found       no such article, or no such path
    405 method_not_allowed
    429 rate_limited    too many requests from this client (Retry-After)
    429 busy            another query with wildcards or fuzzy terms runs; retry (Retry-After)
    503 timeout         the search took longer than the server allows (Retry-After)
    503 unavailable     the archive or index is missing, empty, locked, unreadable or broken
    500 internal        a bug; logged with its traceback, never shown
"""

from __future__ import annotations

import logging
from http import HTTPStatus

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from kliping.errors import ArchiveError, IndexBusy, IndexOutdated, KlipingError, QueryError

log = logging.getLogger(__name__)

#: Codes for plain HTTP errors Starlette raises itself (unknown path, wrong method).
_HTTP_CODES = {404: "not_found", 405: "method_not_allowed", 401: "unauthorized", 429: "rate_limited"}


class ApiError(Exception):
    """An error the API answers with on purpose: status, stable code, message, headers."""

    def __init__(self, status: int, code: str, message: str, *, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}


def error_response(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    """The one JSON error shape; middleware that answers early uses it too."""
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status, headers=headers)


def describe_validation(exc: RequestValidationError) -> str:
    """FastAPI's error list as one sentence naming each parameter and what is wrong."""
    parts = []
    for error in exc.errors():
        loc = [str(x) for x in error.get("loc", ()) if x not in ("query", "path", "header")]
        name = ".".join(loc) or "request"
        parts.append(f"{name}: {_readable(str(error.get('msg', 'invalid')))}")
    return "; ".join(parts) or "the request is invalid"


def _readable(msg: str) -> str:
    return msg.removeprefix("Value error, ").replace("Input should be", "should be")


def kliping_status(exc: KlipingError) -> tuple[int, str]:
    if isinstance(exc, QueryError):
        return 400, exc.code
    if isinstance(exc, ArchiveError | IndexBusy | IndexOutdated):
        return 503, "unavailable"
    return 500, "internal"


async def _api_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return error_response(exc.status, exc.code, exc.message, exc.headers)


async def _kliping_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, KlipingError)
    status, code = kliping_status(exc)
    if status >= 500:
        log.warning("%s %s failed: %s", request.method, request.url.path, exc)
    return error_response(status, code, str(exc))


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    return error_response(400, "bad_parameter", describe_validation(exc))


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = _HTTP_CODES.get(exc.status_code, "http_error")
    detail = exc.detail if isinstance(exc.detail, str) else HTTPStatus(exc.status_code).phrase
    if exc.status_code == 404 and detail == "Not Found":
        detail = f"no such path {request.url.path!r}; see /docs for the endpoints"
    return error_response(exc.status_code, code, detail, dict(exc.headers or {}))


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return error_response(500, "internal", "an internal error occurred; it has been logged")


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(KlipingError, _kliping_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)
