"""Highlighted snippets, cut from the archive's text, rendered per surface.

A snippet is a list of segments ``(text, is_match)``; each surface renders it
its own way: HTML-escaped with ``<mark>`` for JSON and the API (article text can
never inject markup), ANSI colour on a terminal, plain text otherwise.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

from whoosh import highlight

_OPEN, _CLOSE = "\x02", "\x03"


class _MarkerFormatter(highlight.Formatter):
    """Wraps matched terms in control characters the renderers split on."""

    between = " … "

    def format_token(self, text: str, token, replace: bool = False) -> str:  # type: ignore[no-untyped-def]
        return f"{_OPEN}{highlight.get_text(text, token, replace)}{_CLOSE}"


class _OnePerWord(highlight.Highlighter):
    """The merged field yields a word and its marked root at the same place;
    keep one token per place, matched if either matched, so no word is shown twice."""

    def _merge_matched_tokens(self, tokens):  # type: ignore[no-untyped-def]
        return super()._merge_matched_tokens(_one_per_span(tokens))


def _one_per_span(tokens):  # type: ignore[no-untyped-def]
    held = None
    for token in tokens:
        if held is not None and token.startchar == held.startchar:
            held.matched = held.matched or token.matched
            continue
        if held is not None:
            yield held
        held = token.copy()
    if held is not None:
        yield held


def make_highlighter() -> highlight.Highlighter:
    return _OnePerWord(
        fragmenter=highlight.ContextFragmenter(maxchars=160, surround=50),
        formatter=_MarkerFormatter(),
        scorer=highlight.BasicFragmentScorer(),
    )


def clean_text(text: str) -> str:
    """Article text without the marker characters, paragraphs as spaces."""
    return text.replace(_OPEN, " ").replace(_CLOSE, " ").replace("\n\n", " ¶ ")


@dataclass
class Snippet:
    segments: list[tuple[str, bool]] = field(default_factory=list)

    @classmethod
    def from_marked(cls, marked: str) -> Snippet:
        segments: list[tuple[str, bool]] = []
        for i, part in enumerate(marked.split(_OPEN)):
            if i == 0:
                segments.append((part, False))
                continue
            match, _, rest = part.partition(_CLOSE)
            segments.append((match, True))
            segments.append((rest, False))
        return cls([(text, hit) for text, hit in segments if text])

    @classmethod
    def lead(cls, body: str, chars: int = 200) -> Snippet:
        """The article's opening words, when no term matched in the body."""
        text = clean_text(body)
        return cls([(text[:chars].rsplit(" ", 1)[0] + (" …" if len(text) > chars else ""), False)])

    def plain(self) -> str:
        return "".join(text for text, _ in self.segments)

    def html(self) -> str:
        return "".join(
            f"<mark>{html.escape(text)}</mark>" if hit else html.escape(text) for text, hit in self.segments
        )

    def ansi(self) -> str:
        return "".join(f"\x1b[1;33m{text}\x1b[0m" if hit else text for text, hit in self.segments)
