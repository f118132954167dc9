"""The generic path (no site profile) cuts an article's edges by structure.

The page is a faithful synthetic copy of a 2015 detik article's shape
(news.detik.com/berita/2943745/...): a "Follow detikcom" line and an all-caps
slogan before the text, the byline "Bagus Kurniawan - detiknews" as the first
line, a photo with its caption, paragraphs split by ``<br><br>``, then the page's
long "News Feed" of other stories inside the same column. None of those edges
may reach the body.
"""

from __future__ import annotations

import pytest

from ingest.extract import extract_article

PARAS = [
    "Yogyakarta - Ratusan warga memadati alun-alun utara Keraton Yogyakarta sejak pagi untuk menyaksikan "
    "prosesi grebeg yang digelar setiap tahun menjelang bulan puasa.",
    "Gunungan berisi hasil bumi diarak dari dalam keraton menuju Masjid Gedhe Kauman dengan dikawal oleh "
    "prajurit keraton yang mengenakan seragam lengkap.",
    '"Kami datang dari Klaten sejak subuh agar bisa mendapat bagian dari gunungan," kata Sutarmi, salah '
    "seorang warga yang ikut berebut hasil bumi itu, Rabu (10/6/2015).",
    "Menurut Penghageng Tepas Dwarapura Keraton, prosesi tahun ini diikuti sekitar 500 abdi dalem dan "
    "prajurit. Pengamanan dibantu oleh aparat kepolisian dari Polresta Yogyakarta.",
    "Setelah didoakan di masjid, gunungan kemudian dibagikan kepada warga. Suasana sempat ricuh karena "
    "warga saling berebut, namun tidak ada korban dalam kejadian tersebut.",
]

CHANNELS = ["detikNews", "detikFinance", "detikSport", "detikHot", "detikInet", "detikOto"]
HEADLINES = [
    "Jokowi Resmikan Tol Baru di Jawa Tengah",
    "Harga Cabai di Pasar Induk Turun Drastis",
    "Persib Menang Tipis atas Arema di Kandang",
    "KPK Periksa Tiga Saksi Kasus Korupsi Jalan",
    "Cuaca Ekstrem, BMKG Minta Nelayan Waspada",
    "Ahok Tanggapi Kritik Soal Penggusuran",
    "Ribuan Pemudik Mulai Padati Stasiun Senen",
    "Polisi Tangkap Pengedar Sabu di Medan",
    "Rupiah Melemah ke Level 13.300 per Dolar AS",
    "Menteri Susi Tenggelamkan Kapal Asing Lagi",
    "Gempa 5,2 SR Guncang Maluku Utara",
    "DPR Kebut Pembahasan RUU Pilkada",
]


def news_feed(items: int) -> str:
    """The column's "News Feed": teaser items of image link, channel, time, linked headline, one-line summary."""
    out = ['<div class="newsfeed"><h3 class="title_lnf">News Feed</h3><ul class="list_feed">']
    for i in range(items):
        headline = HEADLINES[i % len(HEADLINES)] + ("" if i < len(HEADLINES) else f" ({i})")
        href = f"http://news.detik.com/berita/{2943700 + i}/x"
        summary = (
            f"<p>{headline.split()[0]} menjadi sorotan warga sejak kemarin sore. Sejumlah pihak memberikan "
            "tanggapan yang beragam. Simak informasi selengkapnya mengenai peristiwa ini dalam berita berikut.</p>"
        )
        out.append(
            f'<li><article><a href="{href}"><span class="ratiobox"><img src="/t{i}.jpg"></span></a>'
            f'<div class="desc_nhl"><span class="labkanal">{CHANNELS[i % len(CHANNELS)]}</span>'
            f'<span class="labdate">Rabu, 10/06/2015 {10 + i % 12:02d}:{i % 60:02d} WIB</span>'
            f'<h2><a href="{href}">{headline}</a></h2>{summary}</div></article></li>'
        )
    out.append("</ul></div>")
    return "".join(out)


