"""Crawl throughput and the daemon's memory, against a local site of real article pages.

A local server (tests/httpserver.LocalSite on 127.0.0.1) serves synthesised
article pages: each is one of the real gold pages from ../shared/pages (its
whole HTML, boilerplate and all) with the title and the body paragraphs swapped
for those of a distinct ../shared/corpus article, and its canonical/og:url
pointing at its own local URL. Page i uses corpus article i, so every page has
its own text. The site lists what it has published in a sitemap with an ETag
(idle cycles get 304s) and a permissive robots.txt; the rate limit is lifted.

One real ``kliping daemon`` process crawls it (``every: 1s``):

1. ``--pages`` pages published: time from the daemon's start until all are
   fetched, extracted, archived and indexed -> pages/s, and its RSS;
2. more published in batches up to ``--total``: RSS after that many pages;
3. ``--idle-cycles`` cycles with nothing new: RSS after 10%, 50% and all of them.

RSS is VmRSS from /proc/<daemon pid>/status. Prints a table; asserts nothing.

    python benchmarks/crawl.py                                  # 2,000 / 10,000 / 100 idle
    python benchmarks/crawl.py --pages 300 --total 600 --idle-cycles 20
"""

from __future__ import annotations

import argparse
import html
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

from httpserver import LocalSite  # noqa: E402

from benchmarks.common import load_corpus  # noqa: E402

PAGES = ROOT.parent / "shared" / "pages"
CANONICAL = re.compile(r"<link[^>]+rel=[\"']?canonical[^>]*>|<meta[^>]+(?:og:url|twitter:url)[^>]*>", re.I)
#: A template is used only if this share of its gold paragraphs appear verbatim in its HTML.
MIN_MATCHED = 0.6


class Template:
    """A gold page whose title and paragraphs can be swapped for a corpus article's."""

    def __init__(self, page: Path) -> None:
        gold = json.loads(page.with_suffix(".json").read_text(encoding="utf-8"))
        self.html = CANONICAL.sub("", page.read_text(encoding="utf-8", errors="replace"))
        self.title = gold["title"]
        body = gold["body"] if isinstance(gold["body"], list) else gold["body"].split("\n\n")
        self.paragraphs = [p for p in body if p in self.html]
        self.share = len(self.paragraphs) / max(1, len(body))
        self.original_url = gold.get("url") or ""

    def render(self, article: dict[str, Any], url: str) -> bytes:
        text = self.html.replace(self.title, html.escape(article["title"]))
        if self.original_url:
            text = text.replace(self.original_url, url)
        new = [p for p in re.split(r"\n+", article["body"]) if p.strip()] or [article["body"]]
        for i, old in enumerate(self.paragraphs):
            text = text.replace(old, html.escape(new[i % len(new)]), 1)
        return text.encode("utf-8")


