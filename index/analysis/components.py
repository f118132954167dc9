"""The Whoosh pieces: a tokenizer and two filters, and the two analyzers built from them.

Every component is a module-level class holding no lambdas or open handles, so
the analyzers pickle into the index's schema and into the multiprocess
writer's workers. The stem cache and dictionary are module globals: each
worker process builds its own on first use.
"""

from __future__ import annotations

from collections.abc import Iterator

from whoosh.analysis import CompositeAnalyzer, Filter, Token, Tokenizer

from index.analysis.stemming import stem
from index.analysis.stopwords import stopwords
from index.analysis.tokenizer import scan
from index.analysis.views import token_terms


class _SameByType:
    """Components hold no settings: two of the same class are equal (Whoosh
    compares schemas, and so analyzers, when it opens an index)."""

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self)

    def __hash__(self) -> int:
        return hash(type(self).__name__)


class IndonesianTokenizer(_SameByType, Tokenizer):
    """Whoosh tokenizer over :func:`index.analysis.tokenizer.scan`; marks protected tokens."""

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: object,
    ) -> Iterator[Token]:
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            yield from _whole_value(t, value, start_pos, start_char)
            return
        for pos, token in enumerate(scan(value), start_pos):
            t.text = token.text
            t.protected = token.protected
            t.boost = 1.0
            t.stopped = False
            if keeporiginal:
                t.original = token.text
            if positions:
                t.pos = pos
            if chars:
                t.startchar = start_char + token.start
                t.endchar = start_char + token.end
            yield t


def _whole_value(t: Token, value: str, start_pos: int, start_char: int) -> Iterator[Token]:
    """The untokenized value as one token (Whoosh asks for this with ``tokenize=False``)."""
    t.original = t.text = value.lower()
    t.protected = False
    t.boost = 1.0
    t.pos = start_pos
    t.startchar, t.endchar = start_char, start_char + len(value)
    yield t


class FunctionWordFilter(_SameByType, Filter):
    """Drop the short stopword list, renumbering positions so phrases still line up."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        stops = stopwords()
        pos = None
        for t in tokens:
            if t.text in stops and not getattr(t, "protected", False):
                if not t.removestops:
                    t.stopped = True
                    yield t
                continue
            if t.positions:
                pos = t.pos if pos is None else pos + 1
                t.pos = pos
            t.stopped = False
            yield t


class IndonesianStemFilter(_SameByType, Filter):
    """Replace each unprotected token by its root (cached; see :mod:`.stemming`)."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for t in tokens:
            if not getattr(t, "protected", False):
                t.text = stem(t.text)
            yield t


def stemmed_analyzer() -> CompositeAnalyzer:
    """Recall view (title, body): tokens, function words out, roots."""
    return CompositeAnalyzer(IndonesianTokenizer(), FunctionWordFilter(), IndonesianStemFilter())


def exact_analyzer() -> CompositeAnalyzer:
    """Precision view (quoted phrases, names): the same tokens, lower-cased, nothing removed."""
    return CompositeAnalyzer(IndonesianTokenizer())


class MergedViewFilter(_SameByType, Filter):
    """The merged field's terms (see :mod:`.views`): exact words, and marked roots when indexing.

    In ``query`` mode only exact words come out (phrases are made of them);
    free query words are turned into root lookups by the query parser.
    Function words are dropped with their positions kept.
    """

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for t in tokens:
            terms = token_terms(t.text, getattr(t, "protected", False))
            if not terms:
                continue
            yield t
            if t.mode != "query":
                for extra in terms[1:]:
                    t.text = extra
                    yield t


def merged_analyzer() -> CompositeAnalyzer:
    """Title and body: exact words plus marked roots in one field."""
    return CompositeAnalyzer(IndonesianTokenizer(), MergedViewFilter())


