"""One article as an OpenSearch document, analysed by kliping, and the mapping that keeps that analysis.

OpenSearch's own ``indonesian`` stemmer is a rule stemmer (about 78% of roots right against kliping's 91%),
so the cluster never analyses text: each text field holds kliping's terms joined by spaces, read back by a
whitespace tokenizer.

- ``words`` (``title_words``): the exact words in order, with ``_`` where a function word stood, so quoted
  phrases line up as in Whoosh; the headline (``TITLE_BOOST`` times, as Whoosh weighs it) and the body are
  separate values, ``position_increment_gap`` apart, so no phrase spans two;
- ``roots`` (``title_roots``): one root per word (every part's root for a compound), the headline's written
  ``TITLE_BOOST`` times: a free word is one BM25 over its root family, as :mod:`search.vector` scores it.
"""

from __future__ import annotations

from typing import Any

from index.analysis.tokenizer import matches, scan
from index.analysis.views import ROOT_MARK, surface_terms
from index.dates import to_wib_naive
from index.fields import HEADLINE_GAP
from index.schema import LEAD_BOOST, LEAD_WORDS, TITLE_BOOST
from kliping.article import Article

#: Bumped whenever the mapping or the analysis changes what is indexed; another is refused (reindex).
FORMAT = 2
#: Stands where a function word was: keeps phrase positions; never a query word.
GAP = "_"
#: BM25 as kliping's ranking sets it (search.ranking.DEFAULT; a test checks they agree).
K1, B = 1.2, 0.65


def analysed(text: str) -> tuple[str, str]:
    """(exact words with gaps, roots) of a text, each as space-joined terms."""
    words: list[str] = []
    roots: list[str] = []
    for match in matches(text):
        terms = surface_terms(match.lastgroup, match.group())
        if not terms:
            words.append(GAP)
            continue
        words.append(terms[0])
        roots.extend(root_forms(terms))
    return " ".join(words), " ".join(roots)


def root_forms(terms: tuple[str, ...]) -> list[str]:
    """The roots a token's index terms stand for: a marked root replaces the exact form before it."""
    out = []
    for i, term in enumerate(terms):
        if term.startswith(ROOT_MARK):
            out.append(term[len(ROOT_MARK):])
        elif not (i + 1 < len(terms) and terms[i + 1].startswith(ROOT_MARK)):
            out.append(term)
    return out


def lead(body: str) -> str:
    """The body's first ``LEAD_WORDS`` words, function words included, as Whoosh's body field counts its lead."""
    words: list[str] = []
    for match in matches(body):
        if len(words) == LEAD_WORDS:
            break
        words.append(match.group())
    return " ".join(words)


def author_words(author: str) -> str:
    """The author's words as Whoosh's exact analyzer reads them (``Ma'ruf`` -> ``maruf``)."""
    return " ".join(token.text for token in scan(author))


def document(article: Article) -> dict[str, Any]:
    published = to_wib_naive(article.published)
    head_words, head_roots = analysed(article.title)
    body_words, body_roots = analysed(article.body)
    repeat = max(1, round(TITLE_BOOST))
    # the lead counts LEAD_BOOST times in the roots, as in the embedded index (index/schema.py)
    lead_roots = [analysed(lead(article.body))[1]] * max(0, round(LEAD_BOOST) - 1)
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
        "words": [head_words] * repeat + [body_words],
        "roots": " ".join([head_roots] * repeat + lead_roots + [body_roots]),
        "title_words": head_words,
        "title_roots": head_roots,
    }


def index_body(*, shards: int, replicas: int, meta: dict[str, Any]) -> dict[str, Any]:
    """Settings and mapping of a new physical index."""
    text = {"type": "text", "analyzer": "kliping_terms", "norms": True}
    return {
        "settings": {
            "number_of_shards": shards,
            "number_of_replicas": replicas,
            "index.similarity.default": {"type": "BM25", "k1": K1, "b": B},
            "analysis": {"analyzer": {"kliping_terms": {"type": "custom", "tokenizer": "whitespace"}}},
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
                "author_words": {**text, "index_options": "positions"},
                "published": {"type": "date", "format": "strict_date_hour_minute_second"},
                "published_text": {"type": "keyword", "index": False, "doc_values": False},
                "month": {"type": "keyword"},
                "words": {**text, "index_options": "positions", "position_increment_gap": HEADLINE_GAP},
                "roots": {**text, "index_options": "freqs"},
                "title_words": {**text, "index_options": "positions"},
                "title_roots": {**text, "index_options": "freqs"},
            },
        },
    }
