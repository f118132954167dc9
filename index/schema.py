"""The Whoosh schema: what is searchable, in which view, and what is stored.

Each text has two views: a stemmed one for recall (``menjatuhkan sanksi``
matches ``sanksi-sanksi``, ``dijatuhkan``) and an exact one for precision
(quoted phrases and names). Titles weigh more than bodies. Bodies are not
stored here: snippets are cut from the archive's copy, which keeps the index
small and the archive the one source of truth.
"""

from __future__ import annotations

from whoosh.fields import DATETIME, ID, STORED, TEXT, Schema

from index.analysis import exact_analyzer, stemmed_analyzer

TITLE_BOOST = 2.0

#: Field aliases users may type in queries, Indonesian beside English.
FIELD_ALIASES = {
    "judul": "title",
    "penulis": "author",
    "sumber": "source",
    "isi": "body",
    "rubrik": "section",
    "bagian": "section",
}

#: The fields a bare query word is looked up in.
DEFAULT_FIELDS = ("title", "body")


def build_schema() -> Schema:
    stemmed = stemmed_analyzer()
    exact = exact_analyzer()
    return Schema(
        id=ID(stored=True, unique=True),
        url=ID(stored=True),
        source=ID(stored=True, sortable=True),
        section=ID(stored=True),
        title=TEXT(analyzer=stemmed, field_boost=TITLE_BOOST, stored=True),
        title_exact=TEXT(analyzer=exact, field_boost=TITLE_BOOST),
        body=TEXT(analyzer=stemmed),
        body_exact=TEXT(analyzer=exact),
        author=TEXT(analyzer=exact, stored=True),
        published=DATETIME(sortable=True),
        published_text=STORED,
        month=ID(stored=True, sortable=True),
    )
