"""One article as an OpenSearch document, analysed by kliping, and the mapping that keeps that analysis.

OpenSearch's own ``indonesian`` stemmer is a rule stemmer (about 78% of roots right against kliping's 91%),
so the cluster never analyses text: each text field holds kliping's terms joined by spaces, read back by a
whitespace tokenizer.

- ``words`` (``title_words``): the exact words in order, with ``_`` where a function word stood, so quoted
  phrases line up as in Whoosh; a compound's parts stand at its position, as in the embedded field (the
  token ``rusia-ukraina<rusia<ukraina``, split by a ``pattern_capture`` filter into terms at one position);
  the headline (``TITLE_BOOST`` times, as Whoosh weighs it) and the body are separate values,
  ``position_increment_gap`` apart, so no phrase spans two;
- ``roots`` (``title_roots``): one root per word (every part's root for a compound), the headline's written
  ``TITLE_BOOST`` times: a free word is one BM25 over its root family, as :mod:`search.vector` scores it;
- the lead (the body's first ``LEAD_WORDS`` words) is written ``LEAD_BOOST`` times in ``roots`` and ``words``,
  so every term counts as often as in the embedded body field's weights;
- ``body_length``/``title_length``: the embedded fields' lengths (every index term, exact forms and marked
  roots, the headline's counted once), and ``body_norm``/``title_norm`` the same as Whoosh reads them back
  from its one-byte encoding, so BM25's length normalisation is the embedded engine's, not Lucene's.

The four text fields score by the ``tf`` similarity (a term's score is its frequency, times the query's
boost): :mod:`search.opensearch.translate` computes BM25 itself, in a ``script_score`` over these lengths
and the whole index's statistics, as :mod:`search.vector` does.
"""

from __future__ import annotations

from typing import Any

from whoosh.util.numeric import byte_to_length, length_to_byte

from index.analysis.tokenizer import matches, scan
from index.analysis.views import ROOT_MARK, surface_terms
from index.dates import to_wib_naive
from index.fields import HEADLINE_GAP
from index.schema import LEAD_BOOST, LEAD_WORDS, TITLE_BOOST
from kliping.article import Article

#: Bumped whenever the mapping or the analysis changes what is indexed; another is refused (reindex).
FORMAT = 3
#: Stands where a function word was: keeps phrase positions; never a query word.
GAP = "_"
#: Joins the exact terms that stand at one position (a compound and its parts); no token holds it.
STACK = "<"
#: BM25 as kliping's ranking sets it (search.ranking.DEFAULT; a test checks they agree).
K1, B = 1.2, 0.65
#: The similarity of the text fields: a term's (or phrase's) frequency, times the query's boost.
TF_SIMILARITY = {"type": "scripted", "script": {"source": "return query.boost * doc.freq;"}}


def analysed(text: str) -> tuple[str, str]:
    """(exact words with gaps, roots) of a text, each as space-joined terms."""
    words, roots, _ = _tokens(text)
    return " ".join(words), " ".join(r for each in roots for r in each)


def _tokens(text: str) -> tuple[list[str], list[list[str]], int]:
    """Per token: its exact word (or GAP) and its roots; and the embedded field's length for the text (every
    index term of every token, as :func:`index.analysis.views.index_positions` posts them)."""
    words: list[str] = []
    roots: list[list[str]] = []
    length = 0
    for match in matches(text):
        terms = surface_terms(match.lastgroup, match.group())
        length += len(terms)
        if not terms:
            words.append(GAP)
            roots.append([])
            continue
        words.append(STACK.join(t for t in terms if not t.startswith(ROOT_MARK)))
        roots.append(root_forms(terms))
    return words, roots, length


def whoosh_norm(length: int) -> int:
    """A field length as Whoosh's BM25 reads it back (one byte per document, rounded up)."""
    return int(byte_to_length(length_to_byte(length)))


def root_forms(terms: tuple[str, ...]) -> list[str]:
    """The roots a token's index terms stand for: a marked root replaces the exact form before it."""
    out = []
    for i, term in enumerate(terms):
        if term.startswith(ROOT_MARK):
            out.append(term[len(ROOT_MARK):])
        elif not (i + 1 < len(terms) and terms[i + 1].startswith(ROOT_MARK)):
            out.append(term)
    return out


