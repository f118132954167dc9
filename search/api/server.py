"""Running the API under uvicorn, one process or several.

With ``--workers N`` uvicorn binds the listening socket itself and leaves its
protocol number at 0; asyncio then never sets ``TCP_NODELAY`` on accepted
connections, and every keep-alive response after the first waits about 40 ms
for the client's delayed ACK (Kludex/uvicorn#3149, open). :class:`NoDelayConfig`
sets ``TCP_NODELAY`` on the listener, which Linux copies to every accepted
connection.
"""

from __future__ import annotations

import socket
from typing import Any

import uvicorn
from uvicorn.supervisors import Multiprocess


class NoDelayConfig(uvicorn.Config):
    """uvicorn's configuration, its listening socket sending small responses at once."""

    def bind_socket(self) -> socket.socket:
        sock = super().bind_socket()
        if sock.family in (socket.AF_INET, socket.AF_INET6):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return sock


def serve(app: str, **options: Any) -> None:
    """``uvicorn.run(app, **options)``, its several-worker path with :class:`NoDelayConfig`."""
    if options.get("workers", 1) <= 1:  # uvicorn binds through asyncio here, which sets TCP_NODELAY
        uvicorn.run(app, **options)
        return
    config = NoDelayConfig(app, **options)
    Multiprocess(config, sockets=[config.bind_socket()]).run()
