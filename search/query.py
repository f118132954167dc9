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
    MultifieldPlugin,
    OperatorsPlugin,
    PhrasePlugin,
    Plugin,
    QueryParser,
    syntax,
)
from whoosh.reading import IndexReader
from whoosh.searching import Searcher

from index.analysis import ROOT_MARK
from index.analysis.tokenizer import scan
from index.fields import MergedText
from index.schema import DEFAULT_FIELDS, FIELD_ALIASES
from kliping.errors import QueryError
from search.phrase import FastPhrase

#: Most index terms one wildcard or fuzzy term may expand to.
MAX_EXPANSION = 1024
#: Fuzzy terms (``banjr~``) only reach words that share this many first letters.
MIN_FUZZY_PREFIX = 2
MAX_QUERY_CHARS = 1000


class KlipingParser(QueryParser):
    """Whoosh's parser, with free words on merged fields turned into root lookups."""

    def term_query(self, fieldname, text, termclass, boost=1.0, tokenize=True, removestops=True):  # type: ignore[no-untyped-def]
        field = self.schema[fieldname] if self.schema and fieldname in self.schema else None
        if not isinstance(field, MergedText):
            return super().term_query(fieldname, text, termclass, boost, tokenize, removestops)
        if termclass is wq.Term:
            return field.word_query(fieldname, text, boost)
        # wildcards and fuzzy terms work on the exact words
        return termclass(fieldname, text.lower(), boost=boost)


class GapPhrase(PhrasePlugin.PhraseNode):
    """A quoted phrase on exact words; a function word left out of the index
    widens the allowed gap there instead of breaking the match."""

    def query(self, parser):  # type: ignore[no-untyped-def]
        fieldname = self.fieldname or parser.fieldname
        field = parser.schema[fieldname] if parser.schema and fieldname in parser.schema else None
        if not isinstance(field, MergedText):
            return super().query(parser)
        tokens = [(t.text, t.pos) for t in field.tokenize(self.text, mode="query", positions=True)]
        if not tokens:
            return wq.NullQuery
        if len(tokens) == 1:
            return syntax.attach(wq.Term(fieldname, tokens[0][0], boost=self.boost), self)
        widest = max(b[1] - a[1] for a, b in zip(tokens, tokens[1:], strict=False))
        slop = self.slop + widest - 1
        phrase = FastPhrase(fieldname, [text for text, _ in tokens], slop=slop, boost=self.boost)
        return syntax.attach(phrase, self)


class GapPhrasePlugin(Plugin):
    """Swaps Whoosh's phrase nodes for :class:`GapPhrase` (runs after multifield)."""

    def filters(self, parser: QueryParser) -> list[tuple[object, int]]:
        return [(self._swap, 200)]

    def _swap(self, parser: QueryParser, group: syntax.GroupNode) -> syntax.GroupNode:
        for i, node in enumerate(group):
            if isinstance(node, syntax.GroupNode):
                self._swap(parser, node)
            elif type(node) is PhrasePlugin.PhraseNode:
                swapped = GapPhrase(node.text, node.textstartchar, node.slop)
                swapped.set_fieldname(node.fieldname)
                swapped.startchar, swapped.endchar, swapped.boost = node.startchar, node.endchar, node.boost
                group[i] = swapped
        return group


def make_parser(schema) -> QueryParser:  # type: ignore[no-untyped-def]
    parser = KlipingParser(None, schema)
    parser.add_plugin(MultifieldPlugin(list(DEFAULT_FIELDS)))
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
    parser.add_plugin(GapPhrasePlugin())
    return parser


def parse_query(text: str, schema) -> wq.Query:  # type: ignore[no-untyped-def]
    """Parse a user query; raise QueryError with a hint when it cannot be read."""
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
    for sub in parsed.leaves():
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
