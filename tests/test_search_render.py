"""Rendering results: colour on a terminal, plain text otherwise, CSV and JSON alike."""

from __future__ import annotations

import json

from search.engine import Hit, SearchResults
from search.render import to_csv, to_json, to_text
from search.snippets import Snippet


def results() -> SearchResults:
    snippet = Snippet([("Uni Eropa ", False), ("menjatuhkan", True), (" sanksi <b>", False)])
    hit = Hit(id="abc", url="https://contoh.id/a", title="Sanksi baru", source="contoh.id",
              published="2021-12-31T08:12:00+07:00", author="Dewi", score=1.5, snippet=snippet)
    return SearchResults(total=1, hits=[hit], facets={"source": {"contoh.id": 1}, "month": {"2021-12": 1}})


def test_terminal_output_is_coloured() -> None:
    text = to_text(results(), color=True)
    assert "\x1b[1;33mmenjatuhkan\x1b[0m" in text and "\x1b[1mSanksi baru\x1b[0m" in text


def test_plain_output_has_no_escape_codes() -> None:
    text = to_text(results(), color=False)
    assert "\x1b" not in text
    assert "2021-12-31 08:12" in text and "by source:" in text


def test_json_snippets_are_escaped_html() -> None:
    hit = json.loads(to_json(results()))["hits"][0]
    assert hit["snippet"] == "Uni Eropa <mark>menjatuhkan</mark> sanksi &lt;b&gt;"


def test_csv_snippets_are_plain_text() -> None:
    assert "Uni Eropa menjatuhkan sanksi <b>" in to_csv(results())
