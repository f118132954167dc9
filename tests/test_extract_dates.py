"""Dates as Indonesian pages print them and as their metadata (mis)states them."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

from ingest.extract import extract_article
from ingest.extract.dates import parse_machine_date, parse_printed_date, parse_relative_date, to_local


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2015-11-05T14:56:43+07:00", "2015-11-05T14:56:43+07:00"),
        ("2015-11-05 T10:08:58Z", "2015-11-05T17:08:58+07:00"),
        ("2015-06-19T03:40:00+07:00Z", "2015-06-19T03:40:00+07:00"),
        ("2015-11-05T14:56:43+0700", "2015-11-05T14:56:43+07:00"),
        ("2017-02-17 13:30:08", "2017-02-17T13:30:08+07:00"),
        ("2016-02-16T02:10:56Z", "2016-02-16T09:10:56+07:00"),
        ("2025-05-28T06:30:07+00:00", "2025-05-28T13:30:07+07:00"),
        ("2021-12-31T08:12:00.123+08:00", "2021-12-31T08:12:00+08:00"),
        ("2021-12-31", "2021-12-31"),
        ("2021-12-31 08.30", "2021-12-31T08:30:00+07:00"),  # a dotted time kept its minutes only after a fix
        ("2021-12-31T08.30.15+07:00", "2021-12-31T08:30:15+07:00"),
        ("18 Jun 2015 at <span>06:25 WIB</span>", "2015-06-18T06:25:00+07:00"),
    ],
)
def test_machine_date(raw: str, expected: str):
    found = parse_machine_date(raw)
    assert found is not None and to_local(found).iso() == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Jumat, 31 Desember 2021 08:12 WIB", "2021-12-31T08:12:00+07:00"),
        ("31/12/2021, 08:12 WIB", "2021-12-31T08:12:00+07:00"),
        ("31 Des 2021", "2021-12-31"),
        ("Jum'at, 17 Februari 2017 - 13:30 wib", "2017-02-17T13:30:00+07:00"),
        ("Rabu, 4 November 2015 | 21:04 WIB", "2015-11-04T21:04:00+07:00"),
        ("Kamis, 05 November 2015 11:52", "2015-11-05T11:52:00+07:00"),
        ("Senin, 5 Agt 2019 10.15 WITA", "2019-08-05T10:15:00+08:00"),
        ("5 Agu 2019", "2019-08-05"),
        ("5 Ags 2019", "2019-08-05"),
        ("2 Sept 2020 20:00 WIT", "2020-09-02T20:00:00+09:00"),
        ("12 Okt 2020", "2020-10-12"),
        ("Wednesday, 04 November, 2015 |  07:28 WIB", "2015-11-04T07:28:00+07:00"),
        ("Arga sumantri • 16 Mei 2023 06:08", "2023-05-16T06:08:00+07:00"),
        ("June 19, 2015 10:00 GMT+7", "2015-06-19T10:00:00+07:00"),
    ],
)
def test_printed_date(text: str, expected: str):
    found = parse_printed_date(text)
    assert found is not None and found.iso() == expected


@pytest.mark.parametrize("text", ["Rp 2015 12.500", "pada 2021", "31 Foo 2021", "32 Desember 2021"])
def test_not_a_date(text: str):
    assert parse_printed_date(text) is None


@pytest.mark.parametrize(
    ("text", "hours_back"),
    [("2 jam yang lalu", 2), ("30 menit lalu", 0.5), ("1 hari yang lalu", 24)],
)
def test_relative_date_against_fetch_time(text: str, hours_back: float):
    fetched = datetime(2021, 12, 31, 10, 0, tzinfo=timezone(timedelta(hours=7)))
    found = parse_relative_date(text, fetched)
    assert found is not None and found.value == fetched - timedelta(hours=hours_back)


# Machine date against the printed dateline (ingest.extract.published.reconcile).

BODY = "".join(
    f"<p>Paragraf {i}: pemerintah daerah menyatakan program bantuan akan dilanjutkan tahun depan.</p>" for i in range(6)
)


def page(head: str = "", dateline: str = "") -> bytes:
    return f"<html><head>{head}</head><body><div>{dateline}</div><div>{BODY}</div></body></html>".encode()


def meta(prop: str, value: str) -> str:
    return f'<meta property="{prop}" content="{value}">'


def jsonld(**fields: str) -> str:
    data = json.dumps({"@type": "NewsArticle", **fields})
    return f'<script type="application/ld+json">{data}</script>'


@pytest.mark.parametrize(
    ("head", "dateline", "expected"),
    [
        # Hours apart on the same day: the printed WIB time (the CMS stamp is a save time or the wrong zone).
        (
            meta("article:published_time", "2024-03-05T16:00:20Z"),
            "Selasa, 05 Mar 2024 15:32 WIB",
            "2024-03-05T15:32:00+07:00",
        ),
        # WIB wall clock labelled as UTC lands on the next WIB day; still under a day apart: printed.
        (jsonld(datePublished="2024-03-05T22:10:00Z"), "05/03/2024, 22:10 WIB", "2024-03-05T22:10:00+07:00"),
        # Printed WITA and WIT keep their own offsets.
        (
            '<meta itemprop="datePublished" content="2024-03-05T09:00:00+07:00">',
            "Selasa, 5 Maret 2024 11:45 WITA",
            "2024-03-05T11:45:00+08:00",
        ),
        (
            meta("article:published_time", "2024-03-05T08:00:00+07:00"),
            "5 Mar 2024 12:05 WIT",
            "2024-03-05T12:05:00+09:00",
        ),
        # The same instant within a minute: the machine value, with its seconds.
        (
            meta("article:published_time", "2024-03-05T08:32:41Z"),
            "Selasa, 05 Mar 2024 15:32 WIB",
            "2024-03-05T15:32:41+07:00",
        ),
        # Printed day without a time: the machine value.
        (meta("article:published_time", "2024-03-05T08:32:41Z"), "Selasa, 05 Maret 2024", "2024-03-05T15:32:41+07:00"),
        # A day or more apart: the machine date (the printed one is likely another item's).
        (
            meta("article:published_time", "2024-03-05T08:32:41+07:00"),
            "Kamis, 07 Mar 2024 10:00 WIB",
            "2024-03-05T08:32:41+07:00",
        ),
        # Machine date is a bare day: the printed time on that day fills it in.
        (meta("article:published_time", "2024-03-05"), "05 Mar 2024 15:32 WIB", "2024-03-05T15:32:00+07:00"),
        (meta("article:published_time", "2024-03-05"), "09 Mar 2024 15:32 WIB", "2024-03-05"),
    ],
)
def test_machine_and_printed_dates_are_reconciled(head: str, dateline: str, expected: str):
    assert extract_article(page(head, dateline)).published == expected


@pytest.mark.parametrize(
    ("head", "dateline", "expected"),
    [
        # Both times in one dateline: the published one, whichever comes first.
        ("", "Diperbarui 05 Mar 2024 18:10 WIB | Terbit 05 Mar 2024 15:32 WIB", "2024-03-05T15:32:00+07:00"),
        ("", "Selasa, 05 Mar 2024 15:32 WIB - Update: 05 Mar 2024 18:10 WIB", "2024-03-05T15:32:00+07:00"),
        # An updated dateline is not a printed publish time to reconcile with the machine one.
        (
            meta("article:published_time", "2024-03-05T15:32:41+07:00"),
            "Diupdate: Selasa, 05 Mar 2024 18:10 WIB",
            "2024-03-05T15:32:41+07:00",
        ),
        # Modified metadata is never read as published.
        (
            meta("article:modified_time", "2024-03-06T10:00:00+07:00")
            + jsonld(dateModified="2024-03-06T10:00:00+07:00", datePublished="2024-03-05T15:32:41+07:00"),
            "",
            "2024-03-05T15:32:41+07:00",
        ),
        (
            meta("article:modified_time", "2024-03-06T10:00:00+07:00"),
            "Selasa, 05 Mar 2024 15:32 WIB",
            "2024-03-05T15:32:00+07:00",
        ),
        # A <time> marked as the modified one is skipped.
        (
            "",
            '<time itemprop="dateModified" datetime="2024-03-06T10:00:00+07:00">6 Mar</time>'
            '<time datetime="2024-03-05T15:32:41+07:00">5 Mar</time>',
            "2024-03-05T15:32:41+07:00",
        ),
        # With no published date anywhere, the updated one is the last resort.
        ("", "Diperbarui 05 Mar 2024 18:10 WIB", "2024-03-05T18:10:00+07:00"),
    ],
)
def test_updated_never_stands_in_for_published(head: str, dateline: str, expected: str):
    assert extract_article(page(head, dateline)).published == expected


def test_updated_relative_date_is_not_published():
    fetched = datetime(2024, 3, 5, 20, 0, tzinfo=timezone(timedelta(hours=7)))
    html = page(dateline="<div>05 Mar 2024 15:32 WIB</div><div>Diperbarui 1 jam yang lalu</div>")
    assert extract_article(html, fetched_at=fetched).published == "2024-03-05T15:32:00+07:00"
