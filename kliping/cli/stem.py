"""``kliping stem``: show what the analyzer makes of words, so anyone can inspect it."""

from __future__ import annotations

import sys

import click

from index.analysis import stem
from index.analysis.tokenizer import Token, scan


def _tokens(words: tuple[str, ...]) -> list[Token]:
    """The tokens to stem: of the arguments, or of every line read from stdin."""
    return [token for text in (words or sys.stdin) for token in scan(text)]


@click.command(name="stem")
@click.argument("words", nargs=-1)
def command(words: tuple[str, ...]) -> None:
    """Print each WORD and its root, one ``word<TAB>root`` per line.

    Words are tokenized and lower-cased as the index does; acronyms and
    other words the index keeps whole (KPK, DIBAWA) are their own root.
    With no WORD, reads text from stdin.

    \b
    Examples:
      kliping stem perbankan menandatangani anak-anak
      echo "Pemerintah menaikkan harga BBM" | kliping stem
    """
    for token in _tokens(words):
        click.echo(f"{token.text}\t{token.text if token.protected else stem(token.text)}")
