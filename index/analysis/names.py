"""Names that look like derived words, kept whole by the stemmer.

A dictionary stemmer leaves unknown words alone, so most names are safe
(``Prabowo``, ``Jokowi``). The danger is a name that parses as prefix + root:
``Terawan`` -> ``awan``, ``Pemalang`` -> ``malang``, ``Kediri`` -> ``diri``. The
list in ``names.txt`` holds words that 2019 news writes capitalised in at
least 90% of their mid-sentence uses and that the stemmer would cut; it is
built by :mod:`.corpusstats`.

Why a list and not the token's case at index time: the decision must be the
same when the query is analysed, and a reporter types ``terawan`` in lower
case. A word's treatment therefore depends on the word alone, so index and
query always agree. The cost: an institution word the corpus nearly always
capitalises (``Perhubungan``) is also kept whole, which suits exact search for
the institution.
"""

from __future__ import annotations

from functools import cache

from index.analysis.lexicon import package_words


@cache
def names() -> frozenset[str]:
    """The protected names (package data ``names.txt``)."""
    return frozenset(package_words("names.txt"))


def is_protected_name(word: str) -> bool:
    """True when ``word`` is a name the stemmer must not cut."""
    return word in names()
