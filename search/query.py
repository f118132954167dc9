"""Turning what a journalist types into a Whoosh query.

Whoosh's own syntax, plus what an Indonesian newsroom expects: DAN/ATAU/BUKAN
beside AND/OR/NOT, Indonesian field names (``judul:``, ``penulis:``,
``sumber:``), and quoted phrases matched on the exact (unstemmed) view of the
text, so ``"Joko Widodo"`` means those words, while bare words match every
form of their root. Wildcards and fuzzy terms are bounded: a query that would
expand to too many terms is refused with a message instead of stalling.
"""

from __future__ import annotations

import re

from whoosh import query as wq
from whoosh.reading import IndexReader
from whoosh.searching import Searcher

from index.analysis import ROOT_MARK, root_term
from index.analysis.stopwords import is_question_word
from index.analysis.tokenizer import scan
from index.schema import DEFAULT_FIELDS
from index.whoosh_private import expanded_words
from kliping.errors import QueryError
from search.cost import QueryBudget

#: Most index terms one wildcard or fuzzy term may expand to.
MAX_EXPANSION = 1024
#: Fuzzy terms (``banjr~``) only reach words that share this many first letters.
MIN_FUZZY_PREFIX = 2
MAX_QUERY_CHARS = 1000

#: A ``?`` ending a word or standing alone is a question mark, not a wildcard;
#: inside a word (``te?t``) it stays Whoosh's one-letter wildcard.
_QUESTION_MARK = re.compile(r"\?+(?=[\s)\"]|$)")
#: Operators that make every part of a query required, as typed (the parsed tree
#: of ``a AND b`` is that of ``a b``, so the text tells them apart).
_EXPLICIT_AND = re.compile(r"(?<!\S)(?:AND|DAN)(?!\S)")
#: Text with no character Whoosh's syntax (and kliping's plugins) gives a meaning to:
#: quotes, fields, groups, ranges, wildcards, fuzzy terms, boosts.
_SYNTAX_FREE = re.compile(r"[^\"':()\[\]{}*?~^\\]*")
_WORD = re.compile(r"\S+")
#: Words that are operators wherever they stand alone (search.syntax.make_parser).
_OPERATOR_WORDS = frozenset({"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE", "DAN", "ATAU", "BUKAN", "TO"})


class RootWord(wq.Term):
    """A free query word: every form of its root, scored as one word.

    ``text`` is the root; ``forms`` are the index terms holding it (the root
    written as is, and ``~root`` marking derived forms), and ``exact`` is the form
    as typed, which earns a bounded bonus (:mod:`search.vector` scores it). A
    protected word (an acronym, a number) has one form, itself.
    """

    def __init__(self, fieldname: str, root: str, *, typed: str | None = None, protected: bool = False,
                 boost: float = 1.0) -> None:
        super().__init__(fieldname, root, boost=boost)
        self.forms = (root,) if protected else (root, ROOT_MARK + root)
        self.exact = typed if typed is not None else root

    def __eq__(self, other: object) -> bool:
        return (type(other) is type(self) and super().__eq__(other)
                and (self.forms, self.exact) == (other.forms, other.exact))

    def __hash__(self) -> int:
        return hash((self.fieldname, self.forms, self.exact, self.boost))

    def __repr__(self) -> str:
        return f"RootWord({self.fieldname!r}, {self.text!r}, typed={self.exact!r}, boost={self.boost})"

    def terms(self, phrases: bool = False):  # type: ignore[no-untyped-def]
        for form in dict.fromkeys((*self.forms, self.exact)):
            yield self.fieldname, form

    def estimate_size(self, ixreader) -> int:  # type: ignore[no-untyped-def]
        return sum(ixreader.doc_frequency(self.fieldname, form) for form in self.forms)

    def matcher(self, searcher, context=None):  # type: ignore[no-untyped-def]
        """Whoosh's matcher for a part of a query left to it (see :mod:`search.vector`)."""
        terms = [wq.Term(self.fieldname, form, boost=self.boost) for form in self.forms]
        return (terms[0] if len(terms) == 1 else wq.Or(terms)).matcher(searcher, context)


