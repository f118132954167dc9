"""Real articles from ../shared/corpus for index and search tests."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "clickid_news_2019.jsonl.gz"


def corpus_records(limit: int, *, every: int = 1) -> Iterator[dict[str, Any]]:
    """The first ``limit`` records (taking one in ``every``), as the corpus holds them."""
    with gzip.open(CORPUS, "rt", encoding="utf-8") as lines:
        taken = 0
        for n, line in enumerate(lines):
            if n % every:
                continue
            yield json.loads(line)
            taken += 1
            if taken >= limit:
                return
