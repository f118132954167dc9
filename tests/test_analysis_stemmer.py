"""Stemming rules, one case per rule; the error classes of ../shared/stem/README.md each have a case."""

from __future__ import annotations

import pytest

from index.analysis import stem
from index.analysis.stopwords import stopwords

RULES = [
    # (rule, word, root)
    ("a root is never cut", "makan", "makan"),
    ("meN- + -kan", "menaikkan", "naik"),
    ("di- + -i", "dilumuri", "lumur"),
    ("peN- + -an", "penilaian", "nilai"),
    ("ke- + -an", "kehidupan", "hidup"),
    ("ber-", "berjalan", "jalan"),
    ("ter-", "terwujud", "wujud"),
    ("memper- + -kan", "dipersiapkan", "siap"),
    ("-nya", "kisahnya", "kisah"),
    ("-lah", "berfirmanlah", "firman"),
    ("ku-", "kuambil", "ambil"),
    ("per-an beats a bare -kan (perbankan)", "perbankan", "bank"),
    ("pe-kan is not a confix (penegakan)", "penegakan", "tegak"),
    ("lexicalised acronym is a root (pemilu)", "pemilu", "pemilu"),
    ("imperative -kan beats ber+vowel (berikan)", "berikan", "beri"),
    ("no -is suffix (menangis)", "menangis", "tangis"),
    ("compound under a confix (menandatangani)", "menandatangani", "tandatangan"),
    ("compound under per-an (pertanggungjawaban)", "pertanggungjawaban", "tanggungjawab"),
    ("usual recoding first (berada)", "berada", "ada"),
    ("corpus frequency breaks recoding ties (memakan)", "memakan", "makan"),
    ("particle dearer than a prefix (menikah)", "menikah", "nikah"),
    ("se- is not stripped (secara)", "secara", "secara"),
    ("ke- alone makes ordinals (kedua)", "kedua", "kedua"),
    ("lexicalised se- root under affixes (disetujui)", "disetujui", "setuju"),
    ("unknown word kept whole", "jokowi", "jokowi"),
    ("name that looks derived (Terawan)", "terawan", "terawan"),
]


@pytest.mark.parametrize(("rule", "word", "root"), RULES, ids=[case[0] for case in RULES])
def test_stemming_rule(rule: str, word: str, root: str) -> None:
    assert stem(word) == root


REDUPLICATION = [
    ("full", "anak-anak", "anak"),
    ("full with clitic", "anak-anaknya", "anak"),
    ("lexical full (kupu-kupu)", "kupu-kupu", "kupu"),
    ("affixed (berhati-hati)", "berhati-hati", "hati"),
    ("affixed (kerajaan-kerajaan)", "kerajaan-kerajaan", "raja"),
    ("rhyming (sayur-mayur)", "sayur-mayur", "sayur"),
    ("me- on the second half (meniru-nirukan)", "meniru-nirukan", "tiru"),
    ("hyphenated acronym kept", "pdi-p", "pdi-p"),
    ("hyphenated name with number kept", "covid-19", "covid-19"),
]


@pytest.mark.parametrize(("rule", "word", "root"), REDUPLICATION, ids=[case[0] for case in REDUPLICATION])
def test_reduplication(rule: str, word: str, root: str) -> None:
    assert stem(word) == root


@pytest.mark.parametrize("word", ["tahun", "baru", "kasus", "pihak", "naik", "tinggi", "orang", "kerja"])
def test_content_words_reporters_search_for_are_not_stopwords(word: str) -> None:
    assert word not in stopwords()


@pytest.mark.parametrize("word", ["yang", "dan", "di", "dari", "ini", "itu"])
def test_function_words_are_stopwords(word: str) -> None:
    assert word in stopwords()