def detik_page(feed_items: int = 25) -> bytes:
    body = "<br><br>".join(PARAS)
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8">
<title>Ratusan Warga Berebut Gunungan Grebeg di Yogyakarta</title></head><body>
<div id="header"><a href="/">detikNews</a><ul class="menu"><li><a href="/berita">Berita</a></li>
<li><a href="/daerah">Daerah</a></li><li><a href="/internasional">Internasional</a></li></ul></div>
<div class="container"><div class="content_detail">
<div class="breadcrumb"><a href="/">detikNews</a> &gt; <a href="/berita">Berita</a></div>
<h1>Ratusan Warga Berebut Gunungan Grebeg di Yogyakarta</h1>
<div class="date">Rabu, 10/06/2015 14:20 WIB</div>
<div class="detail_text" id="detikdetailtext">
<div class="kanal_top">Follow detikcom <a href="https://twitter.com/detikcom"><img src="/tw.png"></a></div>
<div class="kicker">MUDA DAN MENGINSPIRASI</div>
<div class="author">Bagus Kurniawan - detiknews</div>
<div class="pic_artikel"><img src="/foto/grebeg.jpg" alt="grebeg">
<span>Warga berebut gunungan di halaman Masjid Gedhe Kauman (Bagus Kurniawan/detikcom)</span></div>
<span class="ilustrasi">Foto: Bagus Kurniawan/detikcom</span><br><br>
{body}
<br><br><div class="share_box"><span>Share:</span><a href="#fb">Facebook</a><a href="#tw">Twitter</a></div></div>
{news_feed(feed_items)}
</div></div>
<div id="footer"><a href="/redaksi">Redaksi</a> <a href="/pedoman">Pedoman Media Siber</a>
<p>Copyright @ 2015 detikcom. All right reserved</p></div>
</body></html>""".encode()


def test_detik_2015_shape_extracts_clean():
    article = extract_article(detik_page(), "https://news.detik.com/berita/2943745/x")
    assert article.paragraphs == PARAS


@pytest.mark.parametrize("feed_items", [4, 25, 60])
def test_news_feed_of_any_length_stays_out(feed_items: int):
    body = extract_article(detik_page(feed_items)).body
    assert "News Feed" not in body
    assert not any(h in body for h in HEADLINES)
    assert "menjadi sorotan warga" not in body


LEAD_AND_CAPTIONS = {
    "follow line": "<div>Follow detikcom</div>",
    "slogan": "<div>MUDA DAN MENGINSPIRASI</div>",
    "byline with site": "<div>Bagus Kurniawan - detiknews</div>",
    "reporter report": "<p>Laporan Wartawan Tribunnews.com, Danang Triatmojo</p>",
    "reporter line": "<p>Reporter: Andi Saputra</p>",
    "illustration": "<p>Ilustrasi gedung DPR</p>",
    "photo credit in parentheses": "<p>(Foto: Bagus Kurniawan/detikcom)</p>",
    "picture with a caption span": '<div><img src="/a.jpg"><span>Warga di depan keraton (Bagus/detikcom)</span></div>',
    "figcaption": '<figure><img src="/a.jpg"><figcaption>Warga berebut gunungan.</figcaption></figure>',
}


@pytest.mark.parametrize("lead", LEAD_AND_CAPTIONS.values(), ids=LEAD_AND_CAPTIONS.keys())
def test_lead_lines_and_captions_stay_out(lead: str):
    html = f"<html><body><div>{lead}{''.join(f'<p>{p}</p>' for p in PARAS)}</div></body></html>"
    assert extract_article(html.encode()).paragraphs == PARAS


def test_all_caps_subheading_after_the_first_sentence_stays():
    paras = PARAS[:2] + ["SUASANA RICUH"] + PARAS[2:]
    html = f"<html><body><div>{''.join(f'<p>{p}</p>' for p in paras)}</div></body></html>"
    assert extract_article(html.encode()).paragraphs == paras


def test_a_list_of_links_inside_the_article_is_not_a_feed():
    """Three linked sources are too few to be a list of other stories; prose items are never teasers."""
    items = "".join(
        f"<li>{p} Lihat <a href='/s{i}'>dokumen resmi pemerintah daerah</a>.</li>" for i, p in enumerate(PARAS[:3])
    )
    html = f"<html><body><div><p>{PARAS[3]}</p><ul>{items}</ul><p>{PARAS[4]}</p></div></body></html>"
    paragraphs = extract_article(html.encode()).paragraphs
    assert len(paragraphs) == 5


def test_short_linked_lines_after_the_last_paragraph_go():
    tail = '<p>Selengkapnya di <a href="/kanal">detikNews</a></p><p><a href="/x">Indeks berita hari ini</a> terbaru</p>'
    html = f"<html><body><div>{''.join(f'<p>{p}</p>' for p in PARAS)}{tail}</div></body></html>"
    assert extract_article(html.encode()).paragraphs == PARAS


def test_a_link_inside_a_prose_paragraph_at_the_end_stays():
    last = PARAS[-1][:-1] + ', menurut <a href="/polda">keterangan polisi</a>.'
    html = f"<html><body><div>{''.join(f'<p>{p}</p>' for p in PARAS[:-1])}<p>{last}</p></div></body></html>"
    assert extract_article(html.encode()).paragraphs[-1].endswith("menurut keterangan polisi.")
