"""Extraction benchmark: kliping vs trafilatura on the gold pages in ../shared/pages/.

Body text is scored as the Zyte article-extraction benchmark scores it: 4-grams
("shingles") of lower-cased word tokens, true/false positive and false negative
counts normalised per page (so long pages weigh no more than short ones), then
summed per site and overall before precision, recall and F1 are taken. Title is
an exact match (white space collapsed), published is right when it names the
same minute with the same offset (a date-only gold needs the same day), author
is right when the set of names matches (gold "A dan B" = ["A", "B"]; null = none).

Two more sets, for measuring on material the extractor was not tuned on:

--set trafilatura-eval: trafilatura's own multilingual benchmark (../shared/extraction/trafilatura-eval, see its
README), scored as its tests/evaluate.py scores it: per page each "with" segment found in the main text is a true
positive, each missing one a false negative; each "without" segment found is a false positive, each absent one a
true negative; summed over pages (white space collapsed on both sides). Overall, by the language the page
declares (<html lang>; the eval data records a region, not a language), and by half: `tune` and `check` split the
pages by a hash of their file name; the fallback's thresholds were chosen on `tune` only, so `check` is the
figure for pages nobody looked at. kliping runs its generic path (no profile); `kliping-own` is kliping without
trafilatura's second opinion (ingest/extract/fallback.py), the figures before the fallback, in the same run.

--set loso: leave-one-site-out on the gold pages: each site scored with the extract profile its source has in
config.yaml (matched by source name or article_url_pattern) and with none, side by side.

Run from the project root:
    .venv/bin/python benchmarks/extraction.py [--pages ../shared/pages] [--only kliping]
    .venv/bin/python benchmarks/extraction.py --set trafilatura-eval [--limit 50]
    .venv/bin/python benchmarks/extraction.py --set loso [--config config.yaml]

trafilatura is a dependency of kliping itself (the second opinion on weak pages).
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import re
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

if TYPE_CHECKING:
    from kliping.config import ExtractSettings

DEFAULT_PAGES = ROOT / ".." / "shared" / "pages"
DEFAULT_EVAL = ROOT / ".." / "shared" / "extraction" / "trafilatura-eval"
DEFAULT_CONFIG = ROOT / "config.yaml"
NGRAM = 4
_TOKEN = re.compile(r"\w+")
_NAME_SPLIT = re.compile(r"\s*(?:,|;|&|/|\bdan\b|\band\b)\s*", re.I)


@dataclass
class Prediction:
    title: str | None = None
    published: str | None = None
    author: str | None = None
    body: str = ""


class Scores:
    """Precision, recall and F1 from the true/false positive and false negative counts (``tp``, ``fp``, ``fn``)."""

    tp: float
    fp: float
    fn: float

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


@dataclass
class Tally(Scores):
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


def run_kliping(html: bytes, url: str | None, profile: ExtractSettings | None = None) -> Prediction:
    from ingest.extract import extract_article
    from kliping.errors import ExtractError

    try:
        article = extract_article(html, url, profile=profile)
    except ExtractError:
        return Prediction()
    return Prediction(article.title, article.published, article.author, article.body)


def run_kliping_own(html: bytes, url: str | None) -> Prediction:
    """kliping without trafilatura's second opinion (its own container alone): the figures before the fallback."""
    from kliping.config import ExtractSettings

    return run_kliping(html, url, ExtractSettings(second_opinion=False))


def run_trafilatura(html: bytes, url: str | None) -> Prediction:
    import trafilatura

    raw = trafilatura.extract(html, url=url, output_format="json", with_metadata=True)
    if not raw:
        return Prediction()
    data = json.loads(raw)
    return Prediction(data.get("title"), data.get("date"), data.get("author"), data.get("text") or "")


TOOLS: dict[str, Callable[[bytes, str | None], Prediction]] = {
    "kliping": run_kliping,
    "kliping-own": run_kliping_own,
    "trafilatura": run_trafilatura,
}


