"""A stand-in Indonesian news site for crawl tests, made of real saved pages.

It serves pages from ``../shared/pages`` under ``/<site>/<name>.html`` on a
:class:`httpserver.LocalSite`, and builds from what it has published an RSS
feed (``/rss.xml``), a sitemap (``/sitemap.xml``) and a ``robots.txt`` that
disallows ``/private/``. Articles can be published between two crawls, as on
a real site.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

import yaml
from httpserver import LocalSite

ROBOTS = b"User-agent: *\nDisallow: /private/\n"


class NewsSite:
    def __init__(self, site: LocalSite, pages_dir: Path) -> None:
        self.site = site
        self.pages_dir = pages_dir
        self.published: list[str] = []
        site.add("/robots.txt", ROBOTS, content_type="text/plain")
        self._refresh()

    def gold_pages(self) -> list[Path]:
        """Every page in ../shared/pages that has a hand-written gold article."""
        return sorted(p for p in self.pages_dir.glob("*/*.html") if p.with_suffix(".json").exists())

    def gold(self, page: Path) -> dict:  # type: ignore[type-arg]
        return json.loads(page.with_suffix(".json").read_text(encoding="utf-8"))

    def publish(self, page: Path | None = None, *, path: str | None = None, body: bytes | None = None,
                content_type: str = "text/html; charset=utf-8", listed: bool = True) -> str:
        """Serve a page (a shared page file or raw bytes) and list it in the feed and sitemap."""
        if path is None:
            assert page is not None
            path = f"/{page.parent.name}/{page.name}"
        data = body if body is not None else page.read_bytes()  # type: ignore[union-attr]
        self.site.add(path, data, content_type=content_type)
        if listed:
            self.published.append(path)
            self._refresh()
        return self.site.url(path)

    def list_only(self, path: str) -> str:
        """List a URL in the feed and sitemap without serving it (or serving it elsewhere)."""
        self.published.append(path)
        self._refresh()
        return self.site.url(path)

    def _refresh(self) -> None:
        self.site.add("/rss.xml", self._rss(), content_type="application/rss+xml")
        self.site.add("/sitemap.xml", self._sitemap(), content_type="application/xml")

    def _rss(self) -> bytes:
        now = format_datetime(datetime(2021, 12, 31, tzinfo=UTC))
        items = "".join(
            f"<item><title>Berita {i}</title><link>{escape(self.site.url(p))}</link><pubDate>{now}</pubDate></item>"
            for i, p in enumerate(self.published)
        )
        return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Lokal</title>'
                f"<link>{self.site.url('/')}</link><description>uji</description>{items}</channel></rss>").encode()

    def _sitemap(self) -> bytes:
        urls = "".join(f"<url><loc>{escape(self.site.url(p))}</loc></url>" for p in self.published)
        return (f'<?xml version="1.0" encoding="UTF-8"?>'
                f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>').encode()

    @property
    def feed_url(self) -> str:
        return self.site.url("/rss.xml")

    @property
    def sitemap_url(self) -> str:
        return self.site.url("/sitemap.xml")


def write_config(path: Path, data_dir: Path, sources: list[dict], **extra: object) -> Path:  # type: ignore[type-arg]
    """A config.yaml for tests: fast, polite-enough fetch settings on 127.0.0.1."""
    fetch = {"timeout": 2, "min_interval": 0, "retries": 1, "user_agent": "kliping-test/0.1 (+http://127.0.0.1/)"}
    fetch.update(extra.pop("fetch", {}))  # type: ignore[arg-type]
    config = {"data_dir": str(data_dir), "fetch": fetch, "sources": sources, **extra}
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return path
