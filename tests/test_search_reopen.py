"""Reopening after a commit keeps only the segment readers that commit left exactly as they were."""

from __future__ import annotations

from pathlib import Path

import pytest
from whoosh.searching import Searcher

from index.archive import Archive
from index.store import SearchIndex
from kliping.article import Article
from search.reopen import open_searcher


def _article(n: int, version: int) -> Article:
    return Article(url=f"https://dup.example/{n}", source="dup.example", title=f"Banjir bandang {n}",
                   body=f"Banjir bandang melanda desa {n}. Laporan versi{version}.",
                   published="2019-09-02T10:00:00+07:00")


@pytest.fixture
def store(tmp_path: Path) -> tuple[Archive, SearchIndex]:
    return Archive(tmp_path / "archive.sqlite3"), SearchIndex(tmp_path / "index")


def _commit(store: tuple[Archive, SearchIndex], articles: list[Article]) -> None:
    archive, index = store
    for article in articles:
        archive.upsert(article)
    index.catch_up(archive)


def _leaves(searcher: Searcher) -> dict[str, object]:
    return {leaf.segment().segment_id(): leaf for leaf, _ in list(searcher.reader().leaf_readers())}


def test_unchanged_segments_are_kept_and_segments_with_new_deletions_reopened(store) -> None:  # type: ignore[no-untyped-def]
    _commit(store, [_article(n, 1) for n in range(3)])
    _commit(store, [_article(n, 1) for n in range(3, 6)])
    ix = store[1].open()
    before, generation = open_searcher(ix)
    assert before.doc_count() == 6 and generation == ix.latest_generation()
    old = _leaves(before)
    _commit(store, [_article(0, 2)])  # an edit: a deletion in the first segment, which keeps its id
    after, generation = open_searcher(ix, before)
    new = _leaves(after)
    assert generation == ix.latest_generation()
    assert after.doc_count() == 6 and after.reader().doc_count_all() == 7
    first, second = list(old)
    assert new[second] is old[second]  # unchanged: kept open
    assert new[first] is not old[first] and new[first].has_deletions()  # new deletions: opened afresh
    assert old[first].is_closed and not new[second].is_closed
    assert [fields["url"] for fields in after.documents(id=_article(0, 1).id)] == ["https://dup.example/0"]


def test_segments_merged_away_are_dropped_and_closed(store) -> None:  # type: ignore[no-untyped-def]
    _commit(store, [_article(n, 1) for n in range(3)])
    _commit(store, [_article(n, 2) for n in range(3)])
    ix = store[1].open()
    before, _ = open_searcher(ix)
    assert before.doc_count() == 3 and len(_leaves(before)) == 2
    old = list(_leaves(before).values())
    store[1].writer().commit(optimize=True)
    after, _ = open_searcher(ix, before)
    assert after.doc_count() == after.reader().doc_count_all() == 3 and len(_leaves(after)) == 1
    assert all(leaf.is_closed for leaf in old)


def test_a_reopened_searcher_cannot_be_refreshed_the_whoosh_way(store) -> None:  # type: ignore[no-untyped-def]
    _commit(store, [_article(0, 1)])
    searcher, _ = open_searcher(store[1].open())
    with pytest.raises(Exception, match="No reference to index"):
        searcher.refresh()