def gold_pages(pages_dir: Path, limit: int | None = None) -> list[tuple[str, Path, dict]]:
    found = []
    for gold_path in sorted(pages_dir.glob("*/*.json")):
        html_path = gold_path.with_suffix(".html")
        if html_path.exists():
            found.append((gold_path.parent.name, html_path, json.loads(gold_path.read_text("utf-8"))))
    return found[:limit]


def score_page(tool: str, html: bytes, gold: dict, profile: ExtractSettings | None = None) -> Tally:
    started = time.perf_counter()
    predicted = run_kliping(html, gold.get("url"), profile) if profile else TOOLS[tool](html, gold.get("url"))
    tally = Tally(seconds=time.perf_counter() - started, pages=1)
    tally.tp, tally.fp, tally.fn = body_counts("\n".join(gold["body"]), predicted.body)
    tally.title = same_title(gold["title"], predicted.title)
    tally.published = same_published(gold["published"], predicted.published)
    tally.author = names(gold["author"]) == names(predicted.author)
    return tally


def evaluate(pages_dir: Path, tools: list[str], limit: int | None = None) -> dict[str, dict[str, Tally]]:
    """Per tool, per site (and "ALL"), the summed tallies."""
    results: dict[str, dict[str, Tally]] = {tool: defaultdict(Tally) for tool in tools}
    for site, html_path, gold in gold_pages(pages_dir, limit):
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


# --- trafilatura's multilingual benchmark -------------------------------------------------------------

_HTML_LANG = re.compile(rb"<html\b[^>]*?\blang\s*=\s*[\"']?([a-zA-Z]{2,3})", re.I)
#: Languages with fewer pages than this are summed under "other".
MIN_LANGUAGE_PAGES = 10


