"""The article record: what extraction produces and the archive keeps.

One plain dataclass travels the whole pipeline (extract -> archive -> index ->
search), so every stage agrees on the same keys as ``kliping extract --json``.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from typing import Any

PARAGRAPH_SEPARATOR = "\n\n"


def article_id(url: str) -> str:
    """A short stable id for an article, derived from its canonical URL."""
    return hashlib.sha1(url.encode("utf-8")).hexdigest()[:16]


@dataclass
class Article:
    """A cleaned news article.

    ``body`` holds the paragraphs in reading order, separated by a blank line.
    ``published`` is ISO 8601: with an offset when the page gives a time
    (``2021-12-31T08:12:00+07:00``), a bare date (``2021-12-31``) when it gives
    only a day, ``None`` when it gives nothing.
    """

    url: str
    title: str
    body: str
    source: str | None = None
    published: str | None = None
    authors: list[str] = field(default_factory=list)
    section: str | None = None
    editor: str | None = None
    language: str | None = None
    fetched_at: str | None = None

    @property
    def id(self) -> str:
        return article_id(self.url)

    @property
    def author(self) -> str | None:
        """All bylines joined, or None: the flat form search and CSV use."""
        return ", ".join(self.authors) if self.authors else None

    @property
    def paragraphs(self) -> list[str]:
        return [p for p in self.body.split(PARAGRAPH_SEPARATOR) if p.strip()]

    @property
    def content_hash(self) -> str:
        """Hash of what a reader sees; a change means the article was edited."""
        text = "\x1f".join([self.title, self.body, self.published or "", self.author or ""])
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["id"] = self.id
        data["author"] = self.author
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Article:
        """Build from a ``kliping extract --json`` object (or a close cousin).

        Accepts ``body`` as a string or a list of paragraphs, and ``author`` as
        a string or ``authors`` as a list. Unknown keys are ignored.
        """
        body = data.get("body") or ""
        if not isinstance(body, str | list):
            raise ValueError(f"'body' should be text or a list of paragraphs, not {_kind(body)}")
        if isinstance(body, list):
            body = PARAGRAPH_SEPARATOR.join(str(p).strip() for p in body if str(p).strip())
        authors = data.get("authors")
        if authors and not isinstance(authors, list):
            raise ValueError(f"'authors' should be a list of names, not {_kind(authors)}")
        if not authors:
            author = data.get("author")
            if isinstance(author, list):
                authors = [str(a) for a in author if a]
            elif author:
                authors = [str(author)]
            else:
                authors = []
        return cls(
            url=str(data.get("url") or ""),
            title=str(data.get("title") or ""),
            body=str(body),
            source=_text(data, "source") or _text(data, "site"),
            published=_text(data, "published"),
            authors=[str(a) for a in authors],
            section=_text(data, "section"),
            editor=_text(data, "editor"),
            language=_text(data, "language"),
            fetched_at=_text(data, "fetched_at"),
        )


def _kind(value: Any) -> str:
    return f"{type(value).__name__} {value!r}"[:80]


def _text(data: dict[str, Any], key: str) -> str | None:
    """A text field of a record, or None; a number or list there is the record's mistake, said as such."""
    value = data.get(key)
    if value is None or isinstance(value, str):
        return value or None
    hint = " (an ISO 8601 date, e.g. 2021-12-31T08:12:00+07:00)" if key in ("published", "fetched_at") else ""
    raise ValueError(f"{key!r} should be text{hint}, not {_kind(value)}")
