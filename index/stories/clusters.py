"""Story assignment in the archive's own tables, in SQL that SQLite and PostgreSQL share.

An article joins the story of the most similar earlier article from another outlet when enough of its
shingles appear there (containment, the shared shingles over the smaller set: a copy with a paragraph
added or dropped still scores high) and the two were published within a few days of each other. Within
one outlet only a near-identical text joins (the same article under a second URL, a re-run): an outlet's
follow-ups reuse their own background paragraphs, which containment alone would take for copies.
Otherwise an article founds a story of its own, whose id is its own id. Story ids never change once
given, so alerts can fire once per story.

Candidates come from ``story_samples``: every shingle whose hash is 0 modulo :data:`SAMPLE_MOD` (Broder's
MOD-m sample). Unlike MinHash, which estimates Jaccard, a mod sample estimates containment without bias,
and it is an ordinary indexed column, so the lookup is one SQL query in any process, on any database.
Candidates are then checked on their full shingle sets, kept beside the assignment.

The lookup reads at most :data:`ROWS_PER_SAMPLE` articles per sampled shingle. A shingle of boilerplate
("baca berita selengkapnya di ...") is in a share of the whole archive, so without the cap every lookup
grew with the archive; with it, the cost stays flat, and a true copy still shares its story's rare shingles.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np

from index.stories.shingles import overlap, shingles

#: Sample one shingle hash in this many (a 300-word article keeps about 37).
SAMPLE_MOD = 8
#: A candidate shares at least this many sampled shingles.
MIN_SHARED_SAMPLES = 2
#: At most this many candidates (most shared samples first) are checked in full.
MAX_CANDIDATES = 20
#: A sampled shingle contributes at most this many articles to the candidates (a wire story copied by more
#: outlets than this is still found: every article its shingles lead to is one of its copies).
ROWS_PER_SAMPLE = 64
#: Sampled shingles looked up in one statement (SQLite allows 500 terms in a compound SELECT; a text of more
#: than about 3,000 distinct shingles is looked up in parts).
SAMPLES_PER_STATEMENT = 400
#: Join when this share of the smaller article's shingles is in the other one (tuned on the tune half of
#: benchmarks/story_pairs.tsv; see benchmarks/stories.py).
JOIN_CONTAINMENT = 0.35
#: Within one outlet, join only at this Jaccard similarity (read off samples of the 2019 corpus: from 0.6 to 0.8
#: they are still daily reports on gold prices or the rupiah, and follow-ups).
SAME_OUTLET_JACCARD = 0.8
#: A copy that matches members of two stories makes them one (the best match's story id is kept): copies
#: stored in another order than published (an import of one outlet after another) split a story otherwise.
MERGE = True
#: ... when it is a close copy of both (Jaccard): a short article quoting one press statement matched the
#: stories of several others that quote it, and merged a day's smog reports (flights, rain planes) into one.
MERGE_JACCARD = 0.3
#: Bodies with fewer shingles than this are too short to tell a copy from a shared quote: they stay alone.
MIN_SHINGLES = 25
#: Copies appear within days; two articles further apart (both dated) never join.
WINDOW_DAYS = 3.0


@dataclass(frozen=True)
class Assignment:
    """Where an article went: its story, and the member and similarity that put it there (None: founded)."""

    article_id: str
    story_id: str
    matched_id: str | None
    similarity: float | None


def _when(published_utc: str | None) -> datetime | None:
    if not published_utc:
        return None
    try:
        value = datetime.fromisoformat(published_utc)
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _close_in_time(a: datetime | None, b: datetime | None) -> bool:
    return a is None or b is None or abs((a - b).total_seconds()) <= WINDOW_DAYS * 86400


def _found(count: int) -> str:
    """The articles each of ``count`` sampled shingles leads to, at most :data:`ROWS_PER_SAMPLE` each (a plain
    ``IN`` would read every article a boilerplate shingle is in)."""
    each = f"SELECT article_id FROM (SELECT article_id FROM story_samples WHERE hash = ? LIMIT {ROWS_PER_SAMPLE})"
    return " UNION ALL ".join(f"{each} AS s{i}" for i in range(count))


def _candidates(db: sqlite3.Connection, article_id: str, sample: np.ndarray) -> list[str]:
    hashes = sample.tolist()
    if not hashes:
        return []
    if len(hashes) <= SAMPLES_PER_STATEMENT:  # nearly every article: one statement ranks them
        rows = db.execute(
            f"SELECT article_id, COUNT(*) AS shared FROM ({_found(len(hashes))}) AS found WHERE article_id <> ? "
            "GROUP BY article_id HAVING COUNT(*) >= ? ORDER BY shared DESC, article_id LIMIT ?",
            (*hashes, article_id, MIN_SHARED_SAMPLES, MAX_CANDIDATES),
        ).fetchall()
        return [row[0] for row in rows]
    shared: Counter[str] = Counter()  # a very long text: its samples in parts, counted here
    for start in range(0, len(hashes), SAMPLES_PER_STATEMENT):
        part = hashes[start:start + SAMPLES_PER_STATEMENT]
        for found, count in db.execute(f"SELECT article_id, COUNT(*) FROM ({_found(len(part))}) AS found "
                                       "GROUP BY article_id", part):
            shared[found] += count
    shared.pop(article_id, None)
    ranked = sorted((-count, found) for found, count in shared.items() if count >= MIN_SHARED_SAMPLES)
    return [found for _, found in ranked[:MAX_CANDIDATES]]


def _matches(db: sqlite3.Connection, own: np.ndarray, when: datetime | None, source: str | None,
             candidates: list[str]) -> list[tuple[float, str, str, float]]:
    """The (containment, article, story, Jaccard) of every candidate that clears the bar, most similar first."""
    if not candidates:
        return []
    marks = ",".join("?" * len(candidates))
    rows = db.execute(
        "SELECT s.article_id, s.story_id, s.shingles, a.published_utc, a.source FROM stories s "
        f"JOIN articles a ON a.id = s.article_id WHERE s.article_id IN ({marks})", candidates,
    ).fetchall()
    found = []
    for other_id, story_id, blob, published_utc, other_source in rows:
        other = np.frombuffer(blob, dtype="<u4")
        if len(other) < MIN_SHINGLES or not _close_in_time(when, _when(published_utc)):
            continue
        jaccard, containment = overlap(own, other)
        if source is not None and other_source == source and jaccard < SAME_OUTLET_JACCARD:
            continue
        if containment >= JOIN_CONTAINMENT:
            found.append((containment, other_id, story_id, jaccard))
    return sorted(found, reverse=True)


def _hand_over(db: sqlite3.Connection, founder_id: str) -> None:
    """A founder edited out of its story leaves the story to the copy stored first after it (its id is the
    story id the others carry)."""
    heir = db.execute("SELECT article_id FROM stories WHERE story_id = ? AND article_id <> ? "
                      "ORDER BY assigned_at, article_id LIMIT 1", (founder_id, founder_id)).fetchone()
    if heir is not None:
        db.execute("UPDATE stories SET story_id = ? WHERE story_id = ? AND article_id <> ?",
                   (heir[0], founder_id, founder_id))


def _sample(own: np.ndarray) -> np.ndarray:
    return own[own % SAMPLE_MOD == 0]


def _forget_samples(db: sqlite3.Connection, article_id: str) -> None:
    """Delete an article's samples by their keys, from its kept shingles (the table has no article index:
    every upsert would pay to keep one, for the rare edit that reads it)."""
    row = db.execute("SELECT shingles FROM stories WHERE article_id = ?", (article_id,)).fetchone()
    if row is not None:
        old = _sample(np.frombuffer(row[0], dtype="<u4"))
        db.executemany("DELETE FROM story_samples WHERE hash = ? AND article_id = ?",
                       [(h, article_id) for h in old.tolist()])


def assign(db: sqlite3.Connection, article_id: str, body: str, published_utc: str | None,
           source: str | None, *, new: bool = False) -> Assignment:
    """Put one stored (new or edited) article in a story; call inside the transaction that stored it.

    ``new``: the article was never assigned (just inserted, or the tables were cleared), so it has no samples
    to delete and no story to hand over: its own id is no story id yet.
    """
    own = shingles(body)
    if not new:
        _forget_samples(db, article_id)
    sample = _sample(own)
    matches = []
    if len(own) >= MIN_SHINGLES:
        matches = _matches(db, own, _when(published_utc), source, _candidates(db, article_id, sample))
    staying = [m for m in matches if m[2] == article_id]  # an edited founder still like its story's copies
    if staying:
        matches = staying
    elif not new:
        _hand_over(db, article_id)
    if matches:
        similarity, matched_id, story_id, _ = matches[0]
        result = Assignment(article_id, story_id, matched_id, round(similarity, 4))
        if MERGE:
            bridged = (s for _, _, s, jaccard in matches[1:] if s != story_id and jaccard >= MERGE_JACCARD)
            for other_story in dict.fromkeys(bridged):
                db.execute("UPDATE stories SET story_id = ? WHERE story_id = ?", (story_id, other_story))
    else:  # a story of its own
        result = Assignment(article_id, article_id, None, None)
    now = datetime.now(UTC).isoformat(timespec="seconds")
    db.execute(
        "INSERT INTO stories (article_id, story_id, matched_id, similarity, shingles, assigned_at) "
        "VALUES (?,?,?,?,?,?) ON CONFLICT (article_id) DO UPDATE SET story_id = excluded.story_id, "
        "matched_id = excluded.matched_id, similarity = excluded.similarity, shingles = excluded.shingles, "
        "assigned_at = excluded.assigned_at",
        (article_id, result.story_id, result.matched_id, result.similarity, own.astype("<u4").tobytes(), now),
    )
    db.executemany("INSERT INTO story_samples (hash, article_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
                   [(h, article_id) for h in sample.tolist()])
    return result


def clear(db: sqlite3.Connection) -> None:
    """Forget every assignment (before a rebuild)."""
    db.execute("DELETE FROM story_samples")
    db.execute("DELETE FROM stories")
