"""An import's index follows its store (index/follow.py): whole batches while storing, the rest after.

Real archive, real Whoosh index, a real thread: what the follower indexed plus the last catch-up is every
article once, and an index it cannot write ends only the following, not the store.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from index.archive import Archive
from index.follow import Follower
from index.store import FORMAT_FILE, SearchIndex
from kliping.article import Article
from kliping.errors import IndexOutdated

BATCH = 25


def article(n: int) -> Article:
    return Article(url=f"https://contoh.id/{n}", title=f"Berita {n}", body=f"Isi berita nomor {n} tentang banjir.",
                   source="contoh", published="2019-09-01T10:00:00+07:00")


def wait_for(condition, seconds: float = 20.0) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def test_whole_batches_are_indexed_while_storing_and_the_rest_after(tmp_path: Path) -> None:
    archive = Archive(tmp_path / "archive.sqlite3")
    index = SearchIndex(tmp_path / "index")
    with Follower(index, archive, batch=BATCH) as follower, archive.batch(size=10, on_commit=follower.poke):
        for n in range(60):
            archive.upsert(article(n))
        # two whole batches are committed (the 60th article waits for the next commit): they get indexed
        # while this store is still open
        assert wait_for(lambda: follower.indexed == 2 * BATCH), follower.indexed
        for n in range(60, 110):
            archive.upsert(article(n))
    assert follower.error is None
    assert follower.indexed % BATCH == 0 and follower.indexed >= 2 * BATCH  # never a partial batch
    rest = index.catch_up(archive, batch=BATCH)
    assert follower.indexed + rest == 110
    assert index.doc_count() == 110 and index.watermark() == archive.max_seq()
    assert index.drift(archive) is None


def test_an_index_it_cannot_write_stops_the_following_not_the_store(tmp_path: Path) -> None:
    archive = Archive(tmp_path / "archive.sqlite3")
    archive.upsert(article(0))
    index = SearchIndex(tmp_path / "index")
    index.catch_up(archive)
    (index.path / FORMAT_FILE).write_text("1\n")  # built by another version: refused
    with Follower(index, archive, batch=BATCH) as follower, archive.batch(size=10, on_commit=follower.poke):
        for n in range(1, 60):
            archive.upsert(article(n))
        assert wait_for(lambda: follower.error is not None)
    assert isinstance(follower.error, IndexOutdated) and follower.indexed == 0
    assert archive.count() == 60  # every article stored
    with pytest.raises(IndexOutdated, match="kliping reindex"):  # the import's own catch-up reports it
        index.catch_up(archive, batch=BATCH)


def test_stopping_with_nothing_to_index_ends_at_once(tmp_path: Path) -> None:
    archive = Archive(tmp_path / "archive.sqlite3")
    follower = Follower(SearchIndex(tmp_path / "index"), archive, batch=BATCH)
    with follower:
        follower.poke()  # nothing committed: nothing indexed, no empty segment
    assert follower.indexed == 0 and follower.error is None
    assert not follower._thread.is_alive()
