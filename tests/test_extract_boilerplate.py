"""Each Indonesian boilerplate form, set inside an article body, never reaches the output."""

from __future__ import annotations

import pytest

from ingest.extract import extract_article
from kliping.config import ExtractSettings

PARAS = [
    "JAKARTA, KOMPAS.com - Pemerintah menetapkan kebijakan baru soal harga beras yang berlaku mulai bulan depan.",
    "Menteri Perdagangan mengatakan kebijakan itu diambil untuk menjaga daya beli masyarakat di seluruh daerah.",
    "“Kami akan mengawasi pelaksanaannya dengan ketat di setiap pasar tradisional,” kata dia di Jakarta, Senin.",
    "Sejumlah pedagang menyambut baik keputusan tersebut meski masih menunggu petunjuk teknis dari dinas setempat.",
]

FORMS = {
    "baca juga link": '<p>Baca juga: <a href="/x">Harga Cabai Naik Lagi</a></p>',
    "baca link": '<p><strong>Baca:</strong> <a href="/x">Harga Cabai Naik Lagi</a></p>',
    "baca juga list": '<p>Baca Juga</p><ul><li><a href="/a">Satu berita lain</a></li><li><a href="/b">Dua</a></li>'
    "</ul>",
    "jangan lewatkan": '<h2>Jangan Lewatkan!</h2><ul><li><a href="/a">Artikel lain yang menarik</a></li></ul>',
    "simak juga": '<p>Simak juga: <a href="/v">Video Harga Beras</a></p>',
    "simak video": "<p>Simak Video: Pedagang Beras Mengeluh</p>",
    "lihat juga": '<p>Lihat juga: <a href="/l">Foto Pasar Induk</a></p>',
    "advertisement": "<div>ADVERTISEMENT</div>",
    "scroll to continue": "<div>Scroll to continue with content</div>",
    "scroll to resume": "<p>SCROLL TO RESUME CONTENT</p>",
    "reaction widget": "<div><p>Bagaimana tanggapan anda mengenai artikel ini?</p>"
    "<span>Happy</span><span> </span><div>Inspire</div><div>Confuse</div><div>Sad</div></div>",
    "google news": "<p>Ikuti kami di Google News</p>",
    "daily update": "<p>Dapatkan update berita pilihan dan breaking news setiap hari dari Kompas.com.</p>",
    "whatsapp channel": "<p><i>Simak breaking news dan berita pilihan kami langsung di ponselmu. Pilih saluran "
    "andalanmu akses berita Kompas.com WhatsApp Channel : https://www.whatsapp.com/channel/x.</i></p>",
    "photo caption": '<figure><img src="a.jpg"><figcaption>Pedagang beras di Pasar Induk. (ANTARA FOTO/Budi)'
    "</figcaption></figure>",
    "photo credit": "<p>Foto: Medcom.id/Arga</p>",
    "tag list": '<div>Tags: <a href="/t/beras">beras</a>, <a href="/t/harga">harga</a></div>',
    "pagination": '<div><a href="?page=1">1</a> <a href="?page=2">2</a> <a href="?page=2">Selanjutnya</a></div>',
    "editor line": "<p>Editor: Bayu Galih</p>",
    "pewarta line": "<p>Pewarta: Nur Imansyah</p>",
    "copyright": "<p>Copyright © ANTARA 2025</p>",
    "crawl notice": "<p>Dilarang keras mengambil konten, melakukan crawling atau pengindeksan otomatis untuk AI "
    "di situs web ini tanpa izin tertulis dari Kantor Berita ANTARA.</p>",
    "initials alone": "<p>(AHL)</p>",
    "initials pair": "<p>(fyk/ash)</p>",
    "initials bracket": "<div>[ian]</div>",
    "media indonesia code": "<p>(Far/P-3)</p>",
    "login prompt": "<p>Lupa Kata Sandi? Klik di Sini</p>",
}


def page_with(form_html: str, position: int) -> bytes:
    parts = [f"<p>{p}</p>" for p in PARAS]
    parts.insert(position, form_html)
    return (
        "<html><head><title>Harga Beras - Kompas.com</title></head><body><nav><a href='/'>Beranda</a></nav>"
        f"<h1>Harga Beras</h1><div class='read__content'>{''.join(parts)}</div></body></html>"
    ).encode()


@pytest.mark.parametrize("position", [0, 2, 4], ids=["top", "middle", "end"])
@pytest.mark.parametrize("form", FORMS.values(), ids=FORMS.keys())
def test_boilerplate_form_is_removed(form: str, position: int):
    assert extract_article(page_with(form, position)).paragraphs == PARAS


@pytest.mark.parametrize(
    ("tail", "editor"),
    [
        (" (AHL)", "AHL"),
        (" (fyk/ash)", "fyk/ash"),
        (" (kpl/pur/tch)", "kpl/pur/tch"),
        (" [ian]", "ian"),
        ("(Mvi/Ali)", "Mvi/Ali"),
    ],
)
def test_trailing_initials_leave_the_last_paragraph_for_the_editor_field(tail: str, editor: str):
    paras = PARAS[:-1] + [PARAS[-1] + tail]
    html = "".join(f"<p>{p}</p>" for p in paras)
    article = extract_article(f"<html><body><div>{html}</div></body></html>".encode())
    assert article.paragraphs == PARAS and article.editor == editor


def test_legitimate_abbreviation_at_paragraph_end_is_kept():
    paras = PARAS[:-1] + ["Keputusan itu diumumkan oleh Bank Indonesia (BI)"]
    html = "".join(f"<p>{p}</p>" for p in paras)
    assert extract_article(f"<html><body><div>{html}</div></body></html>".encode()).paragraphs == paras


@pytest.mark.parametrize(
    "html",
    [
        "<p>{0}</p><p>{1}</p>",
        "{0}<br><br>{1}",
        "<p>{0}<p>{1}",
        "<div>{0}</div><div>{1}</div>",
        "{0}<br>\n<br>{1}",
    ],
    ids=["p", "br-br", "unclosed p", "div", "br-newline-br"],
)
def test_paragraphs_are_never_glued(html: str):
    body = html.format(PARAS[0] + "&nbsp; &nbsp;besar”.", "Dilansir " + PARAS[1]) + "".join(
        f"<p>{p}</p>" for p in PARAS[2:]
    )
    article = extract_article(f"<html><body><div>{body}</div></body></html>".encode())
    assert article.paragraphs[0] == PARAS[0] + " besar”."
    assert article.paragraphs[1].startswith("Dilansir ")


def test_profile_selector_and_drop_phrase():
    html = page_with("<p>Promo khusus pembaca setia kami minggu ini saja.</p>", 1)
    profile = ExtractSettings(body_selector="div.read__content", drop_phrases=["Promo khusus"])
    assert extract_article(html, profile=profile).paragraphs == PARAS


def test_profile_drop_selector():
    html = page_with("<div class='sisipan'>Sisipan redaksi yang tidak termasuk isi berita sama sekali.</div>", 1)
    assert extract_article(html, profile=ExtractSettings(drop_selectors=[".sisipan"])).paragraphs == PARAS
