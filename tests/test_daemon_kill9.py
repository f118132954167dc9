"""Kill -9 the daemon at random points of a crawl, 20 times: nothing lost, nothing twice.

Each round publishes two more articles (served slowly, so a crawl is always
under way), starts the daemon, and kills it with SIGKILL after a random delay:
during start-up, discovery, a fetch, an archive commit, a WARC write or the
index catch-up. A last daemon then runs until it is idle. The archive and the
index must hold every article exactly once, search must find them all, and the
WARC files (torn records and all) must re-extract to the same articles.
"""

from __future__ import annotations

import random
import time
from pathlib import Path

from cli_runner import kliping_json
from daemon_process import DaemonProcess, article_count, query, wait_for
from httpserver import LocalSite
from newssite import NewsSite

ROUNDS = 20
START_ARTICLES = 10
PER_ROUND = 2
SEED = 20240501


def word(i: int) -> str:
    """A made-up word found in article ``i`` only."""
    return "zq" + chr(97 + i // 26) + chr(97 + i % 26) + "x"


def article(i: int) -> bytes:
    title = f"Laporan warga {word(i)} tentang banjir di kampung nomor {i}"
    paragraphs = [
        f"BANDUNG - Warga kampung {word(i)} melaporkan genangan air setinggi lutut orang dewasa sejak pagi "
        "hari setelah hujan deras mengguyur kawasan itu selama beberapa jam tanpa henti.",
        "Petugas badan penanggulangan bencana daerah mendirikan posko darurat dan membagikan makanan siap saji "
        "kepada keluarga yang rumahnya terendam, sementara pompa air dikerahkan ke titik terparah.",
        f"Menurut ketua rukun warga, kejadian serupa sudah terjadi {i % 7 + 2} kali tahun ini karena saluran "
        "air di sekitar permukiman tersumbat sampah dan belum pernah dikeruk oleh pemerintah kota.",
    ]
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    head = f"<html><head><title>{title}</title></head>"
    return f"{head}<body><article><h1>{title}</h1>{body}</article></body></html>".encode()


def publish(site: NewsSite, i: int) -> None:
    data = article(i)
    path = f"/berita/{i:03d}.html"
    site.publish(path=path, body=data)
    site.site.add_handler(path, lambda h: (time.sleep(0.04), h.respond(200, data, {
        "Content-Type": "text/html; charset=utf-8"})))


def test_kill_9_twenty_times_loses_and_duplicates_nothing(local_site: LocalSite, make_config) -> None:  # type: ignore[no-untyped-def]
    rng = random.Random(SEED)
    site = NewsSite(local_site, Path("/nonexistent"))
    total = 0
    for _ in range(START_ARTICLES):
        publish(site, total)
        total += 1
    source = {"name": "lokal", "feeds": [site.feed_url], "sitemaps": [site.sitemap_url], "every": "1s"}
    config = make_config([source], daemon={"jitter": 0, "misfire_grace": "30s"})
    for round_ in range(ROUNDS):
        daemon = DaemonProcess(config, log_name=f"daemon-{round_:02d}.log")
        time.sleep(rng.uniform(0.4, 1.6))
        daemon.kill9()
        for _ in range(PER_ROUND):
            publish(site, total)
            total += 1
    assert 0 < article_count(config) < total, "the kills should have landed mid-crawl"

    final = DaemonProcess(config, log_name="daemon-final.log")
    try:
        wait_for(lambda: article_count(config) == total, 60, f"all {total} articles archived")
        wait_for(lambda: kliping_json(config, "status")["index"]["documents"] == total, 30, "the index caught up")
        assert final.terminate() == 0
    finally:
        final.stop()
    _assert_each_article_once(config, total)


def _assert_each_article_once(config: Path, total: int) -> None:
    urls = [row[0] for row in query(config, "SELECT url FROM articles")]
    assert len(urls) == len(set(urls)) == total
    assert query(config, "SELECT COUNT(*) FROM pages WHERE status = 'stored'")[0][0] == total
    assert query(config, "SELECT COUNT(*) FROM article_versions")[0][0] == 0, "no article was stored twice over"
    from whoosh import index as whoosh_index
    from whoosh.query import Every

    with whoosh_index.open_dir(str(config.parent / "data" / "index")).searcher() as searcher:
        ids = [hit["id"] for hit in searcher.search(Every(), limit=None)]
    assert len(ids) == len(set(ids)) == total
    query_text = " OR ".join(word(i) for i in range(total))
    found = kliping_json(config, "search", query_text, "--limit", str(total * 2))
    assert found["total"] == total
    assert {hit["url"] for hit in found["hits"]} == set(urls)
    again = kliping_json(config, "reextract")
    assert (again["unchanged"], again["failed"], again["new"]) == (total, 0, 0), again
