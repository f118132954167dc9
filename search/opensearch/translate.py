"""kliping's parsed query (the Whoosh tree :func:`search.query.parse_query` gives) as OpenSearch query DSL.

The query is parsed once, by the same parser both backends share, so DAN/ATAU/BUKAN, phrases, proximity,
fields, question words and relaxed free words mean the same; only the tree is translated here.

Scores are the embedded engine's (:mod:`search.vector`), computed the same way: the text fields score a
term by its frequency alone (``index.opensearch.document.TF_SIMILARITY``), and each scored part is a
``script_score`` applying BM25 to that frequency with the embedded engine's statistics, which
:class:`Stats` gathers for the whole index in one request before the search (document frequencies, the
document count, average field lengths) and each document's field length as Whoosh stores it:

- a free word is one BM25 over its root family (the ``roots`` field holds one root per word, each counted
  as the embedded body field weighs it: headline ``TITLE_BOOST`` times, lead ``LEAD_BOOST`` times), with the
  family's IDF and :mod:`search.ranking`'s ``k1``/``b``;
- the form as typed adds ``exact_bonus`` x its own BM25 on the exact ``words`` field, with the family's IDF;
- the headline adds ``title_weight`` x BM25 over ``title_roots``, with the family's IDF and the headline's
  own length normalisation;
- a name alias group is one BM25 over the summed occurrences of all its names, with the typed name's IDF
  (the group's when no article holds it); a name phrase counts, where it stands, as often as its rarest
  word (read back from packed scores: :func:`_smallest`);
- exact words and phrases score Whoosh's own BM25F (its IDF ``ln(N / (df + 1)) + 1``, its ``K1`` and ``B``),
  a phrase as the sum of its words;
- relaxed free words: a ``bool`` of ``should`` clauses, any one enough; with up to ``all_words_first``
  words, a constant far above any BM25 score lifts the articles holding all of them into a tier of their own;
- wildcards and fuzzy terms score their boost alone (``constant_score``), as in the embedded engine;
  each NOT part of an AND adds 1, as Whoosh's inverse matcher scores it.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any

from whoosh import query as wq
from whoosh import scoring

from index.schema import TITLE_BOOST
from kliping.errors import QueryError
from search.expand import AliasQuery
from search.phrase import FastPhrase
from search.query import MIN_FUZZY_PREFIX, AnyWords, RootWord
from search.ranking import DEFAULT, Ranking

Query = dict[str, Any]


@dataclass(frozen=True)
class TextField:
    roots: str
    words: str
    #: The per-document length as Whoosh reads it back, and the exact one (averaged for BM25's avgdl).
    norm: str
    length: str
    #: How many times one occurrence counts in the embedded field's weights (the title field's boost).
    scale: float


#: Whoosh field -> its OpenSearch fields.
TEXT_FIELDS = {"body": TextField("roots", "words", "body_norm", "body_length", 1.0),
               "title": TextField("title_roots", "title_words", "title_norm", "title_length", TITLE_BOOST)}
#: Fields matched on whole values.
KEYWORD_FIELDS = {"id", "source", "section", "month"}
#: Lifts the articles holding every word of a short query above all the others (BM25 stays far below).
TIER = 1000.0
#: Whoosh's BM25F for exact terms and phrases (its searcher's weighting, search.reopen).
WHOOSH_BM25F = scoring.BM25F()

#: BM25 over the inner query's score, which the ``tf`` similarity makes the summed term frequencies.
BM25_SCRIPT = ("double tf = _score * params.scale; double dl = doc[params.norm].value; "
               "return params.weight * tf * (params.k1 + 1) / "
               "(tf + params.k1 * (1 - params.b + params.b * dl / params.avgdl));")

MATCH_ALL: Query = {"match_all": {}}
MATCH_NONE: Query = {"match_none": {}}


@dataclass
class Stats:
    """The whole index's statistics a query's scores need. Built empty, it records what is asked
    (:meth:`request`); :meth:`read` fills it from the answer to that request."""

    docs: int = 0
    avg: dict[str, float] = field(default_factory=dict)
    df: dict[str, int] = field(default_factory=dict)
    wanted: dict[str, Query] = field(default_factory=dict)

    def doc_freq(self, query: Query) -> int:
        key = json.dumps(query, sort_keys=True)
        self.wanted.setdefault(key, query)
        return self.df.get(key, 0)

    def avgdl(self, length_field: str) -> float:
        return self.avg.get(length_field) or 1.0

    def request(self) -> Query:
        """One size-0 search: the document count, the average lengths, every wanted document frequency."""
        aggs: Query = {f"avg_{f.length}": {"avg": {"field": f.length}} for f in TEXT_FIELDS.values()}
        if self.wanted:
            aggs["df"] = {"filters": {"filters": dict(self.wanted)}}
        return {"size": 0, "track_total_hits": True, "query": MATCH_ALL, "aggs": aggs}

    def read(self, found: dict[str, Any]) -> None:
        aggs = found.get("aggregations", {})
        self.docs = int(found["hits"]["total"]["value"])
        self.avg = {f.length: float(aggs[f"avg_{f.length}"]["value"] or 0.0) for f in TEXT_FIELDS.values()}
        buckets = aggs.get("df", {}).get("buckets", {})
        self.df = {key: int(bucket["doc_count"]) for key, bucket in buckets.items()}

    def family_idf(self, df: int) -> float:
        """The ranking's IDF of a word's root family (search.vector.Evaluator._word)."""
        n = max(self.docs, 1)
        return math.log(1 + (n - df + 0.5) / (df + 0.5))

    def term_idf(self, df: int) -> float:
        """Whoosh's own IDF, for exact terms (whoosh.scoring.WeightingModel.idf)."""
        return math.log(max(self.docs, 1) / (df + 1)) + 1


