"""``kliping watch`` as a user runs it, and ``/watches/{name}.atom`` behind the API token (real uvicorn too)."""

from __future__ import annotations

import json
from pathlib import Path

import feedparser
import httpx
import pytest
from cli_runner import kliping
from fastapi.testclient import TestClient
from test_api_support import uvicorn_server
from test_api_support import write_config as write_api_config
from webhook_receiver import WebhookReceiver

from index.archive import Archive
from index.store import SearchIndex
from index.watches import WatchStore
from kliping.article import Article
from kliping.config import load_config
from kliping.watch.matcher import WatchMatcher
from search.api.app import create_app

TOKEN = "token-uji"


def article(i: int, text: str) -> Article:
    return Article(url=f"https://lokal.test/berita/{i}", title=f"Berita {i}: {text} & <lainnya>",
                   body=f"{text}. Petugas setempat mendirikan posko darurat dan membagikan makanan kepada warga.",
                   source="lokal", published="2026-12-01T10:00:00+07:00", authors=["Budi Santoso"])


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = write_api_config(tmp_path, token=TOKEN)
    archive = Archive(tmp_path / "data" / "archive.sqlite3")
    archive.upsert(article(0, "banjir lama di Bekasi"))
    SearchIndex(tmp_path / "data" / "index").catch_up(archive)
    archive.close()
    return path


def test_add_list_test_and_rm(config: Path) -> None:
    receiver = WebhookReceiver("s3cret").start()
    try:
        added = kliping(config, "watch", "add", "banjir", "banjir Bekasi", "--webhook", receiver.url)
        assert added.returncode == 0, added.stderr
        assert "watch banjir saved" in added.stdout and "go unsigned" in added.stderr
        listed = json.loads(kliping(config, "watch", "list", "--json").stdout)
        assert [(w["name"], w["query"], w["webhook"], w["pending"]) for w in listed] == [
            ("banjir", "banjir Bekasi", receiver.url, 0)]
        assert "checked up to archive change 1 of 1" in kliping(config, "watch", "list").stdout
        shown = kliping(config, "watch", "test", "banjir", "--send", env={"KLIPING_WATCH_SECRET": "s3cret"})
        assert shown.returncode == 0, shown.stderr
        assert "1 articles in the archive match" in shown.stdout and "banjir lama di Bekasi" in shown.stdout
        (sent,) = receiver.events()
        assert sent.signed and sent.event["type"] == "watch.test"
        assert sent.event["article"]["title"].startswith("Berita 0")
        assert kliping(config, "watch", "rm", "banjir").returncode == 0
        assert "no watches" in kliping(config, "watch", "list").stdout
    finally:
        receiver.stop()


def test_watch_test_exits_1_when_the_receiver_refuses(config: Path) -> None:
    kliping(config, "watch", "add", "banjir", "banjir", "--webhook", "http://127.0.0.1:9/none")
    result = kliping(config, "watch", "test", "banjir", "--send")
    assert result.returncode == 1 and "unreachable" in result.stdout


@pytest.mark.parametrize(("args", "code", "message"), [
    (["add", "a b", "banjir"], 2, "not a watch name"),
    (["add", "banjir", "banjir", "--webhook", "ftp://x"], 2, "not an http(s) URL"),
    (["add", "banjir", "banjir", "--email", "meja@redaksi.test"], 2, "set watch.smtp_host"),
    (["add", "banjir", '"banjir'], 2, "unclosed double quote"),
    (["rm", "gempa"], 3, "no watch named 'gempa'"),
    (["test", "gempa"], 3, "kliping watch add NAME QUERY"),
])
def test_mistakes_are_one_line_with_an_exit_code(config: Path, args: list[str], code: int, message: str) -> None:
    result = kliping(config, "watch", *args)
    assert result.returncode == code, result.stderr
    assert message in result.stderr and "Traceback" not in result.stderr


def test_every_watch_command_has_help() -> None:
    for sub in ("add", "list", "rm", "test", "retry"):
        result = kliping(None, "watch", sub, "--help")
        assert result.returncode == 0 and "Example" in result.stdout


def _matched(config_path: Path) -> list[Article]:
    """A watch that has matched two new articles, as the daemon leaves it."""
    assert kliping(config_path, "watch", "add", "banjir", "banjir").returncode == 0
    data = config_path.parent / "data"
    archive = Archive(data / "archive.sqlite3")
    index = SearchIndex(data / "index")
    news = [article(1, "banjir rob di pesisir"), article(2, "gempa di Palu"), article(3, "banjir bandang Garut")]
    for a in news:
        archive.upsert(a)
    index.catch_up(archive)
    matcher = WatchMatcher(WatchStore(archive), archive, index)
    assert matcher.check() == 2
    matcher.close()
    archive.close()
    return [news[2], news[0]]


def _check_feed(body: bytes, expected: list[Article]) -> None:
    feed = feedparser.parse(body)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert "banjir" in feed.feed.title
    assert [e.link for e in feed.entries] == [a.url for a in expected]  # newest match first
    assert feed.entries[0].title == expected[0].title  # '&' and '<' escaped and read back
    assert feed.entries[0].author == "Budi Santoso"
    assert feed.entries[0].published_parsed is not None and feed.entries[0].updated_parsed is not None
    assert len({e.id for e in feed.entries}) == 2


def test_the_atom_feed_validates_and_needs_the_token(config: Path) -> None:
    expected = _matched(config)
    with TestClient(create_app(load_config(config))) as client:
        assert client.get("/watches/banjir.atom").status_code == 401
        assert client.get("/watches/banjir.atom", headers={"Authorization": "Bearer wrong"}).status_code == 401
        auth = {"Authorization": f"Bearer {TOKEN}"}
        response = client.get("/watches/banjir.atom", headers=auth)
        assert response.status_code == 200 and response.headers["content-type"].startswith("application/atom+xml")
        _check_feed(response.content, expected)
        missing = client.get("/watches/gempa.atom", headers=auth)
        assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"


def test_the_atom_feed_over_a_real_server(config: Path) -> None:
    expected = _matched(config)
    with uvicorn_server(config) as base:
        assert httpx.get(f"{base}/watches/banjir.atom").status_code == 401
        response = httpx.get(f"{base}/watches/banjir.atom", headers={"Authorization": f"Bearer {TOKEN}"})
        assert response.status_code == 200
        _check_feed(response.content, expected)
