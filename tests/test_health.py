"""Source health: a redesign that empties bodies or leaks a teaser list raises an alarm within one daemon
cycle; a source crawled as before raises none. Real pages from ../shared/pages on the local news site, four
weeks of real corpus articles as each source's history."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import lxml.html
import pytest
from cli_runner import kliping, kliping_json
from corpus import corpus_records
from daemon_process import DaemonProcess, query, wait_for
from newssite import NewsSite
from webhook_receiver import WebhookReceiver

from index.archive import Archive
from index.dates import WIB
from index.health_rules import ArticleFacts, Baseline, Measures, PageFacts, Rules, judge, line_keys, measure
from kliping.article import Article

#: The source whose site is redesigned, and the one left alone (both read the same feed).
CHANGED = {"name": "berubah", "article_url_pattern": "/(kapanlagi|liputan6|merdeka)/"}
STEADY = {"name": "tetap", "article_url_pattern": "/(antaranews|kompas|okezone)/"}
HISTORY_DAYS, PER_DAY = 28, 8
SECRET = "rahasia-kesehatan"

TEASERS = [
    "Pemerintah Umumkan Kenaikan Harga BBM Bersubsidi Mulai Pekan Depan di Seluruh Indonesia",
    "Banjir Rendam Ribuan Rumah Warga di Kabupaten Bandung, Ratusan Jiwa Mengungsi ke Masjid",
    "Timnas Indonesia Lolos ke Babak Final Piala AFF Setelah Menang Dramatis atas Vietnam",
    "Harga Emas Antam Hari Ini Naik Tipis, Simak Rincian Lengkapnya di Sini Sebelum Membeli",
]


def redesigned(html: bytes, kind: str) -> bytes:
    """The page after a redesign: its paragraphs gone (``empty``), or a teaser list of other stories set
    as paragraphs after the article's last one (``teaser``)."""
    doc = lxml.html.fromstring(html)
    paragraphs = list(doc.iter("p"))
    if kind == "empty":
        for p in paragraphs:
            p.drop_tree()
    else:
        last = max(paragraphs, key=lambda p: (len(p.text_content()) > 80, paragraphs.index(p)))
        for teaser in reversed(TEASERS):
            last.addnext(lxml.html.fromstring(f"<p>{teaser}</p>"))
    return lxml.html.tostring(doc, encoding="utf-8")


