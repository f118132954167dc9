"""Extraction benchmark: kliping vs trafilatura on the gold pages in ../shared/pages/.

Body text is scored as the Zyte article-extraction benchmark scores it: 4-grams
("shingles") of lower-cased word tokens, true/false positive and false negative
counts normalised per page (so long pages weigh no more than short ones), then
summed per site and overall before precision, recall and F1 are taken. Title is
an exact match (white space collapsed), published is right when it names the
same minute with the same offset (a date-only gold needs the same day), author
is right when the set of names matches (gold "A dan B" = ["A", "B"]; null = none).

Run from the project root:
    .venv/bin/python benchmarks/extraction.py [--pages ../shared/pages] [--only kliping]

trafilatura is a benchmark-only dependency (pip install kliping[bench]).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DEFAULT_PAGES = ROOT / ".." / "shared" / "pages"
NGRAM = 4
_TOKEN = re.compile(r"\w+")
_NAME_SPLIT = re.compile(r"\s*(?:,|;|&|/|\bdan\b|\band\b)\s*", re.I)


@dataclass
class Prediction:
    title: str | None = None
    published: str | None = None
    author: str | None = None
    body: str = ""


@dataclass
class Tally:
    tp: float = 0.0
    fp: float = 0.0
    fn: float = 0.0
    pages: int = 0
    title: int = 0
    published: int = 0
    author: int = 0
    seconds: float = 0.0
    failures: list[str] = field(default_factory=list)

    def add(self, other: Tally) -> None:
        for name in ("tp", "fp", "fn", "pages", "title", "published", "author", "seconds"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def shingles(text: str, n: int = NGRAM) -> Counter[tuple[str, ...]]:
    tokens = _TOKEN.findall(text.lower())
    return Counter(tuple(tokens[i : i + n]) for i in range(max(len(tokens) - n + 1, 0)))


def body_counts(gold: str, predicted: str) -> tuple[float, float, float]:
    """Normalised (tp, fp, fn) of one page, as the Zyte benchmark counts them."""
    true, pred = shingles(gold), shingles(predicted)
    tp = sum(min(true[k], pred[k]) for k in true.keys() | pred.keys())
    fp = sum(max(pred[k] - true[k], 0) for k in pred)
    fn = sum(max(true[k] - pred[k], 0) for k in true)
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def same_published(gold: str | None, predicted: str | None) -> bool:
    if not gold or not predicted:
        return not gold and not predicted
    if len(gold) == 10:
        return predicted[:10] == gold
    try:
        g, p = datetime.fromisoformat(gold), datetime.fromisoformat(predicted)
    except ValueError:
        return False
    return g.replace(second=0) == p.replace(second=0) and g.utcoffset() == p.utcoffset()


def names(value: str | list[str] | None) -> set[str]:
    items = value if isinstance(value, list) else [value or ""]
    return {n.lower() for item in items for n in _NAME_SPLIT.split(item) if n.strip()}


def same_title(gold: str | None, predicted: str | None) -> bool:
    return " ".join((gold or "").split()) == " ".join((predicted or "").split())


def run_kliping(html: bytes, url: str | None) -> Prediction:
    from ingest.extract import extract_article
    from kliping.errors import ExtractError

    try:
        article = extract_article(html, url)
    except ExtractError:
        return Prediction()
    return Prediction(article.title, article.published, article.author, article.body)


def run_trafilatura(html: bytes, url: str | None) -> Prediction:
    import trafilatura

    raw = trafilatura.extract(html, url=url, output_format="json", with_metadata=True)
    if not raw:
        return Prediction()
    data = json.loads(raw)
    return Prediction(data.get("title"), data.get("date"), data.get("author"), data.get("text") or "")


TOOLS: dict[str, Callable[[bytes, str | None], Prediction]] = {
    "kliping": run_kliping,
    "trafilatura": run_trafilatura,
}


def gold_pages(pages_dir: Path) -> list[tuple[str, Path, dict]]:
    found = []
    for gold_path in sorted(pages_dir.glob("*/*.json")):
        html_path = gold_path.with_suffix(".html")
        if html_path.exists():
            found.append((gold_path.parent.name, html_path, json.loads(gold_path.read_text("utf-8"))))
    return found


def score_page(tool: str, html: bytes, gold: dict) -> Tally:
    started = time.perf_counter()
    predicted = TOOLS[tool](html, gold.get("url"))
    tally = Tally(seconds=time.perf_counter() - started, pages=1)
    tally.tp, tally.fp, tally.fn = body_counts("\n".join(gold["body"]), predicted.body)
    tally.title = same_title(gold["title"], predicted.title)
    tally.published = same_published(gold["published"], predicted.published)
    tally.author = names(gold["author"]) == names(predicted.author)
    return tally


def evaluate(pages_dir: Path, tools: list[str]) -> dict[str, dict[str, Tally]]:
    """Per tool, per site (and "ALL"), the summed tallies."""
    results: dict[str, dict[str, Tally]] = {tool: defaultdict(Tally) for tool in tools}
    for site, html_path, gold in gold_pages(pages_dir):
        html = html_path.read_bytes()
        for tool in tools:
            tally = score_page(tool, html, gold)
            if tally.f1 < 0.9:
                results[tool]["ALL"].failures.append(f"{site}/{html_path.name} F1 {tally.f1:.3f}")
            results[tool][site].add(tally)
            results[tool]["ALL"].add(tally)
    return results


def report(results: dict[str, dict[str, Tally]]) -> str:
    tools = list(results)
    head = f"{'site':<16}{'pages':>6}  " + "  ".join(f"{t[:11]:>11} P     R     F1  title  publ  auth" for t in tools)
    lines = [head, "-" * len(head)]
    sites = sorted(s for s in results[tools[0]] if s != "ALL") + ["ALL"]
    for site in sites:
        row = f"{site:<16}{results[tools[0]][site].pages:>6}  "
        cells = []
        for tool in tools:
            t = results[tool][site]
            n = t.pages or 1
            cells.append(
                f"{'':>11} {t.precision:.3f} {t.recall:.3f} {t.f1:.3f} {t.title / n:5.0%} "
                f"{t.published / n:5.0%} {t.author / n:5.0%}"
            )
        lines.append(row + "  ".join(cells))
    lines.append("")
    for tool in tools:
        total = results[tool]["ALL"]
        speed = total.pages / total.seconds if total.seconds else 0.0
        lines.append(f"{tool}: {speed:.1f} pages/second; pages under F1 0.9: {total.failures or 'none'}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=Path, default=DEFAULT_PAGES, help="folder of <site>/<page>.html + .json")
    parser.add_argument("--only", choices=sorted(TOOLS), help="run one tool only")
    args = parser.parse_args(argv)
    tools = [args.only] if args.only else list(TOOLS)
    print(report(evaluate(args.pages, tools)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
