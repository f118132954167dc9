"""``kliping stem``: show what the analyzer makes of words, so anyone can inspect it."""

from __future__ import annotations

import sys

import click

from index.analysis import stem, tokenize


def _words(words: tuple[str, ...]) -> list[str]:
    """The words to stem: the arguments, or every token read from stdin."""
    if words:
        return [token for word in words for token in tokenize(word)]
    return [token for line in sys.stdin for token in tokenize(line)]


@click.command(name="stem")
@click.argument("words", nargs=-1)
def command(words: tuple[str, ...]) -> None:
    """Print each WORD and its root, one ``word<TAB>root`` per line.

    Words are tokenized and lower-cased as the index does; with no WORD,
    reads text from stdin.

    \b
    Examples:
      kliping stem perbankan menandatangani anak-anak
      echo "Pemerintah menaikkan harga BBM" | kliping stem
    """
    for word in _words(words):
        click.echo(f"{word}\t{stem(word)}")
