"""Indexing speed, index size and query latency: kliping beside plain Whoosh.

Both index the same documents in the same run: kliping with its full
Indonesian analysis (two views, stemmer with cache, multiprocess writer),
plain Whoosh with its StandardAnalyzer and default writer. Then both answer
the same realistic queries; latencies are per query, p50/p95/p99 per kind.

    python benchmarks/search.py --docs 100000
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from whoosh import fields, index  # noqa: E402
from whoosh import query as wq
from whoosh.qparser import MultifieldParser  # noqa: E402

from benchmarks.common import dir_size, load_corpus, percentiles, scaled_corpus, timed  # noqa: E402
from index.analysis.stopwords import stopwords  # noqa: E402
from index.archive import Archive  # noqa: E402
from index.dates import to_wib_naive  # noqa: E402
from index.store import SearchIndex  # noqa: E402
from kliping.article import Article  # noqa: E402
from search.engine import Engine, SearchRequest  # noqa: E402

QUERIES: dict[str, list[dict]] = {  # type: ignore[type-arg]
    "single word": [{"q": w} for w in ("banjir", "korupsi", "gempa", "pemilu", "narkoba", "demo", "harga",
                                        "timnas", "kebakaran", "investasi")],
    "two-word AND": [{"q": w} for w in ("sanksi ekonomi", "harga minyak", "kebakaran hutan", "ibu kota",
                                         "mahasiswa demo", "gempa bumi", "tol jakarta", "bank indonesia")],
    "phrase with name": [{"q": f'"{w}"'} for w in ("Joko Widodo", "Prabowo Subianto", "Sri Mulyani",
                                                     "Anies Baswedan", "Ma'ruf Amin", "Lionel Messi")],
    "date-filtered": [{"q": w, "from": "2019-09-01", "to": "2019-09-15"} for w in
                      ("banjir", "korupsi", "demo mahasiswa", "kebakaran hutan", "revisi undang-undang")],
    "date range alone": [{"q": "*", "from": f"2019-09-{d:02d}", "to": f"2019-09-{d + 6:02d}"} for d in (1, 8, 15)],
    "facets": [{"q": w, "facets": True} for w in ("banjir", "korupsi", "pemilu")],
}


def unseen_queries(n: int, seed: int) -> dict[str, list[dict]]:  # type: ignore[type-arg]
    """Queries nobody tuned for: words from random headlines, new with every seed, each run once.

    Each kind draws its own headlines, so no kind meets words an earlier one has read.
    """
    rng = random.Random(seed)
    titles = [r["title"] for r in load_corpus()]

    def words(count: int) -> list[str]:
        while True:
            # function words are no query (kliping refuses a query of only those, as it indexes none)
            found = [w for w in re.findall(r"[a-z]{4,}", rng.choice(titles).lower()) if w not in stopwords()]
            if len(found) >= count:
                return rng.sample(found, count)

    def window() -> dict[str, str]:
        start = date(2019, 1, 1) + timedelta(days=rng.randrange(350))
        return {"from": start.isoformat(), "to": (start + timedelta(days=13)).isoformat()}

    return {
        "unseen word": [{"q": words(1)[0]} for _ in range(n)],
        "unseen two-word AND": [{"q": " ".join(words(2))} for _ in range(n)],
        "unseen + 2 weeks": [{"q": words(1)[0], **window()} for _ in range(n)],
    }


def plain_schema() -> fields.Schema:
    return fields.Schema(id=fields.ID(stored=True, unique=True), title=fields.TEXT(stored=True),
                         body=fields.TEXT, source=fields.ID(stored=True),
                         published=fields.DATETIME(stored=True, sortable=True))


def index_plain(records: list[dict], path: Path) -> float:  # type: ignore[type-arg]
    ix = index.create_in(str(path), plain_schema())
    writer = ix.writer()
    seconds, _ = timed(lambda: [writer.add_document(
        id=r["id"], title=r["title"], body=r["body"], source=r["source"],
        published=to_wib_naive(r["published"])) for r in records] and writer.commit())
    return seconds


def index_kliping(records: list[dict], root: Path) -> tuple[float, float, Engine]:  # type: ignore[type-arg]
    archive = Archive(root / "archive.sqlite3")
    archive_seconds, _ = timed(lambda: [archive.upsert(Article.from_dict(r)) for r in records])
    search_index = SearchIndex(root / "index")
    index_seconds, _ = timed(lambda: search_index.rebuild(archive))
    return archive_seconds, index_seconds, Engine(search_index, archive)


def plain_search(searcher, spec: dict) -> None:  # type: ignore[no-untyped-def,type-arg]
    """Plain Whoosh as its docs show it, with one searcher kept open (as kliping keeps one)."""
    parser = MultifieldParser(["title", "body"], searcher.schema)
    q = wq.Every() if spec["q"] == "*" else parser.parse(spec["q"])
    flt = None
    if "from" in spec:
        flt = wq.DateRange("published", datetime.fromisoformat(spec["from"]),
                           datetime.fromisoformat(spec["to"] + "T23:59:59"))
    groupedby = {"groupedby": ["source"]} if spec.get("facets") else {}
    results = searcher.search(q, limit=10, filter=flt, **groupedby)
    [hit.fields() for hit in results]
    len(results)  # the total, which kliping reports too


def kliping_search(engine: Engine, spec: dict, *, collapse: bool = False) -> None:  # type: ignore[type-arg]
    engine.search(SearchRequest(query=spec["q"], date_from=spec.get("from"), date_to=spec.get("to"),
                                facets=spec.get("facets", False), collapse=collapse))


def latencies(run, specs: list[dict], rounds: int, *, warm: bool = True) -> list[float]:  # type: ignore[no-untyped-def,type-arg]
    if warm:
        run(specs[0])
    samples = []
    for _ in range(rounds):
        for spec in specs:
            seconds, _ = timed(lambda s=spec: run(s))
            samples.append(seconds * 1000)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=100_000, help="documents to index (corpus replicated)")
    parser.add_argument("--rounds", type=int, default=5, help="times each query is run")
    parser.add_argument("--workdir", type=Path, default=Path("bench-data/search"))
    parser.add_argument("--queries-only", action="store_true", help="reuse the indexes a previous run built")
    parser.add_argument("--unseen", type=int, default=40, help="random queries of each unseen kind, run once")
    parser.add_argument("--seed", type=int, default=None, help="seed for the unseen queries (default: the clock)")
    parser.add_argument("--collapse", action="store_true", help="also time kliping with one hit per story")
    args = parser.parse_args()
    if args.queries_only:
        engine = Engine(SearchIndex(args.workdir / "kliping/index"), Archive(args.workdir / "kliping/archive.sqlite3"))
        print(f"documents: {engine.index.doc_count():,} (indexes from a previous run)")
    else:
        engine = build_both(args)
    seed = args.seed if args.seed is not None else int(time.time())
    run_queries(index.open_dir(str(args.workdir / "plain")), engine, args.rounds, unseen_queries(args.unseen, seed),
                collapse=args.collapse)
    print(f"(unseen queries: --seed {seed}; each run once, after the fixed set)")


def build_both(args: argparse.Namespace) -> Engine:
    shutil.rmtree(args.workdir, ignore_errors=True)
    (args.workdir / "plain").mkdir(parents=True)
    records = list(scaled_corpus(args.docs))
    print(f"documents: {len(records):,} (the 21,940-article corpus replicated with new ids: a scaling proxy)")
    plain_seconds = index_plain(records, args.workdir / "plain")
    archive_seconds, kliping_seconds, engine = index_kliping(records, args.workdir / "kliping")
    n = len(records)
    print("\nindexing                      plain Whoosh      kliping     ratio")
    print(f"  docs/s                      {n / plain_seconds:12.0f} {n / kliping_seconds:12.0f} "
          f"{plain_seconds / kliping_seconds:8.2f}x")
    plain_mb, kliping_mb = dir_size(args.workdir / "plain") / 1e6, dir_size(args.workdir / "kliping/index") / 1e6
    print(f"  index size MB               {plain_mb:12.1f} {kliping_mb:12.1f} {kliping_mb / plain_mb:8.2f}x")
    print(f"  (archive: {n / archive_seconds:.0f} docs/s into SQLite, "
          f"{dir_size(args.workdir / 'kliping') / 1e6 - kliping_mb:.0f} MB)")
    return engine


def run_queries(plain_ix: index.Index, engine: Engine, rounds: int,
                unseen: dict[str, list[dict]], *, collapse: bool = False) -> None:  # type: ignore[type-arg]
    plain_searcher = plain_ix.searcher()
    print("\nquery latency ms (p50 / p95 / p99)      plain Whoosh              kliping"
          + ("         kliping --collapse" if collapse else ""))
    kinds = [(kind, specs, rounds) for kind, specs in QUERIES.items()]
    kinds += [(kind, specs, 1) for kind, specs in unseen.items()]
    for kind, specs, times in kinds:
        warm = times > 1
        plain = percentiles(latencies(lambda s: plain_search(plain_searcher, s), specs, times, warm=warm))
        ours = percentiles(latencies(lambda s: kliping_search(engine, s), specs, times, warm=warm))
        line = (f"  {kind:<20} {plain['p50']:7.1f} {plain['p95']:7.1f} {plain['p99']:7.1f}"
                f"   {ours['p50']:7.1f} {ours['p95']:7.1f} {ours['p99']:7.1f}")
        if collapse:  # one hit per story (story ids from the archive), beside the same queries without
            one = percentiles(latencies(lambda s: kliping_search(engine, s, collapse=True), specs, times, warm=warm))
            line += f"   {one['p50']:7.1f} {one['p95']:7.1f} {one['p99']:7.1f}"
        print(line)


if __name__ == "__main__":
    main()
