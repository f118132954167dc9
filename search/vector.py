"""Queries evaluated on arrays: words, AND/OR/NOT, wildcards, phrases, filters.

Most of what journalists type is words joined by AND, OR and NOT, each word
meaning "this form or its root" (``Or(kota, ~kota)``), often within dates or
sources. Whoosh answers these one document at a time through Python matcher
objects; here each term's postings are arrays (:mod:`search.postings`), a
conjunction is an array intersection, a disjunction a union, and BM25F is
computed for every matching document in one expression, with exactly
Whoosh's formula and statistics, so scores and rankings are Whoosh's.
Wildcards and fuzzy terms are their expansions, OR-ed as Whoosh ORs them;
quoted phrases are their words' intersection, kept where the positions line
up (:func:`search.phrase.phrase_docs`). Any other part of a query (a range)
is matched by Whoosh's own matcher and its matches then join the arrays, so
every query takes one path.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np
from whoosh import query as wq
from whoosh.reading import IndexReader
from whoosh.searching import Searcher

from index.whoosh_private import expanded_words, field_b
from search.cost import QueryBudget
from search.docarrays import DocArrays
from search.expand import AliasQuery
from search.phrase import FastPhrase, phrase_docs, positions_at
from search.postings import PostingCache
from search.query import AnyWords, RootWord
from search.ranking import DEFAULT, Ranking

Matches = tuple[np.ndarray, np.ndarray]  # (sorted unique int64 document numbers, float64 scores)

_NONE: Matches = (np.empty(0, np.int64), np.empty(0, np.float64))


@dataclass(frozen=True)
class TermNode:
    fieldname: str
    text: bytes
    boost: float


@dataclass(frozen=True)
class AndNode:
    must: tuple[Node, ...]
    must_not: tuple[Node, ...]
    boost: float
    #: Whoosh matches ``And([a, Not(b)])``'s NOT part with an inverse matcher scoring 1.0
    #: per document, so each such part adds 1 to the score (``a ANDNOT b`` adds nothing).
    not_score: float = 0.0


@dataclass(frozen=True)
class OrNode:
    should: tuple[Node, ...]
    boost: float
    #: Every match scores ``boost`` (a wildcard's or fuzzy term's words; Whoosh's ``constantscore``).
    constant: bool = False


@dataclass(frozen=True)
class NotNode:
    child: Node


@dataclass(frozen=True)
class NoneNode:
    """Matches nothing (a term in no document, an empty group)."""


@dataclass(frozen=True)
class AllNode:
    """Every document (``*``), each scoring 1 as Whoosh's ``Every`` does."""


@dataclass(frozen=True)
class PhraseNode:
    """Exact words in order, each within ``max(1, slop)`` positions of the one before."""

    fieldname: str
    words: tuple[bytes, ...]
    slop: int
    boost: float


@dataclass(frozen=True)
class WordNode:
    """A free word: the union of its root's forms, scored as one word (:meth:`Evaluator._word`)."""

    fieldname: str
    forms: tuple[bytes, ...]
    exact: bytes
    boost: float


@dataclass(frozen=True)
class AnyNode:
    """Free words without operators: any may match; more matched words rank higher."""

    words: tuple[Node, ...]
    required: tuple[Node, ...]
    boost: float


@dataclass(frozen=True)
class MatcherNode:
    """A query part with no array form (a range, an OR with a NOT in it): Whoosh's matcher finds it."""

    query: wq.Query


@dataclass(frozen=True)
class AliasNode:
    """Any name of an alias group, scored as one word (:meth:`Evaluator._alias`); ``own`` is the
    position in ``names`` of the name as typed (-1: none), which earns the exact-form bonus."""

    fieldname: str
    names: tuple[TermNode | WordNode | PhraseNode, ...]
    own: int
    boost: float
    #: The words of a name typed as free words (see :class:`search.expand.AliasQuery`).
    loose: tuple[WordNode, ...] = ()


Node = (TermNode | AndNode | OrNode | NotNode | NoneNode | AllNode | PhraseNode | WordNode | AnyNode | MatcherNode
        | AliasNode)

_EXPANDING = (wq.Prefix, wq.Wildcard, wq.FuzzyTerm)


