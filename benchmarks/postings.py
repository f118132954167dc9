"""How many postings each indexing design writes, per text, beside plain Whoosh.

Whoosh's indexing time goes mostly into postings (one per distinct term per
field per document), so this count is why kliping indexes one merged field
(exact words, plus marked roots where they differ) instead of a stemmed field
and an exact field.

    python benchmarks/postings.py --docs 3000
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from whoosh.analysis import StandardAnalyzer  # noqa: E402

from benchmarks.common import scaled_corpus  # noqa: E402
from index.analysis import exact_analyzer, stemmed_analyzer  # noqa: E402
from index.analysis.views import index_positions  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=3000)
    args = parser.parse_args()
    standard, exact, stemmed = StandardAnalyzer(), exact_analyzer(), stemmed_analyzer()
    plain = two_fields = merged = 0
    for record in scaled_corpus(args.docs):
        for text in (record["title"], record["body"]):
            plain += len({t.text for t in standard(text)})
            two_fields += len({t.text for t in exact(text)}) + len({t.text for t in stemmed(text)})
        title = index_positions(record["title"]).keys()
        merged += len(title) + len(title | index_positions(record["body"]).keys())  # title field + headlined body
    print(f"documents: {args.docs:,} (title and body)")
    print(f"postings, plain Whoosh (StandardAnalyzer)         {plain:>10,}  1.00x")
    print(f"postings, a stemmed field and an exact field       {two_fields:>10,}  {two_fields / plain:.2f}x")
    print(f"postings, kliping (merged title; body with headline) {merged:>8,}  {merged / plain:.2f}x")


if __name__ == "__main__":
    main()
