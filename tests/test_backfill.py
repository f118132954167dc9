"""``kliping backfill``: dated index pages walked day by day, resumable after a kill."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time

import pytest
from cli_runner import ROOT, kliping, kliping_json
from daemon_process import article_count, query, wait_for
from httpserver import LocalSite

DAYS = ["2024-05-01", "2024-05-02", "2024-05-03"]
PAGES_PER_DAY = 2
PER_PAGE = 2


def article(day: str, n: int) -> bytes:
    title = f"Kabar daerah {day} nomor {n}: pasar murah digelar"
    text = (f"Pemerintah kabupaten menggelar pasar murah pada {day} untuk menekan harga kebutuhan pokok, "
            f"dengan {n + 3} ton beras dan minyak goreng dijual di bawah harga pasar kepada warga yang antre "
            "sejak pagi di halaman kantor kecamatan.")
    more = ("Panitia mengatakan kegiatan serupa akan diadakan setiap pekan sampai harga kembali stabil, "
            "sementara dinas perdagangan memantau pasokan dari distributor di seluruh wilayah.")
    return (f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1><p>{text}</p>"
            f"<p>{more}</p></article></body></html>").encode()


def build_site(site: LocalSite, *, delay: float = 0.0) -> list[str]:
    """Index pages /indeks/DAY?page=N linking to articles; page 3 of each day is a 404."""
    urls = []
    for day in DAYS:
        for page in range(1, PAGES_PER_DAY + 1):
            links = []
            for k in range(PER_PAGE):
                n = (page - 1) * PER_PAGE + k
                path = f"/berita/{day}/{n}.html"
                data = article(day, n)
                site.add_handler(path, lambda h, data=data: (time.sleep(delay), h.respond(
                    200, data, {"Content-Type": "text/html; charset=utf-8"})))
                links.append(f'<li><a href="{path}">berita {n}</a></li>')
                urls.append(site.url(path))
            site.add(f"/indeks/{day}?page={page}", f"<html><body><ul>{''.join(links)}</ul></body></html>")
    return urls


def backfill_source(site: LocalSite) -> dict:  # type: ignore[type-arg]
    return {"name": "lokal", "feeds": [site.url("/rss.xml")], "article_url_pattern": r"/berita/",
            "index_url_template": site.url("/indeks/{date:%Y-%m-%d}?page={page}")}


def test_backfill_stores_every_article_of_every_day(local_site: LocalSite, make_config) -> None:  # type: ignore[no-untyped-def]
    urls = build_site(local_site)
    config = make_config([backfill_source(local_site)])
    result = kliping_json(config, "backfill", "--source", "lokal", "--from", DAYS[0], "--to", DAYS[-1])
    assert result["crawl"]["new"] == len(urls) and result["crawl"]["failed"] == 0
    assert result["indexed"] == len(urls)
    assert local_site.count(f"/indeks/{DAYS[0]}?page=3") == 1, "the 404 after the last page ends the day"
    assert {row[0] for row in query(config, "SELECT url FROM articles")} == set(urls)
    assert query(config, "SELECT COUNT(*) FROM backfill_progress WHERE done = 1")[0][0] == len(DAYS)
    assert kliping_json(config, "search", "pasar murah", "--limit", "50")["total"] == len(urls)


def test_an_interrupted_backfill_resumes_where_it_stopped(local_site: LocalSite, make_config) -> None:  # type: ignore[no-untyped-def]
    urls = build_site(local_site, delay=0.15)
    config = make_config([backfill_source(local_site)])
    command = [sys.executable, "-m", "kliping", "--config", str(config), "backfill", "--source", "lokal",
               "--from", DAYS[0], "--to", DAYS[-1]]
    proc = subprocess.Popen(command, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(lambda: article_count(config) >= PER_PAGE * PAGES_PER_DAY + 1, 30, "the first day done")
    finally:
        proc.kill()
        proc.wait(10)
    stored = article_count(config)
    assert stored < len(urls)
    local_site.clear_requests()
    again = kliping_json(config, "backfill", "--source", "lokal", "--from", DAYS[0], "--to", DAYS[-1])
    assert again["days_already_done"] >= 1
    assert not local_site.was_requested(f"/indeks/{DAYS[0]}?page=1"), "a finished day is not read again"
    assert again["crawl"]["new"] == len(urls) - stored
    assert article_count(config) == len(urls)


def test_backfill_without_a_template_says_how_to_add_one(local_site: LocalSite, make_config) -> None:  # type: ignore[no-untyped-def]
    config = make_config([{"name": "lokal", "feeds": [local_site.url("/rss.xml")]}])
    result = kliping(config, "backfill", "--source", "lokal", "--from", DAYS[0], "--to", DAYS[0])
    assert result.returncode == 2
    assert "index_url_template" in result.stderr and "Fix:" in result.stderr
    assert not local_site.requests


def test_backfill_help_has_an_example() -> None:
    result = kliping(None, "backfill", "--help")
    assert "Example" in result.stdout and "--from" in result.stdout


def test_a_template_without_a_date_is_a_config_error(make_config) -> None:  # type: ignore[no-untyped-def]
    config = make_config([{"name": "lokal", "feeds": ["http://127.0.0.1:9/rss.xml"],
                           "index_url_template": "http://127.0.0.1:9/indeks?page={page}"}])
    result = kliping(config, "backfill", "--source", "lokal", "--from", DAYS[0], "--to", DAYS[0])
    assert result.returncode == 2
    assert "index_url_template" in result.stderr and "{date:%Y-%m-%d}" in result.stderr


@pytest.mark.parametrize("status", [403, 429])
def test_a_refused_index_page_leaves_the_day_to_retry(local_site: LocalSite, make_config, status: int) -> None:  # type: ignore[no-untyped-def]
    """A firewall's 403 or a 429 left after the retries is no last page: the day is not marked done."""
    build_site(local_site)
    local_site.add_handler(f"/indeks/{DAYS[0]}?page=2", lambda h: h.respond(status, b"no", {"Retry-After": "0"}))
    config = make_config([backfill_source(local_site)])
    result = kliping_json(config, "backfill", "--source", "lokal", "--from", DAYS[0], "--to", DAYS[0],
                          ok_codes=(0, 1))
    assert result["crawl"]["failed"] >= 1
    assert query(config, "SELECT COUNT(*) FROM backfill_progress WHERE done = 1")[0][0] == 0


