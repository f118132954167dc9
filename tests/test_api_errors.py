"""Errors: one JSON shape for every kind, and no 500 for anything a client can send."""

from __future__ import annotations

import time

import httpx
import pytest
from fastapi.testclient import TestClient
from test_api_support import Dataset, write_config

from kliping.config import load_config
from search.api import create_app
from search.engine import Engine

#: Query strings that try to break things, as raw URL text (so invalid UTF-8 reaches the server as sent).
BREAK_IT = [
    "/search?q=%22sanksi%20Rusia",            # unbalanced quote
    "/search?q=(banjir%20OR%20(jakarta)",     # unbalanced parentheses
    "/search?q=banjir)",
    "/search?q=*",                            # wildcards
    "/search?q=a*",
    "/search?q=*a",
    "/search?q=%3F%3F%3F",
    "/search?q=" + "korupsi%20" * 1000,        # 10,000 characters
    "/search?q=" + "x" * 10_000,
    "/search?q=banjir%00jakarta",              # NUL byte
    "/search?q=%00",
    "/search?q=%FF%FE%FD",                     # invalid UTF-8
    "/search?q=banjir&source=%C3%28",
    "/articles/%FF%00%C3%28",
    "/search?q=banjir&size=-1",
    "/search?q=banjir&size=0",
    "/search?q=banjir&size=abc",
    "/search?q=banjir&page=1000000000",
    "/search?q=banjir&page=0",
    "/search?q=banjir&page=100&size=100",
    "/search?q=banjir&from=2021-13-45",
    "/search?q=banjir&to=not-a-date",
    "/search?q=banjir&from=2020&to=2019",
    "/search?q=banjir&sort=sideways",
    "/search?q=banjir&facets=maybe",
    "/search?q=",
    "/search",
    "/search?q=judul:",
    "/search?q=banjir~99",
    "/search?q=penulis:%22%22",
    "/search?q=AND%20OR%20NOT",
    "/search?q=%5B2019%20TO%5D",              # open and wide term ranges
    "/search?q=%5Ba%20TO%20z%5D",
    "/search?q=banjir~2",                     # fuzzy terms
    "/search?q=%3C%3E%26%27%22%22",
    "/search?q=banjir&q=jakarta",
]

pytest_plugins = ["test_api_support"]  # the shared data set, server and client fixtures


@pytest.mark.parametrize("url", BREAK_IT)
def test_hostile_input_gets_a_200_or_a_json_400(client: httpx.Client, url: str) -> None:
    response = client.get(url)
    assert response.status_code in (200, 400, 404), response.text
    body = response.json()
    if response.status_code != 200:
        assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}


@pytest.mark.parametrize("query", ["[a TO z]", "[2019 TO]", "banjir~2", "b~2", "b~2/5", "korup*", "ba*"])
def test_expensive_queries_are_refused_or_answered(client: httpx.Client, query: str) -> None:
    """Bounded, not timed: an over-broad wildcard or fuzzy term is refused with the reason, the rest answered."""
    response = client.get("/search", params={"q": query})
    assert response.status_code in (200, 400)
    if response.status_code == 400:
        assert response.json()["error"]["code"] == "query", response.text


def test_validation_errors_name_the_parameter(client: httpx.Client) -> None:
    message = client.get("/search", params={"q": "banjir", "size": -1}).json()["error"]["message"]
    assert message.startswith("size:")


# -- one test pins the shape for every error kind -----------------------------------------


def _app(dataset: Dataset, tmp_path, **config: object) -> TestClient:  # type: ignore[no-untyped-def]
    path = write_config(tmp_path, data_dir=dataset.config.data_dir, **config)  # type: ignore[arg-type]
    return TestClient(create_app(load_config(path), search_timeout=0.2), raise_server_exceptions=False)


def _slow_search(self, request):  # type: ignore[no-untyped-def]
    time.sleep(1.0)


def _broken_search(self, request):  # type: ignore[no-untyped-def]
    raise RuntimeError("a bug")


ERROR_KINDS = [
    # (name, status, code, how to provoke it)
    ("malformed query", 400, "query", lambda c: c.get("/search", params={"q": '"open'})),
    ("bad parameter", 400, "bad_parameter", lambda c: c.get("/search", params={"q": "x", "size": "abc"})),
    ("missing parameter", 400, "bad_parameter", lambda c: c.get("/search")),
    ("no token", 401, "unauthorized", lambda c: c.get("/search", params={"q": "banjir"})),
    ("unknown article", 404, "not_found", lambda c: c.get("/articles/nope", headers={"Authorization": "Bearer s"})),
    ("unknown path", 404, "not_found", lambda c: c.get("/nope")),
    ("wrong method", 405, "method_not_allowed", lambda c: c.post("/health")),
    ("rate limited", 429, "rate_limited", lambda c: [c.get("/sources") for _ in range(3)][-1]),
    ("timeout", 503, "timeout", lambda c: c.get("/search", params={"q": "banjir"},
                                                headers={"Authorization": "Bearer s"})),
    ("bug", 500, "internal", lambda c: c.get("/search", params={"q": "banjir"},
                                             headers={"Authorization": "Bearer s"})),
]


@pytest.mark.parametrize(("name", "status", "code", "provoke"), ERROR_KINDS, ids=[k[0] for k in ERROR_KINDS])
def test_every_error_kind_has_the_one_json_shape(dataset: Dataset, tmp_path, monkeypatch,  # type: ignore[no-untyped-def]
                                                 name, status, code, provoke) -> None:
    if name == "timeout":
        monkeypatch.setattr(Engine, "search", _slow_search)
    if name == "bug":
        monkeypatch.setattr(Engine, "search", _broken_search)
    token = None if name in ("malformed query", "bad parameter", "missing parameter", "rate limited") else "s"
    api = _app(dataset, tmp_path, token=token, rate_limit=2 if name == "rate limited" else 1000)
    response = provoke(api)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {"error": {"code": code, "message": response.json()["error"]["message"]}}
    assert response.json()["error"]["message"]
    if status in (429, 503):
        assert int(response.headers["retry-after"]) >= 1
    if status == 401:
        assert response.headers["www-authenticate"] == "Bearer"


def test_an_internal_error_does_not_leak_its_message(dataset: Dataset, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(Engine, "search", _broken_search)
    response = _app(dataset, tmp_path).get("/search", params={"q": "banjir"})
    assert "a bug" not in response.text


def test_an_api_without_data_answers_503_not_500(tmp_path) -> None:  # type: ignore[no-untyped-def]
    api = TestClient(create_app(load_config(write_config(tmp_path))))
    assert api.get("/health").json()["status"] == "empty"
    for url in ("/search?q=banjir", "/articles/abc"):
        response = api.get(url)
        assert (response.status_code, response.json()["error"]["code"]) == (503, "unavailable")