def seed_history(archive: Archive, source: str, records: list[dict], today: date) -> None:  # type: ignore[type-arg]
    """Four weeks of ordinary days before today: real corpus articles re-dated, stored when published."""
    db = archive.db
    for n, record in enumerate(records):
        day = today - timedelta(days=1 + n // PER_DAY)
        published = datetime(day.year, day.month, day.day, 7 + n % PER_DAY, 15, tzinfo=WIB)
        article = Article(url=f"https://arsip.test/{source}/{n}", title=record["title"], body=record["body"],
                          source=source, published=published.isoformat())
        archive.upsert(article)
        archive.record_page(article.url, source, "stored", article_id=article.id)
        stamp = published.astimezone(UTC).isoformat(timespec="seconds")
        db.execute("UPDATE articles SET first_seen = ?, updated_at = ? WHERE url = ?", (stamp, stamp, article.url))
        db.execute("UPDATE pages SET last_attempt = ? WHERE url = ?", (stamp, article.url))


@pytest.fixture
def receiver():  # type: ignore[no-untyped-def]
    """The newsroom's webhook receiver for health alarms (watch.health_webhook)."""
    r = WebhookReceiver(SECRET).start()
    yield r
    r.stop()


@pytest.fixture
def history(make_config, news_site: NewsSite, receiver: WebhookReceiver):  # type: ignore[no-untyped-def]
    config = make_config([{**CHANGED, "feeds": [news_site.feed_url], "every": "2s"},
                          {**STEADY, "feeds": [news_site.feed_url], "every": "2s"}],
                         daemon={"jitter": 0, "misfire_grace": "30s"},
                         watch={"secret": SECRET, "health_webhook": receiver.url})
    records = list(corpus_records(2 * HISTORY_DAYS * PER_DAY, every=7))
    archive = Archive(config.parent / "data" / "archive.sqlite3")
    today = datetime.now(WIB).date()
    seed_history(archive, CHANGED["name"], records[: HISTORY_DAYS * PER_DAY], today)
    seed_history(archive, STEADY["name"], records[HISTORY_DAYS * PER_DAY:], today)
    archive.close()
    assert kliping(config, "reindex").returncode == 0
    return config


def _health(config: Path) -> dict[str, dict]:  # type: ignore[type-arg]
    return {s["name"]: s["health"] for s in kliping_json(config, "status")["sources"]}


@pytest.mark.parametrize("kind, measure_name", [("empty", "not_article"), ("teaser", "leak")])
def test_a_redesign_raises_an_alarm_within_one_cycle_and_steady_sources_none(  # type: ignore[no-untyped-def]
        history: Path, news_site: NewsSite, receiver: WebhookReceiver, kind: str, measure_name: str) -> None:
    before = _health(history)
    assert before[CHANGED["name"]]["status"] == before[STEADY["name"]]["status"] == "ok", before
    changed_pages = []
    for page in news_site.gold_pages():
        path = f"/{page.parent.name}/{page.name}"
        if page.parent.name in ("kapanlagi", "liputan6", "merdeka"):
            news_site.publish(path=path, body=redesigned(page.read_bytes(), kind))
            changed_pages.append(path)
        elif page.parent.name in ("antaranews", "kompas", "okezone"):
            news_site.publish(page)
    assert len(changed_pages) >= Rules().min_pages
    daemon = DaemonProcess(history, log_name=f"daemon-{kind}.log")
    try:
        daemon.wait_log("event=health source=berubah", timeout=60)
        daemon.wait_log("event=health source=tetap", timeout=60)
        assert "event=health_alarm source=berubah" in daemon.log()  # after its first cycle
        assert "event=health_alarm source=tetap" not in daemon.log()
        wait_for(lambda: daemon.log().count("event=health source=berubah") >= 3, 30, "two more cycles")
        wait_for(lambda: len(receiver.unique()) >= daemon.log().count("event=health_alarm source=berubah"), 30,
                 "the alarms at the health webhook")
    finally:
        assert daemon.terminate() == 0
    health = _health(history)
    alarms = health[CHANGED["name"]]["alarms"]
    assert health[CHANGED["name"]]["status"] == "alarm"
    assert any(a["measure"] == measure_name and a["scope"] == "recent" for a in alarms), alarms
    assert health[STEADY["name"]]["status"] == "ok", health[STEADY["name"]]
    raised = query(history, "SELECT event FROM health_alarms")
    assert raised and all(json.loads(e)["source"] == CHANGED["name"] for (e,) in raised)
    # each alarm raised once, however many cycles judged it since
    assert daemon.log().count("event=health_alarm source=berubah") == len(raised)
    # ... and sent once each through the alerts' webhook, signed, keyed by the alarm's id
    got = receiver.events()
    assert sorted(r.key for r in got) == sorted(json.loads(e)["id"] for (e,) in raised), got
    assert all(r.signed and r.event["type"] == "source.health_alarm" and r.event["source"] == CHANGED["name"]
               for r in got)
    text = kliping(history, "status").stdout
    assert f"HEALTH ALARM: {measure_name} up in the latest pages" in text


# -- the rules on their own ----------------------------------------------------------------------


def _day(n: int, *, length: int = 2000, lines: frozenset[int] = frozenset()) -> list[ArticleFacts]:
    return [ArticleFacts(day=date(2019, 9, 1), dated=True, authored=True, length=length,
                         lines=lines | {i}) for i in range(n)]


def test_lines_shared_by_a_fifth_of_a_group_are_a_leak_and_a_story_sentence_is_not() -> None:
    teaser = line_keys(" ".join(f"{t}." for t in TEASERS))
    assert len(teaser) == 4
    group = _day(6) + _day(4, lines=teaser)
    assert measure(group, []).leak == pytest.approx(0.4)
    assert measure(_day(10) + _day(2, lines=teaser), []).leak == 0.0  # 2 of 12: under max(3, 20%)


def test_a_tiny_source_does_not_flap_on_its_volume() -> None:
    normal = Baseline(days=28, volume=(2.0, 1.4))
    assert judge(Measures(articles=0), normal, Rules(), scope="day", complete_day=True) == []
    assert judge(Measures(articles=9), normal, Rules(), scope="day", complete_day=True) == []


def test_a_steady_source_that_stops_is_a_drop_however_much_its_days_vary() -> None:
    varied = Baseline(days=28, volume=(40.0, 30.0), steady=True)  # mean - 3σ is below zero
    [stop] = judge(Measures(articles=0), varied, Rules(), scope="day", complete_day=True)
    assert (stop["measure"], stop["direction"]) == ("volume", "drop")
    assert judge(Measures(articles=2), varied, Rules(), scope="day", complete_day=True) == []
    gappy = Baseline(days=28, volume=(40.0, 30.0), steady=False)  # it had empty days lately: no news
    assert judge(Measures(articles=0), gappy, Rules(), scope="day", complete_day=True) == []
    small = Baseline(days=28, volume=(6.0, 4.0), steady=True)  # a day without news happens at 6 a day
    assert judge(Measures(articles=0), small, Rules(), scope="day", complete_day=True) == []


def test_a_day_in_progress_never_counts_as_a_drop() -> None:
    normal = Baseline(days=28, volume=(80.0, 10.0))
    assert judge(Measures(articles=3), normal, Rules(), scope="today", day_in_progress=True) == []
    [drop] = judge(Measures(articles=3), normal, Rules(), scope="day", complete_day=True)
    assert (drop["measure"], drop["direction"]) == ("volume", "drop")
    [surge] = judge(Measures(articles=400), normal, Rules(), scope="today", day_in_progress=True)
    assert surge["direction"] == "surge"


def test_a_share_needs_enough_pages_and_a_jump_past_the_floor() -> None:
    normal = Baseline(days=28, shares={"not_article": (0.05, 0.01)})
    few = measure([], [PageFacts(date(2019, 9, 1), True)] * 4)
    assert judge(few, normal, Rules(), scope="recent") == []
    mild = measure([], [PageFacts(date(2019, 9, 1), i < 2) for i in range(10)])  # 20%: under 0.05 + 0.2
    assert judge(mild, normal, Rules(), scope="recent") == []
    bad = measure([], [PageFacts(date(2019, 9, 1), i < 5) for i in range(10)])
    assert [a["measure"] for a in judge(bad, normal, Rules(), scope="recent")] == ["not_article"]