class AnyWords(wq.Or):
    """Free words typed without operators: an article need not hold every word; ranking
    puts those holding more first (:mod:`search.ranking`, :meth:`search.vector.Evaluator._any`).

    ``required`` holds the parts typed with syntax beside them (a quoted phrase,
    a field, a wildcard, a NOT): those stay strict, and the free words rank
    what they match.
    """

    def __init__(self, subqueries: list[wq.Query], boost: float = 1.0, required: tuple[wq.Query, ...] = ()) -> None:
        super().__init__(subqueries, boost=boost)
        self.required = tuple(required)

    def children(self):  # type: ignore[no-untyped-def]
        return iter((*self.subqueries, *self.required))

    def normalize(self) -> wq.Query:
        return self

    def matcher(self, searcher, context=None):  # type: ignore[no-untyped-def]
        """Whoosh's matcher, for a query part left to it: the required parts, the words maybe."""
        words = wq.Or(list(self.subqueries), boost=self.boost)
        if not self.required:
            return words.matcher(searcher, context)
        return wq.AndMaybe(wq.And(list(self.required)), words).matcher(searcher, context)

    def __eq__(self, other: object) -> bool:
        return super().__eq__(other) and self.required == getattr(other, "required", None)

    def __hash__(self) -> int:
        return hash((tuple(self.subqueries), self.required, self.boost))

    def __repr__(self) -> str:
        return f"AnyWords({self.subqueries!r}, required={self.required!r})"

    def __unicode__(self) -> str:
        words = super().__unicode__()
        return " AND ".join([*(str(q) for q in self.required), words]) if self.required else words

    __str__ = __unicode__


def word_query(fieldname: str, text: str, boost: float = 1.0) -> wq.Query | None:
    """A free query word (one or more tokens: ``anak-anak``, ``PDI-P``): every form of its
    root; None for a function word or a question word (``apa``, ``siapakah``).

    A hyphenated compound that is no reduplication (``Goguryeo-Sui``) is looked up
    by its parts, as the index also holds them at the compound's position: the
    articles that write it apart or with a dash are both found.
    """
    parts: list[wq.Query] = []
    for token in scan(text):
        if token.protected:
            parts.append(RootWord(fieldname, token.text, protected=True, boost=boost))
            continue
        words = [token.text]
        if "-" in token.text and root_term(token.text, False) == token.text:
            words = [w for w in token.text.split("-") if w]
        for word in words:
            root = None if is_question_word(word) else root_term(word, False)
            if root is not None:
                parts.append(RootWord(fieldname, root, typed=word, boost=boost))
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else wq.And(parts)


def plain_query(text: str) -> wq.Query | None:
    """The query of text made of plain words only, as Whoosh's parser (:mod:`search.syntax`)
    would read it; None when the text holds any syntax (then the parser must read it).

    Most queries are words: a question, a sentence, keywords. Whoosh's parser
    gives them its default grouping (every word, each on the default field) and
    nothing else, so they are built here without loading it.
    """
    if len(DEFAULT_FIELDS) != 1 or not _SYNTAX_FREE.fullmatch(text):
        return None  # (several default fields: the parser's per-word OR over them)
    words = list(_WORD.finditer(text))
    if any(word.group() in _OPERATOR_WORDS for word in words):
        return None
    parts = []
    for word in words:
        q = word_query(DEFAULT_FIELDS[0], word.group())
        if q is not None:  # where it was typed, as the parser marks it (name aliases read the typed text)
            q.startchar, q.endchar = word.span()
            parts.append(q)
    return wq.And(parts).normalize()


def parse_query(text: str, schema, *, relax: bool = True) -> wq.Query:  # type: ignore[no-untyped-def]
    """Parse a user query; raise QueryError with a hint when it cannot be read.

    ``relax=False`` keeps free words side by side all required (see :func:`relaxed`)."""
    text = (text or "").replace("\x00", " ").strip()
    if not text:
        raise QueryError("the query is empty; type some words, e.g. kliping search \"sanksi Rusia\"", query=text)
    if text in ("*", "*:*"):
        return wq.Every()  # every article: for browsing by date, source or author filters
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(f"the query is {len(text)} characters long; keep it under {MAX_QUERY_CHARS}", query=text)
    if text.count('"') % 2:
        raise QueryError('the query has an unclosed double quote; close the phrase: "..."', query=text)
    if text.count("(") != text.count(")"):
        raise QueryError("the query's parentheses do not balance; close each ( with )", query=text)
    text = _QUESTION_MARK.sub(" ", text)
    parsed = plain_query(text)
    if parsed is None:  # syntax: Whoosh's parser (search.syntax) reads it
        from search.syntax import make_parser

        try:
            parsed = make_parser(schema).parse(text)
        except Exception as exc:  # whoosh raises assorted errors on odd input
            raise QueryError(f"cannot read the query: {exc}", query=text) from None
    if parsed is wq.NullQuery or isinstance(parsed, wq.NullQuery.__class__):
        raise QueryError("the query has no searchable words (only question words, stopwords or punctuation?)",
                         query=text)
    return relaxed(parsed, text) if relax else parsed


