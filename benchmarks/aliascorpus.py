"""What the alias check and the alias recall benchmark share: the 2019 corpus indexed once, and which
articles name each name.

A name's articles are those its exact words match (``"Joko Widodo"`` as a
phrase, ``KPK`` as the whole word), without aliases: what the search engine
itself matches, so the figures speak of the engine as a user meets it.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import ROOT, load_corpus  # noqa: E402

WORKDIR = ROOT / "bench-data" / "aliases"


def corpus_engine(workdir: Path) -> Any:
    """The engine over the whole corpus (indexed on first use, kept in ``workdir`` for the next run)."""
    from benchmarks.relevance import kliping_engine

    index_dir = workdir / "index"
    records = [] if index_dir.exists() else load_corpus()
    if records:
        print(f"indexing {len(records):,} corpus articles into {workdir} (once) ...", file=sys.stderr)
    return kliping_engine(records, workdir, reuse=True)


def name_docs(engine: Any, name: str) -> np.ndarray:
    """Document numbers of the articles whose exact words hold ``name`` (no aliases)."""
    from search.engine import SearchRequest

    request = SearchRequest(query=f'"{name}"', aliases=False, snippets=False)
    return engine.over_matches(request, lambda matched: matched.ids.copy())


def query_docs(engine: Any, query: str, *, aliases: bool, best: int = 10) -> tuple[np.ndarray, np.ndarray]:
    """Document numbers a query typed as a user types it matches, and its ``best`` first (by relevance)."""
    from search.engine import SearchRequest
    from search.vector import top

    request = SearchRequest(query=query, aliases=aliases, snippets=False)
    return engine.over_matches(request, lambda m: (m.ids.copy(), m.ids[top(m.ids, m.scores, best, descending=True)]))
