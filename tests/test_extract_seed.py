"""The seed case (issue 2): a carelessly scraped Medcom article, rebuilt as a page.

The scraper glued the reaction widget to the front, kept an inline "Baca:" link
and ran paragraphs together ("besar”.Dilansir"). Here the page is rebuilt the way
the site serves it — proper paragraphs, the widget and the link inside the
body — and the extractor must give back exactly the article's paragraphs.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ingest.extract import extract_article

SEED = Path(__file__).resolve().parents[1] / ".." / "shared" / "seed" / "000_aeab18fe1987e027.txt"
READ_ALSO = "Biden dan Putin Komunikasi Lewat Telepon untuk Kedua Kalinya"
WIDGET = (
    '<div class="reaction"><p>Bagaimana tanggapan anda mengenai artikel ini?</p>'
    "<ul><li>Happy</li><li>Inspire</li><li>Confuse</li><li>Sad</li></ul></div>"
)
BACA = f'<p>Baca: <a href="https://www.medcom.id/internasional/dunia/biden-putin">{READ_ALSO}</a></p>'


def seed_paragraphs() -> list[str]:
    """The article's own paragraphs, recovered from the seed by its glue points."""
    text = SEED.read_text("utf-8").split("\n\n", 1)[1]
    text = text.replace(f"Baca: {READ_ALSO} ", "\n")
    text = re.sub(r"(?<=[.”’])(?=[“A-Z])", "\n", text)  # "besar”.Dilansir" -> two paragraphs
    return [p.strip() for p in text.split("\n") if p.strip()]


def page(body_html: str) -> str:
    return f"""<!doctype html><html lang="id"><head><meta charset="utf-8">
<title>Biden Peringatkan Putin Soal Ukraina - Medcom.id</title>
<meta property="og:title" content="Biden Peringatkan Putin Soal Ukraina">
<meta property="article:published_time" content="2021-12-31T08:12:00+07:00">
</head><body><nav><a href="/">Beranda</a> <a href="/internasional">Internasional</a></nav>
<h1>Biden Peringatkan Putin Soal Ukraina</h1>
<div class="byline">Fajar Nugraha • 31 Desember 2021 08:12</div>
<div class="article-body">{body_html}</div>
<aside><h3>Berita Terkait</h3><ul><li><a href="/a">Satu</a></li><li><a href="/b">Dua</a></li></ul></aside>
</body></html>"""


def widget_first(paragraphs: list[str]) -> str:
    ps = [f"<p>{p}</p>" for p in paragraphs]
    return WIDGET + "".join(ps[:2]) + BACA + "".join(ps[2:])


def widget_between_br_paragraphs(paragraphs: list[str]) -> str:
    half = len(paragraphs) // 2
    first = "<br><br>".join(paragraphs[:half])
    rest = "<br><br>".join(paragraphs[half:])
    return f"{first}<br><br>Baca: <a href='/x'>{READ_ALSO}</a><br><br>{WIDGET}{rest}"


def test_seed_paragraphs_are_recovered():
    paragraphs = seed_paragraphs()
    assert paragraphs[0].startswith("Washington: ") and paragraphs[0].endswith("“kesalahan besar”.")
    assert paragraphs[1].startswith("Dilansir dari Channel News Asia")
    assert not any("Baca:" in p or "Bagaimana tanggapan" in p for p in paragraphs)


@pytest.mark.parametrize("layout", [widget_first, widget_between_br_paragraphs])
def test_seed_body_is_exactly_the_articles_paragraphs(layout):
    paragraphs = seed_paragraphs()
    article = extract_article(page(layout(paragraphs)).encode("utf-8"), "https://www.medcom.id/x")
    assert article.paragraphs == paragraphs


def test_seed_metadata():
    article = extract_article(page(widget_first(seed_paragraphs())), "https://www.medcom.id/x")
    assert article.title == "Biden Peringatkan Putin Soal Ukraina"
    assert article.published == "2021-12-31T08:12:00+07:00"
    assert "besar”.Dilansir" not in article.body
