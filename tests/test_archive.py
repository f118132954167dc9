"""The archive, on SQLite and on PostgreSQL alike: one row per canonical URL, edits kept, nothing half-written."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from index.archive import Archive
from kliping.article import Article
from kliping.errors import ArchiveError


def make(url: str = "https://example.id/a", body: str = "Satu.\n\nDua.", **kw) -> Article:  # type: ignore[no-untyped-def]
    return Article(
        url=url,
        title=kw.pop("title", "Judul"),
        body=body,
        source="contoh",
        published="2021-12-31T08:12:00+07:00",
        **kw,
    )


@pytest.fixture(params=["sqlite", "postgres"])
def archive(request: pytest.FixtureRequest, tmp_path: Path) -> Archive:
    if request.param == "postgres":
        return Archive(request.getfixturevalue("pg_url"))
    return Archive(tmp_path / "archive.sqlite3")


def test_first_store_is_new_then_unchanged(archive: Archive) -> None:
    assert archive.upsert(make()) == "new"
    assert archive.upsert(make()) == "unchanged"
    assert archive.count() == 1


def test_an_edit_updates_in_place_and_keeps_the_old_version(archive: Archive) -> None:
    archive.upsert(make(body="Versi lama."))
    assert archive.upsert(make(body="Versi baru.")) == "updated"
    assert archive.count() == 1
    article = archive.get_by_url("https://example.id/a")
    assert article is not None and article.body == "Versi baru."
    versions = archive.versions(article.id)
    assert [v["body"] for v in versions] == ["Versi lama."]


def test_every_change_advances_the_sequence(archive: Archive) -> None:
    archive.upsert(make("https://example.id/1"))
    archive.upsert(make("https://example.id/2"))
    archive.upsert(make("https://example.id/1", body="diubah"))
    changed = [(seq, a.url) for seq, a in archive.changed_since(1)]
    assert changed == [(2, "https://example.id/2"), (3, "https://example.id/1")]


def test_round_trip_keeps_every_field(archive: Archive) -> None:
    article = make(authors=["Arga Sumantri", "Dewi"], section="dunia", editor="AHL")
    archive.upsert(article)
    assert archive.get(article.id) == article


@pytest.mark.parametrize("bad", [make(url=""), make(title=""), make(body="  ")])
def test_incomplete_articles_are_refused(archive: Archive, bad: Article) -> None:
    with pytest.raises(ArchiveError):
        archive.upsert(bad)
    assert archive.count() == 0


def test_pages_remember_attempts(archive: Archive) -> None:
    archive.record_page("https://example.id/x", "contoh", "failed", reason="HTTP 500")
    archive.record_page("https://example.id/x", "contoh", "failed", reason="HTTP 500")
    state = archive.page_state("https://example.id/x")
    assert state is not None and state["attempts"] == 2 and state["reason"] == "HTTP 500"


def test_validators_round_trip(archive: Archive) -> None:
    assert archive.get_validators("https://example.id/feed") == (None, None)
    archive.put_validators("https://example.id/feed", '"abc"', "Fri, 31 Dec 2021 01:00:00 GMT")
    assert archive.get_validators("https://example.id/feed") == ('"abc"', "Fri, 31 Dec 2021 01:00:00 GMT")


def test_last_run_per_source(archive: Archive) -> None:
    archive.record_run("contoh", "2021-12-31T00:00:00", {"found": 3, "new": 2, "errors": []})
    archive.record_run(
        "contoh", "2021-12-31T01:00:00", {"found": 1, "failed": 1, "errors": [{"url": "u", "reason": "boom"}]}
    )
    run = archive.last_runs()["contoh"]
    assert run["found"] == 1 and run["errors"][0]["reason"] == "boom"


def test_readonly_archive_that_does_not_exist_says_what_to_run(tmp_path: Path) -> None:
    with pytest.raises(ArchiveError, match="kliping crawl"):
        Archive(tmp_path / "missing.sqlite3", readonly=True)


def test_a_failed_write_leaves_nothing_half_written(
    archive: Archive, monkeypatch: pytest.MonkeyPatch
) -> None:
    archive.upsert(make(body="Asli."))
    original = archive._values

    def broken(article: Article):  # type: ignore[no-untyped-def]
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(archive, "_values", broken)
    with pytest.raises(ArchiveError, match="disk I/O error"):
        archive.upsert(make(body="Baru."))
    monkeypatch.setattr(archive, "_values", original)
    stored = archive.get_by_url("https://example.id/a")
    assert stored is not None and stored.body == "Asli."
    assert archive.versions(stored.id) == []


def test_a_nul_character_in_the_text_does_not_stop_the_archive(archive: Archive) -> None:
    """PostgreSQL's text cannot hold NUL: it is dropped there, where SQLite keeps it; either way it is stored."""
    assert archive.upsert(make(url="https://example.id/nul", body="Satu.\x00\n\nDua.")) == "new"
    stored = archive.get_by_url("https://example.id/nul")
    assert stored is not None and stored.body.replace("\x00", "") == "Satu.\n\nDua."


