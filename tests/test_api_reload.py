"""New articles become searchable without restarting the API (each test has its own small data set)."""

from __future__ import annotations

import json
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from test_api_support import KLIPING, ROOT, Dataset, add_articles, build_dataset, uvicorn_server

from index.archive import Archive
from kliping.app import Kliping, archive_path
from kliping.article import Article
from search.api import create_app
from search.api.live import LiveIndex

QUAKE = Article(url="https://contoh.test/berita/gempa-palu", source="contoh", title="Gempa mengguncang Palu",
                body="Gempa bermagnitudo 5,2 mengguncang Palu, Sulawesi Tengah, tanpa potensi tsunami.",
                published="2019-09-20T07:00:00+07:00")


@pytest.fixture
def small(tmp_path: Path) -> Dataset:
    return build_dataset(tmp_path, corpus_articles=20)


def eventually(check: Callable[[], bool], timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.2)
    return False


def total(get: Callable[..., httpx.Response], query: str) -> int:
    return int(get("/search", params={"q": query}).json()["total"])


def kliping(dataset: Dataset, *args: str) -> None:
    subprocess.run([*KLIPING, "--config", str(dataset.config_path), *args], cwd=ROOT, check=True,
                   capture_output=True, timeout=120)


def test_a_commit_is_searchable_in_process_within_seconds(small: Dataset) -> None:
    with TestClient(create_app(small.config)) as api:
        assert total(api.get, "gempa") == 0
        before = api.get("/health").json()["index"]["generation"]
        add_articles(small.config, [QUAKE])
        assert eventually(lambda: total(api.get, "gempa") == 1)
        assert eventually(lambda: api.get("/health").json()["index"]["generation"] > before)



def test_an_article_updated_in_place_is_listed_once(small: Dataset) -> None:
    """Re-imports, the daemon's edit checks and ``kliping reextract`` update articles in place: a running
    API must then list each once, as ``kliping search`` and ``/health`` do (it listed old and new)."""
    floods = [Article(url=f"https://dup.example/{n}", source="dup.example", title=f"Banjir bandang melanda desa {n}",
                      body=f"Banjir bandang melanda desa {n}, laporan pertama.", published="2019-09-20T07:00:00+07:00")
              for n in range(3)]
    with TestClient(create_app(small.config)) as api:
        def ids(query: str) -> list[str]:
            found = api.get("/search", params={"q": query, "source": "dup.example", "limit": 50}).json()
            assert found["total"] == len(found["hits"])
            return sorted(hit["id"] for hit in found["hits"])

        everything = total(api.get, "*")
        add_articles(small.config, floods)
        assert eventually(lambda: ids("banjir") == sorted(article.id for article in floods))
        add_articles(small.config, [replace(article, body=article.body.replace("pertama", "susulan"))
                                    for article in floods])
        assert eventually(lambda: ids("susulan") == sorted(article.id for article in floods))
        assert ids("banjir") == sorted(article.id for article in floods)
        assert ids("pertama") == []
        assert total(api.get, "*") == everything + 3 == api.get("/health").json()["index"]["documents"]

def test_kliping_import_reaches_a_running_server(small: Dataset, tmp_path: Path) -> None:
    records = tmp_path / "baru.jsonl"
    records.write_text(json.dumps(QUAKE.to_dict()) + "\n", encoding="utf-8")
    with uvicorn_server(small.config_path) as base, httpx.Client(base_url=base) as http:
        assert total(http.get, "gempa") == 0
        kliping(small, "import", str(records))
        assert eventually(lambda: total(http.get, "gempa") == 1)
        assert eventually(lambda: http.get("/health").json()["index"]["documents"] == len(small.ids) + 1)


def test_a_rebuilt_index_is_picked_up_by_a_running_server(small: Dataset) -> None:
    with uvicorn_server(small.config_path) as base, httpx.Client(base_url=base) as http:
        before = total(http.get, "banjir")
        kliping(small, "reindex")
        time.sleep(1.2)
        assert total(http.get, "banjir") == before
        assert http.get("/health").json()["index"]["documents"] == len(small.ids)
        # an article only the rebuilt index holds: found once the server has moved to the new directory,
        # though both directories are at the same generation
        archive = Archive(archive_path(small.config))
        archive.upsert(QUAKE)
        archive.close()
        kliping(small, "reindex")
        assert eventually(lambda: total(http.get, "gempa") == 1)


def test_requests_racing_the_first_open_all_get_the_engine(small: Dataset) -> None:
    """Concurrent first requests wait for the engine instead of being told the index is empty."""
    class SlowOpen(LiveIndex):
        def _recount(self, marker):  # type: ignore[no-untyped-def]
            time.sleep(0.3)  # a large index takes a while to open: the window other requests arrive in
            super()._recount(marker)

    live = SlowOpen(Kliping(config=small.config))
    failures: list[Exception] = []

    def request() -> None:
        try:
            live.engine()
        except Exception as exc:  # an ApiError 503 before the fix
            failures.append(exc)

    threads = [threading.Thread(target=request) for _ in range(6)]
    for thread in threads:
        thread.start()
        time.sleep(0.02)
    for thread in threads:
        thread.join()
    assert failures == []
