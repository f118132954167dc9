"""Attention over time: counts per WIB day, ISO week and month, with shares, zones and collapsed copies."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import pytest
from cli_runner import kliping, kliping_json

from index.archive import Archive
from index.store import SearchIndex
from kliping.article import Article
from kliping.errors import QueryError
from search.engine import Engine, SearchRequest
from search.trend import Trend, trend


def article(slug: str, title: str, published: str | None, source: str = "contoh.id") -> Article:
    return Article(url=f"https://{source}/{slug}", source=source, title=title,
                   body=f"{title}. Petugas terus bekerja di lapangan sepanjang hari.", published=published)


ARTICLES = [
    # 01:00 WIB on Tuesday 3 September is still Monday 2 September in UTC
    article("a", "Karhutla meluas di Riau", "2019-09-03T01:00:00+07:00"),
    # the same instant written in UTC: the same WIB day
    article("b", "Karhutla di Jambi", "2019-09-02T18:00:00+00:00"),
    article("c", "Karhutla padam di Kalbar", "2019-09-02T23:00:00+07:00"),
    # Sunday 23:30 WIB closes the week of 9 September; Monday 00:30 WIB opens the week of 16 September
    article("d", "Karhutla Sumsel", "2019-09-15T23:30:00+07:00"),
    article("e", "Karhutla Kalteng", "2019-09-16T00:30:00+07:00"),
    article("f", "Banjir rob di Jakarta", "2019-09-03T09:00:00+07:00"),
    article("g", "Banjir di Bekasi", "2019-09-16T09:00:00+07:00"),
    article("h", "Banjir di Bogor", "2019-10-01"),
    # a WITA source: 23:30 WIB on Sunday is already Monday 00:30 in Makassar
    article("i", "Karhutla Sulsel", "2019-09-15T23:30:00+07:00", source="makassar.id"),
    article("j", "Karhutla tanpa tanggal", None),
]


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    root: Path = tmp_path_factory.mktemp("trend")
    archive = Archive(root / "archive.sqlite3")
    for a in ARTICLES:
        archive.upsert(a)
    index = SearchIndex(root / "index")
    index.catch_up(archive)
    return Engine(index, archive, refresh_every=0)


def counts(result: Trend) -> dict[str, tuple[int, int]]:
    return {b.start.isoformat(): (b.count, b.total) for b in result.buckets}


def test_days_are_wib_days_across_the_utc_midnight(engine: Engine) -> None:
    result = trend(engine, SearchRequest(query="karhutla", date_from="2019-09-02", date_to="2019-09-04"), by="day")
    # a, b at 01:00 WIB on the 3rd (18:00 UTC on the 2nd); c at 23:00 WIB on the 2nd; f (banjir) on the 3rd
    assert counts(result) == {"2019-09-02": (1, 1), "2019-09-03": (2, 3), "2019-09-04": (0, 0)}


def test_weeks_start_on_monday_in_wib(engine: Engine) -> None:
    result = trend(engine, SearchRequest(query="karhutla", date_from="2019-09", date_to="2019-09"), by="week")
    weeks = counts(result)
    assert all(date.fromisoformat(start).weekday() == 0 for start in weeks)
    assert weeks["2019-09-02"] == (3, 4)           # a, b, c; and f
    assert weeks["2019-09-09"] == (2, 2)           # d and i, Sunday 23:30 WIB
    assert weeks["2019-09-16"] == (1, 2)           # e, Monday 00:30 WIB; and g
    assert result.matched == 6 and result.undated == 0  # (a date filter leaves undated articles out)
    everything = trend(engine, SearchRequest(query="karhutla"), by="week")
    assert everything.matched == 6 and everything.undated == 1


def test_share_is_of_everything_archived_in_the_bucket(engine: Engine) -> None:
    result = trend(engine, SearchRequest(query="karhutla"), by="month")
    by_month = {b.start.isoformat(): b for b in result.buckets}
    assert by_month["2019-09-01"].count == 6 and by_month["2019-09-01"].total == 8
    assert by_month["2019-09-01"].share == pytest.approx(6 / 8)
    assert (by_month["2019-10-01"].count, by_month["2019-10-01"].total, by_month["2019-10-01"].share) == (0, 1, 0.0)


def test_a_source_in_another_zone_is_counted_by_its_own_day(engine: Engine) -> None:
    request = SearchRequest(query="karhutla", sources=["makassar.id"], date_from="2019-09-15", date_to="2019-09-16")
    assert counts(trend(engine, request, by="day")) == {"2019-09-15": (1, 1), "2019-09-16": (0, 0)}
    shifted = trend(engine, request, by="day", zones={"makassar.id": "WITA"})
    assert counts(shifted) == {"2019-09-15": (0, 0), "2019-09-16": (1, 1)}


def test_collapse_counts_each_story_once_at_its_first_copy(engine: Engine) -> None:
    copies = {ARTICLES[3].id: "story-1", ARTICLES[4].id: "story-1"}  # d (Sunday), e a copy on Monday

    def story_keys(ids: Sequence[str]) -> list[str]:
        return [copies.get(i, i) for i in ids]

    request = SearchRequest(query="karhutla", date_from="2019-09", date_to="2019-09")
    result = trend(engine, request, by="week", story_keys=story_keys)
    weeks = counts(result)
    assert weeks["2019-09-09"] == (2, 2) and weeks["2019-09-16"] == (0, 2)
    assert result.collapsed and result.matched == 5


def test_aliases_apply_to_trends(engine: Engine) -> None:
    assert trend(engine, SearchRequest(query="kebakaran hutan dan lahan"), by="month").matched == 6
    assert trend(engine, SearchRequest(query="kebakaran hutan dan lahan", aliases=False), by="month").matched == 0


def test_a_bad_period_or_date_is_refused(engine: Engine) -> None:
    with pytest.raises(QueryError, match="day, week or month"):
        trend(engine, SearchRequest(query="karhutla"), by="year")  # type: ignore[arg-type]
    with pytest.raises(QueryError, match="not a date"):
        trend(engine, SearchRequest(query="karhutla", date_from="kemarin"), by="day")


def test_the_command_prints_text_csv_and_json(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text(json.dumps({"data_dir": str(tmp_path / "data"), "sources": [
        {"name": "makassar.id", "feeds": ["https://makassar.id/rss"], "zone": "WITA"}]}))
    records = tmp_path / "a.jsonl"
    records.write_text("\n".join(json.dumps(a.to_dict()) for a in ARTICLES) + "\n", encoding="utf-8")
    assert kliping(config, "import", str(records)).returncode == 0
    data = kliping_json(config, "trend", "karhutla", "--by", "day", "--from", "2019-09-15", "--to", "2019-09-16")
    # the WITA source's Sunday 23:30 WIB article is a Monday article there
    assert [(b["start"], b["count"]) for b in data["buckets"]] == [("2019-09-15", 1), ("2019-09-16", 2)]
    table = kliping(config, "trend", "karhutla", "--by", "week", "--csv")
    rows = list(csv.reader(io.StringIO(table.stdout)))
    assert rows[0] == ["week", "count", "total", "share"] and ["2019-09-02", "3", "4", "0.750000"] in rows
    text = kliping(config, "trend", "karhutla")
    assert text.returncode == 0 and "6 articles matching 'karhutla' by week; 1 undated left out" in text.stdout
    none = kliping(config, "trend", "tsunami")
    assert none.returncode == 3
    bad = kliping(config, "trend", "karhutla", "--by", "year")
    assert bad.returncode == 2 and "'year' is not one of" in bad.stderr


def test_too_many_buckets_are_refused(engine: Engine) -> None:
    with pytest.raises(QueryError, match="narrow it with --from/--to"):
        trend(engine, SearchRequest(query="karhutla", date_from="1900", date_to="2100"), by="day")
    assert len(trend(engine, SearchRequest(query="karhutla", date_from="1900", date_to="2100"), by="month").buckets) \
        == 201 * 12
