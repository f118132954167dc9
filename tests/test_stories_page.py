"""The search page groups the copies of one story (headless Chromium, a real server; see test_api_page)."""

from __future__ import annotations

import gzip
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import test_api_page
from corpus import CORPUS
from test_api_support import uvicorn_server, write_config
from test_stories import OTHER, REWRITE, SAME_EVENT, article, syndicated

from index.archive import Archive
from index.store import SearchIndex

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright (Python package) is not installed")
pytestmark = pytest.mark.skipif(shutil.which("chromium") is None,
                                reason="chromium is not installed (Debian: apt-get install -y chromium)")


@pytest.fixture(scope="module")
def live_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("stories-page")
    config_path = write_config(root)
    wanted = {*REWRITE, *SAME_EVENT, OTHER}
    with gzip.open(CORPUS, "rt", encoding="utf-8") as lines:
        records = {r["id"]: r for r in map(json.loads, lines) if r["id"] in wanted}
    archive = Archive(root / "data" / "archive.sqlite3")
    for record_id in (*REWRITE, *SAME_EVENT, OTHER):
        archive.upsert(article(records[record_id]))
    archive.upsert(syndicated(records[REWRITE[0]], records[OTHER]))
    SearchIndex(root / "data" / "index").catch_up(archive)
    archive.close()
    with uvicorn_server(Path(config_path)) as url:
        yield url




# the search page's browser fixtures (headless Debian chromium, page errors fail the test), shared
browser, page = test_api_page.browser, test_api_page.page


def search(page, query: str, *, collapse: bool | None = None) -> None:  # type: ignore[no-untyped-def]
    page.goto("/")
    page.fill("#q", query)
    if collapse is not None:
        page.set_checked("#collapse", collapse)
    page.click("button[type=submit]")
    page.wait_for_selector("main:not([aria-busy])")


def test_the_page_shows_one_result_per_story_with_the_other_outlets(page) -> None:  # type: ignore[no-untyped-def]
    search(page, '"Mochamad Jasin"')
    assert page.locator(".hit").count() == 1
    assert "3 artikel dalam 1 berita" in page.text_content("#status")
    also = page.locator(".hit .also").text_content()
    assert also.startswith("juga di: ") and "(2 salinan lain)" in also
    own = page.locator(".hit .meta").text_content().split(" · ")[0]
    outlets = {"okezone.com", "sindonews.com", "sindonews.test"} - {own}
    assert set(also.removeprefix("juga di: ").split(" (")[0].split(", ")) == outlets


def test_unticking_the_box_shows_every_copy(page) -> None:  # type: ignore[no-untyped-def]
    search(page, '"Mochamad Jasin"', collapse=False)
    assert page.locator(".hit").count() == 3 and page.locator(".hit .also").count() == 0
    assert "collapse=false" in page.url


def test_different_stories_on_one_event_stay_separate_results(page) -> None:  # type: ignore[no-untyped-def]
    search(page, '"Real Sociedad"')
    assert page.locator(".hit").count() == 2 and page.locator(".hit .also").count() == 0
