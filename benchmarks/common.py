"""What the benchmarks share: the corpus, scaled to a size, and timing helpers.

Figures are printed beside a baseline measured in the same run, because these
machines are shared and noisy: the ratio means more than the absolute number.
"""

from __future__ import annotations

import gzip
import json
import statistics
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "clickid_news_2019.jsonl.gz"


def load_corpus() -> list[dict[str, Any]]:
    with gzip.open(CORPUS, "rt", encoding="utf-8") as lines:
        return [json.loads(line) for line in lines]


def scaled_corpus(n: int) -> Iterator[dict[str, Any]]:
    """``n`` records: the corpus, then copies of it with new ids and URLs (-r1, -r2, ...).

    A scaling proxy, not ``n`` distinct articles: the vocabulary stays the corpus's.
    """
    base = load_corpus()
    for i in range(n):
        record = dict(base[i % len(base)])
        copy = i // len(base)
        if copy:
            record["id"] = f"{record['id']}-r{copy}"
            record["url"] = f"{record['url']}-r{copy}"
        yield record


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)

    def at(p: float) -> float:
        return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]

    return {"p50": at(50), "p95": at(95), "p99": at(99), "mean": statistics.fmean(ordered)}


def timed(func: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = func()
    return time.perf_counter() - start, result


def dir_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
