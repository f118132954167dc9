"""Does stemming help a reporter find the article? A recall measure without hand labels.

For sampled corpus articles, a query is made from the article's own title with
words swapped for *other forms of the same root* that occur in the corpus
(``pemerintah`` -> ``pemerintahan``, ``menjatuhkan`` -> ``dijatuhkan``). Root
families are taken from Sastrawi, not from kliping's stemmer, so the measure
does not grade the stemmer against itself. Each query is run twice through
the real search engine over the whole corpus: as typed (kliping's analysis:
words match all forms of their root) and with every word quoted (exact words
only: no stemming). MRR@10 of finding the source article is printed for each.

    python benchmarks/recall.py --queries 500
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import sys
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from Sastrawi.Stemmer.StemmerFactory import StemmerFactory  # noqa: E402

from benchmarks.common import load_corpus  # noqa: E402
from index.analysis.stopwords import stopwords  # noqa: E402
from index.archive import Archive  # noqa: E402
from index.store import SearchIndex  # noqa: E402
from ingest.article import Article  # noqa: E402
from search.engine import Engine, SearchRequest  # noqa: E402

WORD = re.compile(r"[a-z]{4,}")


def build(records: list[dict], root: Path) -> Engine:  # type: ignore[type-arg]
    shutil.rmtree(root, ignore_errors=True)
    archive = Archive(root / "archive.sqlite3")
    for record in records:
        archive.upsert(Article.from_dict(record))
    index = SearchIndex(root / "index")
    index.rebuild(archive)
    return Engine(index, archive)


def families(records: list[dict]) -> tuple[dict[str, list[str]], dict[str, str]]:  # type: ignore[type-arg]
    """Root -> the corpus's forms of it (commonest first), by Sastrawi; and word -> root."""
    counts = Counter(w for r in records for w in WORD.findall((r["title"] + " " + r["body"]).lower()))
    sastrawi = StemmerFactory().create_stemmer()
    root_of = {w: sastrawi.stem(w) for w, n in counts.items() if n >= 3}
    forms: dict[str, list[str]] = defaultdict(list)
    for word, root in root_of.items():
        forms[root].append(word)
    for root in forms:
        forms[root].sort(key=lambda w: -counts[w])
    return forms, root_of


def swapped_query(title: str, forms: dict[str, list[str]], root_of: dict[str, str],
                  rng: random.Random) -> str | None:
    words = [w for w in WORD.findall(title.lower()) if w not in stopwords()]
    out, swaps = [], 0
    for word in words[:6]:
        others = [f for f in forms.get(root_of.get(word, ""), []) if f != word]
        if others:
            out.append(rng.choice(others[:3]))
            swaps += 1
        else:
            out.append(word)
    return " ".join(out) if swaps and len(out) >= 2 else None


def reciprocal_rank(engine: Engine, query: str, target: str) -> float:
    hits = engine.search(SearchRequest(query=query, limit=10)).hits
    for rank, hit in enumerate(hits, start=1):
        if hit.id == target:
            return 1.0 / rank
    return 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--queries", type=int, default=500)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workdir", type=Path, default=Path("bench-data/recall"))
    args = parser.parse_args()
    records = load_corpus()
    engine = build(records, args.workdir)
    forms, root_of = families(records)
    rng = random.Random(args.seed)
    sample = rng.sample(records, min(len(records), args.queries * 3))
    stemmed, exact, n = 0.0, 0.0, 0
    for record in sample:
        query = swapped_query(record["title"], forms, root_of, rng)
        if not query:
            continue
        target = Article.from_dict(record).id
        stemmed += reciprocal_rank(engine, query, target)
        exact += reciprocal_rank(engine, " ".join(f'"{w}"' for w in query.split()), target)
        n += 1
        if n >= args.queries:
            break
    print(f"articles indexed: {len(records):,}; queries: {n} (titles with words swapped for other forms "
          "of the same Sastrawi root)")
    print(f"MRR@10  kliping analysis (roots): {stemmed / n:.3f}")
    print(f"MRR@10  no stemming (exact words): {exact / n:.3f}")
    print(f"ratio: {stemmed / exact if exact else float('inf'):.2f}x")


if __name__ == "__main__":
    main()
