"""``kliping serve``: the read-only query API under uvicorn."""

from __future__ import annotations

import errno
import ipaddress
import logging
import os
import socket
from pathlib import Path

import click

from kliping.cli import EXIT_FAILED, pass_app
from kliping.errors import ConfigError

log = logging.getLogger("kliping.serve")


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
    a reverse proxy, list it in api.trusted_proxies so clients are told apart
    by its X-Forwarded-For (from no one else is the header believed).

    \b
    Examples:
      kliping serve
      kliping serve --host 0.0.0.0 --port 8080 --workers 2
    """
    from search.api.guards import resolve_token
    from search.api.server import serve

    config = app.config  # load (and validate) it here, so a bad config is a CLI error, not a worker crash
    host = host or config.api.host
    port = config.api.port if port is None else port
    check_address(host, port)
    if not _is_loopback(host) and not resolve_token(config.api.token):
        log.warning("the API listens on %s without a token: anyone who can reach this machine can read the "
                    "archive; set api.token in config.yaml or KLIPING_API_TOKEN", host)
    os.environ["KLIPING_CONFIG"] = str(Path(app.config_path).resolve())
    try:
        serve(
            "kliping.api:create_app_from_env",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            # X-Forwarded-For only from the configured proxies, read from the right (uvicorn's
            # ProxyHeadersMiddleware: the rightmost address that is not a trusted proxy)
            proxy_headers=bool(config.api.trusted_proxies),
            forwarded_allow_ips=",".join(config.api.trusted_proxies) or None,
            access_log=access_log,
            log_level=logging_level(),
            server_header=False,
        )
    except SystemExit as exc:
        if exc.code == UVICORN_STARTUP_FAILURE:  # uvicorn's 3 is not kliping's "nothing found"; it logged why
            raise SystemExit(EXIT_FAILED) from None
        raise


#: The exit status uvicorn gives when the server could not start (it logs the reason).
UVICORN_STARTUP_FAILURE = 3


def check_address(host: str, port: int) -> None:
    """Bind ``host:port`` once, as uvicorn will, so a port in use is one clear line rather than uvicorn's exit."""
    if port == 0:
        return
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM,
                                                             flags=socket.AI_PASSIVE)[0]
    except socket.gaierror as exc:
        raise ConfigError(f"cannot listen on {host!r} ({exc.strerror}); give an address with --host, "
                          "e.g. 127.0.0.1") from None
    with socket.socket(family, kind, proto) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does: TIME_WAIT is no conflict
        try:
            sock.bind(address)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise ConfigError(f"port {port} is in use on {host}; pick another with --port "
                                  "(or stop what listens there)") from None
            if exc.errno == errno.EACCES:
                raise ConfigError(f"port {port} on {host} needs privileges; pick one above 1023 with --port") from None
            if exc.errno == errno.EADDRNOTAVAIL:
                raise ConfigError(f"{host} is not an address of this machine; give another with --host") from None
            raise ConfigError(f"cannot listen on {host} port {port} ({exc.strerror or exc})") from None


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:  # a host name: it may resolve to anything
        return False


def logging_level() -> str:
    """Uvicorn logs at the level ``kliping --log-level`` set (at least info, so the address shows)."""
    level = logging.getLogger().getEffectiveLevel()
    return "debug" if level <= logging.DEBUG else "info"
