"""``kliping serve``: the read-only query API under uvicorn."""

from __future__ import annotations

import os
from pathlib import Path

import click

from kliping.cli import pass_app


@click.command("serve")
@click.option("--host", metavar="ADDR", help="Address to listen on  [default: api.host, 127.0.0.1]")
@click.option("--port", type=click.IntRange(0, 65535), help="Port to listen on  [default: api.port, 8750]")
@click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Server processes (one per core; each keeps its own rate-limit counts).")
@click.option("--access-log/--no-access-log", default=True, show_default=True, help="Log every request.")
@pass_app
def command(app, host: str | None, port: int | None, workers: int, access_log: bool) -> None:  # type: ignore[no-untyped-def]
    """Serve the search API and the search page over HTTP.

    Endpoints: /search, /articles/{id}, /sources, /health, /docs. Set api.token
    (or KLIPING_API_TOKEN) before listening on anything but 127.0.0.1; behind
    a reverse proxy, clients are told apart by X-Forwarded-For from 127.0.0.1.

    \b
    Examples:
      kliping serve
      kliping serve --host 0.0.0.0 --port 8080 --workers 2
    """
    from search.api.server import serve

    config = app.config  # load (and validate) it here, so a bad config is a CLI error, not a worker crash
    os.environ["KLIPING_CONFIG"] = str(Path(app.config_path).resolve())
    serve(
        "search.api.app:create_app_from_env",
        factory=True,
        host=host or config.api.host,
        port=config.api.port if port is None else port,
        workers=workers,
        proxy_headers=True,
        forwarded_allow_ips="127.0.0.1",
        access_log=access_log,
        log_level=logging_level(),
        server_header=False,
    )


def logging_level() -> str:
    """Uvicorn logs at the level ``kliping --log-level`` set (at least info, so the address shows)."""
    import logging

    level = logging.getLogger().getEffectiveLevel()
    return "debug" if level <= logging.DEBUG else "info"