def compile_query(q: wq.Query, reader: IndexReader) -> Node:
    """The query as a tree of array operations."""
    schema = reader.schema
    kind = type(q)
    if q is wq.NullQuery or kind is type(wq.NullQuery):
        return NoneNode()
    if kind is wq.Every and not q.fieldname:
        return AllNode()
    if kind in _EXPANDING and q.fieldname in schema:
        return _expansion(q, reader)
    if kind is FastPhrase and q.fieldname in schema and len(q.words) > 1:
        field = schema[q.fieldname]
        if field.format and field.format.supports("positions"):
            words = tuple(field.to_bytes(word) for word in q.words)
            if any((q.fieldname, word) not in reader for word in words):
                return NoneNode()
            return PhraseNode(q.fieldname, words, int(q.slop), float(q.boost))
    if kind is RootWord and q.fieldname in schema:
        field = schema[q.fieldname]
        return WordNode(q.fieldname, tuple(field.to_bytes(f) for f in q.forms), field.to_bytes(q.exact),
                        float(q.boost))
    if kind is AliasQuery and q.subqueries:
        return _alias(q, reader)
    if kind is AnyWords and q.subqueries:
        return AnyNode(tuple(compile_query(sub, reader) for sub in q.subqueries),
                       tuple(compile_query(sub, reader) for sub in q.required), float(q.boost))
    if kind is wq.Term:
        if q.fieldname not in schema:
            return NoneNode()
        try:
            text = schema[q.fieldname].to_bytes(q.text)
        except ValueError:
            return NoneNode()
        return TermNode(q.fieldname, text, float(q.boost))
    if kind is wq.Not:
        return NotNode(compile_query(q.query, reader))
    if kind is wq.AndNot:
        return AndNode((compile_query(q.a, reader),), (compile_query(q.b, reader),), 1.0)
    if (kind is wq.And or kind is wq.Or and not (q.scale or q.minmatch)) and q.subqueries:
        children = [compile_query(sub, reader) for sub in q.subqueries]
        if len(children) == 1:  # Whoosh ignores a one-child group's boost
            return children[0]
        if kind is wq.Or:
            if any(isinstance(child, NotNode) for child in children):
                return MatcherNode(q)
            return OrNode(tuple(children), float(q.boost))
        must = tuple(c for c in children if not isinstance(c, NotNode))
        must_not = tuple(c.child for c in children if isinstance(c, NotNode))
        if not must:
            return MatcherNode(q)
        return AndNode(must, must_not, float(q.boost), not_score=float(len(must_not)))
    return MatcherNode(q)


def _expansion(q: wq.MultiTerm, reader: IndexReader) -> Node:
    """A wildcard or fuzzy term: its words OR-ed, each match scoring the query's boost.

    That is Whoosh's documented ``constantscore`` (a rare word matched by ``korup*``
    is no better a match than a common one); Whoosh itself keeps it only on small
    indexes. One word alone is that word's term query, as in Whoosh.
    """
    words = [word for word in expanded_words(q, reader) if word]
    if not words:
        return NoneNode()
    terms = [TermNode(q.fieldname, _as_bytes(word), 1.0) for word in words]
    if len(terms) == 1:
        return terms[0]
    return OrNode(tuple(terms), float(q.boost), constant=bool(getattr(q, "constantscore", True)))


def _alias(q: AliasQuery, reader: IndexReader) -> Node:
    """An alias group: its names as word, term or phrase nodes (names not in the index drop out)."""
    names: list[TermNode | WordNode | PhraseNode] = []
    own = -1
    for i, sub in enumerate(q.subqueries):
        node = compile_query(sub, reader)
        if isinstance(node, TermNode | WordNode | PhraseNode):
            own = len(names) if i == q.typed_index else own
            names.append(node)
    loose = tuple(node for node in (compile_query(word, reader) for word in q.loose) if isinstance(node, WordNode))
    if not names and not loose:
        return NoneNode()
    return AliasNode(q.subqueries[0].fieldname, tuple(names), own, float(q.boost), loose)


def _as_bytes(word: bytes | str) -> bytes:
    return word if isinstance(word, bytes) else word.encode("utf-8")


