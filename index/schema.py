"""The Whoosh schema: what is searchable, and what is stored.

Title and body are :class:`index.fields.MergedText` fields: exact words for
quoted phrases and names, marked roots so a free word matches all its forms
(``menjatuhkan sanksi`` finds ``sanksi-sanksi`` and ``dijatuhkan``). The body
field is indexed with the headline in front, its words weighing double, so a
free word walks one field's postings; the title field serves ``judul:``.
Bodies are not stored here: snippets are cut from the archive's copy, which
keeps the index small and the archive the one source of truth. The publish
time is a column, not indexed terms: date filters and sorting read it
directly (see :mod:`search.docarrays`).
"""

from __future__ import annotations

from whoosh.columns import NumericColumn
from whoosh.fields import COLUMN, ID, STORED, TEXT, Schema

from index.analysis import exact_analyzer
from index.fields import MergedText

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

#: The fields a bare query word is looked up in: the body field holds the
#: headline too (weighted by TITLE_BOOST); ``judul:`` searches headlines alone.
DEFAULT_FIELDS = ("body",)

#: The ``published`` column's value for an article without a date.
NO_DATE = 0


def build_schema() -> Schema:
    return Schema(
        id=ID(stored=True, unique=True),
        url=STORED,
        source=ID(stored=True, sortable=True),
        section=ID(stored=True),
        title=MergedText(field_boost=TITLE_BOOST, stored=True),
        body=MergedText(),
        author=TEXT(analyzer=exact_analyzer(), stored=True),
        published=COLUMN(NumericColumn("Q", default=NO_DATE)),
        published_text=STORED,
        month=ID(sortable=True),
    )
