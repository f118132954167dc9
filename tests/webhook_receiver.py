"""A real webhook receiver on 127.0.0.1 for the watch tests: records every POST, checks its signature.

It can go down (its socket closed: connection refused) and come back on the same
port, as a receiver does in an outage. ``unique()`` is what a receiver that drops
repeats by ``X-Kliping-Delivery`` keeps.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Received:
    key: str
    event: dict[str, Any]
    signed: bool  # the signature verified under the receiver's secret
    at: float  # time.time() when it arrived


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_POST(self) -> None:  # noqa: N802
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        receiver = self.server.receiver
        # checked as a receiver would, with the standard library, not with kliping's own helper
        expected = "sha256=" + hmac.new(receiver.secret.encode(), body, hashlib.sha256).hexdigest()
        signed = hmac.compare_digest(expected, self.headers.get("X-Kliping-Signature", ""))
        with receiver.lock:
            receiver.received.append(Received(self.headers.get("X-Kliping-Delivery", ""), json.loads(body), signed,
                                              time.time()))
        time.sleep(receiver.delay)
        self.send_response(receiver.status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _Server(ThreadingHTTPServer):
    allow_reuse_address = True
    daemon_threads = True
    receiver: WebhookReceiver


class WebhookReceiver:
    def __init__(self, secret: str, *, status: int = 204, delay: float = 0.0) -> None:
        self.secret = secret
        self.status = status
        self.delay = delay  # seconds between taking a POST and answering it
        self.lock = threading.Lock()
        self.received: list[Received] = []
        self.port = 0
        self._server: _Server | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def start(self) -> WebhookReceiver:
        self._server = _Server(("127.0.0.1", self.port), _Handler)
        self._server.receiver = self
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def events(self) -> list[Received]:
        with self.lock:
            return list(self.received)

    def unique(self) -> dict[str, Received]:
        """One per idempotency key: what a receiver that drops repeats keeps."""
        return {r.key: r for r in self.events()}
