"""Build the two corpus-derived data files the stemmer reads: root frequencies and names.

Run from the project root to regenerate (about a minute)::

    .venv/bin/python -m index.analysis.corpusstats ../shared/corpus/clickid_news_2019.jsonl.gz

- ``root_freq.txt``: how often each dictionary root occurs as a word of its own
  in 5 M words of 2019 news, and how many other word types derive from it. Prefixes hide a lost consonant
  (``memakan`` is ``makan`` or ``pakan``; ``memasuki`` is ``masuk`` or ``pasuk``),
  and the root a reporter actually writes on its own is the better bet; a
  small weight per decade of frequency lets this break near-ties only.
- ``names.txt``: words the corpus writes capitalised in the middle of a
  sentence nearly always, that the stemmer would otherwise cut (``Terawan`` ->
  ``awan``, ``Pemalang`` -> ``malang``). They are kept whole.

Only word counts are read; no gold word->root pairs are involved.
"""

from __future__ import annotations

import argparse
import gzip
import json
import logging
from collections import Counter
from pathlib import Path

from index.analysis.lexicon import roots
from index.analysis.tokenizer import _PATTERN

logger = logging.getLogger(__name__)

HERE = Path(__file__).parent
#: A name must be seen this often mid-sentence, and capitalised this large a share of those times.
NAME_MIN_COUNT = 5
NAME_MIN_CAPITALISED = 0.9
#: Characters after which a capital letter starts a sentence rather than marks a name.
SENTENCE_BREAKS = frozenset('.!?:;"“”()[]-–—\n')


def count_words(path: Path) -> tuple[Counter[str], Counter[str], Counter[str]]:
    """(all lower-case word counts, mid-sentence capitalised counts, mid-sentence lower-case counts)."""
    words: Counter[str] = Counter()
    capitalised: Counter[str] = Counter()
    lowercase: Counter[str] = Counter()
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            body = json.loads(line)["body"]
            for match in _PATTERN.finditer(body):
                if match.lastgroup != "word":
                    continue
                surface = match.group()
                lower = surface.lower()
                words[lower] += 1
                if _mid_sentence(body, match.start()) and surface.isalpha():
                    (capitalised if surface[0].isupper() else lowercase)[lower] += 1
    return words, capitalised, lowercase


def _mid_sentence(text: str, start: int) -> bool:
    """True when the token at ``start`` follows a word inside a sentence (paragraphs are joined by ``.,``)."""
    before = text[max(0, start - 3) : start].rstrip()
    if not before or before[-1] in SENTENCE_BREAKS:
        return False
    return not (before[-1] == "," and len(before) > 1 and before[-2] in SENTENCE_BREAKS)


def root_frequencies(words: Counter[str]) -> dict[str, tuple[int, int]]:
    """(count on its own, derived word types) of every dictionary root the corpus attests.

    A root no corpus word stands on or derives from (``berik``) is a dictionary
    relic: the stemmer makes readings through it dear.
    """
    from index.analysis.stemmer import cheapest_root

    dictionary = roots()
    family: Counter[str] = Counter()
    for word in words:
        if word.isalpha() and word not in dictionary:
            family[cheapest_root(word)] += 1
    attested = {w for w in dictionary if words[w] or family[w]}
    return {w: (words[w], family[w]) for w in attested}


def names(capitalised: Counter[str], lowercase: Counter[str]) -> list[str]:
    """Words nearly always capitalised mid-sentence that the stemmer would cut."""
    from index.analysis.stemmer import cheapest_root

    found = []
    for word, caps in capitalised.items():
        seen = caps + lowercase[word]
        frequent = seen >= NAME_MIN_COUNT and caps / seen >= NAME_MIN_CAPITALISED
        if frequent and word.isalpha() and cheapest_root(word) != word:
            found.append(word)
    return sorted(found)


def main() -> None:
    parser = argparse.ArgumentParser(description="Regenerate root_freq.txt and names.txt from a corpus.")
    parser.add_argument("corpus", type=Path, help="JSONL.gz with a 'body' per line")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    words, capitalised, lowercase = count_words(args.corpus)
    freq = root_frequencies(words)
    header = f"# root<TAB>count alone<TAB>derived types in {args.corpus.name}; python -m index.analysis.corpusstats\n"
    lines = "".join(f"{root}\t{alone}\t{derived}\n" for root, (alone, derived) in sorted(freq.items()))
    (HERE / "root_freq.txt").write_text(header + lines, encoding="utf-8")
    found = names(capitalised, lowercase)
    header = f"# names capitalised mid-sentence >= {NAME_MIN_CAPITALISED:.0%} in {args.corpus.name}; kept unstemmed\n"
    (HERE / "names.txt").write_text(header + "".join(f"{name}\n" for name in found), encoding="utf-8")
    logger.info("%d roots with frequencies, %d names", len(freq), len(found))


if __name__ == "__main__":
    main()
