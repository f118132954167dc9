"""Syndication clusters on the labelled pairs of benchmarks/story_pairs.tsv: precision, recall, speed.

Every corpus article (or a sample holding every labelled one) goes through ``Archive.upsert``, which
clusters it incrementally as the daemon and ``kliping import`` do; then ``Archive.rebuild_stories``
clusters them all again in bulk. A labelled pair counts as joined when both articles got the same story.

- recall per kind: the share of ``copy`` and of ``rewrite`` pairs joined;
- kept apart: the share of ``same_event`` pairs (different stories on one event) not joined;
- precision: joined positive pairs over all joined labelled pairs (the set holds as many same-event pairs
  as copies and rewrites together).

Thresholds were tuned on the ``tune`` half only (``--tune`` prints the grid it was chosen from);
the ``check`` half is the figure to quote. Speed: milliseconds per article for the story assignment,
beside the whole upsert it runs in (the baseline, measured in the same run).

    python benchmarks/stories.py                # the whole corpus (21,940 articles)
    python benchmarks/stories.py --sample 5000  # the labelled articles plus 5,000 others
    python benchmarks/stories.py --tune         # containment thresholds on the tune half, pair by pair
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tqdm import tqdm  # noqa: E402

from benchmarks.common import load_corpus, percentiles  # noqa: E402
from index.archive import Archive  # noqa: E402
from index.stories import clusters  # noqa: E402
from index.stories.shingles import overlap, shingles  # noqa: E402
from kliping.article import Article  # noqa: E402

PAIRS = Path(__file__).with_name("story_pairs.tsv")
POSITIVE = ("copy", "rewrite")


def read_pairs() -> list[dict[str, str]]:
    with PAIRS.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def score(pairs: list[dict[str, str]], joined: dict[tuple[str, str], bool]) -> dict[str, Any]:
    """Recall per positive kind, the same-event pairs kept apart, and precision over the joined pairs."""
    hits: Counter[str] = Counter()
    totals: Counter[str] = Counter()
    for pair in pairs:
        totals[pair["label"]] += 1
        hits[pair["label"]] += joined[(pair["a"], pair["b"])]
    true = sum(hits[k] for k in POSITIVE)
    false = hits["same_event"]
    return {
        "precision": true / (true + false) if true + false else 1.0,
        "recall": true / sum(totals[k] for k in POSITIVE),
        **{f"recall {k}": hits[k] / totals[k] for k in POSITIVE},
        "same_event kept apart": 1 - false / totals["same_event"],
        "pairs": dict(totals),
    }


def report(title: str, result: dict[str, Any]) -> None:
    figures = "  ".join(f"{k} {v:.3f}" for k, v in result.items() if isinstance(v, float))
    print(f"{title:<14} {figures}  ({', '.join(f'{k} {n}' for k, n in result['pairs'].items())})")


def tune(records: dict[str, dict[str, Any]], pairs: list[dict[str, str]]) -> None:
    """Pair-by-pair containment on the tune half, for choosing JOIN_CONTAINMENT (no clustering)."""
    chosen = [p for p in pairs if p["split"] == "tune"]
    sets = {i: shingles(records[i]["body"]) for p in chosen for i in (p["a"], p["b"])}
    similarity = {(p["a"], p["b"]): overlap(sets[p["a"]], sets[p["b"]])[1] for p in chosen}
    for threshold in (0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6):
        report(f"tune >= {threshold:.2f}", score(chosen, {k: v >= threshold for k, v in similarity.items()}))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sample", type=int, help="the labelled articles plus this many others (default: all)")
    parser.add_argument("--tune", action="store_true", help="print the containment grid on the tune half")
    parser.add_argument("--no-merge", action="store_true", help="never merge two stories a copy matches")
    args = parser.parse_args(argv)
    clusters.MERGE = not args.no_merge
    corpus = load_corpus()
    records = {r["id"]: r for r in corpus}
    pairs = read_pairs()
    if args.tune:
        tune(records, pairs)
        return 0
    labelled = {i for p in pairs for i in (p["a"], p["b"])}
    chosen = corpus
    if args.sample is not None:
        others = [r for r in corpus if r["id"] not in labelled]
        keep = labelled | {r["id"] for r in random.Random(14).sample(others, min(args.sample, len(others)))}
        chosen = [r for r in corpus if r["id"] in keep]
    spent: list[float] = []
    assign = clusters.assign

    def timed_assign(*a: Any, **k: Any) -> clusters.Assignment:
        start = time.perf_counter()
        try:
            return assign(*a, **k)
        finally:
            spent.append(time.perf_counter() - start)

    clusters.assign = timed_assign  # type: ignore[assignment]
    with tempfile.TemporaryDirectory() as tmp:
        archive = Archive(Path(tmp) / "archive.sqlite3")
        by_record: dict[str, str] = {}
        start = time.perf_counter()
        for record in tqdm(chosen, desc="upsert", unit="article"):
            article = Article.from_dict(record)
            by_record[record["id"]] = article.id
            archive.upsert(article)
        upsert_seconds = time.perf_counter() - start
        incremental, incremental_p95 = sum(spent), percentiles(spent)["p95"]
        incremental_joined = _joined(archive, pairs, by_record)
        joins = _joins(archive)
        spent.clear()
        start = time.perf_counter()
        with tqdm(total=len(chosen), desc="rebuild", unit="article") as bar:
            counts = archive.rebuild_stories(progress=bar.update)
        rebuild_seconds = time.perf_counter() - start
        bulk_joined = _joined(archive, pairs, by_record)
        bulk_joins = _joins(archive)
        sizes = [row[0] for row in archive.db.execute(
            "SELECT COUNT(*) AS n FROM stories GROUP BY story_id HAVING COUNT(*) > 1 ORDER BY n DESC")]
        archive.close()
    n = len(chosen)
    print(f"\n{n} articles, {counts['stories']} stories; thresholds: containment >= {clusters.JOIN_CONTAINMENT}, "
          f"within {clusters.WINDOW_DAYS:g} days, MOD-{clusters.SAMPLE_MOD} sample, merge {clusters.MERGE}")
    print(f"speed: story assignment {incremental / n * 1000:.2f} ms/article (p95 {incremental_p95 * 1000:.2f}) "
          f"inside upsert's {upsert_seconds / n * 1000:.2f} ms/article (ratio {incremental / upsert_seconds:.2f}); "
          f"bulk rebuild {rebuild_seconds / n * 1000:.2f} ms/article (assignment {sum(spent) / n * 1000:.2f}, "
          f"p95 {percentiles(spent)['p95'] * 1000:.2f})")
    print(f"stories of 2+ copies (rebuild): {len(sizes)}; sizes {dict(sorted(Counter(sizes).items()))}")
    for name, found in (("incremental", joins), ("rebuild", bulk_joins)):
        print(f"joins ({name}): {found['other outlet']} to another outlet's copy, {found['same outlet']} to the "
              f"same outlet's (all articles, labelled or not)")
    for name, joined in (("incremental", incremental_joined), ("rebuild", bulk_joined)):
        for split in ("tune", "check"):
            report(f"{name}/{split}", score([p for p in pairs if p["split"] == split], joined))
    return 0


def _joins(archive: Archive) -> dict[str, int]:
    rows = archive.db.execute(
        "SELECT CASE WHEN a.source = m.source THEN 'same outlet' ELSE 'other outlet' END, COUNT(*) "
        "FROM stories s JOIN articles a ON a.id = s.article_id JOIN articles m ON m.id = s.matched_id GROUP BY 1")
    return {"same outlet": 0, "other outlet": 0, **{row[0]: row[1] for row in rows}}


def _joined(archive: Archive, pairs: list[dict[str, str]], by_record: dict[str, str]) -> dict[tuple[str, str], bool]:
    stories = archive.story_ids(list(by_record.values()))
    return {(p["a"], p["b"]): stories.get(by_record[p["a"]]) == stories.get(by_record[p["b"]]) is not None
            for p in pairs}


if __name__ == "__main__":
    raise SystemExit(main())
