"""Does the right article come first? Ranking quality on judged queries, beside plain baselines.

Two sets, each run in one process over the same documents for every system:

- **tydi-id** (``../shared/ir/tydi-id``): 5,632 Indonesian questions with the
  Wikipedia paragraph human annotators judged to answer each. Every question is
  run in three forms: *typed* (exactly as the annotator typed it, ``Kapan serial
  Scream ketiga dirilis ?``), *keywords* (its content words, as a person types
  keywords: ``serial scream ketiga dirilis``) and *or* (every word joined by
  OR). Topics are split in two halves by a hash of their id: ``tune`` (the half
  ranking parameters may be tuned on) and ``check`` (never looked at while
  tuning); both are printed, so over-fitting shows.
- **known-item** (the 2019 news corpus): a query made from an article's own
  headline with words swapped for *other forms of the same root* found in the
  corpus (``pemerintah`` -> ``pemerintahan``); root families come from
  Sastrawi, not kliping's stemmer, so kliping is not graded against itself. The
  one relevant document is the article.

Systems: kliping through the same :class:`~search.engine.Engine` the CLI uses;
Whoosh BM25F with Sastrawi stemming (the 20-line baseline); SQLite FTS5 with
its ``unicode61`` tokenizer and ``bm25()``. Metrics: nDCG@10, MRR@10,
MAP@100, Recall@100 (binary relevance).

    python benchmarks/relevance.py                 # everything (a few minutes)
    python benchmarks/relevance.py --topics 1000   # a sample of tydi topics
    python benchmarks/relevance.py --half tune --topics 1000 --systems kliping --skip-known-item
    python benchmarks/relevance.py --skip-known-item --systems kliping
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import math
import random
import re
import shutil
import sqlite3
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import ROOT, load_corpus  # noqa: E402

TYDI = ROOT.parent / "shared" / "ir" / "tydi-id"
#: Function words and question words a person leaves out when typing keywords. The
#: 2017 Sastrawi list (shared/stopwords), not kliping's own, so no system is favoured.
KEYWORD_STOPLIST = ROOT.parent / "shared" / "stopwords" / "sastrawi_php_09db1bd.txt"
QUESTION_WORDS = frozenset({
    "apa", "siapa", "kapan", "dimana", "mana", "mengapa", "kenapa", "bagaimana", "berapa", "darimana", "kemana",
    "manakah", "apakah", "siapakah", "kapankah", "dimanakah", "berapakah", "bagaimanakah", "mengapakah",
    "darimanakah"})
WORD = re.compile(r"\w+", re.UNICODE)
FORMS = ("typed", "keywords", "or")
DEPTH = 100

Ranker = Callable[[str, str], list[str]]  # (form, query) -> ranked document ids


@dataclass
class Topic:
    qid: str
    text: str
    relevant: set[str]
    half: str = field(default="")


# -- metrics ------------------------------------------------------------------------------


def metrics(ranked: Sequence[str], relevant: set[str]) -> dict[str, float]:
    """nDCG@10, MRR@10, AP@100 and Recall@100 of one ranking (binary relevance)."""
    dcg = sum(1 / math.log2(i + 2) for i, doc in enumerate(ranked[:10]) if doc in relevant)
    ideal = sum(1 / math.log2(i + 2) for i in range(min(10, len(relevant))))
    rr = next((1 / (i + 1) for i, doc in enumerate(ranked[:10]) if doc in relevant), 0.0)
    found, precisions = 0, []
    for i, doc in enumerate(ranked[:DEPTH]):
        if doc in relevant:
            found += 1
            precisions.append(found / (i + 1))
    return {"nDCG@10": dcg / ideal if ideal else 0.0, "MRR@10": rr,
            "MAP@100": sum(precisions) / len(relevant) if relevant else 0.0,
            "R@100": found / len(relevant) if relevant else 0.0}


def mean_metrics(rows: list[dict[str, float]]) -> dict[str, float]:
    if not rows:
        return {}
    return {name: sum(r[name] for r in rows) / len(rows) for name in rows[0]}


# -- query forms --------------------------------------------------------------------------


@cache
def keyword_stoplist() -> frozenset[str]:
    words = {w.strip() for w in KEYWORD_STOPLIST.read_text(encoding="utf-8").splitlines() if w.strip()}
    return frozenset(words | QUESTION_WORDS)


def words_of(text: str) -> list[str]:
    return [w for w in WORD.findall(text.lower()) if w != "_"]


def as_keywords(text: str) -> str:
    """The question's content words, in order: what a person types as keywords."""
    kept = [w for w in words_of(text) if w not in keyword_stoplist()]
    return " ".join(kept) or " ".join(words_of(text))


