"""``kliping serve --workers N``: its listening socket hands out connections with Nagle off.

uvicorn's own several-worker socket leaves Nagle on, and each keep-alive
response then waits ~40 ms for a delayed ACK (Kludex/uvicorn#3149).
"""

from __future__ import annotations

import socket

import httpx
from test_api_support import Dataset, uvicorn_server

from search.api.server import NoDelayConfig

pytest_plugins = ["test_api_support"]  # the shared data set


def test_two_workers_answer_searches_on_one_kept_alive_connection(dataset: Dataset) -> None:
    with uvicorn_server(dataset.config_path, extra=["--workers", "2"]) as base, httpx.Client(base_url=base) as http:
        totals = {http.get("/search", params={"q": "banjir"}).json()["total"] for _ in range(6)}
        assert len(totals) == 1 and totals.pop() > 0, "every worker serves the same index"
        assert http.get("/health").json()["status"] == "ok"


def test_connections_accepted_by_the_worker_socket_have_tcp_nodelay() -> None:
    config = NoDelayConfig("search.api.app:create_app_from_env", factory=True, host="127.0.0.1", port=0, workers=2)
    listener = config.bind_socket()
    try:
        listener.listen(1)
        client = socket.create_connection(listener.getsockname()[:2], timeout=5)
        accepted, _ = listener.accept()
        with client, accepted:
            assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
    finally:
        listener.close()


def test_uvicorns_own_worker_socket_would_not() -> None:
    """The defect worked around is real. When this fails, uvicorn has fixed #3149: drop NoDelayConfig."""
    import uvicorn

    listener = uvicorn.Config("search.api.app:create_app_from_env", factory=True, host="127.0.0.1", port=0,
                              workers=2).bind_socket()
    try:
        listener.listen(1)
        client = socket.create_connection(listener.getsockname()[:2], timeout=5)
        accepted, _ = listener.accept()
        with client, accepted:
            assert accepted.proto == 0 and not accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
    finally:
        listener.close()