def bm25(tf_query: Query, fieldname: str, stats: Stats, *, weight: float, k1: float, b: float,
         scale: float | None = None) -> Query:
    """``weight`` x BM25's saturation of the frequencies ``tf_query`` scores, with the embedded field's
    lengths (``weight`` carries the IDF)."""
    f = TEXT_FIELDS[fieldname]
    return {"script_score": {"query": tf_query, "script": {"source": BM25_SCRIPT, "params": {
        "weight": weight, "k1": k1, "b": b, "avgdl": stats.avgdl(f.length), "norm": f.norm,
        "scale": f.scale if scale is None else scale}}}}


def translate(q: wq.Query, ranking: Ranking = DEFAULT, stats: Stats | None = None) -> Query:
    """The OpenSearch query for a parsed kliping query (with ``stats`` read from the index; without,
    the scores' statistics are placeholders: for a query whose scores do not matter)."""
    return _Translator(ranking, stats if stats is not None else Stats()).tr(q)


def needed_stats(q: wq.Query, ranking: Ranking = DEFAULT) -> Stats:
    """An empty :class:`Stats` that knows what ``q``'s scores need (its :meth:`Stats.request`)."""
    stats = Stats()
    _Translator(ranking, stats).tr(q)
    return stats


class _Translator:
    def __init__(self, ranking: Ranking, stats: Stats) -> None:
        self.ranking = ranking
        self.stats = stats

    def tr(self, q: wq.Query) -> Query:
        kind = type(q)
        if q is wq.NullQuery or kind is type(wq.NullQuery):
            return MATCH_NONE
        if kind is wq.Every:
            return MATCH_ALL
        if kind is RootWord:
            return self._word(q)
        if kind is AnyWords:
            return self._any(q)
        if kind is FastPhrase or kind is wq.Phrase:
            return self._phrase(q)
        if kind is wq.Term:
            return self._term(q.fieldname, q.text, q.boost)
        if kind in (wq.Prefix, wq.Wildcard, wq.FuzzyTerm):
            return _expanding(q)
        if kind is wq.Not:
            return {"bool": {"must": [MATCH_ALL], "must_not": [self.tr(q.query)]}}
        if kind is wq.AndNot:
            return {"bool": {"must": [self.tr(q.a)], "must_not": [self.tr(q.b)]}}
        if kind is wq.AndMaybe:
            return {"bool": {"must": [self.tr(q.a)], "should": [self.tr(q.b)]}}
        if kind is wq.And:
            must = [self.tr(s) for s in q.subqueries if type(s) is not wq.Not]
            must_not = [self.tr(s.query) for s in q.subqueries if type(s) is wq.Not]
            if must_not and must:  # each NOT part adds 1 (search.vector.AndNode.not_score)
                must.append({"constant_score": {"filter": MATCH_ALL, "boost": float(len(must_not))}})
            return _boosted({"bool": {"must": must or [MATCH_ALL], "must_not": must_not}}, q.boost)
        if kind is AliasQuery:
            return self._alias(q)
        if kind is wq.Or:
            should = [self.tr(s) for s in q.subqueries]
            return _boosted({"bool": {"should": should, "minimum_should_match": 1}}, q.boost)
        raise QueryError(f"this part of the query is not searchable on the OpenSearch backend: {q}")

    # -- free words --------------------------------------------------------------

    def _word_parts(self, q: RootWord, family: Query, idf: float) -> tuple[Query, list[Query]]:
        """A root family's BM25 (``family`` scores its frequency), and its exact-form and headline bonuses."""
        r = self.ranking
        f = _field(q.fieldname)
        main = bm25(family, q.fieldname, self.stats, weight=idf, k1=r.k1, b=r.b)
        extra = []
        if r.exact_bonus:
            exact = {"term": {f.words: {"value": q.exact}}}
            extra.append(bm25(exact, q.fieldname, self.stats, weight=r.exact_bonus * idf, k1=r.k1, b=r.b))
        if r.title_weight and q.fieldname == "body":
            extra.append(self._headline([{"term": {"title_roots": {"value": q.text}}}], idf))
        return main, extra

    def _headline(self, tf_queries: list[Query], idf: float) -> Query:
        """``title_weight`` x BM25 over the headline alone: each occurrence once, its own lengths."""
        r = self.ranking
        tf = tf_queries[0] if len(tf_queries) == 1 else {"bool": {"should": tf_queries}}
        return bm25(tf, "title", self.stats, weight=r.title_weight * idf, k1=r.k1, b=r.b, scale=1.0)

    def _word(self, q: RootWord) -> Query:
        family = {"term": {_field(q.fieldname).roots: {"value": q.text}}}
        idf = self.stats.family_idf(self.stats.doc_freq(family))
        main, extra = self._word_parts(q, family, idf)
        clause: Query = {"bool": {"must": [main]}}
        if extra:
            clause["bool"]["should"] = extra
        return _boosted(clause, q.boost)

    def _any(self, q: AnyWords) -> Query:
        words = [self.tr(s) for s in q.subqueries]
        should: list[Query] = list(words)
        if 1 < len(words) <= self.ranking.all_words_first:
            should.append({"constant_score": {"filter": {"bool": {"must": words}}, "boost": TIER}})
        clause: Query = {"bool": {"should": should, "minimum_should_match": 1}}
        if q.required:
            clause = {"bool": {"must": [self.tr(r) for r in q.required], "should": should}}
        return _boosted(clause, q.boost)

    # -- names ---------------------------------------------------------------------

    def _name_tf(self, name: wq.Query) -> Query | None:
        """A name's occurrences, as a query the ``tf`` similarity scores by their count."""
        if type(name) is RootWord:
            return {"term": {_field(name.fieldname).roots: {"value": name.text}}}
        if type(name) is wq.Term and name.fieldname in TEXT_FIELDS:
            return {"term": {TEXT_FIELDS[name.fieldname].words: {"value": name.text}}}
        if type(name) in (FastPhrase, wq.Phrase):  # where it stands, its rarest word's count
            words = _field(name.fieldname).words
            return {"bool": {"filter": [_phrase_match(name)],
                             "must": [_smallest([{"term": {words: {"value": w}}} for w in name.words])]}}
        return None

    def _name_match(self, name: wq.Query) -> Query | None:
        """Where a name stands (the documents of :meth:`_name_tf`, for document frequencies)."""
        if type(name) in (FastPhrase, wq.Phrase):
            return _phrase_match(name)
        return self._name_tf(name)

    def _alias(self, q: AliasQuery) -> Query:
        """One BM25 over the occurrences of every name of the group (search.vector.Evaluator._alias); the
        words of a name typed loose find the articles holding any of them apart, at their mean score."""
        named = self._named(q)
        if not q.loose:
            return _boosted(named, q.boost) if named is not None else MATCH_NONE
        apart = {"bool": {"should": [self.tr(w) for w in q.loose], "minimum_should_match": 1,
                          "boost": 1.0 / len(q.loose)}}
        return _boosted({"dis_max": {"queries": [apart] if named is None else [named, apart]}}, q.boost)

    def _named(self, q: AliasQuery) -> Query | None:
        r = self.ranking
        names = [(i, self._name_tf(s), self._name_match(s)) for i, s in enumerate(q.subqueries)]
        found = [(i, tf, where) for i, tf, where in names if tf is not None and where is not None]
        if not found:
            return None
        fieldname = q.subqueries[found[0][0]].fieldname
        union = found[0][1] if len(found) == 1 else {"bool": {"should": [tf for _, tf, _ in found]}}
        own = next((tf for i, tf, _ in found if i == q.typed_index), None)
        own_where = next((where for i, _, where in found if i == q.typed_index), None)
        df = self.stats.doc_freq(own_where) if own_where is not None else 0
        if not df:  # the weight of the name as typed; the group's when no article holds it
            df = self.stats.doc_freq({"bool": {"should": [where for _, _, where in found]}})
        idf = self.stats.family_idf(df)
        main = bm25(union, fieldname, self.stats, weight=idf, k1=r.k1, b=r.b)
        extra = []
        if r.exact_bonus and own is not None:
            extra.append(bm25(own, fieldname, self.stats, weight=r.exact_bonus * idf, k1=r.k1, b=r.b))
        if r.title_weight and fieldname == "body":  # the names' words in the headline (phrases aside)
            heads = []
            for s in q.subqueries:
                if type(s) is RootWord:
                    heads.append({"term": {"title_roots": {"value": s.text}}})
                elif type(s) is wq.Term:
                    heads.append({"term": {"title_words": {"value": s.text}}})
            if heads:
                extra.append(self._headline(heads, idf))
        clause: Query = {"bool": {"must": [main]}}
        if extra:
            clause["bool"]["should"] = extra
        return clause

    # -- exact words -----------------------------------------------------------------

    def _exact(self, fieldname: str, word: str, boost: float = 1.0) -> Query:
        """Whoosh's BM25F of one exact word (its IDF, K1 and B)."""
        tf = {"term": {_field(fieldname).words: {"value": word}}}
        idf = self.stats.term_idf(self.stats.doc_freq(tf))
        return bm25(tf, fieldname, self.stats, weight=idf * boost, k1=WHOOSH_BM25F.K1, b=WHOOSH_BM25F.B)

    def _phrase(self, q: Any) -> Query:
        """The phrase decides the match; its words' scores, summed, rank it (as the embedded engine scores it)."""
        _field(q.fieldname)
        return _boosted({"bool": {"filter": [_phrase_match(q)],
                                  "should": [self._exact(q.fieldname, word) for word in q.words]}}, q.boost)

    def _term(self, fieldname: str, text: str, boost: float) -> Query:
        if fieldname in TEXT_FIELDS:
            return self._exact(fieldname, text, boost)
        if fieldname == "author":
            field_ = "author_words"
        elif fieldname in KEYWORD_FIELDS:
            field_ = fieldname
        else:
            return MATCH_NONE  # Whoosh finds nothing in a field it does not index
        return {"term": {field_: {"value": text, "boost": boost}}}