def as_or(text: str) -> str:
    return " OR ".join(words_of(text))


def query_form(form: str, text: str) -> str:
    return {"typed": text, "keywords": as_keywords(text), "or": as_or(text)}[form]


# -- data ---------------------------------------------------------------------------------


def load_tydi(limit: int | None = None, seed: int = 1) -> tuple[list[dict[str, Any]], list[Topic]]:
    with gzip.open(TYDI / "docs.jsonl.gz", "rt", encoding="utf-8") as lines:
        docs = [json.loads(line) for line in lines]
    relevant: dict[str, set[str]] = defaultdict(set)
    for line in (TYDI / "qrels.tsv").read_text(encoding="utf-8").splitlines():
        qid, docid, grade = line.split("\t")
        if int(grade) > 0:
            relevant[qid].add(docid)
    topics = []
    for line in (TYDI / "topics.tsv").read_text(encoding="utf-8").splitlines():
        qid, text = line.split("\t", 1)
        if relevant.get(qid):
            topics.append(Topic(qid, text, relevant[qid], half=topic_half(qid)))
    if limit and limit < len(topics):
        topics = random.Random(seed).sample(topics, limit)
    return docs, topics


def topic_half(qid: str) -> str:
    """``tune`` or ``check``, fixed per topic (a hash of its id)."""
    return "tune" if hashlib.sha1(qid.encode()).digest()[0] % 2 == 0 else "check"


def doc_key(url: str) -> str:
    """A tydi hit's document id: the last segment of its URL."""
    return url.rstrip("/").rsplit("/", 1)[-1]


def known_items(records: list[dict[str, Any]], count: int, seed: int) -> list[Topic]:
    """Headlines with words swapped for other forms of the same (Sastrawi) root."""
    from index.analysis.stopwords import stopwords
    from kliping.article import Article

    word = re.compile(r"[a-z]{4,}")
    counts = Counter(w for r in records for w in word.findall((r["title"] + " " + r["body"]).lower()))
    root_of = {w: sastrawi_stem(w) for w, n in counts.items() if n >= 3}
    forms: dict[str, list[str]] = defaultdict(list)
    for w, root in root_of.items():
        forms[root].append(w)
    for root in forms:
        forms[root].sort(key=lambda w: -counts[w])
    rng = random.Random(seed)
    topics: list[Topic] = []
    for record in rng.sample(records, min(len(records), count * 3)):
        words = [w for w in word.findall(record["title"].lower()) if w not in stopwords()][:6]
        out, swaps = [], 0
        for w in words:
            others = [f for f in forms.get(root_of.get(w, ""), []) if f != w]
            out.append(rng.choice(others[:3]) if others else w)
            swaps += bool(others)
        if swaps and len(out) >= 2:
            target = Article.from_dict(record).id
            topics.append(Topic(target, " ".join(out), {target}, half="all"))
        if len(topics) >= count:
            break
    return topics


# -- systems ------------------------------------------------------------------------------


@cache
def _sastrawi() -> Any:
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    return StemmerFactory().create_stemmer()


@cache
def sastrawi_stem(word: str) -> str:
    """Sastrawi's root of one word (module-level, so Whoosh can pickle the analyzer using it)."""
    return _sastrawi().stem(word)


