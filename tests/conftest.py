"""Shared fixtures: the local web site, a stand-in news site built from real pages, configs."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from collections.abc import Iterator  # noqa: E402

from httpserver import LocalSite, local_site  # noqa: E402,F401
from newssite import NewsSite, write_config  # noqa: E402
from pgserver import pg_url, postgres_server  # noqa: E402,F401

from ingest.fetch import Fetcher  # noqa: E402
from kliping.config import FetchConfig  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


@pytest.fixture
def news_site(local_site: LocalSite) -> NewsSite:  # noqa: F811
    """A local news site serving the real gold pages from ../shared/pages, with feed, sitemap, robots."""
    return NewsSite(local_site, SHARED / "pages")


@pytest.fixture
def make_config(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Write a config.yaml for a test; returns its path."""

    def make(sources: list[dict], **extra: object) -> Path:  # type: ignore[type-arg]
        return write_config(tmp_path / "config.yaml", tmp_path / "data", sources, **extra)

    return make


@pytest.fixture
def site(local_site: LocalSite) -> LocalSite:  # noqa: F811
    """The local web site, under the short name the fetch and discovery tests use."""
    return local_site


@pytest.fixture
def fetcher() -> Iterator[Fetcher]:
    """A fetcher for the local site: no waiting between requests, no retries, short timeouts."""
    with Fetcher(FetchConfig(min_interval=0, retries=0, timeout=2)) as f:
        yield f
