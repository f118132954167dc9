"""Stopwords for the stemmed view: a short list of true function words.

The published Indonesian lists (``../shared/stopwords/``) descend from Tala
(2003, 758 words) and drop content words reporters search for: ``tahun``,
``baru``, ``kasus``, ``pihak``, ``naik``, ``tinggi``, ``besar``, ``hari``
(pysastrawi adds ``orang`` and ``kerja``). Removing them at index time would
make "kasus korupsi" or "suku bunga naik" lose a term for good.

kliping's ``stopwords.txt`` starts from the short 2017 PHP Sastrawi list
(function words only) with the content-bearing entries taken out (``kembali``,
``dua``, ``harus``, ``belum``, ``ingin``, ``lain``, ``pasti``, ``tolong``,
``boleh``, ``dapat``, ``guna``, ``sebab``, ``hal``, ``saat``, ``antara``...):
pronouns, conjunctions, prepositions and particles, which match nearly every
article and so only cost index size and query time. The exact view keeps every
word, so a quoted phrase still matches "di antara" or "yang ini".
"""

from __future__ import annotations

from functools import cache

from index.analysis.lexicon import package_words


@cache
def stopwords() -> frozenset[str]:
    """The stemmed view's stopwords (package data ``stopwords.txt``)."""
    return frozenset(package_words("stopwords.txt"))


#: Question particles glued to a question word (``siapakah``, ``apatah``).
QUESTION_PARTICLES = ("kah", "tah")


@cache
def _question_words() -> frozenset[str]:
    return frozenset(package_words("question_words.txt"))


def is_question_word(word: str) -> bool:
    """``apa``, ``siapakah``, ``dimanakah``: words that ask rather than name what is sought.

    A question typed as is must not need them in an article; the index keeps them.
    """
    words = _question_words()
    if word in words:
        return True
    return any(word.endswith(p) and word[: -len(p)] in words for p in QUESTION_PARTICLES)
