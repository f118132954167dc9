"""Plain words skip Whoosh's parser and mean exactly what the parser would make of them.

:func:`search.query.plain_query` builds the query of a text of plain words
without loading ``whoosh.qparser``. Checked against the parser itself on real
queries: every judged tydi-id question as typed and as keywords, and news
headlines; text with any syntax is left to the parser.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from corpus import corpus_records
from whoosh import query as wq

from index.schema import build_schema
from search.query import _QUESTION_MARK, plain_query
from search.syntax import make_parser

ROOT = Path(__file__).resolve().parents[1]
TOPICS = ROOT.parent / "shared" / "ir" / "tydi-id" / "topics.tsv"


def _queries() -> list[str]:
    questions = [line.split("\t", 1)[1] for line in TOPICS.read_text(encoding="utf-8").splitlines()]
    keywords = [" ".join(w for w in q.split() if len(w) > 3) for q in questions]
    headlines = [r["title"] for r in corpus_records(2000, every=10)]
    return [_QUESTION_MARK.sub(" ", q).strip() for q in questions + keywords + headlines]


def test_plain_words_make_the_query_the_parser_makes() -> None:
    parser = make_parser(build_schema())
    checked = 0
    for text in _queries():
        fast = plain_query(text)
        if fast is None:
            continue
        slow = parser.parse(text)
        assert fast == slow and _spans(fast) == _spans(slow), text
        checked += 1
    assert checked > 10_000  # nearly all of them are plain words


def _spans(q):  # type: ignore[no-untyped-def]
    """Where each part was typed (name aliases read the typed text back from these)."""
    parts = list(q.subqueries) if isinstance(q, wq.And) else [q]
    return [(getattr(p, "startchar", None), getattr(p, "endchar", None)) for p in parts]


@pytest.mark.parametrize("text", [
    '"Joko Widodo"', "judul:banjir", "banjir DAN rob", "banjir AND rob", "banjir ATAU rob", "BUKAN banjir",
    "korup*", "ba?jir", "korupsi~", "banjir^2", "(banjir rob)", "[a TO b]", "'kutip'", "banjir OR rob",
])
def test_text_with_syntax_is_left_to_the_parser(text: str) -> None:
    assert plain_query(text) is None


def test_a_search_of_plain_words_never_loads_the_parser(tmp_path: Path) -> None:
    code = ("import sys\nfrom index.schema import build_schema\nfrom search.query import parse_query\n"
            "parse_query('Apa penyebab kebakaran hutan di Riau?', build_schema())\n"
            "assert 'whoosh.qparser' not in sys.modules and 'search.syntax' not in sys.modules\n"
            "parse_query('\"hutan Riau\"', build_schema())\n"
            "assert 'search.syntax' in sys.modules\n")
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)