@dataclass
class SegmentTally(Scores):
    tp: int = 0
    fn: int = 0
    fp: int = 0
    tn: int = 0
    pages: int = 0
    empty: int = 0
    seconds: float = 0.0

    def add(self, other: SegmentTally) -> None:
        for name in ("tp", "fn", "fp", "tn", "pages", "empty", "seconds"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


    @property
    def accuracy(self) -> float:
        total = self.tp + self.fn + self.fp + self.tn
        return (self.tp + self.tn) / total if total else 0.0


def _collapse(text: str) -> str:
    return " ".join(text.split())


def eval_pages(eval_dir: Path, limit: int | None = None) -> list[tuple[str, str, bytes, dict]]:
    """(url, language, html, entry) of the eval's pages that have their HTML, in evaldata.json's order."""
    data = json.loads((eval_dir / "evaldata.json").read_text("utf-8"))
    found = []
    for url, entry in data.items():
        path = eval_dir / "html" / (entry["file"] + ".gz")
        if not path.exists():
            continue
        html = gzip.decompress(path.read_bytes())
        match = _HTML_LANG.search(html[:20000])
        found.append((url, match.group(1).decode().lower()[:2] if match else "?", html, entry))
        if limit and len(found) >= limit:
            break
    return found


def score_segments(text: str, entry: dict) -> SegmentTally:
    text = _collapse(text)
    tally = SegmentTally(pages=1, empty=not text)
    for segment in entry.get("with", []):
        if _collapse(segment) in text:
            tally.tp += 1
        else:
            tally.fn += 1
    for segment in entry.get("without", []):
        if _collapse(segment) in text:
            tally.fp += 1
        else:
            tally.tn += 1
    return tally


def eval_half(file_name: str) -> str:
    """``tune`` or ``check``: a page's half of trafilatura-eval, by a hash of its file name (stable, blind to
    content). Rules are tuned on ``tune`` only; ``check`` says whether they hold on pages nobody looked at."""
    return "tune" if hashlib.sha1(file_name.encode("utf-8")).digest()[0] % 2 == 0 else "check"


def evaluate_segments(
    eval_dir: Path, tools: list[str], limit: int | None = None
) -> tuple[dict[str, dict[str, SegmentTally]], dict[str, list[tuple[str, SegmentTally]]]]:
    """Per tool, per language (and "ALL"), the summed segment tallies; per tool, each page's tally."""
    results: dict[str, dict[str, SegmentTally]] = {tool: defaultdict(SegmentTally) for tool in tools}
    per_page: dict[str, list[tuple[str, SegmentTally]]] = {tool: [] for tool in tools}
    pages = eval_pages(eval_dir, limit)
    languages = Counter(language for _, language, _, _ in pages)
    for url, language, html, entry in pages:
        group = language if languages[language] >= MIN_LANGUAGE_PAGES else "other"
        for tool in tools:
            started = time.perf_counter()
            predicted = TOOLS[tool](html, url)
            tally = score_segments(predicted.body, entry)
            tally.seconds = time.perf_counter() - started
            per_page[tool].append((entry["file"], tally))
            results[tool][group].add(tally)
            results[tool][eval_half(entry["file"])].add(tally)
            results[tool]["ALL"].add(tally)
    return results, per_page


def report_segments(
    results: dict[str, dict[str, SegmentTally]], per_page: dict[str, list[tuple[str, SegmentTally]]]
) -> str:
    tools = list(results)
    head = f"{'language':<10}{'pages':>6}  " + "  ".join(f"{t[:11]:>11} P     R     F1    acc   empty" for t in tools)
    lines = [head, "-" * len(head)]
    halves = ["tune", "check"]
    groups = sorted((g for g in results[tools[0]] if g not in ("ALL", *halves)),
                    key=lambda g: (-results[tools[0]][g].pages, g))
    for group in [*groups, *halves, "ALL"]:
        if group == halves[0]:
            lines.append("-" * len(head))
        row = f"{group:<10}{results[tools[0]][group].pages:>6}  "
        cells = []
        for tool in tools:
            t = results[tool][group]
            cells.append(f"{'':>11} {t.precision:.3f} {t.recall:.3f} {t.f1:.3f} {t.accuracy:.3f} {t.empty:5d}")
        lines.append(row + "  ".join(cells))
    lines.append("")
    for tool in tools:
        total = results[tool]["ALL"]
        speed = total.pages / total.seconds if total.seconds else 0.0
        lines.append(f"{tool}: {speed:.1f} pages/second; TP {total.tp} FN {total.fn} FP {total.fp} TN {total.tn}")
    for name in tools[1:]:
        base, other = results[tools[0]]["ALL"], results[name]["ALL"]
        ratio = (base.pages / base.seconds) / (other.pages / other.seconds) if base.seconds and other.seconds else 0
        lines.append(f"F1 {tools[0]} - {name}: {base.f1 - other.f1:+.3f}; speed {tools[0]}/{name}: {ratio:.2f}x")
    for tool in tools:
        pages = per_page[tool]
        kept = sorted((p for p in pages if p[1].fp), key=lambda p: -p[1].fp)[:8]
        dropped = sorted((p for p in pages if p[1].fn and not p[1].empty), key=lambda p: -p[1].fn)[:8]
        empty = [f for f, t in pages if t.empty]
        more = " ..." if len(empty) > 12 else ""
        lines.append(f"{tool} no text at all ({len(empty)}): " + ", ".join(empty[:12]) + more)
        lines.append(f"{tool} most boilerplate kept: " + ", ".join(f"{f} ({t.fp})" for f, t in kept))
        lines.append(f"{tool} most content missed (with some text): " + ", ".join(f"{f} ({t.fn})" for f, t in dropped))
    return "\n".join(lines)


# --- leave one site out --------------------------------------------------------------------------------


def site_profiles(config_path: Path, pages: list[tuple[str, Path, dict]]) -> dict[str, ExtractSettings | None]:
    """Each site's extract profile as the crawler would pass it: the source named like the site, or whose
    article_url_pattern matches one of its gold URLs; None where that source has no extract block."""
    from kliping.config import parse_config

    config = parse_config(config_path.read_text("utf-8"), origin=str(config_path)) if config_path.exists() else None
    sources = config.sources if config else []
    found: dict[str, ExtractSettings | None] = {}
    for site, _, gold in pages:
        if found.get(site):
            continue
        for source in sources:
            pattern = source.article_url_pattern
            if source.name == site or (pattern and gold.get("url") and re.search(pattern, gold["url"])):
                found[site] = source.extract if _is_profile(source.extract) else None
                break
        else:
            found.setdefault(site, None)
    return found


def _is_profile(settings: ExtractSettings) -> bool:
    """Whether a source's extract block says anything about its template (a selector or phrases to drop)."""
    return bool(settings.body_selector or settings.drop_selectors or settings.drop_phrases)


def evaluate_loso(
    pages_dir: Path, config_path: Path, limit: int | None = None
) -> tuple[dict[str, dict[str, Tally]], dict[str, ExtractSettings | None]]:
    """kliping per site (and "ALL") with the site's profile ("with") and with none ("without")."""
    pages = gold_pages(pages_dir, limit)
    profiles = site_profiles(config_path, pages)
    results: dict[str, dict[str, Tally]] = {"with": defaultdict(Tally), "without": defaultdict(Tally)}
    for site, html_path, gold in pages:
        html = html_path.read_bytes()
        without = score_page("kliping", html, gold)
        # No profile: the with-profile run is the same extraction (deterministic), not run twice.
        tallies = {"with": score_page("kliping", html, gold, profiles[site]) if profiles[site] else without,
                   "without": without}
        for mode, tally in tallies.items():
            results[mode][site].add(tally)
            results[mode]["ALL"].add(tally)
    return results, profiles


def report_loso(results: dict[str, dict[str, Tally]], profiles: dict[str, ExtractSettings | None]) -> str:
    head = (f"{'site':<16}{'pages':>6} {'profile':>8}  " + "  ".join(
        f"{mode + ' profile':>15} P     R     F1  minute  auth" for mode in results))
    lines = [head, "-" * len(head)]
    for site in [*sorted(s for s in results["with"] if s != "ALL"), "ALL"]:
        has = "-" if site == "ALL" else ("yes" if profiles.get(site) else "none")
        row = f"{site:<16}{results['with'][site].pages:>6} {has:>8}  "
        cells = []
        for mode in results:
            t = results[mode][site]
            n = t.pages or 1
            cells.append(f"{'':>15} {t.precision:.3f} {t.recall:.3f} {t.f1:.3f} {t.published / n:6.0%} "
                         f"{t.author / n:5.0%}")
        lines.append(row + "  ".join(cells))
    with_profile = sorted(site for site, profile in profiles.items() if profile)
    lines.append("")
    lines.append(f"sites with an extract profile in the config: {', '.join(with_profile) or 'none'}")
    if results["with"]["ALL"].f1 and results["without"]["ALL"].f1:
        lines.append(f"F1 without/with: {results['without']['ALL'].f1 / results['with']['ALL'].f1:.3f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=Path, default=DEFAULT_PAGES, help="folder of <site>/<page>.html + .json")
    parser.add_argument("--only", choices=sorted(TOOLS), help="run one tool only")
    parser.add_argument("--set", dest="which", choices=["pages", "trafilatura-eval", "loso"], default="pages",
                        help="gold pages (default), trafilatura's multilingual eval, or leave-one-site-out")
    parser.add_argument("--eval", type=Path, default=DEFAULT_EVAL, help="trafilatura-eval folder")
    parser.add_argument("--config", type=Path, default=DEFAULT_CONFIG, help="config.yaml with the sources' profiles")
    parser.add_argument("--limit", type=int, help="only the first N pages (a quick run)")
    args = parser.parse_args(argv)
    tools = [args.only] if args.only else list(TOOLS)
    started = time.perf_counter()
    if args.which == "trafilatura-eval":
        print(report_segments(*evaluate_segments(args.eval, tools, args.limit)))
    elif args.which == "loso":
        print(report_loso(*evaluate_loso(args.pages, args.config, args.limit)))
    else:
        print(report(evaluate(args.pages, tools, args.limit)))
    print(f"({time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