# -- batches (kliping import): several upserts per transaction --------------------------------------------

def test_a_batch_stores_what_single_upserts_store(tmp_path: Path) -> None:
    articles = [make(url=f"https://example.id/{i}", body=f"Berita nomor {i}.\n\nIsi {i % 3}.") for i in range(7)]
    articles.append(make(url="https://example.id/2", body="Berita nomor 2, diubah.\n\nIsi."))  # an edit
    alone, batched = Archive(tmp_path / "alone.sqlite3"), Archive(tmp_path / "batched.sqlite3")
    outcomes = [alone.upsert(a) for a in articles]
    commits: list[int] = []
    with batched.batch(size=3, on_commit=lambda: commits.append(batched.count())):
        assert [batched.upsert(a) for a in articles] == outcomes
        assert not commits or commits[-1] < len(articles) - 1  # the last ones wait for the block's end
    assert commits and commits[-1] == 7  # 7 URLs; 3 + 3 committed on the way, the rest at the end
    assert len(commits) == 3
    for url in (a.url for a in articles):
        assert batched.get_by_url(url) == alone.get_by_url(url)
    assert batched.versions(articles[-1].id) and len(batched.versions(articles[-1].id)) == 1
    assert [seq for seq, _ in batched.changed_since(0)] == [seq for seq, _ in alone.changed_since(0)]


def test_a_batch_keeps_what_was_stored_when_it_ends_by_an_error(tmp_path: Path) -> None:
    path = tmp_path / "archive.sqlite3"
    archive = Archive(path)
    with pytest.raises(KeyboardInterrupt), archive.batch(size=100):
        archive.upsert(make(url="https://example.id/1"))
        archive.upsert(make(url="https://example.id/2"))
        raise KeyboardInterrupt
    other = Archive(path, readonly=True)  # another connection sees them: committed
    assert other.count() == 2
    assert not archive.db.in_transaction


def test_an_upsert_that_fails_in_a_batch_leaves_nothing_and_the_others_stay(tmp_path: Path,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from index.stories import clusters

    archive = Archive(tmp_path / "archive.sqlite3")
    real = clusters.assign

    def assign(db, article_id, body, *args, **kwargs):  # type: ignore[no-untyped-def]
        if "gagal" in body:
            raise sqlite3.OperationalError("simulated failure after the article row was written")
        return real(db, article_id, body, *args, **kwargs)

    monkeypatch.setattr(clusters, "assign", assign)
    with archive.batch(size=100):
        archive.upsert(make(url="https://example.id/1"))
        with pytest.raises(ArchiveError, match="simulated failure"):
            archive.upsert(make(url="https://example.id/2", body="Ini gagal.\n\nSekali."))
        archive.upsert(make(url="https://example.id/3"))
    assert archive.count() == 2
    assert archive.get_by_url("https://example.id/2") is None
    assert archive.story_ids([make(url="https://example.id/2").id]) == {}


def test_another_write_amid_a_batch_commits_the_batch_first(tmp_path: Path) -> None:
    archive = Archive(tmp_path / "archive.sqlite3")
    commits: list[int] = []
    with archive.batch(size=100, on_commit=lambda: commits.append(1)):
        archive.upsert(make(url="https://example.id/1"))
        archive.record_page("https://example.id/1", "contoh", "stored")
        assert commits == [1]
        archive.upsert(make(url="https://example.id/2"))
    assert commits == [1, 1] and archive.count() == 2
    assert archive.page_state("https://example.id/1") is not None


def test_a_batch_on_either_backend_stores_everything_and_says_when_it_committed(archive: Archive) -> None:
    returned: list[str] = []
    committed: list[int] = []  # how many returned outcomes each on_commit call found durable
    with archive.batch(on_commit=lambda: committed.append(len(returned))):
        for url in ("https://example.id/1", "https://example.id/2", "https://example.id/1"):
            returned.append(archive.upsert(make(url=url)))
    assert returned == ["new", "new", "unchanged"] and archive.count() == 2
    # SQLite: one commit for the three at the end; PostgreSQL: each upsert is its own transaction
    assert committed == ([3] if archive.backend == "sqlite" else [1, 2, 3])
