"""Generic-path check on trafilatura's eval pages: must-drop segments kept, must-keep segments lost.

Runs kliping's body extraction (no site profile, no not-an-article check) on a
deterministic sample of ``../shared/extraction/trafilatura-eval`` and counts,
as trafilatura's evaluate.py does, each ``with`` segment found (TP) or missing
(FN) and each ``without`` segment found (FP). Used to see that a structural
rule for Indonesian pages does not cost other sites their text.

    PYTHONPATH=. python benchmarks/generic_eval.py --limit 150 [--show]
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
from pathlib import Path

from ingest.extract.blocks import iter_blocks
from ingest.extract.body import extract_body
from ingest.extract.decode import decode_html
from ingest.extract.meta import read_meta
from ingest.extract.title import find_title
from ingest.extract.tree import parse_html

EVAL = Path(__file__).resolve().parents[1] / ".." / "shared" / "extraction" / "trafilatura-eval"
_WS = re.compile(r"\s+")


def norm(text: str) -> str:
    return _WS.sub(" ", text).strip()


def body_text(html: bytes) -> str:
    """The generic path's body text of one page, paragraphs joined by a space."""
    root = parse_html(decode_html(html, None))
    elements = list(root.iter())
    blocks = list(iter_blocks(root))
    title = find_title(root, read_meta(root))
    return norm(" ".join(extract_body(elements, blocks, title=title).paragraphs))


def sample(limit: int) -> list[tuple[str, dict]]:
    data = json.loads((EVAL / "evaldata.json").read_text("utf-8"))
    present = [(url, e) for url, e in data.items() if (EVAL / "html" / (e["file"] + ".gz")).exists()]
    present.sort(key=lambda item: item[1]["file"])
    return present[:limit]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--limit", type=int, default=150)
    parser.add_argument("--show", action="store_true", help="list each miss")
    args = parser.parse_args(argv)
    tp = fn = fp = tn = 0
    for _url, entry in sample(args.limit):
        try:
            text = body_text(gzip.decompress((EVAL / "html" / (entry["file"] + ".gz")).read_bytes()))
        except Exception:  # noqa: BLE001 - an unparseable page counts as empty
            text = ""
        for seg in entry["with"]:
            found = norm(seg) in text
            tp, fn = tp + found, fn + (not found)
            if not found and args.show:
                print(f"LOST  {entry['file']}: {seg[:80]}")
        for seg in entry["without"]:
            found = norm(seg) in text
            fp, tn = fp + found, tn + (not found)
            if found and args.show:
                print(f"KEPT  {entry['file']}: {seg[:80]}")
    precision = tp / max(tp + fp, 1)
    recall = tp / max(tp + fn, 1)
    f1 = 2 * precision * recall / max(precision + recall, 1e-9)
    print(f"pages={args.limit} must-keep lost={fn}/{tp + fn} must-drop kept={fp}/{fp + tn} "
          f"precision={precision:.3f} recall={recall:.3f} f1={f1:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
