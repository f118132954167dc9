"""The daemon as a real process: schedules of seconds against a local news site of real pages."""

from __future__ import annotations

import json
import signal
import time
from pathlib import Path

import pytest
from cli_runner import kliping, kliping_json
from daemon_process import DaemonProcess, article_count, query, runs, wait_for
from newssite import NewsSite

FAST = {"jitter": 0, "misfire_grace": "30s"}


def lokal(site: NewsSite, **extra: object) -> dict:  # type: ignore[type-arg]
    return {"name": "lokal", "feeds": [site.feed_url], "every": "1s", **extra}


def page(title: str, paragraphs: list[str]) -> bytes:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>{body}</article>"
            "</body></html>").encode()


PARAGRAPHS = [
    "JAKARTA - Pemerintah kota mengumumkan rencana pembangunan jalur sepeda sepanjang dua puluh kilometer "
    "yang akan menghubungkan kawasan perkantoran dengan permukiman warga di pinggiran kota.",
    "Kepala dinas perhubungan mengatakan proyek itu dibiayai anggaran daerah dan ditargetkan rampung sebelum "
    "akhir tahun, dengan pengerjaan dimulai dari ruas yang paling padat kendaraan.",
    "Sejumlah komunitas pesepeda menyambut baik rencana tersebut, tetapi meminta agar jalur dipisahkan secara "
    "fisik dari lalu lintas kendaraan bermotor demi keselamatan pengguna.",
]


@pytest.fixture
def daemons():  # type: ignore[no-untyped-def]
    started: list[DaemonProcess] = []

    def start(config: Path) -> DaemonProcess:
        started.append(DaemonProcess(config, log_name=f"daemon-{len(started)}.log"))
        return started[-1]

    yield start
    for daemon in started:
        daemon.stop()


def test_new_articles_appear_in_search_within_one_cycle(news_site: NewsSite, make_config, daemons) -> None:  # type: ignore[no-untyped-def]
    first, later = news_site.gold_pages()[:2], news_site.gold_pages()[2]
    for p in first:
        news_site.publish(p)
    config = make_config([lokal(news_site)], daemon=FAST)
    daemon = daemons(config)
    wait_for(lambda: article_count(config) == 2, 20, "the first two articles")
    news_site.publish(later)
    title = news_site.gold(later)["title"]
    wait_for(lambda: title in kliping(config, "search", f'"{title}"', "--json").stdout, 15, "the new article in search")
    assert daemon.terminate() == 0
    assert "event=daemon_stopped" in daemon.log()


def test_sigterm_exits_zero_and_releases_the_lock(news_site: NewsSite, make_config, daemons) -> None:  # type: ignore[no-untyped-def]
    news_site.publish(news_site.gold_pages()[0])
    config = make_config([lokal(news_site)], daemon=FAST)
    daemon = daemons(config)
    daemon.wait_log("event=run_end")
    assert kliping_json(config, "status")["daemon"] == {"running": True, "pid": daemon.pid}
    assert daemon.terminate() == 0
    assert kliping_json(config, "status")["daemon"] == {"running": False, "pid": None}
    again = daemons(config)
    again.wait_log("event=daemon_started")
    assert again.terminate() == 0


def test_a_second_daemon_refuses_and_names_the_first(news_site: NewsSite, make_config, daemons) -> None:  # type: ignore[no-untyped-def]
    config = make_config([lokal(news_site)], daemon=FAST)
    first = daemons(config)
    first.wait_log("event=daemon_started")
    second = kliping(config, "daemon", timeout=30)
    assert second.returncode == 4
    assert f"process {first.pid}" in second.stderr and "already running" in second.stderr
    assert first.proc.poll() is None


def test_sigterm_mid_crawl_finishes_the_page_in_hand(news_site: NewsSite, make_config, daemons) -> None:  # type: ignore[no-untyped-def]
    pages = news_site.gold_pages()[:8]
    for p in pages:
        path = f"/lambat/{p.name}"
        news_site.publish(p, path=path)
        data = p.read_bytes()
        news_site.site.add_handler(path, lambda h, data=data: (time.sleep(0.4), h.respond(200, data, {
            "Content-Type": "text/html; charset=utf-8"})))
    config = make_config([lokal(news_site)], daemon=FAST)
    daemon = daemons(config)
    wait_for(lambda: article_count(config) >= 2, 20, "a crawl under way")
    daemon.proc.send_signal(signal.SIGTERM)
    assert daemon.proc.wait(20) == 0
    stored = article_count(config)
    assert 2 <= stored < len(pages), "the run should stop early, between pages"
    assert query(config, "SELECT COUNT(*) FROM pages WHERE status = 'stored'")[0][0] in (stored, stored - 1)
    assert runs(config, "lokal"), "the interrupted run is recorded"
    status = kliping_json(config, "status")
    assert status["index"]["documents"] == stored, "the index caught up before exit"


def test_an_edited_article_is_updated_in_place(local_site, make_config, daemons) -> None:  # type: ignore[no-untyped-def]
    site = NewsSite(local_site, Path("/nonexistent"))
    url = site.publish(path="/berita/jalur-sepeda.html", body=page("Jalur sepeda baru", PARAGRAPHS))
    daemon_settings = {**FAST, "recheck_within": "1h", "recheck_every": "1s"}
    config = make_config([lokal(site)], daemon=daemon_settings)
    daemons(config)
    wait_for(lambda: article_count(config) == 1, 20, "the article")
    edited = [*PARAGRAPHS[:2], PARAGRAPHS[2] + " Ralat: panjang jalur sebenarnya tiga puluh kilometer."]
    local_site.add("/berita/jalur-sepeda.html", page("Jalur sepeda baru", edited))
    wait_for(lambda: query(config, "SELECT version FROM articles")[0][0] == 2, 20, "the edit")
    assert article_count(config) == 1
    old = query(config, "SELECT body FROM article_versions")
    assert len(old) == 1 and "Ralat" not in old[0][0]
    hit = kliping_json(config, "search", "ralat")["hits"]
    assert [h["url"] for h in hit] == [url]


def test_status_shows_the_next_run_and_todays_articles(news_site: NewsSite, make_config, daemons) -> None:  # type: ignore[no-untyped-def]
    news_site.publish(news_site.gold_pages()[0])
    config = make_config([lokal(news_site, every="1h")], daemon=FAST)
    daemon = daemons(config)
    daemon.wait_log("event=run_end")
    wait_for(lambda: kliping_json(config, "status")["index"]["documents"] == 1, 10, "the index")
    source = kliping_json(config, "status")["sources"][0]
    assert source["today"] == 1 and source["archived"] == 1
    assert source["next_run"] > source["last_run"]["started_at"]
    assert source["backoff"] == {"active": False, "until": None, "failures_in_a_row": 0}
    text = kliping(config, "status").stdout
    assert "next run:" in text and f"pid {daemon.pid}" in text
    json.dumps(source)
