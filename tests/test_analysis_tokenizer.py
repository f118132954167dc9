"""Tokenizing rules, one case each, on sentences from the 2019 news corpus (../shared/corpus)."""

from __future__ import annotations

import pytest

from index.analysis import tokenize
from index.analysis.tokenizer import scan

# (rule, real sentence or fragment, tokens that must appear whole)
KEPT_WHOLE = [
    ("rupiah with decimal comma", "setara dengan Rp 2,1 miliar.", ["2,1", "miliar"]),
    ("rupiah glued to the number", "anggaran Rp14,7 miliar untuk", ["rp14,7"]),
    ("thousands separator", "penelitian yang melibatkan 1.368 orang Eropa", ["1.368"]),
    (
        "url without scheme",
        "tiket secara online via website dari , di www.tiket.com/promo/paw-patrol-live-show. ,",
        ["www.tiket.com/promo/paw-patrol-live-show"],
    ),
    (
        "url with scheme",
        "baca https://nasional.kompas.com/read/2019/09/10/a?x=1, lalu",
        ["https://nasional.kompas.com/read/2019/09/10/a?x=1"],
    ),
    ("e-mail", "kirim ke redaksi@tempo.co.id sebelum Senin.", ["redaksi@tempo.co.id"]),
    ("hyphenated acronym", "PDI-P memiliki kriteria yang bakal menduduki kursi Wali Kota", ["pdi-p"]),
    ("reduplication stays one token", "ketika anak-anak mengekspresikan diri", ["anak-anak"]),
    ("number inside a name", "pasien Covid-19 di Wuhan", ["covid-19"]),
]


@pytest.mark.parametrize(("rule", "text", "expected"), KEPT_WHOLE, ids=[case[0] for case in KEPT_WHOLE])
def test_kept_whole(rule: str, text: str, expected: list[str]) -> None:
    tokens = tokenize(text)
    for token in expected:
        assert token in tokens, f"{rule}: {token!r} not in {tokens}"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Keep calm I’m 17 weeks pregnant.", ["keep", "calm", "im", "17", "weeks", "pregnant"]),
        ("hari Jum’at dan Jum'at", ["hari", "jumat", "dan", "jumat"]),
        (
            "“Paw Patrol Live! ‘Race to the Rescue’ adalah",
            ["paw", "patrol", "live", "race", "to", "the", "rescue", "adalah"],
        ),
        ("produk L’Oréal", ["produk", "loreal"]),
    ],
    ids=["curly apostrophe", "straight and curly are one term", "curly quotes are not tokens", "accents folded"],
)
def test_quotes_and_apostrophes(text: str, expected: list[str]) -> None:
    assert tokenize(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("berdasarkan versi yang dibangun dari imajinasi atau mungkin intuisi-nya.", "intuisi"),
        ("Ketua KPK-nya menolak", "kpk"),
        ("dia-lah yang datang", "dia"),
    ],
    ids=["-nya", "acronym-nya", "-lah"],
)
def test_hyphenated_clitic_dropped(text: str, expected: str) -> None:
    assert expected in tokenize(text)


@pytest.mark.parametrize(
    ("text", "surface", "protected"),
    [
        ("ucapan Presiden AS Donald , yang menyebut", "as", True),
        ("Ketua KPK Agus Rahardjo", "kpk", True),
        ("PDI-P memiliki kriteria", "pdi-p", True),
        ("dikenal A.S. sebagai negara", "as", True),
        ("sama seperti as roda", "as", False),
        ("BERITA MENGEJUTKAN SEKALI", "mengejutkan", False),
    ],
    ids=["AS", "KPK", "PDI-P", "dotted A.S.", "lower-case as", "shouting is not an acronym"],
)
def test_acronyms_are_protected(text: str, surface: str, protected: bool) -> None:
    token = next(t for t in scan(text) if t.text == surface)
    assert token.protected is protected


def test_numbers_urls_emails_are_protected() -> None:
    kinds = {t.text: t.protected for t in scan("Rp 2,1 miliar di www.tiket.com ke a@b.co")}
    assert kinds["2,1"] and kinds["www.tiket.com"] and kinds["a@b.co"]
    assert not kinds["miliar"]


def test_character_spans_point_at_the_surface() -> None:
    text = "Presiden AS Donald Trump"
    assert [text[t.start : t.end] for t in scan(text)] == ["Presiden", "AS", "Donald", "Trump"]
