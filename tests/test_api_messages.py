"""The API's answers when something is off: a damaged archive, HEAD probes, refused CORS preflights."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from test_api_support import Dataset, write_config

from kliping.config import load_config
from search.api import create_app

pytest_plugins = ["test_api_support"]  # the shared data set


def _api(dataset: Dataset, tmp_path: Path, **config: object) -> TestClient:
    return TestClient(create_app(load_config(write_config(tmp_path, data_dir=dataset.config.data_dir, **config))))


@pytest.mark.parametrize("how", ["truncated", "garbage"])
def test_health_on_an_unreadable_archive_is_a_json_error_naming_it(dataset: Dataset, tmp_path: Path,
                                                                   how: str) -> None:
    source = Path(dataset.config.data_dir)
    data = tmp_path / "data"
    shutil.copytree(source / "index", data / "index")
    with sqlite3.connect(source / "archive.sqlite3") as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    whole = (source / "archive.sqlite3").read_bytes()
    (data / "archive.sqlite3").write_bytes(whole[: len(whole) // 3] if how == "truncated" else b"\x07" * 50_000)
    api = TestClient(create_app(load_config(write_config(tmp_path, data_dir=data))), raise_server_exceptions=False)
    for path in ("/health", "/search?q=banjir", "/sources"):
        response = api.get(path)
        assert response.status_code == 503, (path, response.text)
        error = response.json()["error"]
        assert error["code"] == "unavailable"
        assert "unreadable" in error["message"] and "archive.sqlite3" in error["message"], error


def test_head_health_answers_200(dataset: Dataset, tmp_path: Path) -> None:
    response = _api(dataset, tmp_path, token="rahasia").head("/health")
    assert response.status_code == 200 and response.content == b""


def test_head_health_is_not_in_the_schema(dataset: Dataset, tmp_path: Path) -> None:
    assert set(_api(dataset, tmp_path).get("/openapi.json").json()["paths"]["/health"]) == {"get"}


@pytest.mark.parametrize(("headers", "says"), [
    ({"Origin": "https://jahat.test", "Access-Control-Request-Method": "GET"}, "'https://jahat.test' is not in"),
    ({"Origin": "https://redaksi.contoh.test", "Access-Control-Request-Method": "DELETE"}, "'DELETE' is not allowed"),
    ({"Origin": "https://redaksi.contoh.test", "Access-Control-Request-Method": "GET",
      "Access-Control-Request-Headers": "X-Rahasia"}, "'X-Rahasia' are not allowed"),
])
def test_a_refused_cors_preflight_is_the_one_json_error(dataset: Dataset, tmp_path: Path, headers: dict[str, str],
                                                        says: str) -> None:
    api = _api(dataset, tmp_path, cors=["https://redaksi.contoh.test"])
    response = api.options("/search", headers=headers)
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/json"
    assert response.json()["error"]["code"] == "cors_refused"
    assert says in response.json()["error"]["message"]