def kliping_engine(records: list[dict[str, Any]], workdir: Path, *, reuse: bool = False) -> Any:
    """kliping's archive and index of ``records`` (kept from an earlier run with ``reuse``)."""
    from index.archive import Archive
    from index.store import SearchIndex
    from kliping.article import Article
    from search.engine import Engine

    index = SearchIndex(workdir / "index")
    if reuse and index.exists() and (workdir / "archive.sqlite3").exists():
        return Engine(index, Archive(workdir / "archive.sqlite3"))
    shutil.rmtree(workdir, ignore_errors=True)
    archive = Archive(workdir / "archive.sqlite3")
    for record in records:
        archive.upsert(Article.from_dict(record))
    index.rebuild(archive)
    return Engine(index, archive)


def kliping_system(records: list[dict[str, Any]], workdir: Path, key: Callable[[str], str]) -> Ranker:
    """kliping's archive and index, searched through the engine the CLI uses."""
    return kliping_ranker(kliping_engine(records, workdir), key)


def kliping_ranker(engine: Any, key: Callable[[str], str]) -> Ranker:
    from kliping.errors import QueryError
    from search.engine import SearchRequest

    def rank(form: str, query: str) -> list[str]:
        try:
            found = engine.search(SearchRequest(query=query, limit=DEPTH, snippets=False))
        except QueryError:
            return []
        return [key(hit.url) for hit in found.hits]

    return rank


def whoosh_sastrawi_system(records: list[dict[str, Any]], workdir: Path, key: Callable[[str], str]) -> Ranker:
    """Plain Whoosh BM25F over title and body, words stemmed by Sastrawi: what 20 lines of code give.

    Both fields are searched (Whoosh's ``MultifieldParser``), as the issue's baseline
    does; on tydi every title is the same, on news the headline counts.
    """
    from whoosh import index as whoosh_index
    from whoosh.analysis import LowercaseFilter, RegexTokenizer, StemFilter
    from whoosh.fields import ID, TEXT, Schema
    from whoosh.qparser import MultifieldParser, OrGroup

    analyzer = RegexTokenizer() | LowercaseFilter() | StemFilter(stemfn=sastrawi_stem, cachesize=-1)
    schema = Schema(key=ID(stored=True), title=TEXT(analyzer=analyzer), body=TEXT(analyzer=analyzer))
    path = workdir / "whoosh-sastrawi"
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    ix = whoosh_index.create_in(str(path), schema)
    with ix.writer(limitmb=256) as writer:
        for r in records:
            writer.add_document(key=key(r["url"]), title=r["title"], body=r["body"])
    searcher = ix.searcher()
    fields = ["title", "body"]
    parsers = {"and": MultifieldParser(fields, schema), "or": MultifieldParser(fields, schema, group=OrGroup)}

    def rank(form: str, query: str) -> list[str]:
        parser = parsers["or" if form == "or" else "and"]
        try:
            return [hit["key"] for hit in searcher.search(parser.parse(query), limit=DEPTH)]
        except Exception:  # a question Whoosh's syntax cannot read ranks nothing, as a user sees it
            return []

    return rank


def fts5_system(records: list[dict[str, Any]], workdir: Path, key: Callable[[str], str]) -> Ranker:
    """SQLite FTS5, unicode61 tokenizer, bm25() ranking: the embedded database's own search."""
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE docs USING fts5(key UNINDEXED, title, body, "
               "tokenize='unicode61 remove_diacritics 2')")
    db.executemany("INSERT INTO docs VALUES (?, ?, ?)", ((key(r["url"]), r["title"], r["body"]) for r in records))

    def rank(form: str, query: str) -> list[str]:
        terms = [f'"{w}"' for w in words_of(query) if w != "or"]
        if not terms:
            return []
        match = (" OR " if form == "or" else " ").join(terms)
        rows = db.execute("SELECT key FROM docs WHERE docs MATCH ? ORDER BY bm25(docs) LIMIT ?", (match, DEPTH))
        return [row[0] for row in rows]

    return rank


