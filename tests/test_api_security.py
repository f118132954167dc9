"""Safe to expose: escaped snippets, the bearer token, CORS and the per-client rate limit."""

from __future__ import annotations

import httpx
import pytest
from fastapi.testclient import TestClient
from test_api_support import SCRIPT_ARTICLE, Dataset, uvicorn_server, write_config

from kliping.config import load_config
from search.api import create_app
from search.api.guards import TOKEN_ENV, RateLimiter

pytest_plugins = ["test_api_support"]  # the shared data set, server and client fixtures


def _api(dataset: Dataset, tmp_path, **config: object) -> TestClient:  # type: ignore[no-untyped-def]
    return TestClient(create_app(load_config(write_config(tmp_path, data_dir=dataset.config.data_dir, **config))))


# -- snippets -----------------------------------------------------------------------------


def test_markup_in_article_text_comes_back_escaped(client: httpx.Client) -> None:
    hit = client.get("/search", params={"q": "peretas"}).json()["hits"][0]
    assert hit["id"] == SCRIPT_ARTICLE.id
    assert "<script>" not in hit["snippet"] and "&lt;script&gt;" in hit["snippet"]
    assert "&lt;b&gt;Tebal&lt;/b&gt; &amp; &quot;kutip&quot;" in hit["snippet"]


def test_only_mark_tags_remain_in_snippets(client: httpx.Client) -> None:
    hits = client.get("/search", params={"q": "peretas OR banjir OR jakarta", "size": 50}).json()["hits"]
    for hit in hits:
        stripped = hit["snippet"].replace("<mark>", "").replace("</mark>", "")
        assert "<" not in stripped and ">" not in stripped


def test_titles_stay_plain_text_for_the_client_to_escape(client: httpx.Client) -> None:
    hit = client.get("/search", params={"q": "peretas"}).json()["hits"][0]
    assert hit["title"] == SCRIPT_ARTICLE.title  # JSON carries text; the page inserts it with textContent


# -- token --------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/search?q=banjir", f"/articles/{SCRIPT_ARTICLE.id}", "/sources"])
def test_a_configured_token_guards_every_data_endpoint(dataset: Dataset, tmp_path, path: str) -> None:  # type: ignore[no-untyped-def]
    api = _api(dataset, tmp_path, token="rahasia")
    assert api.get(path).status_code == 401
    assert api.get(path, headers={"Authorization": "Bearer salah"}).status_code == 401
    assert api.get(path, headers={"Authorization": "Basic rahasia"}).status_code == 401
    assert api.get(path, headers={"Authorization": "Bearer rahasia"}).status_code == 200


def test_health_needs_no_token(dataset: Dataset, tmp_path) -> None:  # type: ignore[no-untyped-def]
    assert _api(dataset, tmp_path, token="rahasia").get("/health").status_code == 200


def test_the_environment_token_wins_over_the_config(dataset: Dataset, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv(TOKEN_ENV, "dari-env")
    api = _api(dataset, tmp_path, token="dari-config")
    assert api.get("/sources", headers={"Authorization": "Bearer dari-env"}).status_code == 200
    assert api.get("/sources", headers={"Authorization": "Bearer dari-config"}).status_code == 401


def test_a_real_server_takes_its_token_from_the_environment(dataset: Dataset, tmp_path) -> None:  # type: ignore[no-untyped-def]
    config = write_config(tmp_path, data_dir=dataset.config.data_dir)
    with uvicorn_server(config, env={TOKEN_ENV: "rahasia"}) as base:
        assert httpx.get(f"{base}/search?q=banjir").status_code == 401
        assert httpx.get(f"{base}/search?q=banjir", headers={"Authorization": "Bearer rahasia"}).status_code == 200


def test_the_schema_declares_the_bearer_scheme_when_a_token_is_set(dataset: Dataset, tmp_path) -> None:  # type: ignore[no-untyped-def]
    schema = _api(dataset, tmp_path, token="rahasia").get("/openapi.json").json()
    assert schema["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"


# -- CORS ---------------------------------------------------------------------------------


def test_cors_allows_only_the_configured_origins(dataset: Dataset, tmp_path) -> None:  # type: ignore[no-untyped-def]
    api = _api(dataset, tmp_path, cors=["https://redaksi.contoh.test"])
    allowed = api.get("/health", headers={"Origin": "https://redaksi.contoh.test"})
    assert allowed.headers["access-control-allow-origin"] == "https://redaksi.contoh.test"
    other = api.get("/health", headers={"Origin": "https://jahat.test"})
    assert "access-control-allow-origin" not in other.headers
    preflight = api.options("/search", headers={"Origin": "https://redaksi.contoh.test",
                                                 "Access-Control-Request-Method": "GET",
                                                 "Access-Control-Request-Headers": "Authorization"})
    assert preflight.status_code == 200


def test_no_cors_headers_without_configured_origins(client: httpx.Client) -> None:
    assert "access-control-allow-origin" not in client.get("/health", headers={"Origin": "https://x.test"}).headers


# -- rate limit ---------------------------------------------------------------------------


def test_a_client_over_its_rate_gets_429_with_retry_after(dataset: Dataset, tmp_path) -> None:  # type: ignore[no-untyped-def]
    api = _api(dataset, tmp_path, rate_limit=5)
    statuses = [api.get("/search", params={"q": "banjir"}).status_code for _ in range(7)]
    assert statuses == [200] * 5 + [429] * 2
    assert api.get("/health").status_code == 200  # probes are never limited


def test_the_bucket_refills_over_time() -> None:
    now = [0.0]
    limiter = RateLimiter(60, clock=lambda: now[0])
    assert all(limiter.take("10.0.0.1") == 0 for _ in range(60))
    assert limiter.take("10.0.0.1") == pytest.approx(1.0)
    assert limiter.take("10.0.0.2") == 0  # other clients are not affected
    now[0] += 1.0
    assert limiter.take("10.0.0.1") == 0


def test_behind_a_local_proxy_each_forwarded_client_has_its_own_bucket(dataset: Dataset, tmp_path) -> None:  # type: ignore[no-untyped-def]
    config = write_config(tmp_path, data_dir=dataset.config.data_dir, rate_limit=2, trusted_proxies=["127.0.0.1"])
    with uvicorn_server(config) as base, httpx.Client(base_url=base) as http:
        def status(client_ip: str) -> int:
            return http.get("/sources", headers={"X-Forwarded-For": client_ip}).status_code

        assert [status("10.1.1.1") for _ in range(3)] == [200, 200, 429]
        assert status("10.2.2.2") == 200
