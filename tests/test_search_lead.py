"""A story's headline and lead say what it is about: their words weigh more.

The body field holds the headline (each word counting ``TITLE_BOOST`` times) and
then the text, whose first ``LEAD_WORDS`` words count ``LEAD_BOOST`` times. The
field's length stays its word count, so the weighting moves a word's frequency,
never the length normalisation. Read back here from Whoosh's own postings, and
seen in a ranking: of two articles of the same length mentioning a word once, the
one naming it in the lead comes first.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from index.archive import Archive
from index.fields import Headlined, MergedText
from index.schema import LEAD_BOOST, LEAD_WORDS, TITLE_BOOST
from index.store import SearchIndex
from kliping.article import Article
from search.engine import Engine, SearchRequest

FILLER = "Warga kota menunggu kabar dari pemerintah daerah tentang rencana perbaikan jalan utama."
#: Ten filler sentences: long enough that a word placed after them is far past the lead.
PADDING = " ".join([FILLER] * 10)


def _weights(text: Headlined) -> dict[str, tuple[int, float]]:
    """term -> (occurrences, weight) as the field posts them."""
    return {term.decode(): (freq, weight) for term, freq, weight, _ in MergedText().index(text)}


def test_lead_words_weigh_more_and_headline_words_most() -> None:
    # a lead of 5 words: "Tsunami melanda pantai. Warga kota" (the padding's first sentence repeats 10 times)
    words = _weights(Headlined("Gempa Palu", "Tsunami melanda pantai. " + PADDING + " Tsunami lagi.", 3.0, 5, 2.0))
    assert words["gempa"] == (1, 3.0)
    assert words["tsunami"] == (2, 2.0 + 1)  # once in the lead, once far after it
    assert words["warga"] == (10, 2.0 + 9)  # once in the lead
    assert words["menunggu"] == (10, 10.0)  # word 6: past the lead
    assert LEAD_WORDS >= 5 and TITLE_BOOST > LEAD_BOOST > 1  # what the index is built with


def test_without_a_lead_every_body_word_counts_once() -> None:
    words = _weights(Headlined("Gempa", "Tsunami melanda pantai.", TITLE_BOOST))
    assert words["tsunami"] == (1, 1.0)


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    root: Path = tmp_path_factory.mktemp("lead")
    archive = Archive(root / "archive.sqlite3")
    # the same words, the same length: only where "longsor" stands differs
    bodies = {"https://contoh.id/lead": f"Longsor menimbun rumah warga. {PADDING} Pagi.",
              "https://contoh.id/tail": f"Pagi menimbun rumah warga. {PADDING} Longsor."}
    for url, body in bodies.items():
        archive.upsert(Article(url=url, title="Kabar daerah", body=body, source="contoh.id",
                               published="2019-09-03T10:00:00+07:00"))
    for n in range(8):  # a collection for the IDF to mean something
        archive.upsert(Article(url=f"https://contoh.id/lain{n}", title=f"Berita {n}", body=PADDING,
                               source="contoh.id", published="2019-09-03T10:00:00+07:00"))
    index = SearchIndex(root / "index")
    index.catch_up(archive)
    return Engine(index, archive, refresh_every=0)


def test_the_article_naming_the_word_in_its_lead_ranks_first(engine: Engine) -> None:
    hits = engine.search(SearchRequest(query="longsor")).hits
    assert [h.url for h in hits] == ["https://contoh.id/lead", "https://contoh.id/tail"]
    assert hits[0].score > hits[1].score
