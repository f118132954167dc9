"""Sending events out: a signed webhook POST of any JSON event, and e-mail over SMTP.

Watches (``kliping.watch``) send their alerts through here, and so may any other
part that has news for a receiver (source-health alarms): :func:`post_event`
takes any JSON-able event. Nothing here remembers what was sent; the callers'
ledgers do (see ``index/watches.py``).
"""

from ingest.alerts.signing import SIGNATURE_HEADER, sign, verify
from ingest.alerts.webhook import post_event

__all__ = ["SIGNATURE_HEADER", "post_event", "sign", "verify"]
