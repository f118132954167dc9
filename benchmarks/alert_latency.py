"""Alert latency: from an article's appearance in a site's feed to the signed alert at the receiver.

A local site (tests/httpserver.LocalSite on 127.0.0.1) serves an RSS feed and
sitemap; one real ``kliping daemon`` crawls it ``every: --interval`` seconds
(jitter 0) with a watch whose webhook is a real receiver on 127.0.0.1
(tests/webhook_receiver.py). ``--articles`` real corpus articles holding the
watch's word are published one by one at random moments of the cycle (so the
wait for the next crawl is spread over the period), each only after the
previous alert arrived. For each one the run records the wall-clock time it
entered the feed, was archived (``articles.first_seen``), was matched
(``watch_matches.matched_at``) and reached the receiver.

The baseline, measured in the same run, is the cycle period itself: latency is
the wait for the next crawl (0 .. period) plus seconds of work, so the printed
ratio latency / period is what to compare across machines.

    nice -n 10 python benchmarks/alert_latency.py                 # 5 s cycle, 12 articles
    nice -n 10 python benchmarks/alert_latency.py --interval 10 --articles 20
"""

from __future__ import annotations

import argparse
import html
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

from httpserver import LocalSite  # noqa: E402
from newssite import NewsSite  # noqa: E402
from webhook_receiver import WebhookReceiver  # noqa: E402

from benchmarks.common import load_corpus  # noqa: E402

SECRET = "bench-secret"
WORD = "banjir"


def page(record: dict) -> bytes:  # type: ignore[type-arg]
    title = html.escape(record["title"])
    paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in record["body"].split("\n") if p.strip())
    return (f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>{paragraphs}</article>"
            "</body></html>").encode()


def wall(iso: str) -> float:
    return datetime.fromisoformat(iso).timestamp()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--interval", type=int, default=5, help="daemon cycle period in seconds (every: Ns)")
    parser.add_argument("--articles", type=int, default=12, help="articles published, one alert each")
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    records = [r for r in load_corpus() if WORD in r["title"].lower() and len(r["body"]) > 800]
    records = rng.sample(records, args.articles)

    with tempfile.TemporaryDirectory() as tmp, LocalSite() as local:
        site = NewsSite(local, Path("/nonexistent"))
        receiver = WebhookReceiver(SECRET).start()
        config = Path(tmp) / "config.yaml"
        config.write_text(yaml.safe_dump({
            "data_dir": str(Path(tmp) / "data"),
            "fetch": {"min_interval": 0, "retries": 1, "timeout": 5, "respect_robots": False,
                      "user_agent": "kliping-bench/0.1 (+http://127.0.0.1/)"},
            "daemon": {"jitter": 0, "warc": False},
            "watch": {"secret": SECRET, "backoff": "1s", "max_backoff": "5s"},
            "sources": [{"name": "lokal", "feeds": [site.feed_url], "every": f"{args.interval}s"}],
        }), encoding="utf-8")
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        kliping = [sys.executable, "-m", "kliping", "--config", str(config)]
        subprocess.run([*kliping, "watch", "add", "bench", WORD, "--webhook", receiver.url], check=True, env=env,
                       cwd=ROOT, stdout=subprocess.DEVNULL)
        log = open(Path(tmp) / "daemon.log", "wb")  # noqa: SIM115
        daemon = subprocess.Popen([*kliping, "--log-level", "info", "daemon"], env=env, cwd=ROOT, stdout=log,
                                  stderr=log)
        appeared: dict[str, float] = {}
        try:
            time.sleep(args.interval * 2)  # past the first (empty) cycles and the start-up
            for i, record in enumerate(records):
                time.sleep(rng.uniform(0, args.interval))  # a random moment of the cycle
                url = site.publish(path=f"/berita/{i:03d}.html", body=page(record))
                appeared[url] = time.time()
                deadline = time.monotonic() + args.interval * 4 + 60
                while len(receiver.unique()) <= i and time.monotonic() < deadline:
                    time.sleep(0.02)
                if len(receiver.unique()) <= i:
                    raise SystemExit(f"no alert for {url} within {deadline:.0f}s; see {log.name}")
        finally:
            daemon.terminate()
            daemon.wait(30)
            log.close()
        arrived = {r.event["article"]["url"]: r.at for r in receiver.unique().values()}
        signed = all(r.signed for r in receiver.events())
        db = sqlite3.connect(Path(tmp) / "data" / "archive.sqlite3")
        rows = db.execute("SELECT a.url, a.first_seen, m.matched_at FROM watch_matches m JOIN articles a "
                          "ON a.id = m.article_id").fetchall()
        db.close()
        receiver.stop()

    stages: dict[str, list[float]] = {"feed -> archived (±1 s)": [], "feed -> matched": [],
                                      "matched -> received": [], "feed -> alert": []}
    for url, first_seen, matched_at in rows:
        start = appeared[url]
        stages["feed -> archived (±1 s)"].append(wall(first_seen) - start)  # first_seen has whole seconds
        stages["feed -> matched"].append(wall(matched_at) - start)
        stages["matched -> received"].append(arrived[url] - wall(matched_at))
        stages["feed -> alert"].append(arrived[url] - start)
    print(f"alert latency, {len(rows)} articles, daemon cycle every {args.interval}s (jitter 0), "
          f"all signatures valid: {signed}")
    print(f"{'stage':<26}{'median s':>10}{'p90 s':>9}{'max s':>9}{'median/period':>15}")
    for name, values in stages.items():
        values.sort()
        p90 = values[min(len(values) - 1, int(0.9 * len(values)))]
        print(f"{name:<26}{statistics.median(values):>10.2f}{p90:>9.2f}{values[-1]:>9.2f}"
              f"{statistics.median(values) / args.interval:>15.2f}")
    print(f"baseline: the cycle period {args.interval}s; the expected wait for the next crawl is half of it "
          f"({args.interval / 2:.1f}s); articles.first_seen has whole seconds, so feed -> archived is ±1 s")


if __name__ == "__main__":
    main()
