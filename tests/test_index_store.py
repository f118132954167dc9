"""The index beside the archive: catch-up by watermark, rebuild, and refusing an index it cannot read."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_runner import kliping
from whoosh.query import Term

from index.archive import Archive
from index.store import FORMAT_FILE, SearchIndex
from kliping.article import Article
from kliping.errors import IndexDrift, IndexOutdated


def article(n: int) -> Article:
    return Article(url=f"https://contoh.id/{n}", title=f"Berita {n}", body=f"Isi berita nomor {n} tentang banjir.",
                   source="contoh", published="2019-09-01T10:00:00+07:00")


@pytest.fixture
def archive(tmp_path: Path) -> Archive:
    archive = Archive(tmp_path / "archive.sqlite3")
    for n in range(5):
        archive.upsert(article(n))
    return archive


def test_catch_up_indexes_only_what_changed(archive: Archive, tmp_path: Path) -> None:
    index = SearchIndex(tmp_path / "index")
    assert index.catch_up(archive) == 5
    archive.upsert(article(5))
    archive.upsert(Article(**{**article(0).__dict__, "body": "Isi yang diubah."}))
    assert index.catch_up(archive) == 2
    assert index.doc_count() == 6
    assert index.watermark() == archive.max_seq()


def test_a_lost_watermark_repeats_work_but_never_duplicates(archive: Archive, tmp_path: Path) -> None:
    index = SearchIndex(tmp_path / "index")
    index.catch_up(archive)
    (index.path / "kliping-watermark").unlink()
    assert index.catch_up(archive) == 5
    assert index.doc_count() == 5


def test_rebuild_gives_the_same_documents(archive: Archive, tmp_path: Path) -> None:
    index = SearchIndex(tmp_path / "index")
    index.catch_up(archive)
    assert index.rebuild(archive) == 5
    assert index.doc_count() == 5 and not index.path.with_name("index.old").exists()


def test_an_index_of_another_format_is_refused_with_the_fix(archive: Archive, tmp_path: Path) -> None:
    index = SearchIndex(tmp_path / "index")
    index.catch_up(archive)
    (index.path / FORMAT_FILE).write_text("1\n")
    with pytest.raises(IndexOutdated, match="kliping reindex"):
        index.open()


def test_reindex_repairs_an_outdated_index(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text(f"data_dir: {tmp_path / 'data'}\nsources: []\n")
    archive = Archive(tmp_path / "data" / "archive.sqlite3")
    archive.upsert(article(1))
    SearchIndex(tmp_path / "data" / "index").catch_up(archive)
    (tmp_path / "data" / "index" / FORMAT_FILE).unlink()
    refused = kliping(config, "search", "banjir")
    assert refused.returncode == 4 and "kliping reindex" in refused.stderr
    assert kliping(config, "reindex").returncode == 0
    assert kliping(config, "search", "banjir").returncode == 0


def test_two_catch_ups_at_once_index_each_article_once_at_its_newest(archive: Archive, tmp_path: Path) -> None:
    """Two writers (the daemon and an import, say) racing over the same changes."""
    import threading

    for n in range(5, 1200):
        archive.upsert(article(n))
    first, second = SearchIndex(tmp_path / "index"), SearchIndex(tmp_path / "index")
    first.open()
    errors: list[BaseException] = []

    def run(index: SearchIndex) -> None:
        try:
            index.catch_up(archive)
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(ix,)) for ix in (first, second)]
    for thread in threads:
        thread.start()
    archive.upsert(Article(**{**article(3).__dict__, "body": "Isi terbaru tentang gempa."}))
    for thread in threads:
        thread.join()
    first.catch_up(archive)
    assert errors == []
    assert first.doc_count() == archive.count() == 1200
    assert first.watermark() == archive.max_seq()
    with first.open().searcher() as searcher:
        assert [hit["id"] for hit in searcher.search(Term("body", "gempa"))] == [article(3).id]


def copy_of(archive: Archive, path: Path) -> Archive:
    """A copy of the archive as it is now (a backup that may be restored later)."""
    archive.db.execute(f"VACUUM INTO '{path}'")
    return Archive(path)


def test_a_lost_index_with_a_leftover_watermark_indexes_everything_again(archive: Archive, tmp_path: Path) -> None:
    """A partial restore without the index's table of contents: the new index starts from change 0, not the old
    watermark, so every article is searchable again."""
    index = SearchIndex(tmp_path / "index")
    index.catch_up(archive)
    for toc in index.path.glob("_MAIN_*.toc"):
        toc.unlink()
    assert index.drift(archive) and index.drift(archive).repairable  # type: ignore[union-attr]
    archive.upsert(article(5))
    assert index.catch_up(archive) == 6
    assert index.doc_count() == 6 and index.drift(archive) is None


def test_a_search_opening_the_lost_index_first_does_not_keep_the_watermark(archive: Archive, tmp_path: Path) -> None:
    index = SearchIndex(tmp_path / "index")
    index.catch_up(archive)
    for toc in index.path.glob("_MAIN_*.toc"):
        toc.unlink()
    index.open()  # as `kliping search` does
    assert index.watermark() == 0
    assert index.catch_up(archive) == 5 and index.doc_count() == 5


def test_an_index_that_lost_documents_is_caught_up_from_zero(archive: Archive, tmp_path: Path) -> None:
    index = SearchIndex(tmp_path / "index")
    index.catch_up(archive)
    writer = index.writer()
    writer.delete_by_term("id", article(2).id)
    writer.commit()
    assert "lost" in index.drift(archive).reason  # type: ignore[union-attr]
    assert index.catch_up(archive) == 5
    assert index.doc_count() == 5 and index.drift(archive) is None


def test_an_older_copy_of_the_archive_is_refused_until_reindex(archive: Archive, tmp_path: Path) -> None:
    """The archive replaced by an older backup: its new articles would sit under the watermark, never indexed."""
    older = copy_of(archive, tmp_path / "older.sqlite3")
    index = SearchIndex(tmp_path / "index")
    for n in range(5, 9):
        archive.upsert(article(n))
    index.catch_up(archive)
    older.upsert(article(20))
    drift = index.drift(older)
    assert drift and not drift.repairable and "ahead of the archive" in drift.reason
    with pytest.raises(IndexDrift, match="kliping reindex"):
        index.catch_up(older)
    assert index.rebuild(older) == 6
    assert index.drift(older) is None and index.catch_up(older) == 0
    assert index.open().searcher().document(id=article(20).id)


def test_an_older_copy_with_as_many_changes_is_found_by_its_article_count(archive: Archive, tmp_path: Path) -> None:
    older = copy_of(archive, tmp_path / "older.sqlite3")
    index = SearchIndex(tmp_path / "index")
    archive.upsert(article(5))
    index.catch_up(archive)
    older.upsert(Article(**{**article(0).__dict__, "body": "Isi yang diubah."}))  # same max seq, one article fewer
    drift = index.drift(older)
    assert drift and not drift.repairable and "fewer" in drift.reason


def test_an_index_of_another_archive_is_refused(archive: Archive, tmp_path: Path) -> None:
    other = Archive(tmp_path / "other.sqlite3")
    for n in range(10, 17):
        other.upsert(article(n))
    index = SearchIndex(tmp_path / "index")
    index.catch_up(archive)
    assert archive.identity() and archive.identity() != other.identity()
    with pytest.raises(IndexDrift, match="another archive"):
        index.catch_up(other)


def test_an_in_step_index_shows_no_drift(archive: Archive, tmp_path: Path) -> None:
    index = SearchIndex(tmp_path / "index")
    assert index.drift(archive) is None  # not built yet: behind, not drifted
    index.catch_up(archive)
    archive.upsert(article(5))
    assert index.drift(archive) is None
    assert index.built_from()["archive_id"] == archive.identity()


def test_a_multiprocess_batch_replaces_updated_articles_and_adds_new_ones(
        archive: Archive, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Large catch-ups (``kliping import``) add articles new to the index and replace the others."""
    import index.store

    index_ = SearchIndex(tmp_path / "index")
    index_.catch_up(archive)
    monkeypatch.setattr(index.store, "MULTIPROCESS_FROM", 2)
    for n in range(5, 9):
        archive.upsert(article(n))
    archive.upsert(Article(**{**article(1).__dict__, "body": "Isi terbaru tentang gempa."}))
    (index_.path / "kliping-watermark").unlink()  # as if the last commit's watermark was lost: all again
    assert index_.catch_up(archive, batch=100) == 9
    assert index_.doc_count() == archive.count() == 9
    with index_.open().searcher() as searcher:
        assert [hit["id"] for hit in searcher.search(Term("body", "gempa"))] == [article(1).id]
        assert sorted(searcher.document_number(id=article(n).id) is not None for n in range(9)) == [True] * 9


def test_an_article_edited_while_its_batch_is_read_is_indexed_once_at_its_newest(
        archive: Archive, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The batch is read a page at a time: an edit between two pages puts the article in it twice."""
    old = archive.get(article(2).id)
    archive.upsert(Article(**{**article(2).__dict__, "body": "Isi terbaru tentang gempa."}))
    pages = archive.changed_since

    def with_old_copy_first(seq: int, **kwargs):  # type: ignore[no-untyped-def]
        if seq < 1:  # the old copy's change, as an earlier page of the same read returned it
            yield 1, old
        yield from pages(seq, **kwargs)

    monkeypatch.setattr(archive, "changed_since", with_old_copy_first)
    index_ = SearchIndex(tmp_path / "index")
    index_.catch_up(archive)
    assert index_.doc_count() == 5
    with index_.open().searcher() as searcher:
        assert [hit["id"] for hit in searcher.search(Term("body", "gempa"))] == [article(2).id]
