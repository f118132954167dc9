"""Publish times as the index and the filters see them.

Articles keep the time the page gave (``2021-12-31T08:12:00+07:00``). The index
and date filters work in Western Indonesian Time (WIB, UTC+7), the day a
Jakarta newsroom would name: a story published at 06:00 WIB on 31 December is a
31 December story, although it is still 30 December in UTC.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone

WIB = timezone(timedelta(hours=7), "WIB")

_PARTIAL = re.compile(r"^\s*(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?\s*$")


def parse_published(value: str | None) -> datetime | None:
    """An ISO 8601 string to an aware datetime (a bare date is midnight WIB)."""
    if not value:
        return None
    text = value.strip().replace("Z", "+00:00")
    try:
        if len(text) == 10:
            return datetime.combine(date.fromisoformat(text), datetime.min.time(), WIB)
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=WIB)


def to_wib_naive(value: str | None) -> datetime | None:
    """The WIB wall-clock time, without tzinfo (what Whoosh's DATETIME stores)."""
    moment = parse_published(value)
    return moment.astimezone(WIB).replace(tzinfo=None) if moment else None


def to_utc_iso(value: str | None) -> str | None:
    """The same instant in UTC, as sortable text."""
    moment = parse_published(value)
    return moment.astimezone(UTC).isoformat(timespec="seconds") if moment else None


def parse_bound(text: str, *, end: bool) -> datetime:
    """A user's date bound (``2021``, ``2021-12``, ``2021-12-31`` or a full ISO time), WIB, naive.

    ``end=True`` gives the last moment the bound covers: ``--to 2021-12`` means
    up to the end of December. Raises ValueError with the accepted forms.
    """
    match = _PARTIAL.match(text or "")
    if match:
        year, month, day = (int(g) if g else None for g in match.groups())
        try:
            start = datetime(year, month or 1, day or 1)  # type: ignore[arg-type]
        except ValueError as exc:
            raise ValueError(f"{text!r} is not a real date ({exc})") from None
        if not end:
            return start
        if day:
            nxt = start + timedelta(days=1)
        elif month:
            nxt = datetime(year + (month == 12), month % 12 + 1, 1)  # type: ignore[operator]
        else:
            nxt = datetime(year + 1, 1, 1)  # type: ignore[operator]
        return nxt - timedelta(microseconds=1)
    moment = to_wib_naive(text)
    if moment is None:
        raise ValueError(f"{text!r} is not a date; write YYYY, YYYY-MM, YYYY-MM-DD or an ISO 8601 time")
    return moment
