"""One signed POST of one JSON event: the webhook channel, for watch alerts and any other event.

The body is the event as compact UTF-8 JSON. Headers: ``X-Kliping-Event`` (the
event's ``type``), ``X-Kliping-Delivery`` (the idempotency key: the same for
every retry of the same event, so a receiver drops a repeat that follows a crash
between its answer and our bookkeeping) and, with a secret, ``X-Kliping-Signature``.
Any 2xx is delivered; anything else raises :class:`~kliping.errors.DeliveryFailed`
for the caller to retry.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import httpx

from ingest.alerts.signing import SIGNATURE_HEADER, sign
from kliping.errors import DeliveryFailed

__all__ = ["DELIVERY_HEADER", "EVENT_HEADER", "encode_event", "post_event"]

log = logging.getLogger(__name__)

EVENT_HEADER = "X-Kliping-Event"
DELIVERY_HEADER = "X-Kliping-Delivery"
USER_AGENT = "kliping-webhook/1"


def encode_event(event: dict[str, Any]) -> bytes:
    """The exact bytes sent (and signed)."""
    return json.dumps(event, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")


def post_event(url: str, event: dict[str, Any], *, key: str, secret: str | None, timeout: float = 10.0,
               client: httpx.Client | None = None) -> None:
    """POST ``event`` to ``url``; raises DeliveryFailed unless the receiver answers 2xx."""
    body = encode_event(event)
    headers = {"Content-Type": "application/json; charset=utf-8", "User-Agent": USER_AGENT,
               EVENT_HEADER: str(event.get("type", "event")), DELIVERY_HEADER: key}
    if secret:
        headers[SIGNATURE_HEADER] = sign(body, secret)
    try:
        if client is not None:
            response = client.post(url, content=body, headers=headers, timeout=timeout)
        else:
            with httpx.Client(timeout=timeout, follow_redirects=False) as own:
                response = own.post(url, content=body, headers=headers)
    except httpx.HTTPError as exc:
        raise DeliveryFailed(f"webhook {url} unreachable: {type(exc).__name__}: {exc}") from exc
    if not 200 <= response.status_code < 300:
        raise DeliveryFailed(f"webhook {url} answered {response.status_code} {response.reason_phrase}")
    log.debug("event=webhook_delivered url=%s key=%s status=%d", url, key, response.status_code)
