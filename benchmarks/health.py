"""False alarms of source health on ordinary days: the 2019 corpus replayed day by day.

Every source of ``../shared/corpus`` (21,940 articles, 9 outlets) is replayed
one WIB day at a time through the rules kliping runs (:mod:`index.health_rules`):
at the end of each day, the day just complete and its latest 20 articles are
judged against the source's previous 28 days; at noon, the half day in
progress and its latest 20 articles. Nothing in the corpus is a breakage the
source had, so every alarm counts as a false one (the corpus's own collection
gaps show up as volume alarms: the counts are given by measure so they can be
read apart). The same replay runs under the "mean - 1.5σ" rule the issue
offers as an example, the baseline.

Run: ``python benchmarks/health.py`` (``--from 2019-09-08 --to 2019-10-31`` for the dense months only).
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter, defaultdict
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import load_corpus  # noqa: E402
from index.dates import WIB, parse_published  # noqa: E402
from index.health_rules import ArticleFacts, Baseline, Rules, baseline, judge, line_keys, measure  # noqa: E402

RECENT = 20


def facts_by_source() -> dict[str, list[tuple[datetime, ArticleFacts]]]:
    out: dict[str, list[tuple[datetime, ArticleFacts]]] = defaultdict(list)
    for record in load_corpus():
        moment = parse_published(record["published"])
        if moment is None:
            continue
        moment = moment.astimezone(WIB)
        body = record["body"]
        out[record["source"]].append((moment, ArticleFacts(
            day=moment.date(), dated=True, authored=bool(record.get("author")), length=len(body),
            lines=line_keys(body))))
    for items in out.values():
        items.sort(key=lambda item: item[0])
    return out


def replay(items: list[tuple[datetime, ArticleFacts]], rules: Rules, start: date | None,
           end: date | None) -> tuple[int, int, Counter[str], int]:
    """(source-days judged, source-days with any alarm, alarms by scope:measure, days still learning)."""
    by_day: dict[date, list[tuple[datetime, ArticleFacts]]] = defaultdict(list)
    for moment, fact in items:
        by_day[fact.day].append((moment, fact))
    first, last = min(by_day), max(by_day)
    judged = alarmed = learning = 0
    counts: Counter[str] = Counter()
    day = first
    cache: dict[date, object] = {}
    while day <= last:
        if (start and day < start) or (end and day > end):
            day += timedelta(days=1)
            continue
        window = [first + timedelta(days=n) for n in range((day - first).days)][-rules.baseline_days:]
        for d in window:
            if d not in cache:
                cache[d] = measure([f for _, f in by_day.get(d, [])], [])
        normal: Baseline = baseline([cache[d] for d in window], rules)  # type: ignore[misc]
        if normal.volume is None and not normal.shares:
            learning += 1
            day += 1 * timedelta(days=1)
            continue
        todays = by_day.get(day, [])
        noon = datetime.combine(day, time(12), WIB)
        morning = [f for m, f in todays if m < noon]
        groups = [
            ("day", measure([f for _, f in todays], []), {"complete_day": True}),
            ("recent", measure([f for _, f in todays][-RECENT:], []), {}),
            ("today", measure(morning, []), {"day_in_progress": True}),
            ("recent", measure(morning[-RECENT:], []), {}),
        ]
        found = set()
        for scope, group, flags in groups:
            for alarm in judge(group, normal, rules, scope=scope, **flags):  # type: ignore[arg-type]
                found.add(f"{scope}:{alarm['measure']}:{alarm['direction']}")
        judged += 1
        alarmed += bool(found)
        counts.update(found)
        day += timedelta(days=1)
    return judged, alarmed, counts, learning


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--from", dest="start", type=date.fromisoformat, help="first day judged (WIB)")
    parser.add_argument("--to", dest="end", type=date.fromisoformat, help="last day judged (WIB)")
    args = parser.parse_args()
    sources = facts_by_source()
    print(f"corpus: {sum(map(len, sources.values())):,} articles, {len(sources)} sources; "
          f"days judged {args.start or 'from the first'} .. {args.end or 'the last'}")
    print("(the corpus has no authors and no rejected pages: unauthored and not_article never move here)\n")
    kliping = Rules()
    issue_example = replace(kliping, k=1.5, share_floor=0.0, drop_ratio=1.0, surge_ratio=1.0, surge_extra=0.0,
                            min_mean_volume=0.0, length_low=1.0, length_high=1.0)
    for name, rules in (("kliping (3σ, floors)", kliping), ("baseline: 1.5σ, no floors", issue_example)):
        total_judged = total_alarmed = 0
        counts: Counter[str] = Counter()
        rows = []
        for source in sorted(sources):
            judged, alarmed, by_measure, learning = replay(sources[source], rules, args.start, args.end)
            total_judged += judged
            total_alarmed += alarmed
            counts.update(by_measure)
            rows.append(f"  {source:<20} {judged:>5} {alarmed:>7} {alarmed / judged if judged else 0:>8.1%}"
                        f"   {learning:>8}")
        print(f"rules: {name}")
        print(f"  {'source':<20} {'days':>5} {'alarmed':>7} {'rate':>8}   {'learning':>8}")
        print("\n".join(rows))
        rate = total_alarmed / total_judged if total_judged else 0.0
        print(f"  {'ALL':<20} {total_judged:>5} {total_alarmed:>7} {rate:>8.1%}")
        print("  by scope:measure: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) + "\n")


if __name__ == "__main__":
    main()
