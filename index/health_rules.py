"""Source health, the pure part: measures of a group of articles, and the rules that call a change an alarm.

No database and no clock here: :mod:`index.health` reads the archive into
:class:`ArticleFacts` and :class:`PageFacts`, and the benchmark replays the
2019 corpus through the same functions.

The measures of a group (a WIB day, or the source's latest pages): articles
stored; shares without a date, without an author, holding a template line;
median body length; share of pages rejected as "not an article".

A template line is a sentence (of 40 characters or more) that at least
``max(3, 20%)`` of the group's articles share: a teaser list, a "read also"
block or a newsletter pitch leaking into bodies repeats the same lines on every
page; a story's own sentences do not.

The rules (:class:`Rules`) compare a group with the source's own normal: the
mean and standard deviation σ of the same measure over its last 28 complete
days (from its first archived day on), each with a floor so tiny sources and
quiet days do not flap:

* volume, on the last complete day: a drop when the count is below
  ``mean - k·σ`` and below half the mean, or is zero after 7 days each with
  an article for a source averaging 10 a day or more (a stop, however much
  its days vary; a day without news at that mean is a 1-in-20,000 chance); a surge when above ``mean + k·σ``
  and above twice the mean plus 5; only for sources averaging 5 a day or more.
  The day in progress can only surge (a drop is not known before the day ends);
* a quality share (undated, unauthored, template leak, not an article), on
  the last complete day, the day in progress, or the latest pages: an alarm
  when it rises above ``mean + max(k·σ, 0.2)``, on at least 5 pages;
* median body length: an alarm below ``min(mean - k·σ, mean / 2)`` or above
  ``max(mean + k·σ, 3 × mean)``, on at least 5 articles.

Quality baselines use days with at least 3 articles; with fewer than 7 such
days (or 7 days of history for volume) the source is still ``learning``.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

#: Sentences shorter than this are not looked at for leaks ("(ant)", "Baca juga:").
MIN_LINE = 40
#: Where a sentence or paragraph ends; a crude cut (a decimal point cuts too) that only needs to cut the
#: same text the same way on every page, at a quarter of the cost of a careful one.
_SENTENCE_END = re.compile(r"[.!?\n][\s,]*")


def line_keys(body: str) -> frozenset[int]:
    """The body's sentences worth comparing across pages, as hashes (lower-cased)."""
    return frozenset(hash(part) for part in _SENTENCE_END.split(body.lower()) if len(part) >= MIN_LINE)


@dataclass(frozen=True)
class ArticleFacts:
    """What health needs of one archived article."""

    day: date  # its publication day in WIB (the day it was first stored, when it has no date)
    dated: bool
    authored: bool
    length: int
    lines: frozenset[int]


@dataclass(frozen=True)
class PageFacts:
    """One page the crawler tried as an article: stored, or rejected as not an article."""

    day: date
    not_article: bool


@dataclass
class Measures:
    """A group's measures; shares are None when the group is empty."""

    articles: int = 0
    pages: int = 0
    undated: float | None = None
    unauthored: float | None = None
    leak: float | None = None
    not_article: float | None = None
    median_length: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {k: (round(v, 3) if isinstance(v, float) else v) for k, v in asdict(self).items()}


#: Quality shares whose rise is an alarm.
SHARES = ("undated", "unauthored", "leak", "not_article")


def measure(articles: list[ArticleFacts], pages: list[PageFacts], *, leak_share: float = 0.2,
            leak_min: int = 3) -> Measures:
    """The measures of one group of articles and pages."""
    out = Measures(articles=len(articles), pages=len(pages))
    if pages:
        out.not_article = sum(p.not_article for p in pages) / len(pages)
    if not articles:
        return out
    n = len(articles)
    out.undated = sum(not a.dated for a in articles) / n
    out.unauthored = sum(not a.authored for a in articles) / n
    out.median_length = float(statistics.median(a.length for a in articles))
    counts = Counter(key for a in articles for key in a.lines)
    needed = max(leak_min, leak_share * n)
    template = {key for key, c in counts.items() if c >= needed}
    out.leak = sum(bool(a.lines & template) for a in articles) / n
    return out


@dataclass(frozen=True)
class Rules:
    """The alarm rules' parameters (see the module docstring)."""

    baseline_days: int = 28
    k: float = 3.0
    share_floor: float = 0.2
    min_pages: int = 5  # pages (or articles) a group needs before its shares are judged
    min_day_articles: int = 3  # a day counts in a quality baseline with this many articles
    min_history: int = 7  # days of baseline before any alarm
    min_mean_volume: float = 5.0
    stop_min_mean: float = 10.0  # a day without articles is a stop only for sources averaging this (Poisson: e^-10)
    drop_ratio: float = 0.5
    surge_ratio: float = 2.0
    surge_extra: float = 5.0
    length_low: float = 0.5
    length_high: float = 3.0

    def describe(self) -> str:
        return (f"against the source's last {self.baseline_days} complete WIB days: volume below mean-{self.k:g}σ "
                f"and {self.drop_ratio:g}×mean (or none after {self.min_history} days with some, mean ≥ "
                f"{self.stop_min_mean:g}), or above mean+{self.k:g}σ and {self.surge_ratio:g}×mean+"
                f"{self.surge_extra:g} (mean ≥ {self.min_mean_volume:g}/day); a share above "
                f"mean+max({self.k:g}σ, {self.share_floor:g}); median length below min(mean-{self.k:g}σ, "
                f"{self.length_low:g}×mean) or above max(mean+{self.k:g}σ, {self.length_high:g}×mean); "
                f"groups of ≥ {self.min_pages} pages")


