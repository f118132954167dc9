"""Titles, bylines and URLs on small built pages (the real pages are in test_extract_real_pages)."""

from __future__ import annotations

import lxml.html
import pytest

from ingest.extract import extract_article
from ingest.extract.authors import clean_names
from ingest.extract.jsonld import find_article_object
from ingest.extract.title import strip_site_name
from ingest.extract.tree import element_text

BODY = "".join(
    f"<p>Paragraf {i}: pemerintah daerah menyatakan program bantuan akan dilanjutkan tahun depan.</p>" for i in range(6)
)


def page(head: str = "", before_body: str = "") -> bytes:
    return f"<html><head>{head}</head><body>{before_body}<div>{BODY}</div></body></html>".encode()


@pytest.mark.parametrize(
    ("raw", "site", "expected"),
    [
        ("Judul Berita - Kompas.com", None, "Judul Berita"),
        ("Judul Berita - Kompas.com Regional", None, "Judul Berita"),
        ("KapanLagi.com: Judul Berita", None, "Judul Berita"),
        ("Judul | merdeka.com", None, "Judul"),
        ("Judul - Health :: Okezone Lifestyle", "Okezone Lifestyle", "Judul - Health"),
        ("Saat pengadilan - ANTARA News", "Antara News", "Saat pengadilan"),
        ("Tri Indonesia: Broadband Dorong Ekosistem", None, "Tri Indonesia: Broadband Dorong Ekosistem"),
        ("Perang - Damai di Ukraina", None, "Perang - Damai di Ukraina"),
    ],
)
def test_site_name_is_stripped_from_title(raw: str, site: str | None, expected: str):
    assert strip_site_name(raw, site) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (["Kontributor Lhokseumawe, Masriadi"], ["Masriadi"]),
        (["Kompas Cyber Media"], []),
        (["Tim Redaksi"], []),
        (["Kompas.com / Anju Christian"], ["Anju Christian"]),
        (["Budisantoso Budiman dan Agus S"], ["Budisantoso Budiman", "Agus S"]),
        (["Dewi Kania Jurnalis"], ["Dewi Kania"]),
        (["Rep: C31"], []),
        (["https://www.facebook.com/KOMPAScom"], []),
        (["ANTARA"], []),
    ],
)
def test_author_names_are_persons_only(raw: list[str], expected: list[str]):
    assert clean_names(raw) == expected


@pytest.mark.parametrize(
    ("head", "before", "expected"),
    [
        (
            '<script type="application/ld+json">{"@graph":[{"@type":"NewsArticle","author":'
            '[{"@type":"Person","name":"Ani"},{"@type":"Person","name":"Budi"}]}]}</script>',
            "",
            ["Ani", "Budi"],
        ),
        (
            '<script type="application/ld+json">[{"@type":"WebSite"},{"@type":"Article","author":'
            '{"@type":"Organization","name":"Kompas.com"}}]</script>',
            "",
            [],
        ),
        ('<meta name="author" content="Liputan6.com">', "<div>Penulis : Sari Dewi</div>", ["Sari Dewi"]),
        ("", "<div>Editor: Bayu Galih</div>", []),
    ],
    ids=["jsonld graph list", "organisation only", "printed byline beats meta", "editor only"],
)
def test_authors_from_page(head: str, before: str, expected: list[str]):
    assert extract_article(page(head, before)).authors == expected


@pytest.mark.parametrize(
    ("head", "fetched", "expected"),
    [
        ('<link rel="canonical" href="https://a.id/read/1">', "https://a.id/read/1?utm=x", "https://a.id/read/1"),
        (
            '<link rel="canonical" href=""><meta property="og:url" content="https://a.id/read/2">',
            None,
            "https://a.id/read/2",
        ),
        ('<meta property="og:url" content="https://a.id/">', "https://a.id/read/3", "https://a.id/read/3"),
        ('<link rel="canonical" href="/read/4">', "https://a.id/read/4?page=1", "https://a.id/read/4"),
        ("", "https://a.id/read/5", "https://a.id/read/5"),
        ('<meta property="og:url" content="HTTPS://A.id:443/read/6?utm_source=fb#top">', None, "https://a.id/read/6"),
    ],
    ids=["canonical", "empty canonical, og:url", "home page og:url rejected", "relative canonical", "none",
         "og:url in the form page keys take"],
)
def test_canonical_url(head: str, fetched: str | None, expected: str):
    assert extract_article(page(head), fetched).url == expected


def test_only_a_printed_day_gives_only_a_day():
    assert extract_article(page(before_body="<div>Selasa, 23 Februari 2016</div>")).published == "2016-02-23"


def test_relative_printed_date_uses_fetch_time():
    from datetime import datetime, timedelta, timezone

    fetched = datetime(2024, 1, 2, 12, 0, tzinfo=timezone(timedelta(hours=7)))
    article = extract_article(page(before_body="<div>3 jam yang lalu</div>"), fetched_at=fetched)
    assert article.published == "2024-01-02T09:00:00+07:00"


def test_an_article_object_beats_the_webpage_beside_it():
    graph = ('{"@graph":[{"@type":"WebPage","name":"Halaman opini"},'
             '{"@type":"OpinionNewsArticle","headline":"Opini: harga beras"}]}')
    html = f'<html><head><script type="application/ld+json">{graph}</script></head><body></body></html>'
    assert find_article_object(lxml.html.fromstring(html))["headline"] == "Opini: harga beras"


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("<h1>Judul Berita<button><span>Bagikan</span></button><svg><text>ikon</text></svg> akhir</h1>",
         "Judul Berita akhir"),
        ("<p>a <b>b</b> c<!-- catatan --> d<script>x()</script> e</p>", "a b c d e"),
    ],
    ids=["nothing inside a button or svg", "tails in order, comments and scripts skipped"],
)
def test_element_text_is_the_visible_text_in_order(html: str, expected: str):
    assert element_text(lxml.html.fragment_fromstring(html)) == expected


@pytest.mark.parametrize(
    ("head", "field", "expected"),
    [
        ('<meta property="og:title" content="Merek China &amp;#8220;Serbu&amp;#8221; Indonesia">', "title",
         "Merek China \u201cSerbu\u201d Indonesia"),
        ('<script type="application/ld+json">{"@type":"NewsArticle","headline":"Jokowi: &quot;Kerja&quot; &#8211; '
         'Presiden"}</script>', "title", 'Jokowi: "Kerja" \u2013 Presiden'),
        ('<script type="application/ld+json">{"@type":"NewsArticle","author":{"@type":"Person","name":'
         '"\\u003Ca href=\\u0022/penulis/sari\\u0022\\u003ESari Dewi\\u003C/a\\u003E"}}</script>', "authors",
         ["Sari Dewi"]),
        ('<meta property="article:section" content="Hukum &amp;amp; Kriminal">', "section", "Hukum & Kriminal"),
    ],
    ids=["og:title escaped twice", "json-ld entities", "json-ld name holding a link", "section escaped twice"],
)
def test_metadata_strings_are_read_as_text(head: str, field: str, expected: str | list[str]):
    assert getattr(extract_article(page(head)), field) == expected
