"""Whoosh beside a 2-node OpenSearch cluster: the same documents, the same queries, in the same run.

Indexing documents per second (a rebuild from the archive on each backend), search p50/p95 (the
queries of benchmarks/search.py, snippets included), the top-10 overlap of the two backends on the
relevance-ranked queries, then the same queries with one node stopped: the cluster must answer from
the replica (replicas: 1), with the same top 10.

    python benchmarks/scale.py --docs 21940            # starts its own cluster (deploy/dev-opensearch.sh)
    python benchmarks/scale.py --docs 100000 --hosts http://127.0.0.1:9200 http://127.0.0.1:9201
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tqdm import tqdm  # noqa: E402

from benchmarks.common import ROOT, percentiles, scaled_corpus, timed  # noqa: E402
from benchmarks.search import QUERIES  # noqa: E402
from index.archive import Archive  # noqa: E402
from index.opensearch.store import OpenSearchIndex  # noqa: E402
from index.store import SearchIndex  # noqa: E402
from kliping.article import Article  # noqa: E402
from kliping.config import IndexConfig  # noqa: E402
from search.engine import Engine, SearchRequest  # noqa: E402
from search.opensearch.engine import OpenSearchEngine  # noqa: E402

SCRIPT = ROOT / "deploy" / "dev-opensearch.sh"
#: Extra relevance queries: questions and free words, where the ranking rules matter most.
FREE = ["Apa penyebab kebakaran hutan di Riau?", "siapa tersangka korupsi KPK", "harga cabai naik",
        "timnas indonesia kalah", "revisi UU KPK", "kabut asap sekolah libur", "ibu kota baru kalimantan"]


def requests() -> list[tuple[str, SearchRequest]]:
    out = []
    for kind, queries in QUERIES.items():
        for q in queries:
            out.append((kind, SearchRequest(query=q["q"], date_from=q.get("from"), date_to=q.get("to"),
                                            facets=bool(q.get("facets")), limit=10)))
    out += [("free words", SearchRequest(query=q, limit=10)) for q in FREE]
    return out


def build_archive(path: Path, docs: int) -> Archive:
    archive = Archive(path)
    if archive.count() != docs:
        for record in tqdm(scaled_corpus(docs), total=docs, desc="archive", unit="doc", leave=False):
            archive.upsert(Article.from_dict(record))
    return archive


def original(url: str) -> str:
    """The corpus article a replicated record copies (``scaled_corpus`` appends -r1, -r2, ... to the URL)."""
    return re.sub(r"-r\d+$", "", url)


def run_queries(engine: Any, todo: list[tuple[str, SearchRequest]], runs: int) -> tuple[dict[str, float], dict]:
    """Latency percentiles (ms) over ``runs`` rounds after one warm-up, and each query's top 10, as the corpus
    articles they are: past 21,940 documents every article has identical copies, which tie, and the two
    backends break ties between identical copies differently (by document number, by id), so comparing ids
    would count the same article as a miss."""
    tops = {}
    for _, request in todo:  # warm-up: caches, connections
        tops[request.query + str(request.date_from)] = [original(h.url) for h in engine.search(request).hits]
    samples = []
    for _ in range(runs):
        for _, request in todo:
            elapsed, _ = timed(lambda request=request: engine.search(request))
            samples.append(elapsed * 1000)
    return percentiles(samples), tops


def overlap(a: dict[str, list[str]], b: dict[str, list[str]], keys: list[str]) -> float:
    """Mean share of each top 10 the other backend also ranks there (articles counted with their copies)."""
    shares = [sum((Counter(a[k]) & Counter(b[k])).values()) / max(len(a[k]), 1) for k in keys if a[k] or b[k]]
    return sum(shares) / max(len(shares), 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=21940)
    parser.add_argument("--runs", type=int, default=3, help="timed rounds over the queries")
    parser.add_argument("--shards", type=int, default=2)
    parser.add_argument("--workdir", type=Path, default=ROOT / "build" / "bench-scale")
    parser.add_argument("--hosts", nargs="*", help="a running cluster's node URLs (default: start one here)")
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)

    cluster_dir = None
    hosts = args.hosts
    if not hosts:
        cluster_dir = ROOT / "build" / "opensearch" / "bench-cluster"
        started = subprocess.run([str(SCRIPT), "start", str(cluster_dir)], capture_output=True, text=True,
                                 check=True)
        hosts = started.stdout.split()
    try:
        report(args, hosts, cluster_dir)
    finally:
        if cluster_dir is not None:
            subprocess.run([str(SCRIPT), "stop", str(cluster_dir)], check=False)


def report(args: argparse.Namespace, hosts: list[str], cluster_dir: Path | None) -> None:
    archive = build_archive(args.workdir / f"archive-{args.docs}.sqlite3", args.docs)
    docs = archive.count()
    whoosh_dir = args.workdir / "whoosh"
    shutil.rmtree(whoosh_dir, ignore_errors=True)
    whoosh = SearchIndex(whoosh_dir)
    whoosh_s, _ = timed(lambda: whoosh.rebuild(archive))
    config = IndexConfig(backend="opensearch", hosts=hosts, index="kliping-bench", shards=args.shards, replicas=1)
    cluster = OpenSearchIndex(config)
    os_s, _ = timed(lambda: cluster.rebuild(archive))
    cluster.client.cluster.health(params={"wait_for_status": "green", "timeout": "120s"}, request_timeout=130)

    todo = requests()
    relevance = [r.query + str(r.date_from) for kind, r in todo if r.query != "*"]
    w_lat, w_top = run_queries(Engine(whoosh, archive), todo, args.runs)
    os_engine = OpenSearchEngine(cluster, archive)
    o_lat, o_top = run_queries(os_engine, todo, args.runs)

    nodes = cluster.client.cat.nodes(format="json", h="name,cluster_manager")
    follower = next(n["name"] for n in nodes if n["cluster_manager"] != "*")
    stopped = None
    if cluster_dir is not None:
        subprocess.run([str(SCRIPT), "stop-node", follower.split("-")[1], str(cluster_dir)], check=True)
        stopped = follower
        time.sleep(1)
        d_lat, d_top = run_queries(os_engine, todo, args.runs)
        answered = sum(1 for k in d_top if d_top[k] == o_top[k]) / len(d_top)

    print(f"\n{docs} documents, {len(todo)} queries x {args.runs} rounds; OpenSearch: 2 nodes, "
          f"{args.shards} shards, 1 replica\n")
    print("| backend | index docs/s | search p50 ms | search p95 ms | top-10 overlap with Whoosh |")
    print("|---|---|---|---|---|")
    print(f"| Whoosh (embedded) | {docs / whoosh_s:,.0f} | {w_lat['p50']:.1f} | {w_lat['p95']:.1f} | 1.00 |")
    print(f"| OpenSearch, 2 nodes | {docs / os_s:,.0f} | {o_lat['p50']:.1f} | {o_lat['p95']:.1f} | "
          f"{overlap(w_top, o_top, relevance):.2f} |")
    if stopped:
        print(f"| OpenSearch, {stopped} stopped | | {d_lat['p50']:.1f} | {d_lat['p95']:.1f} | "
              f"{overlap(w_top, d_top, relevance):.2f} |")
    print(f"\nratios to Whoosh: indexing {whoosh_s / os_s:.2f}x, p50 {o_lat['p50'] / w_lat['p50']:.2f}x, "
          f"p95 {o_lat['p95'] / w_lat['p95']:.2f}x")
    if stopped:
        print(f"with {stopped} stopped: {len(d_top)} of {len(d_top)} queries answered, "
              f"{answered:.0%} with the same top 10 as with both nodes")
    low = sorted((overlap(w_top, o_top, [k]), k) for k in dict.fromkeys(relevance))[:5]  # as the table counts
    print("lowest overlaps: " + ", ".join(f"{k.removesuffix('None')!r} {v:.1f}" for v, k in low))


if __name__ == "__main__":
    main()
