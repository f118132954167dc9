"""Attention over time: how many articles matched a query, day by day, week by week or month by month.

The first question of a media researcher ("how much was written about
karhutla, week by week, by which outlets"). Counted in the newsroom's time,
not UTC: the index holds each publish time as WIB wall-clock time, so a story
published at 01:00 WIB on 3 September is a 3 September story, although it is
still 2 September in UTC (11% of the 2019 corpus's timed articles fall
between 00:00 and 07:00 WIB). A source configured with ``zone: WITA`` or
``WIT`` is counted by its own day. Weeks start on Monday (ISO 8601).

Each bucket holds the raw count and its share of everything archived in that
bucket (within the ``--source`` filter, if any, but whatever the query), so a
busy news week does not pass for a rise in attention. Everything is read from
the index's arrays (:mod:`search.docarrays`): one pass over the matches, no
archive read. With ``collapse``, copies of one story count once, in the
bucket of their first copy: which articles are copies comes from
:func:`story_keys_for` (see its note).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Literal

import numpy as np

from index.archive import Archive
from index.dates import parse_bound
from index.schema import NO_DATE
from kliping.errors import ConfigError, QueryError
from search.engine import Engine, Matched, SearchRequest
from search.expand import Applied

Period = Literal["day", "week", "month"]
PERIODS: tuple[Period, ...] = ("day", "week", "month")
#: Hours each zone is ahead of WIB, the zone the index keeps times in.
ZONES = {"WIB": 0, "WITA": 1, "WIT": 2}
#: The index's time unit (Whoosh: microseconds since 0001-01-01).
_DAY = 86_400_000_000
_HOUR = 3_600_000_000
#: Days from 0001-01-01 to 1970-01-01, for NumPy's datetime64.
_EPOCH_DAYS = date(1970, 1, 1).toordinal() - 1
#: Most buckets one answer holds (ten years by day).
MAX_BUCKETS = 3660

#: Maps article ids to story keys: copies of one story share a key.
StoryKeys = Callable[[Sequence[str]], Sequence[str]]


def story_keys_for(archive: Archive) -> StoryKeys:
    """The story key of each article id, for ``--collapse``: its syndication cluster (``index/stories``), or
    the article itself when it has none yet (stored before stories existed, until ``kliping stories rebuild``)."""

    def keys(ids: Sequence[str]) -> Sequence[str]:
        found = archive.story_ids(list(ids))
        return [found.get(article_id, article_id) for article_id in ids]

    return keys


@dataclass
class Bucket:
    start: date
    count: int
    total: int

    @property
    def share(self) -> float:
        return self.count / self.total if self.total else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start.isoformat(), "count": self.count, "total": self.total,
                "share": round(self.share, 6)}


@dataclass
class Trend:
    query: str
    by: Period
    buckets: list[Bucket]
    #: Matching articles with no publish date (in no bucket).
    undated: int = 0
    collapsed: bool = False
    aliases: list[Applied] = field(default_factory=list)

    @property
    def matched(self) -> int:
        return sum(b.count for b in self.buckets)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"query": self.query, "by": self.by, "collapsed": self.collapsed,
                                "matched": self.matched, "undated": self.undated,
                                "buckets": [b.to_dict() for b in self.buckets]}
        if self.aliases:
            data["aliases"] = [a.to_dict() for a in self.aliases]
        return data

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)

    def to_csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow([self.by, "count", "total", "share"])
        for b in self.buckets:
            writer.writerow([b.start.isoformat(), b.count, b.total, f"{b.share:.6f}"])
        return out.getvalue()

    def to_text(self, width: int = 40) -> str:
        """A table with a bar per bucket, for a terminal."""
        most = max((b.count for b in self.buckets), default=0) or 1
        label = {"day": "day (WIB)", "week": "week from (WIB)", "month": "month"}[self.by]
        lines = [f"{self.matched} articles matching {self.query!r} by {self.by}"
                 + (", copies counted once" if self.collapsed else "")
                 + (f"; {self.undated} undated left out" if self.undated else ""),
                 f"{label:<16} {'count':>6} {'of all':>7} {'share':>7}"]
        if not self.matched:
            return lines[0]
        for b in self.buckets:
            start = b.start.strftime("%Y-%m") if self.by == "month" else b.start.isoformat()
            bar = "█" * round(width * b.count / most)
            lines.append(f"{start:<16} {b.count:>6} {b.total:>7} {b.share:>7.1%} {bar}")
        return "\n".join(lines)


def trend(engine: Engine, request: SearchRequest, *, by: Period = "week", zones: Mapping[str, str] | None = None,
          story_keys: StoryKeys | None = None) -> Trend:
    """Count the request's matches per bucket (its dates, sources and author filters apply).

    ``zones`` maps a source to WITA or WIT (default WIB); ``story_keys`` set
    counts each story once (``--collapse``).
    """
    if by not in PERIODS:
        raise QueryError(f"--by must be day, week or month, not {by!r}")
    if not isinstance(engine, Engine):  # it counts over the embedded index's arrays
        raise QueryError("trends are counted over the embedded Whoosh index; with index.backend: opensearch they "
                         "are not available yet (a second config with index.backend: whoosh over the same archive, "
                         "built by kliping reindex, serves them)")
    zones = dict(zones or {})
    for name, zone in zones.items():
        if zone not in ZONES:
            raise ConfigError(f"source {name!r}: zone must be WIB, WITA or WIT, not {zone!r}")
    return engine.over_matches(request, lambda matched: _count(matched, request, by, zones, story_keys))


def _count(matched: Matched, request: SearchRequest, by: Period, zones: dict[str, str],
           story_keys: StoryKeys | None) -> Trend:
    arrays = matched.arrays
    days = _local_days(arrays.published(), arrays, zones)
    everything = arrays.live & (arrays.published() != NO_DATE)
    if matched.allowed is not None:
        everything &= matched.allowed
    ids = matched.ids
    dated = ids[days[ids] >= 0]
    undated = len(ids) - len(dated)
    if story_keys is not None and len(dated):
        dated = _first_copies(matched, dated, story_keys)
    all_starts = _bucket(days[everything], by)
    starts = _bucket(days[dated], by)
    ends = [int(all_starts.min()), int(all_starts.max())] if len(all_starts) else []
    ends += [int(d) for d in _bucket(_bound_days(request), by)]  # --from/--to: their whole span
    if not ends:
        return Trend(request.query, by, [], undated, story_keys is not None, matched.aliases)
    first, last = min(ends), max(ends)
    labels = _labels(first, last, by)
    index = {day: i for i, day in enumerate(labels)}
    totals = np.bincount([index[d] for d in all_starts.tolist()], minlength=len(labels))
    counts = np.bincount([index[d] for d in starts.tolist()], minlength=len(labels))
    buckets = [Bucket(date.fromordinal(day + 1), int(c), int(t)) for day, c, t in zip(labels, counts, totals,
                                                                                      strict=True)]
    return Trend(request.query, by, buckets, undated, story_keys is not None, matched.aliases)


def _bound_days(request: SearchRequest) -> np.ndarray:
    """The days ``--from`` and ``--to`` name (WIB), as days since 0001-01-01."""
    bounds = [parse_bound(text, end=end) for text, end in ((request.date_from, False), (request.date_to, True))
              if text]
    return np.array([moment.toordinal() - 1 for moment in bounds], dtype=np.int64)


def _local_days(published: np.ndarray, arrays: Any, zones: dict[str, str]) -> np.ndarray:
    """Each document's day (days since 0001-01-01) in its source's zone; -1 for no date."""
    shifted = published.astype(np.int64)
    ahead = {name: ZONES[zone] for name, zone in zones.items() if ZONES[zone]}
    if ahead:
        codes, labels = arrays.labels("source")
        hours = np.array([ahead.get(label, 0) for label in labels], dtype=np.int64)
        shifted = shifted + hours[codes] * _HOUR
    return np.where(published == NO_DATE, -1, shifted // _DAY)


def _bucket(days: np.ndarray, by: Period) -> np.ndarray:
    """The first day of each day's bucket (days since 0001-01-01; that day was a Monday)."""
    if by == "day":
        return days
    if by == "week":
        return days - days % 7
    months = (days - _EPOCH_DAYS).astype("datetime64[D]").astype("datetime64[M]")
    return months.astype("datetime64[D]").astype(np.int64) + _EPOCH_DAYS


