"""The application object: one config, and the parts built from it opened once and closed together."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest
from httpserver import LocalSite
from warcio.archiveiterator import ArchiveIterator

import kliping.app
from kliping.app import Kliping
from kliping.errors import ConfigError


def config_file(root: Path, **extra: object) -> Path:
    path = root / "config.yaml"
    path.write_text(json.dumps({"data_dir": str(root / "data"), "sources": [],
                                "fetch": {"min_interval": 0, "retries": 0, "timeout": 2}, **extra}))
    return path


def test_the_config_is_read_on_first_use_and_errors_name_the_key(tmp_path: Path) -> None:
    (tmp_path / "config.yaml").write_text("data_dir: ./data\nfetch: {timeout: -1}\n")
    app = Kliping(tmp_path / "config.yaml")  # nothing read yet: commands that need no config work anywhere
    with pytest.raises(ConfigError, match="timeout"):
        app.config  # noqa: B018


def test_each_part_is_opened_once_even_when_threads_ask_at_once(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    app = Kliping(config_file(tmp_path))
    app.archive()  # creates the archive the engine reads
    real_index_in = kliping.app.index_in

    def slow_index_in(data_dir: Path) -> object:  # a slow disk: the window in which threads would race
        time.sleep(0.05)
        return real_index_in(data_dir)

    monkeypatch.setattr(kliping.app, "index_in", slow_index_in)
    engines: list[object] = []
    threads = [threading.Thread(target=lambda: engines.append(app.engine())) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({id(engine) for engine in engines}) == 1
    assert app.archive() is app.archive() and app.archive(readonly=True) is not app.archive()
    assert app.index() is app.index()


def test_closing_closes_what_was_opened_and_the_parts_open_again(tmp_path: Path) -> None:
    with Kliping(config_file(tmp_path)) as app:
        archive = app.archive()
        assert archive.count() == 0
    assert app.archive() is not archive and app.archive().count() == 0
    app.close()


def test_the_fetcher_and_its_warc_recorder_close_however_the_block_ends(tmp_path: Path) -> None:
    """The WARC file is complete (every record readable) even when the work in the block fails."""
    app = Kliping(config_file(tmp_path, fetch={"min_interval": 0, "retries": 0, "timeout": 2,
                                               "respect_robots": False}, daemon={"warc": True}))
    with LocalSite() as site:
        site.add("/a", b"<html><body><p>Banjir melanda.</p></body></html>")
        with pytest.raises(RuntimeError, match="the crawl broke"), app.fetching(app.archive()) as fetcher:
            fetcher.get(site.url("/a"))
            raise RuntimeError("the crawl broke")
    warcs = sorted((tmp_path / "data" / "warc").glob("*.warc.gz"))
    assert warcs, "the response was recorded"
    with warcs[-1].open("rb") as stream:
        records = [record.rec_type for record in ArchiveIterator(stream)]
    assert "response" in records