class BenchSite:
    """The local site: /b/<i>.html rendered on request, a sitemap with an ETag, robots.txt."""

    def __init__(self, corpus: list[dict[str, Any]]) -> None:
        self.templates = _templates()
        self.corpus = corpus
        self.site = LocalSite().start()
        self.site.add("/robots.txt", b"User-agent: *\nAllow: /\n", content_type="text/plain")
        self.published = 0
        self._sitemap()

    def publish(self, upto: int) -> None:
        for i in range(self.published, upto):
            self.site.add_handler(f"/b/{i}.html", lambda h, i=i: h.respond(200, self.page(i), {
                "Content-Type": "text/html; charset=utf-8"}))
        self.published = upto
        self._sitemap()

    def page(self, i: int) -> bytes:
        return self.templates[i % len(self.templates)].render(self.corpus[i], self.site.url(f"/b/{i}.html"))

    def _sitemap(self) -> None:
        urls = "".join(f"<url><loc>{self.site.url(f'/b/{i}.html')}</loc></url>" for i in range(self.published))
        body = ('<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                f"{urls}</urlset>").encode()
        self.site.add("/sitemap.xml", body, content_type="application/xml", etag=f'"n{self.published}"')


def _templates() -> list[Template]:
    """The gold pages that render cleanly: most paragraphs swapped, and the extractor reads back the
    new title at the local URL (pages whose title or URL is spelt otherwise in the HTML are left out)."""
    from ingest.extract import extract_article

    probe = {"title": "Judul uji coba templat halaman", "body": "Paragraf uji coba yang cukup panjang. " * 8}
    templates = [Template(p) for p in sorted(PAGES.glob("*/*.html")) if p.with_suffix(".json").exists()]
    usable = []
    for template in templates:
        if template.share < MIN_MATCHED:
            continue
        url = "http://127.0.0.1:1/b/probe.html"
        try:
            article = extract_article(template.render(probe, url), url)
        except Exception:  # noqa: BLE001 - a template the extractor rejects is simply not used
            continue
        if article.url == url and article.title.startswith(probe["title"]):
            usable.append(template)
    return usable


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


class Daemon:
    def __init__(self, data: Path, site: BenchSite, total: int) -> None:
        self.config = data / "config.yaml"
        self.archive = data / "data" / "archive.sqlite3"
        self.watermark = data / "data" / "index" / "kliping-watermark"
        source = {"name": "bench", "sitemaps": [site.site.url("/sitemap.xml")], "every": "1s",
                  "max_articles": total}
        config = {"data_dir": str(data / "data"), "sources": [source],
                  "fetch": {"min_interval": 0, "timeout": 10, "user_agent": "kliping-bench/0.1 (+http://127.0.0.1/)"},
                  "daemon": {"jitter": 0, "workers": 1}}
        self.config.write_text(yaml.safe_dump(config))
        self.log = data / "daemon.log"
        command = [sys.executable, "-m", "kliping", "--config", str(self.config), "--log-level", "info", "daemon"]
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen(command, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
                                         stdout=log, stderr=log)

    def archived_and_indexed(self) -> tuple[int, int]:
        if not self.archive.exists():
            return 0, 0
        conn = sqlite3.connect(f"file:{self.archive}?mode=ro", uri=True, timeout=10)
        try:
            count, top = conn.execute("SELECT COUNT(*), COALESCE(MAX(seq), 0) FROM articles").fetchone()
        except sqlite3.OperationalError:
            return 0, 0
        finally:
            conn.close()
        try:
            mark = int(self.watermark.read_text() or 0)
        except (FileNotFoundError, ValueError):
            mark = 0
        return count, count if mark >= top else -1

    def wait_indexed(self, count: int, timeout: float) -> float:
        start = time.monotonic()
        while time.monotonic() - start < timeout:
            if self.archived_and_indexed() == (count, count):
                return time.monotonic() - start
            if self.proc.poll() is not None:
                raise SystemExit(f"the daemon exited; see {self.log}")
            time.sleep(0.2)
        raise SystemExit(f"timed out waiting for {count} articles; got {self.archived_and_indexed()}")

    def runs(self) -> int:
        return self.log.read_text(errors="replace").count("event=run_end")

    def stop(self) -> int:
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(120)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=2000, help="pages for the throughput figure")
    parser.add_argument("--total", type=int, default=10_000, help="pages crawled before the memory figure")
    parser.add_argument("--batch", type=int, default=2000, help="pages published at a time after the first")
    parser.add_argument("--idle-cycles", type=int, default=100)
    args = parser.parse_args()
    corpus = load_corpus()[: max(args.pages, args.total)]
    site = BenchSite(corpus)
    rows: list[tuple[str, str]] = [("templates (real gold pages)", str(len(site.templates)))]
    with tempfile.TemporaryDirectory(prefix="kliping-bench-") as tmp:
        site.publish(args.pages)
        daemon = Daemon(Path(tmp), site, args.total)
        try:
            seconds = daemon.wait_indexed(args.pages, timeout=3600)
            rows += [(f"first {args.pages} pages: seconds", f"{seconds:.1f}"),
                     ("pages/s (fetch+extract+archive+index)", f"{args.pages / seconds:.1f}"),
                     (f"RSS after {args.pages} pages (MB)", f"{rss_kb(daemon.proc.pid) / 1024:.1f}")]
            rows += _grow(daemon, site, args)
            rows += _idle(daemon, args.idle_cycles)
        finally:
            code = daemon.stop()
        rows.append(("daemon exit code after SIGTERM", str(code)))
    site.site.stop()
    width = max(len(k) for k, _ in rows)
    for key, value in rows:
        print(f"{key:<{width}}  {value:>10}")


def _grow(daemon: Daemon, site: BenchSite, args: argparse.Namespace) -> list[tuple[str, str]]:
    start = time.monotonic()
    while site.published < args.total:
        site.publish(min(args.total, site.published + args.batch))
        daemon.wait_indexed(site.published, timeout=3600)
    seconds = time.monotonic() - start
    crawled = args.total - args.pages
    return [(f"next {crawled} pages: pages/s", f"{crawled / seconds:.1f}" if crawled else "-"),
            (f"RSS after {args.total} pages (MB)", f"{rss_kb(daemon.proc.pid) / 1024:.1f}")]


def _idle(daemon: Daemon, cycles: int) -> list[tuple[str, str]]:
    rows = []
    base = daemon.runs()
    for share in (0.1, 0.5, 1.0):
        target = base + max(1, int(cycles * share))
        while daemon.runs() < target:
            time.sleep(0.2)
        rows.append((f"RSS after {target - base} idle cycles (MB)", f"{rss_kb(daemon.proc.pid) / 1024:.1f}"))
    return rows


if __name__ == "__main__":
    main()