@dataclass
class Baseline:
    """Mean and σ of each measure over the baseline days that count for it."""

    days: int = 0
    volume: tuple[float, float] | None = None
    steady: bool = False  # an article on each of the last 7 baseline days: a day with none is a stop
    shares: dict[str, tuple[float, float]] = field(default_factory=dict)
    median_length: tuple[float, float] | None = None

    def to_dict(self) -> dict[str, Any]:
        def pair(p: tuple[float, float] | None) -> dict[str, float] | None:
            return {"mean": round(p[0], 3), "sd": round(p[1], 3)} if p else None
        return {"days": self.days, "volume": pair(self.volume), "steady": self.steady,
                **{name: pair(self.shares.get(name)) for name in SHARES}, "median_length": pair(self.median_length)}


def _stats(values: list[float]) -> tuple[float, float]:
    return statistics.fmean(values), statistics.pstdev(values) if len(values) > 1 else 0.0


def baseline(days: Iterable[Measures], rules: Rules) -> Baseline:
    """The normal of a source from its baseline days (oldest first; days before its first article left out)."""
    days = list(days)
    out = Baseline(days=len(days))
    if len(days) >= rules.min_history:
        out.volume = _stats([float(d.articles) for d in days])
        out.steady = all(d.articles for d in days[-rules.min_history:])
    for name in SHARES:
        key = "pages" if name == "not_article" else "articles"
        values = [getattr(d, name) for d in days if getattr(d, key) >= rules.min_day_articles]
        if len(values) >= rules.min_history:
            out.shares[name] = _stats(values)
    lengths = [d.median_length for d in days if d.articles >= rules.min_day_articles and d.median_length]
    if len(lengths) >= rules.min_history:
        out.median_length = _stats(lengths)
    return out


def judge(group: Measures, normal: Baseline, rules: Rules, *, scope: str,
          complete_day: bool = False, day_in_progress: bool = False) -> list[dict[str, Any]]:
    """The alarms of one group against the source's normal, as partial events (``measure``, ``direction``,
    ``value``, ``mean``, ``sd``, ``threshold``); :func:`alarm_event` adds who and when."""
    found: list[dict[str, Any]] = []

    def add(measure_name: str, direction: str, value: float, stats: tuple[float, float], threshold: float) -> None:
        found.append({"scope": scope, "measure": measure_name, "direction": direction, "value": round(value, 3),
                      "mean": round(stats[0], 3), "sd": round(stats[1], 3), "threshold": round(threshold, 3)})

    if normal.volume and (complete_day or day_in_progress) and normal.volume[0] >= rules.min_mean_volume:
        mean, sd = normal.volume
        count = float(group.articles)
        low = min(mean - rules.k * sd, rules.drop_ratio * mean)
        high = max(mean + rules.k * sd, rules.surge_ratio * mean + rules.surge_extra)
        stopped = count == 0 and normal.steady and mean >= rules.stop_min_mean
        if complete_day and (count < low or stopped):
            add("volume", "drop", count, normal.volume, max(low, 1.0) if count == 0 else low)
        if count > high:
            add("volume", "surge", count, normal.volume, high)
    for name in SHARES:
        stats = normal.shares.get(name)
        value = getattr(group, name)
        size = group.pages if name == "not_article" else group.articles
        if stats is None or value is None or size < rules.min_pages:
            continue
        threshold = stats[0] + max(rules.k * stats[1], rules.share_floor)
        if value > threshold:
            add(name, "up", value, stats, threshold)
    if normal.median_length and group.median_length is not None and group.articles >= rules.min_pages:
        mean, sd = normal.median_length
        low = min(mean - rules.k * sd, rules.length_low * mean)
        high = max(mean + rules.k * sd, rules.length_high * mean)
        if group.median_length < low:
            add("median_length", "drop", group.median_length, normal.median_length, low)
        elif group.median_length > high:
            add("median_length", "surge", group.median_length, normal.median_length, high)
    return found


def alarm_event(source: str, period: str, partial: dict[str, Any], *, raised_at: str, rules: Rules) -> dict[str, Any]:
    """The alarm as one plain JSON event (what the log, the status and, later, the webhook carry): ``type`` as
    the watch alerts' events name theirs (``watch.match``), ``id`` stable for the same alarm (the idempotency
    key a webhook delivery would send)."""
    return {"type": "source.health_alarm", "source": source, "period": period, **partial,
            "raised_at": raised_at, "rule": rules.describe(),
            "id": f"{source}|{partial['measure']}|{partial['direction']}|{partial['scope']}|{period}"}