class Evaluator:
    """Evaluates compiled queries against one searcher, with Whoosh's BM25F."""

    def __init__(self, searcher: Searcher, arrays: DocArrays, cache: PostingCache,
                 ranking: Ranking = DEFAULT, budget: QueryBudget | None = None) -> None:
        self.searcher = searcher
        self.budget = budget or QueryBudget(None)
        self.arrays = arrays
        self.cache = cache
        self.ranking = ranking
        self._idf: dict[WordNode, float] = {}
        weighting = searcher.weighting
        self.B = getattr(weighting, "B", 0.75)
        self.K1 = getattr(weighting, "K1", 1.2)
        self._b_by_field = field_b(weighting)

    def matches(self, node: Node) -> Matches:
        """Live documents the query matches, with their scores."""
        ids, scores = self._eval(node)
        keep = self.arrays.live[ids]
        return ids[keep], scores[keep]

    def _eval(self, node: Node) -> Matches:
        self.budget.check()
        if isinstance(node, TermNode):
            return self._term(node)
        if isinstance(node, OrNode):
            ids, scores = _union([self._eval(child) for child in node.should])
            if node.constant:
                return ids, np.full(len(ids), node.boost)
            return _scaled((ids, scores), node.boost)
        if isinstance(node, AndNode):
            return _scaled(self._and(node), node.boost)
        if isinstance(node, NotNode):  # a query of only NOT: every document but these
            excluded = self._eval(node.child)[0]
            ids = np.setdiff1d(np.arange(self.arrays.doc_count, dtype=np.int64), excluded, assume_unique=True)
            return ids, np.ones(len(ids), dtype=np.float64)
        if isinstance(node, AllNode):
            return np.arange(self.arrays.doc_count, dtype=np.int64), np.ones(self.arrays.doc_count)
        if isinstance(node, PhraseNode):
            return self._phrase(node)
        if isinstance(node, WordNode):
            return self._word(node)
        if isinstance(node, AnyNode):
            return _scaled(self._any(node), node.boost)
        if isinstance(node, AliasNode):
            return self._alias(node)
        if isinstance(node, MatcherNode):
            return self._walk(node.query)
        return _NONE

    def _phrase(self, node: PhraseNode) -> Matches:
        """Documents with every word, scored as their sum (as Whoosh scores a phrase), where
        the positions line up; which documents those are is cached per segment."""
        words = [TermNode(node.fieldname, word, 1.0) for word in node.words]
        ids, scores = self._and(AndNode(tuple(words), (), 1.0))
        if not len(ids):
            return _NONE
        found = []
        for segment, offset in self.arrays.leaves:
            lo, hi = np.searchsorted(ids, [offset, offset + segment.doc_count_all()])
            if lo == hi:
                continue
            candidates = (ids[lo:hi] - offset).astype(np.int32)
            # candidates come from the raw postings (deleted documents too): the same under any later deletions
            key = ("phrase", segment.segment().segment_id(), node.fieldname, node.words, max(1, node.slop))
            docs = self.cache.load(key, partial(_phrase_docs_of, segment, node, candidates))[0]
            found.append(docs.astype(np.int64) + offset)
        if not found:
            return _NONE
        keep = np.isin(ids, np.concatenate(found), assume_unique=True)
        return _scaled((ids[keep], scores[keep]), node.boost)

    def _walk(self, q: wq.Query) -> Matches:
        """Whoosh's matcher for ``q``, segment by segment as Whoosh searches, walked to the end."""
        ids: list[int] = []
        scores: list[float] = []
        context = self.searcher.context()
        for subsearcher, offset in self.searcher.leaf_searchers():
            matcher = q.matcher(subsearcher, context)
            while matcher.is_active():
                ids.append(matcher.id() + offset)
                scores.append(matcher.score())
                matcher.next()
        if not ids:
            return _NONE
        found = np.asarray(ids, dtype=np.int64)
        order = np.argsort(found, kind="stable")
        return found[order], np.asarray(scores, dtype=np.float64)[order]

    def _and(self, node: AndNode) -> Matches:
        parts = sorted((self._eval(child) for child in node.must), key=lambda m: len(m[0]))
        ids, scores = parts[0]
        for other_ids, other_scores in parts[1:]:
            if not len(ids):
                break
            ids, mine, theirs = np.intersect1d(ids, other_ids, assume_unique=True, return_indices=True)
            scores = scores[mine] + other_scores[theirs]
        for child in node.must_not:
            if not len(ids):
                break
            keep = ~np.isin(ids, self._eval(child)[0], assume_unique=True)
            ids, scores = ids[keep], scores[keep]
        return ids, (scores + node.not_score) if node.not_score else scores

    def _postings(self, fieldname: str, text: bytes) -> Matches:
        """One term's (global document numbers, weights) over every segment."""
        pieces = []
        for segment, offset in self.arrays.leaves:
            local, weights = self.cache.get(segment, fieldname, text)
            if len(local):
                pieces.append((local.astype(np.int64) + offset, weights))
        if not pieces:
            return _NONE
        return (np.concatenate([p[0] for p in pieces]),
                np.concatenate([p[1] for p in pieces]).astype(np.float64))

    def _term(self, node: TermNode) -> Matches:
        ids, weights = self._postings(node.fieldname, node.text)
        if not len(ids):
            return _NONE
        return ids, self._score(node, ids, weights)

    def _word(self, node: WordNode) -> Matches:
        """BM25 over every form of the root at once, plus a bounded bonus for the typed form
        (see :mod:`search.ranking`): one score per word, however many forms it has."""
        found = {form: self._postings(node.fieldname, form) for form in node.forms}
        ids, tf = _union(list(found.values()))
        if not len(ids):
            return _NONE
        r = self.ranking
        n = max(self.arrays.doc_count, 1)
        idf = float(np.log(1 + (n - len(ids) + 0.5) / (len(ids) + 0.5)))
        self._idf[node] = idf
        avgfl = self.searcher.avg_field_length(node.fieldname) or 1
        norm = r.k1 * ((1 - r.b) + r.b * self.arrays.lengths(node.fieldname)[ids] / avgfl)
        scores = idf * tf * (r.k1 + 1) / (tf + norm)
        if r.exact_bonus:
            exact_ids, exact_tf = found.get(node.exact) or self._postings(node.fieldname, node.exact)
            if len(exact_ids):
                at = np.searchsorted(ids, exact_ids)
                inside = (at < len(ids)) & (ids[np.minimum(at, len(ids) - 1)] == exact_ids)
                at, exact_tf = at[inside], exact_tf[inside]
                scores[at] += r.exact_bonus * idf * exact_tf * (r.k1 + 1) / (exact_tf + norm[at])
        if r.title_weight and node.fieldname == "body":
            self._add_title(node.forms, ids, scores, idf)
        return ids, scores * node.boost if node.boost != 1.0 else scores

    def _add_title(self, forms: tuple[bytes, ...], ids: np.ndarray, scores: np.ndarray, idf: float) -> None:
        """Adds to ``scores`` (of ``ids``) the headline score of a root's ``forms``: ``title_weight``
        x BM25 over the headline field alone, with the word's IDF and the headline's own length
        normalisation, so a short headline made of the query's words scores high (as a BM25F title
        field does). Each occurrence counts once (the field's boost is taken out)."""
        r = self.ranking
        title_ids, tf = _union([self._postings("title", form) for form in forms])
        if not len(title_ids):
            return
        at = np.searchsorted(ids, title_ids)
        inside = (at < len(ids)) & (ids[np.minimum(at, len(ids) - 1)] == title_ids)
        at, title_ids, tf = at[inside], title_ids[inside], tf[inside]
        tf = tf / (self.searcher.schema["title"].format.field_boost or 1.0)
        avgfl = self.searcher.avg_field_length("title") or 1
        norm = r.k1 * ((1 - r.b) + r.b * self.arrays.lengths("title")[title_ids] / avgfl)
        scores[at] += r.title_weight * idf * tf * (r.k1 + 1) / (tf + norm)

    def _alias(self, node: AliasNode) -> Matches:
        """One BM25 over the occurrences of every name of the group (see :mod:`search.expand`), as
        :meth:`_word` scores a root over its forms, so a group weighs one query word; the name as typed
        earns the same bounded bonus as a word's typed form."""
        found = [self._name_tf(name) for name in node.names]
        ids, tf = _union(found)
        if node.loose:  # the words typed apart: their mean score, below the name's where both match
            apart = _union([self._word(word) for word in node.loose])
            apart = (apart[0], apart[1] / len(node.loose))
            if not len(ids):
                return _scaled(apart, node.boost)
            named = self._alias(AliasNode(node.fieldname, node.names, node.own, 1.0))
            every, inverse = np.unique(np.concatenate([named[0], apart[0]]), return_inverse=True)
            best = np.zeros(len(every))
            np.maximum.at(best, inverse, np.concatenate([named[1], apart[1]]))
            return _scaled((every, best), node.boost)
        if not len(ids):
            return _NONE
        r = self.ranking
        n = max(self.arrays.doc_count, 1)
        # the weight of the word as typed (the group's, when a name was typed that no article holds)
        df = len(found[node.own][0]) if node.own >= 0 and len(found[node.own][0]) else len(ids)
        idf = float(np.log(1 + (n - df + 0.5) / (df + 0.5)))
        avgfl = self.searcher.avg_field_length(node.fieldname) or 1
        norm = r.k1 * ((1 - r.b) + r.b * self.arrays.lengths(node.fieldname)[ids] / avgfl)
        scores = idf * tf * (r.k1 + 1) / (tf + norm)
        if r.exact_bonus and node.own >= 0 and len(found[node.own][0]):
            own_ids, own_tf = found[node.own]
            at = np.searchsorted(ids, own_ids)  # (the typed name's documents are among the group's)
            scores[at] += r.exact_bonus * idf * own_tf * (r.k1 + 1) / (own_tf + norm[at])
        if r.title_weight and node.fieldname == "body":  # the names' words in the headline (phrases aside)
            forms = tuple(f for name in node.names if not isinstance(name, PhraseNode)
                          for f in ((name.text,) if isinstance(name, TermNode) else name.forms))
            self._add_title(forms, ids, scores, idf)
        return ids, scores * node.boost if node.boost != 1.0 else scores

    def _name_tf(self, name: TermNode | WordNode | PhraseNode) -> Matches:
        """Documents holding one name, with its occurrences there. A phrase occurs as often as its rarest
        word there, at most (its positions are not counted one by one)."""
        if isinstance(name, TermNode):
            return self._postings(name.fieldname, name.text)
        if isinstance(name, WordNode):
            return _union([self._postings(name.fieldname, form) for form in name.forms])
        docs = self._phrase(name)[0]
        if not len(docs):
            return _NONE
        tf = np.full(len(docs), np.inf)
        for word in name.words:
            ids, weights = self._postings(name.fieldname, word)
            tf = np.minimum(tf, weights[np.isin(ids, docs, assume_unique=True)])
        return docs, tf

    def _any(self, node: AnyNode) -> Matches:
        """Any of the words (within what the required parts match); all of them first when
        the words are few, then proximity on the best (see :mod:`search.ranking`)."""
        parts = [self._eval(word) for word in node.words]
        ids, scores = _union(parts)
        r = self.ranking
        if len(ids) and len(parts) <= r.all_words_first:  # tiers: more words matched ranks higher
            matched = _union([(p[0], np.ones(len(p[0]))) for p in parts])[1]
            scores = scores + (matched - 1) * (scores.max() + 1)
        if node.required:
            must_ids, must_scores = self._and(AndNode(node.required, (), 1.0))
            at = np.searchsorted(ids, must_ids)
            inside = (at < len(ids)) & (ids[np.minimum(at, max(len(ids) - 1, 0))] == must_ids) if len(ids) else at < 0
            must_scores = must_scores.copy()
            must_scores[inside] += scores[at[inside]]
            ids, scores = must_ids, must_scores
        if not len(ids):
            return _NONE
        words = [w for w in node.words if isinstance(w, WordNode) and w in self._idf]
        if r.proximity and len(words) > 1:
            scores = scores + self._proximity(words, ids, scores)
        return ids, scores

    def _proximity(self, words: list[WordNode], ids: np.ndarray, scores: np.ndarray) -> np.ndarray:
        """Per document: for each pair of neighbouring words standing within the window,
        ``proximity`` x the pair's smaller IDF / distance (only the ``proximity_depth`` best)."""
        r = self.ranking
        bonus = np.zeros(len(ids))
        best = np.sort(top(ids, scores, r.proximity_depth, descending=True))
        keys = [self._positions(word, ids[best]) for word in words]
        for (a, b), (ka, kb) in zip(zip(words, words[1:], strict=False), zip(keys, keys[1:], strict=False),
                                    strict=False):
            if not len(ka) or not len(kb):
                continue
            distance = _nearest(ka, kb)
            close = distance <= r.proximity_window
            docs, first = np.unique(kb[close] >> 32, return_index=True)
            if not len(docs):
                continue
            nearest = np.minimum.reduceat(distance[close], first)
            where = best[np.searchsorted(ids[best], docs)]
            bonus[where] += r.proximity * min(self._idf[a], self._idf[b]) / nearest
        return bonus

    def _positions(self, word: WordNode, docs: np.ndarray) -> np.ndarray:
        """Sorted keys ``global document << 32 | position`` of every form of ``word`` in ``docs``."""
        found = []
        for segment, offset in self.arrays.leaves:
            lo, hi = np.searchsorted(docs, [offset, offset + segment.doc_count_all()])
            if lo == hi:
                continue
            local = (docs[lo:hi] - offset).astype(np.int32)
            for form in word.forms:
                if (word.fieldname, form) in segment:
                    found.append(positions_at(segment, word.fieldname, form, local) + (offset << 32))
        return np.sort(np.concatenate(found)) if found else np.empty(0, np.int64)

    def _score(self, node: TermNode, ids: np.ndarray, weights: np.ndarray) -> np.ndarray:
        field = self.searcher.schema[node.fieldname]
        if not field.scorable:  # Whoosh scores these by weight alone
            scores = weights
        else:
            idf = self.searcher.idf(node.fieldname, node.text)
            avgfl = self.searcher.avg_field_length(node.fieldname) or 1
            B = self._b_by_field.get(node.fieldname, self.B)
            lengths = self.arrays.lengths(node.fieldname)[ids]
            # whoosh.scoring.bm25, term for term
            scores = idf * ((weights * (self.K1 + 1)) / (weights + self.K1 * ((1 - B) + B * lengths / avgfl)))
        return scores * node.boost if node.boost != 1.0 else scores


