"""Every endpoint, through the in-process TestClient and through a real uvicorn on 127.0.0.1."""

from __future__ import annotations

import httpx
from test_api_support import SCRIPT_ARTICLE, Dataset

from kliping.app import open_archive, open_index
from search.engine import Engine, SearchRequest
from search.limits import API_MAX_SIZE, API_MAX_WINDOW

pytest_plugins = ["test_api_support"]  # the shared data set, server and client fixtures


def test_search_answers_the_same_json_as_kliping_search(client: httpx.Client, dataset: Dataset) -> None:
    expected = Engine(open_index(dataset.config), open_archive(dataset.config, readonly=True)).search(
        SearchRequest(query="banjir", limit=5)).to_dict()
    body = client.get("/search", params={"q": "banjir", "size": 5}).json()
    assert body == expected


def test_search_reports_page_and_size(client: httpx.Client) -> None:
    body = client.get("/search", params={"q": "tahun", "page": 2, "size": 3}).json()
    assert (body["page"], body["size"], len(body["hits"])) == (2, 3, 3)
    assert set(body["hits"][0]) == {"id", "url", "title", "source", "published", "author", "score", "snippet"}


def test_search_size_is_capped_at_100(client: httpx.Client) -> None:
    assert client.get("/search", params={"q": "tahun", "size": 100}).status_code == 200
    assert client.get("/search", params={"q": "tahun", "size": 101}).status_code == 400


def test_search_pages_no_deeper_than_the_window(client: httpx.Client) -> None:
    deepest = {"q": "tahun", "size": API_MAX_SIZE, "page": API_MAX_WINDOW // API_MAX_SIZE}
    assert client.get("/search", params=deepest).status_code == 200
    response = client.get("/search", params={**deepest, "page": deepest["page"] + 1})
    assert response.status_code == 400 and f"at most {API_MAX_WINDOW}" in response.text


def test_search_filters_by_repeated_source(client: httpx.Client) -> None:
    response = client.get("/search", params=[("q", "tahun"), ("source", "tempo.co"), ("source", "kompas.com"),
                                             ("size", 50)])
    sources = {hit["source"] for hit in response.json()["hits"]}
    assert sources and sources <= {"tempo.co", "kompas.com"}


def test_search_filters_by_dates(client: httpx.Client) -> None:
    hits = client.get("/search", params={"q": "tahun", "from": "2019-09-10", "to": "2019-09-12",
                                         "size": 50}).json()["hits"]
    assert hits and all("2019-09-10" <= hit["published"][:10] <= "2019-09-12" for hit in hits)


def test_search_filters_by_author(client: httpx.Client) -> None:
    hits = client.get("/search", params={"q": "banjir OR peretas", "author": "Budi Santoso"}).json()["hits"]
    assert [hit["author"] for hit in hits] == ["Budi Santoso"]


def test_search_sorts_newest_first(client: httpx.Client) -> None:
    hits = client.get("/search", params={"q": "tahun", "sort": "newest", "size": 20}).json()["hits"]
    dates = [hit["published"][:10] for hit in hits]
    assert dates == sorted(dates, reverse=True)


def test_search_counts_facets_when_asked(client: httpx.Client) -> None:
    body = client.get("/search", params={"q": "tahun", "facets": "true"}).json()
    assert sum(body["facets"]["source"].values()) == body["total"]
    assert all(len(month) == 7 for month in body["facets"]["month"])
    assert "facets" not in client.get("/search", params={"q": "tahun"}).json()


def test_article_is_the_full_stored_record(client: httpx.Client) -> None:
    body = client.get(f"/articles/{SCRIPT_ARTICLE.id}").json()
    assert body["body"] == SCRIPT_ARTICLE.body
    assert (body["id"], body["url"], body["authors"]) == (SCRIPT_ARTICLE.id, SCRIPT_ARTICLE.url, ["Rina Wati"])


def test_unknown_article_is_a_json_404(client: httpx.Client) -> None:
    response = client.get("/articles/0000000000000000")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_sources_lists_configured_sources_with_counts(client: httpx.Client) -> None:
    sources = {s["name"]: s for s in client.get("/sources").json()["sources"]}
    assert sources["contoh"]["configured"] and sources["contoh"]["archived"] == 2
    assert sources["okezone.com"]["indexed"] > 0
    assert sources["contoh"]["last_run"] is None


def test_health_is_liveness_with_counts(client: httpx.Client, dataset: Dataset) -> None:
    body = client.get("/health").json()
    assert body["status"] == "ok"
    assert body["archive"]["articles"] == body["index"]["documents"] == len(dataset.ids)


def test_openapi_schema_and_docs_are_served(client: httpx.Client) -> None:
    schema = client.get("/openapi.json").json()
    assert {"/search", "/articles/{article_id}", "/sources", "/health"} <= set(schema["paths"])
    assert "swagger" in client.get("/docs").text.lower()


def test_search_page_is_served_with_a_strict_csp(client: httpx.Client) -> None:
    response = client.get("/")
    assert response.headers["content-type"].startswith("text/html")
    assert "default-src 'self'" in response.headers["content-security-policy"]
    assert client.get("/static/app.js").status_code == 200
