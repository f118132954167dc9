"""HMAC-SHA256 signatures of webhook bodies, as GitHub and Stripe sign theirs.

The receiver recomputes ``HMAC-SHA256(secret, raw body)`` and compares it in
constant time with the ``X-Kliping-Signature: sha256=<hex>`` header, so it knows
the event came from this archive and was not changed on the way.
"""

from __future__ import annotations

import hashlib
import hmac
import os

__all__ = ["SECRET_ENV", "SIGNATURE_HEADER", "resolve_secret", "sign", "verify"]

SIGNATURE_HEADER = "X-Kliping-Signature"
SECRET_ENV = "KLIPING_WATCH_SECRET"


def resolve_secret(configured: str | None) -> str | None:
    """``KLIPING_WATCH_SECRET`` wins over ``watch.secret``; empty means unsigned."""
    return os.environ.get(SECRET_ENV) or configured or None


def sign(body: bytes, secret: str) -> str:
    """The header value for ``body``: ``sha256=<hex digest>``."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def verify(body: bytes, secret: str, header: str | None) -> bool:
    """Whether ``header`` is the signature of ``body`` under ``secret`` (constant-time)."""
    return header is not None and hmac.compare_digest(sign(body, secret), header.strip())
