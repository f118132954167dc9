"""JSON-LD authors given as ``@id`` references (Yoast's ``@graph``, common on WordPress news sites).

The article node says ``"author": {"@id": ".../#/schema/person/..."}`` and the Person with the name is another
node of the graph; before the reference was followed, such pages had no author at all.
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
