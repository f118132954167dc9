"""End to end: crawl a local news site of real pages, then search what was kept.

Everything runs for real: the ``kliping`` command as a process, HTTP on
127.0.0.1, the SQLite archive and the Whoosh index.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_runner import kliping, kliping_json
from newssite import NewsSite

from index.archive import Archive
from index.dates import to_wib_naive


def source(site: NewsSite, **extra: object) -> dict:  # type: ignore[type-arg]
    return {"name": "lokal", "feeds": [site.feed_url], "sitemaps": [site.sitemap_url], **extra}


@pytest.fixture
def crawled(news_site: NewsSite, make_config):  # type: ignore[no-untyped-def]
    """All gold pages published and crawled once."""
    for page in news_site.gold_pages():
        news_site.publish(page)
    config = make_config([source(news_site)])
    summary = kliping_json(config, "crawl")
    return news_site, config, summary


def test_every_real_page_is_stored_once(crawled) -> None:  # type: ignore[no-untyped-def]
    site, config, summary = crawled
    run = summary["sources"][0]
    pages = len(site.gold_pages())
    assert run["found"] == pages
    assert run["new"] == pages, run["errors"]
    assert run["failed"] == 0
    status = kliping_json(config, "status")
    assert status["archive"]["articles"] == pages
    assert status["index"]["documents"] == pages


def test_search_finds_an_article_by_words_of_its_body(crawled) -> None:  # type: ignore[no-untyped-def]
    site, config, _ = crawled
    for page in site.gold_pages()[::5]:
        gold = site.gold(page)
        words = " ".join(gold["body"][1].split()[2:6])
        found = kliping_json(config, "search", f'"{words}"', "--limit", "5")
        assert gold["title"] in [hit["title"] for hit in found["hits"]], (words, gold["title"])


def test_search_by_date_range(crawled) -> None:  # type: ignore[no-untyped-def]
    site, config, _ = crawled
    day = "2016-02-16"
    expected = {site.gold(p)["title"] for p in site.gold_pages()
                if (site.gold(p)["published"] or "")[:10] == day}
    assert expected, "the shared pages have articles from 2016-02-16"
    found = kliping_json(config, "search", "*:*", "--from", day, "--to", day, "--limit", "50")
    assert {hit["title"] for hit in found["hits"]} == expected
    for hit in found["hits"]:
        assert str(to_wib_naive(hit["published"]))[:10] == day


def test_a_second_crawl_adds_nothing(crawled) -> None:  # type: ignore[no-untyped-def]
    site, config, _ = crawled
    before = site.site.count("/rss.xml")
    again = kliping_json(config, "crawl")["sources"][0]
    assert (again["new"], again["updated"], again["failed"]) == (0, 0, 0)
    assert again["known"] == len(site.gold_pages())
    assert site.site.count("/rss.xml") == before + 1
    assert kliping_json(config, "status")["archive"]["articles"] == len(site.gold_pages())


def test_robots_disallowed_page_is_skipped_never_requested_and_no_failure(news_site: NewsSite, make_config) -> None:  # type: ignore[no-untyped-def]
    page = news_site.gold_pages()[0]
    news_site.publish(page)
    news_site.publish(page, path="/private/rahasia.html")
    config = make_config([source(news_site)])
    run = kliping_json(config, "crawl")["sources"][0]  # exit 0: a skip is no failure
    assert (run["new"], run["skipped_robots"], run["failed"], run["errors"]) == (1, 1, 0, [])
    again = kliping(config, "crawl")  # every run: skipped again, still exit 0
    assert again.returncode == 0, again.stdout + again.stderr
    assert "skipped (robots.txt) 1, failed 0" in again.stdout
    assert not news_site.site.was_requested("/private/rahasia.html")
    status = kliping_json(config, "status")["sources"][0]
    assert status["last_error"] is None and status["last_run"]["failed"] == 0


def test_a_page_robots_txt_allows_again_is_fetched(news_site: NewsSite, make_config) -> None:  # type: ignore[no-untyped-def]
    news_site.publish(news_site.gold_pages()[0], path="/private/rahasia.html")
    config = make_config([source(news_site)])
    assert kliping_json(config, "crawl")["sources"][0]["skipped_robots"] == 1
    news_site.site.add("/robots.txt", b"User-agent: *\nDisallow:\n", content_type="text/plain")
    run = kliping_json(config, "crawl")["sources"][0]
    assert (run["new"], run["skipped_robots"]) == (1, 0)


def test_a_page_disallowed_before_never_takes_a_new_pages_place(news_site: NewsSite, make_config) -> None:  # type: ignore[no-untyped-def]
    first, second = news_site.gold_pages()[:2]
    news_site.publish(first, path="/private/rahasia.html")
    config = make_config([source(news_site, max_articles=1)])
    assert kliping_json(config, "crawl")["sources"][0]["skipped_robots"] == 1
    news_site.publish(second)  # listed after the disallowed page
    run = kliping_json(config, "crawl")["sources"][0]
    assert (run["new"], run["skipped_robots"]) == (1, 0)


WINDOWS_1252_PAGE = (
    "<html><head><title>Harga cabai naik tajam</title></head><body><article><h1>Harga cabai naik tajam</h1>"
    "<p>JAKARTA \u2013 Harga cabai rawit di pasar tradisional naik menjadi Rp80.000 per kilogram, kata "
    "pedagang yang ditemui pada Senin pagi. \u201cKami terpaksa menaikkan harga,\u201d ujarnya.</p>"
    "<p>Kenaikan itu dipicu cuaca buruk yang membuat panen di sentra produksi gagal, sementara permintaan "
    "tetap tinggi menjelang akhir tahun dan perayaan Natal.</p>"
    "<p>Dinas perdagangan berjanji menggelar operasi pasar pekan depan untuk menahan laju kenaikan harga "
    "di seluruh wilayah kota.</p></article></body></html>"
).encode("windows-1252")


def test_bad_pages_fail_with_reasons_and_the_cycle_goes_on(news_site: NewsSite, make_config) -> None:  # type: ignore[no-untyped-def]
    good = news_site.publish(news_site.gold_pages()[0])
    empty = news_site.publish(path="/kosong.html", body=b"")
    binary = news_site.publish(path="/gambar.html", body=bytes(range(256)) * 40, content_type="image/png")
    missing = news_site.list_only("/hilang.html")
    news_site.site.add_hang("/lambat.html", seconds=10)
    slow = news_site.list_only("/lambat.html")
    cp1252 = news_site.publish(path="/cp1252.html", body=WINDOWS_1252_PAGE, content_type="text/html")
    config = make_config([source(news_site)])
    result = kliping(config, "crawl")
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    run = kliping_json(config, "status")
    assert run["archive"]["articles"] == 2
    errors = {e["url"]: e["reason"] for e in kliping_json(config, "crawl", ok_codes=(1,))["sources"][0]["errors"]}
    assert good not in errors and cp1252 not in errors
    for url in (empty, binary, missing, slow):
        assert url in result.stdout, f"{url} missing from the summary"
    hit = kliping_json(config, "search", "cabai")["hits"][0]
    assert hit["title"] == "Harga cabai naik tajam"
    stored = kliping_json(config, "search", '"Kami terpaksa"')["hits"]  # the curly quotes and dash decoded
    assert [h["title"] for h in stored] == ["Harga cabai naik tajam"]
    body = Archive(Path(run["data_dir"]) / "archive.sqlite3", readonly=True).get(stored[0]["id"]).body
    assert "JAKARTA \u2013 Harga" in body and "\u201cKami terpaksa menaikkan harga,\u201d" in body


def test_a_dead_source_does_not_stop_the_others(news_site: NewsSite, make_config) -> None:  # type: ignore[no-untyped-def]
    news_site.publish(news_site.gold_pages()[0])
    dead = {"name": "mati", "feeds": ["http://127.0.0.1:9/rss.xml"]}
    config = make_config([dead, source(news_site)])
    runs = {r["source"]: r for r in kliping_json(config, "crawl", ok_codes=(1,))["sources"]}
    assert runs["mati"]["failed"] == 1 and "discovery failed" in runs["mati"]["errors"][0]["reason"]
    assert runs["lokal"]["new"] == 1


def test_an_unreachable_source_is_said_unreachable_in_the_crawl_and_in_status(make_config) -> None:  # type: ignore[no-untyped-def]
    config = make_config([{"name": "hilang", "feeds": ["http://nonexistent.invalid/rss"]},  # never resolves
                          {"name": "tutup", "feeds": ["http://127.0.0.1:9/rss"]}])  # nothing listens
    crawl = kliping(config, "crawl")
    assert crawl.returncode == 1, crawl.stderr
    status = kliping(config, "status")
    sources = {s["name"]: s for s in kliping_json(config, "status")["sources"]}
    for name, said in [("hilang", "nonexistent.invalid is unreachable: its name does not resolve"),
                       ("tutup", "127.0.0.1:9 is unreachable: connection refused")]:
        assert said in sources[name]["last_error"], sources[name]
        assert said in crawl.stdout and said in status.stdout
    assert "disallow" not in crawl.stdout + crawl.stderr + status.stdout


def test_crawl_prints_pages_per_second(crawled, news_site: NewsSite) -> None:  # type: ignore[no-untyped-def]
    _, _, summary = crawled
    assert summary["pages_per_second"] > 0


def test_reindex_rebuilds_the_same_index_from_the_archive(crawled, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    site, config, _ = crawled
    result = kliping(config, "reindex")
    assert result.returncode == 0, result.stderr
    assert kliping_json(config, "status")["index"]["documents"] == len(site.gold_pages())
    assert kliping_json(config, "search", "Jakarta")["total"] > 0
