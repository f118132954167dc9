"""Alias recall on the 2019 corpus: does a query for one name find the articles naming the others?

For each alias group with at least two names in the corpus, the relevant
articles are those naming it in any listed way (each name's exact words, as
``benchmarks/alias_check.py`` counts them). Each name is then typed alone, as
a journalist types it (``Jokowi``, ``Cak Imin``: free words, no quotes), with
aliases off (``--no-alias``, the engine before this change) and on, and we
report:

- **recall**: the share of the group's articles the query finds, averaged over
  names (macro) and over all relevant (name, article) pairs (micro);
- **P@10**: the share of the first ten results (by relevance) that name the
  group in a listed way: whether the name's own articles still come first.

Recall with aliases is close to 1 by construction (the group *is* the list):
the figure that matters is what a single name missed without them. A name is
left out when it is marked ``!`` (it expands only typed in capitals and
matches ordinary words: its articles are no evidence) or has no article.

    python benchmarks/aliases.py            # every group (indexes the corpus once, ~2 min)
    python benchmarks/aliases.py --show 15  # and the 15 names that gain most
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.aliascorpus import WORKDIR, corpus_engine, name_docs, query_docs  # noqa: E402
from search.aliases import shipped  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workdir", type=Path, default=WORKDIR)
    parser.add_argument("--show", type=int, default=10, help="list the names whose recall gains most")
    args = parser.parse_args()
    engine = corpus_engine(args.workdir)
    rows = []  # (group, name, relevant, found without, found with, elsewhere without, elsewhere with)
    seconds = {False: 0.0, True: 0.0}
    for group in shipped().groups:
        per_name = {n.text: name_docs(engine, n.text) for n in group.names}
        if sum(1 for docs in per_name.values() if len(docs)) < 2:
            continue
        relevant = np.unique(np.concatenate(list(per_name.values())))
        for name in group.names:
            if name.ambiguous or not len(per_name[name.text]):
                continue
            found, first = {}, {}
            for aliases in (False, True):
                start = time.perf_counter()
                found[aliases], first[aliases] = query_docs(engine, name.text, aliases=aliases)
                seconds[aliases] += time.perf_counter() - start
            hit = {a: int(np.isin(relevant, found[a], assume_unique=True).sum()) for a in found}
            good = {a: float(np.isin(first[a], relevant).mean()) if len(first[a]) else 0.0 for a in first}
            rows.append((group.label, name.text, len(relevant), hit[False], hit[True], good[False], good[True]))
    relevant_total = sum(r[2] for r in rows)
    groups = len({r[0] for r in rows})
    print(f"alias recall on the 2019 corpus: {groups} groups with two or more names in it, {len(rows)} names "
          f"typed alone, {relevant_total:,} (name, relevant article) pairs\n")
    print(f"  {'':<14}{'macro recall':>14}{'micro recall':>14}{'P@10':>8}{'query ms':>10}")
    for aliases, label in ((False, "no aliases"), (True, "aliases")):
        col, p10 = (4, 6) if aliases else (3, 5)
        macro = float(np.mean([r[col] / r[2] for r in rows]))
        micro = sum(r[col] for r in rows) / relevant_total
        precision = float(np.mean([r[p10] for r in rows]))
        ms = 1000 * seconds[aliases] / max(len(rows), 1)
        print(f"  {label:<14}{macro:>14.3f}{micro:>14.3f}{precision:>8.3f}{ms:>10.1f}")
    print(f"  (query time ratio aliases / no aliases, same run: {seconds[True] / max(seconds[False], 1e-9):.2f})")
    gains = sorted(rows, key=lambda r: (r[3] - r[4]) / r[2])[: args.show]
    if gains:
        print("\nnames gaining most (recall without -> with aliases, of the group's articles):")
        for label, name, relevant, without, with_, *_ in gains:
            print(f"  {name!r:<34} {without / relevant:>6.1%} -> {with_ / relevant:>6.1%}  of {relevant:>5}  ({label})")


if __name__ == "__main__":
    main()
