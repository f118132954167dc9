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
