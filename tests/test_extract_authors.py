"""Bylines: writers only; outlets, editors, photographers and sign-off codes are not persons."""

from __future__ import annotations

import pytest

from ingest.extract import extract_article
from ingest.extract.authors import clean_names
from ingest.extract.bylines import site_tokens


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Pewarta: prwir", []),
        ("Pewarta: Desca Lidya Natalia", ["Desca Lidya Natalia"]),
        ("Penulis : Kontributor Lhokseumawe, Masriadi", ["Masriadi"]),
    ],
)
def test_labels_are_dropped_and_codes_refused(raw: str, expected: list[str]) -> None:
    assert clean_names([raw]) == expected


PROSE = ("Pemerintah kota menggelar pameran produk lokal selama sepekan di alun-alun, menghadirkan ratusan pelaku "
         "usaha kecil dari berbagai kecamatan yang menjual makanan, kerajinan tangan, dan pakaian batik khas daerah.")


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Oleh-oleh Khas Bandung Diburu Pemudik", []),
        ("Laporan Keuangan Bank Mandiri", []),
        ("Oleh: Budi Santoso", ["Budi Santoso"]),
        ("Laporan Wartawan Tribunnews.com, Dewi Lestari", ["Dewi Lestari"]),
    ],
)
def test_a_byline_label_must_stand_as_a_label(line: str, expected: list[str]) -> None:
    html = (f"<html><head><title>Pameran produk lokal</title></head><body><article><h1>Pameran produk lokal</h1>"
            f"<p>{line}</p><p>{PROSE}</p><p>{PROSE}</p></article></body></html>")
    assert extract_article(html.encode()).authors == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Bagus Kurniawan - detiknews", ["Bagus Kurniawan"]),
        ("Ani Sulistyo | Kompas.com", ["Ani Sulistyo"]),
        ("Liputan6.com, Jakarta", []),
        ("Budi Santoso (Antara)", ["Budi Santoso"]),
        ("Tribunnews.com", []),
        ("CNN Indonesia", []),
        ("Rina Wulandari, CNN Indonesia", ["Rina Wulandari"]),
        ("Hendra Wijaya - Tribun Jabar", ["Hendra Wijaya"]),
        ("Siti Nur-Aini - Kompas.com", ["Siti Nur-Aini"]),
        ("Dewi Kania, Jakarta", ["Dewi Kania"]),
        ("Yoga Pratama - beritaharian.co.id", ["Yoga Pratama"]),
    ],
)
def test_outlets_are_dropped_from_names(raw: str, expected: list[str]) -> None:
    assert clean_names([raw]) == expected


def test_the_pages_own_site_name_is_an_outlet() -> None:
    """A brand no list knows is still an outlet on its own site (og:site_name or host)."""
    assert clean_names(["Hendra Wijaya - Serambinews"]) == ["Hendra Wijaya", "Serambinews"]
    assert clean_names(["Hendra Wijaya - Serambinews"], site_tokens("Serambinews.com", None)) == ["Hendra Wijaya"]
    assert clean_names(["Serambi News"], site_tokens(None, "https://aceh.serambinews.com/x")) == []


@pytest.mark.parametrize(
    ("site_name", "url", "expected"),
    [
        ("KOMPAS.com", "https://megapolitan.kompas.com/read/1", {"kompas"}),
        (None, "https://news.detik.com/berita/d-1/x", {"detik"}),
        (None, "https://www.antaranews.co.id/berita/1", {"antaranews"}),
        ("Serambi News", None, {"serambinews"}),
    ],
)
def test_site_tokens(site_name: str | None, url: str | None, expected: set[str]) -> None:
    assert site_tokens(site_name, url) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Ani Lestari, Budi Hartono dan Citra Dewi", ["Ani Lestari", "Budi Hartono", "Citra Dewi"]),
        ("Ani Lestari & Budi Hartono", ["Ani Lestari", "Budi Hartono"]),
        ("Ani Lestari/Budi Hartono", ["Ani Lestari", "Budi Hartono"]),
        ("Ani Lestari/rul", ["Ani Lestari"]),
    ],
)
def test_several_authors_are_split(raw: str, expected: list[str]) -> None:
    assert clean_names([raw]) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Penulis: Ani Lestari | Editor: Budi Hartono", ["Ani Lestari"]),
        ("Reporter: Ani Lestari Editor: Budi Hartono", ["Ani Lestari"]),
        ("Pewarta: Nur Imansyah / Editor: Ade Marboen", ["Nur Imansyah"]),
        ("Kontributor: Masriadi", ["Masriadi"]),
        ("Editor: Budi Hartono", []),
        ("Redaktur: Budi Hartono", []),
        ("Penyunting: Budi Hartono", []),
        ("Fotografer: Budi Hartono", []),
    ],
)
def test_only_writers_are_authors(raw: str, expected: list[str]) -> None:
    assert clean_names([raw]) == expected


@pytest.mark.parametrize("raw", ["(FJR)", "(rul/bgs)", "(ant)", "(*)", "FJR", "rul/bgs", "(Far/P-3)"])
def test_sign_off_codes_are_not_authors(raw: str) -> None:
    assert clean_names([raw]) == []


def _page(before: str, head: str = "") -> bytes:
    return (f"<html><head>{head}<title>Pameran produk lokal</title></head><body><article><h1>Pameran produk lokal"
            f"</h1>{before}<p>{PROSE}</p><p>{PROSE}</p></article></body></html>").encode()


def test_editor_line_before_the_writer_is_not_the_author() -> None:
    html = _page("<p>Editor: Budi Hartono</p><p>Penulis: Ani Lestari</p>")
    assert extract_article(html).authors == ["Ani Lestari"]


def test_sign_off_in_an_author_element_is_not_an_author() -> None:
    assert extract_article(_page('<span class="author">(FJR)</span>')).authors == []


def test_site_name_of_the_page_is_cut_from_the_byline() -> None:
    head = '<meta property="og:site_name" content="Serambinews.com">'
    html = _page("<p>Penulis: Hendra Wijaya - Serambinews</p>", head)
    assert extract_article(html).authors == ["Hendra Wijaya"]
    url_only = extract_article(_page("<p>Penulis: Hendra Wijaya - Serambinews</p>"), "https://aceh.serambinews.com/x")
    assert url_only.authors == ["Hendra Wijaya"]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("Dewi Kania Jurnalis", ["Dewi Kania"]), ("Ani Lestari Editor", []), ("Ani Lestari Fotografer", [])],
)
def test_a_role_after_the_name_decides(raw: str, expected: list[str]) -> None:
    assert clean_names([raw]) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Arga sumantri \u2022 16 Mei 2023 06:08", ["Arga sumantri"]),
        ("Oleh: Dr. Budi Santoso, M.Si", ["Dr. Budi Santoso"]),
        ("Ani Lestari, S.H., M.H.", ["Ani Lestari"]),
        ("Penulis: Ani Lestari - Kamis, 12 Mei 2022", ["Ani Lestari"]),
    ],
)
def test_what_follows_a_name_is_not_a_name(raw: str, expected: list[str]) -> None:
    assert clean_names([raw]) == expected
