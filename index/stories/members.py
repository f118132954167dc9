"""Reading stories back: an article's story, its members, its first-published copy, stories for a page."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Member:
    """One copy of a story."""

    article_id: str
    source: str | None
    title: str
    url: str
    published: str | None
    similarity: float | None  # containment with the member it matched on joining (None: the founder)


@dataclass(frozen=True)
class Story:
    """A story and its copies, first published first (undated copies last)."""

    story_id: str
    members: list[Member] = field(default_factory=list)

    @property
    def first_published(self) -> Member:
        return self.members[0]

    @property
    def sources(self) -> list[str]:
        """Each outlet once, in the order they published."""
        return list(dict.fromkeys(m.source or "" for m in self.members))


def members(db: sqlite3.Connection, story_ids: list[str]) -> dict[str, Story]:
    """The stories with these ids, members ordered by publish time (UTC), undated last, then by id."""
    if not story_ids:
        return {}
    marks = ",".join("?" * len(set(story_ids)))
    try:
        rows = db.execute(
            "SELECT s.story_id, a.id, a.source, a.title, a.url, a.published, s.similarity, "
            "CASE WHEN a.published_utc IS NULL THEN 1 ELSE 0 END AS undated "
            f"FROM stories s JOIN articles a ON a.id = s.article_id WHERE s.story_id IN ({marks}) "
            "ORDER BY s.story_id, undated, a.published_utc, a.id", list(dict.fromkeys(story_ids)),
        ).fetchall()
    except sqlite3.OperationalError:  # an archive from before stories, opened read-only: no table yet
        return {}
    found: dict[str, list[Member]] = {}
    for row in rows:
        found.setdefault(row[0], []).append(Member(row[1], row[2], row[3], row[4], row[5], row[6]))
    return {story_id: Story(story_id, group) for story_id, group in found.items()}


def story_ids(db: sqlite3.Connection, article_ids: list[str]) -> dict[str, str]:
    """Each article's story id; an article not yet assigned (an archive from before stories) is missing."""
    if not article_ids:
        return {}
    marks = ",".join("?" * len(article_ids))
    try:
        rows = db.execute(f"SELECT article_id, story_id FROM stories WHERE article_id IN ({marks})",
                          article_ids).fetchall()
    except sqlite3.OperationalError:  # an archive from before stories, opened read-only: no table yet
        return {}
    return {row[0]: row[1] for row in rows}