def relaxed(parsed: wq.Query, text: str) -> wq.Query:
    """Free words side by side become :class:`AnyWords`; explicit syntax stays strict.

    ``banjir bandang Jakarta`` ranks articles with all three first, then those
    with two; ``"Joko Widodo" banjir`` needs the phrase and ranks by ``banjir``;
    ``banjir DAN Jakarta`` (or ``AND``) and ``banjir BUKAN Jakarta`` keep every
    word required, as do the words inside an ``ATAU`` group or a field.
    """
    if _EXPLICIT_AND.search(text):
        return parsed
    parts = list(parsed.subqueries) if type(parsed) is wq.And else [parsed]
    if any(isinstance(p, wq.Not) for p in parts):  # NOT/BUKAN is an explicit operator: all strict
        return parsed
    words = [p for p in parts if type(p) is RootWord and p.fieldname in DEFAULT_FIELDS]
    required = tuple(p for p in parts if not (type(p) is RootWord and p.fieldname in DEFAULT_FIELDS))
    if not words or len(words) + len(required) < 2:
        return parsed
    return AnyWords(words, required=required)


def check_expansion(parsed: wq.Query, reader: IndexReader, *, query_text: str = "",
                    budget: QueryBudget | None = None) -> None:
    """Refuse wildcard/fuzzy/range terms that would expand to more than MAX_EXPANSION terms
    each, or to more than the budget's words together.

    Fuzzy terms are held to words sharing their first MIN_FUZZY_PREFIX letters,
    and must be longer than that: without it, Whoosh compares every word in the
    index (``a~`` took seconds).
    """
    budget = budget or QueryBudget(None)
    for sub in parsed.leaves():
        if isinstance(sub, wq.FuzzyTerm):
            if len(sub.text) <= MIN_FUZZY_PREFIX:
                raise QueryError(f"the fuzzy term {sub.text + '~'!r} is too short; give at least "
                                 f"{MIN_FUZZY_PREFIX + 1} letters, e.g. 'banjr~'", query=query_text)
            sub.prefixlength = max(0, min(max(sub.prefixlength, MIN_FUZZY_PREFIX), len(sub.text) - 1))
        if isinstance(sub, wq.Prefix | wq.Wildcard | wq.FuzzyTerm | wq.Regex | wq.TermRange):
            text = str(getattr(sub, "text", "") or sub)
            if isinstance(sub, wq.Prefix | wq.Wildcard) and len(text.replace("*", "").replace("?", "")) < 2:
                raise QueryError(
                    f"the wildcard {text!r} is too broad; give at least two letters before *, e.g. 'korup*'",
                    query=query_text,
                )
            for count, _ in enumerate(expanded_words(sub, reader), start=1):
                if count > MAX_EXPANSION:
                    raise QueryError(
                        f"{text!r} matches more than {MAX_EXPANSION} different words; make it more specific",
                        query=query_text,
                    )
                budget.spend_word(text)


def did_you_mean(searcher: Searcher, text: str) -> str | None:
    """A respelling of the query's words from the index's own words, or None.

    Only plain words are respelt (``korupsl`` -> ``korupsi``); operators,
    fields and phrases are left as typed.
    """
    reader = searcher.reader()
    pieces: list[str] = []
    at = 0
    for token in scan(text):
        word = text[token.start:token.end]
        if word.isupper() or token.protected or reader.doc_frequency("body", token.text):
            continue
        try:  # one letter off first (the usual typo, and a fifth of the cost), then two
            better = next((s for maxdist, prefix in ((1, 2), (2, 1))
                           for s in searcher.suggest("body", token.text, limit=3, maxdist=maxdist, prefix=prefix)
                           if not s.startswith(ROOT_MARK)), None)
        except Exception:  # suggestions are a nicety; never fail a search for one
            return None
        if better:  # spliced at the word's own place (a replace could hit an earlier word containing it)
            pieces += [text[at:token.start], better]
            at = token.end
    return "".join(pieces) + text[at:] if pieces else None
