"""Multi-page articles: which links continue the article, and merging the pages."""

from __future__ import annotations

import pytest

from ingest.extract import MAX_CONTINUATIONS, continuation_urls, merge_pages
from kliping.article import Article
from kliping.errors import ExtractError

URL = "https://nasional.kompas.com/read/2021/12/31/08120011/judul-berita"


def page(links: str) -> str:
    return f"<html><body><p>Isi berita.</p><div class='paging'>{links}</div></body></html>"


@pytest.mark.parametrize(
    ("links", "expected"),
    [
        (
            '<a href="?page=2">2</a><a href="?page=3">3</a><a href="?page=2">Selanjutnya</a>',
            [URL + "?page=2", URL + "?page=3"],
        ),
        ('<a href="?page=2">2</a><a href="?page=all">Tampilkan semua</a>', [URL + "?page=all"]),
        (f'<a href="{URL}/2">Halaman 2</a><a href="{URL}/3">Halaman 3</a>', [URL + "/2", URL + "/3"]),
        ('<link rel="next" href="?page=2">', [URL + "?page=2"]),
        ('<a href="/read/2021/12/31/08120022/berita-lain">Selanjutnya</a>', []),
        ('<a href="https://other.id/read/1?page=2">2</a>', []),
        ("", []),
    ],
    ids=["numbered", "single-page view wins", "path pages", "rel next", "next article", "other host", "none"],
)
def test_continuation_urls(links: str, expected: list[str]):
    assert continuation_urls(page(links), URL) == expected


def test_continuation_urls_from_page_two_still_lists_the_others():
    assert continuation_urls(page('<a href="?page=1">1</a><a href="?page=3">3</a>'), URL + "?page=2") == [
        URL + "?page=3"
    ]


def test_continuations_stop_at_the_limit_the_crawler_follows():
    links = "".join(f'<a href="?page={n}">{n}</a>' for n in range(2, MAX_CONTINUATIONS + 10))
    assert continuation_urls(page(links), URL) == [URL + f"?page={n}" for n in range(2, MAX_CONTINUATIONS + 2)]


def test_merge_pages_keeps_order_and_first_page_metadata():
    one = Article(url=URL, title="Judul", body="A\n\nB", published="2021-12-31T08:12:00+07:00", authors=["Ani"])
    two = Article(url=URL + "?page=2", title="Judul", body="B\n\nC", editor="AHL")
    merged = merge_pages([one, two])
    assert merged.paragraphs == ["A", "B", "C"]
    assert (merged.url, merged.published, merged.authors, merged.editor) == (URL, one.published, ["Ani"], "AHL")


def test_merge_pages_needs_a_page():
    with pytest.raises(ExtractError):
        merge_pages([])


def test_continuation_links_resolve_against_the_pages_base_href():
    page = ('<html><head><base href="https://m.news.id/amp/"></head><body><a href="read/banjir-rob?page=2">2</a>'
            '<a href="javascript:void(0)">x</a><a href="#top">top</a></body></html>')
    assert continuation_urls(page.encode(), "https://m.news.id/amp/read/banjir-rob") == [
        "https://m.news.id/amp/read/banjir-rob?page=2"]
