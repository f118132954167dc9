"""No input crashes the extractor: it gives an Article or a clear ExtractError/NotAnArticle."""

from __future__ import annotations

import logging
import os
import random
from pathlib import Path

import pytest

from ingest.extract import continuation_urls, decode_html, extract_article
from kliping.errors import ExtractError, NotAnArticle

PAGES = Path(__file__).resolve().parents[1] / ".." / "shared" / "pages"
REAL = (PAGES / "kompas" / "anpandu-singlepage2.html").read_bytes()
PARAGRAPH = "<p>" + "Presiden menegaskan kebijakan itu akan berlaku mulai pekan depan di seluruh daerah. " * 3 + "</p>"


def nested(depth: int) -> bytes:
    return ("<html><body>" + "<div>" * depth + PARAGRAPH * 4 + "</div>" * depth + "</body></html>").encode()


CASES = {
    "empty": b"",
    "whitespace": b"   \n\t ",
    "binary": os.urandom(4096),
    "nul bytes": b"\x00" * 1000 + REAL[:5000],
    "png": b"\x89PNG\r\n\x1a\n" + os.urandom(2000),
    "truncated": REAL[: len(REAL) // 2],
    "truncated mid-tag": REAL[:20_011] + b"<div cla",
    "nested 10000 deep": nested(10_000),
    "unclosed 10000 deep": ("<html><body>" + "<div><span>" * 10_000 + PARAGRAPH * 4).encode(),
    "invalid utf-8": REAL.replace(b"Yuddy", b"Yu\xff\xfedd\xc3y", 3),
    "wrong charset declared": REAL.replace(b"<head>", b'<head><meta charset="utf-16">', 1),
    "unknown charset declared": REAL.replace(b"<head>", b'<head><meta charset="x-klingon">', 1),
    "xml declaration": b'<?xml version="1.0" encoding="utf-8"?>' + REAL,
    "just text": b"Tidak ada HTML di sini sama sekali.",
    "10 MB": b"<html><body>" + PARAGRAPH.encode() * 4 + b"<div>" + b"x" * 10_000_000 + b"</div></body></html>",
}


@pytest.mark.parametrize("content", CASES.values(), ids=CASES.keys())
def test_hostile_input_gives_article_or_clear_error(content: bytes):
    try:
        article = extract_article(content, "https://example.id/read/1")
    except ExtractError as exc:
        assert str(exc)
    else:
        assert article.body and article.url


@pytest.mark.parametrize("content", CASES.values(), ids=CASES.keys())
def test_continuation_urls_never_crashes(content: bytes):
    assert isinstance(continuation_urls(content, "https://example.id/read/1"), list)


def test_nested_10000_deep_still_finds_the_text():
    article = extract_article(nested(10_000), "https://example.id/read/1")
    assert "Presiden menegaskan" in article.body


@pytest.mark.parametrize("content", [b"", b"  ", os.urandom(10)], ids=["empty", "blank", "noise"])
def test_empty_like_input_is_an_extract_error(content: bytes):
    with pytest.raises(ExtractError):
        extract_article(content)


def test_windows_1252_without_declaration_is_decoded():
    html = "<html><body><p>Caf\u00e9 \u201cJakarta\u201d buka</p></body></html>".encode("cp1252")
    assert "\u201cJakarta\u201d" in decode_html(html)


@pytest.mark.parametrize(
    ("headers", "content", "expected"),
    [
        ({"Content-Type": "text/html; charset=iso-8859-1"}, "Jakarta ©".encode(), "Jakarta ©"),
        ({"content-type": "text/html; charset=windows-1252"}, "caf\u00e9".encode("cp1252"), "caf\u00e9"),
        (None, b'<meta charset="iso-8859-1">' + "\u00a9".encode(), '<meta charset="iso-8859-1">\u00a9'),
        (None, b'<meta charset="iso-8859-1">caf\xe9', '<meta charset="iso-8859-1">caf\u00e9'),
        (None, "\ufeffhalo".encode("utf-8"), "halo"),
        (None, b'<meta charset="iso-8859-1">\x93ya\x94', '<meta charset="iso-8859-1">\u201cya\u201d'),
        ({"content-type": "text/html; charset=us-ascii"}, b"\x96 caf\xe9", "\u2013 caf\u00e9"),
        ({"content-type": "text/html; charset=utf-8"}, "Kata Menteri \u2014 ".encode() + b"\x93ya\x94 \x96 sudah",
         "Kata Menteri \u2014 \u201cya\u201d \u2013 sudah"),
        (None, b'<meta charset="iso-8859-1">' + "KapanLagi.com\u00ae ".encode() + b"\x93ya\x94",
         '<meta charset="iso-8859-1">KapanLagi.com\u00ae \u201cya\u201d'),
        (None, "Rp80.000 \u2014 ".encode() + b"\x93ya\x94", "Rp80.000 \u2014 \u201cya\u201d"),
        ({"content-type": "text/html; charset=utf-8"}, b"\x93Kami terpaksa\x94 \x96 ujarnya",
         "\u201cKami terpaksa\u201d \u2013 ujarnya"),
        ({"content-type": "text/html; charset=utf-8"}, b"Yu\x81ddy \xe2\x80\x9cya\xe2\x80\x9d",
         "Yu\ufffdddy \u201cya\u201d"),
        (None, "\ufeffhalo".encode("utf-32-le"), "halo"),
    ],
    ids=["header lies latin1", "header cp1252", "meta lies latin1", "meta true latin1", "utf-8 bom",
         "latin1 label read as windows-1252", "ascii label read as windows-1252",
         "windows-1252 quotes pasted into utf-8", "latin1 label, utf-8 with pasted quotes",
         "undeclared utf-8 with pasted quotes", "utf-8 header, windows-1252 page", "utf-8 header, broken bytes",
         "utf-32 bom"],
)
def test_decode_html_charset_order(headers, content: bytes, expected: str):
    assert decode_html(content, headers) == expected


def test_meta_charset_behind_a_long_inline_script_is_found():
    # bs4's own window (5% of the page, at least 2 KB) stops short of this tag; real pages put it there.
    head = b"<head><script>" + b"var iklan = 1;" * 700 + b'</script><meta charset="iso-8859-15"></head>'
    assert decode_html(head + b"<p>Harga \xa4 5</p>").endswith("<p>Harga \u20ac 5</p>")  # cp1252 would read \u00a4


def test_page_with_navigation_only_is_not_an_article():
    links = "".join(f'<li><a href="/read/{i}">Judul berita nomor {i} hari ini</a></li>' for i in range(40))
    with pytest.raises(NotAnArticle):
        extract_article(f"<html><body><ul>{links}</ul></body></html>".encode())


def test_error_page_is_not_an_article():
    html = b"<html><head><title>404 Not Found</title></head><body><h1>Halaman tidak ditemukan</h1></body></html>"
    with pytest.raises(NotAnArticle):
        extract_article(html, "https://example.id/hilang")


def test_bytes_no_codec_reads_are_decoded_without_a_warning(caplog):
    # Not bs4's UnicodeDammit here: its "could not be decoded" warning names no page and reached the CLI's stderr.
    garbled = random.Random(15).randbytes(3000)
    with caplog.at_level(logging.WARNING):
        assert "\ufffd" in decode_html(garbled)
    assert not caplog.records


FLASH = ("Gempa bermagnitudo 5,2 mengguncang wilayah Kabupaten Cianjur, Jawa Barat, pada Selasa pagi pukul 06.12 WIB. "
         "Badan Meteorologi, Klimatologi, dan Geofisika menyatakan pusat gempa berada di darat pada kedalaman sepuluh "
         "kilometer dan tidak berpotensi tsunami, sementara warga di beberapa desa sempat berhamburan keluar rumah.")


@pytest.mark.parametrize("declaration", [
    '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Gempa Cianjur"}</script>',
    '<meta property="og:type" content="article">',
    "",  # the <article> element below, alone
])
def test_a_page_that_declares_an_article_may_be_one_paragraph_long(declaration: str) -> None:
    """A news flash or a short post is one paragraph; the page's own declaration says it is an article."""
    wrapper = ("<article>", "</article>") if not declaration else ("<div>", "</div>")
    html = (f"<html><head><title>Gempa Cianjur</title>{declaration}</head><body><h1>Gempa Cianjur</h1>"
            f"{wrapper[0]}<p>{FLASH}</p>{wrapper[1]}</body></html>")
    assert extract_article(html, "https://contoh.test/gempa").body == FLASH


def test_one_paragraph_on_a_page_that_declares_nothing_is_not_an_article() -> None:
    html = f"<html><head><title>Tentang kami</title></head><body><div><p>{FLASH}</p></div></body></html>"
    with pytest.raises(NotAnArticle, match="1 paragraphs"):
        extract_article(html, "https://contoh.test/tentang")