SYSTEMS: dict[str, Callable[[list[dict[str, Any]], Path, Callable[[str], str]], Ranker]] = {
    "kliping": kliping_system,
    "whoosh+sastrawi": whoosh_sastrawi_system,
    "fts5": fts5_system,
}


# -- running ------------------------------------------------------------------------------


def evaluate(rankers: dict[str, Ranker], topics: Iterable[Topic], forms: Sequence[str],
             ) -> dict[tuple[str, str, str], dict[str, float]]:
    """Mean metrics per (system, form, half), halves plus ``all``."""
    rows: dict[tuple[str, str, str], list[dict[str, float]]] = defaultdict(list)
    topics = list(topics)
    for name, rank in rankers.items():
        for form in forms:
            for topic in topics:
                scored = metrics(rank(form, query_form(form, topic.text)), topic.relevant)
                rows[(name, form, topic.half)].append(scored)
                if topic.half != "all":
                    rows[(name, form, "all")].append(scored)
    return {k: mean_metrics(v) for k, v in rows.items()}


def build(names: Sequence[str], records: list[dict[str, Any]], workdir: Path,
          key: Callable[[str], str]) -> dict[str, Ranker]:
    rankers = {}
    for name in names:
        started = time.perf_counter()
        rankers[name] = SYSTEMS[name](records, workdir, key)
        print(f"  built {name} over {len(records):,} documents in {time.perf_counter() - started:.1f}s",
              file=sys.stderr)
    return rankers


def print_table(title: str, results: dict[tuple[str, str, str], dict[str, float]], names: Sequence[str],
                forms: Sequence[str], halves: Sequence[str], counts: dict[str, int]) -> None:
    print(f"\n{title}")
    print(f"  {'system':<17}{'form':<10}{'topics':<14}" + "".join(f"{m:>9}" for m in
                                                              ("nDCG@10", "MRR@10", "MAP@100", "R@100")))
    for name in names:
        for form in forms:
            for half in halves:
                found = results.get((name, form, half))
                if found:
                    print(f"  {name:<17}{form:<10}{half + f' ({counts[half]})':<14}"
                          + "".join(f"{found[m]:>9.3f}" for m in found))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--topics", type=int, default=None, help="a random sample of this many tydi topics")
    parser.add_argument("--half", choices=("tune", "check"), default=None,
                        help="only this half of the tydi topics (tune while iterating; check to confirm)")
    parser.add_argument("--known-items", type=int, default=300)
    parser.add_argument("--skip-known-item", action="store_true")
    parser.add_argument("--skip-tydi", action="store_true")
    parser.add_argument("--systems", nargs="+", default=list(SYSTEMS), choices=list(SYSTEMS))
    parser.add_argument("--forms", nargs="+", default=list(FORMS), choices=list(FORMS))
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workdir", type=Path, default=ROOT / "bench-data" / "relevance")
    args = parser.parse_args()
    if not args.skip_tydi:
        docs, topics = load_tydi()
        if args.half:
            topics = [t for t in topics if t.half == args.half]
        if args.topics and args.topics < len(topics):
            topics = random.Random(1).sample(topics, args.topics)
        rankers = build(args.systems, docs, args.workdir / "tydi", doc_key)
        results = evaluate(rankers, topics, args.forms)
        counts = Counter(t.half for t in topics)
        counts["all"] = len(topics)
        print_table(f"tydi-id: {len(docs):,} paragraphs, {len(topics):,} judged questions",
                    results, args.systems, args.forms, ("all", "tune", "check"), counts)
    if not args.skip_known_item:
        records = load_corpus()
        topics = known_items(records, args.known_items, args.seed)
        rankers = build(args.systems, records, args.workdir / "known-item", _article_key)
        results = evaluate(rankers, topics, ("typed", "or"))
        print_table(f"known-item: {len(records):,} news articles, {len(topics)} headline queries "
                    "(words in other forms of their Sastrawi root)",
                    results, args.systems, ("typed", "or"), ("all",), {"all": len(topics)})


def _article_key(url: str) -> str:
    from kliping.article import article_id

    return article_id(url)


if __name__ == "__main__":
    main()
