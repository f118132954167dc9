"""Watches over a real archive and index: what matches, once, and never ahead of the index."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.archive import Archive
from index.store import SearchIndex
from index.watches import Watch, WatchStore
from kliping.article import Article
from kliping.errors import NoSuchWatch, WatchError
from kliping.watch.matcher import WatchMatcher

FILLER = ("Petugas setempat mendirikan posko darurat dan membagikan makanan kepada warga yang terdampak, "
          "sementara pemerintah daerah menyiapkan anggaran tambahan untuk pemulihan.")


def article(i: int, text: str, source: str = "lokal") -> Article:
    return Article(url=f"https://lokal.test/berita/{i}", title=f"Berita {i}: {text}", body=f"{text}. {FILLER}",
                   source=source, published="2026-12-01T10:00:00+07:00")


@pytest.fixture(params=["sqlite", "postgres"])
def parts(request: pytest.FixtureRequest, tmp_path: Path):  # type: ignore[no-untyped-def]
    where = request.getfixturevalue("pg_url") if request.param == "postgres" else tmp_path / "archive.sqlite3"
    archive = Archive(where)
    index = SearchIndex(tmp_path / "index")
    archive.upsert(article(0, "cuaca cerah di kota"))
    index.catch_up(archive)
    store = WatchStore(archive)
    matcher = WatchMatcher(store, archive, index)
    yield archive, index, store, matcher
    matcher.close()
    archive.close()


def matched(store: WatchStore, name: str) -> list[str]:
    rows = store.archive.db.execute("SELECT article_id FROM watch_matches WHERE watch = ? ORDER BY seq", (name,))
    return [row[0] for row in rows]


def test_a_watch_alerts_only_on_articles_archived_after_it_and_holding_every_word(parts) -> None:  # type: ignore[no-untyped-def]
    archive, index, store, matcher = parts
    archive.upsert(article(1, "gempa bumi guncang Cianjur"))  # before the watch: never alerts
    index.catch_up(archive)
    store.add(Watch(name="gempa", query="gempa bumi"))
    news = [article(2, "gempa bumi di Palu"), article(3, "gempa politik di parlemen"), article(4, "bumi makin panas"),
            article(5, "Gempa Bumi susulan")]
    for a in news:
        archive.upsert(a)
    index.catch_up(archive)
    assert matcher.check() == 2
    assert matched(store, "gempa") == [news[0].id, news[3].id]  # both words, in any case; one word is not enough
    assert store.get("gempa").watermark == archive.max_seq()


def test_a_check_never_runs_ahead_of_the_index(parts) -> None:  # type: ignore[no-untyped-def]
    archive, index, store, matcher = parts
    store.add(Watch(name="banjir", query="banjir"))
    mark = store.get("banjir").watermark
    archive.upsert(article(1, "banjir rob di pesisir"))  # archived, not indexed yet
    assert matcher.check() == 0
    assert store.get("banjir").watermark == mark, "the watermark must wait for the index"
    index.catch_up(archive)
    assert matcher.check() == 1
    assert matched(store, "banjir") == [article(1, "").id]


def test_an_edited_or_rechecked_article_alerts_once(parts) -> None:  # type: ignore[no-untyped-def]
    archive, index, store, matcher = parts
    store.add(Watch(name="banjir", query="banjir", webhook="http://127.0.0.1:9/hook"))
    archive.upsert(article(1, "banjir rob di pesisir"))
    index.catch_up(archive)
    assert matcher.check() == 1
    assert matcher.check() == 0
    archive.upsert(article(1, "banjir rob di pesisir utara meluas"))  # an edit: a new seq, the same story
    index.catch_up(archive)
    assert matcher.check() == 0
    store.record_check(store.get("banjir"), archive.max_seq(), [])  # a repeated check of an old range
    assert matched(store, "banjir") == [article(1, "").id]
    assert store.stats()["banjir"]["pending"] == 1


def test_sources_narrow_a_watch(parts) -> None:  # type: ignore[no-untyped-def]
    archive, index, store, matcher = parts
    store.add(Watch(name="banjir-kompas", query="banjir", sources=["kompas"]))
    archive.upsert(article(1, "banjir di Bekasi", source="detik"))
    archive.upsert(article(2, "banjir di Bogor", source="kompas"))
    index.catch_up(archive)
    assert matcher.check() == 1
    assert matched(store, "banjir-kompas") == [article(2, "").id]


def test_many_new_articles_are_checked_in_batches(parts, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    archive, index, store, _ = parts
    matcher = WatchMatcher(store, archive, index, batch=7)
    store.add(Watch(name="pemilu", query="pemilu"))
    for i in range(1, 41):
        archive.upsert(article(i, "pemilu serentak" if i % 3 == 0 else "harga cabai naik"))
    index.catch_up(archive)
    assert matcher.check() == 13
    assert len(set(matched(store, "pemilu"))) == 13
    matcher.close()


def test_watch_names_and_duplicates_are_refused_with_the_fix(parts) -> None:  # type: ignore[no-untyped-def]
    _, _, store, _ = parts
    with pytest.raises(WatchError, match="not a watch name"):
        store.add(Watch(name="bad name/x", query="banjir"))
    store.add(Watch(name="banjir", query="banjir"))
    with pytest.raises(WatchError, match="kliping watch rm banjir"):
        store.add(Watch(name="banjir", query="gempa"))
    with pytest.raises(NoSuchWatch, match="watches: banjir"):
        store.get("gempa")
    store.remove("banjir")
    assert store.all() == []
    with pytest.raises(NoSuchWatch):
        store.remove("banjir")


def test_a_watch_removed_during_a_check_records_nothing(parts) -> None:  # type: ignore[no-untyped-def]
    archive, index, store, matcher = parts
    watch = store.add(Watch(name="banjir", query="banjir", webhook="http://127.0.0.1:9/hook"))
    archive.upsert(article(1, "banjir rob"))
    index.catch_up(archive)
    store.remove("banjir")
    store.add(Watch(name="banjir", query="banjir"))  # made again: a different watch under the same name
    from index.watches import Match

    assert store.record_check(watch, archive.max_seq(), [Match(article(1, "").id, article(1, "").id, 2)]) == 0
    assert matched(store, "banjir") == []


def test_watches_at_different_watermarks_and_a_failing_one_in_one_check(parts) -> None:  # type: ignore[no-untyped-def]
    archive, index, store, matcher = parts
    store.add(Watch(name="lama", query="banjir"))
    archive.upsert(article(1, "banjir rob"))
    index.catch_up(archive)
    store.add(Watch(name="baru", query="banjir"))  # added after article 1: never alerts on it
    store.add(Watch(name="rusak", query="b*"))  # a wildcard too broad for the engine: fails every check
    archive.upsert(article(2, "banjir bandang"))
    index.catch_up(archive)
    assert matcher.check() == 3
    assert matched(store, "lama") == [article(1, "").id, article(2, "").id]
    assert matched(store, "baru") == [article(2, "").id]
    assert store.get("rusak").watermark < archive.max_seq(), "a failing watch keeps its place"
    assert store.get("baru").watermark == store.get("lama").watermark == archive.max_seq()


def test_a_story_carried_by_several_outlets_alerts_once(parts) -> None:  # type: ignore[no-untyped-def]
    """Copies of one story (index/stories clusters them as they are stored) share a ledger key: the watch
    alerts on one copy, not once per outlet; a different story alerts on its own."""
    from corpus import corpus_records

    archive, index, store, matcher = parts
    first, other = list(corpus_records(2, every=97))
    store.add(Watch(name="semua", query="*"))
    original = Article(url="https://kompas.test/read/1", source="kompas.test", title=first["title"],
                       body=first["body"], published="2019-09-19T10:00:00+07:00")
    copy = Article(url="https://tribun.test/news/1", source="tribun.test", title="Judul Lain untuk Berita yang Sama",
                   body=first["body"] + "\n\nEditor: Ahmad Fauzi", published="2019-09-19T12:30:00+07:00")
    different = Article(url="https://kompas.test/read/2", source="kompas.test", title=other["title"],
                        body=other["body"], published="2019-09-19T11:00:00+07:00")
    for a in (original, copy, different):
        archive.upsert(a)
    stories = archive.story_ids([original.id, copy.id, different.id])
    assert stories[original.id] == stories[copy.id] != stories[different.id]
    index.catch_up(archive)
    matcher.check()
    got = matched(store, "semua")
    assert len(got) == 2 and different.id in got and len({original.id, copy.id} & set(got)) == 1, got
