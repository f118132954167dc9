"""A long article split over pages ("Halaman 2", "?page=2") is stored as one article."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html import escape
from pathlib import Path

from cli_runner import kliping_json
from newssite import NewsSite

from index.archive import Archive
from ingest.crawl import assemble_article
from ingest.extract import MAX_CONTINUATIONS
from kliping.config import Source

GOLD = Path(__file__).resolve().parents[2] / "shared" / "pages" / "kompas" / "zainoor-archive-2025.json"


def page(title: str, paragraphs: list[str], number: int, total: int) -> bytes:
    links = " ".join(f'<a href="/read/panjang?page={n}">Halaman {n}</a>' for n in range(1, total + 1) if n != number)
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return (
        f'<html><head><title>{escape(title)} - Kompas.com</title>'
        f'<meta property="article:published_time" content="2025-05-28T13:30:07+07:00">'
        f'<link rel="canonical" href="http://127.0.0.1/read/panjang"></head><body>'
        f'<nav><a href="/">Beranda</a> <a href="/nasional">Nasional</a></nav>'
        f"<article><h1>{escape(title)}</h1><div class=\"read__content\">{body}</div>"
        f'<div class="paging">{links} <a href="/read/panjang?page={min(number + 1, total)}">Selanjutnya</a></div>'
        f"</article><footer>Copyright Kompas.com</footer></body></html>"
    ).encode()


def test_pages_2_to_n_are_followed_and_merged(news_site: NewsSite, make_config) -> None:  # type: ignore[no-untyped-def]
    gold = json.loads(GOLD.read_text(encoding="utf-8"))
    paragraphs = gold["body"]
    thirds = [paragraphs[: len(paragraphs) // 3], paragraphs[len(paragraphs) // 3: 2 * len(paragraphs) // 3],
              paragraphs[2 * len(paragraphs) // 3:]]
    news_site.publish(path="/read/panjang", body=page(gold["title"], thirds[0], 1, 3))
    for n in (2, 3):
        news_site.publish(path=f"/read/panjang?page={n}", body=page(gold["title"], thirds[n - 1], n, 3), listed=False)
    config = make_config([{"name": "lokal", "feeds": [news_site.feed_url]}])
    run = kliping_json(config, "crawl")["sources"][0]
    assert run["new"] == 1, run
    assert news_site.site.was_requested("/read/panjang?page=3")
    status = kliping_json(config, "status")
    assert status["archive"]["articles"] == 1
    last = paragraphs[-1].split()
    found = kliping_json(config, "search", '"' + " ".join(last[:5]) + '"')
    assert [h["title"] for h in found["hits"]] == [gold["title"]]
    first = paragraphs[0].split()
    assert kliping_json(config, "search", '"' + " ".join(first[2:7]) + '"')["total"] == 1
    archive = Archive(Path(status["data_dir"]) / "archive.sqlite3", readonly=True)
    stored = archive.get_by_url("http://127.0.0.1/read/panjang")
    assert stored is not None and stored.paragraphs == paragraphs


def test_a_short_last_page_is_kept_and_a_missing_page_is_left_out(news_site: NewsSite, make_config) -> None:  # type: ignore[no-untyped-def]
    """Page 3 holds one short line (under the not-an-article bar), page 2 is gone (404): the article is
    stored from what could be read, not thrown away."""
    gold = json.loads(GOLD.read_text(encoding="utf-8"))
    first = gold["body"][:4]
    last = ["Demikian disampaikan pihak kepolisian kepada wartawan di Jakarta, Rabu (28/5/2025), terkait kasus itu."]
    news_site.publish(path="/read/panjang", body=page(gold["title"], first, 1, 3))
    news_site.publish(path="/read/panjang?page=3", body=page(gold["title"], last, 3, 3), listed=False)
    config = make_config([{"name": "lokal", "feeds": [news_site.feed_url]}])
    run = kliping_json(config, "crawl")["sources"][0]
    assert run["new"] == 1 and run["failed"] == 0, run
    assert news_site.site.was_requested("/read/panjang?page=2")
    status = kliping_json(config, "status")
    stored = Archive(Path(status["data_dir"]) / "archive.sqlite3", readonly=True).get_by_url(
        "http://127.0.0.1/read/panjang")
    assert stored is not None and stored.paragraphs == first + last


def test_a_page_with_no_headline_fails_alone(news_site: NewsSite, make_config) -> None:  # type: ignore[no-untyped-def]
    """The archive refuses an article without a title; that is the page's failure, and the source goes on."""
    gold = json.loads(GOLD.read_text(encoding="utf-8"))
    untitled = "".join(f"<p>{escape(p)}</p>" for p in gold["body"][:4])
    news_site.publish(path="/read/tanpa-judul", body=f"<html><body><div>{untitled}</div></body></html>".encode())
    news_site.publish(path="/read/panjang", body=page(gold["title"], gold["body"], 1, 1))
    config = make_config([{"name": "lokal", "feeds": [news_site.feed_url]}])
    run = kliping_json(config, "crawl", ok_codes=(1,))["sources"][0]  # exit 1: a page failed
    assert run["new"] == 1 and run["failed"] == 1, run
    assert any("without url, title or body" in e["reason"] for e in run["errors"]), run


@dataclass
class Saved:
    """A page as assemble_article reads it (a fetched response, or one read back from a WARC file)."""

    url: str
    content: bytes
    headers: dict[str, str] = field(default_factory=lambda: {"content-type": "text/html; charset=utf-8"})
    fetched_at: datetime = field(default_factory=lambda: datetime(2025, 5, 28, 7, tzinfo=UTC))


def test_the_sources_extract_section_applies_to_every_page() -> None:
    gold = json.loads(GOLD.read_text(encoding="utf-8"))
    promo = "Promo khusus pembaca: langganan sekarang dan dapatkan potongan harga untuk setahun penuh."
    first, second = gold["body"][:4], gold["body"][4:6]
    url = "http://127.0.0.1/read/panjang"
    pages = {f"{url}?page=2": Saved(f"{url}?page=2", page(gold["title"], [*second, promo], 2, 2))}
    source = Source(name="lokal", extract={"drop_phrases": ["promo KHUSUS"]})  # type: ignore[arg-type]
    article = assemble_article(source, Saved(url, page(gold["title"], [*first, promo], 1, 2)), pages.__getitem__)
    assert article.paragraphs == first + second


def test_the_crawler_follows_as_many_pages_as_extraction_lists() -> None:
    gold = json.loads(GOLD.read_text(encoding="utf-8"))
    url, total = "http://127.0.0.1/read/panjang", MAX_CONTINUATIONS + 5
    asked: list[str] = []

    def get_page(page_url: str) -> Saved:
        asked.append(page_url)
        return Saved(page_url, page(gold["title"], gold["body"][:2], int(page_url.rsplit("=", 1)[1]), total))

    first = Saved(url, page(gold["title"], gold["body"], 1, total))
    assert assemble_article(Source(name="lokal"), first, get_page).title == gold["title"]
    assert asked == [f"{url}?page={n}" for n in range(2, MAX_CONTINUATIONS + 2)]