#: Frequencies are packed below this (``PACK`` x max + a + b) to read the smaller of two back: whole numbers,
#: each below it, so the sum stays exact in the cluster's 32-bit scores (4096 x 4095 < 2^24).
PACK = 4096.0
SMALLER_SCRIPT = ("double s = _score; double top = Math.floor(s / params.pack); "
                  "return Math.max(0, s - top * params.pack - top);")


def _smallest(tfs: list[Query]) -> Query:
    """A query scoring the smallest of the frequencies ``tfs`` score, in documents holding all of them
    (a phrase's rarest word, as :meth:`search.vector.Evaluator._name_tf` counts a phrase)."""
    if len(tfs) == 1:
        return tfs[0]
    a, b = tfs[0], _smallest(tfs[1:])
    packed = {"bool": {"should": [{"dis_max": {"queries": [a, b], "boost": PACK}}, a, b]}}
    return {"script_score": {"query": packed, "script": {"source": SMALLER_SCRIPT, "params": {"pack": PACK}}}}


def _phrase_match(q: Any) -> Query:
    """The exact words in order, each within ``max(1, slop)`` positions of the one before (Lucene's slop counts
    the moves beyond adjacency, over the whole phrase)."""
    words = _field(q.fieldname).words
    slop = (max(1, int(q.slop)) - 1) * (len(q.words) - 1)
    return {"match_phrase": {words: {"query": " ".join(q.words), "slop": slop}}}


