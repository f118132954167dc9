"""Authors on sites nobody tuned for: JSON-LD ``@id`` references (Yoast's ``@graph``), commenters.

The article node says ``"author": {"@id": ".../#/schema/person/..."}`` and the Person with the name is another
node of the graph; before the reference was followed, such pages had no author at all. And an "author" class in a
comment thread or its form ("comment-author", "Name *") is a reader or a field, never the byline.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from ingest.extract.authors import find_authors
from ingest.extract.blocks import iter_blocks
from ingest.extract.decode import decode_html
from ingest.extract.meta import read_meta
from ingest.extract.tree import parse_html

EVAL_HTML = Path(__file__).resolve().parents[1] / ".." / "shared" / "extraction" / "trafilatura-eval" / "html"


@pytest.mark.skipif(not EVAL_HTML.exists(), reason="../shared not mounted")
@pytest.mark.parametrize(
    "name,author",
    [("plantcaretoday.com.bougainvillea.html", "Gary Antosh"), ("legrandcontinent.eu.heran.html", "Gilles Gressani")],
)
def test_an_author_referenced_by_id_in_the_graph_is_named(name: str, author: str):
    root = parse_html(decode_html(gzip.decompress((EVAL_HTML / (name + ".gz")).read_bytes())))
    meta = read_meta(root)
    assert find_authors(root, meta, list(iter_blocks(root))) == [author]


def test_a_reference_to_no_node_stays_unnamed():
    html = """<html><head><script type="application/ld+json">{"@context": "https://schema.org", "@graph": [
      {"@type": "NewsArticle", "headline": "Banjir", "author": {"@id": "https://a.id/#/schema/person/1"}}]}
    </script></head><body><p>Teks.</p></body></html>"""
    root = parse_html(html)
    meta = read_meta(root)
    assert find_authors(root, meta, list(iter_blocks(root))) == []


@pytest.mark.skipif(not EVAL_HTML.exists(), reason="../shared not mounted")
@pytest.mark.parametrize(
    "name,not_an_author",
    [
        ("frolleinherr.com.lost.html", "Aylin sagt"),  # a commenter: <cite class="comment-author">
        ("dietagespresse.com-halloween.html", "Graugans sagt"),
        ("stluciatimes.com-dea.html", "Name:* Please enter your name here"),  # the comment form's name field
        ("hejfish.com-stephan.html", "Name *"),
    ],
)
def test_commenters_and_comment_form_fields_are_no_byline(name: str, not_an_author: str):
    """An "author" class inside a comment thread or a form names a reader or a field, not the writer."""
    root = parse_html(decode_html(gzip.decompress((EVAL_HTML / (name + ".gz")).read_bytes())))
    assert not_an_author not in find_authors(root, read_meta(root), list(iter_blocks(root)))
