"""E-mail alerts over SMTP (stdlib :mod:`smtplib`): a plain-text message per event.

Optional: only when ``watch.smtp_host`` is set. The idempotency key goes in the
``Message-ID``, so a mail client shows a repeat after a crash as the same message.
"""

from __future__ import annotations

import os
import smtplib
from email.message import EmailMessage
from email.utils import formatdate

from kliping.config import WatchConfig
from kliping.errors import DeliveryFailed

__all__ = ["SMTP_PASSWORD_ENV", "send_mail"]

SMTP_PASSWORD_ENV = "KLIPING_SMTP_PASSWORD"


def send_mail(settings: WatchConfig, to: str, subject: str, text: str, *, key: str) -> None:
    """Send one message; raises DeliveryFailed when there is no SMTP server or it refuses."""
    if not settings.smtp_host:
        raise DeliveryFailed("e-mail alerts need an SMTP server: set watch.smtp_host in config.yaml")
    message = EmailMessage()
    message["From"] = settings.mail_from
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = f"<{key.replace('/', '.')}@kliping>"
    message["X-Kliping-Delivery"] = key
    message.set_content(text)
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=settings.timeout) as smtp:
            if settings.smtp_starttls:
                smtp.starttls()
            if settings.smtp_user:
                smtp.login(settings.smtp_user, os.environ.get(SMTP_PASSWORD_ENV, ""))
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        raise DeliveryFailed(f"e-mail to {to} via {settings.smtp_host}:{settings.smtp_port} failed: "
                             f"{type(exc).__name__}: {exc}") from exc
