"""Shared by the API tests (no tests here): a small real index, a config, a real uvicorn process.

The data set is a few hundred articles from ``../shared/corpus`` plus a handful
written to pin behaviour (markup in the text, a byline, a source of its own).
It is built once per test session, into a session temp directory.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from corpus import corpus_records
from fastapi.testclient import TestClient

from index.archive import Archive
from index.store import SearchIndex
from kliping.app import archive_path, open_index
from kliping.article import Article
from kliping.config import Config, load_config
from search.api import create_app

ROOT = Path(__file__).resolve().parents[1]
CORPUS_ARTICLES = 300
CORPUS_STRIDE = 70  # 300 * 70 < 21,940: a spread over every source
#: The CLI, run by this interpreter from this checkout (cwd=ROOT comes first on sys.path).
KLIPING = [sys.executable, "-c", "from kliping.cli import main; main()"]

#: Articles written for the tests, each pinning one behaviour.
PINNED = [
    Article(url="https://contoh.test/berita/skrip-jahat", source="contoh",
            title="Peretas menyisipkan <script>alert('judul')</script> di situs",
            body="Polisi menyelidiki kode <script>alert('xss')</script> berbahaya yang disisipkan "
                 "peretas ke situs pemerintah daerah. <b>Tebal</b> & \"kutip\" juga harus aman.",
            published="2019-09-15T10:00:00+07:00", authors=["Rina Wati"]),
    Article(url="https://contoh.test/berita/banjir-jakarta", source="contoh",
            title="Banjir besar merendam Jakarta Utara",
            body="Banjir setinggi satu meter merendam permukiman warga di Jakarta Utara sejak pagi.\n\n"
                 "Petugas mengevakuasi ratusan warga ke tempat yang lebih tinggi.",
            published="2019-10-02", authors=["Budi Santoso"]),
]
SCRIPT_ARTICLE = PINNED[0]


@dataclass
class Dataset:
    root: Path
    config_path: Path
    config: Config
    ids: list[str]


def write_config(root: Path, *, token: str | None = None, rate_limit: int = 100_000,
                 cors: list[str] | None = None, data_dir: Path | None = None,
                 trusted_proxies: list[str] | None = None) -> Path:
    config = {
        "data_dir": str(data_dir or root / "data"),
        "api": {"host": "127.0.0.1", "port": 8750, "token": token, "rate_limit": rate_limit,
                "cors_origins": cors or [], "trusted_proxies": trusted_proxies or []},
        "sources": [{"name": "contoh", "feeds": ["https://contoh.test/rss"]},
                    {"name": "okezone.com", "feeds": ["https://okezone.test/rss"]}],
    }
    path = root / "config.yaml"
    path.write_text(json.dumps(config), encoding="utf-8")  # JSON is YAML
    return path


def build_dataset(root: Path, *, corpus_articles: int = CORPUS_ARTICLES) -> Dataset:
    """Archive and index a few hundred corpus articles and the pinned ones."""
    config_path = write_config(root)
    config = load_config(config_path)
    archive = Archive(archive_path(config))
    ids = []
    for record in corpus_records(corpus_articles, every=CORPUS_STRIDE):
        article = Article.from_dict(record)
        archive.upsert(article)
        ids.append(article.id)
    for article in PINNED:
        archive.upsert(article)
        ids.append(article.id)
    open_index(config).catch_up(archive)
    archive.close()
    return Dataset(root=root, config_path=config_path, config=config, ids=ids)


def add_articles(config: Config, articles: list[Article]) -> None:
    """What the crawler does: archive, then let the index catch up (a commit)."""
    archive = Archive(archive_path(config))
    for article in articles:
        archive.upsert(article)
    SearchIndex(config.data_dir / "index").catch_up(archive)
    archive.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def uvicorn_server(config_path: Path, *, env: dict[str, str] | None = None,
                   extra: list[str] | None = None) -> Iterator[str]:
    """``kliping --config ... serve --port N`` as a subprocess; yields its base URL once /health answers."""
    port = free_port()
    command = [*KLIPING, "--config", str(config_path), "serve", "--port", str(port), "--no-access-log",
               *(extra or [])]
    process = subprocess.Popen(command, env={**os.environ, **(env or {})}, cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_health(base, process)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_for_health(base: str, process: subprocess.Popen, timeout: float = 30.0) -> None:  # type: ignore[type-arg]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = process.stdout.read().decode(errors="replace") if process.stdout else ""
            raise RuntimeError(f"kliping serve exited with {process.returncode}:\n{output}")
        try:
            if httpx.get(f"{base}/health", timeout=1.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"kliping serve did not answer on {base}/health within {timeout:.0f}s")


# -- fixtures (imported by the test modules; built once per session however many import them) -----

_SHARED: dict[str, object] = {}


@pytest.fixture(scope="session")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Dataset:
    if "dataset" not in _SHARED:
        _SHARED["dataset"] = build_dataset(tmp_path_factory.mktemp("api-data"))
    return _SHARED["dataset"]  # type: ignore[return-value]


@pytest.fixture(scope="session")
def live_url(dataset: Dataset, request: pytest.FixtureRequest) -> str:
    """Base URL of one real ``kliping serve`` over the shared data set."""
    if "live_url" not in _SHARED:
        server = uvicorn_server(dataset.config_path)
        _SHARED["live_url"] = server.__enter__()
        request.config.add_cleanup(lambda: server.__exit__(None, None, None))
    return _SHARED["live_url"]  # type: ignore[return-value]


@pytest.fixture(params=["in-process", "uvicorn"])
def client(request: pytest.FixtureRequest, dataset: Dataset) -> Iterator[httpx.Client]:
    """The same API two ways: FastAPI's TestClient, and HTTP to a real uvicorn on 127.0.0.1."""
    if request.param == "in-process":
        with TestClient(create_app(dataset.config)) as test_client:
            yield test_client
    else:
        with httpx.Client(base_url=request.getfixturevalue("live_url"), timeout=10.0) as http:
            yield http