def author_words(author: str) -> str:
    """The author's words as Whoosh's exact analyzer reads them (``Ma'ruf`` -> ``maruf``)."""
    return " ".join(token.text for token in scan(author))


def document(article: Article, seq: int = 0) -> dict[str, Any]:
    """The document of ``article``, the archive's ``seq`` of this copy with it (ties rank by it, oldest first,
    as the embedded index's document order breaks them)."""
    published = to_wib_naive(article.published)
    head_words, head_roots, head_length = _tokens(article.title)
    body_words, body_roots, body_length = _tokens(article.body)
    repeat = max(1, round(TITLE_BOOST))
    # the lead counts LEAD_BOOST times, as in the embedded index (index/schema.py, index.fields.Headlined)
    lead = max(0, round(LEAD_BOOST) - 1)
    head_text, body_text = " ".join(head_words), " ".join(body_words)
    head_root_text = " ".join(r for each in head_roots for r in each)
    lead_roots = " ".join(r for each in body_roots[:LEAD_WORDS] for r in each)
    return {
        "id": article.id,
        "url": article.url,
        "source": article.source or "",
        "section": (article.section or "").lower(),
        "title": article.title,
        "author": article.author or "",
        "author_words": author_words(article.author or ""),
        "published": published.isoformat(timespec="seconds") if published else None,
        "published_text": article.published,
        "month": published.strftime("%Y-%m") if published else "",
        "words": [head_text] * repeat + [body_text] + [" ".join(body_words[:LEAD_WORDS])] * lead,
        "roots": " ".join([head_root_text] * repeat + [lead_roots] * lead
                          + [" ".join(r for each in body_roots for r in each)]),
        "title_words": head_text,
        "title_roots": head_root_text,
        "body_length": head_length + body_length,
        "body_norm": whoosh_norm(head_length + body_length),
        "title_length": head_length,
        "title_norm": whoosh_norm(head_length),
        "seq": seq,
    }


def index_body(*, shards: int, replicas: int, meta: dict[str, Any]) -> dict[str, Any]:
    """Settings and mapping of a new physical index."""
    text = {"type": "text", "analyzer": "kliping_terms", "norms": False, "similarity": "tf"}
    words = {**text, "analyzer": "kliping_words", "search_analyzer": "kliping_terms", "index_options": "positions"}
    length = {"type": "integer", "index": False}
    return {
        "settings": {
            "number_of_shards": shards,
            "number_of_replicas": replicas,
            "index.similarity.default": {"type": "BM25", "k1": K1, "b": B},
            "index.similarity.tf": TF_SIMILARITY,
            "analysis": {
                "analyzer": {
                    "kliping_terms": {"type": "custom", "tokenizer": "whitespace"},
                    "kliping_words": {"type": "custom", "tokenizer": "whitespace", "filter": ["kliping_stack"]},
                },
                "filter": {"kliping_stack": {"type": "pattern_capture", "preserve_original": False,
                                             "patterns": [f"([^{STACK}]+)"]}},
            },
        },
        "mappings": {
            "dynamic": "strict",
            "_meta": meta,
            "properties": {
                "id": {"type": "keyword"},
                "url": {"type": "keyword", "index": False},
                "source": {"type": "keyword"},
                "section": {"type": "keyword"},
                "title": {"type": "keyword", "index": False, "doc_values": False},
                "author": {"type": "keyword", "index": False, "doc_values": False},
                "author_words": {"type": "text", "analyzer": "kliping_terms", "index_options": "positions"},
                "published": {"type": "date", "format": "strict_date_hour_minute_second"},
                "published_text": {"type": "keyword", "index": False, "doc_values": False},
                "month": {"type": "keyword"},
                "words": {**words, "position_increment_gap": HEADLINE_GAP},
                "roots": {**text, "index_options": "freqs"},
                "title_words": words,
                "title_roots": {**text, "index_options": "freqs"},
                "body_length": length,
                "body_norm": length,
                "title_length": length,
                "title_norm": length,
                "seq": {"type": "long"},
            },
        },
    }