def test_a_wrong_template_fails_every_day_and_marks_none_done(local_site: LocalSite, make_config) -> None:  # type: ignore[no-untyped-def]
    """Every first index page a 404: the days fail with the reason (exit 1), so a fixed template then works."""
    urls = build_site(local_site)
    wrong = {**backfill_source(local_site), "index_url_template": local_site.url("/index/{date:%Y-%m-%d}?p={page}")}
    config = make_config([wrong])
    result = kliping_json(config, "backfill", "--source", "lokal", "--from", DAYS[0], "--to", DAYS[-1],
                          ok_codes=(1,))
    assert result["days_failed"] == len(DAYS) and result["crawl"]["failed"] == len(DAYS)
    assert all("index_url_template" in error["reason"] for error in result["crawl"]["errors"])
    assert query(config, "SELECT COUNT(*) FROM backfill_progress WHERE done = 1")[0][0] == 0
    config = make_config([backfill_source(local_site)])
    fixed = kliping_json(config, "backfill", "--source", "lokal", "--from", DAYS[0], "--to", DAYS[-1])
    assert fixed["days_already_done"] == 0 and fixed["crawl"]["new"] == len(urls)


def test_an_empty_index_page_is_a_day_done(local_site: LocalSite, make_config) -> None:  # type: ignore[no-untyped-def]
    local_site.add(f"/indeks/{DAYS[0]}?page=1", "<html><body><p>Tidak ada berita.</p></body></html>")
    config = make_config([backfill_source(local_site)])
    result = kliping_json(config, "backfill", "--source", "lokal", "--from", DAYS[0], "--to", DAYS[0])
    assert result["days_failed"] == 0 and result["crawl"]["failed"] == 0
    assert query(config, "SELECT COUNT(*) FROM backfill_progress WHERE done = 1")[0][0] == 1


def test_redo_walks_days_already_marked_done(local_site: LocalSite, make_config) -> None:  # type: ignore[no-untyped-def]
    """Days wrongly marked done (by an older kliping, on a wrong template) are walked again with --redo."""
    urls = build_site(local_site)
    config = make_config([backfill_source(local_site)])
    kliping_json(config, "backfill", "--source", "lokal", "--from", DAYS[0], "--to", DAYS[0])  # creates the archive
    day_urls = [url for url in urls if DAYS[1] in url]
    with sqlite3.connect(config.parent / "data" / "archive.sqlite3") as db:
        db.execute("INSERT INTO backfill_progress (source, day, page, done) VALUES ('lokal', ?, 1, 1)", (DAYS[1],))
    again = kliping_json(config, "backfill", "--source", "lokal", "--from", DAYS[1], "--to", DAYS[1])
    assert again["days_already_done"] == 1 and again["crawl"]["new"] == 0
    redone = kliping_json(config, "backfill", "--source", "lokal", "--from", DAYS[0], "--to", DAYS[1], "--redo")
    assert redone["days_already_done"] == 0 and redone["crawl"]["new"] == len(day_urls)
    assert redone["crawl"]["known"] == PER_PAGE * PAGES_PER_DAY
    assert local_site.count(f"/indeks/{DAYS[1]}?page=2") == 1
