"""Building the API from a :class:`~kliping.config.Config`: one factory, no globals.

``create_app(config)`` is what tests and ``kliping serve`` use;
``create_app_from_env`` is the zero-argument factory uvicorn calls in each
worker process (it reads ``KLIPING_CONFIG``).
"""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from importlib import resources
from typing import Any

from fastapi import Depends, FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.openapi.utils import get_openapi
from fastapi.responses import FileResponse, Response
from fastapi.security import HTTPBearer
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kliping import __version__
from kliping.app import Kliping
from kliping.config import Config, load_config
from search.aliases import aliases_for
from search.api.errors import error_response, install_error_handlers
from search.api.expensive import ExpensiveWorker
from search.api.guards import BearerAuth, RateLimiter, resolve_token
from search.api.live import CHECK_EVERY, LiveIndex
from search.api.routes import Services, data_router, health_router

log = logging.getLogger(__name__)

#: Seconds a search may run before the client gets 503 timeout.
SEARCH_TIMEOUT = 5.0
#: Searches running at once; the rest wait (inside their deadline). Whoosh is CPU-bound Python.
SEARCH_WORKERS = 4
#: The search page may load only its own files; snippets are the only HTML it inserts.
PAGE_CSP = "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"

DESCRIPTION = """Read-only search over the kliping archive of Indonesian news.

Errors are always `{"error": {"code": ..., "message": ...}}`. When a token is
configured (`api.token` or `KLIPING_API_TOKEN`) every endpoint but `/health`
needs `Authorization: Bearer <token>`; the page at `/` and these docs are
public (they hold no articles)."""


def create_app(config: Config, *, search_timeout: float = SEARCH_TIMEOUT, search_workers: int = SEARCH_WORKERS,
               check_every: float = CHECK_EVERY) -> FastAPI:
    """The whole API for one config, over one application object (closed when the server stops)."""
    aliases_for(config.search.aliases)  # a wrong alias file stops the server at start, naming its line
    application = Kliping(config=config)
    pool = ThreadPoolExecutor(max_workers=search_workers, thread_name_prefix="kliping-search")
    services = Services(live=LiveIndex(application, check_every=check_every), pool=pool, timeout=search_timeout,
                        worker=ExpensiveWorker(config))
    auth = BearerAuth(resolve_token(config.api.token))
    guards: list[Any] = [Depends(RateLimiter(config.api.rate_limit)), Depends(auth)]
    if auth.enabled:  # declares the scheme in OpenAPI, so /docs offers an "Authorize" button
        guards.append(Depends(HTTPBearer(auto_error=False, description="api.token or KLIPING_API_TOKEN")))

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        pool.shutdown(wait=False, cancel_futures=True)
        services.worker.close()
        application.close()

    app = FastAPI(title="kliping", version=__version__, description=DESCRIPTION, lifespan=lifespan)
    install_error_handlers(app)
    app.state.services = services
    app.include_router(data_router(services, guards))
    app.include_router(health_router(services))
    _add_page(app)
    if config.api.cors_origins:
        app.add_middleware(JsonCORSMiddleware, allow_origins=list(config.api.cors_origins), allow_methods=["GET"],
                           allow_headers=["Authorization"], max_age=600)
    app.add_middleware(SecurityHeaders)
    app.openapi = lambda: _openapi_without_422(app)  # type: ignore[method-assign]
    log.info("API ready: token %s, rate limit %s/min, search timeout %gs",
             "required" if auth.enabled else "off", config.api.rate_limit, search_timeout)
    return app


def create_app_from_env() -> FastAPI:
    """The factory ``kliping serve`` hands uvicorn (``KLIPING_CONFIG`` names the config file)."""
    return create_app(load_config(os.environ.get("KLIPING_CONFIG", "config.yaml")))


def _openapi_without_422(app: FastAPI) -> dict[str, Any]:
    """FastAPI's schema, minus the 422 it documents by default: this API answers 400 (see errors.py)."""
    if app.openapi_schema is None:
        schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
        for operation in (op for path in schema["paths"].values() for op in path.values()):
            operation.get("responses", {}).pop("422", None)
        for name in ("HTTPValidationError", "ValidationError"):
            schema.get("components", {}).get("schemas", {}).pop(name, None)
        app.openapi_schema = schema
    return app.openapi_schema


def _add_page(app: FastAPI) -> None:
    static = resources.files("search.api") / "static"
    index_html = str(static / "index.html")

    @app.get("/", include_in_schema=False)
    def page() -> FileResponse:
        return FileResponse(index_html, headers={"Content-Security-Policy": PAGE_CSP})

    app.mount("/static", StaticFiles(directory=str(static)), name="static")


class JsonCORSMiddleware(CORSMiddleware):
    """Starlette's CORS, its refused preflights in the API's one JSON error shape (it answers plain text)."""

    def preflight_response(self, request_headers: Headers) -> Response:
        response = super().preflight_response(request_headers)
        if response.status_code < 400:
            return response
        refused = bytes(response.body).decode().removeprefix("Disallowed CORS ").split(", ")
        reasons = {
            "origin": f"origin {request_headers.get('origin')!r} is not in api.cors_origins",
            "method": f"method {request_headers.get('access-control-request-method')!r} is not allowed (GET only)",
            "headers": f"headers {request_headers.get('access-control-request-headers')!r} are not allowed "
                       "(Authorization only)",
            "private-network": "private network access is not allowed",
        }
        message = "cross-origin request refused: " + "; ".join(reasons.get(r, r) for r in refused)
        headers = {k: v for k, v in response.headers.items() if k.lower() not in ("content-type", "content-length")}
        return error_response(response.status_code, "cors_refused", message, headers)


class SecurityHeaders:
    """Pure ASGI middleware (cheaper than BaseHTTPMiddleware): nosniff and no-referrer on every answer."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("Referrer-Policy", "no-referrer")
            await send(message)

        await self.app(scope, receive, send_with_headers)
