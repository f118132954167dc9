"""What "the same alert" means: one function, so the ledger can change its grain in one place."""

from __future__ import annotations

import hashlib

from kliping.article import Article

__all__ = ["delivery_key", "story_key"]


def story_key(article: Article, story_id: str | None) -> str:
    """The ledger key of an article: a watch alerts once per key.

    It is the article's story (its syndication cluster, ``index/stories``), so a
    story carried by five outlets alerts a watch once, by its first matching copy;
    an article with no story yet (stored before stories existed, until
    ``kliping stories rebuild``) is its own.
    """
    return story_id or article.id


def delivery_key(watch: str, created_at: str, key: str) -> str:
    """The idempotency key a receiver sees (``X-Kliping-Delivery``, the event's ``id``): the same on every
    retry of one alert, different for a watch removed and made again under the same name."""
    digest = hashlib.sha256(f"{watch}\0{created_at}\0{key}".encode()).hexdigest()[:24]
    return f"{watch}-{digest}"
