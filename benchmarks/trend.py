"""Attention over time on the 2019 corpus: what ``kliping trend`` costs, and what counting in UTC would move.

For each query, in the same run:

- the time of a weekly trend (every match counted from the index's arrays)
  beside the time of one results page for the same query (``kliping search``,
  ten hits with snippets): the ratio is the figure, as the machine is shared;
- of the matches with a publish time, how many a UTC day would put on another
  day (published between 00:00 and 07:00 WIB), and in another ISO week.

    python benchmarks/trend.py                       # the corpus, indexed once (~2 min)
    python benchmarks/trend.py karhutla "kabut asap"
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.aliascorpus import WORKDIR, corpus_engine  # noqa: E402
from index.schema import NO_DATE  # noqa: E402
from search.engine import SearchRequest  # noqa: E402
from search.trend import trend  # noqa: E402

QUERIES = ["karhutla", "Jokowi", "KPK", "banjir", "gempa", "kabut asap", "RKUHP", "Habibie", "*"]
_HOUR = 3_600_000_000
_DAY = 24 * _HOUR


def best_of(runs: int, work) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("queries", nargs="*", default=QUERIES)
    parser.add_argument("--workdir", type=Path, default=WORKDIR)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    engine = corpus_engine(args.workdir)

    def published(matched):  # type: ignore[no-untyped-def]
        return matched.arrays.published()[matched.ids]

    everything = engine.over_matches(SearchRequest(query="*"), published)
    timed = everything[(everything != NO_DATE) & (everything % _DAY != 0)]  # (a bare date is midnight exactly)
    wib_hour = (timed % _DAY) // _HOUR
    print(f"corpus: {len(everything):,} articles, {len(timed):,} with a time; "
          f"{np.mean(wib_hour < 7):.1%} of those fall 00:00-07:00 WIB, on the previous day in UTC\n")
    print(f"  {'query':<14}{'timed':>9}{'trend ms':>10}{'page ms':>9}{'ratio':>7}{'UTC: other day':>16}"
          f"{'other week':>12}")
    ratios = []
    for query in args.queries:
        request = SearchRequest(query=query, snippets=False)
        trend_s = best_of(args.runs, lambda r=request: trend(engine, r, by="week"))
        page_s = best_of(args.runs, lambda q=query: engine.search(SearchRequest(query=q, limit=10)))
        dates = engine.over_matches(request, published)
        dates = dates[(dates != NO_DATE) & (dates % _DAY != 0)]  # those with a time
        utc = dates - 7 * _HOUR
        other_day = int(np.sum(utc // _DAY != dates // _DAY))
        other_week = int(np.sum((utc // _DAY) // 7 != (dates // _DAY) // 7))  # (weeks from Monday 0001-01-01)
        ratios.append(trend_s / page_s)
        print(f"  {query:<14}{len(dates):>9,}{1000 * trend_s:>10.1f}{1000 * page_s:>9.1f}{trend_s / page_s:>7.2f}"
              f"{other_day:>9,} ({other_day / max(len(dates), 1):.0%}){other_week:>7,} "
              f"({other_week / max(len(dates), 1):.0%})")
    print(f"\n  median trend / page time ratio: {statistics.median(ratios):.2f}")


if __name__ == "__main__":
    main()
