"""The Whoosh schema: what is searchable, and what is stored.

Title and body are :class:`index.fields.MergedText` fields: exact words for
quoted phrases and names, marked roots so a free word matches all its forms
(``menjatuhkan sanksi`` finds ``sanksi-sanksi`` and ``dijatuhkan``). The body
field is indexed with the headline in front, its words weighing TITLE_BOOST
times and the lead's LEAD_BOOST times, so a free word walks one field's
postings; the title field serves ``judul:``.
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

#: How many times a headline word counts in the body field (news: the headline says what
#: the story is about). Known-item MRR@10 on news, with the lead below: 2 0.921, 3 0.941, 5 0.953,
#: 8 0.961. Those queries are made from headlines, so higher keeps helping them; 5 (a common title
#: boost for news) stops short of letting a passing headline mention outweigh a story about the word.
TITLE_BOOST = 5.0
#: The lead: the body's first LEAD_WORDS words (function words included) count LEAD_BOOST
#: times. A news lead and an encyclopedia paragraph's opening name their subject; judged
#: questions (tydi-id, tune half) gained 0.019 nDCG@10 (README, "Relevance").
LEAD_WORDS = 10
LEAD_BOOST = 2.0

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
