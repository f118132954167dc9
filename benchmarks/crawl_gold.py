"""``kliping crawl`` over the end-to-end test's setting, printing what the command prints.

A local site (the tests' ``LocalSite``) serves the 22 gold pages of ``../shared/pages`` with an RSS
feed, a sitemap and a robots.txt; a real ``kliping crawl`` process fetches, extracts, archives and
indexes them, and its summary line gives pages per second.

    python benchmarks/crawl_gold.py
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from httpserver import LocalSite  # noqa: E402
from newssite import NewsSite, write_config  # noqa: E402


def main() -> None:
    with LocalSite() as site, tempfile.TemporaryDirectory() as tmp:
        news = NewsSite(site, ROOT.parent / "shared" / "pages")
        for page in news.gold_pages():
            news.publish(page)
        source = {"name": "lokal", "feeds": [news.feed_url], "sitemaps": [news.sitemap_url]}
        config = write_config(Path(tmp) / "config.yaml", Path(tmp) / "data", [source])
        result = subprocess.run([sys.executable, "-m", "kliping", "--config", str(config), "crawl"],
                                capture_output=True, text=True, cwd=ROOT)
        print("$ kliping crawl")
        print(result.stdout, end="")
        print(result.stderr, end="", file=sys.stderr)


if __name__ == "__main__":
    main()
