"""What checking watches costs the daemon, beside indexing the same articles (the baseline, same run).

Real corpus articles (../shared/corpus): ``--base`` are archived and indexed first,
``--watches`` watches are saved, then ``--new`` more are archived; the run times
the index catch-up of those new articles (what every crawl cycle pays anyway) and
then one check of every watch against them (what watches add), and prints both
with their ratio and the matches found.

    nice -n 10 python benchmarks/watch_matching.py                      # 3,000 + 3,000, 10 watches
    nice -n 10 python benchmarks/watch_matching.py --base 10000 --new 500
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.common import load_corpus  # noqa: E402
from index.archive import Archive  # noqa: E402
from index.store import SearchIndex  # noqa: E402
from index.watches import Watch, WatchStore  # noqa: E402
from kliping.article import Article  # noqa: E402
from kliping.watch.matcher import WatchMatcher  # noqa: E402

QUERIES = ["banjir", "kebakaran hutan", "gempa", "korupsi", "pemilu", '"Joko Widodo"', "narkoba", "KPK",
           "demo mahasiswa", "harga cabai", "sumber:detik.com banjir", "korup*", "Papua ATAU Wamena",
           "kabut asap Riau", "pindah ibu kota", "timnas Indonesia", "ekspor impor", "gaji guru honorer",
           "tol Trans Jawa", "BPJS Kesehatan"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", type=int, default=3000, help="articles archived and indexed before the watches")
    parser.add_argument("--new", type=int, default=3000, help="articles a 'cycle' adds after them")
    parser.add_argument("--watches", type=int, default=10, help=f"watches (at most {len(QUERIES)})")
    args = parser.parse_args()
    records = load_corpus()[: args.base + args.new]
    with tempfile.TemporaryDirectory() as tmp:
        archive = Archive(Path(tmp) / "archive.sqlite3")
        index = SearchIndex(Path(tmp) / "index")
        for record in records[: args.base]:
            archive.upsert(Article.from_dict(record))
        index.catch_up(archive)
        store = WatchStore(archive)
        for i, query in enumerate(QUERIES[: args.watches]):
            store.add(Watch(name=f"w{i}", query=query))
        for record in records[args.base:]:
            archive.upsert(Article.from_dict(record))
        start = time.perf_counter()
        indexed = index.catch_up(archive)
        indexing = time.perf_counter() - start
        matcher = WatchMatcher(store, archive, index)
        start = time.perf_counter()
        matched = matcher.check()
        checking = time.perf_counter() - start
        matcher.close()
        archive.close()
    print(f"{indexed} new articles over {args.base} indexed before; {args.watches} watches; {matched} matches")
    print(f"index catch-up (baseline): {indexing:8.2f} s  {indexing / indexed * 1000:7.2f} ms/article")
    print(f"watch check:               {checking:8.2f} s  {checking / indexed * 1000:7.2f} ms/article  "
          f"({checking / indexing:.2f} x the catch-up; {checking / args.watches * 1000 / indexed * 1000:.1f} ms "
          "per watch per 1,000 articles)")


if __name__ == "__main__":
    main()
