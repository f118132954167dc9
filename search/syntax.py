"""Whoosh's query syntax with kliping's additions: the parser for queries that use syntax.

Operators (``DAN``/``ATAU``/``BUKAN`` beside ``AND``/``OR``/``NOT``), Indonesian
field names, quoted phrases on exact words, wildcards and fuzzy terms. A query
of plain words needs none of it and never loads it (:func:`search.query.plain_query`):
importing ``whoosh.qparser`` and compiling its plugins' patterns is a good part
of a short ``kliping search`` process.
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

from index.fields import MergedText
from index.schema import DEFAULT_FIELDS, FIELD_ALIASES
from search.phrase import FastPhrase
from search.query import word_query


class KlipingParser(QueryParser):
    """Whoosh's parser, with free words on merged fields turned into root lookups."""

    def term_query(self, fieldname, text, termclass, boost=1.0, tokenize=True, removestops=True):  # type: ignore[no-untyped-def]
        field = self.schema[fieldname] if self.schema and fieldname in self.schema else None
        if not isinstance(field, MergedText):
            return super().term_query(fieldname, text, termclass, boost, tokenize, removestops)
        if termclass is wq.Term:
            return word_query(fieldname, text, boost)
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