def _boosted(query: Query, boost: float) -> Query:
    if boost != 1.0:
        next(iter(query.values()))["boost"] = boost
    return query


def _field(fieldname: str) -> TextField:
    if fieldname not in TEXT_FIELDS:
        raise QueryError(f"the field {fieldname!r} holds no text words")
    return TEXT_FIELDS[fieldname]


def _expanding(q: Any) -> Query:
    if q.fieldname in TEXT_FIELDS:
        field = TEXT_FIELDS[q.fieldname].words
    elif q.fieldname == "author":
        field = "author_words"
    else:
        field = q.fieldname
    text = str(q.text)
    if isinstance(q, wq.FuzzyTerm):
        if len(text) <= MIN_FUZZY_PREFIX:
            raise QueryError(f"the fuzzy term {text + '~'!r} is too short; give at least {MIN_FUZZY_PREFIX + 1} "
                             "letters, e.g. 'banjr~'")
        inner: Query = {"fuzzy": {field: {"value": text, "fuzziness": int(q.maxdist),
                                          "prefix_length": max(q.prefixlength, MIN_FUZZY_PREFIX),
                                          "max_expansions": 1024, "transpositions": False}}}
    else:
        pattern = text + "*" if isinstance(q, wq.Prefix) else text
        if len(pattern.replace("*", "").replace("?", "")) < 2:
            raise QueryError(f"the wildcard {pattern!r} is too broad; give at least two letters before *, "
                             "e.g. 'korup*'")
        inner = {"wildcard": {field: {"value": pattern}}}
    return {"constant_score": {"filter": inner, "boost": q.boost}}


def highlight_terms(q: wq.Query) -> frozenset[str]:
    """The words and roots snippets mark (wildcards and fuzzy terms are not expanded here)."""
    terms: set[str] = set()
    for leaf in q.leaves():
        if getattr(leaf, "fieldname", None) not in TEXT_FIELDS:
            continue
        if isinstance(leaf, wq.Prefix | wq.Wildcard | wq.FuzzyTerm):
            continue
        terms.update(str(text) for _, text in leaf.iter_all_terms())
    return frozenset(terms)
