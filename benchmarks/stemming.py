"""Stemming benchmark: kliping's ``stem`` beside Sastrawi and Snowball, accuracy and speed.

Run from the project root::

    .venv/bin/python benchmarks/stemming.py [--articles 2000]

Accuracy is exact match against ``../shared/stem/ud_gsd.tsv`` (word types) and
weighted by running-text frequency (``ud_gsd.counts.tsv``); the Sastrawi
project's own functional tests are shown as a sanity column. Speed is tokens
per second over the alphabetic tokens of the first N corpus articles, repeats
included, with a cold cache and then warm. An error-class breakdown of
kliping's misses guides rule work. It prints; it does not assert.
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from index.analysis import stem, tokenize  # noqa: E402
from index.analysis.stemming import clear_cache  # noqa: E402

SHARED = ROOT.parent / "shared"
GOLD = SHARED / "stem" / "ud_gsd.tsv"
COUNTS = SHARED / "stem" / "ud_gsd.counts.tsv"
SANITY = SHARED / "stem" / "sastrawi_functional_tests.tsv"
CORPUS = SHARED / "corpus" / "clickid_news_2019.jsonl.gz"
EXAMPLES_PER_CLASS = 8


def read_pairs(path: Path) -> list[tuple[str, str, int]]:
    """(word, root, count) rows of a gold file; count is 1 without a third column."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        cols = line.split("\t")
        if len(cols) >= 2:
            rows.append((cols[0], cols[1], int(cols[2]) if len(cols) > 2 else 1))
    return rows


def token_stream(articles: int) -> list[str]:
    """Alphabetic lower-case tokens of the first ``articles`` corpus articles, in order."""
    tokens: list[str] = []
    with gzip.open(CORPUS, "rt", encoding="utf-8") as lines:
        for line in itertools.islice(lines, articles):
            doc = json.loads(line)
            tokens.extend(t for t in tokenize(f"{doc['title']} {doc['body']}") if t.isalpha())
    return tokens


def make_stemmers() -> dict[str, tuple[Callable[[str], str], Callable[[], None]]]:
    """name -> (stem one word, reset its cache)."""
    import Stemmer
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    sastrawi = {"s": StemmerFactory().create_stemmer()}
    snowball = {"s": Stemmer.Stemmer("indonesian")}

    def reset_sastrawi() -> None:
        sastrawi["s"] = StemmerFactory().create_stemmer()

    def reset_snowball() -> None:
        snowball["s"] = Stemmer.Stemmer("indonesian")

    return {
        "kliping": (stem, clear_cache),
        "sastrawi": (lambda w: sastrawi["s"].stem(w), reset_sastrawi),
        "snowball": (lambda w: snowball["s"].stemWord(w), reset_snowball),
    }


def accuracy(stemmer: Callable[[str], str], rows: list[tuple[str, str, int]]) -> tuple[float, float]:
    """(exact match on types, exact match weighted by count)."""
    hits = [stemmer(word) == root for word, root, _ in rows]
    weighted = sum(count for (_, _, count), hit in zip(rows, hits, strict=True) if hit)
    return sum(hits) / len(rows), weighted / sum(count for _, _, count in rows)


def throughput(stemmer: Callable[[str], str], reset: Callable[[], None], tokens: list[str]) -> tuple[float, float]:
    """(cold, warm) tokens per second over the stream."""
    reset()
    rates = []
    for _ in range(2):
        start = time.perf_counter()
        for token in tokens:
            stemmer(token)
        rates.append(len(tokens) / (time.perf_counter() - start))
    return rates[0], rates[1]


def error_class(word: str, gold: str, got: str) -> str:
    """A coarse name for what kind of miss this is."""
    if "-" in word:
        return "reduplication/hyphen"
    if got == word:
        return "kept whole, gold strips"
    if gold == word:
        return "stripped, gold keeps whole"
    if gold.startswith(got) or gold in got or got in gold:
        return "over-stripped" if len(got) < len(gold) else "under-stripped"
    return "different root"


def print_errors(rows: list[tuple[str, str, int]]) -> None:
    """kliping's misses on the gold, grouped by class, with frequency-weighted examples."""
    classes: dict[str, list[tuple[int, str, str, str]]] = {}
    for word, gold, count in rows:
        got = stem(word)
        if got != gold:
            classes.setdefault(error_class(word, gold, got), []).append((count, word, gold, got))
    print("\nkliping misses on ud_gsd by class (types; most frequent examples: word gold->got)")
    for name, misses in sorted(classes.items(), key=lambda item: -len(item[1])):
        misses.sort(reverse=True)
        examples = ", ".join(f"{w} {g}->{s}" for _, w, g, s in misses[:EXAMPLES_PER_CLASS])
        print(f"  {name:28s} {len(misses):4d}  {examples}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=2000, help="corpus articles in the token stream")
    args = parser.parse_args()
    gold, counts, sanity = read_pairs(GOLD), read_pairs(COUNTS), read_pairs(SANITY)
    tokens = token_stream(args.articles)
    distinct = len(Counter(tokens))
    print(f"gold: {len(gold)} ud_gsd pairs, {len(sanity)} sastrawi sanity pairs")
    print(f"stream: {len(tokens):,} tokens ({distinct:,} distinct) from the first {args.articles} articles\n")
    print(f"{'stemmer':10s} {'ud_gsd':>8s} {'weighted':>9s} {'sanity':>8s} {'cold tok/s':>12s} {'warm tok/s':>12s}")
    for name, (stemmer, reset) in make_stemmers().items():
        reset()
        ud, weighted = accuracy(stemmer, counts if counts else gold)
        sane, _ = accuracy(stemmer, sanity)
        cold, warm = throughput(stemmer, reset, tokens)
        print(f"{name:10s} {ud:8.2%} {weighted:9.2%} {sane:8.2%} {cold:12,.0f} {warm:12,.0f}")
    print_errors(counts)


if __name__ == "__main__":
    main()
