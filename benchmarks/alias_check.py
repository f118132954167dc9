"""Check every alias group against the 2019 corpus: how many articles name each variant.

Every entry of ``search/aliases.txt`` was written by hand; this makes wrong and
dead entries visible. Per group, the articles each name's exact words match
(no aliases), and flags:

- ``dead``: no name of the group occurs in the corpus (right or wrong, the
  corpus cannot tell: a 2024 programme such as MBG, a later minister);
- ``one name``: only one name occurs, so on this corpus the group adds nothing;
- ``check NAME``: a name not marked ``!`` matches more than ``--ratio`` times
  the articles of all other names together and over ``--floor`` articles: it
  may be an ordinary word or another body's acronym (mark it ``!``);

then a summary. ``benchmarks/alias_check.txt`` holds the last run's output.

    python benchmarks/alias_check.py > benchmarks/alias_check.txt
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.aliascorpus import WORKDIR, corpus_engine, name_docs  # noqa: E402
from search.aliases import AliasTable, Group, load_aliases, shipped  # noqa: E402


def check(engine: object, table: AliasTable, *, ratio: float, floor: int) -> list[str]:
    lines: list[str] = []
    dead = one = flagged = 0
    found_names = total_names = 0
    for group in table.groups:
        counts = {name.text: len(name_docs(engine, name.text)) for name in group.names}
        union = len(np.unique(np.concatenate([name_docs(engine, n.text) for n in group.names])))
        flags = []
        occurring = [n for n, c in counts.items() if c]
        total_names += len(counts)
        found_names += len(occurring)
        if not occurring:
            flags.append("dead")
            dead += 1
        elif len(occurring) == 1:
            flags.append("one name")
            one += 1
        for name in group.names:
            others = sum(c for n, c in counts.items() if n != name.text)
            if not name.ambiguous and counts[name.text] > floor and counts[name.text] > ratio * max(others, 1):
                flags.append(f"check {name.text}")
                flagged += 1
        shown = " | ".join(f"{'!' if n.ambiguous else ''}{n.text}={counts[n.text]}" for n in group.names)
        lines.append(f"{_where(group)}\t{union}\t{shown}" + (f"\t[{', '.join(flags)}]" if flags else ""))
    summary = [
        f"# {len(table.groups)} groups, {total_names} names; {found_names} names occur in the corpus",
        f"# groups with two or more names in the corpus: {len(table.groups) - dead - one}",
        f"# groups with one name in the corpus (nothing to join there): {one}",
        f"# dead groups (no name in the corpus): {dead}",
        f"# names flagged to check (> {ratio:g}x all other names together, > {floor} articles): {flagged}",
        "# line\tarticles naming any\tname=articles ...\t[flags]",
    ]
    return summary + lines


def _where(group: Group) -> str:
    return group.origin.rsplit(", ", 1)[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--aliases", type=Path, help="an alias file (default: the shipped list)")
    parser.add_argument("--ratio", type=float, default=20.0)
    parser.add_argument("--floor", type=int, default=200)
    parser.add_argument("--workdir", type=Path, default=WORKDIR)
    args = parser.parse_args()
    table = load_aliases(args.aliases) if args.aliases else shipped()
    engine = corpus_engine(args.workdir)
    print("\n".join(check(engine, table, ratio=args.ratio, floor=args.floor)))


if __name__ == "__main__":
    main()