def _nearest(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """For each key of ``b``, the distance to the nearest key of ``a`` in the same document
    (keys are ``document << 32 | position``; another document is never near)."""
    at = np.searchsorted(a, b)
    before = a[np.maximum(at - 1, 0)]
    after = a[np.minimum(at, len(a) - 1)]
    far = np.int64(1 << 31)
    d_before = np.where((at > 0) & (before >> 32 == b >> 32), b - before, far)
    d_after = np.where((at < len(a)) & (after >> 32 == b >> 32), after - b, far)
    return np.maximum(np.minimum(d_before, d_after), 1)


def _union(parts: list[Matches]) -> Matches:
    parts = [p for p in parts if len(p[0])]
    if not parts:
        return _NONE
    if len(parts) == 1:
        return parts[0]
    ids = np.concatenate([p[0] for p in parts])
    scores = np.concatenate([p[1] for p in parts])
    unique, inverse = np.unique(ids, return_inverse=True)
    return unique, np.bincount(inverse, weights=scores, minlength=len(unique))


def _scaled(matches: Matches, boost: float) -> Matches:
    return matches if boost == 1.0 else (matches[0], matches[1] * boost)


def top(ids: np.ndarray, keys: np.ndarray, count: int, *, descending: bool) -> np.ndarray:
    """The positions of the ``count`` best documents: by key, ties by document number (as Whoosh)."""
    if count <= 0 or not len(ids):
        return np.empty(0, np.int64)
    order_keys = -keys if descending else keys
    if count < len(ids):
        # everything tied with the count-th key must stay in, so ties resolve by document number
        cut = np.partition(order_keys, count - 1)[count - 1]
        candidates = np.flatnonzero(order_keys <= cut)
    else:
        candidates = np.arange(len(ids))
    ranked = candidates[np.lexsort((ids[candidates], order_keys[candidates]))]
    return ranked[:count]


def _phrase_docs_of(segment: Any, node: PhraseNode, candidates: np.ndarray) -> tuple[np.ndarray]:
    """What the posting cache keeps for a phrase in one segment: its documents among the candidates."""
    return (phrase_docs(segment, node.fieldname, node.words, node.slop, candidates),)
