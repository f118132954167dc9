"""Turning what a journalist types into a Whoosh query.

Whoosh's own syntax, plus what an Indonesian newsroom expects: DAN/ATAU/BUKAN
beside AND/OR/NOT, Indonesian field names (``judul:``, ``penulis:``,
``sumber:``), and quoted phrases matched on the exact (unstemmed) view of the
text, so ``"Joko Widodo"`` means those words, while bare words match every
form of their root. Wildcards and fuzzy terms are bounded: a query that would
expand to too many terms is refused with a message instead of stalling.
"""

from __future__ import annotations

from whoosh import query as wq
from whoosh.qparser import (
    FieldAliasPlugin,
    FuzzyTermPlugin,
    GtLtPlugin,
    MultifieldParser,
    OperatorsPlugin,
    Plugin,
    syntax,
)
from whoosh.reading import IndexReader
from whoosh.searching import Searcher

from index.schema import DEFAULT_FIELDS, FIELD_ALIASES
from kliping.errors import QueryError

#: Most index terms one wildcard or fuzzy term may expand to.
MAX_EXPANSION = 1024
#: Fuzzy terms (``banjr~``) only reach words that share this many first letters.
MIN_FUZZY_PREFIX = 2
MAX_QUERY_CHARS = 1000

_EXACT = {"title": "title_exact", "body": "body_exact"}


class ExactPhrasePlugin(Plugin):
    """Moves quoted phrases onto the unstemmed fields (runs after multifield)."""

    def filters(self, parser: MultifieldParser) -> list[tuple[object, int]]:
        return [(self._to_exact, 200)]

    def _to_exact(self, parser: MultifieldParser, group: syntax.GroupNode) -> syntax.GroupNode:
        for node in group:
            if isinstance(node, syntax.GroupNode):
                self._to_exact(parser, node)
            elif type(node).__name__ == "PhraseNode" and node.fieldname in _EXACT:
                node.set_fieldname(_EXACT[node.fieldname], override=True)
        return group


def make_parser(schema) -> MultifieldParser:  # type: ignore[no-untyped-def]
    parser = MultifieldParser(list(DEFAULT_FIELDS), schema)
    parser.remove_plugin_class(OperatorsPlugin)
    parser.add_plugin(
        OperatorsPlugin(
            And=r"(?<=\s)(AND|DAN)(?=\s)",
            Or=r"(?<=\s)(OR|ATAU)(?=\s)",
            Not=r"(^|(?<=(\s|[()])))(NOT|BUKAN)(?=\s)",
            AndNot=r"(?<=\s)ANDNOT(?=\s)",
            AndMaybe=r"(?<=\s)ANDMAYBE(?=\s)",
        )
    )
    aliases: dict[str, list[str]] = {}
    for alias, field in FIELD_ALIASES.items():
        aliases.setdefault(field, []).append(alias)
    parser.add_plugin(FieldAliasPlugin(aliases))
    parser.add_plugin(FuzzyTermPlugin())
    parser.add_plugin(GtLtPlugin())
    parser.add_plugin(ExactPhrasePlugin())
    return parser


def parse_query(text: str, schema) -> wq.Query:  # type: ignore[no-untyped-def]
    """Parse a user query; raise QueryError with a hint when it cannot be read."""
    text = (text or "").replace("\x00", " ").strip()
    if not text:
        raise QueryError("the query is empty; type some words, e.g. kliping search \"sanksi Rusia\"", query=text)
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(f"the query is {len(text)} characters long; keep it under {MAX_QUERY_CHARS}", query=text)
    if text.count('"') % 2:
        raise QueryError('the query has an unclosed double quote; close the phrase: "..."', query=text)
    if text.count("(") != text.count(")"):
        raise QueryError("the query's parentheses do not balance; close each ( with )", query=text)
    try:
        parsed = make_parser(schema).parse(text)
    except Exception as exc:  # whoosh raises assorted errors on odd input
        raise QueryError(f"cannot read the query: {exc}", query=text) from None
    if parsed is wq.NullQuery or isinstance(parsed, wq.NullQuery.__class__):
        raise QueryError("the query has no searchable words (only stopwords or punctuation?)", query=text)
    return parsed


def check_expansion(parsed: wq.Query, reader: IndexReader, *, query_text: str = "") -> None:
    """Refuse wildcard/fuzzy/range terms that would expand to more than MAX_EXPANSION terms.

    Fuzzy terms are also held to words sharing their first MIN_FUZZY_PREFIX
    letters: without that, Whoosh compares every word in the index (seconds).
    """
    for sub in _leaves(parsed):
        if isinstance(sub, wq.FuzzyTerm):  # (never longer than the word: Whoosh's automaton breaks)
            sub.prefixlength = max(0, min(max(sub.prefixlength, MIN_FUZZY_PREFIX), len(sub.text) - 1))
        if isinstance(sub, wq.Prefix | wq.Wildcard | wq.FuzzyTerm | wq.Regex | wq.TermRange):
            text = str(getattr(sub, "text", "") or sub)
            if isinstance(sub, wq.Prefix | wq.Wildcard) and len(text.replace("*", "").replace("?", "")) < 2:
                raise QueryError(
                    f"the wildcard {text!r} is too broad; give at least two letters before *, e.g. 'korup*'",
                    query=query_text,
                )
            for count, _ in enumerate(sub._btexts(reader), start=1):
                if count > MAX_EXPANSION:
                    raise QueryError(
                        f"{text!r} matches more than {MAX_EXPANSION} different words; make it more specific",
                        query=query_text,
                    )


def _leaves(q: wq.Query):  # type: ignore[no-untyped-def]
    if q.is_leaf():
        yield q
    else:
        for child in q.children():
            yield from _leaves(child)


def did_you_mean(searcher: Searcher, parsed: wq.Query, text: str) -> str | None:
    """A spelling suggestion from the index's own words, or None."""
    try:
        corrected = searcher.correct_query(parsed, text, maxdist=2, prefix=1)
    except Exception:  # suggestions are a nicety; never fail a search for one
        return None
    if corrected.query != parsed and corrected.string and corrected.string != text:
        return corrected.string
    return None