def _labels(first: int, last: int, by: Period) -> list[int]:
    """Every bucket from ``first`` to ``last``, empty ones too (a chart shows the gaps)."""
    approximate = (last - first) // {"day": 1, "week": 7, "month": 28}[by] + 1
    if approximate > MAX_BUCKETS * 1.2:  # (refused before the list is built)
        raise QueryError(f"that is about {approximate} {by}s; narrow it with --from/--to or count by a longer "
                         "period")
    if by == "day":
        step = [first + i for i in range(last - first + 1)]
    elif by == "week":
        step = list(range(first, last + 1, 7))
    else:
        step = []
        at = date.fromordinal(first + 1)
        while at.toordinal() - 1 <= last:
            step.append(at.toordinal() - 1)
            at = (at.replace(day=28) + timedelta(days=4)).replace(day=1)
    if len(step) > MAX_BUCKETS:
        raise QueryError(f"that is {len(step)} {by}s; narrow it with --from/--to or count by a longer period")
    return step


def _first_copies(matched: Matched, docs: np.ndarray, story_keys: StoryKeys) -> np.ndarray:
    """Of the documents, the first published of each story (the others are its copies)."""
    ids = [matched.searcher.stored_fields(int(d))["id"] for d in docs]
    keys = list(story_keys(ids))
    order = np.argsort(matched.arrays.published()[docs], kind="stable")
    seen: set[str] = set()
    keep = []
    for i in order.tolist():
        if keys[i] not in seen:
            seen.add(keys[i])
            keep.append(i)
    return np.sort(docs[np.asarray(keep, dtype=np.int64)])
