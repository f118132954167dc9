"""Section: the rubric from machine fields and breadcrumbs, never a page-type label or the article's own crumb."""

from __future__ import annotations

import json

import pytest

from ingest.extract import extract_article

TITLE = "Pameran produk lokal digelar sepekan"
PROSE = ("Pemerintah kota menggelar pameran produk lokal selama sepekan di alun-alun, menghadirkan ratusan pelaku "
         "usaha kecil dari berbagai kecamatan yang menjual makanan, kerajinan tangan, dan pakaian batik khas daerah.")


def section_of(head: str = "", before: str = "") -> str | None:
    html = (f"<html><head><title>{TITLE}</title>{head}</head><body>{before}<article><h1>{TITLE}</h1>"
            f"<p>{PROSE}</p><p>{PROSE}</p></article></body></html>")
    return extract_article(html.encode()).section


def jsonld(obj: object) -> str:
    return f'<script type="application/ld+json">{json.dumps(obj)}</script>'


def crumbs(*names: str) -> dict[str, object]:
    return {"@type": "BreadcrumbList", "itemListElement": [
        {"@type": "ListItem", "position": i, "item": {"@id": f"https://x.id/{i}", "name": n}}
        for i, n in reversed(list(enumerate(names, 1)))  # out of order: position decides
    ]}


def trail(*names: str, last_linked: bool = False) -> str:
    links = "".join(f'<li><a href="/{i}">{n}</a></li>' for i, n in enumerate(names))
    return f'<ul class="breadcrumb">{links}<li>{TITLE if not last_linked else ""}</li></ul>'


@pytest.mark.parametrize(
    ("head", "before", "expected"),
    [
        (jsonld({"@type": "NewsArticle", "articleSection": "Nasional"}), "", "Nasional"),
        (jsonld({"@type": "NewsArticle", "articleSection": ["News", "Ekonomi"]}), "", "Ekonomi"),
        (jsonld({"@type": "NewsArticle", "articleSection": "News"})
         + '<meta property="article:section" content="Olahraga">', "", "Olahraga"),
        (jsonld({"@type": "NewsArticle", "articleSection": "Detail Berita"}), trail("Home", "Regional"), "Regional"),
        (jsonld(crumbs("Beranda", "Berita", "Megapolitan", TITLE)), "", "Megapolitan"),
        (jsonld([{"@type": "NewsArticle", "headline": TITLE}, crumbs("Home", "Tekno")]), "", "Tekno"),
        ("", trail("Home", "Berita", "Hukum"), "Hukum"),
        ("", '<nav class="breadcrumb"><a href="/">Home</a><a href="/b">Bisnis</a>'
             f'<a href="/b/1">{TITLE}</a></nav>', "Bisnis"),
        ("", '<ol id="breadcrumbs"><li>Beranda</li><li>Read</li><li>Gaya Hidup</li></ol>', "Gaya Hidup"),
        ("", trail("Home", "News", "Read"), None),
        ('<meta property="article:section" content="Artikel">', "", None),
    ],
    ids=["json-ld", "json-ld list", "page type then meta", "page type then trail", "json-ld breadcrumbs",
         "breadcrumbs beside the article", "printed trail", "title crumb linked", "unlinked crumbs",
         "labels only", "meta label"],
)
def test_section(head: str, before: str, expected: str | None) -> None:
    assert section_of(head, before) == expected
