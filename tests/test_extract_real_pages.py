"""Every gold page in ../shared/pages: the boilerplate forms each one carries stay out,
the article's own text (datelines, subheadings, quotes) stays in, metadata is right."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ingest.extract import extract_article
from kliping.errors import NotAnArticle

PAGES = Path(__file__).resolve().parents[1] / ".." / "shared" / "pages"
GOLD = sorted(PAGES.glob("*/*.json"))


def extract(name: str, url: str | None = None):
    return extract_article((PAGES / name).read_bytes(), url)


def gold(name: str) -> dict:
    return json.loads((PAGES / name).with_suffix(".json").read_text("utf-8"))


@pytest.mark.parametrize("gold_path", GOLD, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_gold_page_body_is_exactly_the_gold_paragraphs(gold_path: Path):
    expected = json.loads(gold_path.read_text("utf-8"))
    article = extract_article(gold_path.with_suffix(".html").read_bytes(), expected["url"])
    assert article.paragraphs == expected["body"]


# (page, text that must not survive anywhere in the body, the boilerplate form it is)
ABSENT = [
    ("kompas/zainoor-archive-2025.html", "Baca juga", "mid-body 'Baca juga:' links"),
    ("kompas/zainoor-archive-2025.html", "WhatsApp Channel", "Kompas 'Simak breaking news' promo"),
    ("kapanlagi/anpandu-singlepage1.html", "Jangan Lewatkan", "'Jangan Lewatkan' list"),
    ("kapanlagi/anpandu-singlepage1.html", "(kpl/pur/tch)", "trailing editor initials"),
    ("kapanlagi/anpandu-singlepage2.html", "LIFESTYLE DULU DAN KINI", "promo widget inside the body"),
    ("kapanlagi/anpandu-singlepage2.html", "© instagram", "photo credit"),
    ("kapanlagi/anpandu-singlepage3.html", "© Twitter.com", "photo caption credit"),
    ("liputan6/anpandu-singlepage1.html", "Baca Juga", "'Baca Juga' list header"),
    ("liputan6/anpandu-singlepage1.html", "(Cas/Isk)", "trailing initials"),
    ("liputan6/slasherrb-case.html", "(Mvi/Ali)", "initials at the end of the last paragraph"),
    ("merdeka/slasherrb-case.html", "[ian]", "bracketed initials"),
    ("merdeka/slasherrb-case.html", "Baca juga", "trailing 'Baca juga:' links"),
    ("antaranews/anpandu-singlepage1.html", "Editor:", "editor line"),
    ("antaranews/anpandu-singlepage1.html", "COPYRIGHT", "copyright line"),
    ("antaranews/anpandu-singlepage1.html", "ANTARA FOTO", "photo caption"),
    ("okezone/anpandu-singlepage2.html", "Komentar", "comment counter"),
    ("okezone/anpandu-singlepage2.html", "(FHM)", "initials"),
    ("tempo-en/anpandu-singlepage1.html", "\n\nANTARA", "wire-service credit"),
]


@pytest.mark.parametrize(("page", "text", "form"), ABSENT, ids=[f"{p}:{f}" for p, _, f in ABSENT])
def test_boilerplate_form_is_removed_from_real_page(page: str, text: str, form: str):
    assert text.lower() not in extract(page).body.lower()


KEPT = [
    ("kompas/anpandu-singlepage1.html", "LHOKSEUMAWE, KOMPAS.com –", "dateline"),
    ("liputan6/anpandu-singlepage2.html", "Liputan6.com, Jakarta", "dateline before a link"),
    ("kompas/anpandu-singlepage5.html", "\n\nPersaingan\n\n", "subheading as its own paragraph"),
    ("antaranews/anpandu-singlepage5.html", "\n\nAkhir Cerita?\n\n", "bold subheading"),
    ("liputan6/anpandu-singlepage1.html", "\n\nLayanan 4G\n\n", "strong subheading"),
]


@pytest.mark.parametrize(("page", "text", "form"), KEPT, ids=[f"{p}:{f}" for p, _, f in KEPT])
def test_article_text_is_kept(page: str, text: str, form: str):
    assert text in f"\n\n{extract(page).body}\n\n"


def test_script_copy_of_the_body_is_not_counted_twice():
    article = extract("kompas/zainoor-archive-2025.html")
    assert article.body.count("Lisa dinillai terbukti") == 1


def test_article_nested_in_a_share_bar_is_not_deleted():
    assert len(extract("okezone/anpandu-singlepage2.html").paragraphs) == 7


def test_declared_latin1_that_is_utf8_is_read_as_utf8():
    body = extract("kapanlagi/anpandu-singlepage1.html").body
    assert "KapanLagi.com®" in body and "Â" not in body


@pytest.mark.parametrize(
    ("page", "field", "expected"),
    [
        (
            "kompas/slasherrb-case.html",
            "url",
            "http://bola.kompas.com/read/2015/06/17/22260808/Supaya.Timnya.Mengalah.Eks.Pelatih.Mengaku.Ditawari.Rp.200.Juta",
        ),
        (
            "antaranews/anpandu-singlepage5.html",
            "url",
            "http://www.antaranews.com/berita/629369/saat-pengadilan-pertemukan-brotoseno-dan-angelina-sondakh",
        ),
        (
            "antaranews/anpandu-singlepage1.html",
            "url",
            "http://www.antaranews.com/berita/527615/29-penerbangan-bandara-internasional-lombok-dibatalkan",
        ),
        ("kapanlagi/anpandu-singlepage3.html", "title", "Bikin Gaduh Kota, Rumah Penyanyi Ini Digrebek Polisi"),
        ("kompas/anpandu-singlepage5.html", "title", "Merek China “Serbu” Indonesia, Ini Kata Gaikindo"),
        ("merdeka/slasherrb-case.html", "published", "2015-06-19T03:40:00+07:00"),
        ("kompas/zainoor-archive-2025.html", "published", "2025-05-28T13:30:07+07:00"),
        ("liputan6/anpandu-singlepage1.html", "published", "2016-02-16T09:10:56+07:00"),
        ("kompas/anpandu-singlepage1.html", "published", "2015-11-04T21:04:00+07:00"),
        ("tempo-en/anpandu-singlepage1.html", "published", "2015-11-04T07:28:00+07:00"),
        ("kompas/anpandu-singlepage1.html", "author", "Masriadi"),
        ("kompas/zainoor-archive-2025.html", "author", "Irfan Kamil"),
        ("antaranews/anpandu-singlepage5.html", "author", "Desca Lidya Natalia"),
        ("okezone/anpandu-singlepage1.html", "author", "Dewi Kania"),
        ("kompas/anpandu-singlepage3.html", "author", None),
        ("kapanlagi/anpandu-singlepage1.html", "editor", "kpl/pur/tch"),
        ("kompas/anpandu-singlepage2.html", "section", "Nasional"),
        ("antaranews/anpandu-singlepage5.html", "section", "Indonesia"),  # JSON-LD says "News", a page type
        ("tempo-en/anpandu-singlepage1.html", "language", "en"),
    ],
)
def test_metadata_of_real_page(page: str, field: str, expected: str | None):
    assert getattr(extract(page), field) == expected


NOT_ARTICLES = ["liputan6/anpandu-singlepage3.html"]


@pytest.mark.parametrize("page", NOT_ARTICLES)
def test_gallery_page_is_not_an_article(page: str):
    with pytest.raises(NotAnArticle, match="no article text"):
        extract(page)


@pytest.mark.parametrize("page", ["thejakartapost/slasherrb-case.html", "thejakartaglobe/slasherrb-case.html"])
def test_english_news_page_is_an_article(page: str):
    article = extract(page)
    assert article.language == "en" and len(article.paragraphs) > 10
