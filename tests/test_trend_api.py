"""``/trend`` through the in-process TestClient and a real uvicorn, and its chart on the search page."""

from __future__ import annotations

import shutil

import httpx
import pytest
from test_api_support import Dataset

from kliping.app import open_archive, open_index
from search.engine import Engine, SearchRequest
from search.trend import trend

pytest_plugins = ["test_api_support"]  # the shared data set, server and client fixtures


def expected(dataset: Dataset, query: str, by: str = "week", **kw: object) -> dict[str, object]:
    engine = Engine(open_index(dataset.config), open_archive(dataset.config, readonly=True))
    zones = {s.name: s.zone for s in dataset.config.sources}
    return trend(engine, SearchRequest(query=query, **kw), by=by, zones=zones).to_dict()  # type: ignore[arg-type]


def test_trend_answers_the_same_json_as_kliping_trend(client: httpx.Client, dataset: Dataset) -> None:
    body = client.get("/trend", params={"q": "banjir", "by": "week"}).json()
    assert body == expected(dataset, "banjir")
    assert body["matched"] > 0 and all(b["total"] >= b["count"] for b in body["buckets"])


def test_trend_takes_the_search_filters(client: httpx.Client, dataset: Dataset) -> None:
    params = {"q": "tahun", "by": "day", "from": "2019-09-10", "to": "2019-09-20", "source": "okezone.com"}
    body = client.get("/trend", params=params).json()
    assert body == expected(dataset, "tahun", "day", date_from="2019-09-10", date_to="2019-09-20",
                            sources=["okezone.com"])
    assert [b["start"] for b in body["buckets"]][0] == "2019-09-10" and len(body["buckets"]) == 11


def test_trend_collapse_says_so(client: httpx.Client, dataset: Dataset) -> None:
    """Until syndication clusters are wired into search.trend.story_keys_for, each article is its own story."""
    body = client.get("/trend", params={"q": "banjir", "collapse": "true"}).json()
    assert body["collapsed"] is True
    assert [b["count"] for b in body["buckets"]] == [b["count"] for b in expected(dataset, "banjir")["buckets"]]


def test_a_bad_alias_file_stops_the_api_at_start(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from kliping.config import load_config
    from kliping.errors import ConfigError
    from search.api import create_app

    (tmp_path / "mine.txt").write_text("KPK\n", encoding="utf-8")
    (tmp_path / "config.yaml").write_text("search:\n  aliases: mine.txt\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="mine.txt, line 1: a group needs at least two names"):
        create_app(load_config(tmp_path / "config.yaml"))


def test_trend_refuses_a_bad_period_with_400(client: httpx.Client) -> None:
    response = client.get("/trend", params={"q": "banjir", "by": "year"})
    assert response.status_code == 400 and response.json()["error"]["code"]


def test_trend_alias_false(client: httpx.Client) -> None:
    on = client.get("/trend", params={"q": "Jokowi"}).json()
    off = client.get("/trend", params={"q": "Jokowi", "alias": "false"}).json()
    assert on["aliases"][0]["group"] == "Joko Widodo" and "aliases" not in off
    assert on["matched"] >= off["matched"]


def test_search_alias_false(client: httpx.Client) -> None:
    on = client.get("/search", params={"q": "Jokowi"}).json()
    off = client.get("/search", params={"q": "Jokowi", "alias": "false"}).json()
    assert on["aliases"][0]["names"] == ["Joko Widodo", "Jokowi"] and "aliases" not in off


# -- the chart on the search page, in Debian's chromium (see test_api_page.py) -----------------------

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright (Python package) is not installed")
needs_chromium = pytest.mark.skipif(shutil.which("chromium") is None,
                                    reason="chromium is not installed (Debian: apt-get install -y chromium)")


@needs_chromium
def test_the_search_page_draws_the_weekly_counts(live_url: str) -> None:
    from test_api_page import ARGS, CHROMIUM

    want = httpx.get(f"{live_url}/trend", params={"q": "banjir", "by": "week"}).json()
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        page = browser.new_context(base_url=live_url).new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto("/")
        page.fill("#q", "banjir")
        page.click("button[type=submit]")
        page.wait_for_selector("#trend:not([hidden])")
        bars = page.locator("#trend-chart rect")
        drawn = [(bars.nth(i).get_attribute("data-start"), int(bars.nth(i).get_attribute("data-count") or -1))
                 for i in range(bars.count())]
        assert drawn == [(b["start"], b["count"]) for b in want["buckets"]]
        heights = [float(bars.nth(i).get_attribute("height") or 0) for i in range(bars.count())]
        tallest = max(range(len(drawn)), key=lambda i: drawn[i][1])
        assert heights[tallest] == max(heights) > 1  # the busiest week is the tallest bar
        assert f"{want['matched']} artikel per minggu (WIB)" in page.text_content("#trend-caption")
        page.fill("#q", "Jokowi")  # the names searched besides the one typed are said
        page.click("button[type=submit]")
        page.wait_for_selector("main:not([aria-busy])")
        assert "Jokowi juga dicari sebagai: Joko Widodo" in page.text_content("#status")
        page.fill("#q", "zzzzqqqq")  # nothing matched: no chart
        page.click("button[type=submit]")
        page.wait_for_selector("#trend[hidden]", state="attached")
        browser.close()
        assert errors == []
