"""The index beside the archive: catch-up by watermark, rebuild, and refusing an index it cannot read."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_runner import kliping
from whoosh.query import Term

from index.archive import Archive
from index.store import FORMAT_FILE, SearchIndex
from ingest.article import Article
from kliping.errors import IndexOutdated


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
