"""The JSON a receiver gets for a watch's match (and for ``kliping watch test --send``)."""

from __future__ import annotations

from typing import Any

from index.watches import Watch
from kliping.article import Article

__all__ = ["SUMMARY_CHARS", "mail_text", "match_event", "test_event"]

#: Characters of the body sent as the summary.
SUMMARY_CHARS = 400


def _article(article: Article) -> dict[str, Any]:
    body = " ".join(article.body.split())
    return {"id": article.id, "url": article.url, "title": article.title, "source": article.source,
            "published": article.published, "authors": list(article.authors), "section": article.section,
            "summary": body[:SUMMARY_CHARS] + ("…" if len(body) > SUMMARY_CHARS else "")}


def match_event(watch: Watch, article: Article, *, key: str, matched_at: str) -> dict[str, Any]:
    """``type: watch.match``: ``id`` is the idempotency key (also in the ``X-Kliping-Delivery`` header)."""
    return {"type": "watch.match", "id": key, "matched_at": matched_at,
            "watch": {"name": watch.name, "query": watch.query, "sources": watch.sources},
            "article": _article(article)}


def test_event(watch: Watch, sample: Article | None, *, key: str, sent_at: str) -> dict[str, Any]:
    """``type: watch.test``: what ``watch test --send`` posts, with the newest matching article if any."""
    return {"type": "watch.test", "id": key, "sent_at": sent_at,
            "watch": {"name": watch.name, "query": watch.query, "sources": watch.sources},
            "article": _article(sample) if sample is not None else None}


def mail_text(event: dict[str, Any]) -> tuple[str, str]:
    """Subject and plain text of an event's e-mail."""
    article = event.get("article") or {}
    name = event["watch"]["name"]
    subject = f"[kliping {name}] {article.get('title') or 'test alert'}"
    lines = [f"Watch {name}: {event['watch']['query']}", ""]
    if article:
        lines += [article["title"], f"{article.get('source') or ''} · {article.get('published') or 'undated'}",
                  article["url"], "", article.get("summary") or ""]
    else:
        lines.append("A test alert: no article matches this watch yet.")
    return subject, "\n".join(lines) + "\n"
