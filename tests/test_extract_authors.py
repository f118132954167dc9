"""Bylines: a role label glued to an internal code is not a person."""

from __future__ import annotations

import pytest

from ingest.extract import extract_article
from ingest.extract.authors import clean_names


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
