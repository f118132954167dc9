"""The search page at ``/`` in headless Chromium (Debian's ``chromium``), against the real server.

Skips, saying why, when Chromium or Playwright's Python package is missing;
CI installs both (``apt-get install -y chromium``; never ``playwright install``).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest
from test_api_support import SCRIPT_ARTICLE

pytest_plugins = ["test_api_support"]  # the shared data set and the real server

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--no-pings",
        "--disable-features=AutofillServerCommunication,OptimizationHints,MediaRouter",
        # nothing beyond 127.0.0.1: every other host name fails to resolve (Chromium looks up Google's otherwise)
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright (Python package) is not installed")
pytestmark = pytest.mark.skipif(shutil.which("chromium") is None,
                                reason="chromium is not installed (Debian: apt-get install -y chromium)")


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_url: str):  # type: ignore[no-untyped-def]
    context = browser.new_context(base_url=live_url)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("dialog", lambda dialog: errors.append(f"dialog opened: {dialog.message}"))
    yield page
    context.close()
    assert errors == []  # no script errors, and no alert() from article text


def search(page, query: str, **filters: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/")
    page.fill("#q", query)
    for name, value in filters.items():
        page.fill(f"#{name}", value) if name in ("from", "to") else page.select_option(f"#{name}", value)
    page.click("button[type=submit]")
    page.wait_for_selector("main:not([aria-busy])")  # (the page's CSP forbids wait_for_function's eval)


def test_a_search_shows_results_with_highlighted_snippets(page) -> None:  # type: ignore[no-untyped-def]
    search(page, "banjir")
    assert "artikel" in page.text_content("#status")
    first = page.locator(".hit").first
    assert first.locator("mark").first.text_content().lower() == "banjir"
    assert first.locator("a.title").get_attribute("href").startswith("https://contoh.test/")
    assert first.locator("a.stored").get_attribute("href").startswith("/articles/")


def test_article_markup_is_shown_as_text_never_run(page) -> None:  # type: ignore[no-untyped-def]
    search(page, "peretas")
    hit = page.locator(".hit").first
    assert hit.locator("a.title").text_content() == SCRIPT_ARTICLE.title
    assert "<script>" in hit.locator(".snippet").text_content()  # visible as text
    assert page.locator(".hit script, .hit b").count() == 0          # not as elements


def test_filters_narrow_the_results(page) -> None:  # type: ignore[no-untyped-def]
    search(page, "tahun", source="tempo.co")
    metas = page.locator(".hit .meta").all_text_contents()
    assert metas and all(meta.startswith("tempo.co") for meta in metas)
    search(page, "tahun", **{"from": "2019-09-10", "to": "2019-09-10"})
    dates = [meta.split(" · ")[1][:10] for meta in page.locator(".hit .meta").all_text_contents()]
    assert dates and set(dates) == {"2019-09-10"}


def test_the_stored_text_opens_in_the_page(page) -> None:  # type: ignore[no-untyped-def]
    search(page, "banjir")
    page.locator(".hit a.stored").first.click()
    page.wait_for_selector("#article:not([hidden])")
    assert page.text_content("#article-title") == "Banjir besar merendam Jakarta Utara"
    assert page.locator("#article-body p").count() == 2


def test_a_malformed_query_shows_the_servers_message(page) -> None:  # type: ignore[no-untyped-def]
    search(page, '"sanksi Rusia')
    assert "unclosed double quote" in page.text_content("#status")
    assert page.locator(".hit").count() == 0
