"""kliping's parsed query (the Whoosh tree :func:`search.query.parse_query` gives) as OpenSearch query DSL.

The query is parsed once, by the same parser both backends share, so DAN/ATAU/BUKAN, phrases, proximity,
fields, question words and relaxed free words mean the same; only the tree is translated here. The
ranking rules of :mod:`search.ranking`, as far as a cluster with only BM25 allows:

- a free word is one BM25 over its root family (the ``roots`` field holds one root per word), with the
  configured ``k1``/``b`` as the index's similarity;
- the form as typed adds a bonus: its own BM25 on the exact ``words`` field, weighted ``exact_bonus``;
- the headline adds its own BM25 on ``title_roots``, weighted ``title_weight`` (the cluster's: that
  field's IDF, and each headline root written ``TITLE_BOOST`` times, so close to the embedded score, not equal);
- relaxed free words: a ``bool`` of ``should`` clauses, any one enough; with up to ``all_words_first``
  words, a constant far above any BM25 score lifts the articles holding all of them into a tier of their own;
- wildcards and fuzzy terms score their boost alone (``constant_score``), as in the embedded engine.
"""

from __future__ import annotations

from typing import Any

from whoosh import query as wq

from kliping.errors import QueryError
from search.expand import AliasQuery
from search.phrase import FastPhrase
from search.query import MIN_FUZZY_PREFIX, AnyWords, RootWord
from search.ranking import DEFAULT, Ranking

Query = dict[str, Any]

#: Whoosh field -> (roots field, exact words field) for the merged text fields.
TEXT_FIELDS = {"body": ("roots", "words"), "title": ("title_roots", "title_words")}
#: Fields matched on whole values.
KEYWORD_FIELDS = {"id", "source", "section", "month"}
#: Lifts the articles holding every word of a short query above all the others (BM25 stays far below).
TIER = 1000.0

MATCH_ALL: Query = {"match_all": {}}
MATCH_NONE: Query = {"match_none": {}}


def translate(q: wq.Query, ranking: Ranking = DEFAULT) -> Query:
    """The OpenSearch query for a parsed kliping query."""
    kind = type(q)
    if q is wq.NullQuery or kind is type(wq.NullQuery):
        return MATCH_NONE
    if kind is wq.Every:
        return MATCH_ALL
    if kind is RootWord:
        return _word(q, ranking)
    if kind is AnyWords:
        return _any(q, ranking)
    if kind is FastPhrase or kind is wq.Phrase:
        return _phrase(q)
    if kind is wq.Term:
        return _term(q.fieldname, q.text, q.boost)
    if kind in (wq.Prefix, wq.Wildcard, wq.FuzzyTerm):
        return _expanding(q)
    if kind is wq.Not:
        return {"bool": {"must": [MATCH_ALL], "must_not": [translate(q.query, ranking)]}}
    if kind is wq.AndNot:
        return {"bool": {"must": [translate(q.a, ranking)], "must_not": [translate(q.b, ranking)]}}
    if kind is wq.AndMaybe:
        return {"bool": {"must": [translate(q.a, ranking)], "should": [translate(q.b, ranking)]}}
    if kind is wq.And:
        must = [translate(s, ranking) for s in q.subqueries if type(s) is not wq.Not]
        must_not = [translate(s.query, ranking) for s in q.subqueries if type(s) is wq.Not]
        return _boosted({"bool": {"must": must or [MATCH_ALL], "must_not": must_not}}, q.boost)
    if kind is AliasQuery:
        return _alias(q, ranking)
    if kind is wq.Or:
        should = [translate(s, ranking) for s in q.subqueries]
        return _boosted({"bool": {"should": should, "minimum_should_match": 1}}, q.boost)
    raise QueryError(f"this part of the query is not searchable on the OpenSearch backend: {q}")


def _alias(q: AliasQuery, ranking: Ranking) -> Query:
    """Any name of the group scores as one word (the best-scoring name, as the embedded engine counts it);
    the words of a name typed loose still find the articles holding any of them apart, scored as their
    mean (:meth:`search.vector.Evaluator._alias`), so below the name where both match."""
    names = [translate(s, ranking) for s in q.subqueries]
    if q.loose:
        names.append({"bool": {"should": [translate(w, ranking) for w in q.loose], "minimum_should_match": 1,
                               "boost": 1.0 / len(q.loose)}})
    return _boosted({"dis_max": {"queries": names}}, q.boost)


def _boosted(query: Query, boost: float) -> Query:
    if boost != 1.0:
        next(iter(query.values()))["boost"] = boost
    return query


def _fields(fieldname: str) -> tuple[str, str]:
    if fieldname not in TEXT_FIELDS:
        raise QueryError(f"the field {fieldname!r} holds no text words")
    return TEXT_FIELDS[fieldname]


def _word(q: RootWord, ranking: Ranking) -> Query:
    roots, words = _fields(q.fieldname)
    clause: Query = {"bool": {"must": [{"term": {roots: {"value": q.text}}}]}}
    if ranking.exact_bonus:
        clause["bool"]["should"] = [{"term": {words: {"value": q.exact, "boost": ranking.exact_bonus}}}]
    if ranking.title_weight and q.fieldname == "body":
        headline = {"term": {"title_roots": {"value": q.text, "boost": ranking.title_weight}}}
        clause["bool"].setdefault("should", []).append(headline)
    return _boosted(clause, q.boost)


def _any(q: AnyWords, ranking: Ranking) -> Query:
    words = [translate(s, ranking) for s in q.subqueries]
    should: list[Query] = list(words)
    if 1 < len(words) <= ranking.all_words_first:
        should.append({"constant_score": {"filter": {"bool": {"must": words}}, "boost": TIER}})
    clause: Query = {"bool": {"should": should, "minimum_should_match": 1}}
    if q.required:
        clause = {"bool": {"must": [translate(r, ranking) for r in q.required], "should": should}}
    return _boosted(clause, q.boost)


def _phrase(q: Any) -> Query:
    """The phrase decides the match; its words' scores, summed, rank it (as the embedded engine scores it)."""
    _, words = _fields(q.fieldname)
    return _boosted({"bool": {
        "filter": [{"match_phrase": {words: {"query": " ".join(q.words), "slop": int(q.slop)}}}],
        "should": [{"term": {words: {"value": word}}} for word in dict.fromkeys(q.words)]}}, q.boost)


def _term(fieldname: str, text: str, boost: float) -> Query:
    if fieldname in TEXT_FIELDS:
        field = TEXT_FIELDS[fieldname][1]
    elif fieldname == "author":
        field = "author_words"
    elif fieldname in KEYWORD_FIELDS:
        field = fieldname
    else:
        return MATCH_NONE  # Whoosh finds nothing in a field it does not index
    return {"term": {field: {"value": text, "boost": boost}}}


def _expanding(q: Any) -> Query:
    if q.fieldname in TEXT_FIELDS:
        field = TEXT_FIELDS[q.fieldname][1]
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
